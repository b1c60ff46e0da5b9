/**
 * The fake CloudFront server, driven by the real AWS SDK. Every other integration and end-to-end test
 * trusts this server, so here each operation, error and fault is checked through the SDK itself: if the
 * SDK cannot deserialize an answer, or classifies an error differently, these tests say so first.
 */
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import {
  CloudFrontClient,
  CreateInvalidationCommand,
  CreateInvalidationForDistributionTenantCommand,
  GetDistributionCommand,
  GetDistributionConfigCommand,
  GetDistributionTenantByDomainCommand,
  GetDistributionTenantCommand,
  GetInvalidationCommand,
  GetInvalidationForDistributionTenantCommand,
  ListConnectionGroupsCommand,
  ListDistributionsCommand,
  ListDistributionTenantsCommand,
  ListInvalidationsCommand,
  ListInvalidationsForDistributionTenantCommand,
  paginateListDistributions,
  paginateListDistributionTenants,
  paginateListInvalidations,
} from '@aws-sdk/client-cloudfront'
import { afterEach, describe, expect, it } from 'vitest'
import {
  cloudFrontEnv,
  FakeCloudFront,
  type FakeCloudFrontOptions,
  type FaultKind,
} from './support/fake-cloudfront.js'
import { el, escapeXml, parseXml, XmlParseError, xmlDocument } from './support/xml.js'

const DIST = 'E1FAKEDIST0001'
const TENANT = 'dt_2abcTenant01'

/** A manual clock: completion is computed from it, so tests move time instead of sleeping. */
function manualClock(start = Date.UTC(2026, 0, 1)): { now: () => number; advance: (ms: number) => void } {
  let t = start
  return { now: () => t, advance: (ms) => void (t += ms) }
}

let fakes: FakeCloudFront[] = []
let clients: CloudFrontClient[] = []
afterEach(async () => {
  for (const c of clients) c.destroy()
  await Promise.all(fakes.map((f) => f.stop()))
  fakes = []
  clients = []
})

async function startFake(options: FakeCloudFrontOptions = {}): Promise<FakeCloudFront> {
  const fake = await FakeCloudFront.start({ distributions: [DIST], ...options })
  fakes.push(fake)
  return fake
}

function clientFor(
  fake: FakeCloudFront,
  maxAttempts = 1,
  extra: { requestTimeout?: number } = {},
): CloudFrontClient {
  const client = new CloudFrontClient({
    endpoint: fake.url,
    region: 'us-east-1',
    credentials: { accessKeyId: 'AKIDFAKE', secretAccessKey: 'secret' },
    maxAttempts,
    customUserAgent: 'fake-cloudfront-test/1',
    ...(extra.requestTimeout === undefined
      ? {}
      : { requestHandler: { requestTimeout: extra.requestTimeout, throwOnRequestTimeout: true } }),
  })
  clients.push(client)
  return client
}

function create(
  client: CloudFrontClient,
  paths: string[],
  callerReference = `ref-${Math.random()}`,
  id = DIST,
) {
  return client.send(
    new CreateInvalidationCommand({
      DistributionId: id,
      InvalidationBatch: {
        CallerReference: callerReference,
        Paths: { Quantity: paths.length, Items: paths },
      },
    }),
  )
}

/** The SDK exception a promise rejects with, reduced to what callers branch on. */
async function failure(
  p: Promise<unknown>,
): Promise<{ name: string; status: number | undefined; message: string }> {
  try {
    await p
  } catch (e) {
    const err = e as Error & { $metadata?: { httpStatusCode?: number } }
    return { name: err.name, status: err.$metadata?.httpStatusCode, message: err.message }
  }
  throw new Error('expected the call to fail')
}

