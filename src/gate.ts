/**
 * `wait-for`: a release gate. It creates nothing: it waits until every invalidation an earlier step or
 * job made (its `invalidations` output, or `DISTRIBUTION/ID` lines) is Completed, fails at once on a
 * permanent error (a wrong id, a missing permission: the gate cannot pass, so waiting on is pointless),
 * and fails on `timeout`. So a deploy job can return fast and a release job wait.
 */
import type { CloudFrontApi } from './cloudfront/api.js'
import type { Clock } from './cloudfront/clock.js'
import { UnreachableError } from './cloudfront/errors.js'
import { Tracker, type InvalidationRecord } from './cloudfront/tracker.js'
import { errorMessage } from './errors.js'
import { plural } from './format.js'
import type { Io } from './io.js'
import type { ProgressReporter } from './progress.js'
import { outcomeOf, type RunState } from './report/state.js'
import type { WaitTarget } from './targets.js'

/** Stops the other waits once one distribution failed for good. */
class GateFailed extends Error {
  override name = 'GateFailed'
}

/**
 * Wait for every target; fills `state.records` and each target's outcome. Resolves when every wait has
 * ended (completed, failed, or stopped by `signal`): the caller reads the ending from the signal.
 */
export async function waitForAll(
  state: RunState,
  targets: readonly WaitTarget[],
  api: CloudFrontApi,
  clock: Clock,
  signal: AbortSignal,
  io: Io,
  progress: ProgressReporter,
): Promise<void> {
  const byTarget = new Map<string, WaitTarget[]>()
  for (const t of targets) byTarget.set(t.distributionId, [...(byTarget.get(t.distributionId) ?? []), t])
  for (const id of byTarget.keys()) outcomeOf(state, id)
  // The gate's own stop: the step's deadline or cancel, or the first permanent error.
  const stop = new AbortController()
  const onAbort = (): void => stop.abort(signal.reason)
  signal.addEventListener('abort', onAbort, { once: true })
  const retry = { clock, signal: stop.signal, onRetry: (m: string, kind: string) => io.warning(m, kind) }
  try {
    await Promise.all(
      [...byTarget].map(async ([distributionId, list]) => {
        try {
          const tracker = new Tracker(api, distributionId, clock, retry)
          tracker.onProgress = (done, total) => {
            io.progress?.(`${distributionId}: ${done} of ${plural(total, 'invalidation')} Completed`)
            progress.update(distributionId)
          }
          for (const t of list) {
            // Look each one up first: a wrong id or a missing permission fails now, not at the timeout.
            const info = await tracker.lookup(t.id)
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
          progress.update(distributionId)
          await tracker.waitForAll()
          outcomeOf(state, distributionId).endedAt = clock.now()
        } catch (e) {
          if (stop.signal.aborted) return // stopped: the deadline, a cancel, or another target's error
          if (e instanceof UnreachableError) {
            state.failure ??= e.message // the same for every distribution: one line for the run
            stop.abort(e)
            return
          }
          const outcome = outcomeOf(state, distributionId)
          outcome.error = errorMessage(e)
          outcome.endedAt = clock.now()
          io.error?.(outcome.error)
          stop.abort(new GateFailed(outcome.error))
        }
      }),
    )
  } finally {
    signal.removeEventListener('abort', onAbort)
  }
  // Report in the order given (the distributions were waited for concurrently).
  const order = new Map(targets.map((t, i) => [`${t.distributionId}/${t.id}`, i]))
  const at = (r: InvalidationRecord): number => order.get(`${r.distributionId}/${r.id}`) ?? 0
  state.records.sort((a, b) => at(a) - at(b))
}
