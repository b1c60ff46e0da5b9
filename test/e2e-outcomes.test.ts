/**
 * End to end through the committed bundle: the step says what happened, while it runs and when it ends,
 * whatever went wrong (issue 12). Each case failed against the bundle before this work.
 */
import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { cloudFrontEnv, FakeCloudFront } from './support/fake-cloudfront.js'
import { runAction, type ActionRun } from './support/run-action.js'

const DIST = 'E2EXAMPLE0000'
const OTHER = 'E3EXAMPLE1111'
let fake: FakeCloudFront

beforeAll(async () => {
  fake = await FakeCloudFront.start({
    distributions: [DIST, OTHER, { id: 'E1SITE0000001', aliases: ['www.example.com'] }],
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

const env = (): Record<string, string | undefined> => ({
  ...cloudFrontEnv(fake),
  AWS_MAX_ATTEMPTS: undefined,
  AWS_RETRY_MODE: undefined,
})
const errors = (r: ActionRun): string[] =>
  r.annotations.filter((a) => a.level === 'error').map((a) => a.message)
const warnings = (r: ActionRun): string[] =>
  r.annotations.filter((a) => a.level === 'warning').map((a) => a.message)
const pathLines = (n: number, prefix = '/p'): string =>
  Array.from({ length: n }, (_, i) => `${prefix}/${i}`).join('\n')

/** Someone else's invalidation holding `files` of the 3,000 file-path quota for `ms`. */
const busy = (files: number, ms: number): void => {
  fake.seedInvalidation(
    DIST,
    Array.from({ length: files }, (_, i) => `/busy/${i}`),
    { completesInMs: ms },
  )
}

describe('while it runs', () => {
  it('prints progress while waiting: completed of total, batches queued for quota and why, time left', async () => {
    busy(2950, 2500) // the second batch waits for this
    fake.completionDelayMs = 1500
    const run = await runAction({
      inputs: {
        'distribution-id': DIST,
        paths: pathLines(100),
        'batch-size': '50',
        collapse: 'off',
        wait: 'true',
        timeout: '20s', // progress every 2 s (ten times over the timeout, at most every 30 s)
      },
      env: env(),
    })
    expect(errors(run)).toEqual([])
    expect(run.code).toBe(0)
    expect(run.stdout).toMatch(/^Waiting \d+(\.\d)? s, \d+\.\d s left before 'timeout'$/m)
    expect(run.stdout).toMatch(
      /^ {2}E2EXAMPLE0000: 0 of 2 invalidations Completed; 1 batch queued for quota: [\d,]+ of 3,000 file paths and 0 of 15 wildcards in progress; the next batch needs 50 file paths/m,
    )
    expect(run.stdout).toMatch(/^E2EXAMPLE0000: all 2 invalidations are Completed \(/m)
  })
})

describe('unreachable CloudFront', () => {
  const creds = (): Record<string, string | undefined> => ({ ...env(), NO_PROXY: '', no_proxy: '' })

  it.each([
    [
      'a wrong endpoint',
      { AWS_ENDPOINT_URL_CLOUDFRONT: 'http://127.0.0.1:9' },
      /^Cannot reach CloudFront at 127\.0\.0\.1:9 \(AWS_ENDPOINT_URL_CLOUDFRONT\): ECONNREFUSED for /,
    ],
    [
      'a proxy that refuses',
      {
        AWS_ENDPOINT_URL_CLOUDFRONT: 'http://cloudfront.test',
        HTTP_PROXY: 'http://127.0.0.1:9',
        HTTPS_PROXY: 'http://127.0.0.1:9',
      },
      /^Cannot reach CloudFront at cloudfront\.test \(AWS_ENDPOINT_URL_CLOUDFRONT\) through the proxy 127\.0\.0\.1:9: ECONNREFUSED for /,
    ],
    [
      'a DNS failure',
      { AWS_ENDPOINT_URL_CLOUDFRONT: 'http://cloudfront.invalid' },
      /^Cannot reach CloudFront at cloudfront\.invalid \(AWS_ENDPOINT_URL_CLOUDFRONT\): (ENOTFOUND|EAI_AGAIN) for /,
    ],
  ])('fails early on %s, with one line naming the endpoint and the error code', async (_, more, line) => {
    // The endpoint is declared unreachable after a quarter of the timeout (at most 45 s): here 3 s.
    const run = await runAction({
      inputs: { 'distribution-id': DIST, paths: '/x', timeout: '12s' },
      env: { ...creds(), ...more },
    })
    expect(run.code).toBe(1)
    expect(errors(run)).toHaveLength(1)
    expect(errors(run)[0]).toMatch(line)
    expect(errors(run)[0]).toContain('no CloudFront call has succeeded in this run')
    expect(run.ms).toBeLessThan(11_000) // not the timeout
    expect(run.outputs.status).toBe('Failed')
  })
})

describe('one status for every ending', () => {
  it.each([
    ['an input error', { 'distribution-id': 'E2EXAMPLE', paths: '/x' }],
    ['an unknown alias', { 'distribution-id': 'nope.example.com', paths: '/x' }],
    ['a source that fails', { 'distribution-id': DIST, 'paths-file': 'missing.txt' }],
  ])('sets status Failed, and a summary that says so, on %s', async (_, inputs) => {
    const run = await runAction({ inputs, env: env() })
    expect(run.code).toBe(1)
    expect(run.outputs.status).toBe('Failed')
    expect(run.outputs['invalidation-ids']).toBe('[]')
    expect(run.summary).toMatch(/^## ❌ CloudFront invalidation: Failed\n/)
    // Nothing was billed: no cost line claiming a price for this run.
    expect(run.summary).not.toMatch(/Billed paths|\$0\.0/)
  })

  it('is Failed when the deadline comes while batches wait for quota, listing the paths never submitted', async () => {
    busy(2950, 60_000)
    const run = await runAction({
      inputs: {
        'distribution-id': DIST,
        paths: pathLines(100),
        'batch-size': '50',
        collapse: 'off',
        timeout: '3s',
      },
      env: env(),
    })
    expect(run.code).toBe(1)
    expect(run.outputs.status).toBe('Failed')
    expect(JSON.parse(run.outputs['invalidation-ids'] ?? '[]')).toHaveLength(1) // the one that fitted
    expect(errors(run)[0]).toMatch(
      /^timeout 3\.0 s reached before every batch was submitted: 1 invalidation created; 1 batch never submitted \(E2EXAMPLE0000: 1 of 2\), so their paths were not invalidated/,
    )
    expect(run.summary).toMatch(/^## ❌ CloudFront invalidation: Failed\n/)
    expect(run.summary).toContain('Failed: 1 of 2 batches (50 paths) never submitted')
    // Billed is what CloudFront got (50 paths), not what was planned (100); the path list is the plan.
    expect(run.summary).toContain('| <code>E2EXAMPLE0000</code> | 100 | 50 | 2 |')
    expect(run.summary).toContain('**Billed paths:** 50 for 100 requested')
    expect(run.summary).toContain('<summary>100 distinct paths planned (not all submitted)</summary>')
  })
})

describe('no error is lost', () => {
  it('reports each distribution’s error at once and times out only what is still pending', async () => {
    fake.completionDelayMs = 60_000
    const run = await runAction({
      inputs: { 'distribution-id': `${DIST}\nE9MISSING0000`, paths: '/x', wait: 'true', timeout: '5s' },
      env: env(),
    })
    expect(run.code).toBe(1)
    expect(run.outputs.status).toBe('Failed')
    const missing = run.stdout.indexOf('::error::E9MISSING0000: no such distribution')
    expect(missing).toBeGreaterThan(-1)
    // At once: before the first progress report (at 1 s), not at the deadline.
    expect(missing).toBeLessThan(run.stdout.indexOf('Waiting '))
    expect(run.summary).toMatch(/<code>E2EXAMPLE0000<\/code> .* \| TimedOut \|/)
    expect(run.summary).toMatch(
      /<code>E9MISSING0000<\/code> .* \| Failed: 1 of 1 batch \(1 path\) never submitted \|/,
    )
    expect(run.summary).toContain('- E9MISSING0000: no such distribution')
  })

  it('fails a gate at once on an unknown invalidation, naming it, without waiting for the others', async () => {
    const slow = fake.seedInvalidation(OTHER, ['/x'], { completesInMs: 60_000 })
    const run = await runAction({
      inputs: { 'wait-for': `${OTHER}/${slow.id}\n${DIST}/INOPE0000000`, timeout: '30s' },
      env: env(),
    })
    expect(run.code).toBe(1)
    expect(run.ms).toBeLessThan(10_000)
    expect(errors(run)[0]).toMatch(/^E2EXAMPLE0000\/INOPE0000000: invalidation not found/)
    expect(run.outputs.status).toBe('Failed')
    // The one never found still counts among those the gate was to wait for.
    expect(run.summary).toMatch(
      /^Failed in [\d.]+ m?s: 0 of 2 invalidations on 2 distributions Completed\.$/m,
    )
  })
})

describe('cancelled runs', () => {
  it.each(['SIGTERM', 'SIGINT'] as const)(
    'on %s writes outputs and summary for what was created, and exits non-zero within seconds',
    async (signal) => {
      fake.completionDelayMs = 60_000
      const run = await runAction({
        inputs: { 'distribution-id': DIST, paths: '/x', wait: 'true' },
        env: env(),
        cancel: { when: /-> I[A-Z0-9]+/, signal },
      })
      expect(run.signalledAt).toBeDefined()
      expect(run.ms - (run.signalledAt ?? 0)).toBeLessThan(3000)
      expect(run.code).toBe(1)
      expect(run.outputs.status).toBe('Cancelled')
      expect(run.outputs['invalidation-id']).toBe(fake.invalidations(DIST)[0]?.id)
      expect(run.summary).toMatch(/^## ❌ CloudFront invalidation: Cancelled\n/)
      expect(errors(run)[0]).toMatch(
        /^Cancelled: 1 invalidation created; not Completed yet: E2EXAMPLE0000\/I/,
      )
    },
  )
})

describe('error lines name what the user typed', () => {
  it('names diff as given when the GitHub API cannot list the range', async () => {
    const ws = mkdtempSync(join(tmpdir(), 'cfi-ws-'))
    mkdirSync(join(ws, 'site'))
    writeFileSync(join(ws, 'site', 'a.html'), 'a')
    const git = (...args: string[]): void => {
      execFileSync('git', ['-c', 'user.email=a@b', '-c', 'user.name=a', ...args], { cwd: ws })
    }
    git('init', '-q')
    git('add', '.')
    git('commit', '-qm', 'a')
    const run = await runAction({
      inputs: {
        'distribution-id': DIST,
        root: 'site',
        diff: 'nope..nada',
        'github-token': 't',
        'dry-run': 'true',
      },
      workspace: ws,
      env: { ...env(), GITHUB_REPOSITORY: 'o/r', GITHUB_API_URL: 'http://127.0.0.1:9' },
    })
    expect(run.code).toBe(1)
    expect(errors(run)[0]).toMatch(/^Input 'diff' \("nope\.\.nada"\): /)
    expect(run.outputs.status).toBe('Failed')
  })

  it.each([
    [{ 'max-paths': '0' }, 'Input \'max-paths\': "0" is not a whole number, 1 or more'],
    [
      { 'distribution-id': 'arn:aws:cloudfront::123456789012:distribution/E2EXAMPLE0000' },
      'Input \'distribution-id\': "arn:aws:cloudfront::123456789012:distribution/E2EXAMPLE0000" is an ARN: give the id inside it, E2EXAMPLE0000',
    ],
  ])('%j', async (more, line) => {
    const run = await runAction({ inputs: { 'distribution-id': DIST, paths: '/x', ...more }, env: env() })
    expect(errors(run)).toEqual([line])
  })
})

describe('softer where users asked for it', () => {
  it('on-timeout: warn ends 0 with one warning; status TimedOut and the ids in the outputs', async () => {
    fake.completionDelayMs = 60_000
    const run = await runAction({
      inputs: { 'distribution-id': DIST, paths: '/slow', wait: 'true', timeout: '2s', 'on-timeout': 'warn' },
      env: env(),
    })
    expect(run.code).toBe(0)
    expect(errors(run)).toEqual([])
    expect(warnings(run)).toEqual([
      expect.stringMatching(/^timeout 2\.0 s reached: 1 invalidation created, 1 not Completed yet/) as string,
    ])
    expect(run.outputs.status).toBe('TimedOut')
    expect(run.outputs['invalidation-id']).toBe(fake.invalidations(DIST)[0]?.id)
    expect(run.summary).toMatch(/^## ⏳ CloudFront invalidation: TimedOut\n/)
  })

  it('a denied GetInvalidation while counting others’ invalidations is one warning, not a failure', async () => {
    busy(10, 60_000)
    fake.inject({ op: 'GetInvalidation', kind: 'AccessDenied', times: Infinity })
    const run = await runAction({ inputs: { 'distribution-id': DIST, paths: '/x' }, env: env() })
    expect(run.code).toBe(0)
    expect(warnings(run)).toEqual([expect.stringMatching(/^GetInvalidation was denied/) as string])
    expect(fake.createdCount(DIST)).toBe(1)
  })

  it('retries ListDistributions through throttling like every other call', async () => {
    fake.inject({ op: 'ListDistributions', kind: 'Throttling', times: 4 }) // more than the SDK's 3 attempts
    const run = await runAction({ inputs: { 'distribution-id': 'www.example.com', paths: '/x' }, env: env() })
    expect(errors(run)).toEqual([])
    expect(run.code).toBe(0)
    expect(fake.createdCount('E1SITE0000001')).toBe(1)
  })
  it('retries GetDistributionConfig (origin-path: auto) through throttling too', async () => {
    fake.inject({ op: 'GetDistributionConfig', kind: 'Throttling', times: 4 })
    const ws = mkdtempSync(join(tmpdir(), 'cfi-ws-'))
    writeFileSync(join(ws, 'sync.log'), 'upload: public/index.html to s3://example-bucket/index.html\n')
    const run = await runAction({
      inputs: { 'distribution-id': DIST, 'sync-log': 'sync.log', 'origin-path': 'auto' },
      workspace: ws,
      env: env(),
    })
    expect(errors(run)).toEqual([])
    expect(run.code).toBe(0)
    expect(fake.invalidations(DIST)[0]?.paths).toContain('/index.html')
  })
})

describe('limits GitHub imposes', () => {
  it('keeps the summary under 900 KiB with 1,200 long paths, saying how many were left out', async () => {
    const ws = mkdtempSync(join(tmpdir(), 'cfi-ws-'))
    writeFileSync(
      join(ws, 'paths.txt'),
      Array.from({ length: 1200 }, (_, i) => `/${'long-directory-name/'.repeat(150)}${i}.html`).join('\n'),
    )
    const run = await runAction({
      inputs: { 'distribution-id': DIST, 'paths-file': 'paths.txt', 'dry-run': 'true', collapse: 'off' },
      workspace: ws,
      env: env(),
    })
    expect(run.code).toBe(0)
    expect(Buffer.byteLength(run.summary)).toBeLessThan(900 * 1024)
    expect(run.summary).toMatch(/\d+ more paths are left out to keep this summary under GitHub's 1 MiB limit/)
  })

  it('folds repeated warnings into one annotation per kind, with a count', async () => {
    for (const d of [DIST, OTHER, 'E1SITE0000001'])
      fake.inject({ op: 'CreateInvalidation', target: d, kind: 'Throttling', times: 2 })
    const run = await runAction({
      inputs: { 'distribution-id': `${DIST}\n${OTHER}\nE1SITE0000001`, paths: '/x' },
      env: { ...env(), AWS_MAX_ATTEMPTS: '1' }, // our retries only, so each throttle is one warning
    })
    expect(run.code).toBe(0)
    expect(warnings(run)).toEqual([
      expect.stringMatching(/Throttling; retrying in .* \(and 5 more like it: see the log\)$/) as string,
    ])
    expect(run.stdout.match(/^Warning: CreateInvalidation /gm)).toHaveLength(6)
    expect(run.summary).toMatch(/Throttling; retrying in .* \(6 times\)/)
  })

  it('escapes ids and times from a wait-for JSON in the summary', async () => {
    const done = fake.seedInvalidation(DIST, ['/x'], { status: 'Completed' })
    const waitFor = JSON.stringify([
      { distributionId: DIST, id: done.id, createTime: '<img src=x onerror=alert(1)>\n## x' },
    ])
    const run = await runAction({ inputs: { 'wait-for': waitFor }, env: env() })
    expect(run.code).toBe(0)
    expect(run.summary).not.toContain('<img')
    expect(run.summary).not.toMatch(/^## x/m)
  })
})