describe('CreateInvalidation / GetInvalidation', () => {
  it('creates an invalidation the SDK reads back, with paths round-tripped byte for byte', async () => {
    const clock = manualClock()
    const fake = await startFake({ now: clock.now, completionDelayMs: 1000 })
    const client = clientFor(fake)
    // Escapes, percent-encoding, non-ASCII, an astral character, quotes and a wildcard.
    const paths = [
      '/a&b.html',
      '/x<y>.css',
      '/q?x=1&y=2',
      '/%E4%B8%AD.txt',
      '/ünïcödé/😀.png',
      `/it's "quoted"`,
      '/img/*',
    ]
    const out = await create(client, paths, 'ref-1')

    expect(out.$metadata.httpStatusCode).toBe(201)
    const inv = out.Invalidation
    expect(inv?.Id).toMatch(/^I[A-Z0-9]{13}$/)
    expect(out.Location).toBe(`${fake.url}/2020-05-31/distribution/${DIST}/invalidation/${inv?.Id}`)
    expect(inv?.Status).toBe('InProgress')
    expect(inv?.CreateTime).toEqual(new Date(clock.now()))
    expect(inv?.InvalidationBatch).toEqual({
      CallerReference: 'ref-1',
      Paths: { Quantity: paths.length, Items: paths },
    })
    expect(fake.invalidations(DIST)[0]?.paths).toEqual(paths)

    const got = await client.send(new GetInvalidationCommand({ DistributionId: DIST, Id: inv?.Id }))
    expect(got.Invalidation?.Status).toBe('InProgress')
    expect(got.Invalidation?.InvalidationBatch?.Paths?.Items).toEqual(paths)
    clock.advance(1000)
    const later = await client.send(new GetInvalidationCommand({ DistributionId: DIST, Id: inv?.Id }))
    expect(later.Invalidation?.Status).toBe('Completed')
  })

  it('returns the existing invalidation for a repeated CallerReference and batch', async () => {
    const fake = await startFake()
    const client = clientFor(fake)
    const first = await create(client, ['/a', '/b'], 'same')
    const again = await create(client, ['/a', '/b'], 'same')
    expect(again.Invalidation?.Id).toBe(first.Invalidation?.Id)
    expect(fake.createdCount(DIST)).toBe(1)
    expect(fake.requests.map((r) => r.replayed ?? false)).toEqual([false, true])
  })

  it.each([
    ['InvalidationBatchAlreadyExists', 409, undefined],
    ['InvalidArgument', 400, 'InvalidArgument'],
  ] as const)('answers %s (%i) to a reused CallerReference with other paths', async (name, status, mode) => {
    const fake = await startFake(mode === undefined ? {} : { callerReferenceConflict: mode })
    const client = clientFor(fake)
    await create(client, ['/a'], 'same')
    expect(await failure(create(client, ['/b'], 'same'))).toMatchObject({ name, status })
    expect(await failure(create(client, ['/b', '/a'], 'same'))).toMatchObject({ name, status })
    expect(fake.createdCount(DIST)).toBe(1)
  })

  it.each([
    ['Quantity differs from the items', ['/a', '/b'], 3, 'InconsistentQuantities', 400],
    ['an empty batch', [], 0, 'InvalidArgument', 400],
    ["a '*' that is not last", ['/a*/b'], 1, 'InvalidArgument', 400],
    ['a path without a leading /', ['index.html'], 1, 'InvalidArgument', 400],
    ['a path over 4000 characters', [`/${'a'.repeat(4000)}`], 1, 'InvalidArgument', 400],
    ['an empty tag', ['#'], 1, 'InvalidArgument', 400],
  ])('rejects %s', async (_, items, quantity, name, status) => {
    const fake = await startFake({ distributions: [{ id: DIST, cacheTags: true }] })
    const client = clientFor(fake)
    const p = client.send(
      new CreateInvalidationCommand({
        DistributionId: DIST,
        InvalidationBatch: { CallerReference: 'r', Paths: { Quantity: quantity, Items: items } },
      }),
    )
    expect(await failure(p)).toMatchObject({ name, status })
    expect(fake.createdCount(DIST)).toBe(0)
  })

  it('answers NoSuchInvalidation and NoSuchDistribution as the SDK models them', async () => {
    const fake = await startFake()
    const client = clientFor(fake)
    const noInv = client.send(new GetInvalidationCommand({ DistributionId: DIST, Id: 'INOPE' }))
    expect(await failure(noInv)).toMatchObject({ name: 'NoSuchInvalidation', status: 404 })
    expect(await failure(create(client, ['/a'], 'r', 'EUNKNOWN'))).toMatchObject({
      name: 'NoSuchDistribution',
      status: 404,
    })
    const noDist = client.send(new GetDistributionConfigCommand({ Id: 'EUNKNOWN' }))
    expect(await failure(noDist)).toMatchObject({ name: 'NoSuchDistribution', status: 404 })
  })

  it('completes after the configured delay (a number or a function of the batch)', async () => {
    const clock = manualClock()
    const fake = await startFake({
      now: clock.now,
      completionDelayMs: ({ paths }) => (paths.some((p) => p.endsWith('*')) ? 500 : 100),
    })
    const client = clientFor(fake)
    await create(client, ['/a'])
    await create(client, ['/b/*'])
    clock.advance(100)
    expect(fake.invalidations(DIST).map((i) => i.status)).toEqual(['Completed', 'InProgress'])
    clock.advance(400)
    expect(fake.invalidations(DIST).map((i) => i.status)).toEqual(['Completed', 'Completed'])
  })

  it('defaults to a short completion delay on the real clock', async () => {
    const fake = await startFake()
    const out = await create(clientFor(fake), ['/a'])
    expect(out.Invalidation?.Status).toBe('InProgress')
    const [inv] = fake.invalidations(DIST)
    expect((inv?.completeTime.getTime() ?? 0) - (inv?.createTime.getTime() ?? 0)).toBe(200)
  })
})

