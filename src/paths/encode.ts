/**
 * Turning what users type (or what a file is called) into the exact string CloudFront matches.
 *
 * The SDK sends invalidation paths verbatim, so encoding is ours. CloudFront asks for non-ASCII and
 * RFC 1738 "unsafe" characters to be URL-encoded, and nothing else: over-encoding changes the path,
 * and an encoded `*` (`%2A`) is a literal asterisk, so a "wildcard" written that way silently invalidates
 * nothing. https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/invalidation-specifying-objects.html
 */
import { MAX_PATH_LENGTH, MAX_TAG_LENGTH } from '../constants.js'

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
        throw new PathError(`${JSON.stringify(path.slice(0, 80))} holds invalid Unicode (a lone surrogate)`)
      }
    }
    i += ch.length
  }
  return out
}

/**
 * Normalise one user-typed item: trim it, tell a cache tag from a path, add the leading `/`, encode,
 * and check CloudFront's rules. Returns `undefined` for a blank line.
 */
export function normalizeItem(raw: string): Item | undefined {
  const text = raw.trim()
  if (text === '') return undefined
  if (text.startsWith('#')) return normalizeTag(text)
  const value = encodePath(text.startsWith('/') ? text : `/${text}`)
  return checkPath(value, text)
}

/** Check an already-encoded path: the wildcard rule and the length limit. */
export function checkPath(value: string, shown: string = value): Item {
  const star = value.indexOf('*')
  if (star !== -1 && star !== value.length - 1) {
    throw new PathError(
      `${JSON.stringify(shown.slice(0, 120))}: '*' is allowed only as the last character (CloudFront wildcards match a prefix, e.g. /images/*)`,
    )
  }
  if (value.length > MAX_PATH_LENGTH) {
    throw new PathError(
      `${JSON.stringify(shown.slice(0, 80) + '…')} is ${value.length} characters once encoded; CloudFront allows at most ${MAX_PATH_LENGTH}`,
    )
  }
  return { kind: star === -1 ? 'path' : 'wildcard', value }
}

function normalizeTag(text: string): Item {
  // Tags are matched as written: never encoded, never a wildcard.
  if (text.length === 1) throw new PathError(`"#" is an empty cache tag`)
  if (text.includes('*')) {
    throw new PathError(
      `cache tag ${JSON.stringify(text.slice(0, 80))} contains '*'; tags cannot be wildcards`,
    )
  }
  if (text.length - 1 > MAX_TAG_LENGTH) {
    throw new PathError(
      `cache tag ${JSON.stringify(text.slice(0, 40) + '…')} is ${text.length - 1} characters; at most ${MAX_TAG_LENGTH} are allowed`,
    )
  }
  return { kind: 'tag', value: text }
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
    if (item === undefined || seen.has(item.value)) continue
    seen.add(item.value)
    items.push(item)
  }
  return items
}

/** Drop duplicate items by value, keeping the first; for merging lists from several sources. */
export function dedupeItems(items: Iterable<Item>): Item[] {
  const seen = new Set<string>()
  const out: Item[] = []
  for (const item of items) {
    if (seen.has(item.value)) continue
    seen.add(item.value)
    out.push(item)
  }
  return out
}
