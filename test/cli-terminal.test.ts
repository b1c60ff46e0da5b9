/**
 * What the CLI puts on a terminal, without AWS (dry runs): the plan listing aligned and previewed by
 * lines, GitHub's output limits left to GitHub, colour only where it belongs, the progress line cleared
 * before anything else is written.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { firstLines, Terminal } from '../src/cli/terminal.js'
import { formatCount } from '../src/format.js'
import { cli } from './support/cli.js'

const DIST = 'E2EXAMPLE0000'
let dir: string
/** A paths file of `n` paths `/p1` … `/pN`. */
const pathsFile = (n: number): string => {
  const file = join(dir, `paths-${n}.txt`)
  writeFileSync(file, Array.from({ length: n }, (_, i) => `/p${i + 1}`).join('\n'))
  return file
}
const dryRun = (n: number, ...more: string[]): string[] => [
  '--dry-run',
  '--distribution-id',
  DIST,
  '--paths-file',
  pathsFile(n),
  '--collapse',
  'off',
  ...more,
]

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'cfi-cli-terminal-'))
})
afterAll(() => {
  rmSync(dir, { recursive: true, force: true })
})

describe('the plan listing', () => {
  it.each([50, 2500, 20_000])(
    '%i paths: a preview of 20 indented lines, then the count of the rest',
    async (n) => {
      const r = await cli(dryRun(n))
      expect(r.code).toBe(0)
      const lines = r.stderr.trimEnd().split('\n')
      const batches = Math.ceil(n / 3000)
      expect(lines[0]).toBe(
        `Plan: ${formatCount(n)} distinct paths -> ${batches} ${batches === 1 ? 'batch' : 'batches'} on 1 distribution`,
      )
      // The distribution's line and 19 paths, all indented alike, then what was left out.
      expect(lines.slice(1, 21)).toEqual([
        expect.stringMatching(/^ {2}E2EXAMPLE0000: /),
        ...Array.from({ length: 19 }, (_, i) => `  /p${i + 1}`),
      ])
      expect(lines.slice(21)).toEqual([`  … ${formatCount(n + 1 - 20)} more lines (--verbose shows them)`])
    },
  )

  it('--verbose lists every path, each indented (not only the first of each 2,000)', async () => {
    const r = await cli(dryRun(4500, '--verbose'))
    const paths = r.stderr.split('\n').filter((l) => /^\s*\/p\d+$/.test(l))
    expect(paths).toHaveLength(4500)
    expect(paths.every((l) => l.startsWith('  /p'))).toBe(true)
  })
})

describe("GitHub's output limits are not the CLI's", () => {
  it('--json lists every path, with no warning, past the 256 KiB the action cuts at', async () => {
    const n = 40_000 // ~300 KiB of JSON paths
    const r = await cli(dryRun(n, '--json'))
    expect(r.code).toBe(0)
    const doc = JSON.parse(r.stdout) as { paths: string[]; 'path-count': number }
    expect(doc['path-count']).toBe(n)
    expect(doc.paths).toHaveLength(n)
    expect(r.stderr).not.toMatch(/warning|GitHub/)
  })
})

describe('an unsupported Node.js', () => {
  it('is named in one warning line before anything else, and the command still runs', async () => {
    vi.stubEnv('AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED', undefined)
    try {
      const r = await cli(['--version'], { nodeVersion: 'v20.19.0' })
      expect(r.code).toBe(0)
      expect(r.stderr).toMatch(
        /^cloudfront-invalidate: warning: Node\.js v20\.19\.0 is not supported: use Node\.js 22 or later .*\n$/,
      )
      expect(r.stdout).toMatch(/^cloudfront-invalidate \d/)
      // The AWS SDK's own nine-line warning is silenced in favour of this one.
      expect(process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED).toBe('true')
      expect((await cli(['--version'], { nodeVersion: 'v22.0.0' })).stderr).toBe('')
    } finally {
      vi.unstubAllEnvs()
    }
  })
})

