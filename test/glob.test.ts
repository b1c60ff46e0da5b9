import { Minimatch } from 'minimatch'
import { describe, expect, it } from 'vitest'
import { InputError } from '../src/errors.js'
import { compileFilePatterns } from '../src/paths/glob.js'
import { catchError } from './support/catch-error.js'

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
