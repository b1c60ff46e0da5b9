/**
 * Issue 5 end to end through the bundle: distributions named by domain, distribution tenants, cache tags
 * on distributions without a tag configuration, and `wait-for` release gates.
 */
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { cloudFrontEnv, FakeCloudFront, type DistributionSpec } from './support/fake-cloudfront.js'
import { runAction, type ActionRun } from './support/run-action.js'

const SITE = 'E1SITE0000001'
const WILD = 'E1WILD0000001'
const TAGS = 'E1TAGS0000001'
const MULTI = 'E1MULTI000001'
const TENANT = 'dt_2wjDZi3hD1ivOXf6rpZJOSNE1AB'

// 150 distributions, so resolving an alias must read two pages of ListDistributions.
const filler: DistributionSpec[] = Array.from({ length: 148 }, (_, i) => ({
  id: `E0FILL${String(i).padStart(7, '0')}`,
}))
const distributions: DistributionSpec[] = [
  ...filler,
  { id: SITE, aliases: ['www.example.com', 'example.com'] },
  { id: WILD, aliases: ['*.example.com'] },
  { id: TAGS, cacheTags: true },
  { id: MULTI, multiTenant: true },
]
let fake: FakeCloudFront
beforeAll(async () => {
  fake = await FakeCloudFront.start({
    distributions,
    tenants: [{ id: TENANT, distributionId: MULTI }],
    completionDelayMs: 300,
  })
})
afterAll(async () => {
  await fake.stop()
})
beforeEach(() => {
  fake.reset()
  fake.completionDelayMs = 300
})

const run = (inputs: Record<string, string>): Promise<ActionRun> =>
  runAction({ inputs, env: cloudFrontEnv(fake) })
const errors = (r: ActionRun): string[] =>
  r.annotations.filter((a) => a.level === 'error').map((a) => a.message)
const ops = (): string[] => fake.requests.map((r) => r.op)

describe('distribution by alternate domain name', () => {
  it('resolves an exact alias over a wildcard one, reading every page', async () => {
    const r = await run({ 'distribution-id': 'WWW.example.com', paths: '/index.html' })
    expect(errors(r)).toEqual([])
    expect(fake.invalidations(SITE)).toHaveLength(1)
    expect(fake.invalidations(WILD)).toHaveLength(0)
    expect(ops().filter((o) => o === 'ListDistributions')).toHaveLength(2)
    expect(r.summary).toContain('WWW.example.com → <code>E1SITE0000001</code>')
    expect(JSON.parse(r.outputs.invalidations ?? '[]')).toMatchObject([{ distributionId: SITE }])
  })

  it('matches a wildcard alias for one label only', async () => {
    const r = await run({ 'distribution-id': 'shop.example.com', paths: '/x' })
    expect(errors(r)).toEqual([])
    expect(fake.invalidations(WILD)).toHaveLength(1)
    const deep = await run({ 'distribution-id': 'a.b.example.com', paths: '/x' })
    expect(errors(deep)[0]).toMatch(
      /^Input 'distribution-id': no distribution in this account has the alias a\.b\.example\.com .*aliases found: .*www\.example\.com.*\), and no distribution tenant has the domain a\.b\.example\.com$/,
    )
  })

  it('leaves names unresolved in a dry run, and says so', async () => {
    const r = await run({ 'distribution-id': 'www.example.com', paths: '/x', 'dry-run': 'true' })
    expect(r.code).toBe(0)
    expect(fake.requests).toEqual([])
    expect(
      r.annotations.some((a) => a.level === 'notice' && a.message.includes('www.example.com not resolved')),
    ).toBe(true)
  })

  it('explains a denied ListDistributions', async () => {
    fake.inject({ op: 'ListDistributions', kind: 'AccessDenied', times: 1 })
    const r = await run({ 'distribution-id': 'www.example.com', paths: '/x' })
    expect(errors(r)[0]).toMatch(
      /access denied to ListDistributions: the role needs cloudfront:ListDistributions/,
    )
  })
})

describe('distribution tenants', () => {
  it('creates, lists and waits through the tenant calls', async () => {
    const r = await run({ 'distribution-id': TENANT, paths: '/a\n/b', wait: 'true' })
    expect(errors(r)).toEqual([])
    expect(ops()).toEqual(
      expect.arrayContaining([
        'ListInvalidationsForDistributionTenant',
        'CreateInvalidationForDistributionTenant',
        'GetInvalidationForDistributionTenant',
      ]),
    )
    expect(ops().some((o) => o === 'CreateInvalidation')).toBe(false)
    expect(JSON.parse(r.outputs.invalidations ?? '[]')).toMatchObject([
      { distributionId: TENANT, status: 'Completed' },
    ])
  })

  it('explains an unknown tenant like an unknown distribution', async () => {
    const r = await run({ 'distribution-id': 'dt_nope', paths: '/a' })
    expect(r.code).toBe(1)
    expect(errors(r)[0]).toMatch(/^dt_nope: no such distribution tenant in this AWS account/)
  })
})

