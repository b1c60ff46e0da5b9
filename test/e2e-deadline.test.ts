/**
 * End to end through the committed bundle: `timeout` bounds what `diff` waits for (issue 11 §3), a git
 * origin and a GitHub API that accept connections and never answer, and what the AWS SDK waits for
 * before a request goes out (credentials). All are the fake GitHub server, told to stay silent: it stands
 * in for an HTTP git remote and for STS as well (every request is left open).
 */
import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startFakeGitHub, type FakeGitHub } from './support/fake-github.js'
import { checkout, commit, git, makeOrigin, write } from './support/git-repo.js'
import { expectExit, runAction, RUNNER_DEFAULTS, type ActionRun } from './support/run-action.js'

const noAws = { AWS_ENDPOINT_URL_CLOUDFRONT: 'http://127.0.0.1:9', AWS_EC2_METADATA_DISABLED: 'true' }
const TOKEN = 'ghs_e2e-deadline-token'

let temp: string
let gitHub: FakeGitHub
const sha = { C0: '', C1: '' }
let origin: string

beforeAll(async () => {
  temp = mkdtempSync(join(tmpdir(), 'cfi-e2e-deadline-'))
  const repo = makeOrigin(temp)
  origin = repo.origin
  write(repo.author, { 'site/index.html': 'one\n' })
  sha.C0 = commit(repo.author, 'C0')
  write(repo.author, { 'site/index.html': 'two\n' })
  sha.C1 = commit(repo.author, 'C1')
  git(repo.author, 'push', '--quiet', 'origin', 'main')
  gitHub = await startFakeGitHub({ owner: 'octo', repo: 'site', token: TOKEN })
  gitHub.silent(true)
})

afterAll(async () => {
  await gitHub.close()
  rmSync(temp, { recursive: true, force: true })
})

/** A 3 s dry run of `diff` over `site/`, with the API at the silent server. */
function step(workspace: string, diff: string): Promise<ActionRun> {
  return runAction({
    inputs: {
      ...RUNNER_DEFAULTS,
      'distribution-id': 'E2EXAMPLE0000',
      'dry-run': 'true',
      root: 'site',
      diff,
      'github-token': TOKEN,
      timeout: '3s',
    },
    workspace,
    env: { ...noAws, GITHUB_REPOSITORY: 'octo/site', GITHUB_API_URL: gitHub.url },
    timeoutMs: 40_000,
  })
}

/** The step failed, in about its `timeout` (3 s), with the timeout error and nothing else. */
function expectTimedOut(run: ActionRun): void {
  const errors = run.annotations.filter((a) => a.level === 'error').map((a) => a.message)
  expectExit(run, 1)
  expect(errors).toEqual(['timeout 3.0 s reached before any invalidation was created'])
  // Not a timed assertion on speed: before the fix, these runs took 120 s (git) and 300 s (API).
  expect(run.ms).toBeLessThan(20_000)
}

/** Command lines of running processes that talk to the silent server (Linux: /proc through ps). */
function processesTalkingTo(url: string): string[] {
  try {
    return execFileSync('ps', ['-eo', 'args'], { encoding: 'utf8' })
      .split('\n')
      .filter((line) => line.includes(url) && !line.includes('ps -eo'))
  } catch {
    return [] // no ps here: that part is then not checked
  }
}

describe('timeout bounds diff', () => {
  it('git fetch from an origin that never answers: git and its helpers are killed at the deadline', async () => {
    // A shallow clone of C1 lacks C0, so the diff fetches it from origin: the silent server.
    const ws = join(temp, 'shallow')
    checkout(origin, ws, { depth: 1 })
    git(ws, 'remote', 'set-url', 'origin', `${gitHub.url}/octo/site.git`)
    const before = gitHub.requests.length
    const run = await step(ws, `${sha.C0}..${sha.C1}`)
    expectTimedOut(run)
    expect(gitHub.requests.slice(before).some((r) => r.path.startsWith('/octo/site.git/'))).toBe(true)
    expect(processesTalkingTo(gitHub.url)).toEqual([])
  })

  it('a GitHub API that never answers: the request is aborted at the deadline', async () => {
    // Not a git checkout: the diff goes to the API at once.
    const ws = join(temp, 'plain')
    mkdirSync(join(ws, 'site'), { recursive: true })
    writeFileSync(join(ws, 'site', 'index.html'), '')
    const before = gitHub.requests.length
    const run = await step(ws, `${sha.C0}..${sha.C1}`)
    expectTimedOut(run)
    expect(gitHub.requests.slice(before).map((r) => r.path)).toEqual([
      `/repos/octo/site/compare/${sha.C0}...${sha.C1}`,
    ])
  })
})

describe('timeout bounds AWS credentials', () => {
  it('STS that never answers a web identity token: the step ends at its deadline, not minutes later', async () => {
    // How self-hosted runners on EKS (IRSA) get credentials: the SDK exchanges the token with STS before
    // the first CloudFront request, without a timeout of ours and without the step's abort signal.
    const ws = join(temp, 'sts')
    mkdirSync(ws, { recursive: true })
    writeFileSync(join(ws, 'token'), 'web-identity-token')
    const before = gitHub.requests.length
    const run = await runAction({
      inputs: { ...RUNNER_DEFAULTS, 'distribution-id': 'E2EXAMPLE0000', paths: '/index.html', timeout: '3s' },
      workspace: ws,
      env: {
        ...noAws,
        AWS_WEB_IDENTITY_TOKEN_FILE: join(ws, 'token'),
        AWS_ROLE_ARN: 'arn:aws:iam::123456789012:role/deploy',
        AWS_ENDPOINT_URL_STS: gitHub.url,
      },
      timeoutMs: 40_000,
    })
    expectExit(run, 1)
    expect(run.annotations.filter((a) => a.level === 'error').map((a) => a.message)).toEqual([
      "timeout 3.0 s reached before every batch was submitted: 0 invalidations created; 1 batch never submitted (E2EXAMPLE0000: 1 of 1), so their paths were not invalidated. Raise 'timeout'.",
    ])
    expect(run.outputs.status).toBe('Failed')
    expect(gitHub.requests.slice(before).some((r) => r.method === 'POST')).toBe(true) // STS was asked
    // Not a timed assertion on speed: before the fix, this step took 90 s.
    expect(run.ms).toBeLessThan(20_000)
  })
})
