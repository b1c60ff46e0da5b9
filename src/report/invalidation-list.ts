/**
 * The `invalidation-list` output (issue 11): one `TARGET/ID` line per invalidation for a later step's
 * `wait-for`, kept within one input (`maxBytes`), with tenants in mind.
 *
 * Past `maxBytes` some lines are widened into one that stands for everything in progress there, a
 * superset that can never end a gate early. Widening a tenant's own lines gains nothing (a tenant has
 * one or two invalidations, and `dt_…/*` is as long as `dt_…/ID`), so tenants are grouped under the
 * multi-tenant distribution they were selected from: widening that group gives one line,
 * `DISTRIBUTION/dt_*`, everything in progress on every tenant of the distribution, which a gate expands
 * by listing the tenants. 10,000 tenants' lines (~460 KB) become ~20 bytes. A distribution's own lines
 * widen to `DISTRIBUTION/*` as before. The groups that save most are widened first, and only while the
 * list is too long. `[]` when there is none (an empty input would read as no `wait-for` at all).
 */
import type { InvalidationRecord } from '../cloudfront/tracker.js'
import { ALL_TENANTS, isTenant } from '../targets.js'

interface Group {
  /** The distribution (or tenant) the group is named by when widened. */
  scope: string
  /** Whether it holds tenants of `scope` (widens to `scope/dt_*`) or `scope`'s own invalidations. */
  tenants: boolean
  lines: string[]
  bytes: number
}

/**
 * The list's text, and the groups widened: the line each became and how many invalidations it stands for.
 * `parentOf` names a tenant's multi-tenant distribution when it is known.
 */
export function invalidationList(
  records: readonly InvalidationRecord[],
  maxBytes: number,
  parentOf: (target: string) => string | undefined = () => undefined,
): { text: string; widened: { distributionId: string; line: string; count: number }[] } {
  if (records.length === 0) return { text: '[]', widened: [] }
  const groups = new Map<string, Group>() // in order of first appearance
  for (const r of records) {
    const parent = isTenant(r.distributionId) ? parentOf(r.distributionId) : undefined
    const key = parent === undefined ? `one:${r.distributionId}` : `tenants:${parent}`
    let g = groups.get(key)
    if (g === undefined) {
      groups.set(
        key,
        (g = { scope: parent ?? r.distributionId, tenants: parent !== undefined, lines: [], bytes: 0 }),
      )
    }
    const line = `${r.distributionId}/${r.id}`
    g.lines.push(line)
    g.bytes += line.length + 1
  }
  const wide = (g: Group): string => `${g.scope}/${g.tenants ? ALL_TENANTS : '*'}`
  let total = [...groups.values()].reduce((n, g) => n + g.bytes, 0) - 1 // no newline after the last
  const widened = new Set<Group>()
  const bySaving = [...groups.values()].sort((a, b) => b.bytes - a.bytes)
  for (const g of bySaving) {
    if (total <= maxBytes) break
    total -= g.bytes - (wide(g).length + 1)
    widened.add(g)
  }
  const lines: string[] = []
  for (const g of groups.values()) {
    if (widened.has(g)) lines.push(wide(g))
    else lines.push(...g.lines)
  }
  return {
    text: lines.join('\n'),
    widened: [...widened].map((g) => ({ distributionId: g.scope, line: wide(g), count: g.lines.length })),
  }
}