describe('quotas', () => {
  it('refuses file paths beyond the in-progress quota until some complete, counting tags as files', async () => {
    const clock = manualClock()
    const fake = await startFake({
      now: clock.now,
      fileQuota: 5,
      completionDelayMs: 1000,
      distributions: [{ id: DIST, cacheTags: true }],
    })
    const client = clientFor(fake)
    await create(client, ['/1', '/2', '#t3'])
    clock.advance(500)
    await create(client, ['/4', '/w/*']) // the wildcard does not count against the file quota
    expect(await failure(create(client, ['/5', '#t6']))).toMatchObject({
      name: 'TooManyInvalidationsInProgress',
      status: 400,
    })
    expect(fake.inFlight(DIST)).toEqual({ files: 4, wildcards: 1 })
    clock.advance(500) // the first completes exactly now, which frees its quota now
    await create(client, ['/5', '#t6'])
    expect(fake.maxInFlight(DIST)).toEqual({ files: 4, wildcards: 1 })
    expect(fake.createdCount(DIST)).toBe(3)
  })

  it('keeps the wildcard quota separate, per distribution, and overridable', async () => {
    const fake = await startFake({
      wildcardQuota: 2,
      completionDelayMs: 60_000,
      distributions: [DIST, { id: 'E2OTHER', wildcardQuota: 3 }],
    })
    const client = clientFor(fake)
    await create(client, ['/a/*', '/b/*'])
    expect(await failure(create(client, ['/c/*']))).toMatchObject({ name: 'TooManyInvalidationsInProgress' })
    await create(client, ['/plain.html']) // files still fit
    await create(client, ['/a/*', '/b/*', '/c/*'], 'r2', 'E2OTHER')
    expect(fake.maxInFlight(DIST)).toEqual({ files: 1, wildcards: 2 })
    expect(fake.maxInFlight('E2OTHER')).toEqual({ files: 0, wildcards: 3 })
  })

  it('refuses a batch that could never fit as BatchTooLarge (413)', async () => {
    const fake = await startFake({ fileQuota: 3 })
    const p = create(clientFor(fake), ['/1', '/2', '/3', '/4'])
    expect(await failure(p)).toMatchObject({ name: 'BatchTooLarge', status: 413 })
  })

  it('counts seeded invalidations in progress, and not completed ones', async () => {
    const clock = manualClock()
    const fake = await startFake({ now: clock.now, wildcardQuota: 2 })
    const seeded = fake.seedInvalidation(DIST, ['/old/*', '/older/*'], {
      createdMsAgo: 5000,
      completesInMs: 300,
    })
    fake.seedInvalidation(DIST, ['/done/*'], { status: 'Completed', createdMsAgo: 60_000 })
    expect(seeded).toMatchObject({ status: 'InProgress', seeded: true })
    const client = clientFor(fake)
    expect(await failure(create(client, ['/new/*']))).toMatchObject({
      name: 'TooManyInvalidationsInProgress',
    })
    clock.advance(300)
    await create(client, ['/new/*'])
    expect(fake.createdCount(DIST)).toBe(1)
    expect(fake.invalidations(DIST).map((i) => i.seeded)).toEqual([true, true, false])
    expect(fake.maxInFlight(DIST)).toEqual({ files: 0, wildcards: 2 })
    const got = await client.send(new GetInvalidationCommand({ DistributionId: DIST, Id: seeded.id }))
    expect(got.Invalidation?.Status).toBe('Completed')
  })
})

