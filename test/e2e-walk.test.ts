/**
 * End to end through the committed bundle: the file walk under hostile trees (issue 11 §2). A pull
 * request controls what is committed under `root`, so symlinks there may form a bomb or lead out of the
 * workspace; the walk must stay linear, inside the workspace and within `timeout`, and one unreadable
 * directory must not fail the run. Dry runs: no AWS call.
 */
import { execFileSync } from 'node:child_process'
import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { expectExit, runAction, RUNNER_DEFAULTS, type ActionRun } from './support/run-action.js'

const noAws = { AWS_ENDPOINT_URL_CLOUDFRONT: 'http://127.0.0.1:9', AWS_EC2_METADATA_DISABLED: 'true' }
const posix = process.platform !== 'win32'

let temp: string
beforeAll(() => {
  temp = mkdtempSync(join(tmpdir(), 'cfi-e2e-walk-'))
})
afterAll(() => {
  // The unreadable directory's test restores its mode; this is in case it failed halfway.
  rmSync(temp, { recursive: true, force: true })
})

let workspaces = 0
/** A fresh workspace holding `site/` with these files (empty), under the per-run temp directory. */
function workspace(files: readonly string[] = []): string {
  const ws = join(temp, `ws-${++workspaces}`)
  mkdirSync(join(ws, 'site'), { recursive: true })
  for (const f of files) write(join(ws, 'site', f))
  return ws
}

function write(path: string): void {
  mkdirSync(dirname(path), { recursive: true })
  writeFileSync(path, '')
}

/** A dry run of `files` over `site/` in the workspace. */
function dryRun(ws: string, inputs: Record<string, string>, wrap?: readonly string[]): Promise<ActionRun> {
  return runAction({
    inputs: {
      ...RUNNER_DEFAULTS,
      'distribution-id': 'E2EXAMPLE0000',
      'dry-run': 'true',
      root: 'site',
      ...inputs,
    },
    workspace: ws,
    env: noAws,
    timeoutMs: 30_000,
    ...(wrap === undefined ? {} : { wrap }),
  })
}

const paths = (run: ActionRun): string[] => (JSON.parse(run.outputs.paths ?? '[]') as string[]).sort()
const messages = (run: ActionRun, level: string): string[] =>
  run.annotations.filter((a) => a.level === level).map((a) => a.message)

describe.runIf(posix)('symlinks under root', () => {
  it('a symlink bomb (20 levels of 2 links to the next) ends at once, each directory walked once per name kind', async () => {
    const ws = workspace()
    for (let i = 0; i <= 20; i++) {
      write(join(ws, 'site', `d${i}`, 'page.html'))
      if (i < 20) for (const link of ['a', 'b']) symlinkSync(`../d${i + 1}`, join(ws, 'site', `d${i}`, link))
    }
    // Under its own name, and through the first link that reaches it (d0/a is d1, d0/a/a is d2, …).
    const expected = [
      ...Array.from({ length: 21 }, (_, i) => `/d${i}/page.html`),
      ...Array.from({ length: 20 }, (_, i) => `/d0/${'a/'.repeat(i + 1)}page.html`),
    ].sort()
    const off = await dryRun(ws, { files: '**/*.html', collapse: 'off', timeout: '20s' })
    expectExit(off, 0)
    expect(paths(off)).toEqual(expected)
    // The default collapse walks the whole tree too, to count it: bounded alike.
    const auto = await dryRun(ws, { files: '**/*.html', timeout: '20s' })
    expectExit(auto, 0)
    expect(auto.outputs.status).toBe('Planned')
  })

  it('follows no symlink out of the workspace (one warning with the count), and those within it', async () => {
    const ws = workspace(['index.html'])
    write(join(ws, 'shared', 'common.html')) // in the workspace, outside root: followed
    symlinkSync('../shared', join(ws, 'site', 'shared'))
    const outside = join(temp, `outside-${workspaces}`)
    write(join(outside, 'secret.html'))
    symlinkSync(outside, join(ws, 'site', 'home')) // a directory outside the workspace
    symlinkSync(join(outside, 'secret.html'), join(ws, 'site', 'key.html')) // a file outside it
    const run = await dryRun(ws, { files: '**/*.html', collapse: 'off' })
    expectExit(run, 0)
    expect(paths(run)).toEqual(['/', '/index.html', '/shared/common.html'])
    expect(messages(run, 'warning')).toEqual([
      `2 symlinks under "site" lead outside the workspace and were not followed (listed in the debug log)`,
    ])
    expect(run.stdout).toContain('::debug::walk skipped home: symlink to outside the workspace')
    expect(run.stdout).toContain('::debug::walk skipped key.html: symlink to outside the workspace')
  })
})

/**
 * How to make a directory unreadable when the tests run as root (as in CI): root reads anything through
 * CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH, so the bundle runs with those two dropped (setpriv, from
 * util-linux). As another user, a directory with mode 000 is enough. `undefined`: neither works here.
 */
const unprivileged = ((): readonly string[] | undefined => {
  if (!posix) return undefined
  if (process.getuid?.() !== 0) return []
  const wrap = ['setpriv', '--bounding-set=-dac_override,-dac_read_search', '--']
  try {
    execFileSync(wrap[0] ?? '', [...wrap.slice(1), 'true'], { stdio: 'ignore' })
    return wrap
  } catch {
    return undefined
  }
})()

describe.runIf(unprivileged !== undefined)('a directory under root that cannot be read', () => {
  it.each([
    ['files, collapse: off', { files: '**/*.html', collapse: 'off' }, ['/a/x.html', '/index.html', '/']],
    ['files, collapse: auto', { files: '**/*.html' }, undefined],
    ['typed paths, the tree counted for collapse: auto', { paths: '/a/x.html' }, ['/a/x.html']],
  ])('%s: skipped with one warning, never a failure', async (_, inputs, expected) => {
    const ws = workspace(['index.html', 'a/x.html', 'locked/y.html', 'locked/deeper/z.html'])
    const locked = join(ws, 'site', 'locked')
    chmodSync(locked, 0o000)
    try {
      const run = await dryRun(ws, inputs, unprivileged)
      expectExit(run, 0)
      expect(messages(run, 'warning')).toEqual([
        `1 directory under "site" could not be read and was skipped: "locked (EACCES)"`,
      ])
      const planned = paths(run)
      if (expected !== undefined) expect(planned).toEqual([...expected].sort())
      expect(planned.some((p) => p.startsWith('/locked/'))).toBe(false)
      expect(planned.length).toBeGreaterThan(0)
    } finally {
      chmodSync(locked, 0o755)
    }
  })
})

describe('timeout', () => {
  it('stops a walk that takes longer, with the usual timeout error', async () => {
    // 1,000 directories: milliseconds to walk even on a fast machine, more than the 1 ms allowed. The walk
    // is synchronous, so the step's timer cannot fire during it: the walk checks the time itself.
    const ws = workspace()
    for (let i = 0; i < 20; i++) {
      mkdirSync(join(ws, 'site', `s${i}`))
      for (let j = 0; j < 50; j++) mkdirSync(join(ws, 'site', `s${i}`, `t${j}`))
    }
    const run = await dryRun(ws, { files: '**/*.html', timeout: '1ms' })
    expectExit(run, 1)
    expect(messages(run, 'error')).toEqual(['timeout 1 ms reached before any invalidation was created'])
  })
})
