/**
 * What edge verification can check for one distribution: each invalidated path in the form browsers
 * request it, the known objects under each invalidated wildcard, and the directory URL of an invalidated
 * index document when that URL itself was not invalidated. Then a deterministic sample of them. Pure.
 */
import { encodePath, type Item } from '../paths/encode.js'
import { browserPath } from './browser-url.js'

/**
 * Why a URL is checked: `path`, an invalidated path; `object`, a known object under an invalidated
 * wildcard; `directory`, the directory URL that serves an invalidated index document (`/docs/` for
 * `/docs/index.html`) but was not invalidated itself.
 */
export type CandidateKind = 'path' | 'object' | 'directory'

/** One URL to check. */
export interface Candidate {
  /** The URL path (and query) as a browser requests it: the cache key viewers create. */
  path: string
  /** The invalidated form whose invalidation should have cleared it (for `directory`: the index document). */
  submitted: string
  kind: CandidateKind
}

/** An item that cannot be checked: a cache tag, or a wildcard with no known object under it. */
export interface Unchecked {
  item: string
  why: string
}

export interface CandidateOptions {
  /** Everything invalidated on the distribution, as submitted (to tell whether a directory URL was). */
  invalidated: readonly string[]
  /** URL paths of the site's objects (encoded, `*` raw), when the tree is known. */
  tree?: readonly string[]
  /** `index-document` ('' when off). */
  indexDocument: string
}

/** Why a wildcard or a tag is left unchecked, as the summary words it. */
export const WHY_TAG = 'cache tag: no URL to request'
export const WHY_WILDCARD =
  'wildcard with no known object under it (the tree is known with files, diff or sync-log)'

/**
 * The URLs that `items` (paths, wildcards, tags) give to check, distinct by browser form, in item order;
 * and what cannot be checked.
 */
export function candidatesFor(
  items: readonly Item[],
  options: CandidateOptions,
): { candidates: Candidate[]; unchecked: Unchecked[] } {
  const candidates: Candidate[] = []
  const unchecked: Unchecked[] = []
  const seen = new Set<string>()
  const add = (submitted: string, kind: CandidateKind, path = browserPath(submitted)): void => {
    if (seen.has(path)) return
    seen.add(path)
    candidates.push({ path, submitted, kind })
  }
  const wildcards: string[] = []
  for (const item of items) {
    if (item.kind === 'path') add(item.value, 'path')
    else if (item.kind === 'tag') unchecked.push({ item: item.value, why: WHY_TAG })
    else wildcards.push(item.value)
  }
  const paths = items.filter((i) => i.kind === 'path').map((i) => i.value)
  const tree = options.tree === undefined ? undefined : sortedOnce(options.tree)
  for (const w of wildcards) {
    const prefix = w.slice(0, -1)
    const objects = tree === undefined ? [] : underPrefix(tree, prefix)
    for (const url of objects) add(url, 'object')
    // Requested paths under it (collapsed into it) are checked as paths: they are its known objects too.
    if (objects.length === 0 && !paths.some((p) => p.startsWith(prefix)))
      unchecked.push({ item: w, why: WHY_WILDCARD })
  }
  if (options.indexDocument !== '') addDirectories(candidates, options, add)
  return { candidates, unchecked }
}

/** For each invalidated index document whose directory URL was not invalidated, that directory URL. */
function addDirectories(
  candidates: readonly Candidate[],
  options: CandidateOptions,
  add: (submitted: string, kind: CandidateKind, path: string) => void,
): void {
  const name = `/${encodePath(options.indexDocument, true)}`
  const exact = new Set(options.invalidated)
  const prefixes = options.invalidated.filter((v) => v.endsWith('*')).map((v) => v.slice(0, -1))
  for (const c of candidates.slice()) {
    if (c.kind !== 'path' || !c.submitted.endsWith(name)) continue
    const dir = c.submitted.slice(0, -name.length + 1)
    if (exact.has(dir) || prefixes.some((p) => dir.startsWith(p))) continue
    add(c.submitted, 'directory', browserPath(dir))
  }
}

/** A sorted copy of a list, made once per list (the tree is shared by every distribution). */
const sortedCopies = new WeakMap<readonly string[], string[]>()
function sortedOnce(list: readonly string[]): string[] {
  let sorted = sortedCopies.get(list)
  if (sorted === undefined) sortedCopies.set(list, (sorted = [...list].sort()))
  return sorted
}

/** The entries of a sorted list that start with `prefix` (binary search for the first). */
function underPrefix(sorted: readonly string[], prefix: string): string[] {
  let lo = 0
  let hi = sorted.length
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if ((sorted[mid] ?? '') < prefix) lo = mid + 1
    else hi = mid
  }
  const out: string[] = []
  for (let i = lo; i < sorted.length && (sorted[i] ?? '').startsWith(prefix); i++) out.push(sorted[i] ?? '')
  return out
}

/**
 * Priority of a candidate in the sample (lower first): a path whose browser form differs from the
 * invalidated one (the likeliest miss), a directory URL that was not invalidated, a path with `%`
 * escapes, then the rest.
 */
function priority(c: Candidate): number {
  if (c.path !== c.submitted && c.kind !== 'directory') return 0
  if (c.kind === 'directory') return 1
  return c.submitted.includes('%') ? 2 : 3
}

/**
 * At most `n` candidates, chosen deterministically: by {@link priority}, and within one priority spread
 * over directories (see {@link spread}). Returned sorted by path, so a log reads in order.
 */
export function sampleCandidates(candidates: readonly Candidate[], n: number): Candidate[] {
  const groups: Candidate[][] = [[], [], [], []]
  for (const c of candidates) groups[priority(c)]?.push(c)
  const picked: Candidate[] = []
  for (const group of groups) {
    if (picked.length >= n) break
    picked.push(...spread(group, n - picked.length, (c) => c.path))
  }
  return picked.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))
}

/**
 * `k` of `items`, spread over their directories: each directory gets its share in turn (when there are
 * more directories than places, evenly spaced ones among them, in sorted order), and within a directory
 * the chosen entries are evenly spaced over its sorted list. Deterministic: the same list gives the same
 * sample on every run.
 */
export function spread<T>(items: readonly T[], k: number, keyOf: (t: T) => string): T[] {
  if (k <= 0) return []
  if (items.length <= k) return items.slice()
  const byDir = new Map<string, T[]>()
  for (const t of items) {
    const key = keyOf(t)
    const dir = key.slice(0, key.lastIndexOf('/', key.endsWith('/') ? key.length - 2 : undefined) + 1)
    const list = byDir.get(dir)
    if (list === undefined) byDir.set(dir, [t])
    else list.push(t)
  }
  const dirs = [...byDir.keys()].sort().map((d) => {
    const list = (byDir.get(d) ?? []).sort((a, b) => (keyOf(a) < keyOf(b) ? -1 : 1))
    return { list, take: 0 }
  })
  let left = k
  while (left > 0) {
    const open = dirs.filter((d) => d.take < d.list.length)
    if (open.length <= left) {
      for (const d of open) d.take++
      left -= open.length
    } else {
      for (let i = 0; i < left; i++) {
        const d = open[Math.floor(((i + 0.5) * open.length) / left)]
        if (d !== undefined) d.take++
      }
      left = 0
    }
  }
  const out: T[] = []
  for (const { list, take } of dirs) {
    for (let j = 0; j < take; j++) {
      const t = list[Math.floor(((j + 0.5) * list.length) / take)]
      if (t !== undefined) out.push(t)
    }
  }
  return out
}