describe('listing and describing', () => {
  it('lists invalidations newest first, page by page', async () => {
    const clock = manualClock()
    const fake = await startFake({ now: clock.now, completionDelayMs: 1500 })
    const client = clientFor(fake)
    const ids: string[] = []
    for (let i = 0; i < 5; i++) {
      ids.push((await create(client, [`/${i}`])).Invalidation?.Id ?? '')
      clock.advance(1000)
    }
    const first = await client.send(new ListInvalidationsCommand({ DistributionId: DIST, MaxItems: 2 }))
    expect(first.InvalidationList).toMatchObject({
      IsTruncated: true,
      Quantity: 2,
      MaxItems: 2,
      NextMarker: ids[3],
    })
    expect(first.InvalidationList?.Items?.[0]).toEqual({
      Id: ids[4],
      CreateTime: new Date(clock.now() - 1000),
      Status: 'InProgress',
    })

    const seen: string[] = []
    const statuses: string[] = []
    for await (const page of paginateListInvalidations({ client, pageSize: 2 }, { DistributionId: DIST })) {
      for (const s of page.InvalidationList?.Items ?? []) {
        seen.push(s.Id ?? '')
        statuses.push(s.Status ?? '')
      }
    }
    expect(seen).toEqual([...ids].reverse())
    expect(statuses).toEqual(['InProgress', 'Completed', 'Completed', 'Completed', 'Completed'])

    const last = await client.send(new ListInvalidationsCommand({ DistributionId: DIST, Marker: ids[1] }))
    expect(last.InvalidationList).toMatchObject({ IsTruncated: false, Quantity: 1, Marker: ids[1] })
    expect(last.InvalidationList?.NextMarker).toBeUndefined()
  })

  it('lists an empty distribution and rejects a bad MaxItems', async () => {
    const fake = await startFake()
    const client = clientFor(fake)
    const empty = await client.send(new ListInvalidationsCommand({ DistributionId: DIST }))
    expect(empty.InvalidationList).toMatchObject({ IsTruncated: false, Quantity: 0 })
    expect(empty.InvalidationList?.Items ?? []).toEqual([])
    const bad = client.send(new ListInvalidationsCommand({ DistributionId: DIST, MaxItems: 0 }))
    expect(await failure(bad)).toMatchObject({ name: 'InvalidArgument', status: 400 })
  })

  it('lists distributions page by page with the summary fields the SDK expects', async () => {
    const fake = await startFake({
      distributions: [
        { id: 'E1', aliases: ['www.example.com', 'example.com'] },
        { id: 'E2', enabled: false },
        { id: 'E3', domainName: 'd333.cloudfront.net' },
      ],
    })
    const client = clientFor(fake)
    const first = await client.send(new ListDistributionsCommand({ MaxItems: 2 }))
    expect(first.DistributionList).toMatchObject({ IsTruncated: true, NextMarker: 'E2', Quantity: 2 })
    const summary = first.DistributionList?.Items?.[0]
    expect(summary).toMatchObject({
      Id: 'E1',
      ARN: 'arn:aws:cloudfront::123456789012:distribution/E1',
      DomainName: 'de1.cloudfront.net',
      Status: 'Deployed',
      Enabled: true,
      Aliases: { Quantity: 2, Items: ['www.example.com', 'example.com'] },
      Origins: {
        Quantity: 1,
        Items: [{ Id: 'origin-1', DomainName: 'example-bucket.s3.us-east-1.amazonaws.com' }],
      },
      DefaultCacheBehavior: { TargetOriginId: 'origin-1' },
      Staging: false,
    })
    expect(summary?.LastModifiedTime).toBeInstanceOf(Date)

    const all: Array<{ id: string | undefined; enabled: boolean | undefined }> = []
    for await (const page of paginateListDistributions({ client, pageSize: 2 }, {})) {
      for (const d of page.DistributionList?.Items ?? []) all.push({ id: d.Id, enabled: d.Enabled })
    }
    expect(all).toEqual([
      { id: 'E1', enabled: true },
      { id: 'E2', enabled: false },
      { id: 'E3', enabled: true },
    ])
  })

  it('describes a distribution config: origins, origin paths, behaviours, aliases, cache tags, ETag', async () => {
    const fake = await startFake({
      distributions: [
        {
          id: DIST,
          aliases: ['cdn.example.com'],
          origins: [
            { id: 's3', domainName: 'bucket.s3.us-east-1.amazonaws.com', originPath: '/site' },
            { id: 'web', domainName: 'bucket.s3-website-us-east-1.amazonaws.com' },
            { id: 'api', domainName: 'api.example.com' },
          ],
          defaultOriginId: 'web',
          cacheBehaviors: [{ pathPattern: '/api/*', targetOriginId: 'api' }],
          cacheTags: 'X-Cache-Tags',
        },
      ],
    })
    const out = await clientFor(fake).send(new GetDistributionConfigCommand({ Id: DIST }))
    expect(out.ETag).toMatch(/^E[A-Z0-9]{13}$/)
    const config = out.DistributionConfig
    expect(config?.Aliases).toEqual({ Quantity: 1, Items: ['cdn.example.com'] })
    expect(config?.DefaultCacheBehavior?.TargetOriginId).toBe('web')
    expect(config?.CacheBehaviors?.Items?.map((b) => [b.PathPattern, b.TargetOriginId])).toEqual([
      ['/api/*', 'api'],
    ])
    expect(config?.CacheTagConfig).toEqual({ HeaderName: 'X-Cache-Tags' })
    const origins = config?.Origins?.Items ?? []
    expect(origins.map((o) => [o.Id, o.DomainName, o.OriginPath])).toEqual([
      ['s3', 'bucket.s3.us-east-1.amazonaws.com', '/site'],
      ['web', 'bucket.s3-website-us-east-1.amazonaws.com', ''],
      ['api', 'api.example.com', ''],
    ])
    expect(origins[0]?.S3OriginConfig).toBeDefined()
    expect(origins[1]?.CustomOriginConfig?.OriginProtocolPolicy).toBe('http-only')
    expect(origins[2]?.CustomOriginConfig?.OriginProtocolPolicy).toBe('https-only')
  })

  it('describes a distribution with its in-progress batch count', async () => {
    const fake = await startFake({ completionDelayMs: 60_000 })
    const client = clientFor(fake)
    await create(client, ['/a'])
    const out = await client.send(new GetDistributionCommand({ Id: DIST }))
    expect(out.Distribution).toMatchObject({
      Id: DIST,
      InProgressInvalidationBatches: 1,
      DomainName: `d${DIST.toLowerCase()}.cloudfront.net`,
    })
    expect(out.Distribution?.DistributionConfig?.CacheTagConfig).toBeUndefined()
  })
})

