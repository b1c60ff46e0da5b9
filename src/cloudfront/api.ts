/**
 * The seam between our logic and the AWS SDK. The scheduler and waiter speak `CloudFrontApi`; `connect()`
 * builds the one real implementation over a CloudFrontClient. The SDK is imported only here and only when
 * `connect()` runs, so a dry run or an input error never pays the ~100 ms it costs to load.
 */

import type { Agent } from 'node:http'
import { formatDuration } from '../duration.js'
import { connectionErrorCode, httpStatus, UnreachableError } from './errors.js'
import { MAX_PAGE_ITEMS } from './pages.js'
import { governed, type RateGovernor } from './rate.js'
import { originsView, type OriginsView } from '../paths/origin-path.js'
import { isTenant, type DistributionAliases } from '../targets.js'

/** An invalidation as the action tracks it. */
export interface InvalidationInfo {
  id: string
  status: string
  createTime: Date
  /** The batch's paths, when the answer carried them (create and get do, list does not). */
  paths?: string[]
  /** The batch's CallerReference, when the answer carried it (create and get do). */
  callerReference?: string
}

/** One page of a CloudFront list; `nextMarker` is present when there is more. */
export interface Page<T> {
  items: T[]
  nextMarker?: string
}

/** A distribution as ListDistributions describes it: what a user needs to pick the id to pass. */
export interface DistributionInfo extends DistributionAliases {
  /** `d111111abcdef8.cloudfront.net`. */
  domainName: string
  /** A multi-tenant distribution (ConnectionMode `tenant-only`): invalidate its tenants (`dt_…`). */
  multiTenant: boolean
  /** `Deployed` or `InProgress` (its configuration, not an invalidation). */
  status: string
  enabled: boolean
  comment: string
}

/** A distribution tenant as ListDistributionTenants and GetDistributionTenantByDomain describe it. */
export interface TenantInfo {
  /** `dt_…`. */
  id: string
  /** The multi-tenant distribution it belongs to. */
  distributionId: string
  name: string
  domains: string[]
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
  /** One page of the distribution's invalidations, newest first (`maxItems` 1–100, default 100). */
  listInvalidations(
    distributionId: string,
    marker: string | undefined,
    signal: AbortSignal,
    maxItems?: number,
  ): Promise<Page<InvalidationInfo>>
  /** The distribution's origins and default behaviour (for `origin-path: auto`). */
  getOriginsView(distributionId: string, signal: AbortSignal): Promise<OriginsView>
  /** One page of the account's distributions (100 a page); see {@link listAllDistributions}. */
  listDistributions(marker: string | undefined, signal: AbortSignal): Promise<Page<DistributionInfo>>
  /**
   * The domain name viewers reach a target at (for `verify`): a distribution's own (GetDistribution,
   * `d111111abcdef8.cloudfront.net`), or a tenant's first active domain (GetDistributionTenant);
   * undefined when a tenant has none.
   */
  getViewerDomain(target: string, signal: AbortSignal): Promise<string | undefined>
  /** One page of a multi-tenant distribution's tenants (ListDistributionTenants, its distribution filter). */
  listDistributionTenants(
    distributionId: string,
    marker: string | undefined,
    signal: AbortSignal,
  ): Promise<Page<TenantInfo>>
  /** The tenant a domain belongs to (GetDistributionTenantByDomain); EntityNotFound when none. */
  getDistributionTenantByDomain(domain: string, signal: AbortSignal): Promise<TenantInfo>
  /** The distribution's ConnectionMode (GetDistribution): `direct`, or `tenant-only` for a multi-tenant one. */
  getConnectionMode(distributionId: string, signal: AbortSignal): Promise<string>
}

