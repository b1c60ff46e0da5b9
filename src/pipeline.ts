/**
 * The run, step by step: inputs -> sources -> plan (collapse, batches) -> submit (and wait) -> outputs
 * and summary. It wires modules together and holds no logic worth unit-testing on its own; the
 * end-to-end tests exercise it whole.
 *
 * Every ending goes through one place (the end of `execute`): outputs, `status` and the summary are
 * written whatever happened (a bad input, a failed source, a distribution's error, the deadline, a
 * cancel), then the step fails, warns or gives its one result line.
 */
import { setMaxListeners } from 'node:events'
import type { CloudFrontApi, ConnectOptions } from './cloudfront/api.js'
import { realClock, type Clock } from './cloudfront/clock.js'
import { RateGovernor } from './cloudfront/rate.js'
import { CompletionModel } from './cloudfront/tracker.js'
import type { RetryContext } from './cloudfront/retry.js'
import { DEFAULT_TIMEOUT_MS } from './constants.js'
import { formatDuration } from './duration.js'
import { CancelledError, DeadlineError, errorMessage, ReportedFailure } from './errors.js'
import { plural } from './format.js'
import { waitForAll } from './gate.js'
import { readInputs, type Env, type Inputs, type InputReader } from './inputs.js'
import type { Io } from './io.js'
import { dedupeItems, type Item } from './paths/encode.js'
import { batchCount, planDistribution, type PlanOptions } from './plan.js'
import { logPlan } from './plan-log.js'
import { ProgressReporter, progressInterval, type LiveStats } from './progress.js'
import { buildOutputs, buildSummary, endingLine, resultLine, runStatus, stepFails } from './report.js'
import { writeInvalidationsFile } from './report/file.js'
import { emptyState, tallyWarning, type RunState } from './report/state.js'
import { planTargets, registerTargets, selectTargets } from './fan-out.js'
import { resolveAliases, syncItemsByOrigin } from './resolve.js'
import { collectSources, type Deadline } from './sources/collect.js'
import { submitAll } from './submit.js'
import { ALL_IN_PROGRESS, ALL_TENANTS, type WaitTarget } from './targets.js'
import { USER_AGENT } from './version.js'
import { verifyOutputs, verifySummary } from './verify/report.js'
import { verifyStep } from './verify/run.js'
import { gateTargets, runTargets, type VerifyTarget } from './verify/targets.js'

/** Seams for tests and the bench; production uses the defaults. */
export interface Deps {
  clock?: Clock
  connect?: (options: ConnectOptions) => Promise<CloudFrontApi>
  /** Aborts when the workflow is cancelled (main.ts turns SIGINT/SIGTERM into it). */
  signal?: AbortSignal
  /** Longest silence while waiting (default PROGRESS_INTERVAL_MS, 30 s). */
  progressIntervalMs?: number
  /**
   * Who paces requests: the governor (default), or the SDK's `adaptive` retry mode with the governor
   * keeping only the concurrency cap (bench/tenants.ts measures both).
   */
  pacing?: 'governor' | 'sdk-adaptive'
}

