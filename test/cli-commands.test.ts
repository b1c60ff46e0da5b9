/**
 * Each CLI command against the fake CloudFront, in-process: list (paging through 260 invalidations, by
 * itself and with --max-items / --marker, --status, --paths), show, wait, distributions; targets given as
 * ids, aliases and tenants; a missing invalidation; AccessDenied; --json parsed as JSON every time;
 * hostile tags printed safe for a log.
 */
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest'
import { connect, type CloudFrontApi, type ConnectOptions } from '../src/cloudfront/api.js'
import { cloudFrontEnv, FakeCloudFront, type InvalidationRecord } from './support/fake-cloudfront.js'
import { cli, screen } from './support/cli.js'

const DIST = 'E2EXAMPLE0000'
const OTHER = 'E3OTHER000000'
const MULTI = 'E4MULTI000000'
const TENANT = 'dt_acme'
/** A multi-tenant distribution with more tenants than the human result lists a row each. */
const SHOPS = 'E5SHOPS000000'
const SHOP_TENANTS = 60
const HOUR = 60 * 60_000

let fake: FakeCloudFront
/** DIST's 260 seeded invalidations, newest first (as CloudFront lists them). */
let seeded: InvalidationRecord[]
let tenantSeed: InvalidationRecord

beforeAll(async () => {
  fake = await FakeCloudFront.start({
    distributions: [
      { id: DIST, aliases: ['www.example.com', 'example.com'] },
      { id: OTHER, aliases: ['*.example.org'] },
      { id: MULTI, multiTenant: true },
      { id: SHOPS, multiTenant: true },
    ],
    tenants: [
      { id: TENANT, distributionId: MULTI, domains: ['acme.example.net'] },
      ...Array.from({ length: SHOP_TENANTS }, (_, i) => ({
        id: `dt_shop${String(i).padStart(3, '0')}`,
        distributionId: SHOPS,
        domains: [`shop${i}.shops.example.net`],
      })),
    ],
  })
  seeded = []
  for (let i = 0; i < 260; i++) {
    // Every seventh is still in progress (for an hour), so --status has something to filter.
    const inProgress = i % 7 === 3
    seeded.push(
      fake.seedInvalidation(DIST, [`/page-${i}.html`, `/page-${i}/`], {
        createdMsAgo: (260 - i) * 1000,
        callerReference: `deploy-${i}`,
        ...(inProgress ? { completesInMs: HOUR } : { status: 'Completed' as const }),
      }),
    )
  }
  seeded.reverse()
  tenantSeed = fake.seedInvalidation(TENANT, ['/tenant.html'], { status: 'Completed' })
})

afterAll(async () => {
  await fake.stop()
})

beforeEach(() => {
  // The SDK reads its endpoint and credentials from process.env.
  for (const [name, value] of Object.entries(cloudFrontEnv(fake))) vi.stubEnv(name, value)
  fake.requests.length = 0
})

afterEach(() => {
  vi.unstubAllEnvs()
})

/** Parse stdout as one JSON document (failing the test when it is not exactly one). */
function json<T = Record<string, unknown>>(stdout: string): T {
  return JSON.parse(stdout) as T
}

type Listed = { distributionId: string; alias?: string; invalidations: { id: string; status: string }[] }

