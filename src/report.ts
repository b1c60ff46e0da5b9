/**
 * The step's outputs, built from plain data, and the report's public face: the outcome model
 * (report/state.ts), statuses (report/status.ts), the sentences the step ends with (report/lines.ts)
 * and the job summary (report/summary.ts). Pure: the same state always gives the same text, and tests
 * read it without a runner.
 */
import { MAX_PATHS_OUTPUT_BYTES, OUTPUTS_BUDGET_BYTES } from './constants.js'
import { batchCount } from './plan.js'
import { requestedCount, submittedPaths } from './report/paths.js'
import type { RunState } from './report/state.js'
import { runStatus } from './report/status.js'

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

/** The step's outputs, plus warnings to print (a cut `paths` list). */
export function buildOutputs(s: RunState): { outputs: Record<string, string>; warnings: string[] } {
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
  const used = Buffer.byteLength(invalidations) + Buffer.byteLength(ids)
  const warnings: string[] = []
  if (used > OUTPUTS_BUDGET_BYTES) {
    warnings.push(
      `The 'invalidations' output describes ${s.records.length} invalidations in ${Math.round(used / 1024)} KiB, close to GitHub's 1 MB-per-job output limit: raise 'batch-size' to make fewer, larger invalidations.`,
    )
  }
  const paths = submittedPaths(s)
  const budget = Math.max(2, Math.min(MAX_PATHS_OUTPUT_BYTES, OUTPUTS_BUDGET_BYTES - used))
  const { json, cut } = boundedJsonArray(paths, budget)
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
      paths: json,
      'path-count': String(paths.length),
      'requested-path-count': String(requestedCount(s)),
      'batch-count': String(batchCount(s.plans)),
      status: runStatus(s),
    },
    warnings,
  }
}
