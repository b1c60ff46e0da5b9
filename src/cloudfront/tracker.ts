/**
 * What is in progress on one distribution (or tenant), and how we learn that it completed.
 *
 * Polling strategy: invalidations complete roughly in the order they were made, so we poll only the
 * oldest one still in progress; when it turns Completed we look at the next oldest, once it is old
 * enough. That keeps GetInvalidation traffic to about one request per interval per distribution however
 * many batches are in flight.
 *
 * When to poll: never before completion is plausible. A CompletionModel, shared by every target of a run,
 * learns from the run's own polls how old an invalidation usually is when it completes, and the first
 * poll of each new invalidation waits until then: across thousands of tenants that is about one
 * GetInvalidation per invalidation. After an InProgress answer the interval grows with the
 * invalidation's age (age / 8, between 0.5 s and 5 s): a young one is seen soon after it completes, an
 * old one at most 5 s late.
 */
import { POLL_AGE_DIVISOR, POLL_MAX_MS, POLL_MIN_MS } from '../constants.js'
import type { QuotaUse } from '../paths/chunk.js'
import type { CloudFrontApi, InvalidationInfo } from './api.js'
import type { Clock } from './clock.js'
import { explained } from './errors.js'
import { withRetry, type RetryContext } from './retry.js'

/** One invalidation the action created, as reported in outputs. Mutated as its status changes. */
export interface InvalidationRecord {
  distributionId: string
  id: string
  status: string
  pathCount: number
  createTime: string
  /** 0-based batch number within the distribution. */
  batch: number
}

interface Entry {
  id: string
  use: QuotaUse
  /** Local time it was created or first seen: the poll interval grows from here (immune to clock skew). */
  seenAt: number
  nextPollAt: number
  /** Ours (reported, waited for) or already in progress before the step began (only counted). */
  record?: InvalidationRecord
  /** Created by this run just now, so its age is known and its polls teach the CompletionModel. */
  learn: boolean
}

/** How long to wait before polling an invalidation of this age again. */
export function pollInterval(ageMs: number): number {
  return Math.min(POLL_MAX_MS, Math.max(POLL_MIN_MS, Math.round(ageMs / POLL_AGE_DIVISOR)))
}

/** An InProgress answer at or past the estimate raises it by this factor. */
const ESTIMATE_GROWTH = 1.25
/** A Completed answer that came promptly (within this factor of the estimate) lowers it by this one. */
const ESTIMATE_PROMPT = 1.1
const ESTIMATE_SHRINK = 0.98
/** The estimate never passes this: later completions are found by the age-based interval. */
const ESTIMATE_MAX_MS = 60_000

/**
 * How old an invalidation of this run plausibly is when it completes, learnt from our own polls: an
 * InProgress answer at the estimate's age raises it a quarter, a prompt Completed lowers it 2 %. So it
 * settles where about one poll in ten finds an invalidation still in progress (CloudFront: ~5 s to take
 * effect, up to ~25 s to report Completed), and a first poll lands after completion nine times in ten.
 * It starts at POLL_MIN_MS, so a short run behaves as before: a first look after half a second.
 */
export class CompletionModel {
  private estimate = POLL_MIN_MS

  /** The age (ms) before which a poll is unlikely to find an invalidation Completed. */
  get plausibleMs(): number {
    return this.estimate
  }

  /** Learn from a poll of one of our own invalidations at `ageMs`. */
  observe(ageMs: number, completed: boolean): void {
    if (!completed) {
      if (ageMs >= this.estimate) this.estimate = Math.min(ESTIMATE_MAX_MS, ageMs * ESTIMATE_GROWTH)
    } else if (ageMs <= this.estimate * ESTIMATE_PROMPT) {
      this.estimate = Math.max(POLL_MIN_MS, this.estimate * ESTIMATE_SHRINK)
    }
  }
}

export class Tracker {
  private readonly entries: Entry[] = [] // oldest first
  private readonly used: QuotaUse = { files: 0, wildcards: 0 }
  /** GetInvalidation calls made, for the bench's "requests while waiting" figure. */
  polls = 0
  /** Told after each poll how many of our invalidations are Completed: a progress line for people. */
  onProgress: ((completed: number, total: number) => void) | undefined
  private ownTotal = 0
  private ownCompleted = 0

  constructor(
    private readonly api: CloudFrontApi,
    private readonly distributionId: string,
    private readonly clock: Clock,
    private readonly retry: RetryContext,
    /** Shared by every target of a run (one of its own by default). */
    private readonly model: CompletionModel = new CompletionModel(),
  ) {}

  /** Paths currently counted against the quotas. */
  get inFlight(): Readonly<QuotaUse> {
    return this.used
  }