describe('list', () => {
  it('pages through all 260 invalidations, newest first, printing a row each', async () => {
    const r = await cli(['list', DIST])
    expect(r.code).toBe(0)
    const [header, ...rows] = r.stdout.trimEnd().split('\n')
    expect(header).toMatch(/^ID\s+STATUS\s+CREATED$/)
    expect(rows).toHaveLength(260)
    expect(rows.map((l) => l.split(/\s+/)[0])).toEqual(seeded.map((s) => s.id))
    expect(rows[0]).toMatch(/^I[A-Z0-9]+ {2}(Completed |InProgress) {2}\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/)
    expect(r.stderr).toBe('')
    // 100 + 100 + 60: CloudFront's own pages, nothing read twice.
    expect(fake.requests.filter((q) => q.op === 'ListInvalidations')).toHaveLength(3)
  })

  it('--json: one document, every invalidation, nextMarker null', async () => {
    const r = await cli(['list', DIST, '--json'])
    expect(r.code).toBe(0)
    const doc = json<Listed & { nextMarker: unknown }>(r.stdout)
    expect(doc.distributionId).toBe(DIST)
    expect(doc.invalidations.map((i) => i.id)).toEqual(seeded.map((s) => s.id))
    expect(doc.invalidations[0]).toEqual({
      id: seeded[0]?.id,
      status: seeded[0]?.status,
      createTime: seeded[0]?.createTime.toISOString(),
    })
    expect(doc.nextMarker).toBeNull()
  })

  it('--max-items and --marker walk the same list in pieces, each ending with the marker to go on', async () => {
    const ids: string[] = []
    let marker: string | null = null
    const sizes: number[] = []
    do {
      const r = await cli([
        'list',
        DIST,
        '--json',
        '--max-items',
        '120',
        ...(marker ? ['--marker', marker] : []),
      ])
      expect(r.code).toBe(0)
      const doc: Listed & { nextMarker: string | null } = json(r.stdout)
      sizes.push(doc.invalidations.length)
      ids.push(...doc.invalidations.map((i) => i.id))
      marker = doc.nextMarker
    } while (marker !== null)
    expect(sizes).toEqual([120, 120, 20])
    expect(ids).toEqual(seeded.map((s) => s.id))
    // Pages of 100, then just the 20 still wanted: never more read than printed (the last piece is short).
    const asked = fake.requests
      .filter((q) => q.op === 'ListInvalidations')
      .map((q) => new URL(q.url, 'http://x'))
    expect(asked.map((u) => u.searchParams.get('MaxItems'))).toEqual(['100', '20', '100', '20', '100'])
  })

  it('--max-items prints the command that continues (on stderr), and it continues', async () => {
    const r = await cli(['list', DIST, '--max-items', '3'])
    expect(r.stdout.trimEnd().split('\n')).toHaveLength(4)
    const next = /list E2EXAMPLE0000 --max-items 3 --marker (I[A-Z0-9]+)$/m.exec(r.stderr)
    expect(next?.[1]).toBe(seeded[2]?.id)
    const more = await cli(['list', DIST, '--max-items', '3', '--marker', next?.[1] ?? ''])
    expect(
      more.stdout
        .split('\n')
        .slice(1, 4)
        .map((l) => l.split(' ')[0]),
    ).toEqual(seeded.slice(3, 6).map((s) => s.id))
  })

  it('--status filters, and --max-items counts what is printed (the marker may fall inside a page)', async () => {
    const inProgress = seeded.filter((s) => s.status === 'InProgress')
    expect(inProgress.length).toBeGreaterThan(30)
    const first = json<Listed & { nextMarker: string }>(
      (await cli(['list', DIST, '--status', 'inprogress', '--max-items', '5', '--json'])).stdout,
    )
    expect(first.invalidations.map((i) => i.id)).toEqual(inProgress.slice(0, 5).map((s) => s.id))
    expect(first.nextMarker).toBe(inProgress[4]?.id)
    const rest = json<Listed & { nextMarker: null }>(
      (await cli(['list', DIST, '--status', 'InProgress', '--marker', first.nextMarker, '--json'])).stdout,
    )
    expect(rest.invalidations.map((i) => i.id)).toEqual(inProgress.slice(5).map((s) => s.id))
    expect(rest.invalidations.every((i) => i.status === 'InProgress')).toBe(true)
  })

  it('--paths: each row with its paths, fetched a few at a time', async () => {
    let inFlight = 0
    let most = 0
    const counting = async (o: ConnectOptions): Promise<CloudFrontApi> => {
      const api = await connect(o)
      return {
        ...api,
        getInvalidation: async (...a) => {
          most = Math.max(most, ++inFlight)
          try {
            return await api.getInvalidation(...a)
          } finally {
            inFlight--
          }
        },
      }
    }
    const r = await cli(['list', DIST, '--paths', '--max-items', '30', '--json'], { connect: counting })
    expect(r.code).toBe(0)
    const doc = json<{
      invalidations: { id: string; pathCount: number; paths: string[]; callerReference: string }[]
    }>(r.stdout)
    expect(doc.invalidations).toHaveLength(30)
    expect(doc.invalidations[0]).toMatchObject({
      pathCount: 2,
      paths: [...(seeded[0]?.paths ?? [])],
      callerReference: seeded[0]?.callerReference,
    })
    expect(most).toBeGreaterThan(1)
    expect(most).toBeLessThanOrEqual(6)

    const human = await cli(['list', DIST, '--paths', '--max-items', '2'])
    expect(human.stdout.split('\n').slice(0, 4)).toEqual([
      expect.stringMatching(/^ID\s+STATUS\s+CREATED\s+PATHS$/),
      expect.stringMatching(new RegExp(`^${seeded[0]?.id}\\s.*\\s2$`)),
      `  ${seeded[0]?.paths[0]}`,
      `  ${seeded[0]?.paths[1]}`,
    ])
  })

  it('resolves an alias with ListDistributions and says so in --json', async () => {
    const r = await cli(['list', 'WWW.example.com', '--max-items', '1', '--json'])
    expect(r.code).toBe(0)
    expect(json<Listed>(r.stdout)).toMatchObject({ distributionId: DIST, alias: 'www.example.com' })
    expect(fake.requests.map((q) => q.op)).toEqual(['ListDistributions', 'ListInvalidations'])
    // A wildcard alias matches one label.
    const wild = await cli(['list', 'a.example.org', '--json'])
    expect(json<Listed>(wild.stdout)).toMatchObject({ distributionId: OTHER, invalidations: [] })
    const none = await cli(['list', 'nowhere.example.net'])
    expect(none.code).toBe(1)
    expect(none.stderr).toMatch(/no distribution in this account has the alias nowhere\.example\.net/)
    expect(none.stdout).toBe('')
    // --json promises one document on stdout, failure or not: here, just why.
    const doc = await cli(['list', 'nowhere.example.net', '--json'])
    expect(doc.code).toBe(1)
    expect(json(doc.stdout)).toEqual({
      error: expect.stringMatching(
        /no distribution in this account has the alias nowhere\.example\.net/,
      ) as unknown,
    })
  })

  it("resolves a tenant's domain with GetDistributionTenantByDomain when no distribution has it as an alias", async () => {
    const r = await cli(['list', 'acme.example.net', '--json'])
    expect(r.code, r.stderr).toBe(0)
    expect(json<Listed>(r.stdout)).toMatchObject({ distributionId: TENANT })
    expect(fake.requests.map((q) => q.op)).toEqual([
      'ListDistributions',
      'GetDistributionTenantByDomain',
      'ListInvalidationsForDistributionTenant',
    ])
    const none = await cli(['list', 'nowhere.example.net'])
    expect(none.stderr).toMatch(/and no distribution tenant has the domain nowhere\.example\.net/)
  })

  it("lists a tenant's invalidations with the tenant calls", async () => {
    const r = await cli(['list', TENANT, '--json'])
    expect(json<Listed>(r.stdout).invalidations.map((i) => i.id)).toEqual([tenantSeed.id])
    expect(fake.requests.map((q) => q.op)).toEqual(['ListInvalidationsForDistributionTenant'])
  })

  it('an empty listing prints nothing on stdout and says so on stderr', async () => {
    const r = await cli(['list', OTHER])
    expect(r).toMatchObject({ code: 0, stdout: '' })
    expect(r.stderr).toBe(`${OTHER}: no invalidations\n`)
  })

  it('AccessDenied: exit 1 naming the permission; --json stays one valid document', async () => {
    fake.inject({ op: 'ListInvalidations', kind: 'AccessDenied' })
    const r = await cli(['list', DIST])
    expect(r.code).toBe(1)
    expect(r.stdout).toBe('')
    expect(r.stderr).toMatch(
      /^cloudfront-invalidate: E2EXAMPLE0000: access denied to ListInvalidations: the role needs cloudfront:ListInvalidations on arn:aws:cloudfront::ACCOUNT:distribution\/E2EXAMPLE0000/,
    )
    // Denied on the second page: the first is kept, and the document says why it stopped.
    const counted = { n: 0 }
    const partial = await cli(['list', DIST, '--json'], {
      connect: async (o) => {
        const api = await connect(o)
        return {
          ...api,
          listInvalidations: async (...a) => {
            if (counted.n++ === 1) fake.inject({ op: 'ListInvalidations', kind: 'AccessDenied' })
            return api.listInvalidations(...a)
          },
        }
      },
    })
    expect(partial.code).toBe(1)
    const doc = json<Listed & { error: string; nextMarker: string }>(partial.stdout)
    // The first page (100), the error, and where to resume: after the last invalidation printed.
    expect(doc.invalidations.map((i) => i.id)).toEqual(seeded.slice(0, 100).map((s) => s.id))
    expect(doc.error).toMatch(/access denied to ListInvalidations/)
    expect(doc.nextMarker).toBe(seeded[99]?.id)
  })

  it.each([
    [['list'], /expected one TARGET/],
    [['list', DIST, OTHER], /expected one TARGET/],
    [['list', 'nope!'], /TARGET "nope!" is not a distribution id/],
    [['list', DIST, '--status', 'Done'], /--status "Done": expected InProgress or Completed/],
    [['list', DIST, '--max-items', '0'], /--max-items "0": expected a whole number of at least 1/],
    [['list', DIST, '--timeout', 'soon'], /--timeout: "soon" is not a duration/],
    [['list', DIST, '--timeout', '597h'], /--timeout: "597h" is longer than a timer can hold: at most 596h/],
    [['list', DIST, '--region', 'moon'], /--region: "moon" is not an AWS region name/],
  ])('usage errors exit 2 before any call: %j', async (argv, message) => {
    const r = await cli(argv)
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(message)
    expect(r.stderr).toMatch(/\(see 'cloudfront-invalidate list --help'\)\n$/)
    expect(r.stderr.split('\n')).toHaveLength(2)
    expect(fake.requests).toHaveLength(0)
  })
})

