/**
 * The job summary, in GitHub-flavoured Markdown: a heading that shows the outcome at a glance, each
 * target's own outcome (errors and paths never submitted included), warnings with their counts, cost,
 * timings and the paths. Everything from outside is escaped (markdown.ts), and the whole stays under
 * SUMMARY_BUDGET_BYTES: the path list takes what is left, and says what it left out.
 */
import { FREE_PATHS_PER_MONTH, PRICE_PER_PATH_USD, SUMMARY_BUDGET_BYTES } from '../constants.js'
import { formatDuration } from '../duration.js'
import { formatCount, plural } from '../format.js'
import { estimatedCostUsd } from '../paths/collapse.js'
import { resultLine } from './lines.js'
import { submittedPaths } from './paths.js'
import { BoundedLines, code, escapeHtml, escapeText } from './markdown.js'
import type { RunState } from './state.js'
import {
  runStatus,
  statusMark,
  targetsPhrase,
  targetViews,
  verifyHeading,
  type TargetView,
} from './status.js'

/** Rows of the per-target table at most (fan-out over thousands of tenants is summarised by counts). */
const MAX_TARGET_ROWS = 200
/** Errors listed at most (one per failed target); the log has each one. */
const MAX_ERROR_LINES = 50
/** Rows of the wildcard table at most. */
const MAX_WILDCARD_ROWS = 100

/** Cost if the month's free paths are already used up (the planner's estimate, as dollars). */
function costEstimate(paths: number): string {
  return `$${estimatedCostUsd(paths).toFixed(3)}`
}

/** One target's status cell: the status, and what it leaves undone. */
function statusCell(v: TargetView): string {
  const parts: string[] = [v.status]
  if (v.unsubmitted > 0)
    parts.push(
      `${v.unsubmitted} of ${plural(v.batches, 'batch', 'batches')} (${plural(v.unsubmittedPaths, 'path')}) never submitted`,
    )
  if (v.status !== 'Completed' && v.records.length > 0 && v.completed > 0)
    parts.push(`${v.completed} of ${v.records.length} Completed`)
  return parts.join(': ')
}

/**
 * The job summary, at most `budget` bytes. `sections` (Markdown built elsewhere, such as edge
 * verification's, verify/report.ts) go before the path list, which takes what is left.
 */
export function buildSummary(s: RunState, budget = SUMMARY_BUDGET_BYTES, sections = ''): string {
  const views = targetViews(s)
  const status = runStatus(s, views)
  const out = new BoundedLines(budget)
  out.add(
    `## ${statusMark(s, status)} CloudFront invalidation: ${status}${verifyHeading(s)}`,
    '',
    escapeText(resultLine(s, views), 4000),
    '',
  )
  if (s.gate) gateTable(s, views, out)
  else if (s.fanOut !== undefined) fanOutTable(s, views, out)
  else targetTable(views, out)
  problems(s, views, out)
  if (!s.gate) {
    wildcardTable(s, out)
    costAndTimings(s, views, out)
  } else if (s.timings.totalMs !== undefined) {
    out.add(`**Waited:** ${formatDuration(s.timings.totalMs)}`, '')
  }
  if (sections !== '') addSection(sections, out)
  // Paths of batches never submitted are in the list too (they are what to retry): then it is the plan.
  const partly = views.some((v) => v.unsubmitted > 0)
  pathList(
    submittedPaths(s),
    s.dryRun ? 'planned' : partly ? 'planned (not all submitted)' : 'submitted',
    out,
  )
  return out.text()
}

/**
 * A section built elsewhere (edge verification's), whole when it fits. Hostile file names can make its
 * tables megabytes (each escaped character takes six bytes): then its lines up to its first folded
 * block (the heading, the counts, the stale URLs), as many as fit, and a line saying the rest is in the
 * log, rather than dropping the section without a word.
 */
function addSection(section: string, out: BoundedLines): void {
  const lines = section.replace(/\n$/, '').split('\n')
  if (out.add(...lines)) return
  const reserve = 1000 // the line below, and the path list's head
  let shown = 0
  for (const line of lines) {
    if (line.startsWith('<details>') || Buffer.byteLength(line) + 1 > out.left - reserve) break
    out.add(line)
    shown++
  }
  out.add(
    '',
    `*${plural(lines.length - shown, 'more line')} of this section ${lines.length - shown === 1 ? 'is' : 'are'} left out to keep this summary under GitHub's 1 MiB limit: the step log has the detail.*`,
    '',
  )
}

