import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { Minimatch } from 'minimatch'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { InputError } from '../src/errors.js'
import { filesToItems } from '../src/paths/url.js'
import type { FileMatcher } from '../src/paths/walk.js'
import { compileFilePatterns, runPaths, walkFiles } from '../src/paths/walk.js'

describe('compileFilePatterns: which files a list selects', () => {
  // [patterns, path, selected]
  const table: [string[], string, boolean][] = [
    // ** and single-level *
    [['**/*.html'], 'index.html', true],
    [['**/*.html'], 'a/b/c.html', true],
    [['**/*.html'], 'a/b/c.htm', false],
    [['*.html'], 'index.html', true],
    [['*.html'], 'a/index.html', false],
    // dotfiles and dot-directories match like anything else
    [['**/*.html'], '.hidden/a.html', true],
    [['**'], '.well-known/security.txt', true],
    [['.well-known/'], '.well-known/security.txt', true],
    [['.well-known/'], '.well-known/a/b', true],
    [['.well-known/'], 'well-known/x', false],
    [['*'], '.htaccess', true],
    [['**/*.html'], 'a/.html', true],
    // .git never, whatever the patterns say
    [['**'], '.git/config', false],
    [['**'], 'sub/.git/HEAD', false],
    [['**'], 'sub/.git', false],
    [['.git/**'], '.git/config', false],
    [['**'], '.github/workflows/ci.yml', true],
    [['**'], '.gitignore', true],
    [['**'], 'a.git/x', true],
    // negation: the last pattern that matches decides
    [['**', '!**/*.map'], 'app.js.map', false],
    [['**', '!**/*.map'], 'app.js', true],
    [['**', '!drafts/', 'drafts/keep.html'], 'drafts/keep.html', true],
    [['**', '!drafts/', 'drafts/keep.html'], 'drafts/other.html', false],
    [['drafts/keep.html', '!drafts/'], 'drafts/keep.html', false],
    [['!**/*.map'], 'app.js', true], // only negatives: start from every file
    [['!**/*.map'], 'app.js.map', false],
    [[], 'index.html', false], // an empty list selects nothing
    [['', '  ', '# a comment'], 'index.html', false],
    [['  **/*.css  '], 'a/b.css', true],
    // leading / and ./ are relative to root
    [['/index.html'], 'index.html', true],
    [['./docs/**'], 'docs/a.html', true],
    [['/'], 'a/b', true],
    // braces, classes, extglobs, escapes
    [['**/*.{css,js}'], 'a/b.js', true],
    [['**/*.{css,js}'], 'a/b.css', true],
    [['**/*.{css,js}'], 'a/b.json', false],
    [['{docs,blog}/**'], 'blog/x', true],
    [['{docs,blog}/**'], 'news/x', false],
    [['img/[a-c]*.png'], 'img/b1.png', true],
    [['img/[a-c]*.png'], 'img/d1.png', false],
    [['**/+(a|b).js'], 'x/ab.js', true],
    [['\\#notes.txt'], '#notes.txt', true],
    [['\\!bang.txt'], '!bang.txt', true],
    [['**/a\\*b.txt'], 'x/a*b.txt', true],
    [['**/a\\*b.txt'], 'x/axb.txt', false],
    // case-sensitive, like S3 keys and CloudFront paths
    [['**/*.HTML'], 'a.html', false],
    [['**/*.html'], 'A.HTML', false],
    [['Docs/**'], 'docs/a', false],
    // unicode and spaces are plain characters
    [['**/*.html'], 'ünï côdé/página 1.html', true],
    [['ünï côdé/**'], 'ünï côdé/x', true],
    // a directory pattern without ** does not select the files in it
    [['docs/**'], 'docs', false],
    [['docs'], 'docs/a.html', false],
  ]
  it.each(table)('%j selects %j: %s', (patterns, path, selected) => {
    expect(compileFilePatterns(patterns).matches(path)).toBe(selected)
  })

  it('keeps the patterns in effect, as written', () => {
    expect(compileFilePatterns(['', ' a/** ', '# c', '!b']).patterns).toEqual(['a/**', '!b'])
  })

  it.each([
    ['../outside/**', "contains '..'"],
    ['a/../../b', "contains '..'"],
    ['x'.repeat(70_000), 'not a valid glob'],
  ])('rejects %j as an InputError on files', (pattern, detail) => {
    const e = catchError(() => compileFilePatterns([pattern]))
    expect(e).toBeInstanceOf(InputError)
    expect(e).toMatchObject({ input: 'files' })
    expect((e as Error).message).toContain(detail)
  })
})

