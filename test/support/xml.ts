/**
 * Just enough XML for the fake AWS servers: a small non-validating parser for request bodies and a
 * builder for response bodies that escapes every text value on the way out.
 *
 * Test-only code: never import it from src/. Erasable TypeScript only, because bench scripts load it
 * with `node --import tsx` and child processes may strip types.
 */

/** One parsed element. Namespace prefixes are dropped from names: `<cf:Path>` is `Path`. */
export interface XmlElement {
  name: string
  attributes: Record<string, string>
  children: XmlElement[]
  /** The element's own character data (entities decoded, CDATA included), children's text excluded. */
  text: string
}

/** The body is not well-formed XML. The fake servers answer it with a 400. */
export class XmlParseError extends Error {
  override name = 'XmlParseError'
}

const NAMED_ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" }
const ENTITY = /&(#x[0-9A-Fa-f]+|#[0-9]+|[A-Za-z][A-Za-z0-9]*);/g
const NAME_END = /[\s/>]/

function decodeEntities(raw: string): string {
  if (!raw.includes('&')) return raw
  const decoded = raw.replace(ENTITY, (_, ref: string) => {
    if (ref.startsWith('#')) {
      const code = ref[1] === 'x' ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10)
      // fromCodePoint, not fromCharCode: a path may hold astral characters (emoji) written as &#x1F600;.
      if (!(code > 0 && code <= 0x10ffff) || (code >= 0xd800 && code <= 0xdfff)) {
        throw new XmlParseError(`invalid character reference &${ref};`)
      }
      return String.fromCodePoint(code)
    }
    const named = NAMED_ENTITIES[ref]
    if (named === undefined) throw new XmlParseError(`unknown entity &${ref};`)
    return named
  })
  // Any '&' left over was not part of a well-formed reference.
  if (raw.replace(ENTITY, '').includes('&')) {
    throw new XmlParseError(`bare '&' in character data`)
  }
  return decoded
}

function localName(qualified: string): string {
  const colon = qualified.indexOf(':')
  return colon === -1 ? qualified : qualified.slice(colon + 1)
}

/**
 * Parse a document and return its root element. Skips the prolog (XML declaration, comments,
 * DOCTYPE without expanding anything in it) and rejects what a strict server would: mismatched or
 * unclosed tags, unknown entities, text outside the root. Linear in the input, with no recursion limit
 * worth worrying about for the shallow documents AWS APIs take.
 */
