/**
 * The run, step by step: inputs -> sources -> plan (collapse, batches) -> submit (and wait) -> outputs
 * and summary. It wires modules together and holds no logic worth unit-testing on its own; the
 * end-to-end tests exercise it whole.
 */
import type { CloudFrontApi, ConnectOptions } from './cloudfront/api.js'
import { realClock, type Clock } from './cloudfront/clock.js'
import { submitDistribution } from './cloudfront/scheduler.js'
import { formatDuration } from './duration.js'
import { waitForAll } from './gate.js'
import { readInputs, type Env, type Inputs, type InputReader } from './inputs.js'
import type { Io } from './io.js'
import { describeCollapse } from './paths/collapse.js'
import { dedupeItems, type Item } from './paths/encode.js'
import { batchCount, planDistribution, type PlanOptions } from './plan.js'
import { buildOutputs, buildSummary, resultLine, runStatus, submittedPaths, type RunState } from './report.js'
import { resolveAliases, syncItemsByOrigin } from './resolve.js'
import { collectSources } from './sources/collect.js'
import { VERSION } from './version.js'
import { verifyOutputs, verifySummary } from './verify/report.js'
import { verifyIfAsked } from './verify/run.js'
import { gateTargets, runTargets, type VerifyTarget } from './verify/targets.js'

/** Seams for tests and the bench; production uses the defaults. */
export interface Deps {
  clock?: Clock
  connect?: (options: ConnectOptions) => Promise<CloudFrontApi>
}

/** Raised when the step's `timeout` passes. */
export class DeadlineError extends Error {
  override name = 'DeadlineError'
}

export const USER_AGENT = `cloudfront-invalidate/${VERSION}`

/** Run the whole step. Throws (after writing outputs and summary) when the step should fail. */
export async function execute(read: InputReader, env: Env, io: Io, deps: Deps = {}): Promise<RunState> {
  const clock = deps.clock ?? realClock
  const started = clock.now()
  const inputs = readInputs(read, env)
  io.debug(
    `inputs: ${JSON.stringify({ ...inputs, items: `${inputs.items.length} items`, githubToken: inputs.githubToken ? '***' : '' })}`,
  )

  // The deadline covers everything from here: sources, quota waits, completion.
  const controller = new AbortController()
  const timer = setTimeout(() => controller.abort(new DeadlineError('timeout')), inputs.timeoutMs)
  let api: CloudFrontApi | undefined
  const getApi = async (): Promise<CloudFrontApi> => {
    api ??= await (deps.connect ?? (await import('./cloudfront/api.js')).connect)({
      region: inputs.awsRegion,
      userAgent: USER_AGENT,
    })
    return api
  }

  const log = {
    info: (m: string) => io.info(m),
    warning: (m: string) => io.warning(m),
    notice: (m: string) => io.notice(m),
    debug: (m: string) => io.debug(m),
  }
  let state: RunState | undefined
  /** Edge verification when `verify` is on (verify/): after every invalidation is Completed, or a dry run's URLs. */
  const verify = (holder: RunState, targets: VerifyTarget[], tree?: readonly string[]): Promise<void> =>
    verifyIfAsked(holder, inputs.verify, {
      targets,
      indexDocument: inputs.indexDocument,
      ...(tree === undefined ? {} : { tree }),
      dryRun: inputs.dryRun,
      userAgent: USER_AGENT,
      getApi,
      signal: controller.signal,
      io,
    })
  try {
    if (inputs.waitFor !== undefined) {
      const gate: RunState = {
        dryRun: inputs.dryRun,
        wait: true,
        gate: true,
        gateTargets: inputs.waitFor.length,
        plans: [],
        records: [],
        errors: [],
        timedOut: false,
        skipReasons: [],
        timings: { planMs: clock.now() - started },
      }
      state = gate
      for (const t of inputs.waitFor) io.info(`waiting for ${t.distributionId}/${t.id}`)
      const paths = new Map<string, readonly string[]>()
      if (!inputs.dryRun && inputs.waitFor.length > 0) {
        await waitForAll(gate, inputs.waitFor, await getApi(), clock, controller.signal, io, paths)
      }
      throwIfFailed(gate, inputs)
      const ids = inputs.waitFor.map((t) => t.distributionId)
      if (ids.length > 0) await verify(gate, gateTargets(gate.records, paths, ids))
      return gate
    }

    const sources = await collectSources(inputs, log)
    // Domain names become distribution ids (one ListDistributions walk per run); a dry run leaves them.
    const aliases = await resolveAliases(inputs, getApi, controller.signal, io)
    const targets = [...new Set(inputs.distributionIds.map((n) => aliases.get(n) ?? n))]
    const extra =
      sources.pendingSync === undefined
        ? new Map<string, Item[]>()
        : await syncItemsByOrigin(inputs, targets, sources, await getApi(), controller.signal, io)
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
    const plans = targets.map((id) => planDistribution(id, requestedFor(id), planOptions))
    for (const [name, id] of aliases) {
      const plan = plans.find((p) => p.distributionId === id)
      if (plan) plan.alias = plan.alias ? `${plan.alias}, ${name}` : name
    }
    const run: RunState = {
      dryRun: inputs.dryRun,
      wait: inputs.wait,
      plans,
      records: [],
      errors: [],
      timedOut: false,
      skipReasons: sources.empty,
      timings: { planMs: clock.now() - started },
    }
    state = run
    await logPlan(run, io)

    const tree = Array.isArray(sources.tree) ? (sources.tree as readonly string[]) : undefined
    if (inputs.dryRun || batchCount(plans) === 0) {
      if (inputs.dryRun && batchCount(plans) > 0) await verify(run, runTargets(run.plans, run.records), tree)
      return run
    }
    await submitAll(run, inputs, await getApi(), clock, started, controller, planOptions, requestedFor, io)
    throwIfFailed(run, inputs)
    await verify(run, runTargets(run.plans, run.records), tree)
    return run
  } catch (e) {
    if (controller.signal.aborted && state === undefined) {
      throw new DeadlineError(
        `timeout ${formatDuration(inputs.timeoutMs)} reached before any invalidation was created`,
      )
    }
    throw e
  } finally {
    clearTimeout(timer)
    if (state !== undefined) {
      state.timings.totalMs = clock.now() - started
      const { outputs, warnings } = buildOutputs(state)
      Object.assign(outputs, verifyOutputs(state.verification))
      for (const w of warnings) io.warning(w)
      for (const [name, value] of Object.entries(outputs)) io.setOutput(name, value)
      await io.summary(buildSummary(state) + verifySummary(state.verification))
      if (runStatus(state) !== 'Failed' && state.errors.length === 0 && !state.timedOut)
        io.notice(resultLine(state))
    }
  }
}

