/**
 * `wait-for`: a release gate. It creates nothing: it waits until every invalidation an earlier step or
 * job made (its `invalidations` output, or `DISTRIBUTION/ID` lines) is Completed, fails at once on a
 * permanent error, and fails on `timeout`. So a deploy job can return fast and a release job wait.
 */
import type { CloudFrontApi } from './cloudfront/api.js'
import type { Clock } from './cloudfront/clock.js'
import { Tracker, type InvalidationRecord } from './cloudfront/tracker.js'
import type { Io } from './io.js'
import type { RunState } from './report.js'
import type { WaitTarget } from './targets.js'

/**
 * Wait for every target; fills `state.records`, `state.errors` and `state.timedOut`, and `paths` (when
 * given) with each invalidation's paths, keyed `DISTRIBUTION/ID`, for edge verification.
 */
export async function waitForAll(
  state: RunState,
  targets: readonly WaitTarget[],
  api: CloudFrontApi,
  clock: Clock,
  signal: AbortSignal,
  io: Io,
  paths?: Map<string, readonly string[]>,
): Promise<void> {
  const byTarget = new Map<string, WaitTarget[]>()
  for (const t of targets) byTarget.set(t.distributionId, [...(byTarget.get(t.distributionId) ?? []), t])
  const retry = { clock, signal, onRetry: (m: string) => io.warning(m) }
  const results = await Promise.allSettled(
    [...byTarget].map(async ([distributionId, list]) => {
      const tracker = new Tracker(api, distributionId, clock, retry)
      tracker.onProgress = (done, total) =>
        io.progress?.(`${distributionId}: ${done}/${total} invalidation(s) Completed`)
      for (const t of list) {
        // Look each one up first: a wrong id or a missing permission fails now, not at the timeout.
        const info = await tracker.lookup(t.id)
        paths?.set(`${distributionId}/${t.id}`, info.paths ?? [])
        const record: InvalidationRecord = {
          distributionId,
          id: t.id,
          status: info.status,
          pathCount: info.paths?.length ?? t.pathCount ?? 0,
          createTime: t.createTime ?? info.createTime.toISOString(),
          batch: state.records.length,
        }
        state.records.push(record)
        if (info.status !== 'Completed') tracker.add(t.id, { files: 0, wildcards: 0 }, record)
      }
      await tracker.waitForAll()
      io.info(`${distributionId}: ${list.length} invalidation(s) Completed`)
    }),
  )
  // Report in the order given (the distributions were waited for concurrently).
  const order = new Map(targets.map((t, i) => [`${t.distributionId}/${t.id}`, i]))
  const at = (r: InvalidationRecord): number => order.get(`${r.distributionId}/${r.id}`) ?? 0
  state.records.sort((a, b) => at(a) - at(b))
  for (const r of results) {
    if (r.status === 'fulfilled') continue
    if (signal.aborted) state.timedOut = true
    else state.errors.push(r.reason instanceof Error ? r.reason.message : String(r.reason))
  }
}
