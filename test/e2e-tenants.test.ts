/**
 * Issue 16 end to end through the bundle: every tenant of a multi-tenant distribution at once, under
 * CloudFront-like request-rate limits (the fake answers Throttling past a token bucket per operation),
 * with none lost and none invalidated twice; tenant patterns; a tenant's domain in `distribution-id`; a
 * failing tenant among healthy ones; a multi-tenant distribution named without `tenants`; and outputs and
 * summary within GitHub's limits at 10,000 tenants.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { cloudFrontEnv, FakeCloudFront, type TenantSpec } from './support/fake-cloudfront.js'
import type { FileRecord } from '../src/report/file.js'
import { runAction, type ActionRun } from './support/run-action.js'

const MULTI = 'E1MULTITENANT1'
const SHOPS = 'E1MULTITENANT2'
const DIRECT = 'E1DIRECT000001'
const tenantId = (prefix: string, i: number): string => `dt_${prefix}${String(i).padStart(5, '0')}`

/** 1,000 tenants of MULTI; 12 of SHOPS with names and domains to match patterns against. */
const tenants: TenantSpec[] = [
  ...Array.from({ length: 1000 }, (_, i) => ({
    id: tenantId('t', i),
    distributionId: MULTI,
    name: `tenant-${i}`,
    domains: [`t${i}.example.net`],
  })),
  ...Array.from({ length: 12 }, (_, i) => ({
    id: tenantId('shop', i),
    distributionId: SHOPS,
    name: i < 4 ? `acme-${i}` : `other-${i}`,
    domains: [i % 2 === 0 ? `s${i}.eu.shops.example.com` : `s${i}.us.shops.example.com`],
  })),
]

let fake: FakeCloudFront
/**
 * RUNNER_TEMP for every step of this file: runAction removes its own step folder once the step ends, and
 * the `invalidations-file` these tests read (and hand to a later gate) lives in RUNNER_TEMP.
 */
const runnerTemp = mkdtempSync(join(tmpdir(), 'cfi-runner-temp-'))

beforeAll(async () => {
  fake = await FakeCloudFront.start({
    distributions: [{ id: MULTI, multiTenant: true }, { id: SHOPS, multiTenant: true }, DIRECT],
    tenants,
    completionDelayMs: 300,
  })
})
afterAll(async () => {
  await fake.stop()
  rmSync(runnerTemp, { recursive: true, force: true })
})
beforeEach(() => {
  fake.reset()
  fake.setRateLimit('CreateInvalidationForDistributionTenant', undefined)
  fake.setRateLimit('GetInvalidationForDistributionTenant', undefined)
})

const run = (inputs: Record<string, string>, timeoutMs = 60_000): Promise<ActionRun> =>
  runAction({ inputs, env: { ...cloudFrontEnv(fake), RUNNER_TEMP: runnerTemp }, timeoutMs })
const errors = (r: ActionRun): string[] =>
  r.annotations.filter((a) => a.level === 'error').map((a) => a.message)
const warnings = (r: ActionRun): string[] =>
  r.annotations.filter((a) => a.level === 'warning').map((a) => a.message)
const count = (op: string, error?: string): number =>
  fake.requests.filter((r) => r.op === op && (error === undefined || r.error === error)).length
const created = (prefix: string, n: number): number[] =>
  Array.from({ length: n }, (_, i) => fake.createdCount(tenantId(prefix, i)))

const fileOf = (r: ActionRun): FileRecord[] =>
  JSON.parse(readFileSync(r.outputs['invalidations-file'] ?? '', 'utf8')) as FileRecord[]

