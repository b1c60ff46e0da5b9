/**
 * Statuses from the outcome model: each target's, and the run's (the `status` output). One function
 * each, so the summary's rows, its heading, the progress lines and the output always agree.
 */
import type { InvalidationRecord } from '../cloudfront/tracker.js'
import { plural } from '../format.js'
import { isTenant } from '../targets.js'
import { groupByTarget, type RunState, type RunStatus } from './state.js'

/** What one target amounts to now: its status and the counts behind it. */
export interface TargetView {
  id: string
  /** Domain name(s) it was named by, when resolved from an alias. */
  alias?: string
  status: RunStatus
  /** Batches planned (for a gate: the invalidations it waits for). */
  batches: number
  /** Its invalidations (created, or waited for by a gate). */
  records: InvalidationRecord[]
  completed: number
  /** Batches planned but never submitted, and the paths in them (not invalidated). */
  unsubmitted: number
  unsubmittedPaths: number
  /**
   * Paths requested, and billed: submitted (a wildcard or tag counts as one), for this target. A batch
   * never submitted is not billed; in a dry run, what would be.
   */
  requested: number
  billed: number
  error?: string
  queued?: { batches: number; reason: string }
}

/** Every target in the order named (plans first, then anything only a gate knows), with its status. */
export function targetViews(s: RunState): TargetView[] {
  // Not s.recordsByTarget: a gate sorts s.records into the order given after indexing them.
  const byTarget = groupByTarget(s.records)
  const plans = new Map(s.plans.map((p) => [p.distributionId, p]))
  const ids = [...plans.keys(), ...s.targets.keys(), ...byTarget.keys()]
  const seen = new Set<string>()
  const views: TargetView[] = []
  for (const id of ids) {
    if (seen.has(id)) continue
    seen.add(id)
    const plan = plans.get(id)
    const outcome = s.targets.get(id)
    const records = byTarget.get(id) ?? []
    const batches = s.gate ? records.length : (plan?.batches.length ?? 0)
    const completed = records.filter((r) => r.status === 'Completed').length
    const view: TargetView = {
      id,
      status: 'Planned',
      batches,
      records,
      completed,
      unsubmitted: s.gate || s.dryRun ? 0 : Math.max(0, batches - records.length),
      unsubmittedPaths: 0,
      requested: plan?.requested.length ?? 0,
      billed: plan?.items.length ?? 0,
    }
    if (!s.dryRun && !s.gate && plan !== undefined && records.length < batches) {
      view.billed = records.reduce((n, r) => n + r.pathCount, 0)
    }
    if (view.unsubmitted > 0 && plan !== undefined) {
      const sent = new Set(records.map((r) => r.batch))
      view.unsubmittedPaths = plan.batches.reduce((n, b, i) => (sent.has(i) ? n : n + b.length), 0)
    }
    if (plan?.alias !== undefined) view.alias = plan.alias
    if (outcome?.error !== undefined) view.error = outcome.error
    if (outcome?.queued !== undefined) view.queued = outcome.queued
    view.status = targetStatus(s, view)
    views.push(view)
  }
  return views
}

/** The status of one target, from its counts and the run's ending. */
function targetStatus(s: RunState, t: TargetView): RunStatus {
  if (s.dryRun) return 'Planned'
  if (t.error !== undefined) return 'Failed'
  if (!s.gate && t.batches === 0) return 'Skipped'
  if (t.unsubmitted > 0) return s.ending === 'cancelled' ? 'Cancelled' : 'Failed'
  if (t.batches > 0 && t.completed === t.batches) return 'Completed'
  // A gate's `DIST/*` target that found nothing in progress, and whose wait ended: all there is Completed.
  if (s.gate && t.batches === 0 && s.targets.get(t.id)?.endedAt !== undefined) return 'Completed'
  if (s.ending === 'timeout') return 'TimedOut'
  if (s.ending === 'cancelled') return 'Cancelled'
  // A gate's target with nothing to wait for and no ending cannot happen; say Skipped.
  return t.batches === 0 ? 'Skipped' : 'InProgress'
}

