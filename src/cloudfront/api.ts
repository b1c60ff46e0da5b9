/**
 * The seam between our logic and the AWS SDK. The scheduler and waiter speak `CloudFrontApi`; `connect()`
 * builds the one real implementation over a CloudFrontClient. The SDK is imported only here and only when
 * `connect()` runs, so a dry run or an input error never pays the ~100 ms it costs to load.
 */

import { originsView, type OriginsView } from '../paths/origin-path.js'

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

/** Load the SDK and build the client (endpoint and credentials come from the SDK's own chain). */
export async function connect(options: ConnectOptions): Promise<CloudFrontApi> {
  const sdk = await import('./sdk.js')
  const client = new sdk.CloudFrontClient({
    region: options.region,
    customUserAgent: options.userAgent,
    // A request that hangs is treated like a dropped connection and retried (the SDK only logs a
    // warning on requestTimeout unless told to throw), rather than eating the whole step's timeout.
    requestHandler: { requestTimeout: REQUEST_TIMEOUT_MS, throwOnRequestTimeout: true },
  })
  return {
    async createInvalidation(distributionId, callerReference, paths, signal) {
      const out = await client.send(
        new sdk.CreateInvalidationCommand({
          DistributionId: distributionId,
          InvalidationBatch: {
            CallerReference: callerReference,
            Paths: { Quantity: paths.length, Items: [...paths] },
          },
        }),
        { abortSignal: signal },
      )
      return toInfo(out.Invalidation)
    },
    async getInvalidation(distributionId, id, signal) {
      const out = await client.send(
        new sdk.GetInvalidationCommand({ DistributionId: distributionId, Id: id }),
        {
          abortSignal: signal,
        },
      )
      return toInfo(out.Invalidation)
    },
    async listInvalidations(distributionId, marker, signal) {
      const out = await client.send(
        new sdk.ListInvalidationsCommand({
          DistributionId: distributionId,
          MaxItems: 100,
          ...(marker === undefined ? {} : { Marker: marker }),
        }),
        { abortSignal: signal },
      )
      const list = out.InvalidationList
      const items = (list?.Items ?? []).map((s) => toInfo(s))
      return list?.IsTruncated === true && list.NextMarker
        ? { items, nextMarker: list.NextMarker }
        : { items }
    },
    async getOriginsView(distributionId, signal) {
      const out = await client.send(new sdk.GetDistributionConfigCommand({ Id: distributionId }), {
        abortSignal: signal,
      })
      if (out.DistributionConfig === undefined)
        throw new Error(`${distributionId}: CloudFront answered without a config`)
      return originsView(out.DistributionConfig)
    },
  }
}
