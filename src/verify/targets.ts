/**
 * What to verify on each distribution, from a run's plans and invalidations or from a `wait-for` gate's
 * GetInvalidation answers; and which invalidation covers a URL (its CreateTime is the moment the cached
 * copy must be younger than). Pure.
 */
import type { InvalidationRecord } from '../cloudfront/tracker.js'
import type { Item } from '../paths/encode.js'
import type { DistributionPlan } from '../plan.js'
import { groupByTarget } from '../report/state.js'

/** One invalidation: when CloudFront created it, and its paths as submitted. */
export interface Invalidated {
  createTime: string
  paths: readonly string[]
}

/** One distribution (or tenant) to verify. */
export interface VerifyTarget {
  id: string
  /**
   * What to check: the items requested (a run: before collapse, so a path collapsed into a wildcard is
   * still checked by its own URL) or those invalidated (a gate). Undefined when unknown (a gate's dry run).
   */
  items?: readonly Item[]
  /** Everything invalidated on it, as submitted. */
  invalidated: readonly string[]
  /** The invalidations made or awaited, each with its CreateTime (empty in a dry run). */
  invalidations: readonly Invalidated[]
}

/** Targets of a run: each plan's requested items, and the invalidations made from its batches. */
export function runTargets(
  plans: readonly DistributionPlan[],
  records: readonly InvalidationRecord[],
): VerifyTarget[] {
  const byTarget = groupByTarget(records)
  // Tenants of one distribution share their plan's arrays: each list of values is made once.
  const values = new Map<readonly Item[], string[]>()
  const valuesOf = (items: readonly Item[]): string[] => {
    let v = values.get(items)
    if (v === undefined) values.set(items, (v = items.map((i) => i.value)))
    return v
  }
  return plans.map((p) => ({
    id: p.distributionId,
    items: p.requested,
    invalidated: valuesOf(p.items),
    invalidations: (byTarget.get(p.distributionId) ?? []).map((r) => ({
      createTime: r.createTime,
      paths: valuesOf(p.batches[r.batch] ?? []),
    })),
  }))
}

/**
 * Targets of a gate: per distribution, the paths of each awaited invalidation (`paths`, keyed
 * `DISTRIBUTION/ID`, from GetInvalidation); a distribution whose paths were not read (a dry run) has
 * `items` undefined.
 */
export function gateTargets(
  records: readonly InvalidationRecord[],
  paths: ReadonlyMap<string, readonly string[]>,
  distributionIds: readonly string[],
): VerifyTarget[] {
  const byTarget = groupByTarget(records)
  return [...new Set(distributionIds)].map((id) => {
    const invalidations = (byTarget.get(id) ?? []).map((r) => ({
      createTime: r.createTime,
      paths: paths.get(`${id}/${r.id}`) ?? [],
    }))
    const invalidated = [...new Set(invalidations.flatMap((i) => i.paths))]
    const target: VerifyTarget = { id, invalidated, invalidations }
    if (invalidations.length > 0) target.items = invalidated.map(itemOf)
    return target
  })
}

/**
 * At most `max` of the tenant targets (`dt_…`), spread evenly over them in order, and every distribution;
 * `leftOut` counts the tenants not taken. See MAX_VERIFY_TENANTS for why.
 */
export function sampleTenants<T extends { id: string }>(
  targets: readonly T[],
  max: number,
): { targets: T[]; leftOut: number } {
  const tenants = targets.filter((t) => t.id.startsWith('dt_'))
  if (tenants.length <= max) return { targets: [...targets], leftOut: 0 }
  const taken = new Set<T>()
  for (let i = 0; i < max; i++) {
    const t = tenants[Math.floor((i * tenants.length) / max)]
    if (t !== undefined) taken.add(t)
  }
  return {
    targets: targets.filter((t) => !t.id.startsWith('dt_') || taken.has(t)),
    leftOut: tenants.length - taken.size,
  }
}

/** A submitted path as an item: `#` starts a tag, a trailing `*` makes a wildcard. */
function itemOf(value: string): Item {
  return { kind: value.startsWith('#') ? 'tag' : value.endsWith('*') ? 'wildcard' : 'path', value }
}

/**
 * When the invalidation covering `submitted` was created (ms since the epoch): the latest of those
 * holding it or a wildcard over it, since the latest one should have removed a copy cached before it.
 * A URL no invalidation names (none should be) gets the earliest time, the reading least likely to call
 * a copy stale.
 */
export function coveringTime(submitted: string, invalidations: readonly Invalidated[]): number {
  let latest: number | undefined
  let earliest = Infinity
  for (const inv of invalidations) {
    const t = Date.parse(inv.createTime)
    if (Number.isNaN(t)) continue
    earliest = Math.min(earliest, t)
    const covers = inv.paths.some((p) =>
      p.endsWith('*') && !p.startsWith('#') ? submitted.startsWith(p.slice(0, -1)) : p === submitted,
    )
    if (covers && (latest === undefined || t > latest)) latest = t
  }
  return latest ?? (earliest === Infinity ? Date.now() : earliest)
}
