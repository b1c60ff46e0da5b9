/**
 * Polling thousands of targets: the CompletionModel learns from a run's own polls when invalidations
 * complete, so each target's first poll lands after completion, about one GetInvalidation per
 * invalidation, while a short run still looks after half a second. Virtual time (EventClock).
 */
import { describe, expect, it } from 'vitest'
import type { CloudFrontApi, InvalidationInfo } from '../src/cloudfront/api.js'
import { CompletionModel, Tracker } from '../src/cloudfront/tracker.js'
import { EventClock } from './support/event-clock.js'

/** Invalidations that complete `delay(i)` ms after creation; counts GetInvalidation calls. */
function api(clock: EventClock, created: Map<string, number>, delay: (id: string) => number) {
  let gets = 0
  const get = (_t: string, id: string): Promise<InvalidationInfo> => {
    gets++
    const at = created.get(id) ?? 0
    const status = clock.now() - at >= delay(id) ? 'Completed' : 'InProgress'
    return Promise.resolve({ id, status, createTime: new Date(at) })
  }
  return { api: { getInvalidation: get } as unknown as CloudFrontApi, gets: () => gets }
}

async function fanOut(n: number, perSecond: number, delay: (id: string) => number) {
  const clock = new EventClock()
  const created = new Map<string, number>()
  const cf = api(clock, created, delay)
  const model = new CompletionModel()
  const retry = { clock, signal: new AbortController().signal, onRetry: () => undefined }
  const late: number[] = []
  const work = Array.from({ length: n }, async (_, i) => {
    await clock.sleep((i * 1000) / perSecond, retry.signal)
    const id = `I${i}`
    created.set(id, clock.now())
    const tracker = new Tracker(cf.api, `dt_${i}`, clock, retry, model)
    const record = {
      distributionId: `dt_${i}`,
      id,
      status: 'InProgress',
      pathCount: 1,
      createTime: '',
      batch: 0,
    }
    tracker.add(id, { files: 1, wildcards: 0 }, record, undefined, true)
    await tracker.waitForAll()
    late.push(clock.now() - (created.get(id) ?? 0) - delay(id))
  })
  await clock.run(Promise.all(work))
  return { getsPerInvalidation: cf.gets() / n, meanLateMs: late.reduce((a, b) => a + b, 0) / n, model }
}

describe('CompletionModel', () => {
  it('learns a 5 s completion over 2,000 tenants: about one poll each, seen within a second', async () => {
    const r = await fanOut(2000, 20, () => 5000)
    expect(r.getsPerInvalidation).toBeLessThan(1.2)
    expect(r.meanLateMs).toBeLessThan(1000)
    expect(r.model.plausibleMs).toBeGreaterThan(4000)
    expect(r.model.plausibleMs).toBeLessThan(7000)
  })

  it('copes with completions spread from 5 s to 25 s (CloudFront P95)', async () => {
    // A deterministic spread: invalidation i completes after 5 s + (i * 7919 mod 20) s.
    const r = await fanOut(2000, 20, (id) => 5000 + ((Number(id.slice(1)) * 7919) % 20) * 1000)
    expect(r.getsPerInvalidation).toBeLessThan(1.5)
  })

  it('keeps a short run quick: a first look after half a second', async () => {
    const r = await fanOut(1, 1, () => 200)
    expect(r.getsPerInvalidation).toBe(1)
    expect(r.meanLateMs).toBeLessThanOrEqual(300)
  })

  it('raises its estimate on an InProgress answer at its age, and lowers it slowly on prompt Completed ones', () => {
    const m = new CompletionModel()
    expect(m.plausibleMs).toBe(500)
    m.observe(500, false)
    expect(m.plausibleMs).toBe(625)
    m.observe(400, false) // younger than the estimate: nothing new
    expect(m.plausibleMs).toBe(625)
    m.observe(600, true)
    expect(m.plausibleMs).toBeCloseTo(612.5)
    m.observe(5000, true) // seen late: says nothing about the estimate
    expect(m.plausibleMs).toBeCloseTo(612.5)
  })
})