export interface ConnectOptions {
  region: string
  /** Appended to the SDK's user agent, so AWS-side logs show which tool made the call. */
  userAgent: string
  /** A named profile of ~/.aws/config for credentials (the CLI's --profile); default the SDK's chain. */
  profile?: string
  /**
   * The step's timeout: connection errors while no call of this run has reached CloudFront declare the
   * endpoint unreachable after a quarter of it or UNREACHABLE_AFTER_MS, whichever is shorter, so the
   * step ends naming the endpoint rather than the deadline.
   */
  timeoutMs?: number
  /** Paces every request, SDK retries included, and caps those in flight (see rate.ts). */
  governor?: RateGovernor
  /** The SDK's retry mode (default `standard`); bench/tenants.ts measures `adaptive` against the governor. */
  retryMode?: 'standard' | 'adaptive'
}

/**
 * Connection errors while CloudFront has never answered in this run are not a transient burst: a wrong
 * AWS_ENDPOINT_URL_CLOUDFRONT, a proxy that refuses, or DNS. Retrying them until `timeout` (15 min by
 * default) only hides the cause, so after this long the run stops with one line naming the endpoint.
 * 45 s leaves our backoff (1, 2, 4, 8, 16 s …) about six tries: the step fails within about a minute.
 */
export const UNREACHABLE_AFTER_MS = 45_000

/**
 * Whether CloudFront has answered once in this run, and since when it has been unreachable if not.
 * Once anything answered (even with an error), connection errors are drops, retried until `timeout`.
 */
export class Reachability {
  private answered = false
  private failingSince: number | undefined

