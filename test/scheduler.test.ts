/**
 * The scheduler's decisions on a virtual clock, against a small in-memory CloudFront (a narrow unit case;
 * the real SDK over HTTP is covered by the integration and end-to-end tests).
 */
import { describe, expect, it } from 'vitest'
import type { CloudFrontApi, InvalidationInfo } from '../src/cloudfront/api.js'
import type { Clock } from '../src/cloudfront/clock.js'
import { callerReference, submitDistribution, type SubmitOptions } from '../src/cloudfront/scheduler.js'
import type { InvalidationRecord } from '../src/cloudfront/tracker.js'
import { pollInterval } from '../src/cloudfront/tracker.js'
import { chunkItems } from '../src/paths/chunk.js'
import type { Item } from '../src/paths/encode.js'

class VirtualClock implements Clock {
  t = 0
  now(): number {
    return this.t
  }
  async sleep(ms: number, signal: AbortSignal): Promise<void> {
    if (signal.aborted) throw signal.reason
    this.t += Math.max(0, ms)
    await Promise.resolve()
  }
}

function sdkError(name: string, status: number): Error {
  return Object.assign(new Error(name), { name, $metadata: { httpStatusCode: status } })
}

interface Inv extends InvalidationInfo {
  ref: string
  paths: string[]
  doneAt: number
}

/** CloudFront in memory: quotas, completion delay, scripted faults. */
class MemoryCloudFront implements CloudFrontApi {
  invs: Inv[] = []
  faults: { op: string; error: Error }[] = []
  calls: string[] = []
  maxFiles = 0
  maxWildcards = 0
  constructor(
    private readonly clock: VirtualClock,
    private readonly delay: number,
  ) {}
  private inProgress(): Inv[] {
    return this.invs.filter((i) => i.doneAt > this.clock.t)
  }
  private fault(op: string): void {
    this.calls.push(op)
    const i = this.faults.findIndex((f) => f.op === op)
    const fault = i === -1 ? undefined : this.faults.splice(i, 1)[0]
    if (fault !== undefined) throw fault.error
  }
  async createInvalidation(_d: string, ref: string, paths: readonly string[]): Promise<InvalidationInfo> {
    this.fault('create')
    const same = this.invs.find((i) => i.ref === ref)
    if (same) return same
    const running = this.inProgress()
    const count = (l: readonly string[], w: boolean) => l.filter((p) => p.endsWith('*') === w).length
    const files = running.reduce((n, i) => n + count(i.paths, false), 0) + count(paths, false)
    const wildcards = running.reduce((n, i) => n + count(i.paths, true), 0) + count(paths, true)
    if (files > 3000 || wildcards > 15) throw sdkError('TooManyInvalidationsInProgress', 400)
    this.maxFiles = Math.max(this.maxFiles, files)
    this.maxWildcards = Math.max(this.maxWildcards, wildcards)
    const inv: Inv = {
      id: `I${this.invs.length + 1}`,
      status: 'InProgress',
      createTime: new Date(this.clock.t),
      ref,
      paths: [...paths],
      doneAt: this.clock.t + this.delay,
    }
    this.invs.push(inv)
    return inv
  }
  async getInvalidation(_d: string, id: string): Promise<InvalidationInfo> {
    this.fault('get')
    const inv = this.invs.find((i) => i.id === id)
    if (!inv) throw sdkError('NoSuchInvalidation', 404)
    return { ...inv, status: inv.doneAt <= this.clock.t ? 'Completed' : 'InProgress' }
  }
  async getOriginsView(): Promise<never> {
    throw new Error('not used by the scheduler')
  }
  async listDistributions(): Promise<never> {
    throw new Error('not used by the scheduler')
  }
  async getViewerDomain(): Promise<never> {
    throw new Error('not used by the scheduler')
  }
  async listDistributionTenants(): Promise<never> {
    throw new Error('not used by the scheduler')
  }
  async getDistributionTenantByDomain(): Promise<never> {
    throw new Error('not used by the scheduler')
  }
  async getConnectionMode(): Promise<never> {
    throw new Error('not used by the scheduler')
  }
  async listInvalidations(): Promise<{ items: InvalidationInfo[] }> {
    this.fault('list')
    return {
      items: [...this.invs]
        .reverse()
        .map((i) => ({ ...i, status: i.doneAt <= this.clock.t ? 'Completed' : 'InProgress' })),
    }
  }
}

