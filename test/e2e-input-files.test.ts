/**
 * End to end through the committed bundle: the files inputs name (`paths-file`, `sync-log`; issue 11 §3
 * and §5). Both go through one reader: regular files only, of bounded size, decoded from UTF-8 or from
 * UTF-16 with a byte-order mark. Dry runs: no AWS call.
 */
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { expectExit, runAction, RUNNER_DEFAULTS, type ActionRun } from './support/run-action.js'
import { makeSpecialFiles } from './support/special-files.js'

const noAws = { AWS_ENDPOINT_URL_CLOUDFRONT: 'http://127.0.0.1:9', AWS_EC2_METADATA_DISABLED: 'true' }
const posix = process.platform !== 'win32'

let ws: string
/** A folder beside the workspace: the runner's own files, as far as the step is concerned. */
let outside: string
let closeSocket: () => Promise<void> = () => Promise.resolve()
beforeAll(async () => {
  ws = mkdtempSync(join(tmpdir(), 'cfi-e2e-input-files-'))
  outside = mkdtempSync(join(tmpdir(), 'cfi-e2e-input-files-outside-'))
  closeSocket = await makeSpecialFiles(ws)
})
afterAll(async () => {
  await closeSocket()
  rmSync(ws, { recursive: true, force: true })
  rmSync(outside, { recursive: true, force: true })
})

function dryRun(inputs: Record<string, string>): Promise<ActionRun> {
  return runAction({
    inputs: { ...RUNNER_DEFAULTS, 'distribution-id': 'E2EXAMPLE0000', 'dry-run': 'true', ...inputs },
    workspace: ws,
    env: noAws,
    timeoutMs: 20_000,
  })
}

const errors = (run: ActionRun): string[] =>
  run.annotations.filter((a) => a.level === 'error').map((a) => a.message)

const LINES = ['/index.html', '/a b/ü.html', '/assets/*']
const utf16be = (s: string): Buffer => Buffer.from(s, 'utf16le').swap16()

describe('paths-file: decoded like sync-log', () => {
  it.each([
    [
      'UTF-16LE with a BOM (Windows PowerShell 5.1 Out-File, >)',
      Buffer.from(`\ufeff${LINES.join('\r\n')}\r\n`, 'utf16le'),
    ],
    ['UTF-16BE with a BOM', utf16be(`\ufeff${LINES.join('\r\n')}\r\n`)],
    ['UTF-8 with a BOM', Buffer.from(`\ufeff${LINES.join('\n')}\n`)],
  ])('%s', async (name, bytes) => {
    const file = `paths-${name.slice(0, 8)}.txt`
    writeFileSync(join(ws, file), bytes)
    const run = await dryRun({ 'paths-file': file })
    expectExit(run, 0)
    expect(JSON.parse(run.outputs.paths ?? '')).toEqual(['/index.html', '/a%20b/%C3%BC.html', '/assets/*'])
  })
})

describe('paths-file: millions of paths', () => {
  it('lists the first 100,000 in the log and counts the rest, every count exact', async () => {
    // 3.3 million paths once wrote 200 MB of log; the log now stops at 100,000 and says how many more.
    const n = 100_050
    writeFileSync(join(ws, 'many.txt'), Array.from({ length: n }, (_, i) => `/p/${i}.html`).join('\n'))
    const run = await dryRun({ 'paths-file': 'many.txt', collapse: 'off' })
    expectExit(run, 0)
    expect(run.outputs['path-count']).toBe(String(n))
    const listed = run.stdout.split('\n').filter((l) => /^\/p\/\d+\.html$/.test(l))
    expect(listed.length).toBe(100_000)
    expect(listed.at(-1)).toBe('/p/99999.html')
    expect(run.stdout).toContain('… and 50 more paths (only the first 100,000 are listed)\n')
  }, 60_000)
})

describe.runIf(posix)('paths-file and sync-log: regular files of bounded size only', () => {
  const cases: [string, string][] = [
    ['/dev/zero', '"/dev/zero" is a character device, not a regular file'],
    ['fifo', '"fifo" is a FIFO (named pipe), not a regular file'],
    ['socket', '"socket" is a socket, not a regular file'],
    ['folder', '"folder" is a directory, not a file'],
    ['huge.txt', '"huge.txt" is larger than the 256 MiB this action reads'],
  ]
  for (const input of ['paths-file', 'sync-log']) {
    it.each(cases)(`${input}: %s is an input error naming it, at once`, async (file, message) => {
      const run = await dryRun({ [input]: file })
      expectExit(run, 1)
      expect(errors(run)).toEqual([expect.stringContaining(`Input '${input}': ${message}`) as string])
    })
  }
})

describe.runIf(posix)('paths-file and sync-log: a symlink out of the workspace is not followed', () => {
  // A pull request can commit a symlink where the workflow expects its list (`paths-file: pages.txt`),
  // leading to the runner's files: /proc/self/environ, credentials in the home directory. Read, their
  // lines were printed as planned paths, or quoted as lines that are not a sync log.
  for (const input of ['paths-file', 'sync-log']) {
    it(`${input}: an input error naming the link, and nothing of the target in the log or summary`, async () => {
      const secret = join(outside, `${input}.txt`)
      writeFileSync(secret, '/runner-secret-line\nupload: ./runner-secret to s3://bucket/runner-secret\n')
      symlinkSync(secret, join(ws, `${input}-link.txt`))
      const run = await dryRun({ [input]: `${input}-link.txt` })
      expectExit(run, 1)
      expect(errors(run)).toEqual([
        expect.stringMatching(
          new RegExp(`^Input '${input}': "${input}-link\\.txt" leads to ".*", outside the workspace`),
        ) as string,
      ])
      expect(run.stdout + run.stderr + run.summary).not.toContain('runner-secret')
    })
  }

  it('a file the workflow names outside the workspace, and a link within it, are read', async () => {
    writeFileSync(join(outside, 'temp-list.txt'), '/from-runner-temp.html\n')
    writeFileSync(join(ws, 'list.txt'), '/from-workspace.html\n')
    symlinkSync('list.txt', join(ws, 'list-link.txt'))
    for (const [file, path] of [
      [join(outside, 'temp-list.txt'), '/from-runner-temp.html'],
      ['list-link.txt', '/from-workspace.html'],
    ] as const) {
      const run = await dryRun({ 'paths-file': file })
      expectExit(run, 0)
      expect(JSON.parse(run.outputs.paths ?? '')).toEqual([path])
    }
  })
})