function targetTable(views: readonly TargetView[], out: BoundedLines): void {
  if (views.length === 0) return
  out.add(
    '| Distribution | Requested | Billed | Batches | Invalidations | Status |',
    '| --- | ---: | ---: | ---: | --- | --- |',
  )
  for (const v of views.slice(0, MAX_TARGET_ROWS)) {
    const ids = v.records.map((r) => code(r.id)).join(' ')
    const name = `${v.alias ? `${escapeText(v.alias, 300)} → ` : ''}${code(v.id)}`
    out.add(
      `| ${name} | ${formatCount(v.requested)} | ${formatCount(v.billed)} | ${v.batches} | ${ids || '–'} | ${statusCell(v)} |`,
    )
  }
  if (views.length > MAX_TARGET_ROWS) {
    out.add(`| … ${formatCount(views.length - MAX_TARGET_ROWS)} more (counts below) | | | | | |`)
  }
  if (views.length > 1) {
    const sum = (f: (v: TargetView) => number): string => formatCount(views.reduce((n, v) => n + f(v), 0))
    out.add(
      `| **All ${views.length}** (totals) | ${sum((v) => v.requested)} | ${sum((v) => v.billed)} | ${sum((v) => v.batches)} | ${sum((v) => v.records.length)} | ${countsByStatus(views)} |`,
    )
  }
  out.add('')
}

/**
 * `tenants`: a row per distribution counting its tenants by outcome (never a row per tenant), then the
 * totals; the failed tenants are listed with their errors under "Errors" (up to MAX_ERROR_LINES).
 */
function fanOutTable(s: RunState, views: readonly TargetView[], out: BoundedLines): void {
  const fan = s.fanOut
  if (fan === undefined) return
  out.add(
    `**Tenants:** ${escapeText(fan.selection === 'all' ? 'all' : `matching ${fan.selection}`, 2000)}`,
    '',
    '| Distribution | Tenants | Requested (each) | Billed (each) | Invalidations | Outcome |',
    '| --- | ---: | ---: | ---: | ---: | --- |',
  )
  const byParent = new Map<string, TargetView[]>()
  for (const v of views) {
    const parent = s.dryRun ? v.id : (s.targets.get(v.id)?.parent ?? v.id)
    const list = byParent.get(parent)
    if (list === undefined) byParent.set(parent, [v])
    else list.push(v)
  }
  for (const d of fan.distributions.slice(0, MAX_TARGET_ROWS)) {
    const group = byParent.get(d.id) ?? []
    const first = group[0]
    const each = (f: (v: TargetView) => number): string => (first === undefined ? '–' : formatCount(f(first)))
    const tenants = d.tenants === undefined ? 'not listed (dry run)' : formatCount(d.tenants)
    const invalidations = group.reduce((n, v) => n + v.records.length, 0)
    const outcome = s.dryRun
      ? 'Planned'
      : group.length === 0
        ? 'Skipped: no tenant selected'
        : countsByStatus(group)
    out.add(
      `| ${code(d.id)} | ${tenants} | ${each((v) => v.requested)} | ${each((v) => v.billed)} | ${formatCount(invalidations)} | ${outcome} |`,
    )
  }
  if (fan.distributions.length > MAX_TARGET_ROWS) {
    out.add(`| … ${formatCount(fan.distributions.length - MAX_TARGET_ROWS)} more | | | | | |`)
  }
  if (fan.distributions.length > 1 && !s.dryRun) {
    out.add(
      `| **All** (totals) | ${formatCount(views.length)} | | | ${formatCount(s.records.length)} | ${countsByStatus(views)} |`,
    )
  }
  out.add('')
}

/** "2 Completed, 1 Failed". */
function countsByStatus(views: readonly TargetView[]): string {
  const counts = new Map<string, number>()
  for (const v of views) counts.set(v.status, (counts.get(v.status) ?? 0) + 1)
  return [...counts].map(([st, n]) => `${formatCount(n)} ${st}`).join(', ')
}

function gateTable(s: RunState, views: readonly TargetView[], out: BoundedLines): void {
  if (s.records.length > 0) {
    out.add('| Distribution | Invalidation | Paths | Created | Status |', '| --- | --- | ---: | --- | --- |')
    for (const r of s.records.slice(0, MAX_TARGET_ROWS)) {
      out.add(
        `| ${code(r.distributionId)} | ${code(r.id)} | ${r.pathCount} | ${escapeText(r.createTime, 100)} | ${escapeText(r.status, 100)} |`,
      )
    }
    if (s.records.length > MAX_TARGET_ROWS) {
      // Thousands of tenants' invalidations: counted below, each in the log and the outputs.
      out.add(`| … ${formatCount(s.records.length - MAX_TARGET_ROWS)} more (counts below) | | | | |`)
    }
    out.add('')
  }
  if (views.length > 1) {
    const kind = targetsPhrase(views.length, views).replace(/^[\d,]+ /, '')
    out.add(`**${kind[0]?.toUpperCase() ?? ''}${kind.slice(1)}:** ${countsByStatus(views)}`, '')
  }
}

