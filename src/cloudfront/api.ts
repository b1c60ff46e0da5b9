/**
 * The seam between our logic and the AWS SDK. The scheduler and waiter speak `CloudFrontApi`; `connect()`
 * builds the one real implementation over a CloudFrontClient. The SDK is imported only here and only when
 * `connect()` runs, so a dry run or an input error never pays the ~100 ms it costs to load.
 */

import type { Agent } from 'node:http'
import { originsView, type OriginsView } from '../paths/origin-path.js'
import { isTenant, type DistributionAliases } from '../targets.js'

/** An invalidation as the action tracks it. */
export interface InvalidationInfo {
  id: string
  status: string
  createTime: Date
  /** The batch's paths, when the answer carried them (create and get do, list does not). */
  paths?: string[]
}

/** The CloudFront calls the action makes. Each may throw SDK errors; callers classify them. */
export interface CloudFrontApi {
  createInvalidation(
    distributionId: string,
    callerReference: string,
    paths: readonly string[],
    signal: AbortSignal,
  ): Promise<InvalidationInfo>
  getInvalidation(distributionId: string, id: string, signal: AbortSignal): Promise<InvalidationInfo>
  /** One page of the distribution's invalidations, newest first. */
  listInvalidations(
    distributionId: string,
    marker: string | undefined,
    signal: AbortSignal,
  ): Promise<{ items: InvalidationInfo[]; nextMarker?: string }>
  /** The distribution's origins and default behaviour (for `origin-path: auto`). */
  getOriginsView(distributionId: string, signal: AbortSignal): Promise<OriginsView>
  /** Every distribution of the account with its aliases, all pages (to resolve a domain name). */
  listDistributionAliases(signal: AbortSignal): Promise<DistributionAliases[]>
  /**
   * The domain name viewers reach a target at (for `verify`): a distribution's own (GetDistribution,
   * `d111111abcdef8.cloudfront.net`), or a tenant's first active domain (GetDistributionTenant);
   * undefined when a tenant has none.
   */
  getViewerDomain(target: string, signal: AbortSignal): Promise<string | undefined>
}

export interface ConnectOptions {
  region: string
  /** Appended to the SDK's user agent, so AWS-side logs show which tool made the call. */
  userAgent: string
}

/** The fields we read from the SDK's Invalidation and InvalidationSummary shapes. */
interface SdkInvalidation {
  Id?: string | undefined
  Status?: string | undefined
  CreateTime?: Date | undefined
  InvalidationBatch?: { Paths?: { Items?: string[] | undefined } | undefined } | undefined
}

function toInfo(inv: SdkInvalidation | undefined): InvalidationInfo {
  if (inv?.Id === undefined) throw new Error('CloudFront answered without an invalidation id')
  const info: InvalidationInfo = {
    id: inv.Id,
    status: inv.Status ?? 'Unknown',
    createTime: inv.CreateTime ?? new Date(),
  }
  const paths = inv.InvalidationBatch?.Paths?.Items
  if (paths !== undefined) info.paths = paths
  return info
}

/** Longest a single API request may take before it is abandoned and retried. */
const REQUEST_TIMEOUT_MS = 30_000

/** Pages of ListDistributions read at most when resolving aliases (100 distributions a page). */
const MAX_DISTRIBUTION_PAGES = 100

/**
 * The agent for CloudFront requests: through HTTPS_PROXY / HTTP_PROXY unless NO_PROXY (or a loopback
 * address) says otherwise, by the same rules @actions/http-client applies for the runner. The SDK ignores
 * those variables unless handed an agent, and needs a real `http.Agent` (it rebuilds anything else as
 * options), so the tunnel is https-proxy-agent's CONNECT agent, which serves http: and https: targets.
 */
async function agentFor(endpoint: string): Promise<{ httpAgent?: Agent; httpsAgent?: Agent }> {
  // The `lib/proxy` entry, not the package's main one: that also loads undici, which the SDK never uses
  // (~30 ms more on a one-path run, measured with bench/spine.ts).
  const { getProxyUrl } = await import('@actions/http-client/lib/proxy')
  // undefined = no proxy for this URL (unset, NO_PROXY, or loopback)
  const proxy = getProxyUrl(new URL(endpoint))?.href
  if (proxy === undefined) return {}
  const { HttpsProxyAgent } = await import('https-proxy-agent')
  const agent = new HttpsProxyAgent(proxy, { keepAlive: true })
  return endpoint.startsWith('https:') ? { httpsAgent: agent } : { httpAgent: agent }
}

