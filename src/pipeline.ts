/**
 * The run, step by step: inputs -> sources -> plan (collapse, batches) -> submit (and wait) -> outputs
 * and summary. It wires modules together and holds no logic worth unit-testing on its own; the
 * end-to-end tests exercise it whole.
 *
 * Every ending goes through one place (the end of `execute`): outputs, `status` and the summary are
 * written whatever happened (a bad input, a failed source, a distribution's error, the deadline, a
 * cancel), then the step fails, warns or gives its one result line.
 */
import type { CloudFrontApi, ConnectOptions } from './cloudfront/api.js'
import { realClock, type Clock } from './cloudfront/clock.js'
import type { RetryContext } from './cloudfront/retry.js'
import { DEFAULT_TIMEOUT_MS } from './constants.js'
import { formatDuration } from './duration.js'
import { CancelledError, DeadlineError, errorMessage, ReportedFailure } from './errors.js'
import { plural } from './format.js'
import { waitForAll } from './gate.js'
import { readInputs, type Env, type Inputs, type InputReader } from './inputs.js'
import type { Io } from './io.js'
import { describeCollapse } from './paths/collapse.js'
import { dedupeItems, type Item } from './paths/encode.js'
import { batchCount, planDistribution, type PlanOptions } from './plan.js'
import { ProgressReporter, progressInterval } from './progress.js'
import {
  buildOutputs,
  buildSummary,
  endingLine,
  resultLine,
  runStatus,
  stepFails,
  submittedPaths,
} from './report.js'
import { emptyState, outcomeOf, tallyWarning, type RunState } from './report/state.js'
import { resolveAliases, syncItemsByOrigin } from './resolve.js'
import { collectSources, type Deadline } from './sources/collect.js'
import { submitAll } from './submit.js'
import { ALL_IN_PROGRESS } from './targets.js'
import { VERSION } from './version.js'
import { verifyOutputs, verifySummary } from './verify/report.js'
import { verifyIfAsked } from './verify/run.js'
import { gateTargets, runTargets, type VerifyTarget } from './verify/targets.js'

/** Seams for tests and the bench; production uses the defaults. */
export interface Deps {
  clock?: Clock
  connect?: (options: ConnectOptions) => Promise<CloudFrontApi>
  /** Aborts when the workflow is cancelled (main.ts turns SIGINT/SIGTERM into it). */
  signal?: AbortSignal
  /** Longest silence while waiting (default PROGRESS_INTERVAL_MS, 30 s). */
  progressIntervalMs?: number
}

export const USER_AGENT = `cloudfront-invalidate/${VERSION}`

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
  await report(state, io)

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

