/**
 * Edge verification (`verify: true`): once every invalidation of the step is Completed, ask each
 * distribution itself whether a sample of the invalidated URLs still serves a copy cached before the
 * invalidation. "Completed" says the invalidation ran; this says it hit the objects viewers get.
 *
 * One run: candidates and a deterministic sample per distribution (candidates.ts), the base URL
 * (`verify-url`, or the distribution's domain from GetDistribution), then at most VERIFY_CONCURRENCY
 * requests at a time (http.ts), each classified (classify.ts). A dry run prints the URLs and asks nothing.
 */
import type { CloudFrontApi } from '../cloudfront/api.js'
import { explain } from '../cloudfront/errors.js'
import { MAX_VERIFY_TENANTS, VERIFY_CONCURRENCY, VERIFY_REQUEST_TIMEOUT_MS } from '../constants.js'
import { CancelledError } from '../errors.js'
import { plural } from '../format.js'
import { formatDuration } from '../duration.js'
import type { Io } from '../io.js'
import { mapLimit } from '../map-limit.js'
import { voice } from '../voice.js'
import { candidatesFor, sampleCandidates, type Candidate, type Unchecked } from './candidates.js'
import { classifyAnswer, likelyCause, plainText, type Cause, type Outcome } from './classify.js'
import { edgeClient, type EdgeClient } from './http.js'
import { coveringTime, sampleTenants, type VerifyTarget } from './targets.js'

/** The `verify*` inputs, validated (inputs.ts). */
export interface VerifySettings {
  /** `verify-url`: the base URL to request (scheme and host); default each target's own domain. */
  url?: string
  /** `verify-sample`: most URLs checked per distribution. */
  sample: number
  /** `on-stale`: fail the step, or warn. */
  onStale: 'fail' | 'warn'
}

/** One URL checked (or, in a dry run or past the deadline, to be checked). */
export interface Check extends Candidate {
  /** The whole URL requested. */
  url: string
  outcome?: Outcome
  detail?: string
  /** For a stale URL: its likely cause and the fix. */
  cause?: Cause
}

/** What verification found on one distribution or tenant. */
export interface TargetResult {
  id: string
  /** The base URL requested (or, in a dry run without verify-url, a placeholder naming the target). */
  base: string
  /** URLs that could be checked, before sampling. */
  candidates: number
  checks: Check[]
  unchecked: Unchecked[]
}

export interface VerifyResult {
  dryRun: boolean
  onStale: 'fail' | 'warn'
  targets: TargetResult[]
  /** The step's deadline passed before every URL was checked. */
  timedOut: boolean
  /** The workflow was cancelled before every URL was checked. */
  cancelled?: boolean
  /** How long the checks took. */
  ms: number
  /** Tenants not verified: a run verifies at most MAX_VERIFY_TENANTS of them. */
  tenantsLeftOut?: number
}

export interface VerifyContext {
  targets: readonly VerifyTarget[]
  settings: VerifySettings
  /** `index-document`: an invalidated index document's directory URL is checked when it was not invalidated. */
  indexDocument: string
  /** URL paths of the site's objects, when the sources know the tree (wildcards are checked through them). */
  tree?: readonly string[]
  dryRun: boolean
  userAgent: string
  getApi: () => Promise<CloudFrontApi>
  /** The step's deadline (and a cancel). */
  signal: AbortSignal
  io: Io
  /** How often to report progress while URLs are being checked (default: never). */
  progressMs?: number
}

/**
 * Verify, record the result in `holder.verification` (the step's report reads it), then fail the step
 * when a URL is stale and `on-stale` is `fail`, or when the deadline cut verification short. The one call
 * the pipeline makes, with `verify` on, after every invalidation of the step is Completed (and in a dry
 * run, to print the URLs).
 */
export async function verifyStep(holder: { verification?: VerifyResult }, ctx: VerifyContext): Promise<void> {
  const result = await verifyEdge(ctx)
  holder.verification = result
  settle(result, ctx.io)
}

