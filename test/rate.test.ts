/**
 * The request-rate governor on virtual time against a simulated CloudFront limit (a token bucket per
 * operation, as the fake server keeps): it finds the limit without knowing it, stays close to it, is
 * rarely throttled, never has more than its cap in flight, and paces each operation on its own.
 * Figures are virtual seconds, so they hold on a busy machine too.
 */
import { describe, expect, it } from 'vitest'
import { connect } from '../src/cloudfront/api.js'
import { realClock } from '../src/cloudfront/clock.js'
import { INITIAL_RATE, RateGovernor } from '../src/cloudfront/rate.js'
import { EventClock } from './support/event-clock.js'
import { cloudFrontEnv, FakeCloudFront } from './support/fake-cloudfront.js'

/** A token bucket answering 'throttled' when empty, refilled on the clock. */
function bucket(clock: EventClock, rate: number, burst: number): () => boolean {
  let tokens = burst
  let at = 0
  return () => {
    tokens = Math.min(burst, tokens + ((clock.now() - at) / 1000) * rate)
    at = clock.now()
    if (tokens < 1) return false
    tokens--
    return true
  }
}

interface Load {
  requests: number
  /** Requests a second the simulated server takes for this operation, and its burst. */
  rate: number
  burst: number
}

/** Send every request through the governor, retrying throttled ones; returns the figures. */
async function drive(loads: Record<string, Load>, maxConcurrency = 16, latencyMs = 30) {
  const clock = new EventClock()
  const governor = new RateGovernor({ clock, maxConcurrency })
  const never = new AbortController().signal
  let inFlight = 0
  let maxInFlight = 0
  const stats: Record<string, { sent: number; throttled: number; doneAt: number }> = {}
  const work = Object.entries(loads).flatMap(([op, load]) => {
    const admit = bucket(clock, load.rate, load.burst)
    const s = (stats[op] = { sent: 0, throttled: 0, doneAt: 0 })
    return Array.from({ length: load.requests }, async () => {
      for (;;) {
        const ticket = await governor.acquire(op)
        inFlight++
        maxInFlight = Math.max(maxInFlight, inFlight)
        s.sent++
        const ok = admit()
        await clock.sleep(latencyMs, never)
        inFlight--
        governor.release(ticket, ok ? 'ok' : 'throttled')
        if (ok) break
        s.throttled++
      }
      s.doneAt = Math.max(s.doneAt, clock.now())
    })
  })
  await clock.run(Promise.all(work))
  governor.close()
  return { stats, maxInFlight, governor }
}

describe('RateGovernor', () => {
  it('learns a 20/s limit it was not told: within 1.15x the ideal, throttled under 5 %', async () => {
    const { stats, maxInFlight } = await drive({
      CreateInvalidation: { requests: 2000, rate: 20, burst: 40 },
    })
    const s = stats.CreateInvalidation!
    const ideal = ((2000 - 40) / 20) * 1000 // the burst goes at once, the rest at the rate
    expect(s.doneAt / ideal).toBeLessThan(1.15)
    expect(s.throttled / s.sent).toBeLessThan(0.05)
    expect(maxInFlight).toBeLessThanOrEqual(16)
  })

  it('paces each operation on its own: a slow one does not hold the other back', async () => {
    const { stats } = await drive({
      CreateInvalidation: { requests: 600, rate: 20, burst: 10 },
      GetInvalidation: { requests: 300, rate: 5, burst: 5 },
    })
    expect(stats.CreateInvalidation!.doneAt / ((600 / 20) * 1000)).toBeLessThan(1.2)
    expect(stats.GetInvalidation!.doneAt / ((300 / 5) * 1000)).toBeLessThan(1.2)
  })

  it('never has more than its cap in flight, however many wait', async () => {
    const { maxInFlight } = await drive(
      { GetInvalidation: { requests: 300, rate: 1000, burst: 1000 } },
      3,
      200,
    )
    expect(maxInFlight).toBe(3)
  })

  it('starts gently: the first second sends about INITIAL_RATE requests', async () => {
    const clock = new EventClock()
    const governor = new RateGovernor({ clock, maxConcurrency: 100 })
    const sentAt: number[] = []
    const all = Array.from({ length: 40 }, async () => {
      const t = await governor.acquire('CreateInvalidation')
      sentAt.push(clock.now())
      governor.release(t, 'ok')
    })
    await clock.run(Promise.all(all))
    const firstSecond = sentAt.filter((t) => t < 1000).length
    expect(firstSecond).toBeGreaterThanOrEqual(INITIAL_RATE)
    expect(firstSecond).toBeLessThan(4 * INITIAL_RATE)
    expect(governor.snapshot()[0]).toMatchObject({ operation: 'CreateInvalidation', sent: 40, throttled: 0 })
  })

  it('without pacing keeps only the concurrency cap', async () => {
    const clock = new EventClock()
    const governor = new RateGovernor({ clock, maxConcurrency: 5, pace: false })
    const tickets = await clock.run(Promise.all(Array.from({ length: 5 }, () => governor.acquire('X'))))
    expect(clock.now()).toBe(0)
    const sixth = governor.acquire('X')
    let got = false
    void sixth.then(() => (got = true))
    await new Promise((r) => setImmediate(r))
    expect(got).toBe(false)
    governor.release(tickets[0]!, 'ok')
    await clock.run(sixth)
    expect(governor.snapshot()[0]?.rate).toBe(Infinity)
  })

  it('drops a waiting request whose signal aborts, and rejects the rest on close', async () => {
    const clock = new EventClock()
    const governor = new RateGovernor({ clock, maxConcurrency: 1 })
    const first = await governor.acquire('X')
    const stop = new AbortController()
    const aborted = governor.acquire('X', stop.signal)
    const later = governor.acquire('X')
    stop.abort(new Error('deadline'))
    await expect(aborted).rejects.toThrow('deadline')
    expect(governor.snapshot()[0]?.waiting).toBe(1)
    governor.close()
    await expect(later).rejects.toThrow('the run is over')
    governor.release(first, 'ok')
  })
})

describe('the governor in the SDK client (connect)', () => {
  it('paces every attempt, the SDK’s own retries included, and sees each Throttling', async () => {
    const fake = await FakeCloudFront.start({ distributions: ['E2EXAMPLE0000'] })
    const saved = { ...process.env }
    Object.assign(process.env, cloudFrontEnv(fake))
    try {
      const governor = new RateGovernor({ clock: realClock, maxConcurrency: 2 })
      const api = await connect({ region: 'us-east-1', userAgent: 'test/1', governor })
      fake.inject({ op: 'CreateInvalidation', kind: 'Throttling' })
      const signal = new AbortController().signal
      await Promise.all(
        Array.from({ length: 6 }, (_, i) =>
          api.createInvalidation('E2EXAMPLE0000', `ref-${i}`, ['/a'], signal),
        ),
      )
      // Six creates and the SDK's retry of the throttled one, each through the governor.
      expect(governor.snapshot()).toEqual([
        {
          operation: 'CreateInvalidationCommand',
          rate: expect.any(Number) as number,
          sent: 7,
          throttled: 1,
          waiting: 0,
        },
      ])
      expect(fake.requests).toHaveLength(7)
      // Paced: the first few go at once (its burst), the rest at the starting rate, not all in a heap.
      const span = (fake.requests[6]?.time ?? 0) - (fake.requests[0]?.time ?? 0)
      expect(span).toBeGreaterThanOrEqual(300)
      governor.close()
    } finally {
      process.env = saved
      await fake.stop()
    }
  })
})
