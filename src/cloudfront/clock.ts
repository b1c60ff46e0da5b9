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

/**
 * `work`, or the signal's reason as soon as the signal aborts, whichever comes first. For work that does
 * not stop at its own abort signal: the AWS SDK resolves credentials (a `credential_process`, STS for a
 * web identity token, with no timeout of ours) before it hands the request and the signal to its HTTP
 * handler, so a hanging credential source held a `timeout: 5s` step for minutes. What `work` does after
 * the deadline is ignored; the process exits once the step's outputs are written (index.ts).
 */
export function untilAborted<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(abortReason(signal))
    if (signal.aborted) onAbort()
    else signal.addEventListener('abort', onAbort, { once: true })
    work.then(
      (value) => {
        signal.removeEventListener('abort', onAbort)
        resolve(value)
      },
      (e: unknown) => {
        signal.removeEventListener('abort', onAbort)
        // Passed on as it came: callers classify SDK errors by their own shape.
        // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors
        reject(e)
      },
    )
  })
}

/** The signal's reason as an Error (AbortSignal allows any value). */
export function abortReason(signal: AbortSignal): Error {
  const reason: unknown = signal.reason
  return reason instanceof Error ? reason : new Error(String(reason))
}
