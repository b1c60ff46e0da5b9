/**
 * Running the action's engine (pipeline.ts `execute`) from the terminal, for `invalidate` and `wait`, and
 * printing its outputs: a table for people, or one JSON document whose numbers are numbers.
 */
import { errorMessage, InputError } from '../../errors.js'
import { formatCount, plural } from '../../format.js'
import type { InputReader } from '../../inputs.js'
import { execute } from '../../pipeline.js'
import { jsonDocument, TableWriter } from '../output.js'
import type { Session } from '../session.js'
import type { Terminal } from '../terminal.js'
import { terminalIo } from '../terminal.js'

/** Outputs that are counts: numbers in --json (the action's outputs are all strings). */
const NUMBER_OUTPUTS = new Set(['path-count', 'requested-path-count', 'batch-count'])

/**
 * Outputs whose text is JSON: arrays in --json. Named, not guessed from a leading `[`: `invalidation-list`
 * is DISTRIBUTION/ID lines, or `[]` when there are none, and stays a string either way, as --wait-for and
 * `wait -` take it.
 */
const JSON_OUTPUTS = new Set(['invalidation-ids', 'invalidations', 'paths', 'verified', 'stale-paths'])

/** Run the engine with `read` as its inputs; print the result; return the exit code. */
export async function runPipeline(s: Session, read: InputReader, gate: boolean): Promise<number> {
  const { io, outputs } = terminalIo(s.term, { verbose: s.verbose, json: s.json })
  let failure: unknown
  try {
    // No GITHUB_WORKSPACE: relative files are read from the current directory.
    await execute(read, { ...s.host.env, GITHUB_WORKSPACE: undefined }, io, {
      connect: s.connector(),
      // Ctrl-C: the run stops waiting, and its outputs (what was created) are printed below as usual.
      signal: s.cancel.signal,
      ...(s.host.clock === undefined ? {} : { clock: s.host.clock }),
    })
  } catch (e) {
    failure = e
  }
  s.term.clearProgress()
  // A bad flag value (exit 2) is a usage error: one line on stderr and nothing on stdout, although the
  // run (which sets its outputs on every ending, for a workflow) did write outputs saying nothing was made.
  if (failure instanceof InputError) throw failure
  if (s.json) {
    if (outputs.size > 0 || failure !== undefined) {
      s.term.printJson(jsonDocument(outputsJson(outputs, failure)))
    }
  } else if (outputs.size > 0) {
    printResult(outputs, s.term, gate)
  }
  if (failure === undefined) return 0
  // The error last, below the result, where it is seen.
  s.term.error(errorMessage(failure))
  if (s.verbose && failure instanceof Error && failure.stack) s.term.say(failure.stack)
  return 1
}

/**
 * The outputs as one JSON object: JSON outputs as arrays, counts as numbers, the rest as strings; `error`
 * when the run failed.
 */
export function outputsJson(
  outputs: ReadonlyMap<string, string>,
  failure?: unknown,
): Record<string, unknown> {
  const doc: Record<string, unknown> = {}
  for (const [name, value] of outputs) {
    doc[name] = NUMBER_OUTPUTS.has(name)
      ? Number(value)
      : JSON_OUTPUTS.has(name)
        ? (JSON.parse(value) as unknown)
        : value
  }
  if (failure !== undefined) doc.error = errorMessage(failure)
  return doc
}

/** Invalidations the human result lists a row each; past it (thousands of tenants) the rest are counted. */
const MAX_RESULT_ROWS = 50

/**
 * The human result: one row per invalidation (up to MAX_RESULT_ROWS, then the rest counted by status),
 * then the status and (for a run that creates) the counts.
 */
function printResult(outputs: ReadonlyMap<string, string>, term: Terminal, gate: boolean): void {
  let rows: { distributionId: string; id: string; pathCount: number; status: string }[] = []
  try {
    rows = JSON.parse(outputs.get('invalidations') ?? '[]') as typeof rows
  } catch {
    rows = []
  }
  const lines: string[] = []
  if (rows.length > 0) {
    const shown = rows.slice(0, MAX_RESULT_ROWS)
    new TableWriter(term, [
      { title: 'DISTRIBUTION' },
      { title: 'INVALIDATION' },
      { title: 'PATHS', right: true },
      { title: 'STATUS', paint: (cell) => term.status('out', cell) },
    ]).rows(shown.map((r) => [r.distributionId, r.id, String(r.pathCount), r.status]))
    if (rows.length > shown.length) {
      // Thousands of tenants: the rest counted by status, not a row each.
      const rest = rows.slice(shown.length)
      const byStatus = new Map<string, number>()
      for (const r of rest) byStatus.set(r.status, (byStatus.get(r.status) ?? 0) + 1)
      const counts = [...byStatus].map(([st, n]) => `${formatCount(n)} ${st}`).join(', ')
      const targets = new Set(rest.map((r) => r.distributionId)).size
      lines.push(
        `… and ${plural(rest.length, 'more invalidation')} on ${plural(targets, 'more distribution or tenant', 'more distributions or tenants')} (${counts}); --json lists every one`,
      )
    }
  }
  const status = term.status('out', outputs.get('status') ?? '')
  lines.push(
    gate
      ? `status: ${status}`
      : `status: ${status}   paths: ${outputs.get('path-count') ?? ''} (requested ${outputs.get('requested-path-count') ?? ''})   batches: ${outputs.get('batch-count') ?? ''}`,
  )
  term.print(`${lines.join('\n')}\n`)
}
