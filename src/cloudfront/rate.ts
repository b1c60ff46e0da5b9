/**
 * One request-rate governor for every CloudFront call of a run: at most `maxConcurrency` requests in
 * flight, and each API operation paced at a rate learned from CloudFront's answers.
 *
 * Why our own and not the SDK's `adaptive` retry mode: that mode keeps one rate per client for every
 * operation and lets requests through unpaced until the first Throttling. Measured on bench/tenants.ts
 * (10,000 tenants, CreateInvalidation and GetInvalidation each limited to 20/s): with `wait: true` it took
 * 1.78x the ideal with 35 % of requests throttled, this governor 1.01x with 1.6 % (CONTRIBUTING.md,
 * Benchmarks).
 * CloudFront's limits are undisclosed, so nothing here is a guess of them:
 *
 * - Each operation (CreateInvalidation, GetInvalidation, ListDistributionTenants, …) has its own rate,
 *   since creates and polls run side by side and a limit on one says nothing of the other.
 * - Slow start: from INITIAL_RATE the rate doubles about every second while calls succeed and requests
 *   wait for it (raising an idle rate would learn nothing).
 * - On Throttling the rate is cut to CUT_FACTOR of what was actually accepted lately (the server's own
 *   limit, seen from here), once per overload: answers to requests sent before the cut say nothing new.
 *   Then it climbs GROWTH_PER_SECOND of itself each second, probing. Against a token bucket this
 *   averages the bucket's rate, with a Throttling every few seconds.
 * - Requests are spaced 1/rate apart (a GCRA, i.e. a token bucket of BURST requests): locally a call
 *   takes milliseconds, so concurrency alone would not bound the rate.
 *
 * Pure bookkeeping over a Clock, so tests drive it on virtual time; `governed` is the middleware api.ts
 * puts in the SDK's stack, where it sees every attempt, the SDK's own retries included.
 */
import { abortReason, type Clock } from './clock.js'
import { isThrottling } from './errors.js'

/** Requests a second each operation starts at ("Rate exceeded" is reported after a handful of calls). */
export const INITIAL_RATE = 5
/** Lowest and highest rate an operation may be paced at. */
const MIN_RATE = 0.5
const MAX_RATE = 1000
/** Requests that may go at once after a quiet spell (the token bucket's depth). */
const BURST = 4
/** After a Throttling: this share of the rate CloudFront accepted. */
const CUT_FACTOR = 0.9
/** Climb after the first cut: this share of the rate, each second (back to the limit in about 2 s). */
const GROWTH_PER_SECOND = 0.05
/**
 * Accepted requests counted to measure the rate CloudFront allows: the last MEASURE_REQUESTS, within
 * MEASURE_MIN_MS..MEASURE_MAX_MS (a short window follows a rate that just rose; too short is noise).
 */
const MEASURE_REQUESTS = 20
const MEASURE_MIN_MS = 500
const MEASURE_MAX_MS = 4000
/** Window of the overall request rate shown in progress lines. */
const REPORT_WINDOW_MS = 10_000

/** One operation's state, as progress lines and the bench show it. */
export interface RateSnapshot {
  operation: string
  /** Requests a second it is paced at now (Infinity when pacing is off). */
  rate: number
  /** Requests sent, and answered Throttling. */
  sent: number
  throttled: number
  /** Requests waiting for their turn. */
  waiting: number
}

export interface GovernorOptions {
  clock: Clock
  /** Most requests in flight at once, over every operation. */
  maxConcurrency: number
  /** Learn and pace a rate per operation (default true); false keeps only the concurrency cap. */
  pace?: boolean
}

/** A request allowed to go; hand it back to `release` with how it was answered. */
export interface Ticket {
  operation: string
  sentAt: number
  /** Whether it waited for the pace (the rate, not the server, was the bottleneck). */
  paced: boolean
}

export type Outcome = 'ok' | 'throttled' | 'error'

