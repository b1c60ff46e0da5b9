/**
 * The outcome model: what a run did, per target and as a whole, as plain data filled in while it runs.
 * Everything the step reports (outputs, the job summary, progress lines, the last line) is computed from
 * a `RunState`, so the log, the summary and `status` cannot disagree.
 *
 * A target is what an invalidation is made on: a distribution or a distribution tenant. Its invalidations
 * are `records` (one per batch created, their status updated as they are polled); what records cannot say
 * (a permanent error, batches held back for quota, when it finished) is its `TargetOutcome`.
 */
import type { InvalidationRecord } from '../cloudfront/tracker.js'
import type { DistributionPlan } from '../plan.js'
import type { VerifyResult } from '../verify/run.js'

/**
 * The `status` output, and the status of each target in the summary.
 * - `Completed`: every invalidation is Completed (waited for, or a gate).
 * - `InProgress`: every batch was submitted; not waited for (`wait: false`).
 * - `TimedOut`: every batch was submitted, but not all were Completed when `timeout` came.
 * - `Planned`: a dry run. `Skipped`: nothing to invalidate (or a gate with nothing to wait for).
 * - `Failed`: an error, or batches never submitted (the paths in them were not invalidated).
 * - `Cancelled`: the workflow was cancelled (SIGINT/SIGTERM); what was created is in the outputs.
 */
export type RunStatus =
  'Completed' | 'InProgress' | 'TimedOut' | 'Planned' | 'Skipped' | 'Failed' | 'Cancelled'

/** What one target went through, beyond its invalidation records. */
export interface TargetOutcome {
  /** Distribution or tenant id. */
  id: string
  /** Its permanent error, explained (one line), once it failed; the run goes on for the others. */
  error?: string
  /** Batches held back for quota right now, and what they wait for (`for quota: …`). */
  queued?: { batches: number; reason: string }
  /** Clock time (ms) its work ended: all its invalidations Completed, or it failed. */
  endedAt?: number
  /** For a tenant whose distribution is known (`tenants`, or a tenant domain): that distribution. */
  parent?: string
}

/**
 * `tenants` fan-out: the multi-tenant distributions whose tenants are the targets, and how they were
 * chosen. Reports then count tenants by outcome instead of listing each one.
 */
export interface FanOut {
  /** `all`, or the patterns as given. */
  selection: string
  /** Each distribution and how many of its tenants were selected (or `undefined`: a dry run did not list). */
  distributions: { id: string; tenants?: number }[]
}

/**
 * Reading that comes before there is anything to wait for: `tenants` listing the tenants, a
 * `DIST/dt_*` gate listing them and what is in progress on each. At 10,000 tenants that is thousands of
 * requests at CloudFront's rate, minutes, so progress lines say how far it got.
 */
export interface Reading {
  /** What is read, as a progress line says it: `listing the tenants of E1…`. */
  what: string
  /** Tenants read so far, and of how many (unknown while the tenants themselves are listed). */
  done: number
  total?: number
  /** Invalidations in progress found so far, when that is what is looked for. */
  found?: number
  /** Clock time it started: the time to go is extrapolated from its pace. */
  startedAt: number
}

/** A warning and how many times it (or one of its kind) was given. */
export interface WarningTally {
  kind: string
  /** The first message of its kind. */
  message: string
  count: number
}

/** Why the run stopped before its work was done, if it did. */
export type Ending = 'timeout' | 'cancelled'

/** Everything the report needs, filled in as the run goes. */
export interface RunState {
  dryRun: boolean
  wait: boolean
  plans: DistributionPlan[]
  /** Invalidations created (or waited for, by a gate), in creation order. Add them with `addRecord`. */
  records: InvalidationRecord[]
  /** The same records by target, for lookups that must not scan every record (thousands of tenants). */
  recordsByTarget: Map<string, InvalidationRecord[]>
  /** Set when `tenants` selected the targets. */
  fanOut?: FanOut
  /** Per-target outcomes, by id, in the order the targets were named. */
  targets: Map<string, TargetOutcome>
  /**
   * A failure of the run as a whole (bad input, a source, alias or origin lookup, an unreachable
   * endpoint), as one line. Per-target failures are in `targets`.
   */
  failure?: string
  /** Set when the deadline or a cancel stopped the run. */
  ending?: Ending
  /** With `on-timeout: warn` a timed-out run ends with a warning instead of failing. */
  onTimeout: 'fail' | 'warn'
  /** A `wait-for` gate: it creates nothing and reports the invalidations it waited for. */
  gate?: boolean
  /** How many invalidations the gate was asked to wait for by id (for a dry run's line). */
  gateTargets?: number
  /**
   * What the gate waits on as a whole, as `wait-for` named it: `DIST/*` (everything in progress on DIST)
   * and `DIST/dt_*` (everything in progress on DIST's tenants). Nothing found in progress there means all
   * of it is Completed.
   */
  gateAll?: string[]
  /** Set while tenants (or what is in progress on them) are read, before anything can be waited for. */
  reading?: Reading
  /** Why sources contributed nothing (shown when the run is Skipped). */
  skipReasons: string[]
  /** Warnings given during the run, folded by kind (the summary lists them with their counts). */
  warnings: WarningTally[]
  /** Milliseconds from step start to plan ready, submissions done, and the end. */
  timings: { planMs: number; submitMs?: number; totalMs?: number }
  /** Edge verification (`verify`), once it ran: its outputs and summary section come from verify/report.ts. */
  verification?: VerifyResult
  /**
   * Why edge verification fails the step, as one line: stale URLs with `on-stale: fail`, a failed domain
   * lookup, or the deadline or a cancel while verifying. `status` still says what the invalidations did
   * (they are Completed: verification runs only then); `verified` and `stale-paths` say what it found.
   */
  verifyFailure?: string
}

/** A state before anything is known: a run that fails now reports `Failed` with nothing created. */
export function emptyState(over: Partial<RunState> = {}): RunState {
  const s: RunState = {
    dryRun: false,
    wait: false,
    plans: [],
    records: [],
    recordsByTarget: new Map(),
    targets: new Map(),
    onTimeout: 'fail',
    skipReasons: [],
    warnings: [],
    timings: { planMs: 0 },
    ...over,
  }
  if (over.records !== undefined && over.recordsByTarget === undefined) {
    s.records = []
    for (const r of over.records) addRecord(s, r)
  }
  return s
}

/** The outcome of target `id`, created on first use. */
export function outcomeOf(s: RunState, id: string): TargetOutcome {
  let t = s.targets.get(id)
  if (t === undefined) s.targets.set(id, (t = { id }))
  return t
}

/** Records by target, each target's in the order given, targets in order of first appearance. */
export function groupByTarget(records: readonly InvalidationRecord[]): Map<string, InvalidationRecord[]> {
  const out = new Map<string, InvalidationRecord[]>()
  for (const r of records) {
    const list = out.get(r.distributionId)
    if (list === undefined) out.set(r.distributionId, [r])
    else list.push(r)
  }
  return out
}

/** Record an invalidation (created, or waited for by a gate). */
export function addRecord(s: RunState, r: InvalidationRecord): void {
  s.records.push(r)
  const list = s.recordsByTarget.get(r.distributionId)
  if (list === undefined) s.recordsByTarget.set(r.distributionId, [r])
  else list.push(r)
}

/** Count a warning under its kind (the first message of a kind is the one shown). */
export function tallyWarning(s: RunState, message: string, kind: string = message): void {
  const found = s.warnings.find((w) => w.kind === kind)
  if (found !== undefined) found.count++
  else s.warnings.push({ kind, message, count: 1 })
}