/** Plan and run the checks; never throws for what the edge answers (only for a failed domain lookup). */
export async function verifyEdge(ctx: VerifyContext): Promise<VerifyResult> {
  const started = Date.now()
  const { settings, io } = ctx
  const result: VerifyResult = {
    dryRun: ctx.dryRun,
    onStale: settings.onStale,
    targets: [],
    timedOut: false,
    ms: 0,
  }
  // Thousands of tenants (`tenants`, a `DIST/dt_*` gate) are sampled before anything is computed for them.
  const { targets, leftOut } = sampleTenants(ctx.targets, MAX_VERIFY_TENANTS)
  if (leftOut > 0) {
    result.tenantsLeftOut = leftOut
    const total = ctx.targets.filter((t) => t.id.startsWith('dt_')).length
    io.info(
      `Edge verification checks ${total - leftOut} of ${plural(total, 'tenant')}, spread over them: at most ${MAX_VERIFY_TENANTS} a run, as each costs a GetDistributionTenant call and up to ${plural(settings.sample, 'edge request')}`,
    )
  }
  const plans = targets.map((t) => {
    const { candidates, unchecked } = candidatesFor(t.items ?? [], {
      invalidated: t.invalidated,
      indexDocument: ctx.indexDocument,
      ...(ctx.tree === undefined ? {} : { tree: ctx.tree }),
    })
    return { target: t, candidates, unchecked, sample: sampleCandidates(candidates, settings.sample) }
  })

  if (ctx.dryRun) {
    for (const p of plans) {
      const base = settings.url ?? `https://(domain of ${p.target.id})`
      result.targets.push(targetResult(p, base))
    }
    await io.group(`Verify (dry run): the URLs that would be checked at the edge once Completed`, () => {
      for (const [i, t] of result.targets.entries()) {
        if (plans[i]?.target.items === undefined) {
          io.info(
            `${t.id}: up to ${plural(settings.sample, 'URL')} among the paths of its invalidations (read with GetInvalidation, which a dry run does not call)`,
          )
          continue
        }
        io.info(
          `${t.id}: ${t.checks.length} of ${plural(t.candidates, 'URL')}${t.unchecked.length > 0 ? `; ${plural(t.unchecked.length, 'item')} cannot be checked` : ''}`,
        )
        for (const c of t.checks) io.info(`  ${c.url}`)
      }
      return Promise.resolve()
    })
    return result
  }

  // Base URLs first: a denied lookup fails before any request, with the permission to add.
  const bases: URL[] = []
  for (const p of plans) {
    const base = await baseUrl(p.target.id, settings.url, ctx)
    if (base === undefined) {
      result.timedOut = true
      result.targets = plans.map((q) => targetResult(q, settings.url ?? ''))
      result.ms = Date.now() - started
      return result
    }
    bases.push(base)
    result.targets.push(targetResult(p, base.origin))
  }

  const clients: EdgeClient[] = []
  let done = 0
  let stale = 0
  let total = 0
  // Up to 200 URLs a distribution, 8 at a time, each bounded by VERIFY_REQUEST_TIMEOUT_MS: a slow edge can
  // take minutes, which must not look like a hang.
  const timer =
    ctx.progressMs === undefined
      ? undefined
      : setInterval(() => {
          if (total === 0 || done === total) return
          const line = `Verifying at the edge: ${done} of ${plural(total, 'URL')} checked${stale > 0 ? ` (${stale} stale so far)` : ''}, ${formatDuration(Date.now() - started)} so far`
          io.info(line)
        }, ctx.progressMs)
  timer?.unref()
  try {
    const jobs: { check: Check; client: EdgeClient; at: number }[] = []
    for (const [i, t] of result.targets.entries()) {
      const base = bases[i]
      if (base === undefined || t.checks.length === 0) continue
      const client = await edgeClient(base, ctx.userAgent)
      clients.push(client)
      const invalidations = plans[i]?.target.invalidations ?? []
      for (const check of t.checks)
        jobs.push({ check, client, at: coveringTime(check.submitted, invalidations) })
    }
    total = jobs.length
    // One bound over all distributions: a step never has more than VERIFY_CONCURRENCY requests out.
    await mapLimit(jobs, VERIFY_CONCURRENCY, async ({ check, client, at }) => {
      if (ctx.signal.aborted) return
      const signal = AbortSignal.any([ctx.signal, AbortSignal.timeout(VERIFY_REQUEST_TIMEOUT_MS)])
      try {
        const answer = await client.head(check.path, signal)
        Object.assign(check, classifyAnswer(answer, at))
        if (check.outcome === 'stale') check.cause = likelyCause(check)
      } catch (e) {
        if (ctx.signal.aborted) return // the step's deadline: left unchecked
        check.outcome = 'unverifiable'
        check.detail = signal.aborted
          ? `no answer within ${formatDuration(VERIFY_REQUEST_TIMEOUT_MS)}`
          : `request failed: ${e instanceof Error ? e.message : String(e)}`
      } finally {
        done++
        if (check.outcome === 'stale') stale++
      }
    })
  } finally {
    clearInterval(timer)
    for (const c of clients) c.close()
  }
  result.cancelled = ctx.signal.reason instanceof CancelledError
  result.timedOut = ctx.signal.aborted && !result.cancelled
  result.ms = Date.now() - started
  await logChecks(result, io)
  return result
}

/** The base URL for a target: `verify-url`, or https:// and its domain; undefined at the deadline. */
async function baseUrl(id: string, url: string | undefined, ctx: VerifyContext): Promise<URL | undefined> {
  if (url !== undefined) return new URL(url)
  const op = id.startsWith('dt_') ? 'GetDistributionTenant' : 'GetDistribution'
  let domain: string | undefined
  try {
    domain = await (await ctx.getApi()).getViewerDomain(id, ctx.signal)
  } catch (e) {
    if (ctx.signal.aborted) return undefined
    throw new Error(
      `${explain(e, op, id)} (${voice().option('verify')} needs it for the domain to request; or set ${voice().option('verify-url')})`,
      { cause: e },
    )
  }
  // A host name, optionally with a port: anything else would put a path or credentials in the URL.
  if (domain === undefined || !/^[A-Za-z0-9.-]+(:\d{1,5})?$/.test(domain)) {
    throw new Error(
      `${id}: ${op} gave ${domain === undefined ? 'no active domain' : `no usable domain (${JSON.stringify(domain.slice(0, 80))})`} to verify at: set ${voice().option('verify-url')}`,
    )
  }
  return new URL(`https://${domain}`)
}