interface Waiter {
  resolve: (t: Ticket) => void
  reject: (e: unknown) => void
  /** It waited at the head of the queue for the pace. */
  paced: boolean
  signal: AbortSignal | undefined
  onAbort: () => void
}

class OperationRate {
  rate = INITIAL_RATE
  slowStart = true
  /** GCRA's theoretical arrival time: the next request conforms from `tat - (BURST - 1) / rate`. */
  tat = 0
  lastCutAt = -Infinity
  sent = 0
  throttled = 0
  readonly queue: Waiter[] = []
  /** Times of accepted requests within MEASURE_MAX_MS. */
  private readonly accepted: number[] = []
  pumping = false

  constructor(readonly name: string) {}

  /** Milliseconds until the next request may go (0: now). */
  delay(now: number): number {
    const interval = 1000 / this.rate
    return Math.max(0, this.tat - (BURST - 1) * interval - now)
  }

  take(now: number): void {
    this.tat = Math.max(this.tat, now) + 1000 / this.rate
    this.sent++
  }

  accept(now: number): void {
    this.accepted.push(now)
    this.trim(now)
  }

  /** Requests a second CloudFront accepted lately (undefined with too few to tell). */
  measured(now: number): number | undefined {
    this.trim(now)
    const window = Math.min(MEASURE_MAX_MS, Math.max(MEASURE_MIN_MS, (MEASURE_REQUESTS * 1000) / this.rate))
    const recent = this.accepted.filter((t) => t >= now - window).length
    return recent < 4 ? undefined : (recent * 1000) / window
  }

  private trim(now: number): void {
    while (this.accepted.length > 0 && (this.accepted[0] ?? 0) < now - MEASURE_MAX_MS) this.accepted.shift()
  }

  setRate(rate: number, now: number): void {
    const next = Math.min(MAX_RATE, Math.max(MIN_RATE, rate))
    // Keep the schedule consistent: what is already booked ahead is re-spaced at the new rate.
    const ahead = Math.max(0, this.tat - now)
    this.tat = now + (ahead * this.rate) / next
    this.rate = next
  }
}

/** See the module comment. */
export class RateGovernor {
  private readonly ops = new Map<string, OperationRate>()
  private inFlight = 0
  private readonly slotWaiters: (() => void)[] = []
  /** Send times over the last REPORT_WINDOW_MS, over every operation. */
  private readonly recent: number[] = []
  private readonly stop = new AbortController()

  constructor(private readonly o: GovernorOptions) {}

  /** Wait for a slot and the operation's turn; rejects when `signal` aborts first. */
  acquire(operation: string, signal?: AbortSignal): Promise<Ticket> {
    if (signal?.aborted) return Promise.reject(abortReason(signal))
    const op = this.op(operation)
    return new Promise<Ticket>((resolve, reject) => {
      const waiter: Waiter = {
        resolve,
        reject,
        paced: false,
        signal,
        onAbort: () => {
          const i = op.queue.indexOf(waiter)
          if (i !== -1) op.queue.splice(i, 1)
          if (signal !== undefined) reject(abortReason(signal)) // always: only `signal` calls it
        },
      }
      signal?.addEventListener('abort', waiter.onAbort, { once: true })
      op.queue.push(waiter)
      void this.pump(op)
    })
  }

  /** The request was answered (or failed); learn from it and free its slot. */
  release(t: Ticket, outcome: Outcome): void {
    this.inFlight--
    const op = this.op(t.operation)
    const now = this.o.clock.now()
    if (outcome === 'throttled') {
      op.throttled++
      if (this.o.pace !== false && t.sentAt >= op.lastCutAt) {
        // The first answer of this overload: cut to what CloudFront accepted, and let its bucket refill.
        const accepted = op.measured(now) ?? op.rate
        op.slowStart = false
        op.setRate(CUT_FACTOR * Math.min(op.rate, accepted), now)
        op.lastCutAt = now
        op.tat = Math.max(op.tat, now + 1000 / op.rate)
      }
    } else if (outcome === 'ok') {
      op.accept(now)
      // Raise only a rate that held requests back: an idle one proves nothing.
      if (this.o.pace !== false && t.paced) {
        op.setRate(op.slowStart ? op.rate + 1 : op.rate + GROWTH_PER_SECOND, now)
      }
    }
    this.slotWaiters.splice(0).forEach((wake) => wake())
  }

