/**
 * End to end: the committed dist/index.js under Node 24, as the runner starts it, against the fake
 * CloudFront over real HTTP with the real AWS SDK inside the bundle.
 */
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { cloudFrontEnv, FakeCloudFront } from './support/fake-cloudfront.js'
import { runAction } from './support/run-action.js'

const DIST = 'E2EXAMPLE0000'
const OTHER = 'E3EXAMPLE1111'
let fake: FakeCloudFront

beforeAll(async () => {
  fake = await FakeCloudFront.start({ distributions: [DIST, OTHER], completionDelayMs: 300 })
})
afterAll(async () => {
  await fake.stop()
})
beforeEach(() => {
  fake.reset()
  fake.completionDelayMs = 300
})

const env = () => ({ ...cloudFrontEnv(fake), AWS_MAX_ATTEMPTS: undefined, AWS_RETRY_MODE: undefined })

/** A paths-file with n distinct paths, some needing encoding. */
function pathsFile(n: number): { workspace: string; file: string } {
  const workspace = mkdtempSync(join(tmpdir(), 'cfi-ws-'))
  const lines = Array.from({ length: n }, (_, i) =>
    i % 10 === 0 ? `/docs/page ${i}/ü.html` : `/p/${i}.html`,
  )
  writeFileSync(join(workspace, 'paths.txt'), lines.join('\n'))
  return { workspace, file: 'paths.txt' }
}

const creates = () => fake.requests.filter((r) => r.op === 'CreateInvalidation')

describe('10,000 paths under the quota', () => {
  it('submits every path exactly once, in batches of <= 3,000, never over quota, and waits', async () => {
    fake.completionDelayMs = 1200
    // Someone else's invalidation is already running: it must be counted, not collided with.
    fake.seedInvalidation(
      DIST,
      Array.from({ length: 2000 }, (_, i) => `/old/${i}`),
      { completesInMs: 1500 },
    )
    const { workspace, file } = pathsFile(10_000)
    const run = await runAction({
      // collapse: off, so the batching itself is under test (auto would send /p/* instead)
      inputs: { 'distribution-id': DIST, 'paths-file': file, wait: 'true', collapse: 'off' },
      workspace,
      env: env(),
    })
    expect(run.stderr).toBe('')
    expect(run.code).toBe(0)
    const ours = fake.invalidations(DIST).filter((i) => !i.seeded)
    expect(ours.map((i) => i.paths.length).sort((a, b) => b - a)).toEqual([3000, 3000, 3000, 1000])
    const all = ours.flatMap((i) => i.paths)
    expect(new Set(all).size).toBe(10_000)
    expect(all).toContain('/docs/page%2010/%C3%BC.html')
    expect(fake.maxInFlight(DIST).files).toBeLessThanOrEqual(3000)
    expect(creates().every((r) => r.status === 201)).toBe(true) // waited for quota instead of being refused
    expect(run.outputs.status).toBe('Completed')
    expect(JSON.parse(run.outputs['invalidation-ids'] ?? '[]')).toHaveLength(4)
    expect(run.outputs['path-count']).toBe('10000')
    expect(run.outputs['batch-count']).toBe('4')
    const invs = JSON.parse(run.outputs.invalidations ?? '[]') as { status: string; distributionId: string }[]
    expect(invs.every((i) => i.status === 'Completed' && i.distributionId === DIST)).toBe(true)
    expect(run.summary).toContain('CloudFront invalidation: Completed')
  })
})

