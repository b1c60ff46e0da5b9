/**
 * Submitting one distribution's batches within CloudFront's in-progress quotas.
 *
 * A batch goes as soon as it fits beside what is in flight (3,000 file paths, 15 wildcards), counting
 * invalidations that were already running before the step began. Otherwise it waits for in-flight work to
 * complete. `TooManyInvalidationsInProgress` (someone else's invalidations we could not see) is waited out
 * the same way, until the deadline. Transient errors are retried (retry.ts); anything else stops this
 * distribution with an explained error, keeping what was already created in the records.
 */
import { createHash } from 'node:crypto'
import {
  MAX_CALLER_REFERENCE_LENGTH,
  MAX_FILE_PATHS_IN_PROGRESS,
  MAX_WILDCARD_PATHS_IN_PROGRESS,
} from '../constants.js'
import { quotaUse, type QuotaUse } from '../paths/chunk.js'
import type { Item } from '../paths/encode.js'
import type { CloudFrontApi, InvalidationInfo } from './api.js'
import type { Clock } from './clock.js'
import { formatCount, plural } from '../format.js'
import { classify, explained, isAccessDenied } from './errors.js'
import { listInProgress } from './pages.js'
import { backoff, withRetry, type RetryContext } from './retry.js'
import { Tracker, type CompletionModel, type InvalidationRecord } from './tracker.js'

export interface SchedulerLog {
  info(message: string): void
  /** `kind` groups repeats of one warning (see Io.warning). */
  warning(message: string, kind?: string): void
  debug(message: string): void
  /** A transient status line while waiting (a terminal shows it in place; the action ignores it). */
  progress?(message: string): void
}

export interface SubmitOptions {
  api: CloudFrontApi
  distributionId: string
  batches: readonly (readonly Item[])[]
  callerReferenceBase: string
  /** Also wait until every invalidation made here is Completed. */
  wait: boolean
  clock: Clock
  /** Aborts at the step's deadline. */
  signal: AbortSignal
  log: SchedulerLog
  /** Called once per invalidation created, as soon as it exists, so outputs never lose one. */
  onCreated: (record: InvalidationRecord) => void
  /**
   * Called when counting what is already in progress is denied (ListInvalidations, or GetInvalidation on
   * someone else's invalidation): the caller warns once per run, and the quota retry covers the rest.
   */
  onCountDenied: (action: 'ListInvalidations' | 'GetInvalidation') => void
  /**
   * Told when batches start waiting for quota (how many are held back, and what they wait for) and when
   * they stop (`undefined`), for progress lines.
   */
  onQueued?: (queued: { batches: number; reason: string } | undefined) => void
  /**
   * Re-plan once the wildcards already in progress are known (the collapse planner keeps its new
   * wildcards within the quota); called only when some are.
   */
  replan?: (wildcardsInProgress: number) => readonly (readonly Item[])[]
  /** Quotas (tests lower them; defaults are CloudFront's). */
  limit?: QuotaUse
  /**
   * Count what is already in progress first (ListInvalidations, default true). Tenant fan-out turns it
   * off: a request per tenant before its first create would cost as much as the creates themselves, and
   * a tenant's first batch always fits its own quota unless someone else's work holds it, which
   * TooManyInvalidationsInProgress then says (and the batch waits, as when counting is denied).
   */
  countExisting?: boolean
  /** How old invalidations are when they complete, learnt across every target of the run. */
  completion?: CompletionModel
}

/** What the scheduler did for one distribution. */
export interface SubmitResult {
  /** GetInvalidation calls made while waiting (for quota or for completion). */
  polls: number
  /** Times a batch had to wait for quota before it could go. */
  quotaWaits: number
}

/**
 * The CallerReference of one batch: the execution's base, the distribution, the batch number and a hash of
 * the batch's paths. A pure function of those, so a create retried after a lost answer sends the same
 * reference and CloudFront returns the invalidation it already made; distinct per batch and distribution.
 * At most MAX_CALLER_REFERENCE_LENGTH printable ASCII characters: a longer one (a long explicit base, a long
 * tenant id) keeps its readable head and ends with a hash of the whole, so distinct references stay distinct.
 */
export function callerReference(
  base: string,
  distributionId: string,
  batch: number,
  paths: readonly string[],
): string {
  const ref = `${base}/${distributionId}/${batch + 1}/${sha256(paths.join('\n')).slice(0, 12)}`
  if (ref.length <= MAX_CALLER_REFERENCE_LENGTH && /^[\x20-\x7e]*$/.test(ref)) return ref
  const digest = sha256(ref).slice(0, 32)
  const head = ref.slice(0, MAX_CALLER_REFERENCE_LENGTH - digest.length - 1).replace(/[^\x20-\x7e]/g, '_')
  return `${head}~${digest}`
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex')
}

/** Pages of ListInvalidations read at most when counting what is already in progress. */
const MAX_LIST_PAGES = 5