describe('tenants: all', () => {
  it('invalidates each of 1,000 tenants exactly once under a throttling rate limit, and waits for all', async () => {
    // Lower than the governor's slow start reaches, so it must find the limits by being throttled.
    fake.setRateLimit('CreateInvalidationForDistributionTenant', { rate: 80, burst: 10 })
    fake.setRateLimit('GetInvalidationForDistributionTenant', { rate: 80, burst: 10 })
    const r = await run(
      {
        'distribution-id': MULTI,
        tenants: 'all',
        paths: '/index.html\n/app.js',
        wait: 'true',
        timeout: '90s',
      },
      120_000,
    )
    expect(errors(r)).toEqual([])
    expect(r.code).toBe(0)
    expect(r.outputs.status).toBe('Completed')
    // Every tenant once, none twice, none left out; nothing sent to the distribution itself.
    expect(created('t', 1000).every((n) => n === 1)).toBe(true)
    expect(fake.createdCount(MULTI)).toBe(0)
    expect(count('CreateInvalidationForDistributionTenant', 'Throttling')).toBeGreaterThan(0)
    const throttled = fake.requests.filter((q) => q.error === 'Throttling').length
    expect(throttled / fake.requests.length).toBeLessThan(0.05)
    // Fan-out counts nothing in progress first (a request per tenant), and polls about once each.
    expect(count('ListInvalidationsForDistributionTenant')).toBe(0)
    expect(count('GetInvalidationForDistributionTenant')).toBeLessThanOrEqual(1500)
    expect(count('ListDistributionTenants')).toBe(10) // 100 a page
    // Every record in the file, with its distribution and tenant; the outputs agree.
    const file = fileOf(r)
    expect(file).toHaveLength(1000)
    expect(new Set(file.map((f) => f.tenantId)).size).toBe(1000)
    expect(
      file.every((f) => f.distributionId === MULTI && f.status === 'Completed' && f.pathCount === 2),
    ).toBe(true)
    expect(r.outputs['batch-count']).toBe('1000')
    expect((JSON.parse(r.outputs.invalidations ?? '') as unknown[]).length).toBe(1000)
    // The log and summary count tenants; they do not list a line each.
    expect(r.summary).toContain(`| <code>${MULTI}</code> | 1,000 | 2 | 2 | 1,000 | 1,000 Completed |`)
    expect(r.summary.match(/dt_t/g) ?? []).toHaveLength(0)
    expect(r.stdout).toContain('1,000 tenants of E1MULTITENANT1, each: 2 requested paths')
    expect(r.stdout).not.toMatch(/^dt_t00001: /m)
    expect(r.annotations.find((a) => a.level === 'notice')?.message).toMatch(
      /^Invalidated 2 paths on each of 1,000 tenants \(2,000 paths in all\): 1,000 invalidations Completed in /,
    )

    // A gate in a later step takes the file and waits for every one of them.
    fake.requests.length = 0
    const gate = await run({ 'wait-for': r.outputs['invalidations-file'] ?? '' }, 120_000)
    expect(errors(gate)).toEqual([])
    expect(gate.outputs.status).toBe('Completed')
    expect(new Set(fake.requests.map((q) => q.target)).size).toBe(1000)
    expect(fake.requests.every((q) => q.op === 'GetInvalidationForDistributionTenant')).toBe(true)
    // Its summary lists 200 rows at most, and counts the rest.
    expect(gate.summary).toContain('| … 800 more (counts below) | | | | |')
    expect(gate.summary).toContain('**Tenants:** 1,000 Completed')
  }, 240_000)

  it('prints progress with tenants submitted, Completed and failed, the request rate and the time to go', async () => {
    fake.setRateLimit('CreateInvalidationForDistributionTenant', { rate: 40, burst: 5 })
    fake.completionDelayMs = 2000
    // A slow page of tenants: listing them is reported too (100,000 tenants are 1,000 pages).
    fake.inject({ op: 'ListDistributionTenants', kind: 'hang', delayMs: 2500 })
    // A 20 s timeout reports every 2 s (ten times over the timeout).
    const r = await run({
      'distribution-id': MULTI,
      tenants: 'tenant-?\ntenant-1??',
      paths: '/x',
      wait: 'true',
      timeout: '20s',
    })
    fake.completionDelayMs = 300
    expect(errors(r)).toEqual([])
    const lines = r.stdout.split('\n').filter((l) => l.startsWith('Waiting '))
    expect(lines.length).toBeGreaterThan(0)
    expect(lines[0]).toMatch(
      /^Waiting [\d.]+ s, [\d.]+ s left before 'timeout': listing the tenants of E1MULTITENANT1: 0 tenants listed so far, [\d.]+ requests\/s$/,
    )
    expect(lines).toContainEqual(
      expect.stringMatching(
        /^Waiting [\d.]+ s, [\d.]+ s left before 'timeout': [\d,]+ of 110 tenants submitted, [\d,]+ Completed, [\d.]+ requests\/s; about .+ to go$/,
      ),
    )
  }, 60_000)

  it('says a dry run leaves the tenants unlisted, and makes no AWS call', async () => {
    const r = await run({ 'distribution-id': MULTI, tenants: 'all', paths: '/a\n/b', 'dry-run': 'true' })
    expect(r.code).toBe(0)
    expect(fake.requests).toEqual([])
    expect(r.outputs.status).toBe('Planned')
    expect(r.annotations).toContainEqual({
      level: 'notice',
      message: expect.stringMatching(
        /^Dry run: the tenants of E1MULTITENANT1 are not listed \(that takes ListDistributionTenants, an AWS call\), so tenants: all is not resolved/,
      ) as string,
    })
    expect(r.summary).toContain(`| <code>${MULTI}</code> | not listed (dry run) | 2 | 2 | 0 | Planned |`)
    expect(r.summary).toContain('for each selected tenant (a dry run does not list them)')
  })
})

