/**
 * Splitting a distribution's items into CreateInvalidation batches.
 */
import { MAX_WILDCARD_PATHS_IN_PROGRESS } from '../constants.js'
import type { Item } from './encode.js'

/** Paths counted against each of CloudFront's two in-progress quotas. */
export interface QuotaUse {
  /** File paths and cache tags (counted against the 3,000 quota). */
  files: number
  /** Wildcard paths (counted against the separate quota of 15). */
  wildcards: number
}

/** How an item counts against the quotas; tags are counted as file paths (see docs/limits.md). */
export function quotaUse(items: readonly Item[]): QuotaUse {
  let wildcards = 0
  for (const item of items) if (item.kind === 'wildcard') wildcards++
  return { files: items.length - wildcards, wildcards }
}

/**
 * Split items into batches of at most `batchSize` items and at most 15 wildcards each, so that every
 * batch fits the in-progress quotas on its own and can always be submitted once earlier work completes.
 * Wildcards go first: they are few, and a wave that clears many objects early is what users expect.
 * Order is otherwise kept, so batch N is the same for the same input (CallerReference depends on it).
 */
export function chunkItems(items: readonly Item[], batchSize: number): Item[][] {
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new RangeError(`batch size ${batchSize}`)
  const batches: Item[][] = []
  const wildcards = items.filter((item) => item.kind === 'wildcard')
  // Usually there is no wildcard at all: then the others are the items, no copy of 100,000 of them.
  const others = wildcards.length === 0 ? items : items.filter((item) => item.kind !== 'wildcard')
  // Wildcards first, at most 15 a batch; then the rest fill batches of `batchSize` by slicing.
  let current: Item[] = []
  for (const item of wildcards) {
    if (current.length >= Math.min(batchSize, MAX_WILDCARD_PATHS_IN_PROGRESS)) {
      batches.push(current)
      current = []
    }
    current.push(item)
  }
  let start = 0
  if (current.length > 0) {
    // Top up the last wildcard batch with other items before starting new batches.
    start = Math.min(others.length, batchSize - current.length)
    batches.push(start > 0 ? current.concat(others.slice(0, start)) : current)
  }
  for (let i = start; i < others.length; i += batchSize) batches.push(others.slice(i, i + batchSize))
  return batches
}