describe('faults', () => {
  it('rides out throttling, 5xx and dropped connections without a duplicate invalidation', async () => {
    fake.inject({ op: 'CreateInvalidation', kind: 'Throttling', times: 4 }) // more than the SDK's 3 attempts
    fake.inject({ op: 'CreateInvalidation', kind: 'dropAfter', times: 1 }) // created, but the answer is lost
    fake.inject({ op: 'CreateInvalidation', kind: 'InternalError', times: 2 })
    fake.inject({ op: 'GetInvalidation', kind: 'ServiceUnavailable', times: 4 })
    const run = await runAction({
      inputs: { 'distribution-id': `${DIST},${OTHER}`, paths: '/a\n/b\n/c', 'batch-size': '2', wait: 'true' },
      env: env(),
    })
    expect(run.code).toBe(0)
    expect(fake.createdCount(DIST) + fake.createdCount(OTHER)).toBe(4) // 2 batches x 2 distributions
    expect(fake.requests.some((r) => r.replayed)).toBe(true) // the lost create was retried and recognised
    expect(run.annotations.some((a) => a.level === 'warning' && /retrying in/.test(a.message))).toBe(true)
    expect(JSON.parse(run.outputs['invalidation-ids'] ?? '[]')).toHaveLength(4)
    expect(run.outputs.status).toBe('Completed')
  })

  it('waits out TooManyInvalidationsInProgress when ListInvalidations is denied', async () => {
    fake.inject({ op: 'ListInvalidations', kind: 'AccessDenied', times: Infinity })
    fake.seedInvalidation(
      DIST,
      Array.from({ length: 2500 }, (_, i) => `/busy/${i}`),
      { completesInMs: 2500 },
    )
    const { workspace, file } = pathsFile(1000)
    const run = await runAction({
      inputs: { 'distribution-id': DIST, 'paths-file': file, collapse: 'off' },
      workspace,
      env: env(),
    })
    expect(run.code).toBe(0)
    const warnings = run.annotations.filter((a) => a.level === 'warning').map((a) => a.message)
    expect(warnings.filter((w) => w.includes('ListInvalidations was denied'))).toHaveLength(1)
    expect(warnings.some((w) => w.includes('TooManyInvalidationsInProgress'))).toBe(true)
    expect(fake.createdCount(DIST)).toBe(1) // ours, once (the seeded one is not counted)
    expect(run.outputs.status).toBe('InProgress')
  })

  it('fails at once with an explanation on AccessDenied, keeping outputs', async () => {
    fake.inject({ op: 'CreateInvalidation', kind: 'AccessDenied', times: Infinity })
    const run = await runAction({
      inputs: { 'distribution-id': DIST, paths: '/x', wait: 'true' },
      env: env(),
    })
    expect(run.code).toBe(1)
    const errors = run.annotations.filter((a) => a.level === 'error')
    expect(errors).toHaveLength(1)
    expect(errors[0]?.message).toMatch(
      /access denied to CreateInvalidation: the role needs cloudfront:CreateInvalidation/,
    )
    expect(run.outputs.status).toBe('Failed')
    expect(creates()).toHaveLength(1) // not retried
  })

  it('fails one distribution without losing the other', async () => {
    const run = await runAction({
      inputs: { 'distribution-id': `${DIST}\nE9MISSING0000`, paths: '/x' },
      env: env(),
    })
    expect(run.code).toBe(1)
    expect(run.annotations.find((a) => a.level === 'error')?.message).toMatch(
      /E9MISSING0000: no such distribution/,
    )
    expect(JSON.parse(run.outputs['invalidation-ids'] ?? '[]')).toHaveLength(1)
    expect(run.outputs['invalidation-id']).toBe(fake.invalidations(DIST)[0]?.id)
    expect(run.outputs.status).toBe('Failed')
  })

  it('explains missing credentials without calling AWS', async () => {
    const run = await runAction({
      inputs: { 'distribution-id': DIST, paths: '/x' },
      env: { ...env(), AWS_ACCESS_KEY_ID: undefined, AWS_SECRET_ACCESS_KEY: undefined },
    })
    expect(run.code).toBe(1)
    expect(run.annotations.find((a) => a.level === 'error')?.message).toMatch(
      /no AWS credentials found: run aws-actions\/configure-aws-credentials/,
    )
    expect(fake.requests).toHaveLength(0)
  })
})

