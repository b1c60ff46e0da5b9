/**
 * Our retry on top of the SDK's. The SDK's standard mode already tries 3 times; a longer burst of
 * throttling, 5xx or dropped connections should not fail a deploy that still has time left, so we keep
 * retrying with capped exponential backoff until the step's deadline (the abort signal) says stop.
 * Retrying a create is safe because it keeps its CallerReference (scheduler.ts): CloudFront answers a
 * repeat with the invalidation it already made.
 */
import { untilAborted, type Clock } from './clock.js'
import { classify, errorName } from './errors.js'

export interface RetryContext {
  clock: Clock
  signal: AbortSignal
  /**
   * Told about each retry, so the log shows why the step is slow. `kind` groups repeats of the same
   * cause (operation and error), so a long burst folds into one annotation with a count.
   */
  onRetry: (message: string, kind: string) => void
}

const FIRST_DELAY_MS = 1000
const MAX_DELAY_MS = 20_000

/** Delay before retry number `attempt` (1-based): 1 s, 2 s, 4 s … capped, with ±20 % jitter. */
export function backoff(attempt: number, random: () => number = Math.random): number {
  const base = Math.min(MAX_DELAY_MS, FIRST_DELAY_MS * 2 ** (attempt - 1))
  return Math.round(base * (0.8 + 0.4 * random()))
}

/** Run `fn`, retrying transient failures until it succeeds, fails for good, or the deadline passes. */
export async function withRetry<T>(what: string, ctx: RetryContext, fn: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      // Bounded by the deadline even where the call itself is not (see untilAborted).
      return await untilAborted(fn(), ctx.signal)
    } catch (e) {
      if (ctx.signal.aborted || classify(e) !== 'transient') throw e
      const delay = backoff(attempt)
      const name = errorName(e)
      const why = name && name !== 'Error' ? name : e instanceof Error ? e.message : String(e)
      ctx.onRetry(
        `${what}: ${why}; retrying in ${(delay / 1000).toFixed(1)} s (retry ${attempt})`,
        `retry ${what.split(' ')[0] ?? what} ${name || 'error'}`,
      )
      await ctx.clock.sleep(delay, ctx.signal)
    }
  }
}
