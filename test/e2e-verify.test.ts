/**
 * End to end: `verify` in the committed bundle, against the fake CloudFront and fake edges
 * (test/support/fake-edge.ts) wired to it: an edge drops what a completed invalidation matches, by our
 * model of CloudFront's matching, and keeps the rest with its Age.
 */
import { execFile } from 'node:child_process'
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { cloudFrontEnv, FakeCloudFront } from './support/fake-cloudfront.js'
import { FakeEdge } from './support/fake-edge.js'
import { startProxy } from './support/proxy.js'
import { BUNDLE, NODE24, RUNNER_DEFAULTS, runAction, type ActionRun } from './support/run-action.js'
import { html } from '../src/verify/report.js'
import { testCertificate, type TestCertificate } from './support/tls.js'

const DIST = 'E2EXAMPLE0000'
const OTHER = 'E3EXAMPLE1111'
const TENANT = 'dt_shop1'
const HOUR = 3600

let fake: FakeCloudFront
let edge: FakeEdge
let cert: TestCertificate
const stops: (() => Promise<void>)[] = []

beforeAll(async () => {
  fake = await FakeCloudFront.start({
    distributions: [{ id: DIST, cacheTags: true }, OTHER],
    completionDelayMs: 200,
  })
  edge = await FakeEdge.start({
    cloudFront: fake,
    target: DIST,
    origin: (key) =>
      key === '/private.html'
        ? { status: 403 }
        : key === '/old.html'
          ? { status: 301, headers: { location: '/new.html' } }
          : { status: 200 },
  })
  cert = testCertificate()
  stops.push(
    () => fake.stop(),
    () => edge.stop(),
  )
})
afterAll(async () => {
  await Promise.all(stops.map((s) => s()))
})
beforeEach(() => {
  fake.reset()
  edge.reset()
  edge.delayMs = 0
  edge.refuseHead = false
})

const env = (extra: Record<string, string> = {}) => ({ ...cloudFrontEnv(fake), ...extra })
/** A step as a workflow writes it: the runner passes action.yml's defaults for the rest. */
const step = (
  inputs: Record<string, string>,
  extra: { env?: Record<string, string>; workspace?: string } = {},
) =>
  runAction({
    inputs: { ...RUNNER_DEFAULTS, ...inputs },
    env: env(extra.env),
    ...(extra.workspace ? { workspace: extra.workspace } : {}),
  })
/** A step that verifies at the shared edge. */
const verifyAt = (
  inputs: Record<string, string>,
  extra: { env?: Record<string, string>; workspace?: string } = {},
) => step({ 'distribution-id': DIST, verify: 'true', 'verify-url': edge.url, ...inputs }, extra)
/** The `verified` output of one distribution. */
const tally = (fresh: number, stale: number, unverifiable: number, unchecked: number) => ({
  fresh,
  stale,
  unverifiable,
  unchecked,
})
const json = (run: ActionRun, name: string): unknown => JSON.parse(run.outputs[name] ?? 'null')
const errors = (run: ActionRun) => run.annotations.filter((a) => a.level === 'error').map((a) => a.message)
const warnings = (run: ActionRun) =>
  run.annotations.filter((a) => a.level === 'warning').map((a) => a.message)
const notices = (run: ActionRun) => run.annotations.filter((a) => a.level === 'notice').map((a) => a.message)
/** The summary's first line. */
const heading = (run: ActionRun) => run.summary.split('\n')[0]

