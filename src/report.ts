/**
 * The step's outputs, built from plain data, and the report's public face: the outcome model
 * (report/state.ts), statuses (report/status.ts), the sentences the step ends with (report/lines.ts)
 * and the job summary (report/summary.ts). Pure: the same state always gives the same text, and tests
 * read it without a runner.
 */
import type { InvalidationRecord } from './cloudfront/tracker.js'
import { MAX_INPUT_BYTES, MAX_PATHS_OUTPUT_BYTES, OUTPUTS_BUDGET_BYTES } from './constants.js'
import { formatCount } from './format.js'
import { batchCount } from './plan.js'
import { requestedCount, submittedPaths } from './report/paths.js'
import type { RunState } from './report/state.js'
import { runStatus } from './report/status.js'
import { voice } from './voice.js'

export { billedPaths, requestedCount, submittedPaths } from './report/paths.js'
export { emptyState, outcomeOf, tallyWarning } from './report/state.js'
export type { RunState, RunStatus, TargetOutcome } from './report/state.js'
export { runStatus, stepFails, targetViews } from './report/status.js'
export { endingLine, resultLine } from './report/lines.js'
export { buildSummary, costEstimate } from './report/summary.js'

/** JSON array of strings cut to fit `maxBytes`; `cut` says how many were left out. */
export function boundedJsonArray(values: readonly string[], maxBytes: number): { json: string; cut: number } {
  let bytes = 2
  let n = 0
  for (const v of values) {
    const add = Buffer.byteLength(JSON.stringify(v)) + (n > 0 ? 1 : 0)
    if (bytes + add > maxBytes) break
    bytes += add
    n++
  }
  return { json: JSON.stringify(values.slice(0, n)), cut: values.length - n }
}

/**
 * The `invalidation-list` output: one `DISTRIBUTION/ID` line per invalidation (about 30 bytes), for a later
 * step's `wait-for`, and `[]` when there is none (an empty input would read as no `wait-for` at all).
 * It must fit one input (`maxBytes`): past that, the distributions with the most invalidations are named
 * `DISTRIBUTION/*` instead, everything in progress there, a superset that can never end a gate early.
 * `widened` lists those distributions with how many ids each line stands for.
 */
export function invalidationList(
  records: readonly InvalidationRecord[],
  maxBytes: number,
): { text: string; widened: { distributionId: string; count: number }[] } {
  if (records.length === 0) return { text: '[]', widened: [] }
  const ids = new Map<string, string[]>() // distributions in order of first appearance
  for (const r of records) ids.set(r.distributionId, [...(ids.get(r.distributionId) ?? []), r.id])
  const bytes = (d: string, list: readonly string[]): number =>
    list.reduce((n, id) => n + d.length + id.length + 2, 0)
  let total = [...ids].reduce((n, [d, list]) => n + bytes(d, list), 0) - 1 // no newline after the last
  const widened = new Set<string>()
  // Widen where it saves most first (the most invalidations), and only while the list is too long.
  const bySaving = [...ids].sort(([a, x], [b, y]) => bytes(b, y) - bytes(a, x))
  for (const [d, list] of bySaving) {
    if (total <= maxBytes) break
    total -= bytes(d, list) - (d.length + 3)
    widened.add(d)
  }
  const lines: string[] = []
  for (const [d, list] of ids) {
    if (widened.has(d)) lines.push(`${d}/*`)
    else for (const id of list) lines.push(`${d}/${id}`)
  }
  return {
    text: lines.join('\n'),
    widened: [...widened].map((d) => ({ distributionId: d, count: ids.get(d)?.length ?? 0 })),
  }
}

/**
 * The step's outputs, plus warnings to print (a cut `paths` list, a widened `invalidation-list`). Without
 * `limits` (a terminal, not GitHub) `paths` is never cut, `invalidation-list` never widened (no later
 * step's input to fit), and there is nothing to warn about.
 */
export function buildOutputs(
  s: RunState,
  limits = true,
): { outputs: Record<string, string>; warnings: string[] } {
  const invalidations = JSON.stringify(
    s.records.map((r) => ({
      distributionId: r.distributionId,
      id: r.id,
      status: r.status,
      pathCount: r.pathCount,
      createTime: r.createTime,
    })),
  )
  const ids = JSON.stringify(s.records.map((r) => r.id))
  const list = invalidationList(s.records, limits ? MAX_INPUT_BYTES : Infinity)
  const used = Buffer.byteLength(invalidations) + Buffer.byteLength(ids) + list.text.length
  const warnings: string[] = []
  if (limits && used > OUTPUTS_BUDGET_BYTES) {
    warnings.push(
      `The 'invalidations' output describes ${s.records.length} invalidations in ${Math.round(used / 1024)} KiB, close to GitHub's 1 MB-per-job output limit: raise ${voice().option('batch-size')} to make fewer, larger invalidations.`,
    )
  }
  if (list.widened.length > 0) {
    const named = list.widened.map((w) => `${w.distributionId}/* for its ${w.count} invalidations`)
    warnings.push(
      `The 'invalidation-list' output names ${named.slice(0, 5).join(', ')}${named.length > 5 ? `, and ${named.length - 5} more` : ''}, to fit one input of a later step (${formatCount(MAX_INPUT_BYTES)} bytes): a 'wait-for' gate given it waits for everything in progress there, these and any others.`,
    )
  }
  if (limits && list.text.length > MAX_INPUT_BYTES) {
    warnings.push(
      `The 'invalidation-list' output takes ${Math.round(list.text.length / 1024)} KiB, one line per distribution or tenant, more than one input can carry on every runner (${formatCount(MAX_INPUT_BYTES)} bytes; Linux takes up to 128 KiB): a 'wait-for' gate given it may fail to start. Split the distributions or tenants over several steps.`,
    )
  }
  const paths = submittedPaths(s)
  const budget = Math.max(2, Math.min(MAX_PATHS_OUTPUT_BYTES, OUTPUTS_BUDGET_BYTES - used))
  const { json, cut } = limits ? boundedJsonArray(paths, budget) : { json: JSON.stringify(paths), cut: 0 }
  if (cut > 0) {
    warnings.push(
      `The 'paths' output lists the first ${paths.length - cut} of ${paths.length} paths (cut at ${Math.round(budget / 1024)} KiB to stay under GitHub's 1 MB output limit); 'path-count' is exact.`,
    )
  }
  return {
    outputs: {
      'invalidation-id': s.records[0]?.id ?? '',
      'invalidation-ids': ids,
      invalidations,
      'invalidation-list': list.text,
      paths: json,
      'path-count': String(paths.length),
      'requested-path-count': String(requestedCount(s)),
      'batch-count': String(batchCount(s.plans)),
      status: runStatus(s),
    },
    warnings,
  }
}
