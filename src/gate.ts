/**
 * `wait-for`: a release gate. It creates nothing: it waits until every invalidation an earlier step or
 * job made (its `invalidation-list` or `invalidations` output, or `DISTRIBUTION/ID` lines) is Completed,
 * fails at once on a permanent error (a wrong id, a missing permission: the gate cannot pass, so waiting on
 * is pointless), and fails on `timeout`. So a deploy job can return fast and a release job wait. A
 * `DISTRIBUTION/*` line waits for everything in progress there when the gate starts, and a
 * `DISTRIBUTION/dt_*` line for everything in progress on each of its tenants: supersets of what any
 * earlier step made, so they can only wait longer, never report too early.
 */
import type { CloudFrontApi } from './cloudfront/api.js'
import type { Clock } from './cloudfront/clock.js'
import { UnreachableError } from './cloudfront/errors.js'
import { inProgressForGate } from './cloudfront/pages.js'
import type { RetryContext } from './cloudfront/retry.js'
import { Tracker, type InvalidationRecord } from './cloudfront/tracker.js'
import { errorMessage } from './errors.js'
import { plural } from './format.js'
import type { Io } from './io.js'
import { mapLimit } from './map-limit.js'
import type { ProgressReporter } from './progress.js'
import { addRecord, outcomeOf, type Reading, type RunState } from './report/state.js'
import { ALL_IN_PROGRESS, ALL_TENANTS, type WaitTarget } from './targets.js'
import { inProgressOnTenants } from './tenants.js'

/** GetInvalidation calls in flight at once per distribution while the gate looks up its targets. */
const LOOKUP_CONCURRENCY = 4

/**
 * Pages of ListInvalidations a `DIST/*` target reads at most (4,000 invalidations): more than the quotas
 * let be in progress at once (3,000 file paths and 15 wildcards; each invalidation holds at least one).
 */
const MAX_GATE_LIST_PAGES = 40

const keyOf = (t: { distributionId: string; id: string }): string => `${t.distributionId}/${t.id}`

/** Stops the other waits once one distribution failed for good. */
class GateFailed extends Error {
  override name = 'GateFailed'
}

/**
 * Wait for every target; fills `state.records` and each target's outcome, and `paths` (when given) with
 * each invalidation's paths, keyed `DISTRIBUTION/ID`, for edge verification. Resolves when every wait has
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
  paths?: Map<string, readonly string[]>,
): Promise<void> {
  // The gate's own stop: the step's deadline or cancel, or the first permanent error.
  const stop = new AbortController()
  const onAbort = (): void => stop.abort(signal.reason)
  signal.addEventListener('abort', onAbort, { once: true })
  const retry: RetryContext = {
    clock,
    signal: stop.signal,
    onRetry: (m: string, kind: string) => io.warning(m, kind),
  }
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
  // `DIST/dt_*` lines first become what is in progress on DIST's tenants, in their place.
  const expanded = await expandTenants(state, targets, api, retry, io).catch((e: unknown) => {
    failed(e instanceof TenantsFailed ? e.distributionId : '', e instanceof TenantsFailed ? e.cause : e)
    return []
  })
  const byTarget = new Map<string, WaitTarget[]>()
  for (const t of expanded) byTarget.set(t.distributionId, [...(byTarget.get(t.distributionId) ?? []), t])
  for (const id of byTarget.keys()) outcomeOf(state, id)
  // Where each invalidation is reported: the order given, a `DIST/*` line's finds in its place.
  const rank = new Map(expanded.map((t, i) => [keyOf(t), i]))
  try {
    await Promise.all(
      [...byTarget].map(async ([distributionId, list]) => {
        try {
          const tracker = new Tracker(api, distributionId, clock, retry)
          tracker.onProgress = (done, total) => {
            io.progress?.(`${distributionId}: ${done} of ${plural(total, 'invalidation')} Completed`)
            progress.update(distributionId)
          }
          const wanted = await expand(distributionId, list, api, retry, rank, io)
          // Look each one up first: a wrong id or a missing permission fails now, not at the timeout.
          await mapLimit(wanted, LOOKUP_CONCURRENCY, async (t) => {
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
            addRecord(state, record)
            if (info.status !== 'Completed') tracker.add(t.id, { files: 0, wildcards: 0 }, record)
          })
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
  const at = (r: InvalidationRecord): number => rank.get(keyOf(r)) ?? 0
  state.records.sort((a, b) => at(a) - at(b))
}

/**
 * One distribution's targets with a `DIST/*` replaced by the invalidations in progress there now (those
 * also named by id are kept once). Ranks the finds just after the `DIST/*` line.
 */
async function expand(
  distributionId: string,
  list: readonly WaitTarget[],
  api: CloudFrontApi,
  retry: RetryContext,
  rank: Map<string, number>,
  io: Io,
): Promise<WaitTarget[]> {
  const given = list.filter((t) => t.id !== ALL_IN_PROGRESS)
  if (given.length === list.length) return given
  const found = await inProgressForGate(
    api,
    distributionId,
    retry,
    MAX_GATE_LIST_PAGES,
    `${distributionId}/${ALL_IN_PROGRESS}`,
    'name the invalidations to wait for by id (DISTRIBUTION/ID) instead',
  )
  io.info(`${distributionId}: ${plural(found.length, 'invalidation')} in progress to wait for`)
  const named = new Set(given.map((t) => t.id))
  const star = rank.get(`${distributionId}/${ALL_IN_PROGRESS}`) ?? 0
  const more = found.filter((i) => !named.has(i.id))
  more.forEach((i, n) => rank.set(`${distributionId}/${i.id}`, star + (n + 1) / (more.length + 1)))
  return [
    ...given,
    ...more.map((i) => ({ distributionId, id: i.id, createTime: i.createTime.toISOString() })),
  ]
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
 * also named by id kept once), in place of the line. How far the reading got is in `state.reading` while
 * it lasts (a request or more per tenant: minutes at 10,000 tenants), for progress lines.
 */
async function expandTenants(
  state: RunState,
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
    const reading: Reading = {
      what: `listing the tenants of ${t.distributionId}`,
      done: 0,
      startedAt: retry.clock.now(),
    }
    state.reading = reading
    try {
      found = await inProgressOnTenants(api, t.distributionId, retry, MAX_GATE_LIST_PAGES, reading)
    } catch (e) {
      throw new TenantsFailed(t.distributionId, e)
    } finally {
      delete state.reading
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