export function parseXml(source: string): XmlElement {
  // XML normalises line ends before anything else, so a literal CR only survives as &#xD;.
  const x = source.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n')
  let i = 0

  const fail = (what: string): never => {
    throw new XmlParseError(`${what} at offset ${i}`)
  }
  const skipTo = (stop: string): void => {
    const end = x.indexOf(stop, i)
    if (end === -1) fail(`unterminated construct, expected '${stop}'`)
    i = end + stop.length
  }
  /** Comments, processing instructions and whitespace: allowed before and after the root. */
  const skipMisc = (): void => {
    for (;;) {
      while (i < x.length && /\s/.test(x[i] ?? '')) i++
      if (x.startsWith('<?', i)) skipTo('?>')
      else if (x.startsWith('<!--', i)) skipTo('-->')
      else if (x.startsWith('<!DOCTYPE', i)) skipDoctype()
      else return
    }
  }
  const skipDoctype = (): void => {
    let depth = 0
    for (i += 9; i < x.length; i++) {
      const c = x[i]
      if (c === '[') depth++
      else if (c === ']') depth--
      else if (c === '>' && depth === 0) {
        i++
        return
      }
    }
    fail('unterminated DOCTYPE')
  }

  const parseElement = (): XmlElement => {
    i++ // '<'
    const start = i
    while (i < x.length && !NAME_END.test(x[i] ?? '')) i++
    const qname = x.slice(start, i)
    if (qname === '') fail('empty element name')
    const element: XmlElement = { name: localName(qname), attributes: {}, children: [], text: '' }

    // Attributes.
    for (;;) {
      while (i < x.length && /\s/.test(x[i] ?? '')) i++
      if (i >= x.length) fail(`unterminated start tag <${qname}>`)
      if (x[i] === '>' || x.startsWith('/>', i)) break
      const eq = x.indexOf('=', i)
      if (eq === -1) fail('attribute without value')
      const attr = x.slice(i, eq).trim()
      i = eq + 1
      while (/\s/.test(x[i] ?? '')) i++
      const quote = x[i]
      if (quote !== '"' && quote !== "'") fail(`unquoted value for attribute ${attr}`)
      const close = x.indexOf(quote ?? '"', i + 1)
      if (close === -1) fail(`unterminated value for attribute ${attr}`)
      element.attributes[attr] = decodeEntities(x.slice(i + 1, close))
      i = close + 1
    }
    if (x.startsWith('/>', i)) {
      i += 2
      return element
    }
    i++ // '>'

    // Content, until the matching end tag.
    const text: string[] = []
    for (;;) {
      const lt = x.indexOf('<', i)
      if (lt === -1) fail(`missing </${qname}>`)
      if (lt > i) text.push(decodeEntities(x.slice(i, lt)))
      i = lt
      if (x.startsWith('</', i)) {
        const gt = x.indexOf('>', i)
        if (gt === -1) fail(`unterminated end tag`)
        const closing = x.slice(i + 2, gt).trim()
        if (closing !== qname) fail(`mismatched tags <${qname}> and </${closing}>`)
        i = gt + 1
        element.text = text.join('')
        return element
      }
      if (x.startsWith('<![CDATA[', i)) {
        const end = x.indexOf(']]>', i)
        if (end === -1) fail('unterminated CDATA section')
        text.push(x.slice(i + 9, end))
        i = end + 3
      } else if (x.startsWith('<!--', i)) skipTo('-->')
      else if (x.startsWith('<?', i)) skipTo('?>')
      else element.children.push(parseElement())
    }
  }

  skipMisc()
  if (x[i] !== '<') fail('no root element')
  const root = parseElement()
  skipMisc()
  if (i < x.length) fail('content after the root element')
  return root
}

/** The first child element called `name`, if any. */
export function childElement(parent: XmlElement, name: string): XmlElement | undefined {
  return parent.children.find((c) => c.name === name)
}

/** Every child element called `name`, in document order. */
export function childElements(parent: XmlElement, name: string): XmlElement[] {
  return parent.children.filter((c) => c.name === name)
}

const TEXT_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
  '\r': '&#xD;', // a raw CR would be normalised away by the reader
}

/**
 * Escape character data and attribute values. Non-ASCII text is written as UTF-8, never as numeric
 * references: the SDK decodes references with String.fromCharCode, which would mangle astral characters.
 */
export function escapeXml(text: string): string {
  return text.replace(/[&<>"'\r]/g, (c) => TEXT_ESCAPES[c] ?? c)
}

/** Markup that is already escaped: only `el` and `xmlDocument` make these, so text cannot sneak in raw. */
export interface Xml {
  readonly markup: string
}

/** What an element may contain. Plain values become escaped text; arrays are flattened; `undefined` and
 * `null` are dropped, so optional members can be passed as they are. */
export type XmlContent = Xml | string | number | boolean | Date | undefined | null | readonly XmlContent[]

function render(content: readonly XmlContent[]): string {
  let out = ''
  for (const part of content) {
    if (part === undefined || part === null) continue
    if (typeof part === 'string') out += escapeXml(part)
    else if (typeof part === 'number' || typeof part === 'boolean') out += String(part)
    else if (part instanceof Date) out += part.toISOString()
    else if ('markup' in part) out += part.markup
    else out += render(part)
  }
  return out
}

/** An element: `el('Quantity', 2)` is `<Quantity>2</Quantity>`; `el('Items')` is `<Items/>`. */
export function el(name: string, ...content: XmlContent[]): Xml {
  const inner = render(content)
  return { markup: inner === '' ? `<${name}/>` : `<${name}>${inner}</${name}>` }
}

/** A whole response body: declaration plus a root element that carries attributes (e.g. `xmlns`). */
export function xmlDocument(
  root: string,
  attributes: Record<string, string>,
  ...content: XmlContent[]
): string {
  const attrs = Object.entries(attributes)
    .map(([k, v]) => ` ${k}="${escapeXml(v)}"`)
    .join('')
  return `<?xml version="1.0" encoding="UTF-8"?>\n<${root}${attrs}>${render(content)}</${root}>`
}
