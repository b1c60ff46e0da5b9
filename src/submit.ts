/**
 * Submitting (and waiting for) every target's batches concurrently under one deadline, recording each
 * one's outcome as it goes: an invalidation as soon as it exists, an error at once (the others go on),
 * batches held back for quota and what they wait for (for progress lines). Every target is its own
 * scope (quota, batches, CallerReferences), thousands of tenants included; the rate governor in the
 * CloudFront client paces them all, and one CompletionModel times every target's first poll.
 */
import type { CloudFrontApi } from './cloudfront/api.js'
import type { Clock } from './cloudfront/clock.js'
import { awsErrorName, UnreachableError } from './cloudfront/errors.js'
import { withRetry } from './cloudfront/retry.js'
import { submitDistribution } from './cloudfront/scheduler.js'
import type { CompletionModel } from './cloudfront/tracker.js'
import { errorMessage } from './errors.js'
import { plural } from './format.js'
import type { Inputs } from './inputs.js'
import type { Io } from './io.js'
import { describeCollapse } from './paths/collapse.js'
import type { Item } from './paths/encode.js'
import { batchCount, planDistribution, type PlanOptions } from './plan.js'
import type { ProgressReporter } from './progress.js'
import { addRecord, outcomeOf, type RunState } from './report/state.js'
import { isTenant } from './targets.js'
import { voice } from './voice.js'

export interface SubmitContext {
  state: RunState
  inputs: Inputs
  api: CloudFrontApi
  clock: Clock
  started: number
  /** The run's controller: the deadline and a cancel abort it; an unreachable endpoint stops it too. */
  controller: AbortController
  planOptions: PlanOptions
  requestedFor: (id: string) => Item[]
  io: Io
  progress: ProgressReporter
  /** When invalidations of this run complete, learnt from every target's polls. */
  completion: CompletionModel
}

/** Submit every distribution's batches concurrently; resolves when every distribution has ended. */
export async function submitAll(c: SubmitContext): Promise<void> {
  const { state, inputs, io, clock } = c
  const deniedWarned = new Set<string>()
  // Batches over every target, counted again only when a re-plan changes them (thousands of tenants).
  let batchTotal = batchCount(state.plans)
  const fanOut = state.fanOut !== undefined
  await Promise.all(
    state.plans.map(async (p, index) => {
      const outcome = outcomeOf(state, p.distributionId)
      try {
        await submitDistribution({
          api: c.api,
          distributionId: p.distributionId,
          batches: p.batches,
          callerReferenceBase: inputs.callerReference,
          wait: inputs.wait,
          clock,
          signal: c.controller.signal,
          countExisting: !fanOut,
          completion: c.completion,
          log: {
            // A line per tenant would bury the log: fan-out says it in counts (progress) and the file.
            info: (m) => (fanOut ? io.debug(m) : io.info(m)),
            warning: (m, kind) => io.warning(m, kind),
            debug: (m) => io.debug(m),
            progress: (m) => {
              io.progress?.(m)
              c.progress.update(p.distributionId)
            },
          },
          replan: (wildcardsInProgress) => {
            if (inputs.collapse === 'off') return p.batches
            // Wildcards already running take quota: plan again so new ones stay within 15.
            const again = planDistribution(
              p.distributionId,
              c.requestedFor(p.distributionId),
              c.planOptions,
              wildcardsInProgress,
            )
            if (p.alias !== undefined) again.alias = p.alias
            state.plans[index] = again
            batchTotal = batchCount(state.plans)
            if (again.collapse)
              io.info(
                `${p.distributionId}: ${plural(wildcardsInProgress, 'wildcard')} already in progress; re-planned: ${describeCollapse(again.collapse)}`,
              )
            return again.batches
          },
          onCreated: (r) => {
            addRecord(state, r)
            if (state.records.length === batchTotal) state.timings.submitMs = clock.now() - c.started
            c.progress.update(p.distributionId)
          },
          onQueued: (queued) => {
            if (queued === undefined) delete outcome.queued
            else outcome.queued = queued
          },
          onCountDenied: (action) => {
            if (deniedWarned.has(action)) return
            deniedWarned.add(action)
            io.warning(
              `${action} was denied, so invalidations already in progress cannot be counted; batches will be retried if CloudFront reports TooManyInvalidationsInProgress. Grant cloudfront:${action} to plan around them.`,
              `denied ${action}`,
            )
          },
        })
        outcome.endedAt = clock.now()
      } catch (e) {
        delete outcome.queued
        if (c.controller.signal.aborted) return // the deadline or a cancel: the ending says which
        if (e instanceof UnreachableError) {
          // The same for every distribution: one line for the run, and stop the others now.
          state.failure ??= e.message
          c.controller.abort(e)
          return
        }
        // This target's own error: kept, reported now; the others go on.
        outcome.error = (await multiTenantError(c, p.distributionId, e)) ?? errorMessage(e)
        outcome.endedAt = clock.now()
        io.error?.(outcome.error)
      }
    }),
  )
}

/**
 * A multi-tenant distribution named without `tenants`: CloudFront answers its invalidation calls with
 * NoSuchDistribution (only its tenants take invalidations), which would send the user looking for a typo.
 * Read its connection mode (GetDistribution, one call, only on this error) and say what to do instead;
 * when that read fails too, say both possibilities.
 */
async function multiTenantError(c: SubmitContext, id: string, e: unknown): Promise<string | undefined> {
  if (isTenant(id) || awsErrorName(e) !== 'NoSuchDistribution') return undefined
  const advice = `its tenants take the invalidations, not the distribution: add ${voice().setting('tenants', 'all')} (every tenant) or tenant patterns, or name tenants by their dt_ ids`
  try {
    const retry = {
      clock: c.clock,
      signal: c.controller.signal,
      onRetry: (m: string, kind: string) => c.io.warning(m, kind),
    }
    const mode = await withRetry(`GetDistribution ${id}`, retry, () =>
      c.api.getConnectionMode(id, retry.signal),
    )
    if (mode === 'tenant-only') return `${id} is a multi-tenant distribution: ${advice}.`
    return undefined
  } catch (probe) {
    // GetDistribution does not know it either: there is no such distribution (a typo, another account).
    if (awsErrorName(probe) === 'NoSuchDistribution') return undefined
    return `${errorMessage(e)} (If ${id} is a multi-tenant distribution, CloudFront answers NoSuchDistribution too: ${advice}.)`
  }
}
