/**
 * main.ts talks to the runner through three modules of @actions/core imported by path, with its own
 * one-line wrappers (see main.ts for why). These tests hold the wrappers to what @actions/core's public
 * API writes for the same calls, so an @actions/core upgrade that changes a command shows up here.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import * as core from '@actions/core'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { logSafe } from '../src/log-safe.js'
import { getInput, io, setFailed, withAnnotationBudget } from '../src/main.js'

/**
 * Messages that need escaping in a workflow command (`%`, CR, LF, and `::` / `,` in properties), and
 * ones log-safe.ts changes first (a CR, `::` at a line start, `##[`).
 */
const MESSAGES = [
  'plain',
  '100% done',
  'two\nlines\r\nand CR',
  '::error::not a command',
  'a, b: c',
  '',
  'x##[add-mask]y',
  'a\n  ::warning::b',
]

let dir: string
let written: string[]
const saved = { ...process.env }

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'cfi-main-'))
  written = []
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    written.push(String(chunk))
    return true
  })
})

afterEach(() => {
  vi.restoreAllMocks()
  process.env = { ...saved }
  process.exitCode = undefined
  rmSync(dir, { recursive: true, force: true })
})

/** What `fn` writes to stdout. */
function stdout(fn: () => void): string {
  written = []
  fn()
  return written.join('')
}

describe('main.ts writes what @actions/core writes for the log-safe message', () => {
  it.each(MESSAGES)('debug, info, warning, notice: %j', (m) => {
    const safe = logSafe(m)
    expect(stdout(() => io.debug(m))).toBe(stdout(() => core.debug(safe)))
    expect(stdout(() => io.info(m))).toBe(stdout(() => core.info(safe)))
    expect(stdout(() => io.warning(m))).toBe(stdout(() => core.warning(safe)))
    expect(stdout(() => io.error(m))).toBe(stdout(() => core.error(safe)))
    expect(stdout(() => io.notice(m))).toBe(stdout(() => core.notice(safe)))
    expect(stdout(() => io.warning(m))).toMatch(/^::warning::/)
  })

  it.each(MESSAGES)('within the annotation budget, the same commands: %j', (m) => {
    const safe = logSafe(m)
    const { io: budgeted, annotations } = withAnnotationBudget(io)
    // Warnings are logged at once and annotated when the step ends (folded by kind): same command.
    const warned = stdout(() => {
      budgeted.warning(m)
      annotations.flush()
    })
    expect(warned.endsWith(stdout(() => core.warning(safe)))).toBe(true)
    expect(stdout(() => budgeted.error?.(m))).toBe(stdout(() => core.error(safe)))
  })

  it.each(MESSAGES)('never writes a command of its own making: %j', (m) => {
    const text = stdout(() => {
      io.debug(m)
      io.info(m)
      io.warning(m)
      io.notice(m)
      setFailed(m)
    })
    process.exitCode = undefined
    expect(text).not.toMatch(/\r|##\[/)
    const lines = text.split('\n').filter((l) => l.trimStart().startsWith('::'))
    expect(lines.every((l) => /^::(debug|warning|notice|error)::/.test(l))).toBe(true)
  })

  it('group: the same group and endgroup commands around the output, and the result passed on', async () => {
    written = []
    const ours = await io.group('Plan: 3 path(s)', () => {
      io.info('inside')
      return Promise.resolve(42)
    })
    const ourText = written.join('')
    written = []
    const theirs = await core.group('Plan: 3 path(s)', () => {
      core.info('inside')
      return Promise.resolve(42)
    })
    expect(ours).toBe(theirs)
    expect(ourText).toBe(written.join(''))
    expect(ourText).toContain('::group::Plan: 3 path(s)')
  })

  it('setOutput: the same GITHUB_OUTPUT entries (delimiters are random, so compared without them)', () => {
    const entries = (file: string): string =>
      readFileSync(file, 'utf8').replace(/ghadelimiter_[0-9a-f-]+/g, 'DELIM')
    const values: [string, string][] = [
      ['paths', '["/a b.html","/%C3%A9/"]'],
      ['status', 'Completed'],
      ['multi', 'line one\nline two'],
      ['empty', ''],
    ]
    for (const [who, set] of [
      ['ours', (name: string, value: string) => io.setOutput(name, value)],
      ['core', (name: string, value: string) => core.setOutput(name, value)],
    ] as const) {
      const file = join(dir, who)
      writeFileSync(file, '')
      process.env.GITHUB_OUTPUT = file
      for (const [name, value] of values) set(name, value)
    }
    const ours = entries(join(dir, 'ours'))
    expect(ours).toBe(entries(join(dir, 'core')))
    expect(ours).toContain('multi<<DELIM\nline one\nline two\nDELIM')
  })

  it('setOutput without GITHUB_OUTPUT: the same set-output command', () => {
    delete process.env.GITHUB_OUTPUT
    const value = 'a\nb % c'
    expect(stdout(() => io.setOutput('x', value))).toBe(stdout(() => core.setOutput('x', value)))
  })

  it('summary: the same file content', async () => {
    // One file for both: it is the same summary object (core caches the file's path on first write).
    const file = join(dir, 'summary.md')
    writeFileSync(file, '')
    process.env.GITHUB_STEP_SUMMARY = file
    await io.summary('## Plan\n\n| a | b |\n')
    const ours = readFileSync(file, 'utf8')
    writeFileSync(file, '')
    await core.summary.addRaw('## Plan\n\n| a | b |\n').write()
    expect(ours).toBe(readFileSync(file, 'utf8'))
    expect(ours).toContain('| a | b |')
  })

  it('summary: no file is no failure, and no write', async () => {
    delete process.env.GITHUB_STEP_SUMMARY
    await expect(io.summary('x')).resolves.toBeUndefined()
  })

  it.each(MESSAGES)('setFailed: the same error command and exit code: %j', (m) => {
    const ours = stdout(() => setFailed(m))
    expect(process.exitCode).toBe(1)
    process.exitCode = undefined
    expect(ours).toBe(stdout(() => core.setFailed(logSafe(m))))
    expect(process.exitCode).toBe(1)
  })

  it('getInput: the same value for names with spaces and hyphens, trimmed, or empty', () => {
    process.env['INPUT_DISTRIBUTION-ID'] = '  E2EXAMPLE0000 \n'
    process.env.INPUT_MY_INPUT = 'x'
    for (const name of ['distribution-id', 'Distribution-Id', 'my input', 'missing']) {
      expect(getInput(name)).toBe(core.getInput(name))
    }
    expect(getInput('distribution-id')).toBe('E2EXAMPLE0000')
  })
})
