/**
 * Progress while the step waits (for quota, or for completion), so a long wait never looks like a hang:
 * every `intervalMs` (30 s by default) while anything is pending, a line per pending target (completed
 * of total invalidations, batches queued for quota and what they wait for) with the time waited and the
 * time left before `timeout`; and a line as soon as each target is done. With `tenants` (thousands of
 * targets) one line counts them instead: tenants submitted, Completed and failed, the request rate, and
 * the time the rest should take. Computed from the outcome model (report/state.ts), so it says what the
 * summary will say.
 */
import type { Clock } from './cloudfront/clock.js'
import { formatDuration } from './duration.js'
import { formatCount, plural } from './format.js'
import type { Io } from './io.js'
import type { Reading, RunState } from './report/state.js'
import { targetsPhrase, targetViews, type TargetView } from './report/status.js'
import { voice } from './voice.js'

/** Longest silence while anything is pending. */
export const PROGRESS_INTERVAL_MS = 30_000
/** Shortest interval between progress reports. */
const MIN_INTERVAL_MS = 1000

/**
 * How often to report: every 30 s, or ten times over a shorter `timeout` (a 1-minute step reports every
 * 6 s), never more than once a second.
 */
export function progressInterval(timeoutMs: number): number {
  return Math.max(MIN_INTERVAL_MS, Math.min(PROGRESS_INTERVAL_MS, Math.round(timeoutMs / 10)))
}
/** Pending targets named in one progress report; the rest are counted. */
const MAX_TARGET_LINES = 10

/** Per-target completion lines are printed up to this many targets (not for tenant fan-out). */
const MAX_ANNOUNCED_TARGETS = 50

/** What the run's CloudFront traffic looks like now (rate.ts and the CompletionModel). */
export interface LiveStats {
  /** Requests a second lately, over every operation. */
  requestRate: number
  /** Requests a second creates and polls are paced at (undefined: not paced, or none sent yet). */
  createRate?: number
  pollRate?: number
  /** How old an invalidation of this run usually is when it completes. */
  completionMs: number
}

export interface ProgressOptions {
  clock: Clock
  /** Clock time the step started, and its deadline. */
  startedAt: number
  deadline: number
  intervalMs?: number
  /** The request rate and what the rest should take, for the tenant fan-out line. */
  stats?: () => LiveStats
}

/**
 * Whether a target still has work under way that this step waits for. A gate's target is pending until
 * its wait ended: its invalidations are looked up one by one first (thousands of them at CloudFront's
 * rate), and one not looked up yet is not done.
 */
function pending(s: RunState, v: TargetView): boolean {
  if (v.error !== undefined) return false
  if (s.gate) return s.targets.get(v.id)?.endedAt === undefined
  return v.unsubmitted > 0 || (s.wait && v.completed < v.records.length)
}

/** "19.6 requests/s" with one decimal under 100. */
function perSecond(rate: number): string {
  return `${rate < 100 ? rate.toFixed(1) : Math.round(rate)} requests/s`
}

/** The tenant fan-out line: counts over every tenant, the rate, and what the rest should take. */
function fanOutLine(s: RunState, views: readonly TargetView[], o: ProgressOptions, head: string): string {
  let submitted = 0
  let completed = 0
  let failed = 0
  let queued = 0
  let batchesLeft = 0
  let pendingInvalidations = 0
  for (const v of views) {
    if (v.error !== undefined) failed++
    else if (v.unsubmitted === 0) submitted++
    if (v.batches > 0 && v.completed === v.batches) completed++
    if (v.queued !== undefined) queued++
    if (v.error === undefined) batchesLeft += v.unsubmitted
    pendingInvalidations += v.records.length - v.completed
  }
  const parts = [`${formatCount(submitted)} of ${plural(views.length, 'tenant')} submitted`]
  if (s.wait) parts.push(`${formatCount(completed)} Completed`)
  if (failed > 0) parts.push(`${formatCount(failed)} failed`)
  if (queued > 0) parts.push(`${formatCount(queued)} waiting for quota`)
  const stats = o.stats?.()
  let rest = ''
  if (stats !== undefined) {
    parts.push(perSecond(stats.requestRate))
    // The rest: the creates left at the create rate, and when waiting, the polls left at the poll rate
    // (they overlap), then one completion.
    const creates = stats.createRate ? batchesLeft / stats.createRate : undefined
    const polls = s.wait && stats.pollRate ? pendingInvalidations / stats.pollRate : 0
    if (creates !== undefined && Number.isFinite(creates)) {
      const ms = 1000 * Math.max(creates, polls) + (s.wait ? stats.completionMs : 0)
      rest = `; about ${formatDuration(ms)} to go`
    }
  }
  return `${head}: ${parts.join(', ')}${rest}`
}

/**
 * The line while tenants are read (`tenants`, a `DIST/dt_*` gate): how many so far, of how many, what
 * was found, the request rate, and the time the rest should take at the pace so far.
 */
