/**
 * End to end through the committed bundle: `timeout` bounds what `diff` waits for (issue 11 §3), a git
 * origin and a GitHub API that accept connections and never answer. Both are the fake GitHub server,
 * told to stay silent: it stands in for an HTTP git remote as well (every request is left open).
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
