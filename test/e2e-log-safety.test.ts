/**
 * End to end, issue 11 §4 and §5: tags, file names and log lines a pull request controls never reach the
 * log as workflow commands, and names no URL can carry are skipped or widened, never sent as garbage.
 * The committed bundle runs as the runner runs it (dry runs: no AWS); `injected` lists every line of its
 * output the runner would act on that the action did not write (test/support/run-action.ts).
 */
import { execFile } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { commit, git } from './support/git-repo.js'
import {
  BUNDLE,
  injectedCommands,
  NODE24,
  runAction,
  RUNNER_DEFAULTS,
  type ActionRun,
} from './support/run-action.js'

const DIST = 'E2EXAMPLE0000'

let temp: string
beforeAll(() => {
  temp = mkdtempSync(join(tmpdir(), 'cfi-e2e-log-safety-'))
})
afterAll(() => rmSync(temp, { recursive: true, force: true }))

/** A dry run with the runner's defaults and `inputs`. */
function dryRun(inputs: Record<string, string>, workspace?: string): Promise<ActionRun> {
  return runAction({
    inputs: { ...RUNNER_DEFAULTS, 'distribution-id': DIST, 'dry-run': 'true', ...inputs },
    ...(workspace === undefined ? {} : { workspace }),
  })
}

function messages(run: ActionRun, level: 'error' | 'warning'): string[] {
  return run.annotations.filter((a) => a.level === level).map((a) => a.message)
}

function pathsOutput(run: ActionRun): string[] {
  return JSON.parse(run.outputs.paths ?? '[]') as string[]
}

/** Fail with the step's log when it did not exit as expected: the assertion alone says too little. */
function expectExit(run: ActionRun, code: number): void {
  if (run.code !== code) throw new Error(`exit ${run.code}, expected ${code}:\n${run.stdout}\n${run.stderr}`)
}

/** File names a pull request could commit, each one a workflow command if printed raw. */
const HOSTILE = [
  '::error title=X::pwned.html',
  'x##[add-mask]y.html',
  'cr\r::warning::a.html',
  'lf\n::notice::b.html',
]
/** The same names as CloudFront paths: encoded, so they could never start or hold a command. */
const HOSTILE_PATHS = [
  '/::error%20title=X::pwned.html',
  '/x%23%23%5Badd-mask%5Dy.html',
  '/cr%0D::warning::a.html',
  '/lf%0A::notice::b.html',
]
/** A file name that is not UTF-8 (Latin-1 é): it reaches the action as U+FFFD. */
const LATIN1 = Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x2e, 0x68, 0x74, 0x6d, 0x6c]) // "caf\xe9.html"

describe('cache tags', () => {
  it('a tag with a CR is an input error whose line injects nothing', async () => {
    const run = await dryRun({ paths: '/index.html\n#ok\r::error title=X::pwned' })
    expectExit(run, 1)
    expect(run.injected).toEqual([])
    expect(messages(run, 'error')).toEqual([
      `Input 'paths': cache tag "#ok\\r::error title=X::pwned" contains a control character (U+000D); a tag is '#' then 1-256 visible ASCII characters other than ',' and '*' (a line that is '#' alone or starts with '# ' is a comment)`,
    ])
    // Before any plan and any AWS call: nothing created, and `status` says Failed (set on every ending).
    expect(run.outputs).toMatchObject({ status: 'Failed', 'invalidation-ids': '[]', 'path-count': '0' })
  })

  it('a bad tag holding `##[` is shown escaped in the error', async () => {
    const run = await dryRun({ paths: '#a##[add-mask]b c' })
    expectExit(run, 1)
    expect(run.injected).toEqual([])
    expect(messages(run, 'error')[0]).toMatch(
      /^Input 'paths': cache tag "#a##%5Badd-mask\]b c" contains a space/,
    )
  })

  it('a valid tag with `##[` is planned and sent as written, and listed escaped', async () => {
    const run = await dryRun({ paths: '# release notes\n#x##[add-mask]y\n/index.html' })
    expectExit(run, 0)
    expect(run.injected).toEqual([])
    expect(pathsOutput(run)).toEqual(['#x##[add-mask]y', '/index.html'])
    expect(run.stdout).toContain('\n#x##%5Badd-mask]y\n')
  })
})

describe('file names from a files walk', () => {
  let root: string
  /** Six nested directories of 120 é: 1.5 KB on disk, 4,326 characters once encoded. */
  const deep = Array.from({ length: 6 }, () => 'é'.repeat(120)).join('/')
  const fiveUrl = `/${Array.from({ length: 5 }, () => '%C3%A9'.repeat(120)).join('/')}/`

  beforeAll(() => {
    root = join(temp, 'walk')
    mkdirSync(join(root, deep), { recursive: true })
    for (const name of ['index.html', ...HOSTILE]) writeFileSync(join(root, name), 'x')
    writeFileSync(Buffer.concat([Buffer.from(`${root}/`), LATIN1]), 'x')
    writeFileSync(join(root, deep, 'a.html'), 'x')
    writeFileSync(join(root, deep, 'b.html'), 'x')
    symlinkSync('missing', join(root, '##[add-mask]broken'))
  })

  it('lists hostile names encoded, skips a name that is not UTF-8, widens a too-long path; nothing injected', async () => {
    const run = await dryRun({ root: 'walk', files: '**', collapse: 'off' }, temp)
    expectExit(run, 0)
    expect(run.injected).toEqual([])
    const paths = pathsOutput(run)
    for (const p of HOSTILE_PATHS) expect(paths).toContain(p)
    expect(paths).toContain(`${fiveUrl}*`)
    expect(paths.every((p) => p.length <= 4000)).toBe(true)
    expect(paths.join('\n')).not.toContain('%EF%BF%BD')
    const warnings = messages(run, 'warning')
    expect(warnings).toContainEqual(
      expect.stringMatching(/^files: 1 file name is not valid UTF-8, so its URL .*: "caf\\uFFFD\.html"$/),
    )
    expect(warnings).toContainEqual(
      expect.stringMatching(
        /^files: 2 files have a URL longer than CloudFront's 4,000 characters; each is invalidated through the wildcard of its nearest directory short enough \("\/%C3%A9/,
      ),
    )
    expect(messages(run, 'error')).toEqual([])
  })
})