/** Fail the step (after outputs are written, in `finally`) when a distribution failed or time ran out. */
function throwIfFailed(run: RunState, inputs: Inputs): void {
  if (run.errors.length > 0) {
    throw new Error(
      run.errors.length === 1
        ? (run.errors[0] ?? '')
        : `${run.errors.length} distributions failed: ${run.errors.join(' | ')}`,
    )
  }
  if (run.timedOut) {
    const pending = run.records
      .filter((r) => r.status !== 'Completed')
      .map((r) => `${r.distributionId}/${r.id}`)
    const what = run.gate ? 'waited for' : 'created'
    throw new DeadlineError(
      `timeout ${formatDuration(inputs.timeoutMs)} reached: ${run.records.length} invalidation(s) ${what}, ${pending.length} not Completed yet (${pending.slice(0, 5).join(', ')}${pending.length > 5 ? ', …' : ''}); their ids are in the outputs. Raise 'timeout'${run.gate ? '' : ' or set wait: false'}.`,
    )
  }
}

/** Paths per write when the plan's paths are logged (see logPlan). */
const LOG_LINES_PER_WRITE = 2000

/** Print the plan: per distribution, requested -> billed, the wildcards chosen, and the paths. */
async function logPlan(state: RunState, io: Io): Promise<void> {
  const batches = batchCount(state.plans)
  const pathCount = submittedPaths(state).length
  await io.group(
    `Plan: ${pathCount} path(s) -> ${batches} batch(es) on ${state.plans.length} distribution(s)`,
    () => {
      for (const p of state.plans) {
        io.info(
          `${p.distributionId}: ${p.collapse ? describeCollapse(p.collapse) : `${p.items.length} path(s), collapse off`}; ${p.batches.length} batch(es)`,
        )
      }
      // A write per LOG_LINES_PER_WRITE paths: one per path (tens of thousands of writes to the runner's
      // pipe) is slow, and one for all of them builds the whole list as one string, then its UTF-8 copy,
      // several megabytes of fresh memory for 100,000 paths that cost more than the writes they save.
      const paths = submittedPaths(state)
      for (let i = 0; i < paths.length; i += LOG_LINES_PER_WRITE) {
        io.info(paths.slice(i, i + LOG_LINES_PER_WRITE).join('\n'))
      }
      return Promise.resolve()
    },
  )
  // One warning per distinct message and distribution, however many times the planner gave it.
  const warned = new Set<string>()
  for (const p of state.plans) {
    for (const w of p.collapse?.warnings ?? []) {
      if (warned.has(w)) continue
      warned.add(w)
      io.warning(`${p.distributionId}: ${w}`)
    }
  }
}

/** Submit every distribution's batches concurrently, under one deadline. */
async function submitAll(
  state: RunState,
  inputs: Inputs,
  api: CloudFrontApi,
  clock: Clock,
  started: number,
  controller: AbortController,
  planOptions: PlanOptions,
  requestedFor: (id: string) => Item[],
  io: Io,
): Promise<void> {
  let listDeniedWarned = false
  const batchTotal = (): number => batchCount(state.plans)
  const results = await Promise.allSettled(
    state.plans.map((p, index) =>
      submitDistribution({
        api,
        distributionId: p.distributionId,
        batches: p.batches,
        callerReferenceBase: inputs.callerReference,
        wait: inputs.wait,
        clock,
        signal: controller.signal,
        log: {
          info: (m) => io.info(m),
          warning: (m) => io.warning(m),
          debug: (m) => io.debug(m),
          progress: (m) => io.progress?.(m),
        },
        replan: (wildcardsInProgress) => {
          if (inputs.collapse === 'off') return p.batches
          // Wildcards already running take quota: plan again so new ones stay within 15.
          const again = planDistribution(
            p.distributionId,
            requestedFor(p.distributionId),
            planOptions,
            wildcardsInProgress,
          )
          state.plans[index] = again
          if (again.collapse)
            io.info(
              `${p.distributionId}: ${wildcardsInProgress} wildcard(s) already in progress; re-planned: ${describeCollapse(again.collapse)}`,
            )
          return again.batches
        },
        onCreated: (r) => {
          state.records.push(r)
          if (state.records.length === batchTotal()) state.timings.submitMs = clock.now() - started
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
}