/** Load the SDK and build the client (endpoint and credentials come from the SDK's own chain). */
export async function connect(options: ConnectOptions): Promise<CloudFrontApi> {
  const sdk = await import('./sdk.js')
  const endpoint =
    process.env.AWS_ENDPOINT_URL_CLOUDFRONT ||
    process.env.AWS_ENDPOINT_URL ||
    'https://cloudfront.amazonaws.com'
  const client = new sdk.CloudFrontClient({
    region: options.region,
    customUserAgent: options.userAgent,
    // A request that hangs is treated like a dropped connection and retried (the SDK only logs a
    // warning on requestTimeout unless told to throw), rather than eating the whole step's timeout.
    requestHandler: {
      requestTimeout: REQUEST_TIMEOUT_MS,
      throwOnRequestTimeout: true,
      ...(await agentFor(endpoint)),
    },
  })
  const batch = (callerReference: string, paths: readonly string[]) => ({
    CallerReference: callerReference,
    Paths: { Quantity: paths.length, Items: [...paths] },
  })
  const list = (
    l:
      | {
          Items?: SdkInvalidation[] | undefined
          IsTruncated?: boolean | undefined
          NextMarker?: string | undefined
        }
      | undefined,
  ) => {
    const items = (l?.Items ?? []).map((i) => toInfo(i))
    return l?.IsTruncated === true && l.NextMarker ? { items, nextMarker: l.NextMarker } : { items }
  }
  // Distribution tenants (dt_…) have calls of their own with the same shapes.
  return {
    async createInvalidation(target, callerReference, paths, signal) {
      const out = isTenant(target)
        ? await client.send(
            new sdk.CreateInvalidationForDistributionTenantCommand({
              Id: target,
              InvalidationBatch: batch(callerReference, paths),
            }),
            { abortSignal: signal },
          )
        : await client.send(
            new sdk.CreateInvalidationCommand({
              DistributionId: target,
              InvalidationBatch: batch(callerReference, paths),
            }),
            { abortSignal: signal },
          )
      return toInfo(out.Invalidation)
    },
    async getInvalidation(target, id, signal) {
      const out = isTenant(target)
        ? await client.send(
            new sdk.GetInvalidationForDistributionTenantCommand({ DistributionTenantId: target, Id: id }),
            {
              abortSignal: signal,
            },
          )
        : await client.send(new sdk.GetInvalidationCommand({ DistributionId: target, Id: id }), {
            abortSignal: signal,
          })
      return toInfo(out.Invalidation)
    },
    async listInvalidations(target, marker, signal) {
      const page = { MaxItems: 100, ...(marker === undefined ? {} : { Marker: marker }) }
      const out = isTenant(target)
        ? await client.send(new sdk.ListInvalidationsForDistributionTenantCommand({ Id: target, ...page }), {
            abortSignal: signal,
          })
        : await client.send(new sdk.ListInvalidationsCommand({ DistributionId: target, ...page }), {
            abortSignal: signal,
          })
      return list(out.InvalidationList)
    },
    async getOriginsView(distributionId, signal) {
      const out = await client.send(new sdk.GetDistributionConfigCommand({ Id: distributionId }), {
        abortSignal: signal,
      })
      if (out.DistributionConfig === undefined)
        throw new Error(`${distributionId}: CloudFront answered without a config`)
      return originsView(out.DistributionConfig)
    },
    async listDistributionAliases(signal) {
      const found: DistributionAliases[] = []
      let marker: string | undefined
      for (let page = 0; page < MAX_DISTRIBUTION_PAGES; page++) {
        const out = await client.send(
          new sdk.ListDistributionsCommand({
            MaxItems: 100,
            ...(marker === undefined ? {} : { Marker: marker }),
          }),
          { abortSignal: signal },
        )
        const l = out.DistributionList
        for (const d of l?.Items ?? []) if (d.Id) found.push({ id: d.Id, aliases: d.Aliases?.Items ?? [] })
        if (l?.IsTruncated !== true || !l.NextMarker) return found
        marker = l.NextMarker
      }
      throw new Error(
        `ListDistributions: more than ${MAX_DISTRIBUTION_PAGES * 100} distributions; name the distribution by its id`,
      )
    },
    async getViewerDomain(target, signal) {
      if (isTenant(target)) {
        const out = await client.send(new sdk.GetDistributionTenantCommand({ Identifier: target }), {
          abortSignal: signal,
        })
        return out.DistributionTenant?.Domains?.find((d) => d.Status === 'active')?.Domain
      }
      const out = await client.send(new sdk.GetDistributionCommand({ Id: target }), { abortSignal: signal })
      return out.Distribution?.DomainName
    },
  }
}
