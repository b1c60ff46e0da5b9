/**
 * The collapse planner given per-directory counts (what a walk can say cheaply) must plan exactly as it
 * does given every object's URL. Checked on random sites and requests, with deletions and max-paths.
 */
import { describe, expect, it } from 'vitest'
import { collapse, ruleCannotFire } from '../src/paths/collapse.js'
import { filesToItems, fileUrls } from '../src/paths/url.js'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { compileFilePatterns, exactFiles } from '../src/paths/glob.js'
import { walkFiles } from '../src/paths/walk.js'
import type { TreeCounts } from '../src/paths/collapse.js'
import { countsTree } from '../src/sources/collect.js'

/**
 * The reference: the tree as counts straight from the full listing `all` and the requested files (which
 * may include deleted ones, not objects): per directory, its objects and how many are requested.
 */
function treeCounts(all: readonly string[], requested: readonly string[], prefix: string): TreeCounts {
  const wanted = new Set(requested)
  const byRel = new Map<string, { objects: number; selected: number }>()
  for (const rel of all) {
    const dir = rel.slice(0, rel.lastIndexOf('/') + 1)
    let counts = byRel.get(dir)
    if (counts === undefined) byRel.set(dir, (counts = { objects: 0, selected: 0 }))
    counts.objects++
    if (wanted.has(rel)) counts.selected++
  }
  return countsTree(byRel, prefix)
}