  /** How many of our own invalidations are still in progress. */
  get ownInProgress(): number {
    return this.entries.filter((e) => e.record !== undefined).length
  }

  get size(): number {
    return this.entries.length
  }

  /** Would `use` fit within `limit` alongside what is in flight? */
  fits(use: QuotaUse, limit: QuotaUse): boolean {
    return (
      this.used.files + use.files <= limit.files && this.used.wildcards + use.wildcards <= limit.wildcards
    )
  }

  /**
   * Start counting an invalidation (ours with a record, or one that was already running). `created`:
   * this run made it just now, so its first poll waits until completion is plausible.
   */
  add(
    id: string,
    use: QuotaUse,
    record?: InvalidationRecord,
    createdAt: number = this.clock.now(),
    created = false,
  ): void {
    if (this.entries.some((e) => e.id === id)) return // a retried create answered with the same invalidation
    const now = this.clock.now()
    const first = created ? Math.max(pollInterval(0), this.model.plausibleMs) : pollInterval(0)
    const entry: Entry = { id, use, seenAt: createdAt, nextPollAt: now + first, learn: created }
    if (record !== undefined) {
      entry.record = record
      this.ownTotal++
    }
    this.entries.push(entry)
    this.entries.sort((a, b) => a.seenAt - b.seenAt)
    this.used.files += use.files
    this.used.wildcards += use.wildcards
  }

  /**
   * Wait until at least one tracked invalidation (any, or only ours with `ownOnly`) completes.
   * Returns false at once when there is nothing to wait for.
   */
  async waitForOne(ownOnly = false): Promise<boolean> {
    const start = ownOnly ? this.ownInProgress : this.size
    if (start === 0) return false
    while ((ownOnly ? this.ownInProgress : this.size) === start) {
      const oldest = this.oldest(ownOnly)
      if (oldest === undefined) return false
      await this.clock.sleep(this.dueAt(oldest) - this.clock.now(), this.retry.signal)
      await this.sweep(ownOnly)
      this.onProgress?.(this.ownCompleted, this.ownTotal)
    }
    return true
  }

  /** Wait until all of our own invalidations are Completed. */
  async waitForAll(): Promise<void> {
    while (await this.waitForOne(true)) {
      // each round removes at least one; the loop ends when none of ours is left
    }
  }

  private oldest(ownOnly: boolean): Entry | undefined {
    return this.entries.find((e) => !ownOnly || e.record !== undefined)
  }

  /**
   * GetInvalidation, retried through transient errors. A permanent error (AccessDenied, NoSuchDistribution,
   * NoSuchInvalidation) is explained, naming the invalidation, and thrown: waiting longer would not help.
   * At the deadline the abort itself is rethrown, so the caller sees a timeout, not a failed call.
   */
  async lookup(id: string): Promise<InvalidationInfo> {
    return withRetry(`GetInvalidation ${this.distributionId}/${id}`, this.retry, () =>
      this.api.getInvalidation(this.distributionId, id, this.retry.signal),
    ).catch((e: unknown) => {
      if (this.retry.signal.aborted) throw e
      throw explained(e, 'GetInvalidation', this.distributionId, { invalidationId: id })
    })
  }

  /**
   * When to poll an entry next: its own schedule, but for ours not before completion is plausible
   * (the model may have learnt since it was scheduled), and never more than POLL_MAX_MS late.
   */
  private dueAt(e: Entry): number {
    if (!e.learn) return e.nextPollAt
    return Math.max(e.nextPollAt, Math.min(e.seenAt + this.model.plausibleMs, e.nextPollAt + POLL_MAX_MS))
  }

  /** Poll the oldest; while it turns out Completed, drop it and poll the next one once it is due. */
  private async sweep(ownOnly: boolean): Promise<void> {
    for (let entry = this.oldest(ownOnly); entry !== undefined; entry = this.oldest(ownOnly)) {
      const current = entry
      if (this.dueAt(current) > this.clock.now()) return
      this.polls++
      const info = await this.lookup(current.id)
      if (current.record !== undefined) current.record.status = info.status
      const now = this.clock.now()
      if (current.learn) this.model.observe(now - current.seenAt, info.status === 'Completed')
      if (info.status !== 'Completed') {
        current.nextPollAt = now + pollInterval(now - current.seenAt)
        return
      }
      this.remove(current)
      if (current.record !== undefined) this.ownCompleted++
    }
  }

  private remove(entry: Entry): void {
    this.entries.splice(this.entries.indexOf(entry), 1)
    this.used.files -= entry.use.files
    this.used.wildcards -= entry.use.wildcards
  }
}