describe('verify: true', () => {
  it('all fresh: old copies were dropped; HEAD, no cookie, our user agent, no redirect followed', async () => {
    // Copies cached an hour before the deploy, under the keys the invalidation names.
    for (const key of ['/index.html', '/app.js', '/old.html'])
      edge.seed(key, HOUR, key === '/old.html' ? 301 : 200)
    const run = await verifyAt({
      paths: '/index.html\n/\n/app.js\n/old.html\n/a b.html\n#tag',
    })
    expect(errors(run)).toEqual([])
    expect(run.code).toBe(0)
    expect(json(run, 'verified')).toEqual({ [DIST]: tally(5, 0, 0, 1) })
    expect(json(run, 'stale-paths')).toEqual([])
    expect(run.outputs.status).toBe('Completed')
    const asked = edge.requests.map((r) => `${r.method} ${r.key}`).sort()
    expect(asked).toEqual([
      'HEAD /',
      'HEAD /a%20b.html',
      'HEAD /app.js',
      'HEAD /index.html',
      'HEAD /old.html',
    ])
    for (const r of edge.requests) {
      expect(r.headers['user-agent']).toMatch(/^cloudfront-invalidate\/\d/)
      expect(r.headers.cookie).toBeUndefined()
      expect(r.headers.authorization).toBeUndefined()
    }
    expect(run.summary).toContain('### Edge verification: no stale copy found')
    expect(heading(run)).toBe('## ✅ CloudFront invalidation: Completed, verified at the edge')
    expect(notices(run)).toEqual([expect.stringMatching(/^Invalidated 6 paths on 1 distribution/)])
  })

  it('a path whose cache key differs from the invalidated form is stale: exit 1, its cause and fix', async () => {
    edge.seed('/assets/a~b.js', HOUR) // what viewers cached: the browser sends ~ raw
    const inputs = { paths: '/assets/a~b.js\n/ok.js' }
    const run = await verifyAt(inputs)
    // What was invalidated is the form CloudFront accepts, which did not match the viewers' key.
    expect(fake.invalidations(DIST).flatMap((i) => i.paths)).toContain('/assets/a%7Eb.js')
    expect(run.code).toBe(1)
    expect(json(run, 'stale-paths')).toEqual(['/assets/a~b.js'])
    expect(json(run, 'verified')).toEqual({ [DIST]: tally(1, 1, 0, 0) })
    expect(errors(run)).toHaveLength(1)
    expect(errors(run)[0]).toMatch(
      /^1 URL still serves a copy cached before the invalidation: E2EXAMPLE0000 \/assets\/a~b\.js \(contains `~`.*\(on-stale: fail\)$/,
    )
    expect(run.outputs.status).toBe('Completed') // the invalidation itself did complete
    // Not a clean success anywhere: the heading says so, and no "Invalidated … Completed" notice.
    expect(heading(run)).toBe('## ❌ CloudFront invalidation: Completed, but 1 URL stale at the edge')
    expect(notices(run)).toEqual([])
    expect(run.summary).toContain('### Edge verification: 1 stale')
    expect(run.summary).toContain('<code>/assets/a&#42;</code>') // the fix: a wildcard over both forms
    // The log has it too, where the error line points: the summary.
    expect(run.stdout).toMatch(
      /^ {2}stale \/assets\/a~b\.js: contains `~`.*\. Fix: invalidate `\/assets\/a\*` too/m,
    )
    expect(errors(run)[0]).toContain('See the job summary for each fix.')

    // on-stale: warn: the same finding is a warning, and the step succeeds.
    fake.reset()
    edge.reset()
    edge.seed('/assets/a~b.js', HOUR)
    const warn = await verifyAt({ ...inputs, 'on-stale': 'warn' })
    expect(warn.code).toBe(0)
    expect(errors(warn)).toEqual([])
    expect(warnings(warn).some((w) => w.includes('/assets/a~b.js') && w.includes('on-stale: warn'))).toBe(
      true,
    )
    expect(json(warn, 'stale-paths')).toEqual(['/assets/a~b.js'])
    expect(heading(warn)).toBe('## ⚠️ CloudFront invalidation: Completed, but 1 URL stale at the edge')
    expect(warn.outputs.status).toBe('Completed')

    // The fix works: with the wildcard the summary names, the copy is gone.
    fake.reset()
    edge.reset()
    edge.seed('/assets/a~b.js', HOUR)
    const fixed = await verifyAt(
      { ...inputs, paths: '/assets/a*', root: 'site' },
      { workspace: site(['assets/a~b.js']) },
    )
    expect(errors(fixed)).toEqual([])
    expect(json(fixed, 'verified')).toEqual({ [DIST]: tally(1, 0, 0, 0) })
  })

  it('checks a wildcard through the known tree, and counts one with no known object as unchecked', async () => {
    edge.seed('/assets/app.js', HOUR)
    edge.seed('/assets/b~c.css', HOUR)
    edge.seed('/img/logo.png', HOUR) // not in the tree: its wildcard cannot be checked
    const workspace = site(['index.html', 'assets/app.js', 'assets/b~c.css'])
    const run = await step(
      {
        'distribution-id': DIST,
        paths: '/assets/*\n/img/*',
        root: 'site',
        verify: 'true',
        'verify-url': edge.url,
      },
      { workspace },
    )
    expect(errors(run)).toEqual([])
    expect(edge.requests.map((r) => r.key).sort()).toEqual(['/assets/app.js', '/assets/b~c.css'])
    expect(json(run, 'verified')).toEqual({ [DIST]: tally(2, 0, 0, 1) })
    expect(run.summary).toContain('Items that cannot be checked (1)')
  })

  it('reports 403 as unverifiable, not stale, and warns that nothing was proven', async () => {
    const run = await verifyAt({
      paths: '/private.html',
    })
    expect(run.code).toBe(0)
    expect(json(run, 'verified')).toEqual({ [DIST]: tally(0, 0, 1, 0) })
    expect(warnings(run).some((w) => w.includes('nothing could be verified') && w.includes('HTTP 403'))).toBe(
      true,
    )
    // The heading never reads "verified at the edge" when nothing was.
    expect(heading(run)).toBe(
      '## ⚠️ CloudFront invalidation: Completed, but nothing could be verified at the edge',
    )
  })

  it('with nothing to request (a wildcard over an unknown tree, a tag), says nothing was verified', async () => {
    const run = await verifyAt({ paths: '/img/*\n#release' })
    expect(run.code).toBe(0)
    expect(edge.requests).toEqual([])
    expect(json(run, 'verified')).toEqual({ [DIST]: tally(0, 0, 0, 2) })
    expect(heading(run)).toBe(
      '## ⚠️ CloudFront invalidation: Completed, but nothing could be verified at the edge',
    )
    expect(warnings(run)).toEqual([
      expect.stringMatching(/^E2EXAMPLE0000: nothing could be verified at the edge: no URL to request/),
    ])
  })

  it("the CLI prints each stale URL's cause and fix (it has no job summary), in flags", async () => {
    edge.seed('/assets/a~b.js', HOUR)
    const r = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
      execFile(
        NODE24,
        // The bundle in CLI mode, as bin/cloudfront-invalidate.js starts it (CFI_BUNDLE can name another).
        [
          BUNDLE,
          '--distribution-id',
          DIST,
          '--paths',
          '/assets/a~b.js',
          '--verify',
          '--verify-url',
          edge.url,
        ],
        { env: { PATH: process.env.PATH, CLOUDFRONT_INVALIDATE_MODE: 'cli', ...env() } },
        (error, _stdout, stderr) => resolve({ code: error === null ? 0 : (error.code as number), stderr }),
      )
    })
    expect(r.code, r.stderr).toBe(1)
    expect(r.stderr).toMatch(
      /^ {2}stale \/assets\/a~b\.js: contains `~`.*\. Fix: invalidate `\/assets\/a\*` too/m,
    )
    expect(r.stderr).toMatch(/See the lines above for each fix\. \(--on-stale fail\)\n$/)
    expect(r.stderr).not.toMatch(/job summary|'paths'|'verify-url'|on-stale: /)
  })

  it('asks with GET when HEAD is refused', async () => {
    edge.refuseHead = true
    const run = await verifyAt({
      paths: '/x.js',
    })
    expect(run.code).toBe(0)
    expect(edge.requests.map((r) => r.method)).toEqual(['HEAD', 'GET'])
    expect(json(run, 'verified')).toEqual({ [DIST]: tally(1, 0, 0, 0) })
  })

  it('a hung edge is bounded by timeout: the step fails in time, the invalidation Completed', async () => {
    edge.delayMs = Infinity
    const run = await verifyAt({
      paths: '/a.js\n/b.js',

      timeout: '3s',
    })
    expect(run.ms).toBeLessThan(9000) // well before the 10 s per-request limit: the step's timeout cut it
    expect(run.code).toBe(1)
    expect(errors(run)[0]).toMatch(
      /^timeout reached while verifying at the edge: 0 of 2 URLs checked; every invalidation is Completed\. Raise 'timeout'/,
    )
    expect(errors(run)).toHaveLength(1)
    expect(run.outputs.status).toBe('Completed')
    expect(heading(run)).toBe('## ❌ CloudFront invalidation: Completed, but edge verification failed')
    expect(notices(run)).toEqual([])
    expect(json(run, 'verified')).toEqual({ [DIST]: tally(0, 0, 0, 2) })
  })

  it('a cancel while verifying: non-zero exit within seconds, status Completed, one line saying so', async () => {
    edge.delayMs = Infinity
    const run = await runAction({
      inputs: {
        ...RUNNER_DEFAULTS,
        'distribution-id': DIST,
        paths: '/a.js',
        verify: 'true',
        'verify-url': edge.url,
      },
      env: env(),
      cancel: { when: /its invalidation is Completed/, signal: 'SIGTERM' },
    })
    expect(run.signalledAt).toBeDefined()
    expect(run.ms - (run.signalledAt ?? 0)).toBeLessThan(3000)
    expect(run.code).toBe(1)
    expect(run.outputs.status).toBe('Completed')
    expect(errors(run)).toEqual([
      expect.stringMatching(
        /^cancelled while verifying at the edge: 0 of 1 URL checked; every invalidation is Completed\.$/,
      ),
    ])
    expect(heading(run)).toBe('## ❌ CloudFront invalidation: Completed, but edge verification failed')
    expect(run.summary).toContain('### Edge verification: cut short by a cancel')
  })

  it('a slow edge: progress reports while the URLs are checked, so a long check never looks hung', async () => {
    edge.delayMs = 4000
    const run = await verifyAt({ paths: '/a.js\n/b.js', timeout: '20s' }) // a report every 2 s
    expect(run.code).toBe(0)
    expect(run.stdout).toMatch(/^Verifying at the edge: 0 of 2 URLs checked, \d/m)
    expect(json(run, 'verified')).toEqual({ [DIST]: tally(2, 0, 0, 0) })
  })

  it('several distributions: each at https:// and its own domain (GetDistribution)', async () => {
    const one = await FakeEdge.start({ cloudFront: fake, target: DIST, tls: cert })
    const two = await FakeEdge.start({ cloudFront: fake, target: OTHER, tls: cert })
    stops.push(
      () => one.stop(),
      () => two.stop(),
    )
    fake.addDistribution({ id: DIST, domainName: one.host, cacheTags: true })
    fake.addDistribution({ id: OTHER, domainName: two.host })
    one.seed('/a~b.js', HOUR)
    two.seed('/a.js', HOUR)
    const run = await step(
      { 'distribution-id': `${DIST}\n${OTHER}`, paths: '/a.js\n/a~b.js', verify: 'true' },
      { env: { NODE_EXTRA_CA_CERTS: cert.certFile } },
    )
    expect(
      fake.requests
        .filter((r) => r.op === 'GetDistribution')
        .map((r) => r.target)
        .sort(),
    ).toEqual([DIST, OTHER])
    expect(one.requests.length).toBe(2)
    expect(two.requests.length).toBe(2)
    // On the first, a~b.js was cached under its raw key and survives; on the second nothing survives.
    expect(json(run, 'verified')).toEqual({
      [DIST]: tally(1, 1, 0, 0),
      [OTHER]: tally(2, 0, 0, 0),
    })
    expect(run.code).toBe(1)
    expect(run.summary).toContain(html(`https://${one.host}`))
  })

  it('a denied GetDistribution fails the step naming the permission, and the alternative', async () => {
    fake.inject({ op: 'GetDistribution', kind: 'AccessDenied' })
    const run = await step({ 'distribution-id': DIST, paths: '/x.js', verify: 'true' })
    expect(run.code).toBe(1)
    expect(errors(run)).toEqual([
      expect.stringMatching(
        /^E2EXAMPLE0000: access denied to GetDistribution: the role needs cloudfront:GetDistribution on arn:aws:cloudfront::ACCOUNT:distribution\/E2EXAMPLE0000 .*\('verify' needs it for the domain to request; or set 'verify-url'\)$/,
      ),
    ])
    expect(run.outputs.status).toBe('Completed')
    expect(heading(run)).toBe('## ❌ CloudFront invalidation: Completed, but edge verification failed')
  })

  it('a tenant is checked at its first active domain (GetDistributionTenant)', async () => {
    const shop = await FakeEdge.start({ cloudFront: fake, target: TENANT, tls: cert })
    stops.push(() => shop.stop())
    fake.addDistribution({ id: 'EMULTITENANT00', multiTenant: true })
    fake.addTenant({
      id: TENANT,
      distributionId: 'EMULTITENANT00',
      domains: [{ domain: 'old.example.com', status: 'inactive' }, shop.host],
    })
    shop.seed('/p.html', HOUR)
    const run = await step(
      { 'distribution-id': TENANT, paths: '/p.html', verify: 'true' },
      { env: { NODE_EXTRA_CA_CERTS: cert.certFile } },
    )
    expect(errors(run)).toEqual([])
    expect(fake.requests.some((r) => r.op === 'GetDistributionTenant')).toBe(true)
    expect(json(run, 'verified')).toEqual({ [TENANT]: tally(1, 0, 0, 0) })
  })

  it('dry run: prints the URLs it would check and requests nothing', async () => {
    const run = await verifyAt({
      paths: '/a~b.js\n/docs/index.html',

      'dry-run': 'true',
    })
    expect(run.code).toBe(0)
    expect(run.stdout).toContain(`${edge.url}/a~b.js`)
    expect(run.stdout).toContain(`${edge.url}/docs/`) // the directory URL the index document is served at
    expect(edge.requests).toEqual([])
    expect(fake.requests).toEqual([])
    expect(run.outputs.verified).toBeUndefined()
  })

  it('in a wait-for gate: the paths come from GetInvalidation', async () => {
    edge.seed('/a~b.js', HOUR)
    const deploy = await step({ 'distribution-id': DIST, paths: '/a~b.js\n/ok.js' })
    expect(deploy.code).toBe(0)
    expect(edge.requests).toEqual([])
    const gate = await step({
      'wait-for': deploy.outputs.invalidations ?? '',
      verify: 'true',
      'verify-url': edge.url,
    })
    expect(gate.code).toBe(1)
    expect(gate.outputs.status).toBe('Completed')
    expect(heading(gate)).toBe('## ❌ CloudFront invalidation: Completed, but 1 URL stale at the edge')
    expect(errors(gate)).toEqual([expect.stringMatching(/^1 URL still serves a copy cached/)])
    expect(json(gate, 'stale-paths')).toEqual(['/a~b.js'])
    expect(edge.requests.map((r) => r.key).sort()).toEqual(['/a~b.js', '/ok.js'])
  })

  it('hostile file names reach neither the log as commands nor the summary as Markdown or HTML', async () => {
    const names = [
      '::error title=X::pwned.html',
      'x##[add-mask]y.html',
      'cr\r::warning::a.html',
      'a|b`<img src=x>`.html',
    ]
    const workspace = site(names)
    edge.seed('/a|b%60%3Cimg%20src=x%3E%60.html', HOUR) // the browser form of the last one
    const run = await step(
      {
        'distribution-id': DIST,
        root: 'site',
        files: '**',
        collapse: 'off',
        verify: 'true',
        'verify-url': edge.url,
      },
      { workspace },
    )
    expect(run.injected).toEqual([])
    expect(json(run, 'stale-paths')).toEqual(['/a|b%60%3Cimg%20src=x%3E%60.html'])
    const section = run.summary.slice(run.summary.indexOf('### Edge verification'))
    expect(section).not.toMatch(/<img|##\[|a\|b/)
    expect(section).toContain(html('/a|b%60%3Cimg%20src=x%3E%60.html'))
  })

  it("goes through the runner's proxy", async () => {
    const proxy = await startProxy()
    stops.push(() => proxy.stop())
    const viaProxy = edge.url.replace('127.0.0.1', 'edge.test') // resolves only through the proxy
    const run = await step(
      { 'distribution-id': DIST, paths: '/x.js', verify: 'true', 'verify-url': viaProxy },
      { env: { HTTP_PROXY: proxy.url, HTTPS_PROXY: proxy.url, NO_PROXY: '', no_proxy: '' } },
    )
    expect(errors(run)).toEqual([])
    expect(proxy.seen.some((s) => s.includes('edge.test'))).toBe(true)
    expect(json(run, 'verified')).toEqual({ [DIST]: tally(1, 0, 0, 0) })
  })
})

/** A workspace with `site/` holding these files. */
function site(files: readonly string[]): string {
  const workspace = mkdtempSync(join(tmpdir(), 'cfi-verify-'))
  for (const f of files) {
    const full = join(workspace, 'site', f)
    mkdirSync(join(full, '..'), { recursive: true })
    writeFileSync(full, f)
  }
  return workspace
}
