/**
 * The wildcard-collapse planner: per distribution, choose the set of paths to submit that covers every
 * requested path, bills as few paths as the user allows, and throws away as little of the cache as it can.
 *
 * By dollars alone a wildcard always wins (`/*` is one billed path), so the planner's real job is to
 * protect the cache. It works on a trie of directories, in two phases:
 *
 * 1. The rule (always). A directory `D/` becomes `D/*` when
 *    - the site's tree is known under D: the wildcard replaces at least {@link MIN_WILDCARD_PATHS} billed
 *      paths and at most {@link MAX_UNCHANGED_PERCENT}% of the objects under D are unchanged (not
 *      requested); the topmost such directory wins, as it saves the most paths within the same tolerance;
 *    - nothing is known under D (no tree, or a directory the tree does not list, such as deleted files):
 *      at least {@link PRIOR_MIN_DIRECT_PATHS} billed paths sit directly in D (files, or subdirectories
 *      this rule already collapsed), so a wildcard never guesses across sibling directories.
 *    `/*` is never chosen by the rule: other cache behaviours may serve paths the tree does not list.
 *    If the wildcard quota cannot hold every chosen directory, the ones that save the most paths win.
 * 2. `maxPaths` (only when still over it). Collapse further, greedily: with a tree, the directory that
 *    invalidates the fewest unchanged objects per billed path saved; without one, the directory whose
 *    changes span the most immediate entries (the best evidence, without a tree, that most of it
 *    changed). `/*` is the last resort, with a warning.
 *
 * Tags, paths with a query string and the user's own wildcards are never rewritten; a user's wildcard
 * does drop the requested paths it already covers, and a planned wildcard may absorb user wildcards that
 * sit inside its directory (it invalidates a superset of what they would).
 * Every tie is broken by path order, so the same request and tree always give the same plan.
 *
 * Files: this one (the entry point: options, result, the log line), collapse-rule.ts (the rule's
 * thresholds and the count-only shortcut), collapse-trie.ts (the trie of requested directories
 * with the tree counted in), collapse-planner.ts (both phases over the trie), heap.ts.
 */
import { formatCount, plural } from '../format.js'
import { PRICE_PER_PATH_USD } from '../constants.js'
import { isCounts, ruleCannotFire, type TreeCounts } from './collapse-rule.js'
import { Planner } from './collapse-planner.js'
import type { Item } from './encode.js'

export {
  MAX_UNCHANGED_PERCENT,
  MIN_WILDCARD_PATHS,
  PRIOR_MIN_DIRECT_PATHS,
  ruleCannotFire,
  type TreeCounts,
} from './collapse-rule.js'

/** How the planner may change a distribution's items. */
export interface CollapseOptions {
  /** `auto` (default) plans wildcards; `off` returns the items as they are. */
  mode?: 'auto' | 'off'
  /** Cap on billed paths for this distribution and run (whole number >= 1); collapse further to fit it. */
  maxPaths?: number
  /**
   * Wildcard paths the scheduler already sees in progress on this distribution (0 for a dry run). The
   * planner adds wildcards only while those, plus the request's own wildcards, plus its new ones fit
   * CloudFront's quota of 15; user wildcards beyond that are kept and simply go in later waves.
   */
  wildcardsInProgress?: number
  /**
   * Every object URL path of the site (encoded, as in `Item.value`), when the sources know it (files,
   * diff or sync-log under `root`). Without it the planner uses the conservative prior. An array must
   * hold no duplicates (a walk's output has none): it is not copied into a Set, which for 100,000 objects
   * costs more than the rest of the planning.
   */
  tree?: ReadonlySet<string> | readonly string[] | TreeCounts
  /**
   * The caller guarantees no two items have the same value (planDistribution's input never does), so the
   * planner need not look for repeats: hashing every value costs more than the rest of planning 100,000
   * paths. Default false: repeats are found and dropped.
   */
  distinct?: boolean
}

/** A wildcard the planner added. */
export interface CollapsedWildcard {
  /** The wildcard path, always a whole directory: `/dir/sub/*`. */
  value: string
  /** Requested items (paths and user wildcards) it stands in for. */
  covers: number
  /** Unchanged objects of the tree it invalidates as well; present only when the tree is known. */
  unchanged?: number
}