/** Outputs and the job summary, written for every ending. */
async function report(state: RunState, io: Io): Promise<void> {
  const { outputs, warnings } = buildOutputs(state, io.outputLimits ?? true)
  Object.assign(outputs, verifyOutputs(state.verification))
  for (const w of warnings) {
    tallyWarning(state, w)
    io.warning(w)
  }
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
  let api: CloudFrontApi | undefined
  const getApi = async (): Promise<CloudFrontApi> => {
    api ??= await (deps.connect ?? (await import('./cloudfront/api.js')).connect)({
      region: inputs.awsRegion,
      userAgent: USER_AGENT,
      timeoutMs: inputs.timeoutMs,
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
      await verifyIfAsked(state, inputs.verify, {
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

  if (inputs.waitFor !== undefined) {
    Object.assign(state, {
      gate: true,
      wait: true,
      gateTargets: inputs.waitFor.filter((t) => t.id !== ALL_IN_PROGRESS).length,
      gateAll: inputs.waitFor.filter((t) => t.id === ALL_IN_PROGRESS).map((t) => t.distributionId),
    })
    state.timings.planMs = clock.now() - started
    for (const t of inputs.waitFor) {
      io.info(
        t.id === ALL_IN_PROGRESS
          ? `waiting for everything in progress on ${t.distributionId}`
          : `waiting for ${t.distributionId}/${t.id}`,
      )
    }
    const ids = inputs.waitFor.map((t) => t.distributionId)
    const paths = new Map<string, readonly string[]>()
    if (inputs.waitFor.length === 0) return
    if (!inputs.dryRun) {
      const gateApi = await getApi()
      progress.start()
      try {
        await waitForAll(state, inputs.waitFor, gateApi, clock, controller.signal, io, progress, paths)
      } finally {
        progress.stop()
      }
    }
    await verify(gateTargets(state.records, paths, ids))
    return
  }

  const sources = await collectSources(inputs, io, deadline)
  // Domain names become distribution ids (one ListDistributions walk per run); a dry run leaves them.
  const aliases = await resolveAliases(inputs, getApi, retry, io)
  const targets = [...new Set(inputs.distributionIds.map((n) => aliases.get(n) ?? n))]
  const extra =
    sources.pendingSync === undefined
      ? new Map<string, Item[]>()
      : await syncItemsByOrigin(inputs, targets, sources, await getApi(), retry, io)
  const planOptions: PlanOptions = {
    batchSize: inputs.batchSize,
    collapse: inputs.collapse,
    ...(inputs.maxPaths === undefined ? {} : { maxPaths: inputs.maxPaths }),
    ...(sources.tree === undefined ? {} : { tree: sources.tree }),
  }
  const requestedFor = (id: string): Item[] => {
    const more = extra.get(id)
    return more === undefined ? sources.shared : dedupeItems([...sources.shared, ...more])
  }
  state.plans = targets.map((id) => planDistribution(id, requestedFor(id), planOptions))
  for (const [name, id] of aliases) {
    const plan = state.plans.find((p) => p.distributionId === id)
    if (plan) plan.alias = plan.alias ? `${plan.alias}, ${name}` : name
  }
  for (const id of targets) outcomeOf(state, id)
  state.skipReasons = sources.empty
  state.timings.planMs = clock.now() - started
  await logPlan(state, io)

  // The site's URLs when the sources know them: wildcards are verified through the objects under them.
  const tree = Array.isArray(sources.tree) ? (sources.tree as readonly string[]) : undefined
  if (batchCount(state.plans) === 0) return
  if (inputs.dryRun) return verify(runTargets(state.plans, state.records), tree)
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
    })
  } finally {
    progress.stop()
  }
  await verify(runTargets(state.plans, state.records), tree)
}

/** Paths per write when the plan's paths are logged (see logPlan). */
const LOG_LINES_PER_WRITE = 2000

/** Print the plan: per distribution, requested -> billed, the wildcards chosen, and the paths. */
async function logPlan(state: RunState, io: Io): Promise<void> {
  const batches = batchCount(state.plans)
  const paths = submittedPaths(state)
  await io.group(
    `Plan: ${plural(paths.length, 'distinct path')} -> ${plural(batches, 'batch', 'batches')} on ${plural(state.plans.length, 'distribution')}`,
    () => {
      for (const p of state.plans) {
        io.info(
          `${p.distributionId}: ${p.collapse ? describeCollapse(p.collapse) : `${plural(p.items.length, 'path')}, collapse off`}; ${plural(p.batches.length, 'batch', 'batches')}`,
        )
      }
      // A write per LOG_LINES_PER_WRITE paths: one per path (tens of thousands of writes to the runner's
      // pipe) is slow, and one for all of them builds the whole list as one string, then its UTF-8 copy,
      // several megabytes of fresh memory for 100,000 paths that cost more than the writes they save.
      for (let i = 0; i < paths.length; i += LOG_LINES_PER_WRITE) {
        io.info(paths.slice(i, i + LOG_LINES_PER_WRITE).join('\n'))
      }
      return Promise.resolve()
    },
  )
  // One warning per distinct message, however many distributions the planner gave it for.
  const warned = new Map<string, string[]>()
  for (const p of state.plans) {
    for (const w of p.collapse?.warnings ?? []) warned.set(w, [...(warned.get(w) ?? []), p.distributionId])
  }
  for (const [w, ids] of warned)
    io.warning(`${ids.slice(0, 5).join(', ')}${ids.length > 5 ? ', …' : ''}: ${w}`, w)
}