describe('tenant patterns', () => {
  it('matches names, domains and ids, and warns about a pattern that matches nothing', async () => {
    const r = await run({
      'distribution-id': SHOPS,
      tenants: 'acme-*\n*.EU.shops.example.com\nnope-*',
      paths: '/index.html',
    })
    expect(errors(r)).toEqual([])
    // acme-0..3 by name, and the even ones by domain (s0, s2 … s10).
    const expected = new Set([0, 1, 2, 3, 4, 6, 8, 10])
    expect(created('shop', 12)).toEqual(Array.from({ length: 12 }, (_, i) => (expected.has(i) ? 1 : 0)))
    expect(warnings(r)).toContainEqual(`'tenants' pattern "nope-*" matches no tenant of ${SHOPS}`)
    expect(fileOf(r).map((f) => f.tenantId)).toEqual([...expected].map((i) => tenantId('shop', i)))
  })

  it('skips with a reason when no tenant matches', async () => {
    const r = await run({ 'distribution-id': SHOPS, tenants: 'nobody-*', paths: '/x' })
    expect(r.code).toBe(0)
    expect(r.outputs.status).toBe('Skipped')
    expect(r.annotations.find((a) => a.level === 'notice')?.message).toBe(
      'Nothing to invalidate: tenants: nobody-* selects no tenant.',
    )
    expect(fileOf(r)).toEqual([])
  })

  it('rejects a pattern with characters no tenant name or domain has, before any AWS call', async () => {
    const r = await run({ 'distribution-id': SHOPS, tenants: 'acme/*', paths: '/x' })
    expect(r.code).toBe(1)
    expect(errors(r)[0]).toMatch(/^Input 'tenants': "acme\/\*" is not a tenant pattern/)
    expect(fake.requests).toEqual([])
  })
})

describe('a gate on every tenant of a distribution', () => {
  it('waits for everything in progress on each tenant of DISTRIBUTION/dt_*, and passes when nothing is', async () => {
    // Long enough to be still in progress when the gate, a process of its own, lists them on a busy machine.
    fake.completionDelayMs = 4000
    const deploy = await run({ 'distribution-id': SHOPS, tenants: 'all', paths: '/x' })
    fake.completionDelayMs = 300
    expect(deploy.outputs.status).toBe('InProgress')
    fake.requests.length = 0
    const gate = await run({ 'wait-for': `${SHOPS}/dt_*` })
    expect(errors(gate)).toEqual([])
    expect(gate.outputs.status).toBe('Completed')
    const waited = JSON.parse(gate.outputs.invalidations ?? '') as {
      distributionId: string
      status: string
    }[]
    expect(waited.map((w) => w.distributionId).sort()).toEqual(
      Array.from({ length: 12 }, (_, i) => tenantId('shop', i)),
    )
    expect(waited.every((w) => w.status === 'Completed')).toBe(true)
    expect(count('ListDistributionTenants')).toBe(1)
    expect(count('ListInvalidationsForDistributionTenant')).toBe(12)
    expect(gate.stdout).toContain(`${SHOPS}: 12 invalidations in progress on its tenants to wait for`)

    const again = await run({ 'wait-for': `${SHOPS}/dt_*` })
    expect(again.outputs.status).toBe('Completed')
    expect(again.annotations.find((a) => a.level === 'notice')?.message).toBe(
      `Nothing in progress on the tenants of ${SHOPS}: every invalidation there is Completed.`,
    )
  })

  it('prints progress while it lists the tenants and reads what is in progress on each', async () => {
    // A slow page of tenants, then a slow tenant, each holding the gate 2.5 s (at 10,000 tenants the
    // reading takes minutes); a 10 s timeout reports every second.
    fake.inject({ op: 'ListDistributionTenants', kind: 'hang', delayMs: 2500 })
    fake.inject({
      op: 'ListInvalidationsForDistributionTenant',
      target: tenantId('shop', 11),
      kind: 'hang',
      delayMs: 2500,
    })
    const gate = await run({ 'wait-for': `${SHOPS}/dt_*`, timeout: '10s' })
    expect(errors(gate)).toEqual([])
    expect(gate.outputs.status).toBe('Completed')
    const lines = gate.stdout.split('\n').filter((l) => l.startsWith('Waiting '))
    expect(lines).toContainEqual(
      expect.stringMatching(
        /^Waiting [\d.]+ s, [\d.]+ s left before 'timeout': listing the tenants of E1MULTITENANT2: 0 tenants listed so far, [\d.]+ requests\/s$/,
      ),
    )
    expect(lines).toContainEqual(
      expect.stringMatching(
        /^Waiting [\d.]+ s, [\d.]+ s left before 'timeout': reading what is in progress on the tenants of E1MULTITENANT2: 11 of 12 tenants read, 0 invalidations in progress found, [\d.]+ requests\/s; about .+ to go$/,
      ),
    )
  })

  it('fails rather than pass when the tenants cannot be listed', async () => {
    fake.inject({ op: 'ListDistributionTenants', kind: 'AccessDenied' })
    const gate = await run({ 'wait-for': `${SHOPS}/dt_*` })
    expect(gate.code).toBe(1)
    expect(gate.outputs.status).toBe('Failed')
    expect(errors(gate)[0]).toMatch(
      /^E1MULTITENANT2: access denied to ListDistributionTenants: the role needs cloudfront:ListDistributionTenants on "\*"/,
    )
  })
})

