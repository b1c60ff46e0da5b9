/**
 * End to end through the committed bundle: the files inputs name (`paths-file`, `sync-log`; issue 11 §3
 * and §5). Both go through one reader: regular files only, of bounded size, decoded from UTF-8 or from
 * UTF-16 with a byte-order mark. Dry runs: no AWS call.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { expectExit, runAction, RUNNER_DEFAULTS, type ActionRun } from './support/run-action.js'
import { makeSpecialFiles } from './support/special-files.js'

const noAws = { AWS_ENDPOINT_URL_CLOUDFRONT: 'http://127.0.0.1:9', AWS_EC2_METADATA_DISABLED: 'true' }
const posix = process.platform !== 'win32'

let ws: string
let closeSocket: () => Promise<void> = () => Promise.resolve()
beforeAll(async () => {
  ws = mkdtempSync(join(tmpdir(), 'cfi-e2e-input-files-'))
  closeSocket = await makeSpecialFiles(ws)
})
afterAll(async () => {
  await closeSocket()
  rmSync(ws, { recursive: true, force: true })
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