describe('cache tags', () => {
  it('sends tags as written to a distribution with a tag configuration', async () => {
    const r = await run({ 'distribution-id': TAGS, paths: '#product-42\n/p/42.html', collapse: 'off' })
    expect(errors(r)).toEqual([])
    expect(fake.invalidations(TAGS)[0]?.paths).toEqual(['#product-42', '/p/42.html'])
  })

  it('explains the rejection by a distribution without one', async () => {
    const r = await run({ 'distribution-id': SITE, paths: '#product-42' })
    expect(r.code).toBe(1)
    expect(errors(r)[0]).toMatch(
      /^E1SITE0000001: CloudFront rejected a batch holding 1 cache tag: "#product-42"\. Check that this distribution has a cache tag configuration/,
    )
  })
})

describe('wait-for release gates', () => {
  it('waits for the invalidations output of an earlier step, creating nothing', async () => {
    fake.completionDelayMs = 1500
    const deploy = await run({ 'distribution-id': `${SITE}\n${TAGS}`, paths: '/index.html' })
    expect(deploy.outputs.status).toBe('InProgress')
    fake.requests.length = 0
    const gate = await run({ 'wait-for': deploy.outputs.invalidations ?? '', timeout: '30s' })
    expect(errors(gate)).toEqual([])
    expect(gate.outputs.status).toBe('Completed')
    expect(ops().every((o) => o === 'GetInvalidation')).toBe(true)
    expect(JSON.parse(gate.outputs['invalidation-ids'] ?? '[]')).toEqual(
      JSON.parse(deploy.outputs['invalidation-ids'] ?? ''),
    )
    expect(JSON.parse(gate.outputs.invalidations ?? '[]')).toMatchObject([
      { status: 'Completed' },
      { status: 'Completed' },
    ])
    expect(gate.summary).toContain('CloudFront invalidation: Completed')
  })

  it('takes DISTRIBUTION/ID lines', async () => {
    const made = fake.seedInvalidation(SITE, ['/x'], { completesInMs: 500 })
    const gate = await run({ 'wait-for': `${SITE}/${made.id}` })
    expect(gate.outputs.status).toBe('Completed')
  })

  it('ends Skipped for [] (a deploy that made none)', async () => {
    const gate = await run({ 'wait-for': '[]' })
    expect(gate.code).toBe(0)
    expect(gate.outputs.status).toBe('Skipped')
    expect(fake.requests).toEqual([])
  })

  it('fails at once on an unknown invalidation, and on timeout with the ids', async () => {
    const missing = await run({ 'wait-for': `${SITE}/INOPE0000000` })
    expect(errors(missing)[0]).toMatch(/^E1SITE0000001\/INOPE0000000: invalidation not found/)
    expect(missing.outputs.status).toBe('Failed')
    fake.completionDelayMs = 60_000
    const made = fake.seedInvalidation(SITE, ['/x'], { completesInMs: 60_000 })
    const slow = await run({ 'wait-for': `${SITE}/${made.id}`, timeout: '2s' })
    expect(errors(slow)[0]).toMatch(/^timeout 2\.0 s reached: 1 invalidation waited for, 1 not Completed yet/)
    expect(slow.outputs.status).toBe('TimedOut')
    expect(slow.outputs['invalidation-id']).toBe(made.id)
  })

  it.each([
    [
      { 'wait-for': '[]', paths: '/x' },
      "Input 'wait-for': waits for existing invalidations and creates none, so 'paths' cannot be used beside it",
    ],
    [
      { 'wait-for': '[]', 'distribution-id': SITE },
      "Input 'wait-for': waits for invalidations an earlier step made, and creates none: drop 'distribution-id'",
    ],
    [{ 'wait-for': '[{"id": 1}]' }, 'Input \'wait-for\': item 0 has no "distributionId" and "id" strings'],
    [{ 'wait-for': 'E1SITE0000001' }, 'Input \'wait-for\': "E1SITE0000001" is not DISTRIBUTION/ID'],
    [{ 'wait-for': '[oops' }, "Input 'wait-for': is not valid JSON"],
    [{ paths: '/x' }, "Input 'distribution-id': is required"],
  ])('rejects %j', async (inputs, message) => {
    const r = await run(inputs)
    expect(r.code).toBe(1)
    expect(errors(r).map((e) => e.slice(0, message.length))).toEqual([message])
    expect(fake.requests).toEqual([])
  })
})

