/**
 * The run, step by step: inputs -> plan -> submit (and wait) -> outputs and summary. It wires modules
 * together and holds no logic worth unit-testing on its own; the end-to-end tests exercise it whole.
 */
import type { CloudFrontApi, ConnectOptions } from './cloudfront/api.js'
import { realClock, type Clock } from './cloudfront/clock.js'
import { submitDistribution } from './cloudfront/scheduler.js'
import { formatDuration } from './duration.js'
import { readInputs, type Env, type InputReader } from './inputs.js'
import type { Io } from './io.js'
import { makePlan } from './plan.js'
import { buildOutputs, buildSummary, resultLine, runStatus, type RunState } from './report.js'

/** Seams for tests and the bench; production uses the defaults. */
export interface Deps {
  clock?: Clock
  connect?: (options: ConnectOptions) => Promise<CloudFrontApi>
}

/** Raised when the step's `timeout` passes. */
export class DeadlineError extends Error {
  override name = 'DeadlineError'
}

export const USER_AGENT = 'cloudfront-invalidate/0.1.0'

/** Run the whole step. Throws (after writing outputs and summary) when the step should fail. */
export async function execute(read: InputReader, env: Env, io: Io, deps: Deps = {}): Promise<RunState> {
  const clock = deps.clock ?? realClock
  const started = clock.now()
  const inputs = readInputs(read, env)
  io.debug(`inputs: ${JSON.stringify({ ...inputs, items: `${inputs.items.length} items` })}`)

  const plans = makePlan(inputs.distributionIds, inputs.items, inputs.batchSize)
  const state: RunState = {
    dryRun: inputs.dryRun,
    wait: inputs.wait,
    plans,
    records: [],
    errors: [],
    timedOut: false,
    timings: { planMs: clock.now() - started },
  }
  const batchCount = plans.reduce((n, p) => n + p.batches.length, 0)
  await io.group(
    `Plan: ${inputs.items.length} path(s) -> ${batchCount} batch(es) on ${plans.length} distribution(s)`,
    async () => {
      for (const p of plans) {
        io.info(`${p.distributionId}: ${p.items.length} path(s) in ${p.batches.length} batch(es)`)
      }
      for (const item of inputs.items) io.info(item.value)
    },
  )

  try {
    if (inputs.dryRun || batchCount === 0) return state
    const connect = deps.connect ?? (await import('./cloudfront/api.js')).connect
    const api = await connect({ region: inputs.awsRegion, userAgent: USER_AGENT })
    await submitAll(state, inputs, api, clock, started, io)
    if (state.errors.length > 0) {
      throw new Error(
        state.errors.length === 1
          ? (state.errors[0] ?? '')
          : `${state.errors.length} distributions failed: ${state.errors.join(' | ')}`,
      )
    }
    if (state.timedOut) {
      const pending = state.records
        .filter((r) => r.status !== 'Completed')
        .map((r) => `${r.distributionId}/${r.id}`)
      throw new DeadlineError(
        `timeout ${formatDuration(inputs.timeoutMs)} reached: ${state.records.length} invalidation(s) created, ${pending.length} not Completed yet (${pending.slice(0, 5).join(', ')}${pending.length > 5 ? ', …' : ''}); their ids are in the outputs. Raise 'timeout' or set wait: false.`,
      )
    }
    return state
  } finally {
    state.timings.totalMs = clock.now() - started
    const { outputs, warnings } = buildOutputs(state)
    for (const w of warnings) io.warning(w)
    for (const [name, value] of Object.entries(outputs)) io.setOutput(name, value)
    await io.summary(buildSummary(state))
    if (runStatus(state) !== 'Failed' && state.errors.length === 0 && !state.timedOut)
      io.notice(resultLine(state))
  }
}

/** Submit every distribution's batches concurrently, under one deadline. */
async function submitAll(
  state: RunState,
  inputs: ReturnType<typeof readInputs>,
  api: CloudFrontApi,
  clock: Clock,
  started: number,
  io: Io,
): Promise<void> {
  const controller = new AbortController()
  const remaining = inputs.timeoutMs - (clock.now() - started)
  const timer = setTimeout(() => controller.abort(new DeadlineError('timeout')), Math.max(0, remaining))
  let listDeniedWarned = false
  try {
    const results = await Promise.allSettled(
      state.plans.map((p) =>
        submitDistribution({
          api,
          distributionId: p.distributionId,
          batches: p.batches,
          callerReferenceBase: inputs.callerReference,
          wait: inputs.wait,
          clock,
          signal: controller.signal,
          log: { info: (m) => io.info(m), warning: (m) => io.warning(m), debug: (m) => io.debug(m) },
          onCreated: (r) => {
            state.records.push(r)
            if (state.records.length === batchTotal(state)) state.timings.submitMs = clock.now() - started
          },
          onListDenied: () => {
            if (listDeniedWarned) return
            listDeniedWarned = true
            io.warning(
              'ListInvalidations was denied, so invalidations already in progress cannot be counted; batches will be retried if CloudFront reports TooManyInvalidationsInProgress. Grant cloudfront:ListInvalidations to plan around them.',
            )
          },
        }),
      ),
    )
    for (const r of results) {
      if (r.status === 'fulfilled') continue
      if (controller.signal.aborted) state.timedOut = true
      else state.errors.push(r.reason instanceof Error ? r.reason.message : String(r.reason))
    }
  } finally {
    clearTimeout(timer)
  }
}

function batchTotal(s: RunState): number {
  return s.plans.reduce((n, p) => n + p.batches.length, 0)
}