describe('show', () => {
  it('TARGET/ID and TARGET ID: status, time, caller reference, paths', async () => {
    const s = seeded[5] as InvalidationRecord
    const r = await cli(['show', `${DIST}/${s.id}`])
    expect(r.code).toBe(0)
    expect(r.stdout.split('\n')).toEqual([
      `Invalidation      ${s.id}`,
      `Distribution      ${DIST}`,
      `Status            ${s.status}`,
      `Created           ${s.createTime.toISOString().replace(/\.\d+Z$/, 'Z')}`,
      `Caller reference  deploy-254`,
      `Paths             2`,
      `  /page-254.html`,
      `  /page-254/`,
      '',
    ])
    const two = await cli(['show', 'www.example.com', s.id, '--json'])
    expect(json(two.stdout)).toEqual({
      distributionId: DIST,
      alias: 'www.example.com',
      id: s.id,
      status: s.status,
      createTime: s.createTime.toISOString(),
      callerReference: 'deploy-254',
      pathCount: 2,
      paths: ['/page-254.html', '/page-254/'],
    })
  })

  it("shows a tenant's invalidation", async () => {
    const r = await cli(['show', `${TENANT}/${tenantSeed.id}`, '--json'])
    expect(json(r.stdout)).toMatchObject({ distributionId: TENANT, pathCount: 1, paths: ['/tenant.html'] })
    expect(fake.requests.map((q) => q.op)).toEqual(['GetInvalidationForDistributionTenant'])
  })

  it('a missing invalidation: exit 1, one line; --json still prints one document saying why', async () => {
    const r = await cli(['show', `${DIST}/I00000MISSING`, '--json'])
    expect(r.code).toBe(1)
    expect(r.stderr).toMatch(
      /^cloudfront-invalidate: E2EXAMPLE0000\/I00000MISSING: invalidation not found: .*\n$/,
    )
    expect(json(r.stdout)).toEqual({
      distributionId: DIST,
      id: 'I00000MISSING',
      error: expect.stringMatching(/^E2EXAMPLE0000\/I00000MISSING: invalidation not found/) as unknown,
    })
    expect((await cli(['show', `${DIST}/I00000MISSING`])).stdout).toBe('')
    const dist = await cli(['show', 'E9MISSING0000/I00000MISSING'])
    expect(dist.stderr).toMatch(/E9MISSING0000: no such distribution in this AWS account: check the id/)
  })

  it.each([
    [['show', DIST], /expected TARGET\/ID or TARGET ID: "E2EXAMPLE0000" names no invalidation/],
    [['show', `${DIST}/x`], /"x" is not an invalidation id \(e\.g\. I2J0I21PCUYOIK\)/],
    // Only `wait` takes DIST/* (everything in progress there).
    [['show', `${DIST}/*`], /"\*" is not an invalidation id \(e\.g\. I2J0I21PCUYOIK\)/],
    [['show', DIST, 'I1', 'I2'], /expected TARGET\/ID or TARGET ID/],
  ])('usage errors exit 2: %j', async (argv, message) => {
    const r = await cli(argv)
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(message)
  })
})