  constructor(
    /** The endpoint as people should read it: host (and proxy host), never credentials. */
    private readonly where: string,
    private readonly afterMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Run one API call; throws UnreachableError instead of its error once the endpoint is deemed unreachable. */
  async call<T>(fn: () => Promise<T>): Promise<T> {
    try {
      const result = await fn()
      this.answered = true
      return result
    } catch (e) {
      const code = connectionErrorCode(e)
      if (code === undefined) {
        if (httpStatus(e) !== undefined) this.answered = true // an HTTP answer: the endpoint was reached
        throw e
      }
      if (this.answered) throw e
      const now = this.now()
      this.failingSince ??= now
      if (now - this.failingSince < this.afterMs) throw e
      throw new UnreachableError(
        `Cannot reach CloudFront at ${this.where}: ${code} for ${formatDuration(now - this.failingSince)}, and no CloudFront call has succeeded in this run. Check AWS_ENDPOINT_URL_CLOUDFRONT / AWS_ENDPOINT_URL, the proxy settings (HTTPS_PROXY, NO_PROXY) and DNS.`,
        { cause: e },
      )
    }
  }
}

/** The fields we read from the SDK's Invalidation and InvalidationSummary shapes. */
interface SdkInvalidation {
  Id?: string | undefined
  Status?: string | undefined
  CreateTime?: Date | undefined
  InvalidationBatch?:
    { Paths?: { Items?: string[] | undefined } | undefined; CallerReference?: string | undefined } | undefined
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
  const callerReference = inv.InvalidationBatch?.CallerReference
  if (callerReference !== undefined) info.callerReference = callerReference
  return info
}

/** Longest a single API request may take before it is abandoned and retried. */
const REQUEST_TIMEOUT_MS = 30_000

/** Longest wait for a connection to open (a black-holed endpoint or proxy). */
const CONNECTION_TIMEOUT_MS = 10_000

/** The fields we read from the SDK's DistributionTenant and DistributionTenantSummary shapes. */
interface SdkTenant {
  Id?: string | undefined
  DistributionId?: string | undefined
  Name?: string | undefined
  Domains?: { Domain?: string | undefined }[] | undefined
}

function toTenant(t: SdkTenant | undefined): TenantInfo {
  if (t?.Id === undefined) throw new Error('CloudFront answered without a distribution tenant id')
  return {
    id: t.Id,
    distributionId: t.DistributionId ?? '',
    name: t.Name ?? '',
    domains: (t.Domains ?? []).flatMap((d) => (d.Domain === undefined ? [] : [d.Domain])),
  }
}

/**
 * The agent for CloudFront requests: through HTTPS_PROXY / HTTP_PROXY unless NO_PROXY (or a loopback
 * address) says otherwise, by the same rules @actions/http-client applies for the runner. The SDK ignores
 * those variables unless handed an agent, and needs a real `http.Agent` (it rebuilds anything else as
 * options), so the tunnel is https-proxy-agent's CONNECT agent, which serves http: and https: targets.
 */
async function agentFor(
  endpoint: string,
): Promise<{ agents: { httpAgent?: Agent; httpsAgent?: Agent }; proxyHost?: string }> {
  // The `lib/proxy` entry, not the package's main one: that also loads undici, which the SDK never uses
  // (~30 ms more on a one-path run, measured with bench/spine.ts).
  const { getProxyUrl } = await import('@actions/http-client/lib/proxy')
  // undefined = no proxy for this URL (unset, NO_PROXY, or loopback)
  const proxy = getProxyUrl(new URL(endpoint))
  if (proxy === undefined) return { agents: {} }
  const { HttpsProxyAgent } = await import('https-proxy-agent')
  const agent = new HttpsProxyAgent(proxy.href, { keepAlive: true })
  return {
    agents: endpoint.startsWith('https:') ? { httpsAgent: agent } : { httpAgent: agent },
    proxyHost: proxy.host, // host:port only: a proxy URL may carry credentials
  }
}

/** The endpoint for an unreachable-endpoint line: its host, where it came from, and the proxy if any. */
function describeEndpoint(endpoint: string, proxyHost: string | undefined): string {
  let host: string
  try {
    host = new URL(endpoint).host
  } catch {
    host = 'an endpoint that is not a URL'
  }
  const from = process.env.AWS_ENDPOINT_URL_CLOUDFRONT
    ? ' (AWS_ENDPOINT_URL_CLOUDFRONT)'
    : process.env.AWS_ENDPOINT_URL
      ? ' (AWS_ENDPOINT_URL)'
      : ''
  return `${host}${from}${proxyHost === undefined ? '' : ` through the proxy ${proxyHost}`}`
}

/** Load the SDK and build the client (endpoint and credentials come from the SDK's own chain). */
export async function connect(options: ConnectOptions): Promise<CloudFrontApi> {
  const sdk = await import('./sdk.js')
  const endpoint =
    process.env.AWS_ENDPOINT_URL_CLOUDFRONT ||
    process.env.AWS_ENDPOINT_URL ||
    'https://cloudfront.amazonaws.com'
  const { agents, proxyHost } = await agentFor(endpoint)
  const reach = new Reachability(
    describeEndpoint(endpoint, proxyHost),
    Math.min(UNREACHABLE_AFTER_MS, (options.timeoutMs ?? Infinity) / 4),
  )
  const client = new sdk.CloudFrontClient({
    region: options.region,
    customUserAgent: options.userAgent,
    ...(options.profile === undefined ? {} : { profile: options.profile }),
    ...(options.retryMode === undefined ? {} : { retryMode: options.retryMode }),
    // A request that hangs is treated like a dropped connection and retried (the SDK only logs a
    // warning on requestTimeout unless told to throw), rather than eating the whole step's timeout.
    // A connection that cannot even be opened (a black-holed endpoint) gives up sooner.
    requestHandler: {
      requestTimeout: REQUEST_TIMEOUT_MS,
      connectionTimeout: CONNECTION_TIMEOUT_MS,
      throwOnRequestTimeout: true,
      ...agents,
    },
  })
  if (options.governor !== undefined) {
    client.middlewareStack.addRelativeTo(governed(options.governor) as never, {
      relation: 'before',
      toMiddleware: 'httpSigningMiddleware',
      name: 'cfiRateGovernor',
      override: true,
    })
  }
  const batch = (callerReference: string, paths: readonly string[]) => ({
    CallerReference: callerReference,
    Paths: { Quantity: paths.length, Items: [...paths] },
  })
  const list = <S, T>(
    l:
      | { Items?: S[] | undefined; IsTruncated?: boolean | undefined; NextMarker?: string | undefined }
      | undefined,
    map: (item: S) => T | undefined,
  ): Page<T> => {
    const items: T[] = []
    for (const item of l?.Items ?? []) {
      const mapped = map(item)
      if (mapped !== undefined) items.push(mapped)
    }
    return l?.IsTruncated === true && l.NextMarker ? { items, nextMarker: l.NextMarker } : { items }
  }
  // Distribution tenants (dt_…) have calls of their own with the same shapes.
  const api: CloudFrontApi = {
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
    async listInvalidations(target, marker, signal, maxItems = MAX_PAGE_ITEMS) {
      const page = { MaxItems: maxItems, ...(marker === undefined ? {} : { Marker: marker }) }
      const out = isTenant(target)
        ? await client.send(new sdk.ListInvalidationsForDistributionTenantCommand({ Id: target, ...page }), {
            abortSignal: signal,
          })
        : await client.send(new sdk.ListInvalidationsCommand({ DistributionId: target, ...page }), {
            abortSignal: signal,
          })
      return list(out.InvalidationList, toInfo)
    },
    async getOriginsView(distributionId, signal) {
      const out = await client.send(new sdk.GetDistributionConfigCommand({ Id: distributionId }), {
        abortSignal: signal,
      })
      if (out.DistributionConfig === undefined)
        throw new Error(`${distributionId}: CloudFront answered without a config`)
      return originsView(out.DistributionConfig)
    },
    async listDistributions(marker, signal) {
      const out = await client.send(
        new sdk.ListDistributionsCommand({
          MaxItems: MAX_PAGE_ITEMS,
          ...(marker === undefined ? {} : { Marker: marker }),
        }),
        { abortSignal: signal },
      )
      return list(out.DistributionList, (d) =>
        d.Id === undefined
          ? undefined
          : {
              id: d.Id,
              domainName: d.DomainName ?? '',
              aliases: d.Aliases?.Items ?? [],
              multiTenant: d.ConnectionMode === 'tenant-only',
              status: d.Status ?? '',
              enabled: d.Enabled ?? false,
              comment: d.Comment ?? '',
            },
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
    async listDistributionTenants(distributionId, marker, signal) {
      const out = await client.send(
        new sdk.ListDistributionTenantsCommand({
          AssociationFilter: { DistributionId: distributionId },
          MaxItems: MAX_PAGE_ITEMS,
          ...(marker === undefined ? {} : { Marker: marker }),
        }),
        { abortSignal: signal },
      )
      const items = (out.DistributionTenantList ?? []).map(toTenant)
      return out.NextMarker ? { items, nextMarker: out.NextMarker } : { items }
    },
    async getDistributionTenantByDomain(domain, signal) {
      const out = await client.send(new sdk.GetDistributionTenantByDomainCommand({ Domain: domain }), {
        abortSignal: signal,
      })
      return toTenant(out.DistributionTenant)
    },
    async getConnectionMode(distributionId, signal) {
      const out = await client.send(new sdk.GetDistributionCommand({ Id: distributionId }), {
        abortSignal: signal,
      })
      return out.Distribution?.DistributionConfig?.ConnectionMode ?? 'direct'
    },
  }
  // Every call goes through `reach`, which learns whether CloudFront has ever answered.
  return {
    createInvalidation: (...a) => reach.call(() => api.createInvalidation(...a)),
    getInvalidation: (...a) => reach.call(() => api.getInvalidation(...a)),
    listInvalidations: (...a) => reach.call(() => api.listInvalidations(...a)),
    getOriginsView: (...a) => reach.call(() => api.getOriginsView(...a)),
    listDistributions: (...a) => reach.call(() => api.listDistributions(...a)),
    getViewerDomain: (...a) => reach.call(() => api.getViewerDomain(...a)),
    listDistributionTenants: (...a) => reach.call(() => api.listDistributionTenants(...a)),
    getDistributionTenantByDomain: (...a) => reach.call(() => api.getDistributionTenantByDomain(...a)),
    getConnectionMode: (...a) => reach.call(() => api.getConnectionMode(...a)),
  }
}