describe('distribution tenants', () => {
  it('creates, gets and lists tenant invalidations on the tenant routes', async () => {
    const fake = await startFake({
      distributions: [{ id: DIST, multiTenant: true }],
      tenants: [{ id: TENANT, domains: ['shop.example.com'] }],
    })
    const client = clientFor(fake)
    const out = await client.send(
      new CreateInvalidationForDistributionTenantCommand({
        Id: TENANT,
        InvalidationBatch: { CallerReference: 't1', Paths: { Quantity: 1, Items: ['/index.html'] } },
      }),
    )
    const id = out.Invalidation?.Id
    expect(out.$metadata.httpStatusCode).toBe(201)
    expect(out.Location).toBe(`${fake.url}/2020-05-31/distribution-tenant/${TENANT}/invalidation/${id}`)
    const got = await client.send(
      new GetInvalidationForDistributionTenantCommand({ DistributionTenantId: TENANT, Id: id }),
    )
    expect(got.Invalidation?.InvalidationBatch?.Paths?.Items).toEqual(['/index.html'])
    const list = await client.send(new ListInvalidationsForDistributionTenantCommand({ Id: TENANT }))
    expect(list.InvalidationList?.Items?.map((s) => s.Id)).toEqual([id])
    // Same CallerReference semantics as distributions.
    const again = await client.send(
      new CreateInvalidationForDistributionTenantCommand({
        Id: TENANT,
        InvalidationBatch: { CallerReference: 't1', Paths: { Quantity: 1, Items: ['/index.html'] } },
      }),
    )
    expect(again.Invalidation?.Id).toBe(id)
    expect(fake.createdCount(TENANT)).toBe(1)
    expect(fake.createdCount(DIST)).toBe(0)
    expect(fake.requests.map((r) => [r.op, r.target])).toEqual([
      ['CreateInvalidationForDistributionTenant', TENANT],
      ['GetInvalidationForDistributionTenant', TENANT],
      ['ListInvalidationsForDistributionTenant', TENANT],
      ['CreateInvalidationForDistributionTenant', TENANT],
    ])

    const tenant = await client.send(new GetDistributionTenantCommand({ Identifier: TENANT }))
    expect(tenant.DistributionTenant).toMatchObject({ Id: TENANT, DistributionId: DIST, Enabled: true })
    expect(tenant.DistributionTenant?.Domains).toEqual([{ Domain: 'shop.example.com', Status: 'active' }])
  })

  it('answers EntityNotFound for an unknown tenant, and keeps tenants off distribution routes', async () => {
    const fake = await startFake({ tenants: [TENANT] })
    const client = clientFor(fake)
    const unknown = client.send(
      new CreateInvalidationForDistributionTenantCommand({
        Id: 'dt_nope',
        InvalidationBatch: { CallerReference: 'x', Paths: { Quantity: 1, Items: ['/a'] } },
      }),
    )
    expect(await failure(unknown)).toMatchObject({ name: 'EntityNotFound', status: 404 })
    const list = client.send(new ListInvalidationsForDistributionTenantCommand({ Id: 'dt_nope' }))
    expect(await failure(list)).toMatchObject({ name: 'EntityNotFound', status: 404 })
    expect(await failure(create(client, ['/a'], 'x', TENANT))).toMatchObject({ name: 'NoSuchDistribution' })
  })

  it('gives each tenant its own quota unless told to share the parent distribution’s', async () => {
    const fake = await startFake({
      wildcardQuota: 1,
      completionDelayMs: 60_000,
      tenants: [
        { id: 'dt_own', distributionId: DIST },
        { id: 'dt_shared', distributionId: DIST, sharesDistributionQuota: true },
      ],
    })
    const client = clientFor(fake)
    const tenantCreate = (id: string, ref: string) =>
      client.send(
        new CreateInvalidationForDistributionTenantCommand({
          Id: id,
          InvalidationBatch: { CallerReference: ref, Paths: { Quantity: 1, Items: ['/x/*'] } },
        }),
      )
    await create(client, ['/d/*'])
    await tenantCreate('dt_own', 'a')
    expect(await failure(tenantCreate('dt_shared', 'b'))).toMatchObject({
      name: 'TooManyInvalidationsInProgress',
    })
    expect(fake.maxInFlight('dt_own')).toEqual({ files: 0, wildcards: 1 })
  })
})

describe('distribution tenants at scale', () => {
  const MULTI = 'E1MULTITENANT1'
  const OTHER = 'E1MULTITENANT2'
  const many = (n: number, distributionId: string, prefix: string) =>
    Array.from({ length: n }, (_, i) => ({
      id: `dt_${prefix}${String(i).padStart(4, '0')}`,
      distributionId,
      name: `${prefix}-${i}`,
      domains: [`${prefix}${i}.shops.example.com`],
    }))

  it('lists the tenants of one distribution, every page, with the summary fields the SDK expects', async () => {
    const fake = await startFake({
      distributions: [
        { id: MULTI, multiTenant: true },
        { id: OTHER, multiTenant: true },
      ],
      tenants: [...many(150, MULTI, 'acme'), ...many(3, OTHER, 'zeta')],
    })
    const client = clientFor(fake)
    const ids: string[] = []
    for await (const page of paginateListDistributionTenants(
      { client },
      { AssociationFilter: { DistributionId: MULTI } },
    )) {
      for (const t of page.DistributionTenantList ?? []) ids.push(t.Id ?? '')
    }
    expect(ids).toHaveLength(150)
    expect(new Set(ids).size).toBe(150)
    expect(ids.every((id) => id.startsWith('dt_acme'))).toBe(true)
    expect(fake.requests.map((r) => r.op)).toEqual(['ListDistributionTenants', 'ListDistributionTenants'])

    const first = await client.send(
      new ListDistributionTenantsCommand({ AssociationFilter: { DistributionId: OTHER }, MaxItems: 2 }),
    )
    expect(first.NextMarker).toBe('dt_zeta0001')
    expect(first.DistributionTenantList?.[0]).toMatchObject({
      Id: 'dt_zeta0000',
      DistributionId: OTHER,
      Name: 'zeta-0',
      Domains: [{ Domain: 'zeta0.shops.example.com', Status: 'active' }],
      Enabled: true,
    })
    const rest = await client.send(
      new ListDistributionTenantsCommand({
        AssociationFilter: { DistributionId: OTHER },
        Marker: first.NextMarker,
      }),
    )
    expect(rest.NextMarker).toBeUndefined()
    expect(rest.DistributionTenantList?.map((t) => t.Id)).toEqual(['dt_zeta0002'])
    const all = await client.send(new ListDistributionTenantsCommand({}))
    expect(all.DistributionTenantList).toHaveLength(100)
    const none = client.send(
      new ListDistributionTenantsCommand({ AssociationFilter: { DistributionId: 'E1NOSUCHDIST00' } }),
    )
    expect(await failure(none)).toMatchObject({ name: 'EntityNotFound', status: 404 })
  })

  it('finds a tenant by one of its domains', async () => {
    const fake = await startFake({
      distributions: [{ id: MULTI, multiTenant: true }],
      tenants: many(3, MULTI, 'acme'),
    })
    const client = clientFor(fake)
    const out = await client.send(
      new GetDistributionTenantByDomainCommand({ Domain: 'ACME1.shops.example.com' }),
    )
    expect(out.DistributionTenant).toMatchObject({ Id: 'dt_acme0001', DistributionId: MULTI })
    expect(out.ETag).toMatch(/^E[A-Z0-9]+$/)
    const unknown = client.send(new GetDistributionTenantByDomainCommand({ Domain: 'nope.example.com' }))
    expect(await failure(unknown)).toMatchObject({ name: 'EntityNotFound', status: 404 })
  })

  it('answers NoSuchDistribution to invalidation calls on a multi-tenant distribution itself', async () => {
    const fake = await startFake({ distributions: [{ id: MULTI, multiTenant: true }] })
    const client = clientFor(fake)
    expect(await failure(create(client, ['/a'], 'x', MULTI))).toMatchObject({
      name: 'NoSuchDistribution',
      status: 404,
    })
    const list = client.send(new ListInvalidationsCommand({ DistributionId: MULTI }))
    expect(await failure(list)).toMatchObject({ name: 'NoSuchDistribution' })
    const d = await client.send(new GetDistributionCommand({ Id: MULTI }))
    expect(d.Distribution?.DistributionConfig?.ConnectionMode).toBe('tenant-only')
  })
})