/** Count invalidations already in progress (List, then Get each InProgress one for its path counts). */
async function loadExisting(tracker: Tracker, o: SubmitOptions, retry: RetryContext): Promise<void> {
  let running: InvalidationInfo[]
  try {
    // Past MAX_LIST_PAGES, any older invalidation still running shows up as a quota refusal, waited out.
    running = (await listInProgress(o.api, o.distributionId, retry, MAX_LIST_PAGES)).items
  } catch (e) {
    if (isAccessDenied(e)) {
      // Many existing policies grant only Create/GetInvalidation: go on, and let the quota retry cover it.
      o.onCountDenied('ListInvalidations')
      return
    }
    throw explained(e, 'ListInvalidations', o.distributionId)
  }
  for (const inv of running) {
    let full: InvalidationInfo
    try {
      full = await tracker.lookup(inv.id)
    } catch (e) {
      // Counting is an optimisation: a policy that lets us list but not read others' invalidations must
      // not fail the step (granting more must never make it fail). Rely on the quota retry instead.
      if (!isAccessDenied(e)) throw e
      o.onCountDenied('GetInvalidation')
      return
    }
    if (full.status === 'Completed') continue
    const use = quotaUse(
      (full.paths ?? []).map((p) => ({ kind: p.endsWith('*') ? 'wildcard' : 'path', value: p })),
    )
    tracker.add(inv.id, use, undefined, o.clock.now())
  }
  if (tracker.size > 0) {
    o.log.info(
      `${o.distributionId}: ${plural(tracker.size, 'invalidation')} already in progress (${plural(tracker.inFlight.files, 'file path')}, ${plural(tracker.inFlight.wildcards, 'wildcard')}) ${tracker.size === 1 ? 'counts' : 'count'} against the quotas`,
    )
  }
}

/** Submit every batch of one distribution, then optionally wait for them. */
export async function submitDistribution(o: SubmitOptions): Promise<SubmitResult> {
  const limit = o.limit ?? { files: MAX_FILE_PATHS_IN_PROGRESS, wildcards: MAX_WILDCARD_PATHS_IN_PROGRESS }
  const retry = {
    clock: o.clock,
    signal: o.signal,
    onRetry: (m: string, kind: string) => o.log.warning(m, kind),
  }
  const tracker = new Tracker(o.api, o.distributionId, o.clock, retry, o.completion)
  tracker.onProgress = (done, total) =>
    o.log.progress?.(`${o.distributionId}: ${done} of ${plural(total, 'invalidation')} Completed`)
  let quotaWaits = 0

  if (o.countExisting !== false) await loadExisting(tracker, o, retry)
  const batches =
    tracker.inFlight.wildcards > 0 && o.replan ? o.replan(tracker.inFlight.wildcards) : o.batches

  for (const [index, batch] of batches.entries()) {
    const use = quotaUse(batch)
    const paths = batch.map((i) => i.value)
    const ref = callerReference(o.callerReferenceBase, o.distributionId, index, paths)
    for (let refusals = 0; ;) {
      if (!tracker.fits(use, limit)) {
        quotaWaits++
        const reason = `for quota: ${formatCount(tracker.inFlight.files)} of ${formatCount(limit.files)} file paths and ${tracker.inFlight.wildcards} of ${limit.wildcards} wildcards in progress; the next batch needs ${plural(use.files, 'file path')} and ${plural(use.wildcards, 'wildcard')}`
        o.log.debug(`${o.distributionId}: batch ${index + 1} waits ${reason}`)
        o.onQueued?.({ batches: batches.length - index, reason })
        await tracker.waitForOne()
        continue
      }
      o.onQueued?.(undefined)
      try {
        const inv = await withRetry(`CreateInvalidation ${o.distributionId} batch ${index + 1}`, retry, () =>
          o.api.createInvalidation(o.distributionId, ref, paths, o.signal),
        )
        const record: InvalidationRecord = {
          distributionId: o.distributionId,
          id: inv.id,
          status: inv.status,
          pathCount: paths.length,
          createTime: inv.createTime.toISOString(),
          batch: index,
        }
        o.onCreated(record)
        tracker.add(inv.id, use, record, undefined, true)
        o.log.info(
          `${o.distributionId}: batch ${index + 1} of ${batches.length} -> ${inv.id} (${plural(paths.length, 'path')})`,
        )
        break
      } catch (e) {
        if (o.signal.aborted || classify(e) !== 'quota') {
          if (o.signal.aborted) throw e
          throw explained(e, 'CreateInvalidation', o.distributionId, {
            tags: batch.filter((i) => i.kind === 'tag').map((i) => i.value),
          })
        }
        // Invalidations we cannot see (another job, or ListInvalidations was denied) hold the quota.
        refusals++
        quotaWaits++
        o.onQueued?.({
          batches: batches.length - index,
          reason:
            'for quota: CloudFront answered TooManyInvalidationsInProgress (invalidations this step cannot see hold it)',
        })
        if (await tracker.waitForOne()) continue
        const delay = backoff(Math.min(refusals + 2, 6)) // 4 s, 8 s, 16 s, then 20 s: others' work takes ~25 s
        o.log.warning(
          `${o.distributionId}: TooManyInvalidationsInProgress on batch ${index + 1}; other invalidations hold the quota, retrying in ${(delay / 1000).toFixed(0)} s`,
          'TooManyInvalidationsInProgress',
        )
        await o.clock.sleep(delay, o.signal)
      }
    }
  }

  o.onQueued?.(undefined)
  if (o.wait) await tracker.waitForAll()
  return { polls: tracker.polls, quotaWaits }
}
