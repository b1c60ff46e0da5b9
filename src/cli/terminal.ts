/**
 * Everything the CLI writes goes through here: data to stdout, messages to stderr, a progress line that
 * is cleared before anything else is written (stdout and stderr share one screen, so a line written to
 * either would otherwise run on from the progress text), and colour only where a person is looking.
 *
 * Everything is also made safe for a log here (log-safe.ts), so no command can forget: a CLI run in a
 * workflow is read by the runner too, on stdout and stderr alike, and what it prints carries file names,
 * tags and AWS messages that a pull request may have chosen. Text passes {@link logSafe}; a JSON document
 * passes {@link jsonLogSafe}, which keeps its meaning. On a terminal it also keeps a hostile name's
 * control characters from driving the screen.
 *
 * `terminalIo` is the CLI's side of the pipeline's {@link Io}: the one place it is built.
 */
import { plural } from '../format.js'
import type { Io } from '../io.js'
import { jsonLogSafe, logSafe } from '../log-safe.js'

/** Where the CLI writes: process.stdout / process.stderr, or a test's buffer. */
export interface Stream {
  write(text: string): unknown
  isTTY?: boolean
}

/** Lines of a group shown on a terminal without --verbose. */
export const GROUP_PREVIEW = 20

type Style = 'bold' | 'dim' | 'red' | 'green' | 'yellow'
const STYLES: Record<Style, [string, string]> = {
  bold: ['\x1b[1m', '\x1b[22m'],
  dim: ['\x1b[2m', '\x1b[22m'],
  red: ['\x1b[31m', '\x1b[39m'],
  green: ['\x1b[32m', '\x1b[39m'],
  yellow: ['\x1b[33m', '\x1b[39m'],
}

