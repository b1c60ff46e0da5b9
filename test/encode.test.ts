import { describe, expect, it } from 'vitest'
import {
  dedupeItems,
  encodePath,
  normalizeItem,
  normalizeItems,
  PathError,
  resolveDotSegments,
} from '../src/paths/encode.js'

describe('normalizeItem: what users type -> what CloudFront gets', () => {
  it.each([
    ['/index.html', '/index.html', 'path'],
    ['index.html', '/index.html', 'path'],
    ['  /about/  ', '/about/', 'path'],
    ['/images/*', '/images/*', 'wildcard'],
    ['/*', '/*', 'wildcard'],
    ['/img/a*', '/img/a*', 'wildcard'],
    ['/a b.html', '/a%20b.html', 'path'],
    ['/ü/日本.html', '/%C3%BC/%E6%97%A5%E6%9C%AC.html', 'path'],
    ['/a%20b.html', '/a%20b.html', 'path'], // already encoded: not double-encoded
    ['/100%.html', '/100%25.html', 'path'], // a % without two hex digits is encoded
    ['/50%zz', '/50%25zz', 'path'],
    ['/q?x=1&y=2', '/q?x=1&y=2', 'path'], // a query string stays
    ['/a"b<c>d', '/a%22b%3Cc%3Ed', 'path'],
    ['/{x}|y\\z^', '/%7Bx%7D%7Cy%5Cz%5E', 'path'],
    ['/[a]`b`~c', '/%5Ba%5D%60b%60%7Ec', 'path'],
    ['/page#frag', '/page%23frag', 'path'], // # after the first character is encoded
    ["/keep-._!$&'()+,;=:@", "/keep-._!$&'()+,;=:@", 'path'],
    ['/CaseKept/ABC.html', '/CaseKept/ABC.html', 'path'],
    ['/emoji-😀', '/emoji-%F0%9F%98%80', 'path'],
    ['/ü*', '/%C3%BC*', 'wildcard'], // * never encoded
    ['#product-42', '#product-42', 'tag'],
    ['  #Product-42 ', '#Product-42', 'tag'], // trimmed; the case is kept (CloudFront ignores it)
    ['#' + 't'.repeat(256), '#' + 't'.repeat(256), 'tag'],
    ['#!"$%&\'()+-./09:;<=>?@AZ[\\]^_`az{|}~', '#!"$%&\'()+-./09:;<=>?@AZ[\\]^_`az{|}~', 'tag'], // 33-126 but , *
    ['#x##[add-mask]y', '#x##[add-mask]y', 'tag'], // valid for CloudFront; the log escapes it (log-safe.ts)
    ['##', '##', 'tag'],
    ['#a#b', '#a#b', 'tag'],
    // dot segments resolved as a browser does (see resolveDotSegments)
    ['/a/../b.html', '/b.html', 'path'],
    ['a/./b/', '/a/b/', 'path'],
    ['/../../a', '/a', 'path'],
    ['/a/%2E%2e/*', '/*', 'wildcard'],
    ['/.well-known/a..b', '/.well-known/a..b', 'path'],
  ])('%j -> %j (%s)', (raw, value, kind) => {
    expect(normalizeItem(raw)).toEqual({ value, kind })
  })

  it('skips blank lines', () => {
    expect(normalizeItem('   ')).toBeUndefined()
    expect(normalizeItem('')).toBeUndefined()
  })

  it.each(['#', '  #  ', '# pages to refresh', '#  two spaces', '# #tag'])(
    'takes %j as a comment: # alone or # then a space',
    (raw) => {
      expect(normalizeItem(raw)).toBeUndefined()
    },
  )

  it.each([
    ['/images/*.jpg', /only as the last character/],
    ['/a/*/b', /only as the last character/],
    ['/' + 'a'.repeat(4000), /4001 characters.*at most 4000/],
    ['/' + 'ü'.repeat(700), /4201 characters/], // the limit applies after encoding
    ['#tag*', /cannot be wildcards/],
    ['#' + 't'.repeat(257), /257 characters; at most 256/],
    ['/bad\uD800', /"\/bad\\ud800" holds invalid Unicode/],
    // cache tags: CloudFront's rules, the tag shown escaped
    [
      '#tag with space',
      /cache tag "#tag with space" contains a space; a tag is '#' then 1-256 visible ASCII/,
    ],
    ['#a,b', /"#a,b" contains a comma/],
    [
      '#ok\r::error title=X::pwned',
      /cache tag "#ok\\r::error title=X::pwned" contains a control character \(U\+000D\)/,
    ],
    ['#a\tb', /"#a\\tb" contains a control character \(U\+0009\)/],
    ['#a\x7fb', /control character \(U\+007F\)/],
    ['#café', /"é" \(U\+00E9, not ASCII\)/],
    ['#\u2028x', /"#\\u2028x" contains "\\u2028" \(U\+2028, not ASCII\)/],
    // typed text that is not what the user meant
    ['/a\0b', /"\/a\\u0000b" holds a NUL character: save the list as UTF-8/],
    ['/caf\uFFFD.html', /"\/caf\\uFFFD.html" holds U\+FFFD, the mark of bytes that are not valid UTF-8/],
    [
      'https://example.com/a.html',
      /"https:\/\/example.com\/a.html" is a URL, not a path: give its path, "\/a.html"/,
    ],
    ['http://example.com/a b?x=1', /give its path, "\/a%20b\?x=1"/],
    ['HTTPS://example.com', /give its path, "\/"/],
    ['s3://bucket/key.html', /is a URL, not a path: give its path, "\/key.html"/],
    ['git+ssh://[bad', /give the path after the domain, starting with '\/'/],
  ])('rejects %j', (raw, message) => {
    expect(() => normalizeItem(raw)).toThrow(PathError)
    expect(() => normalizeItem(raw)).toThrow(message)
  })

  it('accepts exactly 4000 characters', () => {
    expect(normalizeItem('/' + 'a'.repeat(3999))?.value).toHaveLength(4000)
  })
})