describe('distributions', () => {
  it('every distribution: id, domain, multi-tenant, status, aliases', async () => {
    const r = await cli(['distributions'])
    expect(r.code).toBe(0)
    expect(r.stdout.split('\n')).toEqual([
      expect.stringMatching(/^ID\s+DOMAIN\s+MULTI-TENANT\s+STATUS\s+ALIASES$/),
      expect.stringMatching(
        /^E2EXAMPLE0000\s+de2example0000\.cloudfront\.net\s+no\s+Deployed\s+www\.example\.com, example\.com$/,
      ),
      expect.stringMatching(
        /^E3OTHER000000\s+de3other000000\.cloudfront\.net\s+no\s+Deployed\s+\*\.example\.org$/,
      ),
      expect.stringMatching(/^E4MULTI000000\s+de4multi000000\.cloudfront\.net\s+yes\s+Deployed$/),
      expect.stringMatching(/^E5SHOPS000000\s+de5shops000000\.cloudfront\.net\s+yes\s+Deployed$/),
      '',
    ])
    const doc = json<{ distributions: Record<string, unknown>[] }>(
      (await cli(['distributions', '--json'])).stdout,
    )
    expect(doc.distributions[2]).toEqual({
      id: MULTI,
      domainName: 'de4multi000000.cloudfront.net',
      aliases: [],
      multiTenant: true,
      status: 'Deployed',
      enabled: true,
      comment: '',
    })
  })

  it('reads every page (250 distributions)', async () => {
    const many = await FakeCloudFront.start({
      distributions: Array.from({ length: 250 }, (_, i) => ({ id: `E${String(i).padStart(12, '0')}` })),
    })
    try {
      for (const [name, value] of Object.entries(cloudFrontEnv(many))) vi.stubEnv(name, value)
      const r = await cli(['distributions', '--json'])
      const ids = json<{ distributions: { id: string }[] }>(r.stdout).distributions.map((d) => d.id)
      expect(ids).toHaveLength(250)
      expect(new Set(ids).size).toBe(250)
      expect(many.requests.filter((q) => q.op === 'ListDistributions')).toHaveLength(3)
    } finally {
      await many.stop()
    }
  })

  it('AccessDenied names cloudfront:ListDistributions on "*"', async () => {
    fake.inject({ op: 'ListDistributions', kind: 'AccessDenied' })
    const r = await cli(['distributions', '--json'])
    expect(r.code).toBe(1)
    expect(json<{ distributions: unknown[]; error: string }>(r.stdout)).toEqual({
      distributions: [],
      error: expect.stringMatching(/needs cloudfront:ListDistributions on "\*"/) as unknown,
    })
  })
})