function readingLine(r: Reading, o: ProgressOptions, head: string, now: number): string {
  const parts = [
    r.total === undefined
      ? `${plural(r.done, 'tenant')} listed so far`
      : `${formatCount(r.done)} of ${plural(r.total, 'tenant')} read`,
  ]
  if (r.found !== undefined) parts.push(`${plural(r.found, 'invalidation')} in progress found`)
  const stats = o.stats?.()
  if (stats !== undefined) parts.push(perSecond(stats.requestRate))
  const elapsed = now - r.startedAt
  const rest =
    r.total !== undefined && r.done > 0 && elapsed > 0
      ? `; about ${formatDuration(((r.total - r.done) * elapsed) / r.done)} to go`
      : ''
  return `${head}: ${r.what}: ${parts.join(', ')}${rest}`
}

/** A gate over many targets (thousands of tenants from a file): one line of counts, not a line each. */
function gateCountLine(
  views: readonly TargetView[],
  open: readonly TargetView[],
  o: ProgressOptions,
  head: string,
): string {
  const failed = views.filter((v) => v.error !== undefined).length
  const unread = open.filter((v) => v.records.length === 0).length
  const parts = [
    `${formatCount(views.length - open.length)} of ${targetsPhrase(views.length, views)} done${failed > 0 ? ` (${formatCount(failed)} failed)` : ''}`,
  ]
  if (unread > 0) parts.push(`${formatCount(unread)} still to look up`)
  const stats = o.stats?.()
  if (stats !== undefined) parts.push(perSecond(stats.requestRate))
  return `${head}: ${parts.join(', ')}`
}

/** The progress report for now: a heading line, then one line per pending target (none when idle). */
export function progressLines(s: RunState, o: ProgressOptions): string[] {
  const views = targetViews(s)
  const open = views.filter((v) => pending(s, v))
  if (open.length === 0 && s.reading === undefined) return []
  const now = o.clock.now()
  const left = Math.max(0, o.deadline - now)
  const waiting = `Waiting ${formatDuration(now - o.startedAt)}, ${formatDuration(left)} left before ${voice().option('timeout')}`
  // Tenants are read before anything is waited for: there are no targets yet.
  if (s.reading !== undefined) return [readingLine(s.reading, o, waiting, now)]
  if (s.fanOut !== undefined && !s.gate) return [fanOutLine(s, views, o, waiting)]
  if (s.gate && views.length > MAX_TARGET_LINES) return [gateCountLine(views, open, o, waiting)]
  const done = views.length - open.length
  const failed = views.filter((v) => v.error !== undefined).length
  const head =
    waiting +
    (views.length > 1
      ? `: ${done} of ${targetsPhrase(views.length, views)} done${failed > 0 ? ` (${failed} failed)` : ''}`
      : '')
  const lines = [head]
  for (const v of open.slice(0, MAX_TARGET_LINES)) {
    if (s.gate && v.records.length === 0) {
      lines.push(`  ${v.id}: looking up what to wait for`)
      continue
    }
    const parts = [`${v.completed} of ${plural(v.batches, 'invalidation')} Completed`]
    if (v.unsubmitted > 0) {
      parts.push(
        v.queued !== undefined
          ? `${plural(v.queued.batches, 'batch', 'batches')} queued ${v.queued.reason}`
          : `${plural(v.unsubmitted, 'batch', 'batches')} not submitted yet`,
      )
    }
    lines.push(`  ${v.id}: ${parts.join('; ')}`)
  }
  if (open.length > MAX_TARGET_LINES) {
    const rest = open.slice(MAX_TARGET_LINES)
    lines.push(`  … and ${targetsPhrase(rest.length, rest).replace(/^([\d,]+) /, '$1 more ')} pending`)
  }
  return lines
}

/** Prints progress on a timer, and a line as each target is done. */
export class ProgressReporter {
  private timer: NodeJS.Timeout | undefined
  private readonly announced = new Set<string>()

  constructor(
    private readonly state: RunState,
    private readonly io: Io,
    private readonly o: ProgressOptions,
  ) {}

  /** Start the timer (once: a second call while it runs does nothing). */
  start(): void {
    if (this.timer !== undefined) return
    this.timer = setInterval(
      () => {
        for (const line of progressLines(this.state, this.o)) this.io.info(line)
      },
      this.o.intervalMs ?? progressInterval(this.o.deadline - this.o.startedAt),
    )
    this.timer.unref() // never what keeps the process alive
  }

  stop(): void {
    clearInterval(this.timer)
    this.timer = undefined
  }

  /**
   * After a change to target `id` (a batch created, a poll): once all its batches are submitted and, when
   * waiting, all Completed, say so once.
   */
  update(id: string): void {
    if (this.announced.has(id) || !this.state.wait) return
    // Thousands of tenants get counts in the progress line, not a line each.
    if (this.state.fanOut !== undefined || this.state.targets.size > MAX_ANNOUNCED_TARGETS) return
    const records = this.state.recordsByTarget.get(id) ?? []
    const plan = this.state.plans.find((p) => p.distributionId === id)
    const expected = this.state.gate ? records.length : (plan?.batches.length ?? 0)
    if (expected === 0 || records.length < expected || records.some((r) => r.status !== 'Completed')) return
    this.announced.add(id)
    const after = formatDuration(this.o.clock.now() - this.o.startedAt)
    this.io.info(
      `${id}: ${expected === 1 ? 'its invalidation is' : `all ${plural(expected, 'invalidation')} are`} Completed (${after} after the start)`,
    )
  }
}