/** Run the whole step. Throws (after writing outputs and summary) when the step should fail. */
export async function execute(read: InputReader, env: Env, io: Io, deps: Deps = {}): Promise<RunState> {
  const clock = deps.clock ?? realClock
  const started = clock.now()
  const state = emptyState()
  // Every warning is also counted for the summary (folded by kind).
  const log: Io = {
    ...io,
    warning: (m, kind) => {
      tallyWarning(state, m, kind)
      io.warning(m, kind)
    },
  }
  // The deadline and a cancel both abort this; its reason says which.
  const controller = new AbortController()
  // Every wait of the run listens to it: thousands with tenant fan-out, which is no leak.
  setMaxListeners(0, controller.signal)
  const onCancel = (): void => controller.abort(deps.signal?.reason)
  deps.signal?.addEventListener('abort', onCancel, { once: true })
  let timer: NodeJS.Timeout | undefined
  let timeoutMs = DEFAULT_TIMEOUT_MS
  let thrown: Error | undefined
  try {
    const inputs = readInputs(read, env)
    timeoutMs = inputs.timeoutMs
    Object.assign(state, { dryRun: inputs.dryRun, wait: inputs.wait, onTimeout: inputs.onTimeout })
    io.debug(
      `inputs: ${JSON.stringify({ ...inputs, items: `${inputs.items.length} items`, githubToken: inputs.githubToken ? '***' : '' })}`,
    )
    // The deadline covers everything from here: sources, quota waits, completion.
    timer = setTimeout(() => controller.abort(new DeadlineError('timeout')), inputs.timeoutMs)
    // Synchronous work (the file walk) cannot let the timer fire: it checks the time itself.
    const deadlineAt = performance.now() + inputs.timeoutMs
    const deadline: Deadline = {
      signal: controller.signal,
      check: () => {
        if (!controller.signal.aborted && performance.now() >= deadlineAt)
          controller.abort(new DeadlineError('timeout'))
        controller.signal.throwIfAborted()
      },
    }
    if (deps.signal?.aborted) onCancel()
    await steps(state, inputs, clock, started, controller, deadline, log, deps)
  } catch (e) {
    thrown = e instanceof Error ? e : new Error(errorMessage(e))
    const reason: unknown = controller.signal.reason
    if (controller.signal.aborted && reason instanceof DeadlineError && state.records.length === 0) {
      state.failure = `timeout ${formatDuration(timeoutMs)} reached before any invalidation was created`
    } else if (!(controller.signal.aborted && reason instanceof CancelledError)) {
      state.failure ??= errorMessage(e)
    }
  } finally {
    clearTimeout(timer)
    deps.signal?.removeEventListener('abort', onCancel)
  }
  const reason: unknown = controller.signal.reason
  if (reason instanceof DeadlineError) state.ending = 'timeout'
  else if (reason instanceof CancelledError) state.ending = 'cancelled'
  state.timings.totalMs = clock.now() - started
  await report(state, log, env)

  const status = runStatus(state)
  if (stepFails(state, status)) {
    // A bad input keeps its own error (the CLI exits 2 for it); the rest is said by the ending line.
    if (thrown !== undefined && state.failure === errorMessage(thrown) && !state.ending) throw thrown
    const errorsShown = io.error !== undefined
    const line = endingLine(state, timeoutMs, errorsShown)
    const targetErrorsOnly =
      state.failure === undefined && state.ending === undefined && state.verifyFailure === undefined
    if (errorsShown && targetErrorsOnly) throw new ReportedFailure(line)
    throw state.ending === 'timeout' ? new DeadlineError(line) : new Error(line)
  }
  // `on-timeout: warn`: one warning says what is still pending; the ids are in the outputs.
  if (status === 'TimedOut') log.warning(endingLine(state, timeoutMs))
  else io.notice(resultLine(state))
  return state
}

/**
 * Outputs and the job summary, written for every ending. `io` is the run's `log`, which tallies each
 * warning (the cut outputs' too) for the summary.
 */
async function report(state: RunState, io: Io, env: Env): Promise<void> {
  const limits = io.outputLimits ?? true
  const { outputs, warnings } = buildOutputs(state, limits)
  Object.assign(outputs, verifyOutputs(state.verification))
  // Every record, however many: what the outputs cannot hold (thousands of tenants) is never lost. A host
  // without output limits (the CLI) prints every record itself, so it writes no file.
  if (!state.gate && limits) {
    try {
      outputs['invalidations-file'] = writeInvalidationsFile(state, env)
    } catch (e) {
      warnings.push(`The 'invalidations-file' output could not be written: ${errorMessage(e)}`)
    }
  }
  for (const w of warnings) io.warning(w)
  for (const [name, value] of Object.entries(outputs)) io.setOutput(name, value)
  await io.summary(buildSummary(state, undefined, verifySummary(state.verification)))
}

