/**
 * How results look: aligned tables for people (streamed, so a listing of thousands starts at once), one
 * JSON document for programs (also streamed: its array items are written as they arrive, and the document
 * stays valid when the command fails half way).
 */
import type { Terminal } from './terminal.js'

export interface Column {
  title: string
  /** Right-align (numbers). */
  right?: boolean
  /** Colour a cell (after padding, so colour codes do not upset the widths). */
  paint?: (cell: string, padded: string) => string
}

/**
 * A table printed in chunks: the widths are fixed by the first chunk (and the titles), so rows can be
 * written as pages arrive; a later, longer cell widens only its own row. The last column is not padded.
 */
export class TableWriter {
  private widths: number[] | undefined

  constructor(
    private readonly term: Terminal,
    private readonly columns: readonly Column[],
  ) {}

  /** Print rows (the header before the first). Each row may carry lines printed under it. */
  rows(rows: readonly (readonly string[])[], below?: (index: number) => readonly string[]): void {
    if (rows.length === 0) return // no header for nothing: an empty listing prints nothing on stdout
    let widths = this.widths
    if (widths === undefined) {
      widths = this.columns.map((c, i) =>
        rows.reduce((w, r) => Math.max(w, (r[i] ?? '').length), c.title.length),
      )
      this.widths = widths
      const header = this.columns.map((c, i) => this.pad(c.title, widths?.[i] ?? 0, i, c.right === true))
      this.term.print(`${this.term.paint('out', 'bold', header.join('  ').trimEnd())}\n`)
    }
    let text = ''
    rows.forEach((row, r) => {
      const cells = this.columns.map((c, i) => {
        const cell = row[i] ?? ''
        const padded = this.pad(cell, widths?.[i] ?? 0, i, c.right === true)
        return c.paint ? c.paint(cell, padded) : padded
      })
      text += `${cells.join('  ').trimEnd()}\n`
      for (const line of below?.(r) ?? []) text += `  ${line}\n`
    })
    this.term.print(text)
  }

  private pad(cell: string, width: number, index: number, right: boolean): string {
    if (index === this.columns.length - 1 && !right) return cell
    return right ? cell.padStart(width) : cell.padEnd(width)
  }
}

/** Label/value lines, the labels padded to one width (for one item, as `show` prints it). */
export function fields(term: Terminal, rows: readonly [string, string][]): string {
  const width = rows.reduce((w, [label]) => Math.max(w, label.length), 0)
  return rows
    .map(([label, value]) => `${term.paint('out', 'bold', label.padEnd(width))}  ${value}\n`)
    .join('')
}

/**
 * One JSON document whose one array is written item by item:
 * `{ ...head, "<key>": [ item, item ], ...tail }`. Items are compact, one a line; the rest is indented.
 */
export class JsonArrayWriter {
  private count = 0
  private opened = false

  constructor(
    private readonly term: Terminal,
    private readonly key: string,
    private readonly head: Record<string, unknown>,
  ) {}

  private open(): void {
    if (this.opened) return
    this.opened = true
    let text = '{\n'
    for (const [k, v] of Object.entries(this.head)) text += `  ${JSON.stringify(k)}: ${JSON.stringify(v)},\n`
    this.term.printJson(`${text}  ${JSON.stringify(this.key)}: [`)
  }

  items(items: readonly unknown[]): void {
    this.open()
    let text = ''
    for (const item of items) text += `${this.count++ === 0 ? '' : ','}\n    ${JSON.stringify(item)}`
    if (text !== '') this.term.printJson(text)
  }

  /** Close the array and the document, adding `tail` (e.g. the next marker, or the error that stopped it). */
  end(tail: Record<string, unknown>): void {
    this.open()
    let text = this.count === 0 ? ']' : '\n  ]'
    for (const [k, v] of Object.entries(tail)) text += `,\n  ${JSON.stringify(k)}: ${JSON.stringify(v)}`
    this.term.printJson(`${text}\n}\n`)
  }
}

/** A whole JSON document, indented (print it with {@link Terminal.printJson}). */
export function jsonDocument(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`
}

/** `2026-12-01T22:10:03Z`: an ISO time to the second, as tables show it. */
export function shortTime(iso: string | Date): string {
  const d = typeof iso === 'string' ? new Date(iso) : iso
  return Number.isNaN(d.getTime()) ? String(iso) : d.toISOString().replace(/\.\d{3}Z$/, 'Z')
}
