/**
 * Outputs, job summary and the one-line result, built from plain data. Pure: the same state always gives
 * the same text, and tests read it without a runner.
 */
import { formatCount } from './format.js'
import type { InvalidationRecord } from './cloudfront/tracker.js'
import {
  FREE_PATHS_PER_MONTH,
  MAX_PATHS_OUTPUT_BYTES,
  OUTPUTS_BUDGET_BYTES,
  PRICE_PER_PATH_USD,
} from './constants.js'
import { formatDuration } from './duration.js'
import { batchCount, type DistributionPlan } from './plan.js'
import { estimatedCostUsd } from './paths/collapse.js'
import type { Item } from './paths/encode.js'
import type { VerifyResult } from './verify/run.js'

/** `status` output values. `Failed`: the step failed before every batch was submitted. */
export type RunStatus = 'Completed' | 'InProgress' | 'Planned' | 'Skipped' | 'Failed'

/** Everything the report needs, filled in as the run goes. */
export interface RunState {
  dryRun: boolean
  wait: boolean
  plans: DistributionPlan[]
  /** Invalidations created, in creation order. */
  records: InvalidationRecord[]
  /** Per-distribution failures, already explained. */
  errors: string[]
  timedOut: boolean
  /** A `wait-for` gate: it creates nothing and reports the invalidations it waited for. */
  gate?: boolean
  /** How many invalidations the gate was asked to wait for (for a dry run's line). */
  gateTargets?: number
  /** Why sources contributed nothing (shown when the run is Skipped). */
  skipReasons: string[]
  /** Milliseconds from step start to plan ready, submissions done, and the end. */
  timings: { planMs: number; submitMs?: number; totalMs?: number }
  /** Edge verification (`verify`), once it ran: its outputs and summary section come from verify/report.ts. */
  verification?: VerifyResult
}

/** The status the run ended in. */
export function runStatus(s: RunState): RunStatus {
  if (s.dryRun) return 'Planned'
  if (s.gate) {
    if (s.errors.length > 0) return 'Failed'
    if (s.records.length === 0) return 'Skipped'
    return s.records.every((r) => r.status === 'Completed') ? 'Completed' : 'InProgress'
  }
  const planned = batchCount(s.plans)
  if (planned === 0) return 'Skipped'
  if (s.records.length < planned)
    return s.timedOut && s.errors.length === 0 && s.records.length > 0 ? 'InProgress' : 'Failed'
  return s.records.every((r) => r.status === 'Completed') ? 'Completed' : 'InProgress'
}

/** Path strings of a plan's items, computed once per items array (a re-plan makes a new array). */
const pathValues = new WeakMap<readonly Item[], string[]>()

/** Distinct requested paths (before collapse) over all distributions. */
export function requestedCount(s: RunState): number {
  if (s.plans.length === 1) return s.plans[0]?.requested.length ?? 0 // already distinct
  const seen = new Set<string>()
  for (const p of s.plans) for (const i of p.requested) seen.add(i.value)
  return seen.size
}

/** Distinct submitted paths over all distributions, in plan order. */
export function submittedPaths(s: RunState): string[] {
  // One distribution (the usual case): its items are already distinct; spare a Set of every path, and
  // remember the list: the log, outputs, summary and notice all ask for it.
  if (s.plans.length === 1) {
    const items = s.plans[0]?.items ?? []
    let values = pathValues.get(items)
    if (values === undefined) pathValues.set(items, (values = items.map((i) => i.value)))
    return values
  }
  const seen = new Set<string>()
  for (const p of s.plans) for (const i of p.items) seen.add(i.value)
  return [...seen]
}

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

/** Paths billed: every submitted item on every distribution (a wildcard or tag counts as one). */
export function billedPaths(s: RunState): number {
  return s.plans.reduce((n, p) => n + p.items.length, 0)
}

/** Cost if the month's free paths are already used up (the planner's estimate, as dollars). */
export function costEstimate(paths: number): string {
  return `$${estimatedCostUsd(paths).toFixed(3)}`
}

/** The one line printed as a notice at the end. */
export function resultLine(s: RunState): string {
  const status = runStatus(s)
  if (s.gate) return gateLine(s, status)
  const paths = submittedPaths(s).length
  const dists = s.plans.length
  const batches = batchCount(s.plans)
  const where = `${dists} distribution${dists === 1 ? '' : 's'}`
  const time = s.timings.totalMs === undefined ? '' : ` in ${formatDuration(s.timings.totalMs)}`
  switch (status) {
    case 'Planned':
      return `Dry run: would invalidate ${paths} path${paths === 1 ? '' : 's'} on ${where} in ${batches} batch${batches === 1 ? '' : 'es'} (no AWS call made).`
    case 'Skipped':
      return `Nothing to invalidate: ${s.skipReasons.length > 0 ? s.skipReasons.join('; ') : 'no paths left after normalisation'}.`
    case 'Completed':
      return `Invalidated ${paths} path${paths === 1 ? '' : 's'} on ${where}: ${s.records.length} invalidation(s) Completed${time}.`
    case 'InProgress':
      return `Submitted ${paths} path${paths === 1 ? '' : 's'} on ${where}: ${s.records.length} invalidation(s) in progress${time}${s.wait ? '' : ' (not waiting: set wait: true to wait for completion)'}.`
    case 'Failed':
      return `Failed after creating ${s.records.length} of ${batches} invalidation(s)${time}.`
  }
}

