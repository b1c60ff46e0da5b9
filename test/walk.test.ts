import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { InputError } from '../src/errors.js'
import { compileFilePatterns, type FileMatcher } from '../src/paths/glob.js'
import { filesToItems } from '../src/paths/url.js'
import { runPaths, walkFiles } from '../src/paths/walk.js'

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
    const { files, unmatchedPatterns } = walkFiles(root, compileFilePatterns(['**/*.html', '!node_modules/']))
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
    const result = walkFiles(root, compileFilePatterns(['**']))
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

function write(path: string): void {
  mkdirSync(dirname(path), { recursive: true })
  writeFileSync(path, '')
}

function catchError(f: () => unknown): unknown {
  try {
    f()
  } catch (e) {
    return e
  }
  throw new Error('expected a throw')
}
