/**
 * Path counts and lists over all targets, for the outputs, the log and the summary.
 */
import type { Item } from '../paths/encode.js'
import type { RunState } from './state.js'

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

/** Paths billed: every submitted item on every distribution (a wildcard or tag counts as one). */
export function billedPaths(s: RunState): number {
  return s.plans.reduce((n, p) => n + p.items.length, 0)
}
