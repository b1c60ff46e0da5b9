/**
 * Supply chain: the step's credentials never reach what a workflow run shows or keeps. Sentinel values in
 * AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN and the `github-token` input (GITHUB_TOKEN for the CLI) go
 * through the committed bundle in every way a run can end: success, dry run, input error, AccessDenied,
 * retried 5xx, a release gate (wait-for), `diff` through the GitHub API with the token and with it refused,
 * each also with step debug logging on; then through the CLI with
 * --verbose. None of them may appear, whole or in part, in stdout, stderr, the outputs or the job summary.
 *
 * The runner masks secrets it knows of in the log, but not in outputs or the summary, and not at all in
 * a self-hosted runner's own logs or for the CLI: the action must not print them in the first place.
 */
import { execFile } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { cloudFrontEnv, FakeCloudFront } from './support/fake-cloudfront.js'
import { startFakeGitHub, type FakeGitHub } from './support/fake-github.js'
import { CLI, NODE24, runAction, type ActionRun, RUNNER_DEFAULTS } from './support/run-action.js'

const DIST = 'E2EXAMPLE0000'
const hex = (bytes: number): string => randomBytes(bytes).toString('hex')

// Shaped like the real thing (a 40-character secret key with / and +, a long base64 session token,
// a ghs_ installation token) and random, so any 12-character piece of one is unique to it.
const SECRET_ACCESS_KEY = `Se${hex(9)}/${hex(9)}+${hex(1)}`
const SESSION_TOKEN = `IQoJ${hex(20)}/${randomBytes(60).toString('base64')}+${hex(8)}==`
const GITHUB_TOKEN = `ghs_${hex(18)}`
const SENTINELS = { AWS_SECRET_ACCESS_KEY: SECRET_ACCESS_KEY, AWS_SESSION_TOKEN: SESSION_TOKEN, GITHUB_TOKEN }

/** Every 12-character piece of `secret`, and the whole of it URL- and base64-encoded. */
function needles(secret: string): string[] {
  const pieces = Array.from({ length: secret.length - 11 }, (_, i) => secret.slice(i, i + 12))
  return [...pieces, encodeURIComponent(secret), Buffer.from(secret).toString('base64')]
}

/** What a workflow run shows or keeps of a step: its log (both streams), outputs and summary. */
function visible(run: {
  stdout: string
  stderr: string
  outputs?: Record<string, string>
  summary?: string
}): string {
  return [run.stdout, run.stderr, JSON.stringify(run.outputs ?? {}), run.summary ?? ''].join('\n')
}

/** The names of the sentinels found in `text` (empty when none leaked). */
function leaked(text: string): string[] {
  return Object.entries(SENTINELS)
    .filter(([, secret]) => needles(secret).some((n) => text.includes(n)))
    .map(([name]) => name)
}

const DEBUG = { ACTIONS_STEP_DEBUG: 'true', RUNNER_DEBUG: '1' }

let cloudFront: FakeCloudFront
let gitHub: FakeGitHub
let workspace: string

beforeAll(async () => {
  cloudFront = await FakeCloudFront.start({ distributions: [DIST], completionDelayMs: 100 })
  // Accepts only the sentinel token, so a successful `diff` proves the token really was used.
  gitHub = await startFakeGitHub({ owner: 'octo', repo: 'site', token: GITHUB_TOKEN })
  gitHub.setCompare('v1.0.0', 'v1.1.0', {
    status: 'ahead',
    files: [{ filename: 'site/index.html', status: 'modified' }],
  })
  // No git checkout: `diff` has to ask the GitHub API, with the token.
  workspace = mkdtempSync(join(tmpdir(), 'cfi-secrets-'))
  mkdirSync(join(workspace, 'site'))
  writeFileSync(join(workspace, 'site', 'index.html'), 'hello\n')
})

afterAll(async () => {
  await cloudFront.stop()
  await gitHub.close()
})

beforeEach(() => {
  cloudFront.reset()
  gitHub.requests.length = 0
  gitHub.failAll(undefined)
})

