/**
 * Issue 5 end to end through the bundle: distributions named by domain, distribution tenants, cache tags
 * on distributions without a tag configuration, and `wait-for` release gates.
 */
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
      /^E1SITE0000001: CloudFront rejected a batch holding 1 cache tag .*no cache tag configuration/,
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
      "Input 'wait-for': waits for invalidations an earlier step made, and creates none: drop distribution-id",
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