  /** Each operation's rate and counts, busiest first. */
  snapshot(): RateSnapshot[] {
    return [...this.ops.values()]
      .map((op) => ({
        operation: op.name,
        rate: this.o.pace === false ? Infinity : op.rate,
        sent: op.sent,
        throttled: op.throttled,
        waiting: op.queue.length,
      }))
      .sort((a, b) => b.sent - a.sent)
  }

  /** Requests sent per second over the last 10 s, over every operation. */
  currentRate(): number {
    const now = this.o.clock.now()
    this.trim(now)
    const span = Math.min(REPORT_WINDOW_MS, Math.max(1000, now - (this.recent[0] ?? now)))
    return (this.recent.length * 1000) / span
  }

  /** Stop pacing timers (the run is over). Requests still waiting are rejected. */
  close(): void {
    this.stop.abort(new Error('the run is over'))
    for (const op of this.ops.values()) {
      for (const w of op.queue.splice(0)) w.reject(new Error('the run is over'))
    }
  }

  private op(name: string): OperationRate {
    let op = this.ops.get(name)
    if (op === undefined) this.ops.set(name, (op = new OperationRate(name)))
    return op
  }

  private trim(now: number): void {
    while (this.recent.length > 0 && (this.recent[0] ?? 0) < now - REPORT_WINDOW_MS) this.recent.shift()
  }

  /** Hand out turns in arrival order, paced, while slots are free. One pump per operation at a time. */
  private async pump(op: OperationRate): Promise<void> {
    if (op.pumping) return
    op.pumping = true
    try {
      while (op.queue.length > 0 && !this.stop.signal.aborted) {
        if (this.inFlight >= this.o.maxConcurrency) {
          await new Promise<void>((wake) => this.slotWaiters.push(wake))
          continue
        }
        const now = this.o.clock.now()
        const wait = this.o.pace === false ? 0 : op.delay(now)
        if (wait > 0) {
          const head = op.queue[0]
          if (head !== undefined) head.paced = true
          await this.o.clock.sleep(wait, this.stop.signal).catch(() => undefined)
          continue
        }
        const w = op.queue.shift()
        if (w === undefined) break
        w.signal?.removeEventListener('abort', w.onAbort)
        op.take(now)
        this.inFlight++
        this.recent.push(now)
        this.trim(now)
        w.resolve({ operation: op.name, sentAt: now, paced: w.paced })
      }
    } finally {
      op.pumping = false
    }
  }
}

/**
 * The middleware that puts every attempt through the governor: after the SDK's retry middleware (so its
 * retries are paced and counted too) and before signing (a request that waited its turn is signed when
 * it goes; SigV4 signatures expire after five minutes).
 */
export function governed(governor: RateGovernor) {
  type Next = (args: unknown) => Promise<unknown>
  return (next: Next, context: { commandName?: string; [key: string]: unknown }) =>
    async (args: unknown): Promise<unknown> => {
      // The SDK keeps the call's abort signal under @smithy/types' SMITHY_CONTEXT_KEY.
      const smithy = context.__smithy_context as { abortSignal?: AbortSignal } | undefined
      const ticket = await governor.acquire(context.commandName ?? 'unknown', smithy?.abortSignal)
      try {
        const out = await next(args)
        governor.release(ticket, 'ok')
        return out
      } catch (e) {
        governor.release(ticket, isThrottling(e) ? 'throttled' : 'error')
        throw e
      }
    }
}