const files = (n: number): Item[] =>
  Array.from({ length: n }, (_, i) => ({ kind: 'path', value: `/f${i}.html` }))
const wilds = (n: number): Item[] =>
  Array.from({ length: n }, (_, i) => ({ kind: 'wildcard', value: `/d${i}/*` }))

function setup(items: Item[], delay = 25_000, over: Partial<SubmitOptions> = {}) {
  const clock = new VirtualClock()
  const api = new MemoryCloudFront(clock, delay)
  const records: InvalidationRecord[] = []
  const warnings: string[] = []
  let listDenied = 0
  const options: SubmitOptions = {
    api,
    distributionId: 'E2EXAMPLE0000',
    batches: chunkItems(items, 3000),
    callerReferenceBase: 'run-1',
    wait: false,
    clock,
    signal: new AbortController().signal,
    log: { info: () => undefined, warning: (m) => warnings.push(m), debug: () => undefined },
    onCreated: (r) => records.push(r),
    onCountDenied: () => listDenied++,
    ...over,
  }
  return { clock, api, records, warnings, options, listDenied: () => listDenied }
}

describe('submitDistribution', () => {
  it('submits 10,000 paths in 4 waves, each batch once, never over quota', async () => {
    const s = setup(files(10_000))
    await submitDistribution({ ...s.options, wait: true })
    expect(s.api.invs.map((i) => i.paths.length)).toEqual([3000, 3000, 3000, 1000])
    expect(new Set(s.api.invs.flatMap((i) => i.paths)).size).toBe(10_000)
    expect(s.api.maxFiles).toBeLessThanOrEqual(3000)
    expect(s.records.every((r) => r.status === 'Completed')).toBe(true)
    // 4 waves of 25 s, each completion seen at most 5 s late
    expect(s.clock.t).toBeGreaterThanOrEqual(100_000)
    expect(s.clock.t).toBeLessThanOrEqual(100_000 + 4 * 5000)
  })

  it('sends small batches together while they fit', async () => {
    const s = setup(files(900), 25_000)
    await submitDistribution({ ...s.options, batches: chunkItems(files(900), 300) })
    expect(s.api.invs).toHaveLength(3)
    expect(s.clock.t).toBe(0) // no waiting: all three fit at once
  })

  it('keeps wildcards within 15 in flight', async () => {
    const s = setup([...wilds(40), ...files(10)])
    await submitDistribution({ ...s.options, wait: true })
    expect(s.api.invs).toHaveLength(3)
    expect(s.api.maxWildcards).toBeLessThanOrEqual(15)
  })

  it('counts invalidations already in progress before it starts', async () => {
    const s = setup(files(2000))
    await s.api.createInvalidation(
      'E2EXAMPLE0000',
      'someone-else',
      files(2500).map((i) => `/other${i.value}`),
    )
    const infos: string[] = []
    await submitDistribution({ ...s.options, log: { ...s.options.log, info: (m) => void infos.push(m) } })
    expect(s.api.invs).toHaveLength(2)
    expect(s.api.calls.filter((c) => c === 'create')).toHaveLength(2) // no refused create: it waited instead
    expect(s.clock.t).toBeGreaterThanOrEqual(25_000)
    expect(infos).toContain(
      'E2EXAMPLE0000: 1 invalidation already in progress (2,500 file paths, 0 wildcards) counts against the quotas',
    )
  })

  it('warns once and relies on the quota retry when ListInvalidations is denied', async () => {
    const s = setup(files(2000))
    await s.api.createInvalidation(
      'E2EXAMPLE0000',
      'someone-else',
      files(2500).map((i) => `/other${i.value}`),
    )
    s.api.faults.push({ op: 'list', error: sdkError('AccessDenied', 403) })
    await submitDistribution(s.options)
    expect(s.listDenied()).toBe(1)
    expect(s.api.invs).toHaveLength(2)
    expect(s.warnings.some((w) => w.includes('TooManyInvalidationsInProgress'))).toBe(true)
  })

  it('retries throttling and 5xx past the SDK, without duplicates', async () => {
    const s = setup(files(10))
    for (let i = 0; i < 6; i++)
      s.api.faults.push({
        op: 'create',
        error: sdkError(i % 2 ? 'Throttling' : 'InternalError', i % 2 ? 400 : 500),
      })
    await submitDistribution(s.options)
    expect(s.api.invs).toHaveLength(1)
    expect(s.warnings.filter((w) => /retrying in/.test(w))).toHaveLength(6)
  })

  it('stops at once on a permanent error, keeping what was created', async () => {
    const s = setup(files(4000), 1000)
    s.api.faults.push({ op: 'get', error: sdkError('AccessDenied', 403) })
    await expect(submitDistribution(s.options)).rejects.toThrow(
      /access denied to GetInvalidation: the role needs cloudfront:GetInvalidation/,
    )
    expect(s.records).toHaveLength(1)
  })

  it('gives up when the deadline aborts', async () => {
    const controller = new AbortController()
    const s = setup(files(10_000), 60_000, { signal: controller.signal })
    const clock = s.clock
    const sleep = clock.sleep.bind(clock)
    clock.sleep = async (ms, signal) => {
      if (clock.t + ms > 90_000) controller.abort(new Error('deadline'))
      return sleep(ms, signal)
    }
    await expect(submitDistribution(s.options)).rejects.toThrow('deadline')
    expect(s.records.length).toBeGreaterThanOrEqual(1)
    expect(s.records.length).toBeLessThan(4)
  })
})

