/**
 * The collapse planner's data: a trie of the directories that hold requested items, each with its own
 * and its subtree's counts of requested paths, user wildcards and tree objects (changed and unchanged).
 * Built once per distribution and plan; the phases in collapse-planner.ts then change only the live
 * values (`items`, `wild`, `unchanged`, `chosen`, `absorbed`).
 */
import { dirOf, isCounts, type TreeCounts } from './collapse-rule.js'
import type { Item } from './encode.js'

/** A directory of the trie (its prefix ends in `/`) holding at least one requested item. */
export interface Dir {
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

/**
 * Where each requested item went while building the trie: kept as it is, dropped, or held by the trie
 * under its directory. A directory itself, not a wrapper: one object per item would cost 100,000
 * allocations on a big site.
 */
export type Fate = 'keep' | 'drop' | Dir

/** The trie for one request: its directories, and where each requested item went. */
export class Trie {
  private readonly dirs = new Map<string, Dir>()
  /** Directories in creation order: a parent always comes before its children. */
  readonly order: Dir[] = []
  readonly root: Dir
  /** Per requested item, in input order: kept as it is, dropped, or held under a directory. */
  readonly fates: Fate[] = []
  // Counts set while building, read-only afterwards.
  /** Items never rewritten (tags, query strings): they bill as they are. */
  fixed = 0
  /** User wildcards among the fixed items. */
  fixedWild = 0
  /** Items dropped: repeated, or covered by a requested wildcard. */
  redundant = 0

  constructor(
    private readonly input: readonly Item[],
    tree: ReadonlySet<string> | readonly string[] | TreeCounts | undefined,
    distinct: boolean,
  ) {
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
}