describe('colour', () => {
  const ESC = String.fromCharCode(27)
  it.each<[string, string[], NodeJS.ProcessEnv, boolean, boolean]>([
    ['a terminal', [], {}, true, true],
    ['not a terminal', [], {}, false, false],
    ['NO_COLOR', [], { NO_COLOR: '1' }, true, false],
    ['an empty NO_COLOR (no-color.org: ignored)', [], { NO_COLOR: '' }, true, true],
    ['TERM=dumb', [], { TERM: 'dumb' }, true, false],
    ['--no-color', ['--no-color'], {}, true, false],
    ['--json', ['--json'], {}, true, false],
  ])('%s', async (_, flags, env, tty, coloured) => {
    const r = await cli([...dryRun(3), ...flags], { env, tty })
    expect(r.code).toBe(0)
    expect(r.both.includes(`${ESC}[`)).toBe(coloured)
  })
})

describe('Terminal', () => {
  it('clears the progress line before writing anything, on either stream', () => {
    let screen = ''
    const tty = { write: (t: string) => (screen += t), isTTY: true }
    const term = new Terminal(tty, tty, { out: false, err: false })
    term.progress('E1: 1/1 invalidation(s) Completed')
    term.print('Invalidated 1 path\n')
    term.progress('again')
    term.say('a message')
    expect(screen).toBe(
      '\rE1: 1/1 invalidation(s) Completed\x1b[K\r\x1b[KInvalidated 1 path\n\ragain\x1b[K\r\x1b[Ka message\n',
    )
  })

  it("off a terminal, writes no progress line: the run's own progress report (every 30 s) takes its place", () => {
    let log = ''
    const pipe = { write: (t: string) => (log += t) }
    const term = new Terminal(pipe, pipe, { out: false, err: false })
    term.progress('one')
    term.progress('two')
    term.say('a message')
    expect(log).toBe('a message\n')
  })

  it('makes every write safe for a log: no workflow command, no raw control character', () => {
    let out = ''
    let err = ''
    const term = new Terminal(
      { write: (t: string) => (out += t) },
      { write: (t: string) => (err += t) },
      { out: false, err: false },
    )
    term.print('#x##[add-mask]y\n::error title=X::pwned\n')
    term.say('cr\r::warning::a.html')
    term.say('  ::notice::b')
    term.error('\x1b]0;title\x07 bell')
    expect(out).toBe('#x##%5Badd-mask]y\n%3A:error title=X::pwned\n')
    expect(err).toBe('cr%0D::warning::a.html\n  %3A:notice::b\ncloudfront-invalidate: %1B]0;title%07 bell\n')
    let screen = ''
    const tty = new Terminal(
      { write: () => true },
      { write: (t: string) => (screen += t), isTTY: true },
      {
        out: false,
        err: false,
      },
    )
    tty.progress('E1: ##[group]x')
    expect(screen).toBe('\rE1: ##%5Bgroup]x\x1b[K')
  })

  it('with colour, keeps its own colour codes and escapes every other control character', () => {
    let out = ''
    const tty = { write: (t: string) => (out += t), isTTY: true }
    const term = new Terminal(tty, tty, { out: true, err: true })
    term.print(`${term.paint('out', 'bold', 'ID')}  ${term.status('out', 'Completed')}  \x1b[2J##[x\n`)
    expect(out).toBe('\x1b[1mID\x1b[22m  \x1b[32mCompleted\x1b[39m  %1B[2J##%5Bx\n')
  })

  it('printJson: a document the runner cannot act on, with the same meaning', () => {
    let out = ''
    const term = new Terminal(
      { write: (t: string) => (out += t) },
      { write: () => 0 },
      { out: false, err: false },
    )
    const value = { paths: ['#x##[add-mask]y', 'a\u2028b'], tag: '::error::x' }
    term.printJson(JSON.stringify(value, null, 2))
    expect(out).not.toContain('##[')
    expect(out).not.toMatch(/\u2028/)
    expect(JSON.parse(out)).toEqual(value)
  })

  it.each<[string, number, string[], number]>([
    ['a\nb\nc', 2, ['a', 'b'], 1],
    ['a\nb\nc', 5, ['a', 'b', 'c'], 0],
    ['a\nb\nc', 0, [], 3],
    ['one', 1, ['one'], 0],
  ])('firstLines(%j, %i)', (text, n, head, rest) => {
    expect(firstLines(text, n)).toEqual({ head, rest })
  })
})
