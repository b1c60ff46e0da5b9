import { describe, expect, it } from 'vitest'
import { encodePath, normalizeItem, normalizeItems, PathError } from '../src/paths/encode.js'

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
    ['  #tag with space ', '#tag with space', 'tag'],
  ])('%j -> %j (%s)', (raw, value, kind) => {
    expect(normalizeItem(raw)).toEqual({ value, kind })
  })

  it('skips blank lines', () => {
    expect(normalizeItem('   ')).toBeUndefined()
    expect(normalizeItem('')).toBeUndefined()
  })

  it.each([
    ['/images/*.jpg', /only as the last character/],
    ['/a/*/b', /only as the last character/],
    ['/' + 'a'.repeat(4000), /4001 characters.*at most 4000/],
    ['/' + 'ü'.repeat(700), /4201 characters/], // the limit applies after encoding
    ['#', /empty cache tag/],
    ['#tag*', /cannot be wildcards/],
    ['#' + 't'.repeat(257), /257 characters; at most 256/],
    ['/bad\uD800', /invalid Unicode/],
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
    const items = normalizeItems(['/b', 'a b', '/a%20b', '/b', '', '#t', '#t'])
    expect(items.map((i) => i.value)).toEqual(['/b', '/a%20b', '#t'])
  })
})