/** The colour codes {@link Terminal.paint} writes: the only control characters let through, with colour. */
const OWN_CODES = new RegExp(
  [...new Set(Object.values(STYLES).flat())].map((c) => c.replace(/[[\\]/g, '\\$&')).join('|'),
  'g',
)

/**
 * Colour for a stream: only on a terminal, never with NO_COLOR (no-color.org: set and not empty), never
 * for TERM=dumb, never with --no-color or --json.
 */
export function colorFor(stream: Stream, env: NodeJS.ProcessEnv, wanted: boolean): boolean {
  return wanted && stream.isTTY === true && !env.NO_COLOR && env.TERM !== 'dumb'
}

export class Terminal {
  private progressShown = false
  /** Whether any JSON went to stdout: a failed --json command that printed none still prints `{error}`. */
  printedJson = false

  constructor(
    private readonly out: Stream,
    private readonly err: Stream,
    /** Colour on stdout and on stderr. */
    private readonly color: { out: boolean; err: boolean },
  ) {}

  /** Data, on stdout. */
  print(text: string): void {
    this.clearProgress()
    this.out.write(this.safe('out', text))
  }

  /** A JSON document (or a piece of one), on stdout: made safe without changing what it means. */
  printJson(json: string): void {
    this.clearProgress()
    this.printedJson = true
    this.out.write(jsonLogSafe(json))
  }

  /** A message line, on stderr. */
  say(line: string): void {
    this.clearProgress()
    this.err.write(`${this.safe('err', line)}\n`)
  }

  warn(message: string): void {
    this.say(`${this.paint('err', 'yellow', 'warning:')} ${message}`)
  }

  error(message: string): void {
    this.say(`${this.paint('err', 'red', 'cloudfront-invalidate:')} ${message}`)
  }

  /**
   * A status line rewritten in place on a terminal (`\r` and erase-line). Elsewhere (a CI log) nothing: the
   * run's own progress report (progress.ts, at least every 30 s while anything is pending) already shows
   * life there, in lines of its own, and a second, shorter line on another rhythm would only repeat it.
   */
  progress(message: string): void {
    if (this.err.isTTY !== true) return
    this.err.write(`\r${this.safe('err', message)}\x1b[K`)
    this.progressShown = true
  }

  clearProgress(): void {
    if (!this.progressShown) return
    this.err.write('\r\x1b[K')
    this.progressShown = false
  }

  /**
   * `text` made safe for a log: with colour on that stream (a terminal, never a CI log), the colour codes
   * of {@link paint} are kept and everything between them is made safe. A name that holds one of those
   * exact codes is then shown in colour, which is all such a code can do.
   */
  private safe(stream: 'out' | 'err', text: string): string {
    if (!this.color[stream]) return logSafe(text)
    let out = ''
    let at = 0
    for (const m of text.matchAll(OWN_CODES)) {
      out += logSafe(text.slice(at, m.index)) + m[0]
      at = m.index + m[0].length
    }
    return out + logSafe(text.slice(at))
  }

  /** `text` in a style, when that stream has colour. */
  paint(stream: 'out' | 'err', style: Style, text: string): string {
    if (!this.color[stream]) return text
    const [on, off] = STYLES[style]
    return `${on}${text}${off}`
  }

  /** An invalidation status, coloured by what it means. */
  status(stream: 'out' | 'err', status: string): string {
    const style: Style | undefined =
      status === 'Completed'
        ? 'green'
        : status === 'InProgress' || status === 'Planned' || status === 'TimedOut'
          ? 'yellow'
          : status === 'Failed' || status === 'Cancelled'
            ? 'red'
            : undefined
    return style === undefined ? status : this.paint(stream, style, status)
  }
}

/**
 * The pipeline's Io on a terminal. Logs go to stderr; the result line (notice) to stdout unless --json
 * prints a document there instead; outputs are collected for the caller to print.
 *
 * Inside a group (the plan's path listing) each line is indented, and without --verbose only the first
 * GROUP_PREVIEW lines are shown. A message may hold many lines (the plan writes paths 2,000 to a call),
 * so lines are counted, not calls.
 */
export function terminalIo(
  term: Terminal,
  options: { verbose: boolean; json: boolean },
): { io: Io; outputs: Map<string, string> } {
  const outputs = new Map<string, string>()
  let group: { shown: number; hidden: number } | undefined
  const info = (message: string): void => {
    if (group === undefined) return term.say(message)
    if (options.verbose) return term.say(indent(message))
    const room = GROUP_PREVIEW - group.shown
    const { head, rest } = firstLines(message, Math.max(0, room))
    group.shown += head.length
    group.hidden += rest
    if (head.length > 0) term.say(indent(head.join('\n')))
  }
  const io: Io = {
    debug: (m) => options.verbose && term.say(term.paint('err', 'dim', `debug: ${m}`)),
    info,
    warning: (m) => term.warn(m),
    // A distribution's (or tenant's) own error, printed as it happens while the others go on; the run's
    // last line then only counts them.
    error: (m) => term.error(m),
    notice: (m) => !options.json && term.print(`${m}\n`),
    group: async (title, fn) => {
      term.say(title)
      group = { shown: 0, hidden: 0 }
      try {
        return await fn()
      } finally {
        if (group.hidden > 0) term.say(`  … ${plural(group.hidden, 'more line')} (--verbose shows them)`)
        group = undefined
      }
    },
    progress: (m) => term.progress(m),
    setOutput: (name, value) => void outputs.set(name, value),
    summary: () => Promise.resolve(),
    // A terminal has none of GitHub's limits on outputs: nothing is cut, nothing to warn about.
    outputLimits: false,
  }
  return { io, outputs }
}

/** Indent every line of `text` by two spaces. */
function indent(text: string): string {
  return `  ${text.replace(/\n/g, '\n  ')}`
}

/**
 * The first `n` lines of `text`, and how many lines follow them, without splitting the whole text (a
 * message can hold thousands of lines of which a preview shows none).
 */
export function firstLines(text: string, n: number): { head: string[]; rest: number } {
  const head: string[] = []
  let at = 0
  while (head.length < n) {
    const nl = text.indexOf('\n', at)
    if (nl === -1) {
      head.push(text.slice(at))
      return { head, rest: 0 }
    }
    head.push(text.slice(at, nl))
    at = nl + 1
  }
  let rest = 1
  for (let nl = text.indexOf('\n', at); nl !== -1; nl = text.indexOf('\n', nl + 1)) rest++
  return { head, rest }
}