/** The sentinel credentials over the fake's dummy ones, and a GitHub context pointing at the fake. */
function stepEnv(extra: Record<string, string> = {}): Record<string, string> {
  return {
    ...cloudFrontEnv(cloudFront),
    AWS_SECRET_ACCESS_KEY: SECRET_ACCESS_KEY,
    AWS_SESSION_TOKEN: SESSION_TOKEN,
    GITHUB_REPOSITORY: 'octo/site',
    GITHUB_API_URL: gitHub.url,
    GITHUB_EVENT_NAME: 'workflow_dispatch',
    ...extra,
  }
}

function step(inputs: Record<string, string>, env: Record<string, string> = {}): Promise<ActionRun> {
  return runAction({
    inputs: { ...RUNNER_DEFAULTS, 'github-token': GITHUB_TOKEN, ...inputs },
    workspace,
    env: stepEnv(env),
  })
}

interface Scenario {
  name: string
  inputs: Record<string, string>
  /** Faults or state for the fakes before the run; may return more inputs. */
  arrange?: () => Record<string, string> | undefined
  /** What the run must have done, so a scenario cannot pass by quietly doing less. */
  expected: { code: number; status?: string; error?: RegExp; warning?: RegExp }
}

const SCENARIOS: Scenario[] = [
  {
    name: 'a successful run that waits',
    inputs: { 'distribution-id': DIST, paths: '/index.html\n/a b.html', wait: 'true' },
    expected: { code: 0, status: 'Completed' },
  },
  {
    name: 'a dry run',
    inputs: { 'distribution-id': DIST, paths: '/index.html', 'dry-run': 'true' },
    expected: { code: 0, status: 'Planned' },
  },
  {
    name: 'an input error',
    inputs: { 'distribution-id': DIST, paths: '/img/*.png' },
    expected: { code: 1, error: /^Input 'paths'/ },
  },
  {
    name: 'AccessDenied',
    inputs: { 'distribution-id': DIST, paths: '/index.html' },
    arrange: () =>
      void cloudFront.inject({ op: 'CreateInvalidation', kind: 'AccessDenied', times: Infinity }),
    expected: { code: 1, status: 'Failed', error: /access denied to CreateInvalidation/ },
  },
  {
    name: 'a release gate waiting for an earlier step (wait-for)',
    inputs: {},
    arrange: () => {
      const { id } = cloudFront.seedInvalidation(DIST, ['/index.html'], { completesInMs: 300 })
      return { 'wait-for': `${DIST}/${id}`, timeout: '1m' }
    },
    expected: { code: 0, status: 'Completed' },
  },
  {
    name: '5xx beyond the SDK retries, retried by the action',
    inputs: { 'distribution-id': DIST, paths: '/index.html' },
    arrange: () => void cloudFront.inject({ op: 'CreateInvalidation', kind: 'InternalError', times: 4 }),
    expected: { code: 0, status: 'InProgress', warning: /InternalError|retrying/ },
  },
  {
    name: 'diff through the GitHub API with the token',
    inputs: { 'distribution-id': DIST, root: 'site', diff: 'v1.0.0..v1.1.0' },
    expected: { code: 0, status: 'InProgress' },
  },
  {
    name: 'GitHub refusing the token (401)',
    inputs: { 'distribution-id': DIST, root: 'site', diff: 'v1.0.0..v1.1.0' },
    arrange: () => void gitHub.failAll({ error: 401, message: 'Bad credentials' }),
    expected: { code: 1, error: /^Input 'github-token': GitHub answered 401/ },
  },
]