describe('file names from a diff', () => {
  it('lists hostile names encoded and skips a name that is not UTF-8; nothing injected', async () => {
    const repo = join(temp, 'repo')
    mkdirSync(repo)
    git(repo, 'init', '--quiet', '--initial-branch=main')
    writeFileSync(join(repo, 'index.html'), 'x')
    const c0 = commit(repo, 'C0')
    for (const name of HOSTILE) writeFileSync(join(repo, name), 'x')
    writeFileSync(Buffer.concat([Buffer.from(`${repo}/`), LATIN1]), 'x')
    const c1 = commit(repo, 'C1')
    const run = await dryRun({ diff: `${c0}..${c1}`, collapse: 'off' }, repo)
    expectExit(run, 0)
    expect(run.injected).toEqual([])
    expect(pathsOutput(run).sort()).toEqual([...HOSTILE_PATHS].sort())
    expect(messages(run, 'warning')).toEqual([
      expect.stringMatching(/^diff: 1 file name is not valid UTF-8, .*: "caf\\uFFFD\.html"$/),
    ])
  })
})

describe('keys from a sync-log', () => {
  it('lists hostile keys encoded, warns about failed ones escaped, skips dot segments and non-UTF-8', async () => {
    const ws = join(temp, 'sync')
    mkdirSync(ws)
    const log = Buffer.concat([
      Buffer.from(
        [
          'upload: public/x##[add-mask]y.html to s3://b/x##[add-mask]y.html',
          'upload: public/::error title=X::pwned.html to s3://b/::error title=X::pwned.html',
          'upload failed: public/f##[add-mask]g.html to s3://b/f##[add-mask]g.html An error occurred (AccessDenied)',
          'upload: public/b.html to s3://b/a/../b.html',
          'upload: public/c.html to s3://b/caf',
        ].join('\n'),
      ),
      Buffer.from([0xe9]),
      Buffer.from('.html\n'),
    ])
    writeFileSync(join(ws, 'sync.log'), log)
    const run = await dryRun({ 'sync-log': 'sync.log', collapse: 'off' }, ws)
    expectExit(run, 0)
    expect(run.injected).toEqual([])
    expect(pathsOutput(run)).toEqual(['/x%23%23%5Badd-mask%5Dy.html', '/::error%20title=X::pwned.html'])
    const warnings = messages(run, 'warning')
    expect(warnings.join('\n')).toContain('f##%5Badd-mask]g.html')
    expect(warnings).toContainEqual(
      expect.stringMatching(/^sync-log: 1 key holds a '\.' or '\.\.' segment.*"a\/\.\.\/b\.html"$/),
    )
    expect(warnings).toContainEqual(
      expect.stringMatching(/^sync-log: 1 file name is not valid UTF-8.*"caf\\uFFFD\.html"$/),
    )
  })
})

describe('the CLI in a workflow', () => {
  /** The CLI as bin/ starts it, on the bundle under test. */
  async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    try {
      const { stdout, stderr } = await promisify(execFile)(NODE24, [BUNDLE, ...args], {
        env: { PATH: process.env.PATH, CLOUDFRONT_INVALIDATE_MODE: 'cli', GITHUB_ACTIONS: 'true' },
      })
      return { code: 0, stdout, stderr }
    } catch (e) {
      const err = e as { code: number; stdout: string; stderr: string }
      return { code: err.code, stdout: err.stdout, stderr: err.stderr }
    }
  }

  it('prints tags and errors escaped on stderr and stdout, JSON with the same meaning', async () => {
    const base = ['--dry-run', '--distribution-id', DIST, '--verbose']
    const listed = await cli([...base, '--paths', '#x##[add-mask]y'])
    expect(listed.code).toBe(0)
    expect(listed.stderr).toContain('#x##%5Badd-mask]y')
    const json = await cli([...base, '--paths', '#x##[add-mask]y', '--json'])
    expect(JSON.parse(json.stdout)).toMatchObject({ paths: ['#x##[add-mask]y'] })
    const bad = await cli([...base, '--paths', '#ok\r::error title=X::pwned', '--paths', '::add-mask::x'])
    expect(bad.code).toBe(2)
    expect(bad.stderr).toContain('cache tag "#ok\\r::error title=X::pwned" contains a control character')
    for (const r of [listed, json, bad]) {
      expect(injectedCommands(r.stdout, undefined)).toEqual([])
      expect(injectedCommands(r.stderr, undefined)).toEqual([])
    }
  })
})