/** The summary of a `wait-for` gate: each invalidation and its status. */
function gateSummary(s: RunState, lines: string[]): string {
  if (s.records.length > 0) {
    lines.push(
      '| Distribution | Invalidation | Paths | Created | Status |',
      '| --- | --- | ---: | --- | --- |',
    )
    for (const r of s.records) {
      lines.push(`| \`${r.distributionId}\` | \`${r.id}\` | ${r.pathCount} | ${r.createTime} | ${r.status} |`)
    }
  }
  if (s.errors.length > 0) {
    lines.push('', '**Errors:**', '')
    for (const e of s.errors) lines.push(`- ${escapeCell(e)}`)
  }
  if (s.timings.totalMs !== undefined) lines.push('', `**Waited:** ${formatDuration(s.timings.totalMs)}`)
  return lines.join('\n') + '\n'
}

/** The result line of a `wait-for` gate. */
function gateLine(s: RunState, status: RunStatus): string {
  const n = s.records.length
  const dists = new Set(s.records.map((r) => r.distributionId)).size
  const time = s.timings.totalMs === undefined ? '' : ` in ${formatDuration(s.timings.totalMs)}`
  switch (status) {
    case 'Skipped':
      return 'Nothing to wait for: wait-for lists no invalidation (the deploy step made none).'
    case 'Planned':
      return `Dry run: would wait for ${s.gateTargets ?? 0} invalidation(s) (no AWS call made).`
    case 'Completed':
      return `Waited for ${n} invalidation(s) on ${dists} distribution(s): all Completed${time}.`
    default:
      return `Waited for ${n} invalidation(s): ${s.records.filter((r) => r.status === 'Completed').length} Completed${time}.`
  }
}

function escapeCell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/`/g, "'")
}

/** The job summary, in GitHub-flavoured Markdown. */
export function buildSummary(s: RunState): string {
  const status = runStatus(s)
  const billed = billedPaths(s)
  const lines: string[] = []
  lines.push(`## CloudFront invalidation: ${status}`, '', resultLine(s), '')
  if (s.gate) return gateSummary(s, lines)
  lines.push(
    '| Distribution | Requested | Billed | Batches | Invalidations | Status |',
    '| --- | ---: | ---: | ---: | --- | --- |',
  )
  for (const p of s.plans) {
    const recs = s.records.filter((r) => r.distributionId === p.distributionId)
    const ids = recs.map((r) => `\`${r.id}\``).join(' ')
    const st = s.dryRun
      ? 'Planned'
      : recs.length === 0
        ? p.batches.length === 0
          ? 'Skipped'
          : 'Failed'
        : recs.length < p.batches.length
          ? `${recs.length}/${p.batches.length} created`
          : recs.every((r) => r.status === 'Completed')
            ? 'Completed'
            : 'InProgress'
    lines.push(
      `| ${p.alias ? `${escapeCell(p.alias)} → ` : ''}\`${p.distributionId}\` | ${p.requested.length} | ${p.items.length} | ${p.batches.length} | ${ids || '–'} | ${st} |`,
    )
  }
  lines.push('')
  const wildcards = s.plans.flatMap((p) =>
    (p.collapse?.wildcards ?? []).map((w) => ({ id: p.distributionId, ...w })),
  )
  if (wildcards.length > 0) {
    lines.push(
      '**Collapsed into wildcards** (each stands for requested paths in a mostly-changed directory):',
      '',
    )
    lines.push('| Distribution | Wildcard | Covers | Unchanged objects hit |', '| --- | --- | ---: | ---: |')
    for (const w of wildcards.slice(0, 100)) {
      lines.push(`| \`${w.id}\` | \`${escapeCell(w.value)}\` | ${w.covers} | ${w.unchanged ?? 'unknown'} |`)
    }
    if (wildcards.length > 100) lines.push(`| … | ${wildcards.length - 100} more | | |`)
    lines.push('')
  }
  lines.push(
    `**Billed paths:** ${billed} for ${requestedCount(s)} requested (a wildcard or tag counts as one). CloudFront gives ${formatCount(FREE_PATHS_PER_MONTH)} free paths a month per account, then $${PRICE_PER_PATH_USD} a path: at most ${costEstimate(billed)} for this run.`,
  )
  const t = s.timings
  lines.push(
    '',
    `**Timings:** plan ${formatDuration(t.planMs)}` +
      (t.submitMs === undefined ? '' : `, submitted by ${formatDuration(t.submitMs)}`) +
      (t.totalMs === undefined ? '' : `, total ${formatDuration(t.totalMs)}`),
  )
  if (s.errors.length > 0) {
    lines.push('', '**Errors:**', '')
    for (const e of s.errors) lines.push(`- ${escapeCell(e)}`)
  }
  const paths = submittedPaths(s)
  if (paths.length > 0) {
    const shown = paths.slice(0, 1000)
    lines.push(
      '',
      `<details><summary>${paths.length} path${paths.length === 1 ? '' : 's'}</summary>`,
      '',
      '```',
    )
    for (const p of shown) lines.push(p.replace(/```/g, "'''"))
    if (paths.length > shown.length)
      lines.push(`… and ${paths.length - shown.length} more (see the 'paths' output)`)
    lines.push('```', '', '</details>')
  }
  return lines.join('\n') + '\n'
}
