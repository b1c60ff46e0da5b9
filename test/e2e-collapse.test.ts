/**
 * Issue 4 end to end: the collapse planner inside the bundle, with a real site tree, `max-paths`, the
 * wildcard quota already in use on the fake CloudFront, and its input errors.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { cloudFrontEnv, FakeCloudFront } from './support/fake-cloudfront.js'
import { runAction } from './support/run-action.js'

const DIST = 'E2EXAMPLE0000'

/** A site: a rebuilt hashed-asset directory, a blog, a few pages. */
function site(): string {
  const ws = mkdtempSync(join(tmpdir(), 'cfi-collapse-'))
  const root = join(ws, 'public')
  mkdirSync(join(root, 'assets'), { recursive: true })
  mkdirSync(join(root, 'blog'), { recursive: true })
  for (let i = 0; i < 40; i++) writeFileSync(join(root, 'assets', `app-${i}.js`), '')
  for (let i = 0; i < 60; i++) writeFileSync(join(root, 'blog', `post-${i}.html`), '')
  writeFileSync(join(root, 'index.html'), '')
  return ws
}

const json = (s: string | undefined): unknown => JSON.parse(s ?? 'null')

describe('collapse in a dry run', () => {
  it('collapses a fully rebuilt directory and keeps scattered pages, counting unchanged objects', async () => {
    const run = await runAction({
      inputs: {
        'distribution-id': DIST,
        root: 'public',
        files: 'assets/**\nblog/post-7.html',
        'dry-run': 'true',
      },
      workspace: site(),
    })
    expect(run.code).toBe(0)
    expect(json(run.outputs.paths)).toEqual(['/assets/*', '/blog/post-7.html'])
    expect(run.outputs['requested-path-count']).toBe('41')
    expect(run.outputs['path-count']).toBe('2')
    expect(run.summary).toContain('| <code>E2EXAMPLE0000</code> | <code>/assets/&#42;</code> | 40 | 0 |')
    expect(run.stdout).toContain('41 requested paths -> 2 billed')
  })

  it('leaves a thinly changed directory alone', async () => {
    const run = await runAction({
      inputs: { 'distribution-id': DIST, root: 'public', files: 'blog/post-1*.html', 'dry-run': 'true' },
      workspace: site(),
    })
    // 11 of 60 posts changed: far below 90 %, so no wildcard
    expect((json(run.outputs.paths) as string[]).every((p) => !p.includes('*'))).toBe(true)
    expect(run.outputs['path-count']).toBe('11')
  })

  it('forces /* under max-paths, with a warning', async () => {
    const run = await runAction({
      inputs: {
        'distribution-id': DIST,
        root: 'public',
        files: 'assets/**\nblog/post-1*.html\nindex.html',
        'max-paths': '1',
        'dry-run': 'true',
      },
      workspace: site(),
    })
    expect(run.code).toBe(0)
    expect(json(run.outputs.paths)).toEqual(['/*'])
    expect(run.annotations.some((a) => a.level === 'warning' && a.message.includes('/*'))).toBe(true)
  })

  it('submits paths as computed with collapse: off', async () => {
    const run = await runAction({
      inputs: {
        'distribution-id': DIST,
        root: 'public',
        files: 'assets/**',
        collapse: 'off',
        'dry-run': 'true',
      },
      workspace: site(),
    })
    expect(run.outputs['path-count']).toBe('40')
    expect(run.outputs['requested-path-count']).toBe('40')
  })

  it.each([
    [{ collapse: 'off', 'max-paths': '10' }, 'Input \'max-paths\': is set ("10") beside collapse: off'],
    [{ collapse: 'sometimes' }, 'Input \'collapse\': "sometimes" is not one of: auto, off'],
    [{ 'max-paths': '0' }, 'Input \'max-paths\': "0" is not a whole number, 1 or more'],
  ])('rejects %j', async (inputs, message) => {
    const run = await runAction({
      inputs: { 'distribution-id': DIST, paths: '/x', ...inputs },
      env: { AWS_ENDPOINT_URL_CLOUDFRONT: 'http://127.0.0.1:9' },
    })
    expect(run.code).toBe(1)
    expect(
      run.annotations.filter((a) => a.level === 'error').map((a) => a.message.slice(0, message.length)),
    ).toEqual([message])
  })
})

describe('collapse against CloudFront', () => {
  let fake: FakeCloudFront
  beforeAll(async () => {
    fake = await FakeCloudFront.start({ distributions: [DIST], completionDelayMs: 400 })
  })
  afterAll(async () => {
    await fake.stop()
  })
  beforeEach(() => fake.reset())

  it('submits the collapsed plan', async () => {
    const run = await runAction({
      inputs: { 'distribution-id': DIST, root: 'public', files: 'assets/**' },
      workspace: site(),
      env: cloudFrontEnv(fake),
    })
    expect(run.code).toBe(0)
    expect(fake.invalidations(DIST).map((i) => i.paths)).toEqual([['/assets/*']])
  })

  it('re-plans when the wildcard quota is already taken, and never exceeds it', async () => {
    fake.seedInvalidation(
      DIST,
      Array.from({ length: 15 }, (_, i) => `/busy${i}/*`),
      { completesInMs: 1500 },
    )
    const run = await runAction({
      inputs: { 'distribution-id': DIST, root: 'public', files: 'assets/**' },
      workspace: site(),
      env: cloudFrontEnv(fake),
    })
    expect(run.code).toBe(0)
    const ours = fake.invalidations(DIST).filter((i) => !i.seeded)
    // No wildcard slot was free: the 40 files go as paths, at once, instead of waiting for a slot.
    expect(ours.flatMap((i) => i.paths)).toHaveLength(40)
    expect(ours.flatMap((i) => i.paths).some((p) => p.includes('*'))).toBe(false)
    expect(fake.maxInFlight(DIST).wildcards).toBeLessThanOrEqual(15)
    expect(run.stdout).toContain('15 wildcards already in progress; re-planned')
  })
})