describe('a tenant named by its domain', () => {
  it('resolves a domain no distribution has as an alias to its tenant (GetDistributionTenantByDomain)', async () => {
    const r = await run({ 'distribution-id': 's3.us.shops.example.com', paths: '/index.html', wait: 'true' })
    expect(errors(r)).toEqual([])
    expect(fake.createdCount(tenantId('shop', 3))).toBe(1)
    expect(count('ListDistributions')).toBe(1)
    expect(count('GetDistributionTenantByDomain')).toBe(1)
    expect(r.stdout).toContain(`s3.us.shops.example.com -> ${tenantId('shop', 3)} (a tenant of ${SHOPS})`)
    expect(r.summary).toContain('s3.us.shops.example.com → <code>dt&#95;shop00003</code>')
    expect(fileOf(r)).toMatchObject([{ distributionId: SHOPS, tenantId: tenantId('shop', 3) }])
  })

  it('says neither a distribution nor a tenant has the domain', async () => {
    const r = await run({ 'distribution-id': 'nobody.example.org', paths: '/x' })
    expect(r.code).toBe(1)
    expect(errors(r)[0]).toMatch(
      /^Input 'distribution-id': no distribution in this account has the alias nobody\.example\.org .*, and no distribution tenant has the domain nobody\.example\.org$/,
    )
  })
})