describe('request-rate limits', () => {
  it('answers Throttling past each operation’s token bucket, refilled at its rate', async () => {
    const clock = manualClock()
    const fake = await startFake({
      now: clock.now,
      rateLimits: { CreateInvalidation: { rate: 2, burst: 3 }, '*': { rate: 1, burst: 1 } },
    })
    const client = clientFor(fake)
    const outcomes = async (n: number): Promise<string[]> => {
      const out: string[] = []
      for (let i = 0; i < n; i++)
        out.push(
          await create(client, ['/a']).then(
            () => 'ok',
            (e: Error) => e.name,
          ),
        )
      return out
    }
    expect(await outcomes(4)).toEqual(['ok', 'ok', 'ok', 'Throttling'])
    clock.advance(1000) // two tokens back
    expect(await outcomes(3)).toEqual(['ok', 'ok', 'Throttling'])
    // Other operations draw from the '*' bucket, not CreateInvalidation's.
    const get = () => client.send(new ListInvalidationsCommand({ DistributionId: DIST }))
    await get()
    expect(await failure(get())).toMatchObject({ name: 'Throttling', status: 400, message: 'Rate exceeded' })
    expect(fake.requests.filter((r) => r.error === 'Throttling')).toHaveLength(3)
    fake.setRateLimit('*', undefined)
    await get()
    fake.setRateLimit('CreateInvalidation', undefined)
    expect(await outcomes(5)).toEqual(['ok', 'ok', 'ok', 'ok', 'ok'])
  })
})

describe('cache tags', () => {
  it('accepts #tags only on a distribution with cache-tag support', async () => {
    const fake = await startFake({ distributions: [DIST, { id: 'E2TAGS', cacheTags: true }] })
    const client = clientFor(fake)
    const refused = await failure(create(client, ['/a', '#product-1']))
    expect(refused).toMatchObject({ name: 'InvalidArgument', status: 400 })
    expect(refused.message).toMatch(/tag/i)
    const ok = await create(client, ['/a', '#product-1'], 'r', 'E2TAGS')
    expect(ok.Invalidation?.InvalidationBatch?.Paths?.Items).toEqual(['/a', '#product-1'])
    expect(fake.maxInFlight('E2TAGS')).toEqual({ files: 2, wildcards: 0 })
  })
})