/** The run's failure, each target's error, and the warnings with their counts. */
function problems(s: RunState, views: readonly TargetView[], out: BoundedLines): void {
  const errors: string[] = []
  if (s.failure !== undefined) errors.push(s.failure)
  if (s.verifyFailure !== undefined) errors.push(s.verifyFailure)
  for (const v of views) if (v.error !== undefined) errors.push(v.error)
  if (errors.length > 0) {
    out.add('**Errors:**', '')
    let shown = 0
    for (const e of errors.slice(0, MAX_ERROR_LINES)) {
      if (!out.add(`- ${escapeText(e)}`)) break
      shown++
    }
    if (shown < errors.length) {
      const kind = s.fanOut !== undefined ? 'failed tenants' : 'errors'
      out.add(`- … and ${formatCount(errors.length - shown)} more ${kind}: the step log has each error.`)
    }
    out.add('')
  }
  if (s.warnings.length > 0) {
    out.add('**Warnings** (the log has each one):', '')
    for (const w of s.warnings) {
      const times = w.count > 1 ? ` (${plural(w.count, 'time')})` : ''
      if (!out.add(`- ${escapeText(w.message)}${times}`)) break
    }
    out.add('')
  }
}

function wildcardTable(s: RunState, out: BoundedLines): void {
  // Tenants of one distribution share one plan: its wildcards once, named by the distribution.
  const seen = new Set<unknown>()
  const wildcards = s.plans.flatMap((p) => {
    if (p.collapse === undefined || seen.has(p.collapse)) return []
    seen.add(p.collapse)
    const parent = s.fanOut !== undefined && !s.dryRun ? s.targets.get(p.distributionId)?.parent : undefined
    const id = parent === undefined ? p.distributionId : `${parent} (each tenant)`
    return p.collapse.wildcards.map((w) => ({ id, ...w }))
  })
  if (wildcards.length === 0) return
  out.add(
    '**Collapsed into wildcards** (each stands for requested paths in a mostly-changed directory):',
    '',
    '| Distribution | Wildcard | Covers | Unchanged objects hit |',
    '| --- | --- | ---: | ---: |',
  )
  for (const w of wildcards.slice(0, MAX_WILDCARD_ROWS)) {
    out.add(`| ${code(w.id)} | ${code(w.value)} | ${w.covers} | ${w.unchanged ?? 'unknown'} |`)
  }
  if (wildcards.length > MAX_WILDCARD_ROWS)
    out.add(`| … | ${wildcards.length - MAX_WILDCARD_ROWS} more | | |`)
  out.add('')
}

function costAndTimings(s: RunState, views: readonly TargetView[], out: BoundedLines): void {
  const t = s.timings
  // Nothing planned (a bad input, a source that failed): no cost to speak of, no plan to time.
  if (s.plans.length === 0) {
    if (t.totalMs !== undefined) out.add(`**Timings:** total ${formatDuration(t.totalMs)}`)
    return
  }
  const billed = views.reduce((n, v) => n + v.billed, 0)
  const requested = views.reduce((n, v) => n + v.requested, 0)
  const basis =
    s.fanOut !== undefined && s.dryRun
      ? ', for each selected tenant (a dry run does not list them)'
      : views.length > 1
        ? `, totals over ${targetsPhrase(views.length, views)}`
        : ''
  const billedWord = s.dryRun ? 'Paths to bill' : 'Billed paths'
  out.add(
    `**${billedWord}:** ${formatCount(billed)} for ${formatCount(requested)} requested${basis} (a wildcard or tag counts as one). CloudFront gives ${formatCount(FREE_PATHS_PER_MONTH)} free paths a month per account, then $${PRICE_PER_PATH_USD} a path: at most ${costEstimate(billed)} for this run.`,
    '',
  )
  out.add(
    `**Timings:** plan ${formatDuration(t.planMs)}` +
      (t.submitMs === undefined ? '' : `, submitted by ${formatDuration(t.submitMs)}`) +
      (t.totalMs === undefined ? '' : `, total ${formatDuration(t.totalMs)}`),
  )
}

/** The distinct paths in a folded block, cut to what the budget leaves, saying how many were left out. */
function pathList(paths: readonly string[], verb: string, out: BoundedLines): void {
  if (paths.length === 0) return
  const head = [
    '',
    `<details><summary>${plural(paths.length, 'distinct path')} ${verb}</summary>`,
    '',
    '<pre>',
  ]
  // Room for the head, the closing lines and a line saying what was left out.
  const reserve = 600
  if (!out.add(...head)) return
  let shown = 0
  for (const p of paths) {
    const line = escapeHtml(p)
    if (Buffer.byteLength(line) + 1 > out.left - reserve || !out.add(line)) break
    shown++
  }
  out.add('</pre>')
  if (shown < paths.length) {
    out.add(
      '',
      `${formatCount(paths.length - shown)} more ${paths.length - shown === 1 ? 'path is' : 'paths are'} left out to keep this summary under GitHub's 1 MiB limit: the step log lists them all (the "Plan" group), and so does the 'paths' output when it fits.`,
    )
  }
  out.add('', '</details>')
}
