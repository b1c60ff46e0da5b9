/**
 * The plan: for each distribution, the items to submit and how they split into batches. Pure, so a dry run
 * and a real run print the same plan, and tests can check it without AWS.
 */
import { chunkItems } from './paths/chunk.js'
import type { Item } from './paths/encode.js'

export interface DistributionPlan {
  distributionId: string
  items: Item[]
  batches: Item[][]
}

/** One plan per distribution; every distribution gets the same items, split the same way. */
export function makePlan(
  distributionIds: readonly string[],
  items: readonly Item[],
  batchSize: number,
): DistributionPlan[] {
  return distributionIds.map((distributionId) => ({
    distributionId,
    items: [...items],
    batches: chunkItems(items, batchSize),
  }))
}
