/**
 * The plan: for each distribution, the items requested, what collapse makes of them, and how they split
 * into batches. Pure, so a dry run and a real run print the same plan, and tests check it without AWS.
 */
import { chunkItems } from './paths/chunk.js'
import { collapse, type CollapseResult, type TreeCounts } from './paths/collapse.js'
import type { Item } from './paths/encode.js'

export interface DistributionPlan {
  /** The distribution (or tenant) id the batches go to. */
  distributionId: string
  /** The domain name(s) `distribution-id` named it by, when it was resolved from an alias. */
  alias?: string
  /** Items requested for this distribution, deduplicated, before collapse. */
  requested: Item[]
  /** Items to submit (after collapse). */
  items: Item[]
  batches: Item[][]
  /** What the collapse planner did (absent with `collapse: off`). */
  collapse?: CollapseResult
}

/** Batches over all distributions (the `batch-count` output). */
export function batchCount(plans: readonly DistributionPlan[]): number {
  return plans.reduce((n, p) => n + p.batches.length, 0)
}

export interface PlanOptions {
  batchSize: number
  collapse: 'auto' | 'off'
  maxPaths?: number
  /** URL paths of every object of the site, when known. */
  tree?: readonly string[] | TreeCounts
}

/**
 * Plan one distribution. `requested` must hold distinct items (collectSources makes them so).
 * `wildcardsInProgress` is what the scheduler saw already running (0 for a dry
 * run, which makes no AWS call): the planner keeps new wildcards within CloudFront's quota of 15.
 */
export function planDistribution(
  distributionId: string,
  requested: readonly Item[],
  options: PlanOptions,
  wildcardsInProgress = 0,
): DistributionPlan {
  const items = requested.slice()
  if (options.collapse === 'off') {
    return { distributionId, requested: items, items, batches: chunkItems(items, options.batchSize) }
  }
  const result = collapse(items, {
    mode: 'auto',
    wildcardsInProgress,
    distinct: true,
    ...(options.maxPaths === undefined ? {} : { maxPaths: options.maxPaths }),
    ...(options.tree === undefined ? {} : { tree: options.tree }),
  })
  return {
    distributionId,
    requested: items,
    items: result.items,
    batches: chunkItems(result.items, options.batchSize),
    collapse: result,
  }
}
