/**
 * The planner's phases over the trie (collapse-trie.ts): phase 1 applies the rule within the wildcard
 * quota, phase 2 collapses further, greedily from a heap, until `maxPaths` fits. What it decides, and why,
 * is explained in collapse.ts; the rule's thresholds live in collapse-rule.ts.
 */
import { MAX_WILDCARD_PATHS_IN_PROGRESS } from '../constants.js'
import type { CollapsedWildcard, CollapseResult } from './collapse.js'
import { PRIOR_MIN_DIRECT_PATHS, ruleCollapses, type TreeCounts } from './collapse-rule.js'
import { Trie, type Dir, type Fate } from './collapse-trie.js'
import type { Item } from './encode.js'
import { Heap } from './heap.js'
import { plural } from '../format.js'

/** An entry of the `maxPaths` phase's heap: a snapshot of a directory's live values when pushed. */
interface Candidate {
  dir: Dir
  version: number
  /** Billed paths saved by collapsing the directory now. */
  saves: number
  unchanged: number
}

/** One distribution's plan: `new Planner(items, …).plan(maxPaths)`, once (the trie's live values change). */
export class Planner {
  /** Directories in creation order: a parent always comes before its children. */
  private readonly order: Dir[]
  private readonly root: Dir
  private readonly fates: Fate[]
  /** Items never rewritten (tags, query strings): they bill as they are. */
  private readonly fixed: number
  private readonly fixedWild: number
  private readonly redundant: number
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
    const trie = new Trie(input, tree, distinct)
    this.order = trie.order
    this.root = trie.root
    this.fates = trie.fates
    this.fixed = trie.fixed
    this.fixedWild = trie.fixedWild
    this.redundant = trie.redundant
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
        `max-paths ${maxPaths}: collapsed to /*, which invalidates every cached object of the distribution (${plural(this.input.length, 'path')} requested)`,
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
