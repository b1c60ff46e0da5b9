/**
 * What the read-only commands take as TARGET: a distribution id, a tenant id (`dt_…`), or a domain name,
 * which one ListDistributions walk resolves to its distribution, or failing that
 * GetDistributionTenantByDomain to its tenant (as `distribution-id` does).
 */
import type { CloudFrontApi } from '../cloudfront/api.js'
import { awsErrorName, explained } from '../cloudfront/errors.js'
import { listAllDistributions } from '../cloudfront/pages.js'
import { withRetry } from '../cloudfront/retry.js'
import { ALL_IN_PROGRESS, ALL_TENANTS, INVALIDATION_ID, parseTarget, resolveAlias } from '../targets.js'
import { UsageError } from './args.js'
import type { Session } from './session.js'

export interface ResolvedTarget {
  /** The distribution or tenant id the calls are made for. */
  id: string
  /** The domain name it was given as, if it was one. */
  alias?: string
}

/** Check TARGET's form before any AWS call (a usage error otherwise). */
export function checkTarget(text: string): void {
  const target = parseTarget(text)
  if (typeof target === 'string') throw new UsageError(`TARGET ${target}`)
}

/** TARGET as an id: ids as they are, a domain name through ListDistributions. */
export async function resolveTarget(text: string, session: Session): Promise<ResolvedTarget> {
  const target = parseTarget(text)
  if (typeof target === 'string') throw new UsageError(`TARGET ${target}`)
  if (target.kind !== 'alias') return { id: target.name }
  const api = await session.connect()
  let all
  try {
    all = await listAllDistributions(api, session.retry)
  } catch (e) {
    if (session.signal.aborted) throw e
    throw explained(e, 'ListDistributions', target.name)
  }
  const found = resolveAlias(target.name, all)
  if ('error' in found) {
    // No alias at all: it may be a distribution tenant's domain (as `distribution-id` resolves it).
    if (found.none !== true) throw new Error(found.error)
    const tenant = await tenantByDomain(api, target.name, found.error, session)
    if (session.verbose) session.term.say(`${target.name} -> ${tenant} (a distribution tenant)`)
    return { id: tenant, alias: target.name }
  }
  if (session.verbose) session.term.say(`${target.name} -> ${found.id}`)
  return { id: found.id, alias: target.name }
}

/** The tenant that has `name` as a domain (GetDistributionTenantByDomain), or why none can be named. */
async function tenantByDomain(
  api: CloudFrontApi,
  name: string,
  noAlias: string,
  session: Session,
): Promise<string> {
  try {
    const tenant = await withRetry('GetDistributionTenantByDomain', session.retry, () =>
      api.getDistributionTenantByDomain(name, session.signal),
    )
    return tenant.id
  } catch (e) {
    if (session.signal.aborted) throw e
    if (awsErrorName(e) === 'EntityNotFound') {
      throw new Error(`${noAlias}, and no distribution tenant has the domain ${name}`, { cause: e })
    }
    throw explained(e, 'GetDistributionTenantByDomain', name)
  }
}

/**
 * `TARGET/ID`, or `TARGET ID` as two arguments. With `allowAll`, the ID may be `*`: everything in progress
 * on TARGET (as `wait-for` takes `DISTRIBUTION/*`), or `dt_*`: everything in progress on its tenants.
 */
export function splitInvalidation(
  args: readonly string[],
  usage: string,
  allowAll = false,
): { target: string; id: string } {
  const [first = '', second, ...extra] = args
  if (first === '' || extra.length > 0 || (second !== undefined && first.includes('/'))) {
    throw new UsageError(`expected ${usage}`)
  }
  if (second !== undefined) return { target: first, id: checkInvalidationId(second, allowAll) }
  const slash = first.lastIndexOf('/')
  if (slash === -1) throw new UsageError(`expected ${usage}: ${JSON.stringify(first)} names no invalidation`)
  return { target: first.slice(0, slash), id: checkInvalidationId(first.slice(slash + 1), allowAll) }
}

/** An invalidation id as CloudFront issues them (I2J0I21PCUYOIK), or with `allowAll` `*` or `dt_*`. */
function checkInvalidationId(id: string, allowAll: boolean): string {
  if (allowAll && (id === ALL_IN_PROGRESS || id === ALL_TENANTS)) return id
  if (!INVALIDATION_ID.test(id)) {
    throw new UsageError(
      `${JSON.stringify(id.slice(0, 80))} is not an invalidation id (e.g. I2J0I21PCUYOIK${allowAll ? `, or '*' for everything in progress there, or ${ALL_TENANTS} for everything in progress on a distribution's tenants` : ''})`,
    )
  }
  return id
}
