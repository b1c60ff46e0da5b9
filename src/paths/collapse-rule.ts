/**
 * The collapse rule itself: when a directory deserves a wildcard (its thresholds and the test for one
 * directory), the tree as per-directory counts, and {@link ruleCannotFire}, which shows from those counts
 * alone that the rule will pick nothing. The planner (collapse-planner.ts) applies the rule to a trie;
 * collapse.ts is the entry point and explains the whole model.
 */
import type { Item } from './encode.js'

/**
 * With a known tree, a directory collapses when at most this share (percent) of the objects under it is
 * unchanged, i.e. at least 90% of it changed: a wildcard there evicts at most one unchanged object per
 * nine changed ones.
 */
export const MAX_UNCHANGED_PERCENT = 10

/**
 * The rule adds a wildcard only where it replaces at least this many billed paths. Below that the saving
 * is a few cents, while each wildcard holds one of the 15 in-progress wildcard slots that later deploys
 * to the same distribution may need (a page served as `/p/` and `/p/index.html` is not worth a slot).
 */
export const MIN_WILDCARD_PATHS = 10

/**
 * Without a known tree, a directory collapses only when at least this many billed paths sit directly in
 * it: unchanged objects cannot be counted, so a wildcard must save real money (about $0.50) to be worth
 * the guess. Rebuilt hashed-asset directories (old and new names) pass easily; 20 edited product pages
 * in a flat `/products/` of 6,000 do not, where a lower bar (10) would throw away the other 5,980.
 */
export const PRIOR_MIN_DIRECT_PATHS = 100

/**
 * The tree as counts per directory, for a caller that knows which objects are requested without naming
 * every object (the walk does): far cheaper than 100,000 URLs. Keys are directory URL paths ending in `/`
 * (encoded, like `Item.value`), each with its own objects (not those of subdirectories) and how many of
 * them are requested. It gives the same plan as the list of URLs when no requested wildcard lies inside a
 * listed directory (such a wildcard's coverage is applied to whole directories only).
 */
export interface TreeCounts {
  dirs: ReadonlyMap<string, { objects: number; requested: number }>
}

/** Whether the tree is given as per-directory counts (not as a list or set of object URLs). */
export function isCounts(tree: ReadonlySet<string> | readonly string[] | TreeCounts): tree is TreeCounts {
  return !(tree instanceof Set) && !Array.isArray(tree)
}

/** The directory part of a path, up to and including its last `/` (`/a/b.js` -> `/a/`, `/a/` -> `/a/`). */
export function dirOf(path: string): string {
  return path.slice(0, path.lastIndexOf('/') + 1)
}

/**
 * The rule for a directory with objects under it (see collapse.ts): it replaces at least
 * MIN_WILDCARD_PATHS billed `items`, and at most MAX_UNCHANGED_PERCENT of its requested `paths` plus
 * `unchanged` objects are unchanged.
 */
export function ruleCollapses(items: number, paths: number, unchanged: number): boolean {
  return items >= MIN_WILDCARD_PATHS && unchanged * 100 <= (paths + unchanged) * MAX_UNCHANGED_PERCENT
}

/**
 * Whether the planner would pick no directory for these (distinct) items, shown from the tree's counts
 * and one light look at each item. Sound, not complete: true only when no item is a wildcard (its
 * coverage would change the counts), every directory with objects under it fails the rule even if it
 * held every item that cannot be placed (deleted files, typed paths), and those are too few for the
 * prior to collapse a directory the tree does not list. Objects counted as requested are placed where
 * the counts say (TreeCounts promises they are among the items), and a directory URL (`/a/`, which an
 * index document adds) in its own directory. Then `collapse` returns the items as they are, which is
 * what the planner would return.
 */
export function ruleCannotFire(items: readonly Item[], tree: TreeCounts): boolean {
  /** Per directory: first its own objects and requested paths, then (see below) its subtree's. */
  const sums = new Map<string, { objects: number; requested: number; unchanged: number }>()
  const at = (dir: string): { objects: number; requested: number; unchanged: number } => {
    let sum = sums.get(dir)
    if (sum === undefined) sums.set(dir, (sum = { objects: 0, requested: 0, unchanged: 0 }))
    return sum
  }
  let placed = 0
  for (const [dir, counts] of tree.dirs) {
    if (!dir.startsWith('/')) continue // the planner ignores such a directory too
    placed += counts.requested
    const sum = at(dir)
    sum.objects += counts.objects
    sum.requested += counts.requested
    sum.unchanged += Math.max(0, counts.objects - counts.requested)
  }
  for (let i = 0; i < items.length; i++) {
    const item = items[i]
    if (item === undefined) continue
    const kind = item.kind
    if (kind === 'wildcard') return false
    const value = item.value
    // Checked by character code: this runs once per item, mostly before the JIT has optimised it.
    if (kind === 'path' && value.charCodeAt(value.length - 1) === 47 /* '/' */) {
      if (value.charCodeAt(0) === 47 && !value.includes('?')) {
        placed++
        at(value).requested++
      }
    }
  }
  const unplaced = items.length - placed
  // A directory without objects collapses only by the prior, on paths directly in it: its own
  // directory URL and unplaced items at most.
  if (unplaced < 0 || 1 + unplaced >= PRIOR_MIN_DIRECT_PATHS) return false

  // Longest first: a directory's key is longer than its parent's, so when a directory comes up, all
  // below it has been added in and its totals are final. Check it, then add it to its parent.
  const byLength: string[][] = []
  for (const dir of sums.keys()) (byLength[dir.length] ??= []).push(dir)
  for (let length = byLength.length - 1; length > 1; length--) {
    for (const dir of byLength[length] ?? []) {
      const sum = at(dir)
      const most = sum.requested + unplaced // requested paths under the directory, at most
      if (sum.objects > 0 && ruleCollapses(most, most, sum.unchanged)) return false
      const parentKey = dirOf(dir.slice(0, -1))
      if (parentKey.length <= 1) continue // `/` is never collapsed by the rule
      if (!sums.has(parentKey)) (byLength[parentKey.length] ??= []).push(parentKey)
      const parent = at(parentKey)
      parent.objects += sum.objects
      parent.requested += sum.requested
      parent.unchanged += sum.unchanged
    }
  }
  return true
}