describe('credentials never reach the log, outputs or summary of the action', () => {
  for (const debug of [false, true]) {
    for (const s of SCENARIOS) {
      it(`${s.name}${debug ? ', with step debug logging' : ''}`, async () => {
        const more = s.arrange?.()
        const run = await step({ ...s.inputs, ...more }, debug ? DEBUG : {})
        if (run.code !== s.expected.code) {
          throw new Error(`exit ${run.code}, expected ${s.expected.code}:\n${run.stdout}\n${run.stderr}`)
        }
        if (s.expected.status !== undefined) expect(run.outputs.status).toBe(s.expected.status)
        const messages = (level: string) =>
          run.annotations.filter((a) => a.level === level).map((a) => a.message)
        if (s.expected.error) expect(messages('error').some((m) => s.expected.error?.test(m))).toBe(true)
        if (s.expected.warning)
          expect(messages('warning').some((m) => s.expected.warning?.test(m))).toBe(true)
        // ::debug:: lines are always written (the runner hides them unless debug is on), so the check
        // covers them too; RUNNER_DEBUG=1 also switches on whatever the code logs only in debug mode.
        expect(run.stdout).toContain('::debug::')
        expect(leaked(visible(run))).toEqual([])
      })
    }
  }

  it('signs with the sentinel credentials and sends the sentinel token (the checks above are not vacuous)', async () => {
    const run = await step({ 'distribution-id': DIST, root: 'site', diff: 'v1.0.0..v1.1.0' })
    expect(run.code, run.stdout).toBe(0)
    // The fake refuses unsigned requests, and the only credentials in reach are the sentinels.
    expect(cloudFront.requests.some((r) => r.op === 'CreateInvalidation' && r.status === 201)).toBe(true)
    expect(gitHub.requests[0]?.authorization).toMatch(new RegExp(`^(token|Bearer) ${GITHUB_TOKEN}$`, 'i'))
  })
})

/** The CLI as a user runs it, with the sentinels in its environment. */
async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      NODE24,
      [CLI, ...args],
      {
        cwd: workspace,
        env: { PATH: process.env.PATH, HOME: workspace, ...stepEnv(), GITHUB_TOKEN },
        timeout: 60_000,
      },
      (error, stdout, stderr) => {
        resolve({
          code: error === null ? 0 : typeof error.code === 'number' ? error.code : -1,
          stdout,
          stderr,
        })
      },
    )
  })
}

describe('credentials never reach the output of the CLI with --verbose', () => {
  it('a run that waits', async () => {
    const r = await cli(['--verbose', '--distribution-id', DIST, '--paths', '/index.html', '--wait'])
    expect(r.code, r.stderr).toBe(0)
    expect(r.stdout).toContain('Completed')
    expect(leaked(visible(r))).toEqual([])
  })

  it('a dry run, as JSON', async () => {
    const r = await cli(['--verbose', '--json', '--dry-run', '--distribution-id', DIST, '--paths', '/x'])
    expect(r.code, r.stderr).toBe(0)
    expect(JSON.parse(r.stdout)).toMatchObject({ status: 'Planned' })
    expect(leaked(visible(r))).toEqual([])
  })

  it('AccessDenied', async () => {
    cloudFront.inject({ op: 'CreateInvalidation', kind: 'AccessDenied', times: Infinity })
    const r = await cli(['--verbose', '--distribution-id', DIST, '--paths', '/index.html'])
    expect(r.code).toBe(1)
    expect(r.stderr).toContain('access denied to CreateInvalidation')
    expect(leaked(visible(r))).toEqual([])
  })

  it('diff through the GitHub API with $GITHUB_TOKEN, and with the token refused', async () => {
    const args = ['--verbose', '--distribution-id', DIST, '--root', 'site', '--diff', 'v1.0.0..v1.1.0']
    const ok = await cli(args)
    expect(ok.code, ok.stderr).toBe(0)
    expect(gitHub.requests.length).toBeGreaterThan(0)
    gitHub.failAll({ error: 401, message: 'Bad credentials' })
    const refused = await cli(args)
    expect(refused.code).not.toBe(0)
    expect(refused.stderr).toContain('401')
    expect(leaked(visible(ok) + visible(refused))).toEqual([])
  })
})

describe('the leak check itself', () => {
  it('finds a sentinel whole, in part, URL-encoded or base64-encoded', () => {
    expect(leaked(`x ${SESSION_TOKEN} y`)).toEqual(['AWS_SESSION_TOKEN'])
    expect(leaked(`key=${SECRET_ACCESS_KEY.slice(5, 20)}…`)).toEqual(['AWS_SECRET_ACCESS_KEY'])
    expect(leaked(encodeURIComponent(SESSION_TOKEN))).toEqual(['AWS_SESSION_TOKEN'])
    expect(leaked(Buffer.from(GITHUB_TOKEN).toString('base64'))).toEqual(['GITHUB_TOKEN'])
    expect(leaked('ghs_*** and ***')).toEqual([])
  })
})
