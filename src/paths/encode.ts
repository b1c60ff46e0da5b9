/**
 * Turning what users type (or what a file is called) into the exact string CloudFront matches.
 *
 * The SDK sends invalidation paths verbatim, so encoding is ours. CloudFront asks for non-ASCII and
 * RFC 1738 "unsafe" characters to be URL-encoded, and nothing else: over-encoding changes the path,
 * and an encoded `*` (`%2A`) is a literal asterisk, so a "wildcard" written that way silently invalidates
 * nothing. https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/invalidation-specifying-objects.html
 */
import { MAX_PATH_LENGTH, MAX_TAG_LENGTH } from '../constants.js'
import { quote } from '../errors.js'
import { voice } from '../voice.js'

/** One thing to invalidate: a file path, a wildcard path (ends in `*`), or a cache tag (`#tag`). */
export interface Item {
  kind: 'path' | 'wildcard' | 'tag'
  /** The string sent to CloudFront: encoded path with a leading `/`, or the tag with its `#`. */
  value: string
}

/** A path CloudFront would reject or misread; the caller adds which input it came from. */
export class PathError extends Error {
  override name = 'PathError'
}

/**
 * Characters that may stand in a path as they are: RFC 3986 unreserved and sub-delims, `/`, `:`, `@`,
 * and `?` (a query string can be invalidated). Everything else is encoded, except a `%XX` escape that
 * is already there and `*` (see above). Tested once per path, so the common all-safe path costs one scan.
 */
