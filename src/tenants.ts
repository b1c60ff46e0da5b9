/**
 * `tenants`: which distribution tenants of the multi-tenant distributions in `distribution-id` a run
 * invalidates. Listing is ListDistributionTenants with the distribution filter, every page; selection is
 * pure (`selectTenants`), so its table of patterns is tested without AWS.
 */
import type { CloudFrontApi, InvalidationInfo, TenantInfo } from './cloudfront/api.js'
import { explained } from './cloudfront/errors.js'
import { inProgressForGate, MAX_PAGE_ITEMS, walkPages } from './cloudfront/pages.js'
import { withRetry, type RetryContext } from './cloudfront/retry.js'
import { InputError, quote } from './errors.js'
import type { Reading } from './report/state.js'
import { ALL_TENANTS } from './targets.js'
import { voice } from './voice.js'

/** Which tenants `tenants` selects. */
export type TenantSelection = { all: true } | { all: false; patterns: string[] }

/** A tenant pattern: what names, domains and ids are made of, with `*` and `?` as wildcards. */
const TENANT_PATTERN = /^[A-Za-z0-9._*?-]{1,253}$/

/** Parse `tenants` (inputs.ts reads it): '' (none), `all`, or newline-separated patterns, deduplicated. */
export function parseTenants(text: string): TenantSelection | undefined {
  const lines = [
    ...new Set(
      text
        .split(/\r?\n/)
        .map((l) => l.trim())
        .filter((l) => l !== ''),
    ),
  ]
  if (lines.length === 0) return undefined
  if (lines.some((l) => l.toLowerCase() === 'all')) {
    if (lines.length > 1) {
      throw new InputError(
        'tenants',
        "'all' selects every tenant: give it alone, or give patterns without it",
      )
    }
    return { all: true }
  }
  for (const p of lines) {
    if (!TENANT_PATTERN.test(p)) {
      throw new InputError(
        'tenants',
        `${quote(p)} is not a tenant pattern: use 'all', or one pattern per line of letters, digits, '.', '-', '_' with * and ? as wildcards, matched against tenant names, domains and ids (e.g. acme-*, *.shops.example.com)`,
      )
    }
  }
  return { all: false, patterns: lines }
}

/**
 * Pages of ListDistributionTenants read at most per distribution (100 tenants a page): 100,000 tenants,
 * ten times CloudFront's default quota of tenants per distribution.
 */
const MAX_TENANT_PAGES = 1000

/**
 * A pattern as a case-insensitive regular expression over a whole name: `*` any run of characters (dots
 * included, so `*.shops.example.com` also takes `a.b.shops.example.com`), `?` one character.
 */
export function tenantPattern(pattern: string): RegExp {
  const body = pattern
    .split('')
    .map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.\\^$+()[\]{}|-]/g, '\\$&')))
    .join('')
  return new RegExp(`^${body}$`, 'i')
}

/** The tenants a selection takes (in listing order), and the patterns that matched none of them. */
export function selectTenants(
  tenants: readonly TenantInfo[],
  selection: TenantSelection,
): { selected: TenantInfo[]; unmatched: string[] } {
  if (selection.all) return { selected: [...tenants], unmatched: [] }
  const patterns = selection.patterns.map((p) => ({ p, re: tenantPattern(p), hits: 0 }))
  const selected = tenants.filter((t) => {
    let taken = false
    for (const pat of patterns) {
      if (pat.re.test(t.name) || pat.re.test(t.id) || t.domains.some((d) => pat.re.test(d))) {
        pat.hits++
        taken = true
      }
    }
    return taken
  })
  return { selected, unmatched: patterns.filter((p) => p.hits === 0).map((p) => p.p) }
}

/**
 * Every tenant of one multi-tenant distribution, all pages, each call retried like any other; `reading`
 * counts those listed so far (for progress lines: 100,000 tenants are 1,000 pages).
 */
export async function listTenants(
  api: CloudFrontApi,
  distributionId: string,
  retry: RetryContext,
  reading?: Reading,
): Promise<TenantInfo[]> {
  const found: TenantInfo[] = []
  let complete: boolean
  try {
    complete = await walkPages(
      (marker) =>
        withRetry(`ListDistributionTenants ${distributionId}`, retry, () =>
          api.listDistributionTenants(distributionId, marker, retry.signal),
        ),
      ({ items }) => {
        found.push(...items)
        if (reading !== undefined) reading.done = found.length
      },
      MAX_TENANT_PAGES,
    )
  } catch (e) {
    if (retry.signal.aborted) throw e
    throw explained(e, 'ListDistributionTenants', distributionId)
  }
  if (complete) return found
  throw new Error(
    `${distributionId}: more than ${MAX_TENANT_PAGES * MAX_PAGE_ITEMS} tenants listed; select them with patterns in ${voice().option('tenants')} over several steps`,
  )
}

/**
 * Everything in progress on every tenant of a distribution (`wait-for: DIST/dt_*`): its tenants, then
 * each tenant's invalidations as a `DIST/*` line reads them (newest first, until a page holds nothing in
 * progress). A request or two per tenant, paced like every other call: minutes at 10,000 tenants, so
 * `reading` says how far it got, for progress lines. Throws (explained) when any tenant cannot be
 * listed: a gate that might miss one must not pass.
 */
export async function inProgressOnTenants(
  api: CloudFrontApi,
  distributionId: string,
  retry: RetryContext,
  maxPages: number,
  reading?: Reading,
): Promise<{ tenant: string; invalidation: InvalidationInfo }[]> {
  const tenants = await listTenants(api, distributionId, retry, reading)
  const found: { tenant: string; invalidation: InvalidationInfo }[] = []
  // The tenants are listed: now what is in progress on each, timed from here.
  if (reading !== undefined) {
    Object.assign(reading, {
      what: `reading what is in progress on the tenants of ${distributionId}`,
      done: 0,
      total: tenants.length,
      found: 0,
      startedAt: retry.clock.now(),
    })
  }
  await Promise.all(
    tenants.map(async (t) => {
      const running = await inProgressForGate(
        api,
        t.id,
        retry,
        maxPages,
        `${distributionId}/${ALL_TENANTS}`,
        `give ${voice().option('wait-for')} the invalidations-file`,
      )
      for (const invalidation of running) found.push({ tenant: t.id, invalidation })
      if (reading !== undefined) Object.assign(reading, { done: reading.done + 1, found: found.length })
    }),
  )
  return found
}
