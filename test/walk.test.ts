import { execFileSync } from 'node:child_process'
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  realpathSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, relative } from 'node:path'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { InputError } from '../src/errors.js'
import { compileFilePatterns, type FileMatcher } from '../src/paths/glob.js'
import { filesToItems } from '../src/paths/url.js'
import { runPaths, walkFiles } from '../src/paths/walk.js'
import { catchError } from './support/catch-error.js'

// readdirSync as ever, but counted: the walk must read each real directory once (see readsDuring).
vi.mock('node:fs', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs')>()
  return { ...fs, readdirSync: vi.fn(fs.readdirSync) }
})

describe('walkFiles on a real directory', () => {
  let base: string
  let root: string
  const canSymlink = process.platform !== 'win32'

  beforeAll(() => {
    base = mkdtempSync(join(tmpdir(), 'cfi-walk-'))
    root = join(base, 'site')
    const files = [
      'index.html',
      'about/index.html',
      'about/team.html',
      'css/site.css',
      'js/app.js',
      'js/app.js.map',
      '.well-known/security.txt',
      '.hidden.html',
      'ünï côdé/página 1.html',
      'odd/100%.html',
      'odd/what?.html',
      'odd/#hash.html',
      'odd/star*name.html',
      '.git/HEAD',
      '.git/objects/ab/cdef.html',
      'sub/.git',
      'node_modules/pkg/index.html',
      'Upper/B.html',
      'upper/a.html',
    ]
    for (const f of files) write(join(root, f))
    write(join(base, 'outside/shared.html'))
    if (canSymlink) {
      symlinkSync(join(root, 'about/team.html'), join(root, 'team-link.html')) // a file symlink
      symlinkSync(join(base, 'outside'), join(root, 'linked')) // a directory symlink, out of root
      symlinkSync('..', join(root, 'about/up')) // a loop: about/up/about/up/...
      symlinkSync('.', join(root, 'self')) // a loop to itself
      symlinkSync(base, join(root, 'css/base')) // a loop through root's parent
      symlinkSync(join(root, 'missing'), join(root, 'dangling.html'))
      symlinkSync('js', join(root, 'js-alias')) // a sibling: not a loop, served under both names
      try {
        execFileSync('mkfifo', [join(root, 'pipe.html')])
      } catch {
        // no mkfifo here: the special-file case is then just not exercised
      }
    }
  })
  afterAll(() => rmSync(base, { recursive: true, force: true }))

  it('selects dotfiles, unicode and odd names; never .git; sorts by code unit', () => {
    const { files, unmatchedPatterns } = walkFiles(
      root,
      compileFilePatterns(['**/*.html', '!node_modules/']),
      {
        within: base,
      },
    )
    const expected = [
      '.hidden.html',
      'Upper/B.html',
      'about/index.html',
      'about/team.html',
      'index.html',
      'odd/#hash.html',
      'odd/100%.html',
      'odd/star*name.html',
      'odd/what?.html',
      'upper/a.html',
      'ünï côdé/página 1.html',
    ]
    if (canSymlink) expected.push('linked/shared.html', 'team-link.html')
    expect(files).toEqual([...expected].sort())
    expect(unmatchedPatterns).toEqual([])
  })

  it.runIf(canSymlink)('follows symlinks, skips loops and dangling links without hanging', () => {
    const result = walkFiles(root, compileFilePatterns(['**']), { within: base })
    expect(result.files).toContain('linked/shared.html')
    expect(result.files).toContain('team-link.html')
    expect(result.files).toContain('js-alias/app.js') // a sibling link is walked
    expect(result.files.filter((f) => f.includes('/up/') || f.startsWith('self/'))).toEqual([])
    expect(result.files.some((f) => f.startsWith('css/base/'))).toBe(false)
    expect(result.files).not.toContain('pipe.html')
    expect(result.files).not.toContain('dangling.html')
    expect(result.skipped.sort()).toEqual([
      'about/up: symlink loop (leads back to a parent directory)',
      'css/base: symlink loop (leads back to a parent directory)',
      expect.stringMatching(/^dangling\.html: broken symlink/),
      'self: symlink loop (leads back to a parent directory)',
    ])
    expect(result.outside).toEqual([])
    expect(result.unreadable).toEqual([])
  })

  it.runIf(canSymlink)(
    'follows no symlink out of root and `within` (the workspace), files or directories',
    () => {
      const matcher = compileFilePatterns(['**/*.html'])
      const inRoot = walkFiles(root, matcher)
      // css/base leads to root's parent: outside root, whatever else it is.
      expect(inRoot.outside.sort()).toEqual(['css/base', 'linked'])
      expect(inRoot.files).not.toContain('linked/shared.html')
      expect(inRoot.files).toContain('team-link.html') // a link within root
      symlinkSync(join(base, 'outside/shared.html'), join(root, 'about/ext.html'))
      try {
        const again = walkFiles(root, matcher, { within: join(base, 'site') })
        expect(again.outside.sort()).toEqual(['about/ext.html', 'css/base', 'linked'])
        expect(again.files).not.toContain('about/ext.html')
        expect(walkFiles(root, matcher, { within: base }).files).toContain('about/ext.html')
      } finally {
        rmSync(join(root, 'about/ext.html'))
      }
      // A root in the workspace may not be a symlink leading out of it …
      const e = catchError(() => walkFiles(join(base, 'site/linked'), matcher, { within: root }))
      expect(e).toBeInstanceOf(InputError)
      expect((e as Error).message).toMatch(
        /^Input 'root': "[^"]*linked" is a symlink to .*outside the workspace/,
      )
      // … while a root outside the workspace is walked, and its links within itself or into the workspace.
      const outside = join(base, 'outside')
      const within = { within: join(root, 'about') }
      expect(walkFiles(outside, compileFilePatterns(['**']), within).files).toEqual(['shared.html'])
      symlinkSync(join(root, 'about'), join(outside, 'about'))
      symlinkSync(join(root, 'css'), join(outside, 'css'))
      symlinkSync('shared.html', join(outside, 'same.html'))
      try {
        const linked = walkFiles(outside, compileFilePatterns(['**']), within)
        expect(linked.files).toEqual(['about/index.html', 'about/team.html', 'same.html', 'shared.html'])
        expect(linked.outside.sort()).toEqual(['about/up', 'css']) // about/up leads to root: outside too
      } finally {
        for (const link of ['about', 'css', 'same.html']) rmSync(join(outside, link))
      }
    },
  )

  it('checks the deadline before each directory it reads, and stops when the check throws', () => {
    let checks = 0
    const counted = walkFiles(root, compileFilePatterns(['**']), { checkDeadline: () => void checks++ })
    const dirs = new Set(counted.files.map((f) => f.slice(0, f.lastIndexOf('/') + 1)))
    expect(checks).toBeGreaterThanOrEqual(dirs.size)
    let left = 3
    const stop = new Error('timeout')
    const e = catchError(() =>
      walkFiles(root, compileFilePatterns(['**']), {
        checkDeadline: () => {
          if (--left < 0) throw stop
        },
      }),
    )
    expect(e).toBe(stop)
  })

  it('reports positive patterns that selected nothing', () => {
    const result = walkFiles(root, compileFilePatterns(['**/*.css', 'blog/**', '**/*.php', '!**/*.tmp']))
    expect(result.files).toEqual(['css/site.css'])
    expect(result.unmatchedPatterns).toEqual(['blog/**', '**/*.php'])
  })

  it('with all: lists the whole tree too, and a pruned walk selects what filtering the tree would', () => {
    const lists = [
      ['about/**'],
      ['**/*.html'],
      ['**/*.html', '!node_modules/'],
      ['index.html'],
      ['!**/*.map'],
    ]
    for (const patterns of lists) {
      const matcher = compileFilePatterns(patterns)
      const full = walkFiles(root, matcher, { all: true })
      expect(full.all.length).toBeGreaterThan(15)
      expect(full.all.some((f) => f.startsWith('.git/') || f === 'sub/.git')).toBe(false)
      expect(full.all).toEqual([...full.all].sort())
      expect(walkFiles(root, matcher).files).toEqual(full.all.filter((f) => matcher.matches(f)))
      expect(full.files).toEqual(walkFiles(root, matcher).files)
    }
  })

  it('gives the selected files as runs: one directory each, names sorted, in the order of files', () => {
    for (const patterns of [['**'], ['**/*.html'], ['about/**', 'odd/'], ['!**/*.map']]) {
      const matcher = compileFilePatterns(patterns)
      for (const result of [
        walkFiles(root, matcher),
        walkFiles(root, matcher, { all: true }),
        walkFiles(root, matcher, { counts: true }),
      ]) {
        const { runs } = result
        expect(runs.length).toBeGreaterThan(1)
        expect(runPaths(runs)).toEqual(result.files)
        for (const run of runs) {
          expect(run.names.length).toBeGreaterThan(0)
          expect(run.dir === '' || run.dir.endsWith('/')).toBe(true)
          expect(run.names.every((n) => !n.includes('/'))).toBe(true)
          expect(run.names).toEqual([...run.names].sort())
        }
        // Two runs in a row are of different directories (a run ends where a subdirectory comes).
        expect(runs.slice(1).every((run, i) => run.dir !== runs[i]?.dir)).toBe(true)
      }
    }
  })

  it('never looks inside a directory the patterns rule out', () => {
    const inner = compileFilePatterns(['**', '!node_modules/'])
    const asked: string[] = []
    // A matcher of our own (not from compileFilePatterns) also exercises the walk's generic path.
    const spy: FileMatcher = {
      patterns: inner.patterns,
      matches: (p) => inner.matches(p),
      mayMatchUnder: (d) => inner.mayMatchUnder(d),
      select: (ps) => inner.select(ps),
      tracker: () => {
        const t = inner.tracker()
        return {
          matches: (p) => {
            asked.push(p)
            return t.matches(p)
          },
          unmatchedPatterns: () => t.unmatchedPatterns(),
        }
      },
    }
    const { files } = walkFiles(root, spy)
    expect(files).toContain('index.html')
    expect(asked).toContain('about/team.html')
    expect(asked.filter((p) => p.startsWith('node_modules/'))).toEqual([])
  })

  it('maps what it finds to URLs, odd names included', () => {
    const { files } = walkFiles(root, compileFilePatterns(['odd/', 'index.html', 'ünï côdé/']))
    expect(filesToItems(files, { prefix: '/', indexDocument: 'index.html' })).toEqual([
      { kind: 'path', value: '/index.html' },
      { kind: 'path', value: '/' },
      { kind: 'path', value: '/odd/%23hash.html' },
      { kind: 'path', value: '/odd/100%25.html' },
      { kind: 'wildcard', value: '/odd/star*' },
      { kind: 'path', value: '/odd/what%3F.html' },
      { kind: 'path', value: '/%C3%BCn%C3%AF%20c%C3%B4d%C3%A9/p%C3%A1gina%201.html' },
    ])
  })

  it('leaves out the tree when all is not asked for', () => {
    expect('all' in walkFiles(root, compileFilePatterns(['**']))).toBe(false)
  })

  it('accepts a root given through a symlink', () => {
    if (!canSymlink) return
    const link = join(base, 'site-link')
    symlinkSync(root, link)
    expect(walkFiles(link, compileFilePatterns(['about/**'])).files).toEqual([
      'about/index.html',
      'about/team.html',
    ])
  })

  it.each([
    ['missing', 'does not exist'],
    ['site/index.html', 'is not a directory'],
  ])('root %j: one InputError line naming root', (rel, detail) => {
    const e = catchError(() => walkFiles(join(base, rel), compileFilePatterns(['**'])))
    expect(e).toBeInstanceOf(InputError)
    expect(e).toMatchObject({ input: 'root' })
    expect((e as Error).message).toMatch(new RegExp(`^Input 'root': .*${detail}`))
    expect((e as Error).message).not.toContain('\n')
  })
})

