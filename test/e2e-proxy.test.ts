/**
 * Self-hosted runners behind a proxy: CloudFront calls (AWS SDK) and GitHub API calls (Octokit) go
 * through HTTPS_PROXY / HTTP_PROXY unless NO_PROXY names the host. The endpoints are given host names that
 * only the test proxy resolves, so a request that does not use the proxy cannot succeed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { cloudFrontEnv, FakeCloudFront } from './support/fake-cloudfront.js'
import { startFakeGitHub, type FakeGitHub } from './support/fake-github.js'
import { startProxy, type TestProxy } from './support/proxy.js'
import { runAction } from './support/run-action.js'
import { compareFiles, createGitHubClient } from '../src/sources/github-api.js'

const DIST = 'E2EXAMPLE0000'
let fake: FakeCloudFront
let proxy: TestProxy
let github: FakeGitHub
beforeAll(async () => {
  fake = await FakeCloudFront.start({ distributions: [DIST] })
  proxy = await startProxy()
  github = await startFakeGitHub()
})
afterAll(async () => {
  await Promise.all([fake.stop(), proxy.stop(), github.close()])
})

const viaName = (url: string, host: string): string => url.replace('127.0.0.1', host)

describe('CloudFront through a proxy', () => {
  it('tunnels every SDK call through HTTP(S)_PROXY', async () => {
    proxy.seen.length = 0
    const env = {
      ...cloudFrontEnv(fake),
      AWS_ENDPOINT_URL_CLOUDFRONT: viaName(fake.url, 'cloudfront.test'),
      HTTPS_PROXY: proxy.url,
      HTTP_PROXY: proxy.url,
      NO_PROXY: '',
      no_proxy: '', // the runner's tools read the lower-case name first
    }
    const run = await runAction({ inputs: { 'distribution-id': DIST, paths: '/x' }, env })
    expect(run.annotations.filter((a) => a.level === 'error')).toEqual([])
    expect(run.code).toBe(0)
    expect(fake.invalidations(DIST).length).toBeGreaterThan(0)
    expect(proxy.seen.length).toBeGreaterThan(0)
    expect(proxy.seen.every((s) => s.includes('cloudfront.test'))).toBe(true)
  })

  it('goes direct for a host in NO_PROXY', async () => {
    proxy.seen.length = 0
    const env = {
      ...cloudFrontEnv(fake),
      AWS_ENDPOINT_URL_CLOUDFRONT: viaName(fake.url, 'cloudfront.test'),
      HTTP_PROXY: proxy.url,
      HTTPS_PROXY: proxy.url,
      NO_PROXY: 'example.org,.test',
      no_proxy: 'example.org,.test',
    }
    // Direct, the name does not resolve: the step fails (after retrying until its timeout).
    const run = await runAction({ inputs: { 'distribution-id': DIST, paths: '/x', timeout: '3s' }, env })
    expect(run.code).toBe(1)
    expect(proxy.seen).toEqual([])
  })
})

describe('GitHub API through a proxy', () => {
  it('sends Octokit requests through HTTP_PROXY', async () => {
    proxy.seen.length = 0
    github.setCompare('a', 'b', { status: 'ahead', files: [{ filename: 'site/x.html', status: 'modified' }] })
    const saved = { ...process.env }
    process.env.HTTP_PROXY = proxy.url
    process.env.HTTPS_PROXY = proxy.url
    delete process.env.NO_PROXY
    delete process.env.no_proxy
    try {
      const client = await createGitHubClient('t0ken', viaName(github.url, 'github.test'))
      const result = await compareFiles(client, { owner: 'octo', repo: 'site' }, 'a', 'b')
      expect(result.paths).toEqual(['site/x.html'])
    } finally {
      process.env = saved
    }
    expect(proxy.seen.some((s) => s.includes('github.test'))).toBe(true)
  })
})