describe('encodePath literal mode (file names and S3 keys)', () => {
  it.each([
    ['/a%20b.html', '/a%2520b.html'], // a file really named "a%20b.html"
    ['/what?.html', '/what%3F.html'], // ? is part of the name, not a query
    ['/plain.html', '/plain.html'],
    ['/a b', '/a%20b'],
  ])('%j -> %j', (raw, out) => {
    expect(encodePath(raw, true)).toBe(out)
  })
})

describe('normalizeItems', () => {
  it('dedupes after encoding, keeping first-seen order', () => {
    const items = normalizeItems(['/b', 'a b', '/a%20b', '/b', '', '#t', '#t', '# note', '/x/../b'])
    expect(items.map((i) => i.value)).toEqual(['/b', '/a%20b', '#t'])
  })

  it('takes tags that differ only in case as one (CloudFront matches tags case-insensitively)', () => {
    expect(normalizeItems(['#Product', '#product', '/P', '/p']).map((i) => i.value)).toEqual([
      '#Product',
      '/P',
      '/p',
    ])
    const tag = (value: string) => ({ kind: 'tag' as const, value })
    expect(dedupeItems([tag('#A'), tag('#a'), tag('#b')])).toEqual([tag('#A'), tag('#b')])
  })
})

describe('resolveDotSegments: what a browser asks for', () => {
  it.each([
    ['/a/b.html', '/a/b.html'],
    ['/a/../b', '/b'],
    ['/a/./b', '/a/b'],
    ['/a/b/..', '/a/'],
    ['/a/b/.', '/a/b/'],
    ['/a/b/../', '/a/'],
    ['/..', '/'],
    ['/../..', '/'],
    ['/../a/../../b/', '/b/'],
    ['/./', '/'],
    ['/a//../b', '/a/b'], // an empty segment is a segment
    ['/a/%2e%2E/b', '/b'], // browsers read %2E as a dot in a dot segment
    ['/a/.%2e/b', '/b'],
    ['/a/%2E./b', '/b'],
    ['/a/%2e/b', '/a/b'],
    ['/a/../b?x=/../y', '/b?x=/../y'], // the query string is not a path
    ['/a/..?x', '/?x'],
    ['/a/../*', '/*'],
    // dots that are part of a name stay
    ['/.well-known/x', '/.well-known/x'],
    ['/a..b/c.', '/a..b/c.'],
    ['/.../x', '/.../x'],
    ['/..a/.b/', '/..a/.b/'],
    ['/a/..*', '/a/..*'],
    ['/a/%2e%2e%2e/b', '/a/%2e%2e%2e/b'],
    ['/a/%2ex/b', '/a/%2ex/b'],
  ])('%j -> %j', (path, resolved) => {
    expect(resolveDotSegments(path)).toBe(resolved)
  })
})
