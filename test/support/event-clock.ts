/**
 * A discrete-event clock for tests: `sleep` books a timer on virtual time, and `run` moves time from one
 * timer to the next once everything runnable now has run. Unlike a clock that jumps forward on every
 * sleep, concurrent sleepers share one timeline, so rates and overlaps come out as they would for real.
 *
 * Test-only code: never import it from src/.
 */
import type { Clock } from '../../src/cloudfront/clock.js'

interface Timer {
  at: number
  seq: number
  resolve: () => void
}

export class EventClock implements Clock {
  t = 0
  private timers: Timer[] = []
  private seq = 0

  now(): number {
    return this.t
  }

  sleep(ms: number, signal: AbortSignal): Promise<void> {
    if (signal.aborted)
      return Promise.reject(signal.reason instanceof Error ? signal.reason : new Error('aborted'))
    return new Promise<void>((resolve, reject) => {
      const timer: Timer = { at: this.t + Math.max(0, ms), seq: this.seq++, resolve }
      const onAbort = (): void => {
        this.timers = this.timers.filter((x) => x !== timer)
        reject(signal.reason instanceof Error ? signal.reason : new Error('aborted'))
      }
      timer.resolve = () => {
        signal.removeEventListener('abort', onAbort)
        resolve()
      }
      signal.addEventListener('abort', onAbort, { once: true })
      this.timers.push(timer)
    })
  }

  /** Run until `done` settles: let everything runnable run, then fire the earliest timer, and so on. */
  async run<T>(done: Promise<T>, limitMs = 24 * 3600_000): Promise<T> {
    let settled = false
    const result = done.finally(() => {
      settled = true
    })
    for (;;) {
      // Macrotask turns let promise chains (and any real I/O-free work) finish before time moves.
      for (let i = 0; i < 3; i++) await new Promise((r) => setImmediate(r))
      if (settled) return result
      if (this.timers.length === 0)
        throw new Error('EventClock: nothing left to run and the work is not done')
      this.timers.sort((a, b) => a.at - b.at || a.seq - b.seq)
      const next = this.timers.shift()
      if (next === undefined) continue
      if (next.at > limitMs) throw new Error(`EventClock: past ${limitMs} ms of virtual time`)
      this.t = Math.max(this.t, next.at)
      next.resolve()
    }
  }
}
