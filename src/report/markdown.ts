/**
 * Writing text that comes from outside (AWS error messages, ids and times from a `wait-for` JSON, alias
 * names, paths, tags) into the job summary, which GitHub renders as Markdown with HTML. A path or message
 * must show as written and never as markup: no link, emphasis, table break, HTML tag or new paragraph.
 */

/**
 * Text for a Markdown paragraph or table cell: every character that Markdown or HTML could read as markup
 * becomes a numeric character reference, which both decode back to the character and neither interprets
 * (CommonMark §2.5). Newlines become references too, so a table row or list item stays one line.
 * Letters, digits, spaces and plain punctuation stay as they are, so the Markdown source stays readable.
 */
export function escapeText(text: string, max = 2000): string {
  const cut = text.length > max ? `${text.slice(0, max)}…` : text
  return cut
    .replace(/[^A-Za-z0-9 ,.:;/%=?'"()-]/gu, (c) => `&#${c.codePointAt(0) ?? 0};`)
    .replace(/:\/\//g, '&#58;//') // no autolink (https://…) either
    .replace(/www\./g, 'www&#46;') // nor GitHub's www. autolink (lower case only, as GitHub matches it)
}

/**
 * Text for one line inside an HTML `<pre>` block (no Markdown is read there until `</pre>`): `&`, `<`
 * and `>` escaped, and control characters shown as `\xNN` so one item stays one line.
 */
export function escapeHtml(text: string): string {
  // Control characters are exactly what this looks for.
  // eslint-disable-next-line no-control-regex
  return text.replace(/[&<>\u0000-\u001f\u007f]/g, (c) =>
    c === '&'
      ? '&amp;'
      : c === '<'
        ? '&lt;'
        : c === '>'
          ? '&gt;'
          : `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`,
  )
}

/** An id or a value shown as code: `<code>` with its text escaped (a code span cannot escape a backtick). */
export function code(text: string, max = 500): string {
  return `<code>${escapeText(text, max)}</code>`
}

/**
 * Lines of Markdown kept under a byte budget: `add` refuses a line that would pass it, so a caller can say
 * what was left out. GitHub caps a step's summary at 1 MiB and drops one that is larger.
 */
export class BoundedLines {
  readonly lines: string[] = []
  private bytes = 0

  constructor(private readonly budget: number) {}

  /** Bytes still free. */
  get left(): number {
    return this.budget - this.bytes
  }

  /** Add lines if they all fit; returns whether they did. */
  add(...lines: string[]): boolean {
    const size = lines.reduce((n, l) => n + Buffer.byteLength(l) + 1, 0)
    if (size > this.left) return false
    this.lines.push(...lines)
    this.bytes += size
    return true
  }

  text(): string {
    return this.lines.join('\n') + '\n'
  }
}
