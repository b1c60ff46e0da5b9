/**
 * From what `distribution-id` and `tenants` name to the targets a run invalidates and their plans.
 * Without `tenants` the targets are the distributions (and tenants) named. With it, they are the selected
 * tenants of each multi-tenant distribution named: listed (ListDistributionTenants), matched, and given
 * one shared plan per distribution, since every tenant of a distribution serves the same paths (thousands
 * of tenants, one collapse).
 */
import type { CloudFrontApi, TenantInfo } from './cloudfront/api.js'
import type { RetryContext } from './cloudfront/retry.js'
import { UnreachableError } from './cloudfront/errors.js'
import { errorMessage, forInput } from './errors.js'
import { formatCount, plural } from './format.js'
import type { Inputs } from './inputs.js'
import type { Io } from './io.js'
import type { DistributionPlan } from './plan.js'
import type { FanOut, Reading, RunState } from './report/state.js'
import { outcomeOf } from './report/state.js'
import { listTenants, selectTenants } from './tenants.js'
import { voice } from './voice.js'

/** The targets of a run: each with the distribution it belongs to when it is a tenant of a known one. */
export interface Targets {
  /** Distribution or tenant ids, in order, distinct. */
  ids: string[]
  /** Tenant -> its multi-tenant distribution, when known. */
  parents: Map<string, string>
}

/** `tenants` as the summary and progress lines name it. */
function describeSelection(inputs: Inputs): string {
  const t = inputs.tenants
  return t === undefined || t.all ? 'all' : t.patterns.join(', ')
}

/**
 * The selected tenants of each distribution in `named` (a dry run lists none and says so). Patterns that
 * match no tenant of any distribution, and distributions with no tenant selected, are warnings; with no
 * tenant at all the run has nothing to do (a skip reason says why).
 */
export async function selectTargets(
  state: RunState,
  inputs: Inputs,
  named: readonly string[],
  getApi: () => Promise<CloudFrontApi>,
  retry: RetryContext,
  io: Io,
): Promise<Targets> {
  const fanOut: FanOut = { selection: describeSelection(inputs), distributions: [] }
  state.fanOut = fanOut
  const targets: Targets = { ids: [], parents: new Map() }
  const selection = inputs.tenants
  if (selection === undefined) return targets
  if (inputs.dryRun) {
    fanOut.distributions = named.map((id) => ({ id }))
    io.notice(
      `Dry run: the tenants of ${named.join(', ')} are not listed (that takes ListDistributionTenants, an AWS call), so ${voice().setting('tenants', fanOut.selection)} is not resolved; the plan shown is what each selected tenant would get`,
    )
    return targets
  }
  const api = await getApi()
  const unmatched = new Map<string, number>()
  const seen = new Set<string>()
  for (const id of named) {
    let listed: TenantInfo[]
    // 100,000 tenants are 1,000 pages: progress lines count them meanwhile.
    const reading: Reading = { what: `listing the tenants of ${id}`, done: 0, startedAt: retry.clock.now() }
    state.reading = reading
    try {
      listed = await listTenants(api, id, retry, reading)
    } catch (e) {
      // The deadline, a cancel or an unreachable endpoint say so themselves; the rest names the input.
      if (retry.signal.aborted || e instanceof UnreachableError) throw e
      throw new Error(forInput('tenants', fanOut.selection, errorMessage(e)), { cause: e })
    } finally {
      delete state.reading
    }
    const { selected, unmatched: none } = selectTenants(listed, selection)
    for (const p of none) unmatched.set(p, (unmatched.get(p) ?? 0) + 1)
    const fresh = selected.filter((t) => !seen.has(t.id))
    for (const t of fresh) {
      seen.add(t.id)
      targets.ids.push(t.id)
      targets.parents.set(t.id, id)
    }
    fanOut.distributions.push({ id, tenants: fresh.length })
    io.info(
      `${id}: ${plural(listed.length, 'tenant')} listed, ${formatSelected(fresh.length, selection.all)}`,
    )
    if (listed.length === 0) {
      io.warning(
        `${id} has no distribution tenants: ${voice().option('tenants')} selects tenants of multi-tenant distributions (is ${id} one?)`,
        'no tenants',
      )
    }
  }
  // A pattern is unmatched only when no distribution had a tenant for it.
  for (const [p, n] of unmatched) {
    if (n === named.length)
      io.warning(
        `${voice().option('tenants')} pattern ${JSON.stringify(p)} matches no tenant of ${named.join(', ')}`,
        'tenant pattern matches nothing',
      )
  }
  if (targets.ids.length === 0)
    state.skipReasons.push(`${voice().setting('tenants', fanOut.selection)} selects no tenant`)
  return targets
}

function formatSelected(n: number, all: boolean): string {
  return all ? `${plural(n, 'tenant')} to invalidate` : `${formatCount(n)} selected by the patterns`
}

/**
 * Plans for the targets: with fan-out, one plan per distribution shared by its tenants (same item
 * arrays, so reports can tell them apart from distinct plans); otherwise one per target.
 */
export function planTargets(
  state: RunState,
  named: readonly string[],
  targets: Targets,
  plan: (id: string) => DistributionPlan,
): DistributionPlan[] {
  if (state.fanOut === undefined) return named.map(plan)
  if (targets.ids.length === 0) return state.dryRun ? named.map(plan) : []
  const shared = new Map<string, DistributionPlan>()
  return targets.ids.map((id) => {
    const parent = targets.parents.get(id) ?? id
    let base = shared.get(parent)
    if (base === undefined) shared.set(parent, (base = plan(parent)))
    const own: DistributionPlan = { ...base, distributionId: id }
    delete own.alias
    return own
  })
}

/** Outcomes for every target, in order, with the distribution of each tenant when known. */
export function registerTargets(
  state: RunState,
  ids: readonly string[],
  parents: ReadonlyMap<string, string>,
): void {
  for (const id of ids) {
    const outcome = outcomeOf(state, id)
    const parent = parents.get(id)
    if (parent !== undefined) outcome.parent = parent
  }
}