describe('errors and injected faults', () => {
  const cases: Array<[FaultKind, number]> = [
    ['Throttling', 400],
    ['InternalError', 500],
    ['ServiceUnavailable', 503],
    ['TooManyInvalidationsInProgress', 400],
    ['AccessDenied', 403],
    ['NoSuchDistribution', 404],
    ['EntityNotFound', 404],
    ['InvalidArgument', 400],
  ]
  it.each(cases)('%s arrives as an SDK exception named so, with HTTP %i', async (kind, status) => {
    const fake = await startFake()
    fake.inject({ kind })
    const err = await failure(create(clientFor(fake), ['/a']))
    expect(err).toMatchObject({ name: kind, status })
    expect(fake.createdCount(DIST)).toBe(0)
    expect(fake.requests[0]).toMatchObject({ op: 'CreateInvalidation', status, error: kind, fault: kind })
  })

  it('lets the SDK retry throttling and 5xx, and TooManyInvalidationsInProgress is not retried', async () => {
    const fake = await startFake()
    fake.inject({ op: 'CreateInvalidation', kind: 'InternalError' })
    fake.inject({ op: 'CreateInvalidation', kind: 'ServiceUnavailable' })
    const client = clientFor(fake, 3)
    const out = await create(client, ['/a'])
    expect(out.$metadata.attempts).toBe(3)
    expect(fake.requests.map((r) => r.status)).toEqual([500, 503, 201])

    fake.reset()
    fake.inject({ kind: 'TooManyInvalidationsInProgress', times: Infinity })
    expect(await failure(create(client, ['/b']))).toMatchObject({ name: 'TooManyInvalidationsInProgress' })
    expect(fake.requests).toHaveLength(1)
  })

  it('dropBefore: the SDK retries a cut connection and nothing was done by the dropped request', async () => {
    const fake = await startFake()
    fake.inject({ op: 'CreateInvalidation', kind: 'dropBefore' })
    const out = await create(clientFor(fake, 3), ['/a'], 'ref')
    expect(out.$metadata.attempts).toBe(2)
    expect(fake.createdCount(DIST)).toBe(1)
    expect(fake.requests.map((r) => [r.status, r.fault, r.callerReference, r.invalidationId])).toEqual([
      [0, 'dropBefore', 'ref', undefined],
      [201, undefined, 'ref', out.Invalidation?.Id],
    ])
  })

  it('dropAfter: a create that happened but went unanswered is retried into exactly one invalidation', async () => {
    const fake = await startFake()
    fake.inject({ op: 'CreateInvalidation', kind: 'dropAfter' })
    const out = await create(clientFor(fake, 3), ['/a', '/b'], 'ref')
    expect(fake.createdCount(DIST)).toBe(1)
    const [first, second] = fake.requests
    expect(first).toMatchObject({
      status: 0,
      fault: 'dropAfter',
      callerReference: 'ref',
      paths: ['/a', '/b'],
    })
    expect(second).toMatchObject({ status: 201, replayed: true, invalidationId: first?.invalidationId })
    expect(out.Invalidation?.Id).toBe(first?.invalidationId)
  })

  it('dropAfter without retries: the caller sees a network error, yet the invalidation exists', async () => {
    const fake = await startFake()
    fake.inject({ kind: 'dropAfter' })
    const err = await failure(create(clientFor(fake, 1), ['/a']))
    expect(err.status).toBeUndefined()
    expect(fake.createdCount(DIST)).toBe(1)
  })

  it('hang: answers after delayMs, or never (the client times out and stop() still returns)', async () => {
    const fake = await startFake()
    fake.inject({ op: 'GetDistributionConfig', kind: 'hang', delayMs: 30 })
    const client = clientFor(fake)
    const out = await client.send(new GetDistributionConfigCommand({ Id: DIST }))
    expect(out.DistributionConfig?.Enabled).toBe(true)
    expect(fake.requests[0]).toMatchObject({ fault: 'hang', status: 200 })

    fake.inject({ kind: 'hang' })
    const impatient = clientFor(fake, 1, { requestTimeout: 50 })
    const err = await failure(impatient.send(new GetDistributionConfigCommand({ Id: DIST })))
    expect(err.name).toBe('TimeoutError')
    expect(fake.requests[1]).toMatchObject({ fault: 'hang', status: 0 })
  })

  it('matches faults by operation and target, in order, for the given number of times', async () => {
    const fake = await startFake({ distributions: [DIST, 'E2'] })
    const client = clientFor(fake)
    const onE2 = fake.inject({ target: 'E2', kind: 'AccessDenied', times: 2 })
    fake.inject({ op: 'GetDistributionConfig', kind: 'NoSuchDistribution', times: Infinity })
    fake.inject({ op: '*', kind: 'Throttling' })

    await create(client, ['/a']) // E1 create: no fault matches... except the catch-all, which is last
      .catch(() => undefined)
    expect(fake.requests[0]?.fault).toBe('Throttling')
    expect(await failure(create(client, ['/a'], 'r', 'E2'))).toMatchObject({ name: 'AccessDenied' })
    expect(await failure(client.send(new GetDistributionConfigCommand({ Id: 'E2' })))).toMatchObject({
      name: 'AccessDenied',
    })
    expect(onE2.remaining).toBe(0)
    for (let i = 0; i < 3; i++) {
      expect(await failure(client.send(new GetDistributionConfigCommand({ Id: DIST })))).toMatchObject({
        name: 'NoSuchDistribution',
      })
    }
    await create(client, ['/a'], 'r2', 'E2') // nothing left for creates
    expect(fake.createdCount('E2')).toBe(1)
  })

  it('answers an operation it does not implement with UnsupportedOperation', async () => {
    const fake = await startFake()
    const p = clientFor(fake).send(new ListConnectionGroupsCommand({}))
    expect(await failure(p)).toMatchObject({ name: 'UnsupportedOperation', status: 400 })
    expect(fake.requests[0]?.op).toBe('Unsupported')
  })

  it('refuses unsigned requests and empty or malformed bodies, as raw HTTP shows', async () => {
    const fake = await startFake()
    const url = `${fake.url}/2020-05-31/distribution/${DIST}/invalidation`
    const signed = { authorization: 'AWS4-HMAC-SHA256 Credential=fake', 'content-type': 'application/xml' }
    const unsigned = await fetch(url, { method: 'POST', body: '<InvalidationBatch/>' })
    expect(unsigned.status).toBe(403)
    expect(await unsigned.text()).toContain('<Code>MissingAuthenticationToken</Code>')
    const empty = await fetch(url, { method: 'POST', headers: signed, body: '' })
    expect([empty.status, await empty.text()]).toEqual([
      400,
      expect.stringContaining('<Code>MissingBody</Code>'),
    ])
    const broken = await fetch(url, { method: 'POST', headers: signed, body: '<InvalidationBatch><Paths>' })
    expect([broken.status, await broken.text()]).toEqual([
      400,
      expect.stringContaining('<Code>MalformedInput</Code>'),
    ])
    expect(fake.requests.map((r) => r.error)).toEqual([
      'MissingAuthenticationToken',
      'MissingBody',
      'MalformedInput',
    ])
  })
})