describe('wait', () => {
  it('waits for invalidations on a distribution and a tenant, with a progress line that never runs into the result', async () => {
    // Long enough to be in progress when first looked up, even with the SDK's first load in between.
    const a = fake.seedInvalidation(DIST, ['/a'], { completesInMs: 2500 })
    const b = fake.seedInvalidation(TENANT, ['/b'], { completesInMs: 1500 })
    const r = await cli(['wait', `www.example.com/${a.id}`, `${TENANT}/${b.id}`], { tty: true })
    expect(r.code).toBe(0)
    // Rewritten in place: carriage return, the line, erase to its end.
    expect(r.stderr).toContain(`\r${DIST}: 1 of 1 invalidation Completed\x1b[K`)
    const lines = screen(r.both)
    const result = lines.findIndex((l) => l.startsWith('Waited for 2 invalidations'))
    expect(result, lines.join('\n')).toBeGreaterThan(-1)
    expect(lines.slice(result)).toEqual([
      expect.stringMatching(/^Waited for 2 invalidations on 2 distributions and tenants: all Completed in /),
      expect.stringMatching(/^DISTRIBUTION\s+INVALIDATION\s+PATHS\s+STATUS$/),
      expect.stringMatching(new RegExp(`^${DIST}\\s+${a.id}\\s+1\\s+Completed$`)),
      expect.stringMatching(new RegExp(`^${TENANT}\\s+${b.id}\\s+1\\s+Completed$`)),
      'status: Completed',
      '',
    ])
    // Every screen line is whole: no progress text glued to another line.
    for (const l of lines) expect(l).not.toMatch(/Completed.+(Waited|DISTRIBUTION|status:)/)
  })

  it('--json: the outputs with numbers as numbers', async () => {
    const a = fake.seedInvalidation(DIST, ['/a', '/b'], { completesInMs: 300 })
    const r = await cli(['wait', `${DIST}/${a.id}`, '--json'])
    expect(r.code).toBe(0)
    expect(json(r.stdout)).toMatchObject({
      status: 'Completed',
      'invalidation-ids': [a.id],
      invalidations: [{ distributionId: DIST, id: a.id, status: 'Completed', pathCount: 2 }],
      'path-count': 0,
      'batch-count': 0,
    })
  })

  it('reads the --json of an earlier run from standard input (`wait -`)', async () => {
    const a = fake.seedInvalidation(DIST, ['/x'], { completesInMs: 300 })
    const earlier = JSON.stringify({
      status: 'InProgress',
      invalidations: [{ distributionId: DIST, id: a.id }],
    })
    const r = await cli(['wait', '-', '--json'], { stdin: earlier })
    expect(json(r.stdout)).toMatchObject({ status: 'Completed', 'invalidation-ids': [a.id] })
    const none = await cli(['wait', '-'], { stdin: '{"invalidations": []}' })
    expect(none.code).toBe(0)
    expect(none.stdout).toMatch(/^Nothing to wait for: standard input lists no invalidation/)
  })

  it("TARGET/* waits for everything in progress there, as the action's wait-for DIST/* does", async () => {
    const a = fake.seedInvalidation(TENANT, ['/c'], { completesInMs: 1000 })
    const r = await cli(['wait', `${TENANT}/*`, '--json'])
    expect(r.code, r.stderr).toBe(0)
    expect(r.stderr).toContain(`waiting for everything in progress on ${TENANT}`)
    expect(json(r.stdout)).toMatchObject({ status: 'Completed', 'invalidation-ids': [a.id] })
    // With nothing in progress any more: Completed at once.
    const none = await cli(['wait', `${TENANT}/*`])
    expect(none.code).toBe(0)
    expect(none.stdout).toMatch(/^Nothing in progress on dt_acme: every invalidation there is Completed\./)
    const bad = await cli(['wait', `${TENANT}/x`])
    expect(bad.code).toBe(2)
    expect(bad.stderr).toMatch(
      /"x" is not an invalidation id \(e\.g\. I2J0I21PCUYOIK, or '\*' for everything/,
    )
  })

  it('DIST/dt_* waits for everything in progress on every tenant of DIST, as wait-for does', async () => {
    const a = fake.seedInvalidation(TENANT, ['/d'], { completesInMs: 1000 })
    const r = await cli(['wait', `${MULTI}/dt_*`, '--json'])
    expect(r.code, r.stderr).toBe(0)
    expect(r.stderr).toContain(`waiting for everything in progress on the tenants of ${MULTI}`)
    expect(json(r.stdout)).toMatchObject({ status: 'Completed', 'invalidation-ids': [a.id] })
    const none = await cli(['wait', `${MULTI}/dt_*`])
    expect(none.stdout).toMatch(/^Nothing in progress on the tenants of E4MULTI000000: every invalidation/)
    // Only after a distribution id: a tenant has no tenants.
    const bad = await cli(['wait', `${TENANT}/dt_*`])
    expect(bad.code).toBe(2)
    expect(bad.stderr).toMatch(
      /"dt_\*" is not an invalidation id \(or '\*' for .*dt_\* after a distribution id/,
    )
  })

  it('fails at once on a missing invalidation, and at --timeout naming the flag', async () => {
    const missing = await cli(['wait', `${DIST}/I00000MISSING`])
    expect(missing.code).toBe(1)
    expect(missing.stderr).toMatch(/E2EXAMPLE0000\/I00000MISSING: invalidation not found/)
    const slow = fake.seedInvalidation(DIST, ['/slow'], { completesInMs: HOUR })
    const late = await cli(['wait', `${DIST}/${slow.id}`, '--timeout', '1s'])
    expect(late.code).toBe(1)
    expect(late.stdout).toMatch(/status: TimedOut/)
    expect(late.stderr).toMatch(
      /timeout 1\.0 s reached: 1 invalidation waited for, 1 not Completed yet .*their ids are in the table above\. Raise --timeout, or use --on-timeout warn to end with a warning\.\n$/,
    )
  })
})

describe('invalidate against the fake', () => {
  it('takes --wait -v as two flags, --profile, and prints numbers as numbers in --json', async () => {
    const seen: ConnectOptions[] = []
    const r = await cli(
      [
        '--distribution-id',
        DIST,
        '--paths',
        '/one',
        '--paths',
        '/two',
        '--wait',
        '-v',
        '--json',
        '--profile',
        'dev',
      ],
      // The fake's environment has no profile 'dev': connect as the SDK would, without it.
      { connect: (o) => (seen.push(o), connect({ region: o.region, userAgent: o.userAgent })) },
    )
    expect(r.code, r.stderr).toBe(0)
    expect(seen[0]).toMatchObject({ profile: 'dev', region: 'us-east-1' })
    expect(r.stderr).toMatch(/^debug: inputs: .*"wait":true/m)
    const doc = json(r.stdout)
    expect(doc).toMatchObject({
      status: 'Completed',
      paths: ['/one', '/two'],
      'path-count': 2,
      'requested-path-count': 2,
      'batch-count': 1,
    })
    expect(typeof doc['invalidation-id']).toBe('string')
  })

  it("--json: 'invalidation-list' is a string, DIST/ID lines or `[]`, that `wait -` takes as it is", async () => {
    const planned = await cli(['--dry-run', '--distribution-id', DIST, '--paths', '/x', '--json'])
    expect(json(planned.stdout)['invalidation-list']).toBe('[]')
    const made = json(
      (await cli(['--distribution-id', DIST, '--distribution-id', TENANT, '--paths', '/x', '--json'])).stdout,
    )
    const rows = made.invalidations as { distributionId: string; id: string }[]
    const ids = rows.map((i) => i.id)
    expect(rows.map((i) => i.distributionId).sort()).toEqual([DIST, TENANT])
    expect(made['invalidation-list']).toBe(rows.map((i) => `${i.distributionId}/${i.id}`).join('\n'))
    const waited = await cli(['wait', '-', '--json'], { stdin: made['invalidation-list'] as string })
    expect(json(waited.stdout)).toMatchObject({ status: 'Completed', 'invalidation-ids': ids })
    const nothing = await cli(['wait', '-'], { stdin: '[]' })
    expect(nothing.stdout).toMatch(/^Nothing to wait for/)
  })

  it('--tenants all: the table lists 50 invalidations and counts the rest; --json has every one and no file', async () => {
    const temp = mkdtempSync(join(tmpdir(), 'cfi-cli-temp-'))
    const args = ['--distribution-id', SHOPS, '--tenants', 'all', '--paths', '/x']
    const r = await cli(args, { env: { RUNNER_TEMP: temp } })
    expect(r.code, r.stderr).toBe(0)
    const rows = r.stdout.split('\n').filter((l) => /^dt_shop\d+\s/.test(l))
    expect(rows).toHaveLength(50)
    expect(r.stdout).toMatch(
      /\n… and 10 more invalidations on 10 more distributions or tenants \(10 (InProgress|Completed)\); --json lists every one\n/,
    )
    const doc = json((await cli([...args, '--json'], { env: { RUNNER_TEMP: temp } })).stdout)
    expect((doc.invalidations as unknown[]).length).toBe(SHOP_TENANTS)
    // The CLI prints every record itself: it writes no invalidations-file, even where RUNNER_TEMP is set.
    expect(doc).not.toHaveProperty('invalidations-file')
    expect(readdirSync(temp)).toEqual([])
    rmSync(temp, { recursive: true })
  })

  it('speaks in flags when it stops: --timeout and --no-wait, never workflow inputs', async () => {
    fake.completionDelayMs = HOUR
    try {
      // 3 s: the run first counts what is in progress (the seeded invalidations), paced like every call.
      const r = await cli(['--distribution-id', DIST, '--paths', '/late', '--wait', '--timeout', '3s'])
      expect(r.code).toBe(1)
      expect(r.stderr).toMatch(/Raise --timeout, or use --on-timeout warn to end with a warning\.\n$/)
      expect(r.stderr).not.toMatch(/wait: |'timeout'|'on-timeout'|Input '/)
      // Not waiting is what the user asked for: one result line, no advice to wait.
      const early = await cli(['--distribution-id', DIST, '--paths', '/x'])
      expect(early.stdout).toMatch(/^Submitted 1 path on 1 distribution: 1 invalidation in progress in /)
      expect(early.stdout).not.toMatch(/not waiting/)
    } finally {
      fake.completionDelayMs = 200
    }
  })
})

describe('words of a terminal', () => {
  it('a run with nothing to do names the flag that matched nothing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cfi-cli-'))
    writeFileSync(join(dir, 'a.html'), '')
    const r = await cli(['--distribution-id', DIST, '--root', dir, '--files', '*.css'])
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/^Nothing to invalidate: no file under ".*" matches --files\.$/m)
    // A dry run says the same, not "0 paths on 0 distributions".
    const dry = await cli(['--dry-run', '--distribution-id', DIST, '--root', dir, '--files', '*.css'])
    expect(dry.code).toBe(0)
    expect(dry.stdout).toMatch(/^Dry run: nothing to invalidate: no file under ".*" matches --files\.$/m)
  })
})