/** The plan for one distribution. */
export interface CollapseResult {
  /** What to submit, in the order requested; each new wildcard stands where its first covered item was. */
  items: Item[]
  /** Items requested, before collapse (the `requested-path-count` output). */
  requested: number
  /** Billed paths after collapse: `items.length` (a wildcard or a tag bills as one path). */
  billed: number
  /** The wildcards the planner added, in submission order. */
  wildcards: CollapsedWildcard[]
  /** Requested items dropped because a requested wildcard already covers them, or repeated. */
  redundant: number
  /** Unchanged objects the new wildcards invalidate in all; present only when the tree is known. */
  unchanged?: number
  /** True when the planner itself submitted `/*`. */
  rootFallback: boolean
  /** Lines for the log: `/*` fallback, a `maxPaths` that cannot be met, the wildcard quota binding. */
  warnings: string[]
}

/**
 * Plan the items to submit for one distribution: see the module comment for the rule. Pure and
 * deterministic; 20,000 paths plan in a few milliseconds (one trie, a heap for the `maxPaths` phase).
 *
 * @param items the distribution's requested items, normalised (see `normalizeItems`).
 * @throws RangeError on a `maxPaths` or `wildcardsInProgress` that is not a whole number in range.
 */
export function collapse(items: readonly Item[], options: CollapseOptions = {}): CollapseResult {
  const { mode = 'auto', maxPaths, wildcardsInProgress = 0, tree, distinct = false } = options
  if (maxPaths !== undefined && (!Number.isInteger(maxPaths) || maxPaths < 1)) {
    throw new RangeError(`maxPaths must be a whole number >= 1, got ${maxPaths}`)
  }
  if (!Number.isInteger(wildcardsInProgress) || wildcardsInProgress < 0) {
    throw new RangeError(`wildcardsInProgress must be a whole number >= 0, got ${wildcardsInProgress}`)
  }
  if (mode === 'off') return asRequested(items, false)
  // Per-directory counts can often show that nothing will collapse, without a trie of every item: for a
  // big site whose changes are spread thin (a rebuild of all `*.html`), most of the planning time.
  const fits = maxPaths === undefined || items.length <= maxPaths
  if (distinct && fits && tree !== undefined && isCounts(tree) && ruleCannotFire(items, tree)) {
    return asRequested(items, true)
  }
  return new Planner(items, wildcardsInProgress, tree, distinct).plan(maxPaths)
}

/** The plan that submits the items as they are (`unchanged` is 0 when a tree was given, else absent). */
function asRequested(items: readonly Item[], withTree: boolean): CollapseResult {
  const result: CollapseResult = {
    items: items.slice(),
    requested: items.length,
    billed: items.length,
    wildcards: [],
    redundant: 0,
    rootFallback: false,
    warnings: [],
  }
  if (withTree) result.unchanged = 0
  return result
}

/** The invalidation price of `paths` billed paths, in USD, ignoring the monthly free allowance. */
export function estimatedCostUsd(paths: number): number {
  return Math.round(paths * PRICE_PER_PATH_USD * 1000) / 1000
}

/**
 * One log line for a plan: requested and billed paths, the estimated cost, and each wildcard chosen with
 * how many requested paths it covers (and, when the tree is known, how many unchanged objects it hits).
 */
export function describeCollapse(result: CollapseResult): string {
  const n = (x: number): string => formatCount(x)
  const cost = `$${estimatedCostUsd(result.billed).toFixed(3)} at $${PRICE_PER_PATH_USD}/path`
  let line = `${plural(result.requested, 'requested path')} -> ${n(result.billed)} billed (est. ${cost})`
  if (result.redundant > 0) line += `; ${n(result.redundant)} already covered by requested wildcards`
  if (result.wildcards.length > 0) {
    const list = result.wildcards.map(
      (w) =>
        `${w.value} covers ${n(w.covers)}` +
        (w.unchanged === undefined ? '' : `, ${n(w.unchanged)} unchanged`),
    )
    line += `; ${plural(result.wildcards.length, 'wildcard')}: ${list.join('; ')}`
  }
  return line
}
