/**
 * Time as a seam: the scheduler and waiter sleep through `Clock`, so retry and polling tests can run on a
 * fake clock instead of waiting for real (configure-aws-credentials does the same with its `withsleep`).
 */

export interface Clock {
  now(): number
  /** Resolve after `ms`, or reject with the signal's reason as soon as it aborts. */
  sleep(ms: number, signal: AbortSignal): Promise<void>
}

export const realClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise<void>((resolve, reject) => {
      if (signal.aborted) {
        reject(abortReason(signal))
        return
      }
      const onAbort = (): void => {
        clearTimeout(timer)
        reject(abortReason(signal))
      }
      const timer = setTimeout(
        () => {
          signal.removeEventListener('abort', onAbort)
          resolve()
        },
        Math.max(0, ms),
      )
      signal.addEventListener('abort', onAbort, { once: true })
    }),
}

/** The signal's reason as an Error (AbortSignal allows any value). */
function abortReason(signal: AbortSignal): Error {
  const reason: unknown = signal.reason
  return reason instanceof Error ? reason : new Error(String(reason))
}