describe('wait-for over runs of any size', () => {
  /** A run making one invalidation per path (batch-size 1), as a large or tenant fan-out run does. */
  async function deployMany(n: number): Promise<ActionRun> {
    const workspace = mkdtempSync(join(tmpdir(), 'cfi-gate-'))
    const lines = Array.from({ length: n }, (_, i) => `/p/${i}.html`)
    writeFileSync(join(workspace, 'paths.txt'), lines.join('\n'))
    const deploy = await runAction({
      inputs: { 'distribution-id': SITE, 'paths-file': 'paths.txt', 'batch-size': '1', collapse: 'off' },
      workspace,
      env: cloudFrontEnv(fake),
      timeoutMs: 120_000,
    })
    expect(errors(deploy)).toEqual([])
    expect(fake.createdCount(SITE)).toBe(n)
    return deploy
  }
  const allCompleted = (): boolean =>
    fake.invalidations(SITE).every((i) => i.completeTime.getTime() <= Date.now())

  it('a gate given the invalidation-list of 1,100 invalidations waits for each (their JSON cannot start a step)', async () => {
    fake.completionDelayMs = 3000
    const deploy = await deployMany(1100)
    const json = deploy.outputs.invalidations ?? ''
    const list = deploy.outputs['invalidation-list'] ?? ''
    expect(Buffer.byteLength(json)).toBeGreaterThan(128 * 1024)
    expect(list.split('\n')).toEqual(fake.invalidations(SITE).map((i) => `${SITE}/${i.id}`))
    expect(list.length).toBeLessThanOrEqual(32_000)
    // Passed as the runner passes inputs (an environment variable), the JSON stops the process starting.
    await expect(run({ 'wait-for': json })).rejects.toThrow(/E2BIG/)
    fake.requests.length = 0
    const gate = await runAction({
      inputs: { 'wait-for': list, timeout: '60s' },
      env: cloudFrontEnv(fake),
      timeoutMs: 120_000,
    })
    expect(errors(gate)).toEqual([])
    expect(gate.outputs.status).toBe('Completed')
    expect(JSON.parse(gate.outputs['invalidation-ids'] ?? '[]')).toEqual(
      JSON.parse(deploy.outputs['invalidation-ids'] ?? ''),
    )
    expect(allCompleted()).toBe(true)
    expect(ops().every((o) => o === 'GetInvalidation')).toBe(true)
  }, 180_000)

  it('past one input, the list names the distribution DIST/*, and a gate given it waits for all there', async () => {
    fake.completionDelayMs = 3000
    const deploy = await deployMany(1200)
    expect(deploy.outputs['invalidation-list']).toBe(`${SITE}/*`)
    expect(deploy.annotations.filter((a) => a.level === 'warning').map((a) => a.message)).toEqual([
      expect.stringMatching(
        /^The 'invalidation-list' output names E1SITE0000001\/\* for its 1200 invalidations/,
      ) as string,
    ])
    const other = fake.seedInvalidation(SITE, ['/someone-else'], { completesInMs: 4000 })
    fake.requests.length = 0
    const gate = await runAction({
      inputs: { 'wait-for': deploy.outputs['invalidation-list'] ?? '', timeout: '60s' },
      env: cloudFrontEnv(fake),
      timeoutMs: 120_000,
    })
    expect(errors(gate)).toEqual([])
    expect(gate.outputs.status).toBe('Completed')
    const waited = JSON.parse(gate.outputs['invalidation-ids'] ?? '[]') as string[]
    // Every one the deploy made that was still in progress, and the other one: never fewer.
    const pending = fake.invalidations(SITE).filter((i) => !i.seeded)
    expect(waited).toContain(other.id)
    expect(waited.length).toBeGreaterThan(1)
    expect(allCompleted()).toBe(true)
    expect(pending.every((i) => i.completeTime.getTime() <= Date.now())).toBe(true)
    expect(ops().filter((o) => o === 'ListInvalidations').length).toBeGreaterThanOrEqual(1)
  }, 180_000)

  it('DIST/* waits for what is in progress there, and passes at once when nothing is', async () => {
    fake.seedInvalidation(SITE, ['/old'], { status: 'Completed', createdMsAgo: 60_000 })
    const a = fake.seedInvalidation(SITE, ['/a', '/b'], { completesInMs: 1500 })
    const b = fake.seedInvalidation(SITE, ['/c/*'], { completesInMs: 800 })
    const gate = await run({ 'wait-for': `${SITE}/*`, timeout: '30s' })
    expect(errors(gate)).toEqual([])
    expect(gate.outputs.status).toBe('Completed')
    expect(JSON.parse(gate.outputs.invalidations ?? '[]')).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ id: a.id, pathCount: 2, status: 'Completed' }),
        expect.objectContaining({ id: b.id, pathCount: 1, status: 'Completed' }),
      ]),
    )
    expect(JSON.parse(gate.outputs['invalidation-ids'] ?? '[]')).toHaveLength(2) // not the Completed one
    expect(allCompleted()).toBe(true)

    const idle = await run({ 'wait-for': `${SITE}/*` })
    expect(idle.code).toBe(0)
    expect(idle.outputs.status).toBe('Completed')
    expect(idle.annotations.find((x) => x.level === 'notice')?.message).toBe(
      `Nothing in progress on ${SITE}: every invalidation there is Completed.`,
    )
  })

  it('DIST/* fails with the permission to grant when ListInvalidations is denied', async () => {
    fake.inject({ op: 'ListInvalidations', kind: 'AccessDenied', times: Infinity })
    const gate = await run({ 'wait-for': `${SITE}/*` })
    expect(gate.code).toBe(1)
    expect(errors(gate)[0]).toMatch(
      /^E1SITE0000001: access denied to ListInvalidations: the role needs cloudfront:ListInvalidations/,
    )
    expect(gate.outputs.status).toBe('Failed')
  })
})