/** Sources, plan, then submit and wait (or the gate). Fills `state` as it goes. */
async function steps(
  state: RunState,
  inputs: Inputs,
  clock: Clock,
  started: number,
  controller: AbortController,
  deadline: Deadline,
  io: Io,
  deps: Deps,
): Promise<void> {
  // One governor for every CloudFront call of the run: the cap on requests in flight, and the rates.
  const governor = new RateGovernor({
    clock,
    maxConcurrency: inputs.maxConcurrency,
    pace: deps.pacing !== 'sdk-adaptive',
  })
  const completion = new CompletionModel()
  let api: CloudFrontApi | undefined
  const getApi = async (): Promise<CloudFrontApi> => {
    api ??= await (deps.connect ?? (await import('./cloudfront/api.js')).connect)({
      region: inputs.awsRegion,
      userAgent: USER_AGENT,
      timeoutMs: inputs.timeoutMs,
      governor,
      ...(deps.pacing === 'sdk-adaptive' ? { retryMode: 'adaptive' as const } : {}),
    })
    return api
  }
  const retry: RetryContext = {
    clock,
    signal: controller.signal,
    onRetry: (m, kind) => io.warning(m, kind),
  }
  const progress = new ProgressReporter(state, io, {
    clock,
    startedAt: started,
    deadline: started + inputs.timeoutMs,
    ...(deps.progressIntervalMs === undefined ? {} : { intervalMs: deps.progressIntervalMs }),
    stats: () => liveStats(governor, completion),
  })
  /**
   * Edge verification (`verify`, verify/): once every invalidation of the step is Completed, or the URLs
   * a dry run would check. What it finds, or why it failed, goes into `state`; the ending reads it.
   */
  const verify = async (targets: VerifyTarget[], tree?: readonly string[]): Promise<void> => {
    if (inputs.verify === undefined) return
    if (!inputs.dryRun && (controller.signal.aborted || runStatus(state) !== 'Completed')) {
      io.info('Edge verification skipped: not every invalidation is Completed.')
      return
    }
    try {
      await verifyStep(state, {
        settings: inputs.verify,
        targets,
        indexDocument: inputs.indexDocument,
        ...(tree === undefined ? {} : { tree }),
        dryRun: inputs.dryRun,
        userAgent: USER_AGENT,
        getApi,
        signal: controller.signal,
        io,
        progressMs: deps.progressIntervalMs ?? progressInterval(inputs.timeoutMs),
      })
    } catch (e) {
      state.verifyFailure = errorMessage(e)
    }
  }
  const run: RunContext = {
    state,
    inputs,
    clock,
    started,
    controller,
    deadline,
    io,
    getApi,
    retry,
    progress,
    completion,
    verify,
  }
  try {
    await (inputs.waitFor !== undefined ? gate(run) : invalidate(run))
  } finally {
    progress.stop()
    governor.close()
  }
}

/** What the steps of a run share. */
interface RunContext {
  state: RunState
  inputs: Inputs
  clock: Clock
  started: number
  controller: AbortController
  deadline: Deadline
  io: Io
  getApi: () => Promise<CloudFrontApi>
  retry: RetryContext
  progress: ProgressReporter
  completion: CompletionModel
  verify: (targets: VerifyTarget[], tree?: readonly string[]) => Promise<void>
}

/** Gate targets listed one per line up to this many; past it, counted. */
const LOG_GATE_TARGETS = 100

/** Whether a `wait-for` target stands for everything in progress somewhere (`DIST/*`, `DIST/dt_*`). */
const isWide = (t: WaitTarget): boolean => t.id === ALL_IN_PROGRESS || t.id === ALL_TENANTS

/** How the log names one `wait-for` target. */
function describeWaitTarget(t: WaitTarget): string {
  if (t.id === ALL_IN_PROGRESS) return `everything in progress on ${t.distributionId}`
  if (t.id === ALL_TENANTS) return `everything in progress on the tenants of ${t.distributionId}`
  return `${t.distributionId}/${t.id}`
}

/** `wait-for`: wait for invalidations an earlier step made, then verify them when asked. */
async function gate(run: RunContext): Promise<void> {
  const { state, inputs, clock, started, controller, io, getApi, progress, verify } = run
  const waitFor = inputs.waitFor ?? []
  Object.assign(state, {
    gate: true,
    wait: true,
    gateTargets: waitFor.filter((t) => !isWide(t)).length,
    gateAll: waitFor.filter(isWide).map((t) => `${t.distributionId}/${t.id}`),
  })
  state.timings.planMs = clock.now() - started
  if (waitFor.length <= LOG_GATE_TARGETS) {
    for (const t of waitFor) io.info(`waiting for ${describeWaitTarget(t)}`)
  } else {
    io.info(
      `waiting for ${plural(waitFor.length, 'invalidation')} on ${plural(new Set(waitFor.map((t) => t.distributionId)).size, 'distribution or tenant', 'distributions or tenants')}`,
    )
  }
  if (waitFor.length === 0) return
  const paths = new Map<string, readonly string[]>()
  if (!inputs.dryRun) {
    const gateApi = await getApi()
    progress.start()
    try {
      await waitForAll(state, waitFor, gateApi, clock, controller.signal, io, progress, paths)
    } finally {
      progress.stop()
    }
  }
  // What was waited for: the targets named, and the tenants a `DIST/dt_*` found (not DIST itself).
  const ids = [
    ...waitFor.filter((t) => t.id !== ALL_TENANTS).map((t) => t.distributionId),
    ...state.records.map((r) => r.distributionId),
  ]
  await verify(gateTargets(state.records, paths, ids))
}