describe('Ctrl-C and --timeout: a command stops, says what it did, and leaves the screen clean', () => {
  it('Ctrl-C while waiting: the invalidation made is printed, exit 130, no progress line left', async () => {
    fake.completionDelayMs = HOUR
    try {
      // Pressed once the progress line is on screen (rewritten in place: carriage return, text).
      const r = await cli(['--distribution-id', DIST, '--paths', '/ctrl-c', '--wait'], {
        tty: true,
        cancel: { when: /\r\S+: 0 of 1 invalidation Completed/ },
      })
      expect(r.code, r.both).toBe(130)
      const id = fake.invalidations(DIST).find((i) => i.paths[0] === '/ctrl-c')?.id ?? 'none'
      const shown = screen(r.stdout)
      // The invalidation goes on at CloudFront: its own status is InProgress; the run's is Cancelled.
      expect(shown).toContainEqual(expect.stringMatching(new RegExp(`^${DIST}\\s+${id}\\s+1\\s+InProgress$`)))
      expect(shown).toContainEqual(expect.stringMatching(/^status: Cancelled /))
      expect(r.stderr).toMatch(
        new RegExp(
          `Cancelled: 1 invalidation created; not Completed yet: ${DIST}/${id}; the ids are in the table above\\.\\n$`,
        ),
      )
      const lines = screen(r.both)
      for (const l of lines) expect(l).not.toMatch(/\d+ of 1 invalidation Completed/)
    } finally {
      fake.completionDelayMs = 200
    }
  })

  it('SIGTERM in `wait --json`: one document with status Cancelled, exit 143', async () => {
    const slow = fake.seedInvalidation(DIST, ['/term'], { completesInMs: HOUR })
    // Sent once the gate reports progress (every second with a 10 s timeout): it has read the invalidation.
    const r = await cli(['wait', `${DIST}/${slow.id}`, '--json', '--timeout', '10s'], {
      cancel: { when: /^Waiting /m, signal: 'SIGTERM' },
    })
    expect(r.code, r.stderr).toBe(143)
    expect(json(r.stdout)).toMatchObject({ status: 'Cancelled', 'invalidation-ids': [slow.id] })
  })

  it('--timeout in a read-only command names the flag, not the request it cut short', async () => {
    fake.inject({ op: 'GetInvalidation', kind: 'hang' })
    const r = await cli(['show', `${DIST}/${seeded[0]?.id ?? ''}`, '--timeout', '1s'])
    expect(r.code).toBe(1)
    expect(r.stderr).toBe('cloudfront-invalidate: timeout 1.0 s reached; raise --timeout\n')
    // In --json too: the document says why it stopped.
    fake.inject({ op: 'ListInvalidations', kind: 'hang' })
    const listed = await cli(['list', DIST, '--json', '--timeout', '1s'])
    expect(listed.code).toBe(1)
    expect(json(listed.stdout)).toMatchObject({ error: 'timeout 1.0 s reached; raise --timeout' })
  })
})

