/**
 * Walking CloudFront's paged lists: every distribution of the account (to resolve an alias, or to list
 * them). Each page is handed on as it arrives, so a long listing streams instead of waiting for the last
 * page. (The CLI's `list` pages through invalidations itself: it stops inside a page.)
 */
import type { CloudFrontApi, DistributionInfo, Page } from './api.js'
import { withRetry, type RetryContext } from './retry.js'

/** Pages of ListDistributions read at most when every distribution is wanted (100 distributions a page). */
const MAX_DISTRIBUTION_PAGES = 100

/** Items asked for in one page of ListInvalidations or ListDistributions (as the action always has). */
export const MAX_PAGE_ITEMS = 100

/**
 * Every distribution of the account, all pages, each page handed to `onPage` as it arrives. Throws past
 * MAX_DISTRIBUTION_PAGES pages rather than page for ever.
 */
export async function listAllDistributions(
  api: Pick<CloudFrontApi, 'listDistributions'>,
  signal: AbortSignal,
  onPage?: (items: DistributionInfo[]) => void,
  retry?: RetryContext,
): Promise<DistributionInfo[]> {
  const found: DistributionInfo[] = []
  let marker: string | undefined
  for (let page = 0; page < MAX_DISTRIBUTION_PAGES; page++) {
    const at = marker
    const call = (): Promise<Page<DistributionInfo>> => api.listDistributions(at, signal)
    const { items, nextMarker } = retry ? await withRetry('ListDistributions', retry, call) : await call()
    found.push(...items)
    onPage?.(items)
    if (nextMarker === undefined) return found
    marker = nextMarker
  }
  throw new Error(
    `ListDistributions: more than ${MAX_DISTRIBUTION_PAGES * 100} distributions; name the distribution by its id`,
  )
}