/** Sources, targets (names resolved, tenants selected), plans, then submit and wait, then verify. */
async function invalidate(run: RunContext): Promise<void> {
  const { state, inputs, clock, started, controller, deadline, io, getApi, retry, progress } = run
  const sources = await collectSources(inputs, io, deadline)
  state.skipReasons = sources.empty
  // Domain names become distribution or tenant ids (one ListDistributions walk per run); a dry run leaves them.
  const resolved = await resolveAliases(inputs, getApi, retry, io)
  const named = [...new Set(inputs.distributionIds.map((n) => resolved.get(n)?.id ?? n))]
  const parents = new Map<string, string>()
  for (const r of resolved.values()) if (r.parent !== undefined) parents.set(r.id, r.parent)
  // A tenant's origins are its distribution's.
  const originOf = (id: string): string => parents.get(id) ?? id
  const extra =
    sources.pendingSync === undefined
      ? new Map<string, Item[]>()
      : await syncItemsByOrigin(inputs, [...new Set(named.map(originOf))], sources, await getApi(), retry, io)
  const planOptions: PlanOptions = {
    batchSize: inputs.batchSize,
    collapse: inputs.collapse,
    ...(inputs.maxPaths === undefined ? {} : { maxPaths: inputs.maxPaths }),
    ...(sources.tree === undefined ? {} : { tree: sources.tree }),
  }
  const requestedFor = (id: string): Item[] => {
    const more = extra.get(originOf(id))
    return more === undefined ? sources.shared : dedupeItems([...sources.shared, ...more])
  }
  // `tenants`: the selected tenants of each distribution named, each its own target. Listing 100,000
  // tenants is 1,000 requests: progress lines count them (and go on through the submissions).
  if (inputs.tenants !== undefined && !inputs.dryRun) progress.start()
  const targets =
    inputs.tenants === undefined
      ? { ids: named, parents }
      : await selectTargets(state, inputs, named, getApi, retry, io)
  for (const [tenant, parent] of targets.parents) parents.set(tenant, parent)
  state.plans = planTargets(state, named, targets, (id) =>
    planDistribution(id, requestedFor(id), planOptions),
  )
  for (const [name, r] of resolved) {
    const plan = state.plans.find((p) => p.distributionId === r.id)
    if (plan) plan.alias = plan.alias ? `${plan.alias}, ${name}` : name
  }
  registerTargets(state, state.fanOut === undefined || !inputs.dryRun ? targets.ids : named, parents)
  state.timings.planMs = clock.now() - started
  await logPlan(state, io)

  // The site's URLs when the sources know them: wildcards are verified through the objects under them.
  const tree = Array.isArray(sources.tree) ? (sources.tree as readonly string[]) : undefined
  if (batchCount(state.plans) === 0) return
  if (inputs.dryRun) return run.verify(runTargets(state.plans, state.records), tree)
  const submitApi = await getApi()
  progress.start()
  try {
    await submitAll({
      state,
      inputs,
      api: submitApi,
      clock,
      started,
      controller,
      planOptions,
      requestedFor,
      io,
      progress,
      completion: run.completion,
    })
  } finally {
    progress.stop()
  }
  await run.verify(runTargets(state.plans, state.records), tree)
}

/** The request rates and completion time, for the progress line of a tenant fan-out. */
function liveStats(governor: RateGovernor, completion: CompletionModel): LiveStats {
  let createRate = 0
  let pollRate = 0
  for (const op of governor.snapshot()) {
    if (op.operation.startsWith('CreateInvalidation')) createRate += op.rate
    else if (op.operation.startsWith('GetInvalidation')) pollRate += op.rate
  }
  const finite = (n: number): number | undefined => (n > 0 && Number.isFinite(n) ? n : undefined)
  const stats: LiveStats = { requestRate: governor.currentRate(), completionMs: completion.plausibleMs }
  const c = finite(createRate)
  const p = finite(pollRate)
  if (c !== undefined) stats.createRate = c
  if (p !== undefined) stats.pollRate = p
  return stats
}
