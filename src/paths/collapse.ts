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
 */
import { formatCount } from '../format.js'
import { MAX_WILDCARD_PATHS_IN_PROGRESS, PRICE_PER_PATH_USD } from '../constants.js'
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

function isCounts(tree: ReadonlySet<string> | readonly string[] | TreeCounts): tree is TreeCounts {
  return !(tree instanceof Set) && !Array.isArray(tree)
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

/** A directory of the trie (its prefix ends in `/`) holding at least one requested item. */
interface Dir {
  readonly prefix: string
  readonly parent: Dir | undefined
  readonly children: Dir[]
  readonly depth: number
  /** Requested paths (not covered by a user wildcard) whose directory is exactly this one. */
  directPaths: number
  /** User wildcards whose prefix's directory is this one (`/img/*` and `/img/a*` both sit in `/img/`). */
  directWild: number
  /** Tree objects (and the unchanged among them) whose deepest directory in the trie is this one. */
  ownTree: number
  ownUnchanged: number
  // Totals over the subtree, fixed once built.
  /** Requested paths under this directory: "changed" in the 90% rule. */
  paths: number
  /** User wildcards under this directory. */
  userWild: number
  /** Tree objects under this directory, and the unchanged ones (not requested, not under a user wildcard). */
  tree: number
  baseUnchanged: number
  /** Immediate entries holding requested items: direct paths and wildcards, and subdirectories. */
  entries: number
  // Live values while planning; meaningful only while the directory is neither chosen nor absorbed.
  /** Billed items under this directory now. */
  items: number
  /** Wildcards under this directory now (user ones and chosen ones). */
  wild: number
  /** Unchanged objects under this directory that no chosen wildcard evicts yet. */
  unchanged: number
  chosen: boolean
  /** Under a chosen directory: no longer a candidate, its items are gone. */
  absorbed: boolean
  /** Bumped whenever a live value changes, so stale heap entries can be skipped. */
  version: number
}

/** The directory part of a path, up to and including its last `/` (`/a/b.js` -> `/a/`, `/a/` -> `/a/`). */
function dirOf(path: string): string {
  return path.slice(0, path.lastIndexOf('/') + 1)
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

/**
 * The rule for a directory with objects under it (see the module comment): it replaces at least
 * MIN_WILDCARD_PATHS billed `items`, and at most MAX_UNCHANGED_PERCENT of its requested `paths` plus
 * `unchanged` objects are unchanged.
 */
function ruleCollapses(items: number, paths: number, unchanged: number): boolean {
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

/** An entry of the `maxPaths` phase's heap: a snapshot of a directory's live values when pushed. */
interface Candidate {
  dir: Dir
  version: number
  /** Billed paths saved by collapsing the directory now. */
  saves: number
  unchanged: number
}

/**
 * Where each requested item went while building the trie: kept as it is, dropped, or held by the trie
 * under its directory. A directory itself, not a wrapper: one object per item would cost 100,000
 * allocations on a big site.
 */
type Fate = 'keep' | 'drop' | Dir

class Planner {
  private readonly dirs = new Map<string, Dir>()
  /** Directories in creation order: a parent always comes before its children. */
  private readonly order: Dir[] = []
  private readonly root: Dir
  private readonly fates: Fate[] = []
  /** Items never rewritten (tags, query strings): they bill as they are. */
  private fixed = 0
  private fixedWild = 0
  private redundant = 0
  private readonly hasTree: boolean
  /** Wildcards that may be in the plan at once: the quota minus those already in progress. */
  private readonly wildLimit: number
  private readonly warnings: string[] = []

  constructor(
    private readonly input: readonly Item[],
    wildcardsInProgress: number,
    tree: ReadonlySet<string> | readonly string[] | TreeCounts | undefined,
    distinct: boolean,
  ) {
    this.wildLimit = MAX_WILDCARD_PATHS_IN_PROGRESS - wildcardsInProgress
    this.hasTree = tree !== undefined
    this.root = this.dir('/')
    this.build(tree, distinct)
  }

  /** The trie directory for `prefix`, creating it and its missing ancestors. */
  private dir(prefix: string): Dir {
    const found = this.dirs.get(prefix)
    if (found !== undefined) return found
    // Iterative rather than recursive: a 4,000-character path may be 2,000 directories deep.
    const missing: string[] = []
    let parent: Dir | undefined
    for (let p = prefix; p !== ''; p = dirOf(p.slice(0, -1))) {
      parent = this.dirs.get(p)
      if (parent !== undefined) break
      missing.push(p)
    }
    let made = parent
    for (let i = missing.length - 1; i >= 0; i--) {
      const p = missing[i] ?? ''
      const dir: Dir = {
        prefix: p,
        parent: made,
        children: [],
        depth: made === undefined ? 0 : made.depth + 1,
        directPaths: 0,
        directWild: 0,
        ownTree: 0,
        ownUnchanged: 0,
        paths: 0,
        userWild: 0,
        tree: 0,
        baseUnchanged: 0,
        entries: 0,
        items: 0,
        wild: 0,
        unchanged: 0,
        chosen: false,
        absorbed: false,
        version: 0,
      }
      made?.children.push(dir)
      this.dirs.set(p, dir)
      this.order.push(dir)
      made = dir
    }
    if (made === undefined) throw new Error(`unreachable: no directory for ${JSON.stringify(prefix)}`)
    return made
  }

  /** Sort the items into kept, dropped and trie-held ones, then count the tree into the trie. */
  private build(
    tree: ReadonlySet<string> | readonly string[] | TreeCounts | undefined,
    distinct: boolean,
  ): void {
    // The loops over every item run often 100,000 times in a process that lives a second, much of it
    // before the JIT has optimised them: plain indexed loops over locals, no call in the common case.
    const input = this.input
    // User wildcards that may cover other items: not a query-string one (it matches query strings only).
    const prefixes = new Set<string>()
    for (let i = 0; i < input.length; i++) {
      const item = input[i]
      if (item?.kind === 'wildcard' && !item.value.includes('?') && item.value.startsWith('/')) {
        prefixes.add(item.value.slice(0, -1))
      }
    }
    // Checking each distinct prefix length keeps coverage O(path count x distinct lengths), not x wildcards.
    const lengths = [...new Set([...prefixes].map((p) => p.length))].sort((a, b) => a - b)
    const coveredBelow = (value: string, longest: number): boolean => {
      for (const n of lengths) {
        if (n >= longest) break
        if (prefixes.has(value.slice(0, n))) return true
      }
      return false
    }

    // Repeats are dropped; a list shown free of them by order alone (a walk's is) is spared hashing every
    // value, which costs more than the rest of the build.
    const seen = distinct ? undefined : new Set<string>()
    const anyUserWildcard = lengths.length > 0
    const fates = this.fates
    // Items of one directory mostly come together (a walk lists them so): the previous item's directory
    // is checked first, which spares a substring and a map lookup per item.
    let lastPrefix = ''
    let lastDir: Dir | undefined
    for (let i = 0; i < input.length; i++) {
      const item = input[i]
      if (item === undefined) continue
      const value = item.value
      if (seen !== undefined) {
        if (seen.has(value)) {
          fates.push('drop')
          this.redundant++
          continue
        }
        seen.add(value)
      }
      const kind = item.kind
      // Tags and query strings are matched as written: no wildcard of ours may stand in for them.
      if (kind === 'tag' || value.charCodeAt(0) !== 47 /* '/' */ || value.includes('?')) {
        fates.push('keep')
        this.fixed++
        if (kind === 'wildcard') this.fixedWild++
        continue
      }
      const isWild = kind === 'wildcard'
      // A path is covered by a wildcard with any prefix of it; a wildcard only by a strictly shorter one.
      if (anyUserWildcard && coveredBelow(value, isWild ? value.length - 1 : value.length + 1)) {
        fates.push('drop')
        this.redundant++
        continue
      }
      // The directory: up to the last `/`, before the final `*` of a wildcard (`/a/*` and `/a/b*` sit in `/a/`).
      const cut = value.lastIndexOf('/', isWild ? value.length - 2 : value.length) + 1
      let dir: Dir
      if (lastDir !== undefined && cut === lastPrefix.length && value.startsWith(lastPrefix)) dir = lastDir
      else {
        lastPrefix = value.slice(0, cut)
        dir = lastDir = this.dir(lastPrefix)
      }
      if (isWild) dir.directWild++
      else dir.directPaths++
      fates.push(dir)
    }

    if (tree !== undefined && isCounts(tree)) {
      // Per-directory counts (see TreeCounts): charge each directory's objects at once.
      for (const [own, counts] of tree.dirs) {
        if (!own.startsWith('/')) continue
        let dir: Dir | undefined
        for (let p = own; dir === undefined; p = dirOf(p.slice(0, -1))) dir = this.dirs.get(p)
        dir.ownTree += counts.objects
        // A directory a user wildcard covers is evicted anyway: none of its objects counts as unchanged.
        if (!coveredBelow(own, own.length + 1))
          dir.ownUnchanged += Math.max(0, counts.objects - counts.requested)
      }
    } else if (tree !== undefined) {
      const requested = seen ?? new Set(this.input.map((item) => item.value))
      // Objects share directories: remember each directory's deepest trie ancestor once found. A walk
      // lists a directory's files together, so the previous object's directory is usually this one's too:
      // checking that first spares a substring and a map lookup per object.
      const deepest = new Map<string, Dir>()
      let lastOwn = ''
      let lastDir: Dir | undefined
      for (const object of tree) {
        if (!object.startsWith('/')) continue
        // Charge the object to its deepest directory in the trie; sums below spread it to the ancestors.
        const cut = object.lastIndexOf('/') + 1
        let dir: Dir | undefined
        if (lastDir !== undefined && cut === lastOwn.length && object.startsWith(lastOwn)) {
          dir = lastDir
        } else {
          const own = object.slice(0, cut)
          dir = deepest.get(own)
          for (let p = own; dir === undefined; p = dirOf(p.slice(0, -1))) dir = this.dirs.get(p)
          deepest.set(own, dir)
          lastOwn = own
          lastDir = dir
        }
        dir.ownTree++
        // Unchanged: not requested, and not already evicted by a user wildcard.
        // `requested` holds every requested item; a tree object (a plain URL) can only equal a requested path.
        if (!requested.has(object) && !coveredBelow(object, object.length + 1)) dir.ownUnchanged++
      }
    }

    // Children come after their parent in `order`, so a reverse pass sums each subtree before its parent.
    for (let i = this.order.length - 1; i >= 0; i--) {
      const dir = this.order[i]
      if (dir === undefined) continue
      dir.paths += dir.directPaths
      dir.userWild += dir.directWild
      dir.tree += dir.ownTree
      dir.baseUnchanged += dir.ownUnchanged
      dir.entries = dir.directPaths + dir.directWild + dir.children.length
      dir.items = dir.paths + dir.userWild
      dir.wild = dir.userWild
      dir.unchanged = dir.baseUnchanged
      const parent = dir.parent
      if (parent !== undefined) {
        parent.paths += dir.paths
        parent.userWild += dir.userWild
        parent.tree += dir.tree
        parent.baseUnchanged += dir.baseUnchanged
      }
    }
  }

  private billed(): number {
    return this.fixed + this.root.items
  }

  private wildcardCount(): number {
    return this.fixedWild + this.root.wild
  }

  /** Whether adding `dir/*` keeps the plan's wildcards within the quota (absorbing some never hurts). */
  private fitsQuota(dir: Dir): boolean {
    const delta = 1 - dir.wild
    return delta <= 0 || this.wildcardCount() + delta <= this.wildLimit
  }

  /** Replace everything under `dir` by `dir/*`, updating the live totals of its ancestors. */
  private choose(dir: Dir, onChange?: (dir: Dir) => void): void {
    const savedItems = dir.items - 1
    const savedWild = dir.wild - 1
    const evicted = dir.unchanged
    for (let a = dir.parent; a !== undefined; a = a.parent) {
      a.items -= savedItems
      a.wild -= savedWild
      a.unchanged -= evicted
      a.version++
      onChange?.(a)
    }
    dir.items = 1
    dir.wild = 1
    dir.unchanged = 0
    dir.chosen = true
    dir.version++
    // Mark the subtree absorbed; a subtree under an earlier choice is absorbed already, so skip it.
    const stack = [...dir.children]
    for (let d = stack.pop(); d !== undefined; d = stack.pop()) {
      if (d.absorbed) continue
      d.absorbed = true
      d.chosen = false
      for (const c of d.children) stack.push(c) // not push(...): a directory may have 100,000 children
    }
  }

  /** Phase 1 on `dir`'s subtree: push the directories the rule picks; true when `dir` itself is picked. */
  private pick(dir: Dir, picked: Dir[]): boolean {
    if (this.hasTree && dir.tree > 0) {
      if (dir !== this.root && ruleCollapses(dir.items, dir.paths, dir.baseUnchanged)) {
        picked.push(dir)
        return true
      }
      for (const child of dir.children) this.pick(child, picked)
      return false
    }
    // Nothing known under dir (so under its children either): the prior, bottom-up.
    const mark = picked.length
    let direct = dir.directPaths + dir.directWild
    for (const child of dir.children) if (this.pick(child, picked)) direct++
    if (dir !== this.root && direct >= PRIOR_MIN_DIRECT_PATHS) {
      picked.length = mark // dir/* replaces the wildcards picked below it
      picked.push(dir)
      return true
    }
    return false
  }

  /** Phase 1: apply the rule's picks that fit the wildcard quota, those saving the most paths first. */
  private applyRule(): void {
    const picked: Dir[] = []
    this.pick(this.root, picked)
    // Picks that absorb user wildcards first (they free quota), then by paths saved; ties by path.
    const adds = (d: Dir): number => (d.wild === 0 ? 1 : 0)
    picked.sort((a, b) => adds(a) - adds(b) || b.items - a.items || byPrefix(a, b))
    let skipped = 0
    for (const dir of picked) {
      if (this.fitsQuota(dir)) this.choose(dir)
      else skipped++
    }
    if (skipped > 0) {
      this.warnings.push(
        `wildcard quota: ${skipped} more ${skipped === 1 ? 'directory' : 'directories'} could be collapsed, but only ${MAX_WILDCARD_PATHS_IN_PROGRESS} wildcard paths may be in progress per distribution (${this.wildLimit < 0 ? 0 : this.wildLimit} free for this run)`,
      )
    }
  }

  private isCandidate(dir: Dir): boolean {
    return dir !== this.root && !dir.absorbed && !dir.chosen && dir.items >= 2
  }

  private snapshot(dir: Dir): Candidate {
    return { dir, version: dir.version, saves: dir.items - 1, unchanged: dir.unchanged }
  }

  /**
   * Heap order of the `maxPaths` phase. With a tree: fewest unchanged objects per path saved (compared
   * by cross-multiplying, so no rounding), then most saved. Without: most immediate entries changed,
   * then most saved, then deepest. Always then by path, for determinism.
   */
  private readonly before = (a: Candidate, b: Candidate): boolean => {
    if (this.hasTree) {
      const x = a.unchanged * b.saves
      const y = b.unchanged * a.saves
      if (x !== y) return x < y
    } else if (a.dir.entries !== b.dir.entries) {
      return a.dir.entries > b.dir.entries
    }
    if (a.saves !== b.saves) return a.saves > b.saves
    if (a.dir.depth !== b.dir.depth) return a.dir.depth > b.dir.depth
    return a.dir.prefix < b.dir.prefix
  }

  /** Phase 2: collapse further, greedily, until `maxPaths` fits; `/*` last. */
  private fit(maxPaths: number): void {
    const heap = new Heap<Candidate>(this.before)
    for (const dir of this.order) if (this.isCandidate(dir)) heap.push(this.snapshot(dir))
    const push = (dir: Dir): void => {
      if (this.isCandidate(dir)) heap.push(this.snapshot(dir))
    }
    // Candidates that would break the wildcard quota wait until a choice frees a wildcard.
    const waiting = new Set<Dir>()
    while (this.billed() > maxPaths) {
      const top = heap.pop()
      if (top === undefined) break
      const dir = top.dir
      if (top.version !== dir.version || !this.isCandidate(dir)) continue
      if (!this.fitsQuota(dir)) {
        waiting.add(dir)
        continue
      }
      // The last step may overshoot: a small directory that just fits can beat the greedy pick.
      const need = this.billed() - maxPaths
      const next = this.hasTree && top.saves >= need ? this.finisher(need, top) : dir
      const freesQuota = next.wild > 1
      this.choose(next, push)
      if (freesQuota) {
        for (const d of waiting) push(d)
        waiting.clear()
      }
    }
    if (this.billed() > maxPaths && this.root.items >= 2) {
      this.choose(this.root)
      this.warnings.push(
        `max-paths ${maxPaths}: collapsed to /*, which invalidates every cached object of the distribution (${this.input.length} paths requested)`,
      )
    }
    if (this.billed() > maxPaths) {
      this.warnings.push(
        `max-paths ${maxPaths} cannot be met: the smallest plan bills ${this.billed()} paths, as cache tags and paths with a query string are never collapsed`,
      )
    }
  }

  /** The candidate that alone brings the plan within `maxPaths` evicting the fewest unchanged objects. */
  private finisher(need: number, best: Candidate): Dir {
    let pick = best
    for (const dir of this.order) {
      if (!this.isCandidate(dir) || dir.items - 1 < need || !this.fitsQuota(dir)) continue
      const c = this.snapshot(dir)
      // Fewest unchanged, then the smallest overshoot, then the deepest (it may hit objects the tree does
      // not list, such as another cache behaviour's, only under itself), then path order.
      const order =
        c.unchanged - pick.unchanged ||
        c.saves - pick.saves ||
        pick.dir.depth - c.dir.depth ||
        (c.dir.prefix < pick.dir.prefix ? -1 : 1)
      if (order < 0) pick = c
    }
    return pick.dir
  }

  /** The chosen directory that now stands for items in `dir`, if any. */
  private standIn(dir: Dir): Dir | undefined {
    for (let d: Dir | undefined = dir; d !== undefined; d = d.parent) if (d.chosen && !d.absorbed) return d
    return undefined
  }

  plan(maxPaths: number | undefined): CollapseResult {
    this.applyRule()
    if (maxPaths !== undefined && this.billed() > maxPaths) this.fit(maxPaths)

    const wildcards: CollapsedWildcard[] = []
    let unchanged = 0
    // Often nothing collapses and nothing repeats (a partial change): the plan is then the request as is.
    const anyChosen = this.order.some((d) => d.chosen)
    const keepAll = !anyChosen && this.redundant === 0
    const items: Item[] = keepAll ? this.input.slice() : []
    if (!keepAll) {
      const emitted = new Set<Dir>()
      const input = this.input
      for (let i = 0; i < input.length; i++) {
        const item = input[i]
        const fate = this.fates[i]
        if (item === undefined || fate === undefined || fate === 'drop') continue
        const dir = fate === 'keep' || !anyChosen ? undefined : this.standIn(fate)
        if (dir === undefined) {
          items.push(item)
          continue
        }
        if (emitted.has(dir)) continue
        emitted.add(dir)
        const value = `${dir.prefix}*`
        items.push({ kind: 'wildcard', value })
        const wildcard: CollapsedWildcard = { value, covers: dir.paths + dir.userWild }
        if (this.hasTree) wildcard.unchanged = dir.baseUnchanged
        unchanged += dir.baseUnchanged
        wildcards.push(wildcard)
      }
    }
    const result: CollapseResult = {
      items,
      requested: this.input.length,
      billed: items.length,
      wildcards,
      redundant: this.redundant,
      rootFallback: this.root.chosen,
      warnings: this.warnings,
    }
    if (this.hasTree) result.unchanged = unchanged
    return result
  }
}

function byPrefix(a: Dir, b: Dir): number {
  return a.prefix < b.prefix ? -1 : a.prefix > b.prefix ? 1 : 0
}

/** A binary heap; `before(a, b)` is true when `a` must come out first. */
class Heap<T> {
  private readonly a: T[] = []
  constructor(private readonly before: (x: T, y: T) => boolean) {}

  push(value: T): void {
    const a = this.a
    let i = a.length
    a.push(value)
    for (let parent = a[(i - 1) >> 1]; i > 0 && parent !== undefined; parent = a[(i - 1) >> 1]) {
      if (!this.before(value, parent)) break
      a[i] = parent
      i = (i - 1) >> 1
    }
    a[i] = value
  }

  pop(): T | undefined {
    const a = this.a
    const top = a[0]
    const last = a.pop()
    if (a.length === 0 || last === undefined) return top
    let i = 0
    for (;;) {
      const l = 2 * i + 1
      const left = a[l]
      if (left === undefined) break
      const right = a[l + 1]
      const [child, value] = right !== undefined && this.before(right, left) ? [l + 1, right] : [l, left]
      if (!this.before(value, last)) break
      a[i] = value
      i = child
    }
    a[i] = last
    return top
  }
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
  let line = `${n(result.requested)} requested paths -> ${n(result.billed)} billed (est. ${cost})`
  if (result.redundant > 0) line += `; ${n(result.redundant)} already covered by requested wildcards`
  if (result.wildcards.length > 0) {
    const list = result.wildcards.map(
      (w) =>
        `${w.value} covers ${n(w.covers)}` +
        (w.unchanged === undefined ? '' : `, ${n(w.unchanged)} unchanged`),
    )
    line += `; ${result.wildcards.length} wildcard${result.wildcards.length === 1 ? '' : 's'}: ${list.join('; ')}`
  }
  return line
}
