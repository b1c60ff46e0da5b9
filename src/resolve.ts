/**
 * Names and prefixes that only CloudFront knows: the distribution behind a domain name (ListDistributions),
 * or, when no distribution has it as an alias, the distribution tenant that has it as a domain
 * (GetDistributionTenantByDomain); and the S3 key prefix each distribution's origin serves
 * (GetDistributionConfig, for `origin-path: auto`). Called only in real runs, right before the first
 * batch is planned.
 */
import type { CloudFrontApi } from './cloudfront/api.js'
import { awsErrorName, explain, isAccessDenied, UnreachableError } from './cloudfront/errors.js'
import { listAllDistributions } from './cloudfront/pages.js'
import { withRetry, type RetryContext } from './cloudfront/retry.js'
import { forInput, InputError } from './errors.js'
import { plural } from './format.js'
import type { Inputs } from './inputs.js'
import type { Io } from './io.js'
import { PathError, type Item } from './paths/encode.js'
import { originPathFor, unservedBuckets, type OriginsView } from './paths/origin-path.js'
import { bucketsIn, outsideWarning, relativePaths, unservedWarning } from './paths/sync-log.js'
import { fileNotesWarnings, filesToItems, newFileNotes } from './paths/url.js'
import type { Sources } from './sources/collect.js'
import { parseTarget, resolveAlias, type DistributionAliases } from './targets.js'
import { voice } from './voice.js'

/**
 * A failed lookup as one line naming the input that asked for it. Throttling and dropped connections
 * were already retried (until `timeout`) like every other call.
 */
function lookupFailed(e: unknown, signal: AbortSignal, input: string, value: string, line: string): never {
  if (signal.aborted || e instanceof UnreachableError) throw e
  throw new Error(forInput(input, value, line), { cause: e })
}

/** What a domain name in `distribution-id` turned out to name. */
export interface Resolved {
  /** The distribution, or the tenant (`dt_…`). */
  id: string
  /** For a tenant: its multi-tenant distribution. */
  parent?: string
}

/** Resolve the domain names among `distribution-id` to ids, or say why a dry run leaves them. */
export async function resolveAliases(
  inputs: Inputs,
  getApi: () => Promise<CloudFrontApi>,
  retry: RetryContext,
  io: Io,
): Promise<Map<string, Resolved>> {
  const names = inputs.distributionIds.filter((n) => {
    const target = parseTarget(n)
    return typeof target !== 'string' && target.kind === 'alias'
  })
  const resolved = new Map<string, Resolved>()
  if (names.length === 0) return resolved
  if (inputs.dryRun) {
    io.notice(
      `Dry run: ${names.join(', ')} not resolved to distribution or tenant ids (that takes ListDistributions and GetDistributionTenantByDomain, AWS calls)`,
    )
    return resolved
  }
  let all: DistributionAliases[]
  try {
    // Retried through throttling and dropped connections, like every other call, until `timeout`.
    all = await listAllDistributions(await getApi(), retry)
  } catch (e) {
    lookupFailed(
      e,
      retry.signal,
      'distribution-id',
      names.join(', '),
      explain(e, 'ListDistributions', names.join(', ')),
    )
  }
  for (const name of names) {
    const found = resolveAlias(name, all)
    if (!('error' in found)) {
      io.info(`${name} -> ${found.id}`)
      resolved.set(name, { id: found.id })
      continue
    }
    if (found.none !== true) throw new InputError('distribution-id', found.error)
    const tenant = await tenantByDomain(name, found.error, await getApi(), retry)
    if (inputs.tenants !== undefined) {
      throw new InputError(
        'tenants',
        `selects tenants of the multi-tenant distributions in ${voice().option('distribution-id')}, and ${name} is the domain of tenant ${tenant.id} itself: name its distribution ${tenant.distributionId} instead, or drop ${voice().option('tenants')}`,
      )
    }
    io.info(`${name} -> ${tenant.id} (a tenant of ${tenant.distributionId})`)
    resolved.set(name, { id: tenant.id, parent: tenant.distributionId })
  }
  return resolved
}

/** The tenant that has `name` as a domain, or an input error saying that nothing does. */
async function tenantByDomain(
  name: string,
  noAlias: string,
  api: CloudFrontApi,
  retry: RetryContext,
): Promise<{ id: string; distributionId: string }> {
  try {
    return await withRetry('GetDistributionTenantByDomain', retry, () =>
      api.getDistributionTenantByDomain(name, retry.signal),
    )
  } catch (e) {
    if (awsErrorName(e) === 'EntityNotFound') {
      throw new InputError('distribution-id', `${noAlias}, and no distribution tenant has the domain ${name}`)
    }
    if (isAccessDenied(e)) {
      throw new InputError(
        'distribution-id',
        `${noAlias}; it may be a distribution tenant's domain, but GetDistributionTenantByDomain was denied: grant cloudfront:GetDistributionTenantByDomain, or name the tenant by its dt_ id`,
      )
    }
    lookupFailed(e, retry.signal, 'distribution-id', name, explain(e, 'GetDistributionTenantByDomain', name))
  }
}

/** `origin-path: auto`: each distribution's sync-log items, with the key prefix its origin serves. */
export async function syncItemsByOrigin(
  inputs: Inputs,
  targets: readonly string[],
  sources: Sources,
  api: CloudFrontApi,
  retry: RetryContext,
  io: Io,
): Promise<Map<string, Item[]>> {
  const changes = sources.pendingSync ?? []
  const buckets = bucketsIn(changes)
  const views: OriginsView[] = []
  const out = new Map<string, Item[]>()
  for (const id of targets) {
    let view: OriginsView
    try {
      view = await withRetry(`GetDistributionConfig ${id}`, retry, () => api.getOriginsView(id, retry.signal))
    } catch (e) {
      lookupFailed(e, retry.signal, 'origin-path', 'auto', explain(e, 'GetDistributionConfig', id))
    }
    views.push(view)
    for (const b of buckets) {
      const warning = originPathFor(b, view)?.warning
      if (warning) io.warning(`${id}: ${warning}`)
    }
    const rel = relativePaths(changes, (b) => originPathFor(b, view)?.originPath)
    if (rel.outside.length > 0) io.warning(`${id}: ${outsideWarning(rel.outside)}`)
    io.info(`${id}: sync-log gives ${plural(rel.paths.length, 'path')} under its origin`)
    const notes = newFileNotes()
    try {
      const url = { prefix: inputs.prefix, indexDocument: inputs.indexDocument }
      out.set(id, filesToItems(rel.paths, url, notes))
    } catch (e) {
      if (e instanceof PathError) throw new InputError('sync-log', e.message)
      throw e
    }
    for (const w of fileNotesWarnings('sync-log', notes)) io.warning(`${id}: ${w}`)
  }
  if ([...out.values()].every((items) => items.length === 0)) {
    sources.empty.push('no sync-log object lies in a bucket and origin path that the distributions serve')
  }
  const unserved = unservedBuckets(buckets, views)
  if (unserved.length > 0) io.warning(unservedWarning(unserved))
  return out
}