describe('compileFilePatterns: the fast shapes agree with minimatch', () => {
  // Each pattern is tested alone, so its own shortcut (or minimatch fallback) answers; minimatch with
  // the same options is the reference. The corpus has the traps: dotfiles, near misses, deep paths.
  const patterns = [
    '**/*.html',
    '*.html',
    '**',
    '*',
    'docs/**',
    'docs/**/*.html',
    'docs/**/index.html',
    '**/index.html',
    'index.html',
    'a/b/c.txt',
    '{docs,blog}/**',
    '**/*.{css,js}',
    '*/index.html',
    'a/*/c/**',
    '**/a/**',
    'img/**/*[0-9].png',
    '**/*.{1..300}',
    '**/*.{1..3}',
    '**/.*',
    'docs/*',
    '**/*s',
    'a/**/a',
  ]
  const paths = [
    'index.html',
    'a.html',
    '.html',
    'a/.html',
    'x.htm',
    'docs',
    'docs/index.html',
    'docs/a/b/c.html',
    'docs/.x/.y.html',
    'docs.html',
    'docsx/a.html',
    'blog/a.css',
    'a/b/c.txt',
    'a/b/c',
    'a/x/c/d',
    'a/a',
    'a',
    'b/a/c',
    'img/x/y1.png',
    'img/y.png',
    'f.150',
    'f.3',
    'f.301',
    '.env',
    'x/.env',
    'ünï/côdé.html',
    'sp ace/a b.html',
    'docs/s',
    'ss',
  ]
  const cases = patterns.flatMap((p) => paths.map((f) => [p, f] as const))
  it.each(cases)('%j on %j', (pattern, path) => {
    const reference = new Minimatch(pattern, { dot: true, platform: 'linux' }).match(path)
    expect(compileFilePatterns([pattern]).matches(path)).toBe(reference)
  })
})

describe('mayMatchUnder: prunes only what no pattern can select', () => {
  const lists = [
    ['docs/**'],
    ['docs/**/*.html', 'blog/*.html'],
    ['**/*.html'],
    ['index.html'],
    ['**', '!node_modules/'],
    ['**', '!node_modules/', 'node_modules/keep/**'],
    ['*/tmp/x', '!*/tmp/'],
    ['!**/*.map'],
    ['!drafts/**'],
    ['a/*/c/**'],
    ['{a,b}/**/x'],
  ]
  const files = [
    'index.html',
    'docs/a.html',
    'docs/x/y/z.html',
    'blog/a.html',
    'blog/x/a.html',
    'node_modules/p/i.js',
    'node_modules/keep/a.js',
    'q/tmp/x',
    'drafts/d.html',
    'a/b/c/d',
    'b/q/r/x',
    'a/x',
    'app.js.map',
  ]
  // A directory that holds a selected file must never be pruned.
  it.each(lists)('never prunes above a selected file: %j', (...patterns) => {
    const m = compileFilePatterns(patterns)
    for (const f of files.filter((x) => m.matches(x))) {
      const parts = f.split('/')
      for (let i = 1; i < parts.length; i++)
        expect(m.mayMatchUnder(parts.slice(0, i).join('/')), f).toBe(true)
    }
  })

  const table: [string[], string, boolean][] = [
    [['docs/**'], 'blog', false],
    [['docs/**'], 'docs', true],
    [['docs/**'], 'docs/a/b', true],
    [['docs/*.html'], 'docs/sub', false],
    [['index.html'], 'a', false],
    [['**/*.html'], 'anything/at/all', true],
    [['**', '!node_modules/'], 'node_modules', false],
    [['**', '!node_modules/'], 'node_modules/a/b', false],
    [['**', '!node_modules/', 'node_modules/keep/**'], 'node_modules', true],
    [['**', '!node_modules/', 'node_modules/keep/**'], 'node_modules/other', false],
    [['!drafts/**'], 'drafts', false],
    [['!drafts/**'], 'docs', true],
    [['!**'], 'a', false],
    [['**'], '.git', false],
    [['**'], 'a/.git', false],
  ]
  it.each(table)('%j under %j: %s', (patterns, dir, expected) => {
    expect(compileFilePatterns(patterns).mayMatchUnder(dir)).toBe(expected)
  })
})

describe('select and tracker: which positive patterns selected nothing', () => {
  it.each([
    [['**/*.html', '**/*.css'], ['a.html', 'b.js'], ['a.html'], ['**/*.css']],
    [['**/*.html', 'docs/**'], ['docs/a.html'], ['docs/a.html'], []], // overlapping patterns both count
    [['docs/**/*.html', '!docs/'], ['docs/a.html'], [], ['docs/**/*.html']], // selected nothing: all excluded
    [['!**/*.map'], ['a.js', 'a.js.map'], ['a.js'], []], // no positive pattern to report
    [['typo/**', '**'], [], [], ['typo/**', '**']],
  ])('%j over %j', (patterns, paths, files, unmatched) => {
    expect(compileFilePatterns(patterns).select(paths)).toEqual({ files, unmatchedPatterns: unmatched })
  })

  it('a tracker counts only the files passed to it; each tracker starts afresh', () => {
    const m = compileFilePatterns(['a/**', 'b/**'])
    const t = m.tracker()
    expect(t.matches('a/x')).toBe(true)
    expect(t.unmatchedPatterns()).toEqual(['b/**'])
    expect(m.tracker().unmatchedPatterns()).toEqual(['a/**', 'b/**'])
  })
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
