/**
 * Submitting (and waiting for) every distribution's batches concurrently under one deadline, recording
 * each one's outcome as it goes: an invalidation as soon as it exists, an error at once (the others go
 * on), batches held back for quota and what they wait for (for progress lines).
 */
import type { CloudFrontApi } from './cloudfront/api.js'
import type { Clock } from './cloudfront/clock.js'
import { UnreachableError } from './cloudfront/errors.js'
import { submitDistribution } from './cloudfront/scheduler.js'
import { errorMessage } from './errors.js'
import { plural } from './format.js'
import type { Inputs } from './inputs.js'
import type { Io } from './io.js'
import { describeCollapse } from './paths/collapse.js'
import type { Item } from './paths/encode.js'
import { batchCount, planDistribution, type PlanOptions } from './plan.js'
import type { ProgressReporter } from './progress.js'
import { outcomeOf, type RunState } from './report/state.js'

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
}

/** Submit every distribution's batches concurrently; resolves when every distribution has ended. */
export async function submitAll(c: SubmitContext): Promise<void> {
  const { state, inputs, io, clock } = c
  const deniedWarned = new Set<string>()
  const batchTotal = (): number => batchCount(state.plans)
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
          log: {
            info: (m) => io.info(m),
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
            if (again.collapse)
              io.info(
                `${p.distributionId}: ${plural(wildcardsInProgress, 'wildcard')} already in progress; re-planned: ${describeCollapse(again.collapse)}`,
              )
            return again.batches
          },
          onCreated: (r) => {
            state.records.push(r)
            if (state.records.length === batchTotal()) state.timings.submitMs = clock.now() - c.started
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
        // This distribution's own error: kept, reported now; the others go on.
        outcome.error = errorMessage(e)
        outcome.endedAt = clock.now()
        io.error?.(outcome.error)
      }
    }),
  )
}
