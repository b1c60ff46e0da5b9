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
import { addRecord, outcomeOf, type RunState } from './report/state.js'
import type { RetryContext } from './cloudfront/retry.js'
import { ALL_TENANTS, type WaitTarget } from './targets.js'
import { inProgressOnTenants } from './tenants.js'

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
  // The gate's own stop: the step's deadline or cancel, or the first permanent error.
  const stop = new AbortController()
  const onAbort = (): void => stop.abort(signal.reason)
  signal.addEventListener('abort', onAbort, { once: true })
  const retry = { clock, signal: stop.signal, onRetry: (m: string, kind: string) => io.warning(m, kind) }
  const failed = (id: string, e: unknown): void => {
    if (stop.signal.aborted) return // stopped: the deadline, a cancel, or another target's error
    if (e instanceof UnreachableError) {
      state.failure ??= e.message // the same for every distribution: one line for the run
      stop.abort(e)
      return
    }
    const outcome = outcomeOf(state, id)
    outcome.error = errorMessage(e)
    outcome.endedAt = clock.now()
    io.error?.(outcome.error)
    stop.abort(new GateFailed(outcome.error))
  }
  const expanded = await expandTenants(targets, api, retry, io).catch((e: unknown) => {
    failed(e instanceof TenantsFailed ? e.distributionId : '', e instanceof TenantsFailed ? e.cause : e)
    return []
  })
  const byTarget = new Map<string, WaitTarget[]>()
  for (const t of expanded) byTarget.set(t.distributionId, [...(byTarget.get(t.distributionId) ?? []), t])
  for (const id of byTarget.keys()) outcomeOf(state, id)
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
            addRecord(state, record)
            if (info.status !== 'Completed') tracker.add(t.id, { files: 0, wildcards: 0 }, record)
          }
          progress.update(distributionId)
          await tracker.waitForAll()
          outcomeOf(state, distributionId).endedAt = clock.now()
        } catch (e) {
          failed(distributionId, e)
        }
      }),
    )
  } finally {
    signal.removeEventListener('abort', onAbort)
  }
  // Report in the order given (the distributions were waited for concurrently).
  const order = new Map(expanded.map((t, i) => [`${t.distributionId}/${t.id}`, i]))
  const at = (r: InvalidationRecord): number => order.get(`${r.distributionId}/${r.id}`) ?? 0
  state.records.sort((a, b) => at(a) - at(b))
}

/** Listing a distribution's tenants for `DIST/dt_*` failed: the gate fails on that distribution. */
class TenantsFailed extends Error {
  override name = 'TenantsFailed'
  constructor(
    readonly distributionId: string,
    override readonly cause: unknown,
  ) {
    super(errorMessage(cause))
  }
}

/**
 * The targets with each `DIST/dt_*` replaced by what is in progress on every tenant of DIST now (those
 * also named by id kept once), in place of the line.
 */
async function expandTenants(
  targets: readonly WaitTarget[],
  api: CloudFrontApi,
  retry: RetryContext,
  io: Io,
): Promise<WaitTarget[]> {
  if (!targets.some((t) => t.id === ALL_TENANTS)) return [...targets]
  const named = new Set(targets.filter((t) => t.id !== ALL_TENANTS).map((t) => `${t.distributionId}/${t.id}`))
  const out: WaitTarget[] = []
  for (const t of targets) {
    if (t.id !== ALL_TENANTS) {
      out.push(t)
      continue
    }
    let found
    try {
      found = await inProgressOnTenants(api, t.distributionId, retry)
    } catch (e) {
      throw new TenantsFailed(t.distributionId, e)
    }
    io.info(
      `${t.distributionId}: ${plural(found.length, 'invalidation')} in progress on its tenants to wait for`,
    )
    for (const f of found) {
      const key = `${f.tenant}/${f.invalidation.id}`
      if (named.has(key)) continue
      named.add(key)
      out.push({
        distributionId: f.tenant,
        id: f.invalidation.id,
        createTime: f.invalidation.createTime.toISOString(),
      })
    }
  }
  return out
}