describe.runIf(process.platform !== 'win32')(
  'walkFiles: directories reached through several symlinks',
  () => {
    let root: string
    beforeAll(() => {
      root = mkdtempSync(join(tmpdir(), 'cfi-walk-links-'))
    })
    afterAll(() => rmSync(root, { recursive: true, force: true }))

    /**
     * The symlink bomb: d0 … d20, each with a page and (but the last) two links, a and b, to the next one.
     * Walked path by path, d0 alone would take 2^20 directories.
     */
    function bomb(dir: string, depth: number): void {
      for (let i = 0; i <= depth; i++) {
        write(join(dir, `d${i}`, 'page.html'))
        if (i < depth) for (const link of ['a', 'b']) symlinkSync(`../d${i + 1}`, join(dir, `d${i}`, link))
      }
    }

    it('lists each directory under its own path and the first link that reaches it, and reads it once', () => {
      const dir = join(root, 'bomb')
      bomb(dir, 20)
      const matcher = compileFilePatterns(['**/*.html'])
      const { result, reads } = readsDuring(dir, () => walkFiles(dir, matcher))
      // Root and d0 … d20, each read once, though d1 … d20 are each listed under two paths.
      expect(reads).toEqual(
        new Map(['', ...Array.from({ length: 21 }, (_, i) => `d${i}`)].map((d) => [d, 1])),
      )
      const real = Array.from({ length: 21 }, (_, i) => `d${i}/page.html`)
      // Through links: d0/a is d1, d0/a/a is d2, … the first link met to each directory, in sorted order.
      const linked = Array.from({ length: 20 }, (_, i) => `d0/${'a/'.repeat(i + 1)}page.html`)
      expect(result.files).toEqual([...real, ...linked].sort())
      // Every other link leads to a directory walked already: skipped, and said so for the debug log. The
      // walk met two links in each of d0 … d19 and in each of d0/a … (19 directories), and followed 20.
      expect(result.skipped).toHaveLength(2 * (20 + 19) - 20)
      expect(result.skipped).toContain('d0/b: the same directory as d0/a/, already walked')
      // The tree (all, counts) is bounded alike, and read alike.
      const all = readsDuring(dir, () => walkFiles(dir, matcher, { all: true }))
      expect(all.result.all).toEqual(result.files)
      expect(all.reads).toEqual(reads)
      const counts = readsDuring(dir, () => walkFiles(dir, matcher, { counts: true }))
      expect([...counts.result.dirCounts.keys()].sort()).toEqual(
        result.files.map((f) => `${dirname(f)}/`).sort(),
      )
      expect(counts.reads).toEqual(reads)
    })

    it('keeps listing one alias of a sibling under both names, a second alias under one', () => {
      const dir = join(root, 'siblings')
      write(join(dir, 'v2/index.html'))
      symlinkSync('v2', join(dir, 'latest'))
      symlinkSync('v2', join(dir, 'stable'))
      const { result, reads } = readsDuring(dir, () => walkFiles(dir, compileFilePatterns(['**'])))
      expect(result.files).toEqual(['latest/index.html', 'v2/index.html'])
      expect(result.skipped).toEqual(['stable: the same directory as latest/, already walked'])
      expect(reads).toEqual(
        new Map([
          ['', 1],
          ['v2', 1],
        ]),
      )
    })

    /**
     * docs/latest -> v2 (the link sorts before the directory: its listing is read through the link) and
     * releases/stable -> 2.0 (after it: read under its own path), each with a subdirectory.
     */
    function versions(dir: string): void {
      const files = ['index.html', 'guide/a.html', 'guide/b.css']
      for (const f of files) write(join(dir, 'docs/v2', f))
      for (const f of files) write(join(dir, 'releases/2.0', f))
      symlinkSync('v2', join(dir, 'docs/latest'))
      symlinkSync('2.0', join(dir, 'releases/stable'))
    }
    const versionDirs = [
      '',
      'docs',
      'docs/v2',
      'docs/v2/guide',
      'releases',
      'releases/2.0',
      'releases/2.0/guide',
    ]

    it.each([
      [
        ['**/*.html'],
        ['docs/latest/', 'docs/v2/', 'releases/2.0/', 'releases/stable/'].flatMap((d) => [
          `${d}guide/a.html`,
          `${d}index.html`,
        ]),
      ],
      // The patterns see the path of each visit: a listing read under one name is filtered for the other.
      [
        ['docs/latest/**', 'releases/2.0/guide/*.css', 'releases/stable/index.html'],
        [
          'docs/latest/guide/a.html',
          'docs/latest/guide/b.css',
          'docs/latest/index.html',
          'releases/2.0/guide/b.css',
          'releases/stable/index.html',
        ],
      ],
      [
        ['docs/v2/guide/', 'releases/stable/**'],
        [
          'docs/v2/guide/a.html',
          'docs/v2/guide/b.css',
          'releases/stable/guide/a.html',
          'releases/stable/guide/b.css',
          'releases/stable/index.html',
        ],
      ],
    ])('reads a directory once whether its link sorts before or after it: %j', (patterns, expected) => {
      const dir = join(root, `versions-${patterns.join(',').replace(/\W+/g, '-')}`)
      versions(dir)
      const matcher = compileFilePatterns(patterns)
      const plain = readsDuring(dir, () => walkFiles(dir, matcher))
      expect(plain.result.files).toEqual(expected)
      expect(plain.result.skipped).toEqual([])
      // Each directory read at most once (a plain walk skips those the patterns rule out under every name).
      expect([...plain.reads.values()].every((n) => n === 1)).toBe(true)
      // The tree: every directory read, once.
      const all = readsDuring(dir, () => walkFiles(dir, matcher, { all: true }))
      expect(all.result.files).toEqual(expected)
      expect(all.result.all).toEqual(
        ['docs/latest/', 'docs/v2/', 'releases/2.0/', 'releases/stable/'].flatMap((d) => [
          `${d}guide/a.html`,
          `${d}guide/b.css`,
          `${d}index.html`,
        ]),
      )
      expect([...all.reads].sort()).toEqual(versionDirs.map((d) => [d, 1]))
      const counts = readsDuring(dir, () => walkFiles(dir, matcher, { counts: true }))
      expect(counts.result.files).toEqual(expected)
      expect(counts.result.dirCounts.get('releases/stable/guide/')).toEqual({
        objects: 2, // a.html, b.css
        selected: expected.filter((f) => f.startsWith('releases/stable/guide/')).length,
      })
      expect([...counts.reads].sort()).toEqual(versionDirs.map((d) => [d, 1]))
    })

    it('reads each directory once through nested links, wherever they sort', () => {
      // a/y -> c is met before c (c is read through it); b/l -> a after a (a, a/x, a/x/deep were read
      // under their own paths); c/back -> a/x/deep, first met through a/y, after deep was read.
      const dir = join(root, 'nested')
      for (const f of ['a/x/f.html', 'a/x/deep/g.html', 'c/h.html']) write(join(dir, f))
      mkdirSync(join(dir, 'b'))
      symlinkSync('../c', join(dir, 'a/y'))
      symlinkSync('../a', join(dir, 'b/l'))
      symlinkSync('../a/x/deep', join(dir, 'c/back'))
      const { result, reads } = readsDuring(dir, () => walkFiles(dir, compileFilePatterns(['**'])))
      expect(result.files).toEqual([
        'a/x/deep/g.html',
        'a/x/f.html',
        'a/y/back/g.html',
        'a/y/h.html',
        'b/l/x/f.html',
        'c/h.html',
      ])
      expect(result.skipped).toEqual([
        'b/l/x/deep: the same directory as a/y/back/, already walked',
        'b/l/y: the same directory as a/y/, already walked',
        'c/back: the same directory as a/y/back/, already walked',
      ])
      expect(reads).toEqual(new Map(['', 'a', 'a/x', 'a/x/deep', 'c', 'b'].map((d) => [d, 1])))
    })
  },
)

/**
 * What `walk` returned, and how many times it read each real directory (`readdirSync`), by real path
 * relative to `dir` ('' for dir itself), in the order first read.
 */
function readsDuring<T>(dir: string, walk: () => T): { result: T; reads: Map<string, number> } {
  const readdir = vi.mocked(readdirSync)
  readdir.mockClear()
  const result = walk()
  const reads = new Map<string, number>()
  for (const [path] of readdir.mock.calls) {
    const real = relative(realpathSync(dir), realpathSync(String(path)))
    reads.set(real, (reads.get(real) ?? 0) + 1)
  }
  return { result, reads }
}

function write(path: string): void {
  mkdirSync(dirname(path), { recursive: true })
  writeFileSync(path, '')
}
