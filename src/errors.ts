/**
 * Errors the action raises on purpose. Each carries a message written for the person reading the log:
 * what is wrong, where it came from and what to do. `main.ts` prints it as one line.
 */
import { voice } from './voice.js'

/** A bad input: raised before any AWS call, printed without a stack trace. */
export class InputError extends Error {
  override name = 'InputError'
  constructor(
    /** The action input (or CLI flag) the problem is in. */
    readonly input: string,
    /** The problem without the input's name, for a caller that words it again. */
    readonly detail: string,
  ) {
    // `Input 'paths': …` in a workflow, `--paths: …` on a command line (see voice.ts).
    super(`${voice().inputLabel(input)}: ${detail}`)
  }
}

/** Anything thrown, as one readable line: Error messages as they are, other values stringified. */
export function errorMessage(e: unknown): string {
  if (e instanceof Error) return e.message
  if (typeof e === 'string') return e
  try {
    return JSON.stringify(e) ?? String(e)
  } catch {
    return String(e)
  }
}

/**
 * Quote a user-supplied value in an error line, cut so a 100 KB input does not flood the log. Escaped as
 * JSON escapes it (`\n`, `\r`, `\u0000`), and also the characters JSON leaves raw that a reader
 * could not see or tell apart: C1 controls, U+2028/U+2029 and U+FFFD (the mark of bytes that were not
 * UTF-8) as `\uXXXX`.
 */
export function quote(value: string, max = 80): string {
  const shown = value.length > max ? `${value.slice(0, max)}… (${value.length} chars)` : value
  return JSON.stringify(shown).replace(
    /[\x80-\x9f\u2028\u2029\ufffd]/g,
    (ch) => `\\u${ch.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`,
  )
}

/** Raised when the step's `timeout` passes (the deadline's abort reason). */
export class DeadlineError extends Error {
  override name = 'DeadlineError'
}

/** Raised when the workflow is cancelled: the runner sends SIGINT, then SIGTERM. */
export class CancelledError extends Error {
  override name = 'CancelledError'
  constructor(readonly signal: string) {
    super(`cancelled (${signal})`)
  }
}

/**
 * The step fails, and the errors behind it were already printed as they happened (one per distribution):
 * its message only counts them, and the host need not print it as another error annotation.
 */
export class ReportedFailure extends Error {
  override name = 'ReportedFailure'
}

/** A failure named after the input it comes from, for errors that are not the input's fault alone. */
export function forInput(input: string, value: string, message: string): string {
  return `${voice().inputLabel(input)} (${quote(value)}): ${message}`
}
