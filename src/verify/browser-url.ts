/**
 * The form in which a browser requests a path: the cache key viewers create, which an invalidation must
 * match. Pure.
 *
 * What we submit to CloudFront is the path encoded as CloudFront asks (RFC 1738: `~` as `%7E`, `|` as
 * `%7C`...). A browser instead serialises the URL as the WHATWG URL Standard says: it percent-encodes only
 * its "path percent-encode set" and sends everything else raw (`~`, `|`, `[`, `]`). Where the two forms
 * differ, the invalidation may not match what viewers cached; that difference is exactly what edge
 * verification tests, so we request the browser's form.
 *
 * We implement the serialisation here rather than call `new URL()`: Node's URL parser follows the standard
 * with a lag (`^` joined the set in 2025, and Node 20 and 24 disagree on it), and these functions must
 * give the same answer on every runner.
 * https://url.spec.whatwg.org/#path-percent-encode-set
 */
import { resolveDotSegments } from '../paths/encode.js'

/**
 * Characters a browser percent-encodes in a path, besides C0 controls and everything above U+007E:
 * the query set (space `"` `#` `<` `>`) and `?` `^` `` ` `` `{` `}` (URL Standard, 2025).
 */
const PATH_SET = new Set([' ', '"', '#', '<', '>', '?', '^', '`', '{', '}'])
/** In a query, the special-query set: space `"` `#` `<` `>` and `'`. */
const QUERY_SET = new Set([' ', '"', '#', '<', '>', "'"])

/**
 * Escapes kept as written when decoding: their character would mean something else raw. `%25` would
 * start an escape, `%2F` split a segment, `%3F` start a query, `%23` a fragment, `%5C` is a `/` to a
 * browser. In a query `&`, `=`, `+` and `;` separate or mean a space.
 */
const KEEP_IN_PATH = new Set([0x25, 0x2f, 0x3f, 0x23, 0x5c])
const KEEP_IN_QUERY = new Set([...KEEP_IN_PATH, 0x26, 0x3d, 0x2b, 0x3b])
/** A path with no escape, no query and nothing a browser encodes: its own browser form. */
const PLAIN = /^[A-Za-z0-9\-._~!$&'()*+,;=:@/]*$/
const encoder = new TextEncoder()
const strictUtf8 = new TextDecoder('utf-8', { fatal: true })

/**
 * The browser's form of an invalidation path (as submitted: encoded, starting with `/`): escapes
 * decoded (those that mean the same character raw), then serialised as a browser serialises a URL.
 * A raw `?` starts the query, as it did in the submitted path; a file name's `?` is `%3F` and stays so.
 *
 *   /a%7Eb.js        -> /a~b.js
 *   /a%20b/%C3%BC    -> /a%20b/%C3%BC   (the same: space and non-ASCII are encoded by browsers too)
 *   /caf%c3%a9       -> /caf%C3%A9      (browsers write escapes in upper case)
 *   /100%2525.html   -> /100%2525.html  (a literal `%` stays escaped)
 */
export function browserPath(submitted: string): string {
  if (PLAIN.test(submitted)) return submitted // the common case: nothing to decode or encode
  const q = submitted.indexOf('?')
  const path = q === -1 ? submitted : submitted.slice(0, q)
  const query = q === -1 ? undefined : submitted.slice(q + 1)
  // A browser resolves `.` and `..` segments (`%2E` too) before it asks.
  const out = resolveDotSegments(serialise(decode(path, KEEP_IN_PATH), PATH_SET))
  return query === undefined ? out : `${out}?${serialise(decode(query, KEEP_IN_QUERY), QUERY_SET)}`
}

/**
 * Decode `%XX` escapes into characters, except those in `keep` and bytes that are not valid UTF-8, which
 * stay as written. A kept escape is marked with U+0000 in place of its `%` so that {@link serialise}
 * writes it back untouched (a NUL cannot come from the path itself: inputs refuse it, and a decoded
 * `%00` is kept as an escape like any control character).
 */
function decode(text: string, keep: ReadonlySet<number>): string {
  if (!text.includes('%')) return text
  return text.replace(/(?:%[0-9A-Fa-f]{2})+/g, (run) => {
    const bytes = run.match(/%[0-9A-Fa-f]{2}/g)?.map((e) => parseInt(e.slice(1), 16)) ?? []
    let out = ''
    let i = 0
    while (i < bytes.length) {
      const b = bytes[i] ?? 0
      const length =
        b < 0x80 ? 1 : b >= 0xc2 && b < 0xe0 ? 2 : b >= 0xe0 && b < 0xf0 ? 3 : b >= 0xf0 && b < 0xf5 ? 4 : 0
      const seq = bytes.slice(i, i + Math.max(1, length))
      const char = length === 0 || seq.length < length ? undefined : utf8(seq)
      if (char === undefined || (length === 1 && (keep.has(b) || b < 0x20 || b === 0x7f))) {
        out += `\0${run.slice(i * 3 + 1, i * 3 + 3)}` // kept as written (marked; see above)
        i++
      } else {
        out += char
        i += length
      }
    }
    return out
  })
}

/** One UTF-8 sequence as a character, or undefined when it is not valid (overlong, surrogate...). */
function utf8(bytes: readonly number[]): string | undefined {
  try {
    const s = strictUtf8.decode(Uint8Array.from(bytes))
    return [...s].length === 1 ? s : undefined
  } catch {
    return undefined
  }
}

/** Percent-encode what a browser encodes (`set`, C0 controls, non-ASCII), as UTF-8 with upper-case hex. */
function serialise(text: string, set: ReadonlySet<string>): string {
  let out = ''
  for (let i = 0; i < text.length; i++) {
    const ch = text[i] ?? ''
    if (ch === '\0') {
      // A kept escape: its two hex digits follow, as written.
      out += `%${text.slice(i + 1, i + 3)}`
      i += 2
      continue
    }
    const code = ch.charCodeAt(0)
    if (code < 0x20 || code > 0x7e || set.has(ch)) {
      const cp = text.codePointAt(i) ?? code
      const char = String.fromCodePoint(cp)
      for (const byte of encoder.encode(char)) out += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`
      i += char.length - 1
    } else {
      out += ch
    }
  }
  return out
}

/**
 * A wildcard that covers both forms of a path: the longest common prefix of the submitted and the
 * browser's form, cut before any escape it would split, then `*`. It is what to invalidate when the
 * two forms differ (`/docs/a%7Eb.js` and `/docs/a~b.js` give `/docs/a*`).
 */
export function wildcardCovering(submitted: string, browser: string): string {
  let i = 0
  while (i < submitted.length && i < browser.length && submitted[i] === browser[i]) i++
  // Never end inside `%XX`: back up to the `%` when one of the last two characters is it.
  const pct = submitted.lastIndexOf('%', i - 1)
  if (pct !== -1 && pct >= i - 2) i = pct
  return `${submitted.slice(0, i)}*`
}
