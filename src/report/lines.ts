/**
 * The sentences the step ends with: the one result line (a notice), and the line a failing or
 * timed-out step ends with. Each figure in a sentence is on one basis: totals over targets, or per
 * target when it says "each".
 */
import { formatDuration } from '../duration.js'
import { formatCount, plural } from '../format.js'
import { ALL_TENANTS } from '../targets.js'
import { voice } from '../voice.js'
import type { RunState } from './state.js'
import { runStatus, targetsPhrase, targetViews, type TargetView } from './status.js'

/** "3 paths on 1 distribution", "3 paths on each of 2 distributions (6 in all)", "14 paths over 2 distributions". */
export function pathsPhrase(views: readonly TargetView[], gate = false): string {
  const kind = (n: number): string => targetsPhrase(n, views)
  const withWork = gate ? views : views.filter((v) => v.batches > 0 || v.error !== undefined)
  const n = withWork.length
  const total = withWork.reduce((sum, v) => sum + v.billed, 0)
  if (n <= 1) return `${plural(total, 'path')} on ${kind(n)}`
  const first = withWork[0]?.billed ?? 0
  if (withWork.every((v) => v.billed === first))
    return `${plural(first, 'path')} on each of ${kind(n)} (${plural(total, 'path')} in all)`
  return `${plural(total, 'path')} over ${kind(n)}`
}

/** Up to `max` invalidations as DIST/ID, then "…". */
export function listIds(records: readonly { distributionId: string; id: string }[], max = 5): string {
  const shown = records.slice(0, max).map((r) => `${r.distributionId}/${r.id}`)
  return shown.join(', ') + (records.length > max ? `, … (${records.length - max} more)` : '')
}

/** The one line the step ends with (a notice when it succeeds). */
export function resultLine(s: RunState, views: readonly TargetView[] = targetViews(s)): string {
  const status = runStatus(s, views)
  const time = s.timings.totalMs === undefined ? '' : ` in ${formatDuration(s.timings.totalMs)}`
  const records = s.records.length
  const completed = s.records.filter((r) => r.status === 'Completed').length
  const batches = views.reduce((n, v) => n + v.batches, 0)
  const unsubmitted = views.reduce((n, v) => n + v.unsubmitted, 0)
  const failed = views.filter((v) => v.status === 'Failed')
  if (s.gate) return gateLine(s, views, status, time)
  switch (status) {
    case 'Planned':
      if (batches === 0) return `Dry run: nothing to invalidate: ${skipReason(s)}.`
      if (s.fanOut !== undefined) {
        return `Dry run: would invalidate ${plural(views[0]?.billed ?? 0, 'path')} in ${plural(views[0]?.batches ?? 0, 'batch', 'batches')} on each selected tenant of ${views.map((v) => v.id).join(', ')} (${voice().setting('tenants', s.fanOut.selection)}; not listed, no AWS call made).`
      }
      return `Dry run: would invalidate ${pathsPhrase(views)} in ${plural(batches, 'batch', 'batches')} (no AWS call made).`
    case 'Skipped':
      return `Nothing to invalidate: ${skipReason(s)}.`
    case 'Completed':
      return `Invalidated ${pathsPhrase(views)}: ${plural(records, 'invalidation')} Completed${time}.`
    case 'InProgress':
      return `Submitted ${pathsPhrase(views)}: ${plural(records, 'invalidation')} in progress${time}.`
    case 'TimedOut':
      return `Timed out${time}: ${completed} of ${plural(records, 'invalidation')} Completed; still in progress: ${listIds(s.records.filter((r) => r.status !== 'Completed'))}.`
    case 'Cancelled':
      return `Cancelled${time}: ${plural(records, 'invalidation')} created${unsubmitted > 0 ? `, ${plural(unsubmitted, 'batch', 'batches')} never submitted` : ''}; the ids are in ${voice().results}.`
    case 'Failed':
      if (s.failure !== undefined && records === 0) return `Failed${time}: ${s.failure}`
      return `Failed${time}: ${failed.length > 0 ? `${formatCount(failed.length)} of ${targetsPhrase(views.length, views)} failed; ` : ''}${plural(records, 'invalidation')} created of ${plural(batches, 'batch', 'batches')} planned${unsubmitted > 0 ? `, ${unsubmitted} never submitted` : ''}.`
  }
}

/** Why a run had nothing to invalidate. */
function skipReason(s: RunState): string {
  return s.skipReasons.length > 0 ? s.skipReasons.join('; ') : 'no paths left after normalisation'
}

