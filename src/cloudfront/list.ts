/**
 * What is in progress on one distribution or tenant, from ListInvalidations. The scheduler counts it
 * against the quotas; a `wait-for: DIST/*` gate waits for it.
 */
import type { CloudFrontApi, InvalidationInfo } from './api.js'
import { withRetry, type RetryContext } from './retry.js'

/** The invalidations not yet Completed, newest first, and whether the listing reached its end. */
export interface InProgress {
  items: InvalidationInfo[]
  /**
   * False when `maxPages` ran out on a page that still held invalidations in progress: older pages may
   * hold more. True when a page held none (or there were no more pages).
   */
  complete: boolean
}

/**
 * Read ListInvalidations pages (100 a page, newest first) until a page holds nothing in progress: older
 * pages will not either, as invalidations complete roughly in the order they were made. Errors are thrown
 * as the SDK raised them (after retrying transient ones): the caller decides what a denial means.
 */
export async function listInProgress(
  api: CloudFrontApi,
  distributionId: string,
  retry: RetryContext,
  maxPages: number,
): Promise<InProgress> {
  const items: InvalidationInfo[] = []
  let marker: string | undefined
  for (let page = 0; page < maxPages; page++) {
    const answer = await withRetry(`ListInvalidations ${distributionId}`, retry, () =>
      api.listInvalidations(distributionId, marker, retry.signal),
    )
    const running = answer.items.filter((i) => i.status !== 'Completed')
    items.push(...running)
    if (running.length === 0 || answer.nextMarker === undefined) return { items, complete: true }
    marker = answer.nextMarker
  }
  return { items, complete: false }
}