/** A small deterministic PRNG (mulberry32), so a failure names its seed. */
function rng(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

function site(r: () => number): string[] {
  const files = new Set<string>()
  const dirs = ['', 'a/', 'a/b/', 'a/b/c/', 'assets/', 'assets/js/', 'blog/', 'blog/2026/', 'dé jà/', 'z/']
  const n = 20 + Math.floor(r() * 400)
  for (let i = 0; i < n; i++) {
    const dir = dirs[Math.floor(r() * dirs.length)] ?? ''
    files.add(`${dir}${r() < 0.1 ? 'index.html' : `f${Math.floor(r() * 200)}.${r() < 0.5 ? 'html' : 'js'}`}`)
  }
  return [...files].sort()
}

describe('collapse with tree counts', () => {
  let withWildcards = 0
  let skipped = 0
  for (let seed = 1; seed <= 150; seed++) {
    it(`plans like the full tree (seed ${seed})`, () => {
      const r = rng(seed)
      const all = site(r)
      const share = r()
      const requested = all.filter(() => r() < share)
      // A diff may name deleted files, which are not in the tree.
      for (let i = 0; i < 5; i++) if (r() < 0.5) requested.push(`gone/${i}.html`, `a/gone-${i}.html`)
      requested.sort()
      const prefix = r() < 0.3 ? '/docs' : '/'
      const url = { prefix, indexDocument: 'index.html' }
      const items = filesToItems(requested, url)
      const maxPaths = r() < 0.3 ? 1 + Math.floor(r() * 20) : undefined
      const options = maxPaths === undefined ? {} : { maxPaths }
      const byList = collapse(items, { ...options, tree: fileUrls(all, prefix) })
      const counts = treeCounts(all, requested, prefix)
      const byCounts = collapse(items, { ...options, tree: counts })
      expect(byCounts).toEqual(byList)
      // Told the items are distinct (they are), the planner may skip the trie when the counts show that
      // nothing can collapse: the plan must not change.
      expect(collapse(items, { ...options, tree: counts, distinct: true })).toEqual(byList)
      // The shortcut applies when max-paths does not force more collapsing.
      if ((maxPaths === undefined || items.length <= maxPaths) && ruleCannotFire(items, counts)) {
        skipped++
        expect(byList.wildcards).toEqual([])
      }
      if (byList.wildcards.length > 0) withWildcards++
    })
  }

  it('covers plans that do collapse and plans the counts show cannot (neither side trivial)', () => {
    expect(withWildcards).toBeGreaterThan(30)
    expect(skipped).toBeGreaterThan(30)
  })

  describe('ruleCannotFire', () => {
    const tree = (dirs: Record<string, [objects: number, requested: number]>) => ({
      dirs: new Map(Object.entries(dirs).map(([d, [objects, requested]]) => [d, { objects, requested }])),
    })
    const paths = (dir: string, n: number) =>
      Array.from({ length: n }, (_, i) => ({ kind: 'path' as const, value: `${dir}f${i}.html` }))

    it('true for changes spread thin: every directory keeps most of its objects', () => {
      const t = tree({ '/': [5, 1], '/a/': [50, 20], '/a/b/': [50, 20] })
      expect(ruleCannotFire([...paths('/', 1), ...paths('/a/', 20), ...paths('/a/b/', 20)], t)).toBe(true)
    })

    it('false when a directory is mostly changed (or could be, counting items it does not place)', () => {
      expect(ruleCannotFire(paths('/a/', 19), tree({ '/a/': [20, 19] }))).toBe(false)
      // 17 of 20 changed: 3 unchanged need 27 requested paths for 90%. Items the counts do not place
      // could all sit under /a/: 17 + 10 of them reach 27, 17 + 9 do not.
      const t = tree({ '/a/': [20, 17] })
      expect(ruleCannotFire(paths('/a/', 17), t)).toBe(true)
      expect(ruleCannotFire([...paths('/a/', 17), ...paths('/gone/', 9)], t)).toBe(true)
      expect(ruleCannotFire([...paths('/a/', 17), ...paths('/gone/', 10)], t)).toBe(false)
    })

    it('false with a wildcard among the items, or 99 items it cannot place (+ a directory URL: 100)', () => {
      const t = tree({ '/a/': [100, 1] })
      expect(ruleCannotFire([...paths('/a/', 1), { kind: 'wildcard', value: '/b/*' }], t)).toBe(false)
      expect(ruleCannotFire([...paths('/a/', 1), ...paths('/x/', 98)], t)).toBe(true)
      expect(ruleCannotFire([...paths('/a/', 1), ...paths('/x/', 99)], t)).toBe(false)
    })

    it('places directory URLs in their own directory: an index document per directory is no obstacle', () => {
      const dirs: Record<string, [number, number]> = {}
      const items = []
      for (let d = 0; d < 300; d++) {
        dirs[`/s/d${d}/`] = [50, 20]
        items.push({ kind: 'path' as const, value: `/s/d${d}/` }, ...paths(`/s/d${d}/`, 20))
      }
      expect(ruleCannotFire(items, tree(dirs))).toBe(true)
      // The same directory URLs as typed paths with a query string cannot be placed: 300 unplaced.
      const queried = items.map((i) => (i.value.endsWith('/') ? { ...i, value: `${i.value}?v=1` } : i))
      expect(ruleCannotFire(queried, tree(dirs))).toBe(false)
    })

    it('false when the counts place more items than there are (a broken promise)', () => {
      expect(ruleCannotFire(paths('/a/', 1), tree({ '/a/': [100, 2] }))).toBe(false)
    })
  })

  it('counts objects and requested ones per directory, skipping deleted files', () => {
    const counts = treeCounts(
      ['a.html', 'd/x.html', 'd/y.html', 'd/z/q.html'],
      ['d/y.html', 'd/gone.html', 'a.html'],
      '/',
    )
    expect(Object.fromEntries(counts.dirs)).toEqual({
      '/': { objects: 1, requested: 1 },
      '/d/': { objects: 2, requested: 1 },
      '/d/z/': { objects: 1, requested: 0 },
    })
  })

  it('gets the same counts from the walk itself as from its full listing', () => {
    for (let seed = 1; seed <= 8; seed++) {
      const r = rng(seed * 7919)
      const root = mkdtempSync(join(tmpdir(), 'cfi-counts-'))
      try {
        for (const rel of site(r)) {
          mkdirSync(dirname(join(root, rel)), { recursive: true })
          writeFileSync(join(root, rel), '')
        }
        for (const patterns of [['**/*.html'], ['a/**', '!a/b/**'], ['**']]) {
          const matcher = compileFilePatterns(patterns)
          const listed = walkFiles(root, matcher, { all: true })
          const counted = walkFiles(root, matcher, { counts: true })
          expect(counted.files).toEqual(listed.files)
          expect(countsTree(counted.dirCounts, '/x')).toEqual(treeCounts(listed.all, listed.files, '/x'))
        }
        // A diff's files (some deleted, so not objects), counted by a walk that selects exactly them.
        const all = walkFiles(root, compileFilePatterns(['**']), { all: true }).all
        for (const share of [0, 0.02, 0.3, 1]) {
          const requested = all.filter(() => r() < share)
          requested.push('gone.html', 'a/b/gone.html', 'no/such/dir/x.html')
          const exact = walkFiles(root, exactFiles(requested), { counts: true })
          expect(exact.files).toEqual(all.filter((f) => requested.includes(f)))
          expect(countsTree(exact.dirCounts, '/')).toEqual(treeCounts(all, requested, '/'))
        }
      } finally {
        rmSync(root, { recursive: true, force: true })
      }
    }
  })
})
