/**
 * Progress while the step waits (for quota, or for completion), so a long wait never looks like a hang:
 * every `intervalMs` (30 s by default) while anything is pending, a line per pending target (completed
 * of total invalidations, batches queued for quota and what they wait for) with the time waited and the
 * time left before `timeout`; and a line as soon as each target is done. Computed from the outcome model
 * (report/state.ts), so it says what the summary will say.
 */
import type { Clock } from './cloudfront/clock.js'
import { formatDuration } from './duration.js'
import { plural } from './format.js'
import type { Io } from './io.js'
import type { RunState } from './report/state.js'
import { targetViews, type TargetView } from './report/status.js'
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

export interface ProgressOptions {
  clock: Clock
  /** Clock time the step started, and its deadline. */
  startedAt: number
  deadline: number
  intervalMs?: number
}

/** Whether a target still has work under way that this step waits for. */
function pending(s: RunState, v: TargetView): boolean {
  if (v.error !== undefined) return false
  return v.unsubmitted > 0 || (s.wait && v.completed < v.records.length)
}

/** The progress report for now: a heading line, then one line per pending target (none when idle). */
export function progressLines(s: RunState, o: ProgressOptions): string[] {
  const views = targetViews(s)
  const open = views.filter((v) => pending(s, v))
  if (open.length === 0) return []
  const now = o.clock.now()
  const left = Math.max(0, o.deadline - now)
  const done = views.length - open.length
  const failed = views.filter((v) => v.error !== undefined).length
  const head =
    `Waiting ${formatDuration(now - o.startedAt)}, ${formatDuration(left)} left before ${voice().option('timeout')}` +
    (views.length > 1
      ? `: ${done} of ${plural(views.length, 'distribution')} done${failed > 0 ? ` (${failed} failed)` : ''}`
      : '')
  const lines = [head]
  for (const v of open.slice(0, MAX_TARGET_LINES)) {
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
    lines.push(`  … and ${plural(open.length - MAX_TARGET_LINES, 'more distribution')} pending`)
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

  start(): void {
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
  }

  /**
   * After a change to target `id` (a batch created, a poll): once all its batches are submitted and, when
   * waiting, all Completed, say so once.
   */
  update(id: string): void {
    if (this.announced.has(id) || !this.state.wait) return
    const records = this.state.records.filter((r) => r.distributionId === id)
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
