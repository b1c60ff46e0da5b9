/**
 * What is in progress on one distribution, and how we learn that it completed.
 *
 * Polling strategy: invalidations complete roughly in the order they were made, so we poll only the
 * oldest one still in progress; when it turns Completed we look at the next oldest at once. That keeps
 * GetInvalidation traffic to about one request per interval per distribution however many batches are in
 * flight. The interval grows with the invalidation's age (age / 8, between 0.5 s and 5 s): a young one is
 * seen soon after it completes, an old one at most 5 s late.
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
}

/** How long to wait before polling an invalidation of this age again. */
export function pollInterval(ageMs: number): number {
  return Math.min(POLL_MAX_MS, Math.max(POLL_MIN_MS, Math.round(ageMs / POLL_AGE_DIVISOR)))
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

  /** Start counting an invalidation (ours with a record, or one that was already running). */
  add(id: string, use: QuotaUse, record?: InvalidationRecord, createdAt: number = this.clock.now()): void {
    if (this.entries.some((e) => e.id === id)) return // a retried create answered with the same invalidation
    const entry: Entry = { id, use, seenAt: createdAt, nextPollAt: this.clock.now() + pollInterval(0) }
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
      await this.clock.sleep(oldest.nextPollAt - this.clock.now(), this.retry.signal)
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

  /** Poll the oldest; while it turns out Completed, drop it and poll the next one at once. */
  private async sweep(ownOnly: boolean): Promise<void> {
    for (let entry = this.oldest(ownOnly); entry !== undefined; entry = this.oldest(ownOnly)) {
      const current = entry
      this.polls++
      const info = await this.lookup(current.id)
      if (current.record !== undefined) current.record.status = info.status
      if (info.status !== 'Completed') {
        const now = this.clock.now()
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
