/**
 * Edge verification in the step's outputs (`verified`, `stale-paths`) and its job summary section. Pure.
 *
 * Paths come from file names and S3 keys a pull request may choose, and answers from an edge: everything
 * variable in the summary goes through {@link html}, so nothing can add Markdown, HTML, a mention or a
 * table cell of its own.
 */
import { MAX_VERIFY_TENANTS } from '../constants.js'
import { formatCount } from '../format.js'
import { formatDuration } from '../duration.js'
import { boundedJsonArray } from '../report.js'
import type { Text } from './classify.js'
import { counts, type VerifyResult } from './run.js'

/** Most bytes of the `stale-paths` output (paths beyond it are left out; the summary lists them). */
const STALE_PATHS_OUTPUT_BYTES = 64 * 1024
/** Rows of the "every URL" table in the summary. */
const SUMMARY_ROWS = 500

/**
 * `verified`: `{"<distribution or tenant id>": {"fresh": n, "stale": n, "unverifiable": n, "unchecked": n}}`;
 * `stale-paths`: the stale URL paths (as requested), distinct, as a JSON array. Nothing when verification
 * did not run (off, a dry run, or the step failed before it).
 */
export function verifyOutputs(r: VerifyResult | undefined): Record<string, string> {
  if (r === undefined || r.dryRun) return {}
  const verified: Record<string, ReturnType<typeof counts>> = {}
  for (const t of r.targets) verified[t.id] = counts(t)
  const stale = [
    ...new Set(r.targets.flatMap((t) => t.checks.filter((c) => c.outcome === 'stale').map((c) => c.path))),
  ]
  return {
    verified: JSON.stringify(verified),
    'stale-paths': boundedJsonArray(stale, STALE_PATHS_OUTPUT_BYTES).json,
  }
}

/**
 * Text for a Markdown table cell or HTML: every character but letters, digits and a few harmless marks
 * becomes a numeric character reference, so `|`, `` ` ``, `<`, `*`, `_`, `[`, `@`, `:`, `www.` and line
 * breaks are shown, never interpreted.
 */
export function html(text: string): string {
  return text
    .replace(/[^A-Za-z0-9 %/.,=+-]/gu, (ch) => `&#${ch.codePointAt(0) ?? 0};`)
    .replace(/www\./g, 'www&#46;') // GitHub makes a link of www.… in text, even in <code>
}

/** Text with code spans, for the summary. */
function render(t: Text): string {
  return t.map((p) => (typeof p === 'string' ? html(p) : `<code>${html(p.code)}</code>`)).join('')
}

/** The summary section, or '' when verification did not run. */
export function verifySummary(r: VerifyResult | undefined): string {
  if (r === undefined) return ''
  const lines: string[] = []
  const all = r.targets.map((t) => ({ t, n: counts(t) }))
  const stale = all.reduce((s, { n }) => s + n.stale, 0)
  const title = r.dryRun
    ? 'dry run (nothing requested)'
    : r.cancelled === true
      ? 'cut short by a cancel'
      : r.timedOut
        ? 'cut short by the timeout'
        : stale > 0
          ? `${stale} stale`
          : 'no stale copy found'
  lines.push('', `### Edge verification: ${title}`, '')
  lines.push(
    '| Distribution | Requested at | Sampled | Fresh | Stale | Unverifiable | Unchecked |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: |',
  )
  for (const { t, n } of all) {
    const shown = r.dryRun
      ? ['–', '–', '–', String(t.unchecked.length)]
      : [n.fresh, n.stale, n.unverifiable, n.unchecked].map(String)
    lines.push(
      `| <code>${html(t.id)}</code> | ${html(t.base)} | ${t.checks.length} of ${formatCount(t.candidates)} | ${shown.join(' | ')} |`,
    )
  }
  if (!r.dryRun)
    lines.push(
      '',
      `Checked in ${formatDuration(r.ms)}. A copy is stale when CloudFront serves it from cache (X-Cache Hit or RefreshHit) with an Age greater than the time since the invalidation was created.`,
    )

  if (r.tenantsLeftOut !== undefined) {
    lines.push(
      '',
      `${formatCount(r.tenantsLeftOut)} more tenants were not verified: a run checks at most ${MAX_VERIFY_TENANTS}, spread over them.`,
    )
  }

  const staleRows = r.targets.flatMap((t) =>
    t.checks.filter((c) => c.outcome === 'stale').map((c) => ({ t, c })),
  )
  if (staleRows.length > 0) {
    lines.push('', '**Stale: a copy cached before the invalidation is still served**', '')
    lines.push(
      '| Distribution | URL path | Invalidated as | Likely cause | Fix |',
      '| --- | --- | --- | --- | --- |',
    )
    for (const { t, c } of staleRows) {
      lines.push(
        `| <code>${html(t.id)}</code> | <code>${html(c.path)}</code> | <code>${html(c.submitted)}</code> | ${render(c.cause?.cause ?? [])} | ${render(c.cause?.fix ?? [])} |`,
      )
    }
    if (staleRows.length === all.reduce((s, { t }) => s + t.checks.length, 0) && staleRows.length > 1) {
      lines.push(
        '',
        'Every URL checked is stale: the domain may be served by another distribution (check verify-url), or a cache in front of CloudFront keeps old copies.',
      )
    }
  }

  const rows = r.targets.flatMap((t) => t.checks.map((c) => ({ t, c })))
  if (rows.length > 0) {
    lines.push(
      '',
      `<details><summary>${r.dryRun ? 'URLs that would be checked' : 'Every URL checked'} (${rows.length})</summary>`,
      '',
    )
    lines.push('| Distribution | URL | Result | Why |', '| --- | --- | --- | --- |')
    for (const { t, c } of rows.slice(0, SUMMARY_ROWS)) {
      lines.push(
        `| <code>${html(t.id)}</code> | <code>${html(c.url)}</code> | ${c.outcome ?? (r.dryRun ? 'planned' : 'unchecked')} | ${html(c.detail ?? '')} |`,
      )
    }
    if (rows.length > SUMMARY_ROWS) lines.push(`| … | ${rows.length - SUMMARY_ROWS} more (see the log) | | |`)
    lines.push('', '</details>')
  }
  const unchecked = r.targets.flatMap((t) => t.unchecked.map((u) => ({ t, u })))
  if (unchecked.length > 0) {
    lines.push('', `<details><summary>Items that cannot be checked (${unchecked.length})</summary>`, '')
    lines.push('| Distribution | Item | Why |', '| --- | --- | --- |')
    for (const { t, u } of unchecked.slice(0, SUMMARY_ROWS)) {
      lines.push(`| <code>${html(t.id)}</code> | <code>${html(u.item)}</code> | ${html(u.why)} |`)
    }
    if (unchecked.length > SUMMARY_ROWS) lines.push(`| … | ${unchecked.length - SUMMARY_ROWS} more | |`)
    lines.push('', '</details>')
  }
  return lines.join('\n') + '\n'
}
