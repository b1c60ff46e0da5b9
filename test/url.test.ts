import { describe, expect, it } from 'vitest'
import type { Item } from '../src/paths/encode.js'
import { PathError } from '../src/paths/encode.js'
import {
  fileNotesWarnings,
  fileRunsToItems,
  fileUrlItems,
  fileUrls,
  filesToItems,
  newFileNotes,
  normalizePrefix,
} from '../src/paths/url.js'
import { runPaths, type FileRun } from '../src/paths/walk.js'

const path = (value: string): Item => ({ kind: 'path', value })
const wildcard = (value: string): Item => ({ kind: 'wildcard', value })
const site = { prefix: '/', indexDocument: 'index.html' }

describe('normalizePrefix', () => {
  it.each([
    ['', '/'],
    ['/', '/'],
    ['//', '/'],
    ['  /  ', '/'],
    ['docs', '/docs/'],
    ['/docs', '/docs/'],
    ['docs/', '/docs/'],
    ['/docs/', '/docs/'],
    ['a/b', '/a/b/'],
    ['my docs', '/my%20docs/'],
    ['my%20docs', '/my%20docs/'], // typed by a person: an escape already there is kept
    ['dökümanlar', '/d%C3%B6k%C3%BCmanlar/'],
    ['/my%20docs/', '/my%20docs/'], // normalising twice changes nothing
    ['docs/../site', '/site/'], // typed: dot segments resolved, never above the root
    ['./docs/.', '/docs/'],
    ['..', '/'],
    ['.well-known', '/.well-known/'],
  ])('%j -> %j', (prefix, expected) => {
    expect(normalizePrefix(prefix)).toBe(expected)
    expect(normalizePrefix(normalizePrefix(prefix))).toBe(expected)
  })

  it.each(['docs/*', '*', 'a?b'])('rejects %j', (prefix) => {
    expect(() => normalizePrefix(prefix)).toThrow(PathError)
  })
})

describe('fileUrlItems', () => {
  // [relPath, prefix, indexDocument, items]
  const table: [string, string, string, Item[]][] = [
    ['about.html', '/', 'index.html', [path('/about.html')]],
    ['index.html', '/', 'index.html', [path('/index.html'), path('/')]],
    ['a/b/index.html', '/', 'index.html', [path('/a/b/index.html'), path('/a/b/')]],
    ['index.html', 'docs', 'index.html', [path('/docs/index.html'), path('/docs/')]],
    ['a/index.html', '/docs/', 'index.html', [path('/docs/a/index.html'), path('/docs/a/')]],
    ['a/index.html', '/', '', [path('/a/index.html')]], // index documents off
    ['a/myindex.html', '/', 'index.html', [path('/a/myindex.html')]], // not the index: a longer name
    ['a/index.htm', '/', 'index.html', [path('/a/index.htm')]],
    ['a/default.htm', '', 'default.htm', [path('/a/default.htm'), path('/a/')]],
    // encoding: spaces, unicode, and characters that are plain in a file name
    ['a b/c d.html', '/', 'index.html', [path('/a%20b/c%20d.html')]],
    ['ünï/página.html', '/', 'index.html', [path('/%C3%BCn%C3%AF/p%C3%A1gina.html')]],
    ['100%.html', '/', 'index.html', [path('/100%25.html')]],
    ['100%25.html', '/', 'index.html', [path('/100%2525.html')]], // not an escape: a file really called that
    ['what?.html', '/', 'index.html', [path('/what%3F.html')]],
    ['#hash.html', '/', 'index.html', [path('/%23hash.html')]],
    ["a+b,c;d=e&f'(g)@h!$.css", '/', 'index.html', [path("/a+b,c;d=e&f'(g)@h!$.css")]],
    [
      'ünï côdé/index.html',
      '/',
      'index.html',
      [path('/%C3%BCn%C3%AF%20c%C3%B4d%C3%A9/index.html'), path('/%C3%BCn%C3%AF%20c%C3%B4d%C3%A9/')],
    ],
    ['a/index file.html', '/', 'index file.html', [path('/a/index%20file.html'), path('/a/')]],
    // a `*` cannot be named exactly: a wildcard cut right after it covers the file
    ['img/star*name.png', '/', 'index.html', [wildcard('/img/star*')]],
    ['a*b/index.html', '/', 'index.html', [wildcard('/a*')]], // its directory URL cuts to the same wildcard
    ['a/b*', '/', 'index.html', [wildcard('/a/b*')]],
    ['a/*/index.html', 'docs', 'index.html', [wildcard('/docs/a/*')]],
  ]
  it.each(table)('%j (prefix %j, index %j)', (relPath, prefix, indexDocument, items) => {
    expect(fileUrlItems(relPath, { prefix, indexDocument })).toEqual(items)
  })

  it('invalidates a file whose URL is over the length limit through its nearest short-enough directory', () => {
    const notes = newFileNotes()
    const long = `${'d/'.repeat(2000)}x.html`
    // The longest `/d/.../*` that fits: 1,999 directories (3,999 characters) and the `*`, 4,000 in all.
    const star = `/${'d/'.repeat(1999)}*`
    expect(star).toHaveLength(4000)
    expect(fileUrlItems(long, site, notes)).toEqual([wildcard(star)])
    expect(notes.tooLong).toEqual([{ file: long, wildcard: star }])
    // Exactly 4,000 characters is still the file itself.
    expect(fileUrlItems(`${'d/'.repeat(1996)}x.html`, site, notes)).toEqual([
      path(`/${'d/'.repeat(1996)}x.html`),
    ])
    expect(notes.tooLong).toHaveLength(1)
  })

  it('cuts at a directory, never inside an escape, and at worst to the root wildcard', () => {
    const notes = newFileNotes()
    // One name of 2,000 é (12,000 characters once encoded) under a short directory: that directory's wildcard.
    expect(fileUrlItems(`a/${'é'.repeat(2000)}`, site, notes)).toEqual([wildcard('/a/*')])
    expect(fileUrlItems('é'.repeat(2000), { prefix: 'docs', indexDocument: '' }, notes)).toEqual([
      wildcard('/docs/*'),
    ])
    expect(fileUrlItems(`${'é'.repeat(2000)}/x`, site, notes)).toEqual([wildcard('/*')])
    expect(notes.tooLong.map((t) => t.wildcard)).toEqual(['/a/*', '/docs/*', '/*'])
  })

  it('skips a file no URL can name: a name that was not UTF-8, a dot segment (S3 keys)', () => {
    const notes = newFileNotes()
    for (const file of ['caf\uFFFD.html', 'x\uFFFD/index.html', 'a/../b.html', './c.html', 'd/..', 'e/.'])
      expect(fileUrlItems(file, site, notes)).toEqual([])
    expect(notes.notUtf8).toEqual(['caf\uFFFD.html', 'x\uFFFD/index.html'])
    expect(notes.dotSegments).toEqual(['a/../b.html', './c.html', 'd/..', 'e/.'])
    // Dots inside names are names.
    expect(fileUrlItems('.well-known/a..b/...', site, notes)).toEqual([path('/.well-known/a..b/...')])
    expect(notes.dotSegments).toHaveLength(4)
  })

  it('rejects a bad prefix', () => {
    expect(() => fileUrlItems('a.html', { prefix: 'x*', indexDocument: '' })).toThrow(PathError)
  })
})