describe('CallerReference', () => {
  // Two legs of one matrix job (or a reusable workflow called twice): same run id, attempt, job and step id.
  const leg = () => ({
    ...env(),
    GITHUB_RUN_ID: '777',
    GITHUB_RUN_ATTEMPT: '1',
    GITHUB_JOB: 'deploy',
    GITHUB_ACTION: 'invalidate',
  })

  it('two executions with the same run, attempt, job, step and paths make two invalidations', async () => {
    const inputs = { 'distribution-id': DIST, paths: '/index.html\n/app.js' }
    const first = await runAction({ inputs, env: leg() })
    const second = await runAction({ inputs, env: leg() })
    expect([first.code, second.code]).toEqual([0, 0])
    // Sharing the first one's invalidation would leave the second deploy's files stale, silently.
    expect(fake.createdCount(DIST)).toBe(2)
    expect(creates().some((r) => r.replayed)).toBe(false)
    expect(second.outputs['invalidation-id']).not.toBe(first.outputs['invalidation-id'])
    const refs = creates().map((r) => r.callerReference ?? '')
    expect(new Set(refs).size).toBe(2)
    for (const ref of refs) {
      expect(ref).toMatch(/^777-1-deploy-[0-9a-f-]{36}\/E2EXAMPLE0000\/1\/[0-9a-f]{12}$/)
      expect(ref.length).toBeLessThanOrEqual(128)
    }
  })

  it('retries a create whose answer was lost with the same reference, making exactly one', async () => {
    fake.inject({ op: 'CreateInvalidation', kind: 'dropAfter', times: 1 }) // created, answer lost
    const run = await runAction({ inputs: { 'distribution-id': DIST, paths: '/index.html' }, env: leg() })
    expect(run.code).toBe(0)
    expect(fake.createdCount(DIST)).toBe(1)
    const sent = creates()
    expect(sent.length).toBeGreaterThanOrEqual(2)
    expect(new Set(sent.map((r) => r.callerReference)).size).toBe(1)
    expect(sent.some((r) => r.replayed)).toBe(true)
    expect(run.outputs['invalidation-id']).toBe(fake.invalidations(DIST)[0]?.id)
  })

  it('keeps an explicit caller-reference across executions: a rerun is deliberately idempotent', async () => {
    const inputs = { 'distribution-id': DIST, paths: '/index.html', 'caller-reference': 'release-1.4.2' }
    const first = await runAction({ inputs, env: leg() })
    const rerun = await runAction({ inputs, env: { ...leg(), GITHUB_RUN_ATTEMPT: '2' } })
    expect(fake.createdCount(DIST)).toBe(1)
    expect(rerun.outputs['invalidation-id']).toBe(first.outputs['invalidation-id'])
  })
})

describe('wait timeout', () => {
  it('fails on timeout with the ids in the outputs', async () => {
    fake.completionDelayMs = 60_000
    const run = await runAction({
      inputs: { 'distribution-id': DIST, paths: '/slow', wait: 'true', timeout: '2s' },
      env: env(),
    })
    expect(run.code).toBe(1)
    expect(run.ms).toBeLessThan(20_000)
    expect(run.annotations.find((a) => a.level === 'error')?.message).toMatch(
      /^timeout 2\.0 s reached: 1 invalidation created, 1 not Completed yet/,
    )
    expect(run.outputs['invalidation-id']).toBe(fake.invalidations(DIST)[0]?.id)
    expect(run.outputs.status).toBe('TimedOut')
    expect(run.summary).toContain('## ❌ CloudFront invalidation: TimedOut')
    expect(fake.requests.filter((r) => r.op === 'GetInvalidation').length).toBeGreaterThan(0)
  })

  it('takes the longest timeout a timer can hold (596h) and waits normally', async () => {
    const run = await runAction({
      inputs: { 'distribution-id': DIST, paths: '/long', wait: 'true', timeout: '596h' },
      env: env(),
    })
    expect(run.stderr).toBe('') // no TimeoutOverflowWarning: the timer holds it
    expect(run.code).toBe(0)
    expect(run.outputs.status).toBe('Completed')
  })

  it('does not wait without wait: true', async () => {
    fake.completionDelayMs = 60_000
    const run = await runAction({ inputs: { 'distribution-id': DIST, paths: '/fast' }, env: env() })
    expect(run.code).toBe(0)
    expect(run.outputs.status).toBe('InProgress')
    expect(fake.requests.filter((r) => r.op === 'GetInvalidation')).toHaveLength(0)
    // One result line, and no advice to wait: wait: false is the deploy-then-gate pattern.
    expect(run.annotations).toEqual([
      {
        level: 'notice',
        message: expect.stringMatching(
          /^Submitted 1 path on 1 distribution: 1 invalidation in progress in /,
        ) as string,
      },
    ])
  })
})