/** What a gate's `DIST/*` or `DIST/dt_*` line waits on: `DIST`, or `the tenants of DIST`. */
function wideScope(line: string): string {
  const [scope = '', id] = line.split('/')
  return id === ALL_TENANTS ? `the tenants of ${scope}` : scope
}

/** The result line of a `wait-for` gate. */
function gateLine(s: RunState, views: readonly TargetView[], status: string, time: string): string {
  const n = s.records.length
  const where = targetsPhrase(views.length, views)
  const completed = s.records.filter((r) => r.status === 'Completed').length
  const all = (s.gateAll ?? []).map(wideScope).join(', ')
  switch (status) {
    case 'Skipped':
      return `Nothing to wait for: ${voice().option('wait-for')} lists no invalidation (the run it comes from made none).`
    case 'Planned':
      return `Dry run: would wait for ${plural(s.gateTargets ?? 0, 'invalidation')}${all === '' ? '' : ` and everything in progress on ${all}`} (no AWS call made).`
    case 'Completed':
      if (n === 0) return `Nothing in progress on ${all}: every invalidation there is Completed.`
      return `Waited for ${plural(n, 'invalidation')} on ${where}: all Completed${time}.`
    default: {
      // Named by id but never found (NoSuchInvalidation) still counts in what was to wait for.
      const asked = all === '' ? Math.max(n, s.gateTargets ?? 0) : n
      return `${status}${time}: ${completed} of ${plural(asked, 'invalidation')} on ${where} Completed.`
    }
  }
}

/**
 * Why the step fails (or, with `on-timeout: warn`, the warning it ends with), as one line, naming what
 * was created so nothing is lost. With `errorsShown`, each target's error was already printed as it
 * happened, and this line only counts them.
 */
export function endingLine(
  s: RunState,
  timeoutMs: number,
  errorsShown = false,
  views: readonly TargetView[] = targetViews(s),
): string {
  const status = runStatus(s, views)
  const created = `${plural(s.records.length, 'invalidation')} ${s.gate ? 'waited for' : 'created'}`
  const unsubmitted = views.filter((v) => v.unsubmitted > 0)
  const never =
    unsubmitted.length === 0
      ? ''
      : `; ${plural(
          unsubmitted.reduce((n, v) => n + v.unsubmitted, 0),
          'batch',
          'batches',
        )} never submitted (${unsubmitted
          .slice(0, 5)
          .map((v) => `${v.id}: ${v.unsubmitted} of ${v.batches}`)
          .join(', ')}), so their paths were not invalidated`
  const pending = s.records.filter((r) => r.status !== 'Completed')
  const stillPending = pending.length === 0 ? '' : `; not Completed yet: ${listIds(pending)}`
  if (status === 'Cancelled') {
    return `Cancelled: ${created}${never}${stillPending}; the ids are in ${voice().results}.`
  }
  if (s.failure !== undefined) return s.failure
  // Every invalidation Completed; verification at the edge is what failed.
  if (s.verifyFailure !== undefined && status === 'Completed') return s.verifyFailure
  const failed = views.filter((v) => v.error !== undefined)
  if (failed.length > 0) {
    const ids = failed
      .slice(0, 5)
      .map((v) => v.id)
      .join(', ')
    const what = !errorsShown
      ? failed.length === 1
        ? (failed[0]?.error ?? '')
        : `${formatCount(failed.length)} of ${targetsPhrase(views.length, views)} failed: ${failed
            .slice(0, 5)
            .map((v) => v.error)
            .join(' | ')}${failed.length > 5 ? ' | …' : ''}`
      : failed.length === 1 && views.length === 1
        ? `${ids} failed (the error is above)`
        : `${formatCount(failed.length)} of ${targetsPhrase(views.length, views)} failed (${ids}${failed.length > 5 ? ', …' : ''}; each error is above)`
    const timedOut =
      s.ending === 'timeout'
        ? `; timeout ${formatDuration(timeoutMs)} reached with ${plural(pending.length, 'invalidation')} not Completed yet`
        : ''
    return `${what}${timedOut}; ${created}${s.records.length === 0 ? '' : `, ${s.records.length === 1 ? 'its id is' : 'their ids are'} in ${voice().results}`}.`
  }
  const limit = `timeout ${formatDuration(timeoutMs)} reached`
  if (unsubmitted.length > 0) {
    return `${limit} before every batch was submitted: ${created}${never}${stillPending}. Raise ${voice().option('timeout')}.`
  }
  return `${limit}: ${created}, ${pending.length} not Completed yet (${listIds(pending)}); their ids are in ${voice().results}. Raise ${voice().option('timeout')}${s.onTimeout === 'fail' ? `, or use ${voice().setting('on-timeout', 'warn')} to end with a warning` : ''}.`
}
