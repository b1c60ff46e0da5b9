/**
 * What `distribution-id` and `wait-for` name: distributions (E2EXAMPLE0000), distribution tenants
 * (dt_…), and alternate domain names (www.example.com) to resolve. Pure parsing and matching; the
 * ListDistributions call that feeds `resolveAlias` lives in cloudfront/pages.ts.
 */
import { plural } from './format.js'
import { voice } from './voice.js'

/** A distribution id as CloudFront issues them: upper-case letters and digits. */
export const DISTRIBUTION_ID = /^[A-Z0-9]{10,20}$/
/** A distribution tenant id of a multi-tenant distribution. */
export const TENANT_ID = /^dt_[A-Za-z0-9]{1,64}$/
/** An alternate domain name (CNAME): labels of letters, digits and hyphens, at least one dot. */
const DOMAIN = /^(?=.{4,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,61}[a-z0-9]$/i
/** An invalidation id (e.g. I2J0I21PCUYOIK). */
export const INVALIDATION_ID = /^[A-Z0-9]{5,64}$/

export type TargetKind = 'distribution' | 'tenant' | 'alias'

/** What one `distribution-id` entry names. */
export interface Target {
  kind: TargetKind
  /** As written (an alias lower-cased: DNS names are case-insensitive). */
  name: string
}

/** Classify one entry, or explain why it is none of the three. */
export function parseTarget(text: string): Target | string {
  if (text.startsWith('arn:')) {
    // An ARN copied from the console or IAM: point at the id inside it.
    const id = /:distribution(?:-tenant)?\/([A-Za-z0-9_]+)$/.exec(text)?.[1]
    return id !== undefined && (DISTRIBUTION_ID.test(id) || TENANT_ID.test(id))
      ? `${JSON.stringify(text.slice(0, 120))} is an ARN: give the id inside it, ${id}`
      : `${JSON.stringify(text.slice(0, 120))} is an ARN: give the distribution id (e.g. E2EXAMPLE0000), not its ARN`
  }
  if (DISTRIBUTION_ID.test(text)) return { kind: 'distribution', name: text }
  if (TENANT_ID.test(text)) return { kind: 'tenant', name: text }
  if (DOMAIN.test(text)) return { kind: 'alias', name: text.toLowerCase() }
  const upper = text.toUpperCase()
  if (upper !== text && DISTRIBUTION_ID.test(upper))
    return `${JSON.stringify(text)} is not a distribution id (ids are upper-case)`
  return `${JSON.stringify(text.slice(0, 80))} is not a distribution id: expected 10–20 upper-case letters and digits (e.g. E2EXAMPLE0000), a tenant id (dt_…) or a domain name (www.example.com)`
}

/** Whether an id is a distribution tenant's (its calls differ from a distribution's). */
export function isTenant(id: string): boolean {
  return id.startsWith('dt_')
}

/** A distribution as ListDistributions describes it, reduced to what alias matching needs. */
export interface DistributionAliases {
  id: string
  aliases: readonly string[]
}

/**
 * The distribution serving `name`, as CloudFront routes it: an exact alias wins over a wildcard one
 * (`*.example.com` matches one label: `www.example.com`, not `a.b.example.com` or `example.com`).
 * Returns the id, or the one-line reason there is no single answer.
 */
export function resolveAlias(
  name: string,
  distributions: readonly DistributionAliases[],
): { id: string } | { error: string; none?: true } {
  const host = name.toLowerCase()
  const dot = host.indexOf('.')
  const wildcardForm = dot === -1 ? undefined : `*${host.slice(dot)}`
  const exact: DistributionAliases[] = []
  const wild: DistributionAliases[] = []
  for (const d of distributions) {
    const aliases = d.aliases.map((a) => a.toLowerCase())
    if (aliases.includes(host)) exact.push(d)
    else if (wildcardForm !== undefined && aliases.includes(wildcardForm)) wild.push(d)
  }
  const describe = (ds: readonly DistributionAliases[]): string =>
    ds.map((d) => `${d.id} (${d.aliases.join(', ')})`).join('; ')
  if (exact.length === 1 && exact[0] !== undefined) return { id: exact[0].id }
  if (exact.length > 1) return { error: `${name} is an alias of several distributions: ${describe(exact)}` }
  if (wild.length === 1 && wild[0] !== undefined) return { id: wild[0].id }
  if (wild.length > 1)
    return { error: `${name} matches the wildcard aliases of several distributions: ${describe(wild)}` }
  const withAliases = distributions.filter((d) => d.aliases.length > 0)
  const seen = withAliases.slice(0, 10).map((d) => d.aliases.slice(0, 3).join(', '))
  return {
    error:
      `no distribution in this account has the alias ${name} (${plural(distributions.length, 'distribution')} listed` +
      (seen.length > 0 ? `; aliases found: ${seen.join('; ')}${withAliases.length > 10 ? '; …' : ''}` : '') +
      ')',
    // Nothing matched at all (not an ambiguity): the name may be a distribution tenant's domain.
    none: true,
  }
}

/**
 * The `id` of a `DIST/*` wait target: every invalidation in progress on that distribution (or tenant) when
 * the gate starts, whoever made it. Only whole: `DIST/I2*` is no id and no pattern.
 */
export const ALL_IN_PROGRESS = '*'

/**
 * The `id` of a `DIST/dt_*` wait target: everything in progress on every tenant of a multi-tenant
 * distribution when the gate starts: what a widened `invalidation-list` names for thousands of tenants.
 */
export const ALL_TENANTS = 'dt_*'

/**
 * One invalidation to wait for, or (id ALL_IN_PROGRESS) all those in progress on a distribution, or (id
 * ALL_TENANTS) all those in progress on its tenants.
 */
export interface WaitTarget {
  distributionId: string
  id: string
  /** Known when `wait-for` is the `invalidations` output of an earlier step. */
  pathCount?: number
  createTime?: string
}

/**
 * Parse `wait-for`: the `invalidations` output of an earlier step (a JSON array), the text of an
 * `invalidations-file` (the same, with `tenantId`), or lines `DISTRIBUTION/ID` (the `invalidation-list`
 * output), `DISTRIBUTION/*` and `DISTRIBUTION/dt_*`, separated by newlines or commas. Returns the targets
 * without duplicates, or the one-line reason the text is none of these.
 */
export function parseWaitFor(text: string): WaitTarget[] | string {
  const t = text.trim()
  const out: WaitTarget[] = []
  const seen = new Set<string>()
  const add = (w: WaitTarget, allowAll: boolean): string | undefined => {
    if (!DISTRIBUTION_ID.test(w.distributionId) && !TENANT_ID.test(w.distributionId)) {
      return `${JSON.stringify(w.distributionId)} is not a distribution or tenant id`
    }
    const all =
      allowAll &&
      (w.id === ALL_IN_PROGRESS || (w.id === ALL_TENANTS && DISTRIBUTION_ID.test(w.distributionId)))
    if (!all && !INVALIDATION_ID.test(w.id)) {
      return `${JSON.stringify(w.id)} is not an invalidation id${allowAll ? ` (or '*' for everything in progress on the distribution, or ${ALL_TENANTS} after a distribution id for everything in progress on its tenants)` : ''}`
    }
    const key = `${w.distributionId}/${w.id}`
    if (!seen.has(key)) out.push(w)
    seen.add(key)
    return undefined
  }
  if (t.startsWith('[') || t.startsWith('{')) {
    let parsed: unknown
    try {
      parsed = JSON.parse(t)
    } catch {
      return 'is not valid JSON: expected the `invalidations` output of an earlier step, or lines DISTRIBUTION/ID'
    }
    if (!Array.isArray(parsed)) return 'expected a JSON array'
    for (const [i, e] of (parsed as unknown[]).entries()) {
      const o = typeof e === 'object' && e !== null ? (e as Record<string, unknown>) : {}
      if (typeof o.omitted === 'number') {
        // A cut `invalidations` output (thousands of tenants): waiting for part of it would pass early.
        return `lists only part of the invalidations (${o.omitted} were left out of the output to stay within GitHub's limit): give ${voice().option('wait-for')} the 'invalidations-file' output instead, which lists them all`
      }
      // An invalidations-file record names a tenant in `tenantId` (its distribution in `distributionId`).
      const target = typeof o.tenantId === 'string' ? o.tenantId : o.distributionId
      if (typeof target !== 'string' || typeof o.id !== 'string') {
        return `item ${i} has no "distributionId" and "id" strings (expected the \`invalidations\` output, or an invalidations-file whose records may name a tenant in "tenantId")`
      }
      const w: WaitTarget = { distributionId: target, id: o.id }
      if (typeof o.pathCount === 'number') w.pathCount = o.pathCount
      if (typeof o.createTime === 'string') w.createTime = o.createTime
      const problem = add(w, false)
      if (problem) return `item ${i}: ${problem}`
    }
    return out
  }
  for (const line of t
    .split(/[\n,]/)
    .map((l) => l.trim())
    .filter((l) => l !== '')) {
    const [distributionId = '', id = '', extra] = line.split('/')
    if (extra !== undefined || id === '')
      return `${JSON.stringify(line.slice(0, 80))} is not DISTRIBUTION/ID, DISTRIBUTION/* or DISTRIBUTION/dt_* (e.g. E2EXAMPLE0000/I2J0I21PCUYOIK)`
    const problem = add({ distributionId, id }, true)
    if (problem) return `${JSON.stringify(line.slice(0, 80))}: ${problem}`
  }
  return out
}