const NEEDS_ENCODING = /[^A-Za-z0-9\-._!$&'()*+,;=:@/?]/
const HEX2 = /^[0-9A-Fa-f]{2}$/

/**
 * Percent-encode a path (which already starts with `/`) the way CloudFront expects, in one pass.
 *
 * @param literal `false` for paths users type: an existing `%XX` is kept, so `/a%20b` is not
 *   double-encoded. `true` for names read from disk or from S3 keys, where `%` is just a character
 *   (a file really called `100%25.html` is served at `/100%2525.html`) and `?` is not a query string.
 */
export function encodePath(path: string, literal = false): string {
  if (!NEEDS_ENCODING.test(path) && !(literal && path.includes('?'))) return path
  let out = ''
  let i = 0
  for (const ch of path) {
    if (ch === '%' && !literal && HEX2.test(path.slice(i + 1, i + 3))) {
      out += '%' // an escape the user already wrote: keep it (its two hex digits follow as safe chars)
    } else if (ch === '?' && literal) {
      out += '%3F'
    } else if (ch === '~') {
      out += '%7E' // RFC 1738 lists ~ as unsafe; encodeURIComponent leaves it alone
    } else if (ch.length === 1 && !NEEDS_ENCODING.test(ch)) {
      out += ch
    } else {
      try {
        out += encodeURIComponent(ch) // UTF-8 bytes, upper-case hex, as RFC 3986 recommends
      } catch {
        throw new PathError(`${quote(path)} holds invalid Unicode (a lone surrogate)`)
      }
    }
    i += ch.length
  }
  return out
}

/**
 * Normalise one user-typed item: trim it, tell a cache tag from a path, add the leading `/`, encode,
 * resolve dot segments, and check CloudFront's rules. Returns `undefined` for a blank line and for a
 * comment: `#` alone or `#` then a space (a tag never holds a space, so `# pages to refresh` is a note).
 */
export function normalizeItem(raw: string): Item | undefined {
  const text = raw.trim()
  if (text === '' || text === '#' || text.startsWith('# ')) return undefined
  if (text.startsWith('#')) return normalizeTag(text)
  // NUL and U+FFFD are what a UTF-16 file or bytes that are not UTF-8 look like once read as UTF-8: a
  // path holding them is not the one the user meant, and `%00` / `%EF%BF%BD` would be sent as typed.
  const bad = /[\0\ufffd]/.exec(text)
  if (bad !== null) {
    throw new PathError(
      `${quote(text)} holds ${bad[0] === '\0' ? 'a NUL character' : 'U+FFFD, the mark of bytes that are not valid UTF-8'}: save the list as UTF-8 text`,
    )
  }
  const scheme = /^[A-Za-z][A-Za-z0-9+.-]*:\/\//.exec(text)
  if (scheme !== null) throw new PathError(`${quote(text)} is a URL, not a path: give ${urlPathOf(text)}`)
  const value = resolveDotSegments(encodePath(text.startsWith('/') ? text : `/${text}`))
  return checkPath(value, text)
}

/** The path (and query) of a URL someone typed instead of a path, for the error that asks for it. */
function urlPathOf(url: string): string {
  try {
    const { pathname, search } = new URL(url)
    return `its path, ${quote(pathname + search)} (the domain comes from ${voice().option('distribution-id')})`
  } catch {
    return `the path after the domain, starting with '/' (the domain comes from ${voice().option('distribution-id')})`
  }
}

/** A dot segment as a browser reads it: `.` or `..`, each dot possibly written `%2E` (any case). */
const DOT = /^(?:\.|%2e)$/i
const DOT_DOT = /^(?:\.|%2e){2}$/i

/**
 * Resolve the `.` and `..` segments of an encoded path (starting with `/`) as a browser does before it
 * asks (RFC 3986 section 5.2.4, WHATWG URL path parsing, which also reads `%2E` as a dot): `/a/../b`
 * is requested as `/b`, so no cache key holds a dot segment. Never above `/`: `/../a` is `/a`. A `..`
 * or `.` at the end leaves a trailing `/`. The query string, if any, is kept as it is. Names that only
 * contain dots (`.well-known`, `a..b`, `...`) are not dot segments.
 */
export function resolveDotSegments(path: string): string {
  const q = path.indexOf('?')
  const pathPart = q === -1 ? path : path.slice(0, q)
  // The common path has no segment that is only dots or %2E: one scan says so.
  if (!/\/(?:\.|%2e){1,2}(?:\/|$)/i.test(pathPart)) return path
  const segments = pathPart.split('/').slice(1)
  const out: string[] = []
  segments.forEach((segment, i) => {
    const last = i === segments.length - 1
    if (DOT_DOT.test(segment)) {
      out.pop()
      if (last) out.push('')
    } else if (DOT.test(segment)) {
      if (last) out.push('')
    } else {
      out.push(segment)
    }
  })
  return `/${out.join('/')}${q === -1 ? '' : path.slice(q)}`
}

/** Check an already-encoded path (typed as `shown`): the wildcard rule and the length limit. */
function checkPath(value: string, shown: string): Item {
  const star = value.indexOf('*')
  if (star !== -1 && star !== value.length - 1) {
    throw new PathError(
      `${quote(shown, 120)}: '*' is allowed only as the last character (CloudFront wildcards match a prefix, e.g. /images/*)`,
    )
  }
  if (value.length > MAX_PATH_LENGTH) {
    throw new PathError(
      `${quote(shown)} is ${value.length} characters once encoded; CloudFront allows at most ${MAX_PATH_LENGTH}`,
    )
  }
  return { kind: star === -1 ? 'path' : 'wildcard', value }
}

/** What CloudFront allows after the `#` of a cache tag: visible ASCII (33-126) but `,` and `*`. */
const TAG_BODY = /^[\x21-\x29\x2b\x2d-\x7e]+$/

/**
 * Check a cache tag (`#` then the tag) against CloudFront's rules: 1-256 visible ASCII characters
 * (33-126), no `,` (it separates tags in the response header) and no `*` (tags are never wildcards).
 * Tags are matched as written: never encoded. Anything else would make CloudFront reject the whole
 * batch, after the other batches went out.
 */
function normalizeTag(text: string): Item {
  const body = text.slice(1)
  if (body.length > MAX_TAG_LENGTH) {
    throw new PathError(
      `cache tag ${quote(text, 40)} is ${body.length} characters; at most ${MAX_TAG_LENGTH} are allowed`,
    )
  }
  if (!TAG_BODY.test(body)) {
    const ch = [...body].find((c) => !TAG_BODY.test(c)) ?? ''
    throw new PathError(
      `cache tag ${quote(text)} contains ${describeChar(ch)}; a tag is '#' then 1-${MAX_TAG_LENGTH} visible ASCII characters other than ',' and '*' (a line that is '#' alone or starts with '# ' is a comment)`,
    )
  }
  return { kind: 'tag', value: text }
}

/** A character a tag cannot hold, named so a reader can find it. */
function describeChar(ch: string): string {
  if (ch === ' ') return 'a space'
  if (ch === ',') return "a comma (',' separates tags)"
  if (ch === '*') return "'*' (tags cannot be wildcards)"
  const code = `U+${(ch.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`
  if (ch < ' ' || ch === '\x7f') return `a control character (${code})`
  return `${quote(ch)} (${code}, not ASCII)`
}

/**
 * The key two items are the same by: the value, except that tags are case-insensitive in CloudFront, so
 * `#Product` and `#product` are one tag (billed once).
 */
export function itemKey(item: Item): string {
  return item.kind === 'tag' ? item.value.toLowerCase() : item.value
}

/**
 * Normalise a list of items and drop duplicates (first occurrence wins, order kept, so the plan reads
 * in the order the user wrote). Throws a PathError naming the first bad item.
 */
export function normalizeItems(raws: Iterable<string>): Item[] {
  const seen = new Set<string>()
  const items: Item[] = []
  for (const raw of raws) {
    const item = normalizeItem(raw)
    if (item === undefined || seen.has(itemKey(item))) continue
    seen.add(itemKey(item))
    items.push(item)
  }
  return items
}

/** Drop duplicate items (see {@link itemKey}), keeping the first; for merging lists from several sources. */
export function dedupeItems(items: Iterable<Item>): Item[] {
  const seen = new Set<string>()
  const out: Item[] = []
  for (const item of items) {
    const key = itemKey(item)
    if (seen.has(key)) continue
    seen.add(key)
    out.push(item)
  }
  return out
}
