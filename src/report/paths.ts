/**
 * Path counts and lists over all targets, for the outputs, the log and the summary.
 */
import type { Item } from '../paths/encode.js'
import type { RunState } from './state.js'

/** Path strings of a plan's items, computed once per items array (a re-plan makes a new array). */
const pathValues = new WeakMap<readonly Item[], string[]>()

/**
 * Each distinct items array once: tenants of one distribution share their plan's arrays, so thousands of
 * tenants cost one pass, not thousands.
 */
function distinctLists(lists: Iterable<readonly Item[]>): (readonly Item[])[] {
  return [...new Set(lists)]
}

/** Distinct requested paths (before collapse) over all distributions. */
export function requestedCount(s: RunState): number {
  const lists = distinctLists(s.plans.map((p) => p.requested))
  if (lists.length === 1) return lists[0]?.length ?? 0 // already distinct
  const seen = new Set<string>()
  for (const list of lists) for (const i of list) seen.add(i.value)
  return seen.size
}

/** Distinct submitted paths over all distributions, in plan order. */
export function submittedPaths(s: RunState): string[] {
  // One distribution (the usual case): its items are already distinct; spare a Set of every path, and
  // remember the list: the log, outputs, summary and notice all ask for it.
  const lists = distinctLists(s.plans.map((p) => p.items))
  if (lists.length <= 1) {
    const items = lists[0] ?? []
    let values = pathValues.get(items)
    if (values === undefined) pathValues.set(items, (values = items.map((i) => i.value)))
    return values
  }
  const seen = new Set<string>()
  for (const list of lists) for (const i of list) seen.add(i.value)
  return [...seen]
}