/** Statuses from the worst down: the run is as bad as its worst target. */
const SEVERITY: readonly RunStatus[] = ['Failed', 'Cancelled', 'TimedOut', 'InProgress', 'Completed']

/** The status the run ended in (the `status` output). */
export function runStatus(s: RunState, views: readonly TargetView[] = targetViews(s)): RunStatus {
  if (s.failure !== undefined) return s.ending === 'cancelled' ? 'Cancelled' : 'Failed'
  if (s.dryRun) return 'Planned'
  // A gate on `DIST/dt_*` that found nothing in progress on any tenant: every invalidation there is
  // Completed, unless the deadline or a cancel came before the tenants were listed.
  if (s.gate && views.length === 0 && (s.gateAll?.length ?? 0) > 0) {
    if (s.ending === 'timeout') return 'TimedOut'
    return s.ending === 'cancelled' ? 'Cancelled' : 'Completed'
  }
  const statuses = new Set(views.map((v) => v.status))
  for (const status of SEVERITY) if (statuses.has(status)) return status
  if (s.ending === 'cancelled') return 'Cancelled'
  return 'Skipped' // no target had anything to do
}

/** Whether the step must end with a failure (exit code 1). */
export function stepFails(s: RunState, status: RunStatus = runStatus(s)): boolean {
  if (status === 'Failed' || status === 'Cancelled' || s.verifyFailure !== undefined) return true
  return status === 'TimedOut' && s.onTimeout === 'fail'
}

/** The mark shown beside the status in the summary heading: the outcome at a glance. */
export function statusMark(s: RunState, status: RunStatus = runStatus(s)): string {
  if (stepFails(s, status)) return '❌'
  // `on-stale: warn`: Completed, but not everywhere fresh; or asked to verify, and nothing could be.
  if (staleCount(s) > 0 || verifiedNothing(s)) return '⚠️'
  return status === 'InProgress' || status === 'TimedOut' ? '⏳' : '✅'
}

/** URLs edge verification found stale (0 when it did not run). */
export function staleCount(s: RunState): number {
  return (s.verification?.targets ?? []).reduce(
    (n, t) => n + t.checks.filter((c) => c.outcome === 'stale').length,
    0,
  )
}

/**
 * Verification ran (not a dry run, not cut short) and found no URL fresh: every URL was unverifiable
 * (403, 404, no CloudFront answer) or nothing could be checked (only tags, wildcards with no known object).
 */
function verifiedNothing(s: RunState): boolean {
  const v = s.verification
  if (v === undefined || v.dryRun || s.verifyFailure !== undefined) return false
  return !v.targets.some((t) => t.checks.some((c) => c.outcome === 'fresh' || c.outcome === 'stale'))
}

/**
 * What the summary heading adds after the status about edge verification, so that a Completed run whose
 * URLs are stale (or could not be verified) never reads as a clean success.
 */
export function verifyHeading(s: RunState): string {
  const stale = staleCount(s)
  if (stale > 0) return `, but ${plural(stale, 'URL')} stale at the edge`
  if (s.verifyFailure !== undefined) return ', but edge verification failed'
  if (verifiedNothing(s)) return ', but nothing could be verified at the edge'
  if (s.verification !== undefined && !s.verification.dryRun) return ', verified at the edge'
  return ''
}

/** "3 distributions", "10,000 tenants", or both kinds: the noun for `n` of these targets. */
export function targetsPhrase(n: number, views: readonly { id: string }[]): string {
  const tenants = views.filter((v) => isTenant(v.id)).length
  if (tenants === 0) return plural(n, 'distribution')
  if (tenants === views.length) return plural(n, 'tenant')
  return plural(n, 'distribution or tenant', 'distributions and tenants')
}