describe('filesToItems', () => {
  it('keeps order, puts each directory URL after its index document, drops duplicates', () => {
    expect(
      filesToItems(['index.html', 'b/x.html', 'b/index.html', 'b/x.html', 'w*1.png', 'w*2.png'], site),
    ).toEqual([
      path('/index.html'),
      path('/'),
      path('/b/x.html'),
      path('/b/index.html'),
      path('/b/'),
      wildcard('/w*'),
    ])
  })

  it('drops repeated wildcards from a sorted list too', () => {
    expect(filesToItems(['a/x*1.png', 'a/x*2.png', 'a/y.png', 'b*/index.html'], site)).toEqual([
      wildcard('/a/x*'),
      path('/a/y.png'),
      wildcard('/b*'),
    ])
  })

  it('encodes a directory once for its files and still gets each file right', () => {
    const files = ['a b/1.html', 'a b/2 x.html', 'a b/c/3.html', 'a bc/4.html', 'ab/5?.html', 'é/index.html']
    expect(filesToItems(files, site).map((i) => i.value)).toEqual([
      '/a%20b/1.html',
      '/a%20b/2%20x.html',
      '/a%20b/c/3.html',
      '/a%20bc/4.html',
      '/ab/5%3F.html',
      '/%C3%A9/index.html',
      '/%C3%A9/',
    ])
  })

  it('gives what fileUrlItems gives, file by file', () => {
    const files = ['index.html', 'a b/index.html', 'ü/%.css', 'x?.js', 'star*/index.html']
    const options = { prefix: 'docs/', indexDocument: 'index.html' }
    expect(filesToItems(files, options)).toEqual(files.flatMap((f) => fileUrlItems(f, options)))
  })

  it('accepts any iterable, and an empty one', () => {
    expect(filesToItems(new Set(['a.html']), site)).toEqual([path('/a.html')])
    expect(filesToItems([], site)).toEqual([])
  })
})