describe('everything printed is safe for a log (a workflow reads the CLI too)', () => {
  /** A tag as CloudFront takes it (visible ASCII), holding the runner's `##[` command form. */
  const TAG = '#x##[add-mask]y'
  let hostile: InvalidationRecord
  beforeAll(() => {
    hostile = fake.seedInvalidation(OTHER, ['/ok', TAG], {
      status: 'Completed',
      callerReference: 'ref##[group]x',
    })
  })

  /** No line the runner would act on: no `##[` anywhere, no `::` at a line start. */
  const inert = (text: string): void => {
    expect(text).not.toContain('##[')
    expect(text).not.toMatch(/^\s*::/m)
  }

  it('show and list --paths print it escaped; --json keeps its meaning', async () => {
    const shown = await cli(['show', `${OTHER}/${hostile.id}`])
    expect(shown.code).toBe(0)
    expect(shown.stdout).toContain('\n  #x##%5Badd-mask]y\n')
    expect(shown.stdout).toContain('ref##%5Bgroup]x')
    const listed = await cli(['list', OTHER, '--paths'])
    expect(listed.stdout).toContain('\n  #x##%5Badd-mask]y\n')
    const doc = await cli(['show', `${OTHER}/${hostile.id}`, '--json'])
    expect(json(doc.stdout)).toMatchObject({ paths: ['/ok', TAG], callerReference: 'ref##[group]x' })
    const streamed = await cli(['list', OTHER, '--paths', '--json'])
    expect(
      json<Listed & { invalidations: { paths: string[] }[] }>(streamed.stdout).invalidations[0]?.paths,
    ).toEqual(['/ok', TAG])
    for (const r of [shown, listed, doc, streamed]) {
      inert(r.stdout)
      inert(r.stderr)
    }
  })

  it('a bad flag value is quoted and escaped in the error line', async () => {
    const r = await cli(['--dry-run', '--distribution-id', DIST, '--paths', '#a##[add-mask]b c'])
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(
      /^cloudfront-invalidate: --paths: cache tag "#a##%5Badd-mask\]b c" contains a space/,
    )
    const tag = await cli(['--dry-run', '--distribution-id', DIST, '--paths', '#ok\r::error::x'])
    expect(tag.code).toBe(2)
    expect(tag.stderr).toContain('cache tag "#ok\\r::error::x" contains a control character')
    for (const e of [r, tag]) inert(e.stderr)
  })
})