function targetResult(
  p: { target: VerifyTarget; candidates: Candidate[]; unchecked: Unchecked[]; sample: Candidate[] },
  base: string,
): TargetResult {
  return {
    id: p.target.id,
    base,
    candidates: p.candidates.length,
    checks: p.sample.map((c) => ({ ...c, url: `${base}${c.path}` })),
    unchecked: p.unchecked,
  }
}

/** Counts for one target, as the `verified` output gives them. */
export function counts(t: TargetResult): Record<Outcome | 'unchecked', number> {
  const n = { fresh: 0, stale: 0, unverifiable: 0, unchecked: t.unchecked.length }
  for (const c of t.checks) {
    if (c.outcome === undefined) n.unchecked++
    else n[c.outcome]++
  }
  return n
}

/** Every URL with its outcome (grouped, as it can be 200 lines a distribution), then a line each. */
async function logChecks(result: VerifyResult, io: Io): Promise<void> {
  const total = result.targets.reduce((n, t) => n + t.checks.length, 0)
  await io.group(
    `Verify at the edge: ${plural(total, 'URL')} on ${plural(result.targets.length, 'distribution')}`,
    () => {
      for (const t of result.targets) {
        for (const c of t.checks)
          io.info(`${(c.outcome ?? 'unchecked').padEnd(12)} ${c.url}${c.detail ? ` (${c.detail})` : ''}`)
      }
      return Promise.resolve()
    },
  )
  for (const t of result.targets) {
    const n = counts(t)
    io.info(
      `${t.id}: ${n.fresh} fresh, ${n.stale} stale, ${n.unverifiable} unverifiable, ${n.unchecked} unchecked (${t.checks.length} of ${plural(t.candidates, 'URL')} sampled at ${t.base})`,
    )
    // Each stale URL with its cause and fix, outside the group: what to do next must be seen (a terminal
    // has no job summary, and shows only the start of a group).
    for (const c of t.checks) {
      if (c.outcome !== 'stale' || c.cause === undefined) continue
      io.info(`  stale ${c.path}: ${plainText(c.cause.cause)}. Fix: ${plainText(c.cause.fix)}.`)
    }
    if (t.checks.length > 0 && n.fresh === 0 && n.stale === 0 && n.unverifiable > 0) {
      const first = t.checks.find((c) => c.outcome === 'unverifiable')
      io.warning(
        `${t.id}: nothing could be verified at ${t.base}: every URL checked was unverifiable (e.g. ${first?.path ?? ''}: ${first?.detail ?? ''})`,
      )
    } else if (t.checks.length === 0 && t.unchecked.length > 0) {
      const first = t.unchecked[0]
      io.warning(
        `${t.id}: nothing could be verified at the edge: no URL to request among what was invalidated (e.g. ${first?.item ?? ''}: ${first?.why ?? ''})`,
      )
    }
  }
}

/** Stale URLs named in one message; the rest are counted. */
const SHOWN_STALE = 5

/** Fail or warn as `on-stale` says; fail when the deadline cut verification short. */
function settle(result: VerifyResult, io: Io): void {
  if (result.dryRun) return
  const stale = result.targets.flatMap((t) =>
    t.checks.filter((c) => c.outcome === 'stale').map((c) => ({ t, c })),
  )
  if (result.timedOut || result.cancelled === true) {
    const done = result.targets.reduce(
      (n, t) => n + t.checks.filter((c) => c.outcome !== undefined).length,
      0,
    )
    const all = result.targets.reduce((n, t) => n + t.checks.length, 0)
    const what = `${done} of ${plural(all, 'URL')} checked${stale.length > 0 ? `, ${stale.length} stale` : ''}; every invalidation is Completed`
    throw new Error(
      result.cancelled === true
        ? `cancelled while verifying at the edge: ${what}.`
        : `timeout reached while verifying at the edge: ${what}. Raise ${voice().option('timeout')} (or use ${voice().setting('verify', false)}).`,
    )
  }
  if (stale.length === 0) return
  const shown = stale
    .slice(0, SHOWN_STALE)
    .map(({ t, c }) => `${t.id} ${c.path} (${plainText(c.cause?.cause ?? [])})`)
    .join('; ')
  const more = stale.length > SHOWN_STALE ? ` and ${stale.length - SHOWN_STALE} more` : ''
  const message = `${plural(stale.length, 'URL')} still ${stale.length === 1 ? 'serves' : 'serve'} a copy cached before the invalidation: ${shown}${more}. See ${voice().details} for each fix.`
  if (result.onStale === 'fail') throw new Error(`${message} (${voice().setting('on-stale', 'fail')})`)
  io.warning(`${message} (${voice().setting('on-stale', 'warn')})`, 'stale at the edge')
}
