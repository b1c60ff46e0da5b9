/**
 * Walking CloudFront's paged lists (ListInvalidations, ListDistributions): every page read the same way,
 * each handed on as it arrives, so a long listing streams instead of waiting for the last page, and every
 * walk is bounded. On it: what is in progress on a distribution (the scheduler counts it against the
 * quotas; a `wait-for: DIST/*` or `DIST/dt_*` gate waits for it), and every distribution of the account (to resolve an
 * alias, or to list them). The CLI's `list` walks invalidations page by page through it too.
 */
import type { CloudFrontApi, DistributionInfo, InvalidationInfo, Page } from './api.js'
import { explained } from './errors.js'
import { withRetry, type RetryContext } from './retry.js'

/** Pages of ListDistributions read at most when every distribution is wanted (100 distributions a page). */
const MAX_DISTRIBUTION_PAGES = 100

/**
 * Items asked for in one page of ListInvalidations, ListDistributions and ListDistributionTenants (as the
 * action always has): api.ts asks for this many, and each bound of pages read counts in it.
 */
export const MAX_PAGE_ITEMS = 100

/**
 * Read a list page by page from `fetch(start)`, each page's `nextMarker` asking for the next, handing each
 * page to `onPage`, until the last page, until `onPage` answers false, or until `maxPages` pages are read.
 * True when it stopped at the end or at `onPage`'s word; false when `maxPages` ran out with more to read.
 * Errors are thrown as `fetch` or `onPage` raised them.
 */
export async function walkPages<T>(
  fetch: (marker: string | undefined) => Promise<Page<T>>,
  onPage: (page: Page<T>) => boolean | void | Promise<boolean | void>,
  maxPages = Infinity,
  start?: string,
): Promise<boolean> {
  let marker = start
  for (let n = 0; n < maxPages; n++) {
    const page = await fetch(marker)
    if ((await onPage(page)) === false || page.nextMarker === undefined) return true
    marker = page.nextMarker
  }
  return false
}

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
 * What is in progress on one distribution or tenant: ListInvalidations pages (100 a page, newest first)
 * until a page holds nothing in progress: older pages will not either, as invalidations complete roughly
 * in the order they were made. Errors are thrown as the SDK raised them (after retrying transient ones):
 * the caller decides what a denial means.
 */
export async function listInProgress(
  api: CloudFrontApi,
  distributionId: string,
  retry: RetryContext,
  maxPages: number,
): Promise<InProgress> {
  const items: InvalidationInfo[] = []
  const complete = await walkPages(
    (marker) =>
      withRetry(`ListInvalidations ${distributionId}`, retry, () =>
        api.listInvalidations(distributionId, marker, retry.signal),
      ),
    ({ items: page }) => {
      const running = page.filter((i) => i.status !== 'Completed')
      items.push(...running)
      return running.length > 0
    },
    maxPages,
  )
  return { items, complete }
}

/**
 * Everything in progress on one distribution or tenant, for a gate's `line` (`DIST/*`, `DIST/dt_*`): as
 * {@link listInProgress}, its errors explained, and an error rather than a partial answer when `maxPages`
 * ran out with some still in progress: a gate that might miss one must not pass. `remedy` says what to
 * give the gate instead.
 */
export async function inProgressForGate(
  api: CloudFrontApi,
  id: string,
  retry: RetryContext,
  maxPages: number,
  line: string,
  remedy: string,
): Promise<InvalidationInfo[]> {
  let found: InProgress
  try {
    found = await listInProgress(api, id, retry, maxPages)
  } catch (e) {
    if (retry.signal.aborted) throw e
    throw explained(e, 'ListInvalidations', id)
  }
  if (found.complete) return found.items
  throw new Error(
    `${id}: more than ${maxPages * MAX_PAGE_ITEMS} invalidations listed and some still in progress, so ${line} cannot be sure to see them all: ${remedy}`,
  )
}

/**
 * Every distribution of the account, all pages, each call retried like any other, each page handed to
 * `onPage` as it arrives. Throws past MAX_DISTRIBUTION_PAGES pages rather than page for ever.
 */
export async function listAllDistributions(
  api: Pick<CloudFrontApi, 'listDistributions'>,
  retry: RetryContext,
  onPage?: (items: DistributionInfo[]) => void,
): Promise<DistributionInfo[]> {
  const found: DistributionInfo[] = []
  const complete = await walkPages(
    (marker) => withRetry('ListDistributions', retry, () => api.listDistributions(marker, retry.signal)),
    ({ items }) => {
      found.push(...items)
      onPage?.(items)
    },
    MAX_DISTRIBUTION_PAGES,
  )
  if (complete) return found
  throw new Error(
    `ListDistributions: more than ${MAX_DISTRIBUTION_PAGES * MAX_PAGE_ITEMS} distributions; name the distribution by its id`,
  )
}
