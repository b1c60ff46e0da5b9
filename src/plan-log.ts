/**
 * The plan as the log shows it before anything is sent: per distribution (or, with `tenants`, per
 * distribution for all of its tenants at once) requested -> billed and the batches, the paths, and the
 * planner's warnings once each.
 */
import type { Io } from './io.js'
import { describeCollapse } from './paths/collapse.js'
import { batchCount, type DistributionPlan } from './plan.js'
import { formatCount, plural } from './format.js'
import { submittedPaths } from './report.js'
import type { RunState } from './report/state.js'

/** Paths per write when the plan's paths are logged (see logPlan). */
const LOG_LINES_PER_WRITE = 2000

/**
 * Most paths the log lists. A `paths-file` may hold millions (3.3 million in 200 MiB took 200 MB of log
 * and most of a dry run's time to print); nobody reads past the first hundred thousand (~6 MB), and
 * the counts above them stay exact.
 */
export const MAX_LOGGED_PATHS = 100_000

/** Print the plan: per distribution, requested -> billed, the wildcards chosen, and the paths. */
export async function logPlan(state: RunState, io: Io): Promise<void> {
  const batches = batchCount(state.plans)
  const paths = submittedPaths(state)
  const groups = planGroups(state)
  const kind = state.fanOut !== undefined && !state.dryRun ? 'tenant' : 'distribution'
  await io.group(
    `Plan: ${plural(paths.length, 'distinct path')} -> ${plural(batches, 'batch', 'batches')} on ${plural(state.plans.length, kind)}`,
    () => {
      for (const { plan: p, ids } of groups) {
        const what = `${p.collapse ? describeCollapse(p.collapse) : `${plural(p.items.length, 'path')}, collapse off`}; ${plural(p.batches.length, 'batch', 'batches')}`
        // Tenants of one distribution share its plan: one line for all of them.
        const who =
          ids.length > 1
            ? `${plural(ids.length, 'tenant')} of ${groupName(state, ids)}, each`
            : state.fanOut !== undefined && state.dryRun
              ? `each tenant of ${ids[0] ?? ''}`
              : (ids[0] ?? '')
        io.info(`${who}: ${what}`)
      }
      // A write per LOG_LINES_PER_WRITE paths: one per path (tens of thousands of writes to the runner's
      // pipe) is slow, and one for all of them builds the whole list as one string, then its UTF-8 copy,
      // several megabytes of fresh memory for 100,000 paths that cost more than the writes they save.
      const shown = Math.min(paths.length, MAX_LOGGED_PATHS)
      for (let i = 0; i < shown; i += LOG_LINES_PER_WRITE) {
        io.info(paths.slice(i, Math.min(shown, i + LOG_LINES_PER_WRITE)).join('\n'))
      }
      if (shown < paths.length) {
        io.info(
          `… and ${plural(paths.length - shown, 'more path')} (only the first ${formatCount(shown)} are listed)`,
        )
      }
      return Promise.resolve()
    },
  )
  // One warning per distinct message, however many distributions the planner gave it for.
  const warned = new Map<string, string[]>()
  for (const { plan: p, ids } of groups) {
    for (const w of p.collapse?.warnings ?? []) warned.set(w, [...(warned.get(w) ?? []), ...ids.slice(0, 6)])
  }
  for (const [w, ids] of warned)
    io.warning(`${ids.slice(0, 5).join(', ')}${ids.length > 5 ? ', …' : ''}: ${w}`, w)
}

/** Plans with the targets sharing each (tenants of one distribution share one), in plan order. */
function planGroups(state: RunState): { plan: DistributionPlan; ids: string[] }[] {
  const groups = new Map<readonly unknown[], { plan: DistributionPlan; ids: string[] }>()
  for (const p of state.plans) {
    const g = groups.get(p.batches)
    if (g === undefined) groups.set(p.batches, { plan: p, ids: [p.distributionId] })
    else g.ids.push(p.distributionId)
  }
  return [...groups.values()]
}

/** The distribution the tenants `ids` were selected from. */
function groupName(state: RunState, ids: readonly string[]): string {
  return state.targets.get(ids[0] ?? '')?.parent ?? 'their distribution'
}
