/**
 * The collapse planner given per-directory counts (what a walk can say cheaply) must plan exactly as it
 * does given every object's URL. Checked on random sites and requests, with deletions and max-paths.
 */
import { describe, expect, it } from 'vitest'
import { collapse } from '../src/paths/collapse.js'
import { filesToItems, fileUrls } from '../src/paths/url.js'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { compileFilePatterns, walkFiles } from '../src/paths/walk.js'
import { countsTree, treeCounts } from '../src/sources/collect.js'

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
      const byCounts = collapse(items, { ...options, tree: treeCounts(all, requested, prefix) })
      expect(byCounts).toEqual(byList)
      if (byList.wildcards.length > 0) withWildcards++
    })
  }

  it('covers plans that do collapse (the comparison is not trivially equal)', () => {
    expect(withWildcards).toBeGreaterThan(30)
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
      } finally {
        rmSync(root, { recursive: true, force: true })
      }
    }
  })
})