describe('fileRunsToItems', () => {
  // Runs as a walk gives them: each directory's names sorted, a directory's runs split by its subdirectories.
  const runs: FileRun[] = [
    { dir: '', names: ['a.html', 'index.html'] },
    { dir: 'a b/', names: ['1.html', '2 x.html', 'index.html'] },
    { dir: 'a b/c/', names: ['3.html'] },
    { dir: 'a b/', names: ['d.html'] },
    { dir: 'ünï côdé/', names: ['index.html', 'página.html', '100%25.html', 'what?.html'] },
    { dir: 'w/', names: ['x*1.png', 'x*2.png', 'y.png'] },
    { dir: 'b*/', names: ['index.html', 'z.html'] },
    { dir: 'é/', names: [] },
  ]

  it.each([
    { prefix: '/', indexDocument: 'index.html' },
    { prefix: 'docs', indexDocument: 'index.html' },
    { prefix: '/my docs/', indexDocument: '' },
    { prefix: '', indexDocument: '2 x.html' },
  ])('gives what filesToItems gives for the same files (%j)', (options) => {
    const items = fileRunsToItems(runs, options)
    expect(items).toEqual(filesToItems(runPaths(runs), options))
    expect(items.length).toBeGreaterThan(10)
  })

  it('spells out the items: directory URL after its index document, a `*` cut to one wildcard', () => {
    expect(fileRunsToItems(runs.slice(0, 2), site)).toEqual([
      path('/a.html'),
      path('/index.html'),
      path('/'),
      path('/a%20b/1.html'),
      path('/a%20b/2%20x.html'),
      path('/a%20b/index.html'),
      path('/a%20b/'),
    ])
    expect(fileRunsToItems(runs.slice(5, 7), site)).toEqual([
      wildcard('/w/x*'),
      path('/w/y.png'),
      wildcard('/b*'),
    ])
  })

  it('takes a too-long directory to one wildcard for all its files, noting each file once', () => {
    const notes = newFileNotes()
    const dir = 'd/'.repeat(2000)
    const star = wildcard(`/${'d/'.repeat(1999)}*`)
    expect(
      fileRunsToItems(
        [
          { dir, names: ['index.html', 'x.html'] },
          { dir: '', names: ['a.html'] },
        ],
        site,
        notes,
      ),
    ).toEqual([star, path('/a.html')])
    expect(notes.tooLong.map((t) => t.file)).toEqual([`${dir}index.html`, `${dir}x.html`])
    expect(fileRunsToItems([], site)).toEqual([])
  })

  it('skips names that were not UTF-8, a whole directory at once, and keeps the rest', () => {
    const notes = newFileNotes()
    const items = fileRunsToItems(
      [
        { dir: '', names: ['a.html', 'b\uFFFD.html', 'ü.html'] },
        { dir: 'x\uFFFD/', names: ['1.html', '2.html'] },
      ],
      site,
      notes,
    )
    expect(items).toEqual([path('/a.html'), path('/%C3%BC.html')])
    expect(items.some((i) => i.value.includes('%EF%BF%BD'))).toBe(false)
    expect(notes.notUtf8).toEqual(['b\uFFFD.html', 'x\uFFFD/1.html', 'x\uFFFD/2.html'])
  })
})

describe('fileUrls', () => {
  it('gives each object URL: encoded, no directory URLs, a * kept raw, order kept', () => {
    expect(
      fileUrls(['index.html', 'a b/x.html', 'a b/index.html', 'img/s*r.png', 'é/%.css'], 'docs'),
    ).toEqual([
      '/docs/index.html',
      '/docs/a%20b/x.html',
      '/docs/a%20b/index.html',
      '/docs/img/s*r.png',
      '/docs/%C3%A9/%25.css',
    ])
  })

  it('agrees with the path items of filesToItems', () => {
    const files = ['index.html', 'a b/1.html', 'a b/c/2.html', 'x/y?.js']
    const items = filesToItems(files, { prefix: '/', indexDocument: '' })
    expect(fileUrls(files, '/')).toEqual(items.map((i) => i.value))
  })
})

describe('fileNotesWarnings', () => {
  it('gives nothing for nothing', () => {
    expect(fileNotesWarnings('files', newFileNotes())).toEqual([])
  })

  it('gives one warning per kind: a count, the first five shown escaped, the rest counted', () => {
    const notes = newFileNotes()
    notes.notUtf8.push(...Array.from({ length: 7 }, (_, i) => `f${i}\uFFFD.html`))
    notes.dotSegments.push('a/../b')
    notes.tooLong.push({ file: 'long/x', wildcard: '/long/*' }, { file: 'long/y', wildcard: '/long/*' })
    const [utf8, dots, long, more] = fileNotesWarnings('diff', notes)
    expect(utf8).toBe(
      'diff: 7 file names are not valid UTF-8, so their URL is unknown; skipped, not invalidated (rename them to UTF-8, as S3 keys are): "f0\\uFFFD.html", "f1\\uFFFD.html", "f2\\uFFFD.html", "f3\\uFFFD.html", "f4\\uFFFD.html" and 2 more',
    )
    // Plurals right, never "(s)": one key holds, two files have.
    expect(dots).toMatch(/^diff: 1 key holds a '\.' or '\.\.' segment.*; skipped: "a\/\.\.\/b"$/)
    expect(long).toMatch(
      /^diff: 2 files have a URL longer than CloudFront's 4,000 characters.*\("\/long\/\*"\): "long\/x", "long\/y"$/,
    )
    expect(more).toBeUndefined()
    const one = newFileNotes()
    one.notUtf8.push('f\uFFFD.html')
    one.tooLong.push({ file: 'long/x', wildcard: '/long/*' })
    expect(fileNotesWarnings('files', one)).toEqual([
      expect.stringMatching(
        /^files: 1 file name is not valid UTF-8, so its URL is unknown; .*\(rename it to UTF-8/,
      ),
      expect.stringMatching(/^files: 1 file has a URL longer than/),
    ])
  })
})
