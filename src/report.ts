/**
 * The step's outputs, built from plain data, and the report's public face: the outcome model
 * (report/state.ts), statuses (report/status.ts), the sentences the step ends with (report/lines.ts)
 * and the job summary (report/summary.ts). Pure: the same state always gives the same text, and tests
 * read it without a runner.
 */
import {
  MAX_IDS_OUTPUT_BYTES,
  MAX_INPUT_BYTES,
  MAX_INVALIDATIONS_OUTPUT_BYTES,
  MAX_PATHS_OUTPUT_BYTES,
  OUTPUTS_BUDGET_BYTES,
} from './constants.js'
import { formatCount } from './format.js'
import { batchCount } from './plan.js'
import { invalidationList } from './report/invalidation-list.js'
import { requestedCount, submittedPaths } from './report/paths.js'
import type { RunState } from './report/state.js'
import { runStatus } from './report/status.js'
import { ALL_TENANTS } from './targets.js'

export { submittedPaths } from './report/paths.js'
export { emptyState } from './report/state.js'
export type { RunState } from './report/state.js'
export { runStatus, stepFails } from './report/status.js'
export { endingLine, resultLine } from './report/lines.js'
export { buildSummary } from './report/summary.js'
export { invalidationList } from './report/invalidation-list.js'

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
 * The `invalidations` JSON cut to `maxBytes`: the records that fit, then (when some did not) one more
 * element `{"omitted": N, "see": "invalidations-file"}`, so a `wait-for` given a cut list fails rather
 * than pass while invalidations it never saw are still in progress.
 */
export function boundedRecords(records: readonly object[], maxBytes: number): { json: string; cut: number } {
  const parts: string[] = []
  let bytes = 2
  const marker = (n: number): string => JSON.stringify({ omitted: n, see: 'invalidations-file' })
  const room = marker(records.length).length + 1 // kept for the marker, should a later record not fit
  for (const r of records) {
    const part = JSON.stringify(r)
    const size = Buffer.byteLength(part) + 1
    if (bytes + size + room > maxBytes) break
    parts.push(part)
    bytes += size
  }
  const cut = records.length - parts.length
  if (cut > 0) parts.push(marker(cut))
  return { json: `[${parts.join(',')}]`, cut }
}

/**
 * The step's outputs, plus warnings to print (cut lists, a widened `invalidation-list`). Without `limits`
 * (a terminal, not GitHub) nothing is cut, `invalidation-list` is never widened (no later step's input to
 * fit), and there is nothing to warn about. `invalidations-file` is added by the caller.
 */
export function buildOutputs(
  s: RunState,
  limits = true,
): { outputs: Record<string, string>; warnings: string[] } {
  const warnings: string[] = []
  const records = s.records.map((r) => ({
    distributionId: r.distributionId,
    id: r.id,
    status: r.status,
    pathCount: r.pathCount,
    createTime: r.createTime,
  }))
  const invalidations = limits
    ? boundedRecords(records, MAX_INVALIDATIONS_OUTPUT_BYTES)
    : { json: JSON.stringify(records), cut: 0 }
  if (invalidations.cut > 0) {
    warnings.push(
      `The 'invalidations' output lists the first ${formatCount(records.length - invalidations.cut)} of ${formatCount(records.length)} invalidations (cut at ${MAX_INVALIDATIONS_OUTPUT_BYTES / 1024} KiB to stay under GitHub's 1 MB output limit) and ends with {"omitted": ${invalidations.cut}}, so a 'wait-for' given it fails rather than pass early: give 'wait-for' the 'invalidation-list' output, or the 'invalidations-file' (this job, or uploaded as an artifact), which lists them all.`,
    )
  }
  const idList = s.records.map((r) => r.id)
  const ids = limits
    ? boundedJsonArray(idList, MAX_IDS_OUTPUT_BYTES)
    : { json: JSON.stringify(idList), cut: 0 }
  if (ids.cut > 0) {
    warnings.push(
      `The 'invalidation-ids' output lists the first ${formatCount(idList.length - ids.cut)} of ${formatCount(idList.length)} ids (cut at ${MAX_IDS_OUTPUT_BYTES / 1024} KiB); 'invalidations-file' lists them all.`,
    )
  }
  // Tenants are grouped under the distribution they were selected from, so thousands widen to one line.
  const list = invalidationList(
    s.records,
    limits ? MAX_INPUT_BYTES : Infinity,
    (id) => s.targets.get(id)?.parent,
  )
  if (list.widened.length > 0) {
    const named = list.widened.map((w) =>
      w.line.endsWith(`/${ALL_TENANTS}`)
        ? `${w.line} for its tenants' ${formatCount(w.count)} invalidations`
        : `${w.line} for its ${w.count} invalidations`,
    )
    warnings.push(
      `The 'invalidation-list' output names ${named.slice(0, 5).join(', ')}${named.length > 5 ? `, and ${named.length - 5} more` : ''}, to fit one input of a later step (${formatCount(MAX_INPUT_BYTES)} bytes): a 'wait-for' gate given it waits for everything in progress there, these and any others.`,
    )
  }
  if (limits && list.text.length > MAX_INPUT_BYTES) {
    warnings.push(
      `The 'invalidation-list' output takes ${Math.round(list.text.length / 1024)} KiB, one line per distribution or tenant, more than one input can carry on every runner (${formatCount(MAX_INPUT_BYTES)} bytes; Linux takes up to 128 KiB): a 'wait-for' gate given it may fail to start. Split the distributions or tenants over several steps.`,
    )
  }
  const used = Buffer.byteLength(invalidations.json) + Buffer.byteLength(ids.json) + list.text.length
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
      'invalidation-ids': ids.json,
      invalidations: invalidations.json,
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