describe('callerReference', () => {
  it('is deterministic and differs by base, distribution, batch and paths', () => {
    const a = callerReference('run', 'E1', 0, ['/a'])
    expect(a).toBe(callerReference('run', 'E1', 0, ['/a']))
    expect(a).toMatch(/^run\/E1\/1\/[0-9a-f]{12}$/)
    const others = [
      callerReference('run2', 'E1', 0, ['/a']),
      callerReference('run', 'E2', 0, ['/a']),
      callerReference('run', 'E1', 1, ['/a']),
      callerReference('run', 'E1', 0, ['/b']),
    ]
    expect(new Set([a, ...others]).size).toBe(5)
  })

  it('stays within 128 printable ASCII characters, and distinct, whatever the base and target', () => {
    const uuidBase = '987654321012-12-deploy-site-and-docs-000-9f1c2e4a-3b5d-4c6e-8f70-a1b2c3d4e5f6'
    const tenant = `dt_${'A'.repeat(64)}`
    const refs = [
      callerReference(uuidBase, tenant, 99_999, ['/a']),
      callerReference(uuidBase, tenant, 99_998, ['/a']),
      callerReference('x'.repeat(500), 'E1', 0, ['/a']),
      callerReference(`${'x'.repeat(500)}y`, 'E1', 0, ['/a']),
      callerReference('déploiement', 'E1', 0, ['/a']),
      callerReference('déploiement-2', 'E1', 0, ['/a']),
    ]
    for (const r of refs) {
      expect(r.length).toBeLessThanOrEqual(128)
      expect(r).toMatch(/^[\x20-\x7e]+$/)
    }
    expect(new Set(refs).size).toBe(refs.length)
    // Shortened ones keep a readable head and end in a hash of the whole reference.
    expect(refs[0]).toMatch(/^987654321012-12-deploy-site.*~[0-9a-f]{32}$/)
    expect(refs[4]).toMatch(/^d_ploiement\/E1\/1\/.*~[0-9a-f]{32}$/)
    // A typical default (run id, attempt, job, UUID) on a distribution is sent whole.
    const typical = callerReference(
      '12345678901-1-deploy-9f1c2e4a-3b5d-4c6e-8f70-a1b2c3d4e5f6',
      'E2EXAMPLE0000',
      0,
      ['/a'],
    )
    expect(typical).toMatch(
      /^12345678901-1-deploy-9f1c2e4a-3b5d-4c6e-8f70-a1b2c3d4e5f6\/E2EXAMPLE0000\/1\/[0-9a-f]{12}$/,
    )
  })
})

describe('pollInterval', () => {
  it.each([
    [0, 500],
    [4000, 500],
    [16_000, 2000],
    [40_000, 5000],
    [600_000, 5000],
  ])('age %d ms -> %d ms', (age, ms) => {
    expect(pollInterval(age)).toBe(ms)
  })
})