describe('failures', () => {
  it('reports a failing tenant and goes on with the healthy ones', async () => {
    fake.inject({
      op: 'CreateInvalidationForDistributionTenant',
      target: tenantId('shop', 5),
      kind: 'AccessDenied',
      times: Infinity,
    })
    fake.inject({
      op: 'CreateInvalidationForDistributionTenant',
      target: tenantId('shop', 7),
      kind: 'EntityNotFound',
      times: Infinity,
    })
    const r = await run({ 'distribution-id': SHOPS, tenants: 'all', paths: '/x', wait: 'true' })
    expect(r.code).toBe(1)
    expect(r.outputs.status).toBe('Failed')
    const made = created('shop', 12)
    expect(made.filter((_, i) => i !== 5 && i !== 7).every((n) => n === 1)).toBe(true)
    expect([made[5], made[7]]).toEqual([0, 0])
    expect(errors(r)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          /^dt_shop00005: access denied to CreateInvalidationForDistributionTenant: the role needs cloudfront:CreateInvalidationForDistributionTenant on arn:aws:cloudfront::ACCOUNT:distribution-tenant\/dt_shop00005/,
        ),
        expect.stringMatching(/^dt_shop00007: no such distribution tenant in this AWS account/),
      ]) as string[],
    )
    expect(r.stdout).toMatch(
      /^Error: 2 of 12 tenants failed \(dt_shop00005, dt_shop00007; each error is above\)/m,
    )
    expect(r.summary).toContain('10 Completed, 2 Failed')
    expect(r.summary).toMatch(/- dt&#95;shop00005: access denied/)
    expect(fileOf(r)).toHaveLength(10)
  })

  it('explains a multi-tenant distribution named without tenants', async () => {
    const r = await run({ 'distribution-id': MULTI, paths: '/x' })
    expect(r.code).toBe(1)
    expect(errors(r)).toEqual([
      `${MULTI} is a multi-tenant distribution: its tenants take the invalidations, not the distribution: add tenants: all (every tenant) or tenant patterns, or name tenants by their dt_ ids.`,
    ])
    expect(count('GetDistribution')).toBe(1)
  })

  it('says both possibilities when the connection mode cannot be read', async () => {
    fake.inject({ op: 'GetDistribution', kind: 'AccessDenied' })
    const r = await run({ 'distribution-id': MULTI, paths: '/x' })
    expect(errors(r)[0]).toMatch(
      /^E1MULTITENANT1: no such distribution .*\(If E1MULTITENANT1 is a multi-tenant distribution, CloudFront answers NoSuchDistribution too: .*add tenants: all/,
    )
  })

  it('keeps the plain message for a distribution that does not exist', async () => {
    const r = await run({ 'distribution-id': 'E1NOSUCHDIST01', paths: '/x' })
    expect(errors(r)[0]).toMatch(/^E1NOSUCHDIST01: no such distribution in this AWS account/)
    expect(errors(r)[0]).not.toContain('multi-tenant')
  })

  it('names the input when the tenants cannot be listed', async () => {
    fake.inject({ op: 'ListDistributionTenants', kind: 'AccessDenied' })
    const r = await run({ 'distribution-id': SHOPS, tenants: 'all', paths: '/x' })
    expect(r.code).toBe(1)
    expect(r.outputs.status).toBe('Failed')
    expect(errors(r)[0]).toMatch(
      /^Input 'tenants' \("all"\): E1MULTITENANT2: access denied to ListDistributionTenants: the role needs cloudfront:ListDistributionTenants on "\*"/,
    )
    expect(count('CreateInvalidationForDistributionTenant')).toBe(0)
  })

  it('warns about a distribution with no tenants', async () => {
    const r = await run({ 'distribution-id': `${DIRECT}\n${SHOPS}`, tenants: 'acme-0', paths: '/x' })
    expect(errors(r)).toEqual([])
    expect(warnings(r)).toContainEqual(
      `${DIRECT} has no distribution tenants: 'tenants' selects tenants of multi-tenant distributions (is ${DIRECT} one?)`,
    )
    expect(fake.createdCount(tenantId('shop', 0))).toBe(1)
  })
})

describe('at 10,000 tenants', () => {
  it('keeps outputs and the summary within GitHub limits, and the file holds every record', async () => {
    const many = Array.from({ length: 10_000 }, (_, i) => ({
      id: tenantId('big', i),
      distributionId: 'E1BIGMULTI0001',
      name: `big-${i}`,
    }))
    const big = await FakeCloudFront.start({
      distributions: [{ id: 'E1BIGMULTI0001', multiTenant: true }],
      tenants: many,
    })
    try {
      const r = await runAction({
        inputs: {
          'distribution-id': 'E1BIGMULTI0001',
          tenants: 'all',
          paths: '/index.html\n/a/*',
          'max-concurrency': '32',
        },
        env: { ...cloudFrontEnv(big), RUNNER_TEMP: runnerTemp },
        timeoutMs: 240_000,
      })
      expect(r.code).toBe(0)
      expect(r.outputs.status).toBe('InProgress')
      // Every output of the step together stays well under GitHub's 1 MB a job.
      const outputBytes = Object.values(r.outputs).reduce((n, v) => n + Buffer.byteLength(v), 0)
      expect(outputBytes).toBeLessThan(768 * 1024)
      const listed = JSON.parse(r.outputs.invalidations ?? '') as Record<string, unknown>[]
      expect(listed.length).toBeLessThan(10_000)
      expect(listed[listed.length - 1]).toEqual({
        omitted: 10_001 - listed.length,
        see: 'invalidations-file',
      })
      expect(warnings(r).some((w) => w.startsWith("The 'invalidations' output lists the first"))).toBe(true)
      // The summary counts; it never has a row per tenant.
      expect(Buffer.byteLength(r.summary)).toBeLessThan(8 * 1024)
      expect(r.summary).toContain(
        '| <code>E1BIGMULTI0001</code> | 10,000 | 2 | 2 | 10,000 | 10,000 InProgress |',
      )
      const file = JSON.parse(readFileSync(r.outputs['invalidations-file'] ?? '', 'utf8')) as FileRecord[]
      expect(file).toHaveLength(10_000)
      expect(new Set(file.map((f) => f.tenantId)).size).toBe(10_000)
      expect(many.every((t) => big.createdCount(t.id) === 1)).toBe(true)
    } finally {
      await big.stop()
    }
  }, 300_000)
})