describe('request record and helpers', () => {
  it('records operation, target, status, clock time, user agent and batch details', async () => {
    const clock = manualClock()
    const fake = await startFake({ now: clock.now })
    const client = clientFor(fake)
    const out = await create(client, ['/a'], 'ref-r')
    clock.advance(7)
    await client.send(new ListDistributionsCommand({}))
    expect(fake.requests).toEqual([
      expect.objectContaining({
        op: 'CreateInvalidation',
        method: 'POST',
        target: DIST,
        status: 201,
        time: clock.now() - 7,
        callerReference: 'ref-r',
        paths: ['/a'],
        invalidationId: out.Invalidation?.Id,
      }),
      expect.objectContaining({ op: 'ListDistributions', method: 'GET', status: 200, time: clock.now() }),
    ])
    expect(fake.requests[1]?.target).toBeUndefined()
    expect(fake.requests[0]?.userAgent).toContain('fake-cloudfront-test/1')
  })

  it('reset() forgets faults, records and invalidations but keeps distributions', async () => {
    const fake = await startFake({ completionDelayMs: 60_000, wildcardQuota: 1 })
    const client = clientFor(fake)
    await create(client, ['/a/*'])
    fake.inject({ kind: 'AccessDenied', times: Infinity })
    fake.reset()
    expect(fake.requests).toEqual([])
    expect(fake.invalidations(DIST)).toEqual([])
    await create(client, ['/b/*']) // quota free again, no fault
    expect(fake.maxInFlight(DIST)).toEqual({ files: 0, wildcards: 1 })
  })

  it('cloudFrontEnv points a child process’s SDK at the fake with no other configuration', async () => {
    const fake = await startFake()
    const script = `
      import { CloudFrontClient, GetDistributionConfigCommand } from '@aws-sdk/client-cloudfront'
      const out = await new CloudFrontClient({}).send(new GetDistributionConfigCommand({ Id: '${DIST}' }))
      console.log(JSON.stringify({ etag: /^E[A-Z0-9]+$/.test(out.ETag), enabled: out.DistributionConfig.Enabled }))`
    const env = { ...process.env, HOME: '/nonexistent', ...cloudFrontEnv(fake) }
    const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script], {
      env,
      cwd: process.cwd(),
    })
    const printed: unknown = JSON.parse(stdout)
    expect(printed).toEqual({ enabled: true, etag: true })
    expect(fake.requests.map((r) => [r.op, r.status])).toEqual([['GetDistributionConfig', 200]])
  })
})

describe('xml helpers', () => {
  it.each([
    ['entities and numeric references', '<a>&amp;&lt;&gt;&quot;&apos;&#65;&#x1F600;</a>', '&<>"\'A😀'],
    ['CDATA kept verbatim', '<a><![CDATA[<b>&amp;</b>]]></a>', '<b>&amp;</b>'],
    ['CR only via a reference', '<a>x\r\ny&#xD;</a>', 'x\ny\r'],
    [
      'prolog, comments and a namespace prefix',
      '<?xml version="1.0"?><!-- c --><p:a xmlns:p="u">t</p:a>',
      't',
    ],
  ])('parses %s', (_, xml, text) => {
    expect(parseXml(xml).text).toBe(text)
  })

  it.each([
    ['mismatched tags', '<a><b></a></b>'],
    ['an unknown entity', '<a>&nbsp;</a>'],
    ['a bare ampersand', '<a>x & y</a>'],
    ['content after the root', '<a/><b/>'],
    ['an unclosed element', '<a><b/>'],
  ])('rejects %s', (_, xml) => {
    expect(() => parseXml(xml)).toThrow(XmlParseError)
  })

  it('builds escaped markup that parses back to the same text', () => {
    const tricky = `a&b<c>"d'e\rf 😀`
    const doc = xmlDocument('R', { xmlns: 'urn:x' }, el('T', tricky), el('E'), el('N', 3, undefined, true))
    const root = parseXml(doc)
    expect(root.attributes).toEqual({ xmlns: 'urn:x' })
    expect(root.children.map((c) => [c.name, c.text])).toEqual([
      ['T', tricky],
      ['E', ''],
      ['N', '3true'],
    ])
    expect(escapeXml('<&>')).toBe('&lt;&amp;&gt;')
  })
})
