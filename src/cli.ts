/**
 * The command-line face of the action: the same engine and the same names, as `--flags`.
 *
 *   cloudfront-invalidate --distribution-id E2EXAMPLE0000 --paths /index.html --paths '/assets/*' --wait
 *
 * Logs go to stderr; the result (a short report, or JSON with --json) goes to stdout, so it can be piped.
 * Exit codes: 0 success, 1 the run failed, 2 bad flags or inputs.
 */
import { errorMessage, InputError } from './errors.js'
import type { Io } from './io.js'
import { execute } from './pipeline.js'
import { VERSION } from './version.js'

/** Every input of action.yml, which is also every flag (a test keeps the two lists equal). */
export const INPUT_NAMES = [
  'distribution-id',
  'paths',
  'paths-file',
  'root',
  'files',
  'diff',
  'prefix',
  'index-document',
  'github-token',
  'sync-log',
  'origin-path',
  'collapse',
  'max-paths',
  'batch-size',
  'wait',
  'timeout',
  'on-timeout',
  'caller-reference',
  'wait-for',
  'dry-run',
  'aws-region',
  'tenants',
  'max-concurrency',
] as const

/**
 * Defaults the runner would pass from action.yml where an omitted input and an empty one differ
 * (`index-document: ''` turns the directory URL off). A test keeps these equal to action.yml.
 */
export const CLI_DEFAULTS: Readonly<Record<string, string>> = { 'index-document': 'index.html' }

/** Inputs that may be given as a bare flag (`--wait` means `--wait true`). */
const BOOLEAN_FLAGS = new Set(['wait', 'dry-run'])
/** Inputs that take one item per line: a repeated flag adds a line. */
const LIST_FLAGS = new Set(['distribution-id', 'paths', 'files', 'wait-for', 'tenants'])

export interface CliArgs {
  inputs: Map<string, string>
  json: boolean
  verbose: boolean
  help: boolean
  version: boolean
}

/** Parse argv (without node and the script). Throws InputError for an unknown or incomplete flag. */
export function parseArgs(argv: readonly string[]): CliArgs {
  const args: CliArgs = { inputs: new Map(), json: false, verbose: false, help: false, version: false }
  const known = new Set<string>(INPUT_NAMES)
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? ''
    if (arg === '-h' || arg === '--help') args.help = true
    else if (arg === '--version') args.version = true
    else if (arg === '--json') args.json = true
    else if (arg === '-v' || arg === '--verbose') args.verbose = true
    else if (arg.startsWith('--')) {
      const eq = arg.indexOf('=')
      const name = arg.slice(2, eq === -1 ? undefined : eq)
      if (!known.has(name)) {
        throw new InputError(
          `--${name}`,
          `unknown flag; flags are --${INPUT_NAMES.join(', --')}, --json, --verbose, --help`,
        )
      }
      let value: string
      if (eq !== -1) value = arg.slice(eq + 1)
      else if (BOOLEAN_FLAGS.has(name) && (argv[i + 1] === undefined || argv[i + 1]?.startsWith('--')))
        value = 'true'
      else if (argv[i + 1] === undefined) throw new InputError(`--${name}`, 'needs a value')
      else value = argv[++i] ?? ''
      const before = args.inputs.get(name)
      args.inputs.set(name, before !== undefined && LIST_FLAGS.has(name) ? `${before}\n${value}` : value)
    } else {
      throw new InputError(
        'arguments',
        `unexpected ${JSON.stringify(arg)}: every value follows a --flag (see --help)`,
      )
    }
  }
  return args
}

/** Lines of a group shown on a terminal without --verbose. */
const GROUP_PREVIEW = 20

export const HELP = `Usage: cloudfront-invalidate --distribution-id ID [--paths PATH ...] [options]

Invalidates CloudFront paths within the quotas, optionally waiting until they are live.
Same engine and names as the GitHub Action's inputs (see README).

  --distribution-id ID   distribution id(s), dt_ tenant id(s) or domain name(s); repeat or use commas
  --tenants all|PATTERN  their tenants instead: all, or patterns over names and domains; repeat
  --paths PATH           a path or #tag; repeat for more
  --paths-file FILE      one path per line
  --root DIR             directory served at the site root (default .)
  --files PATTERN        files under root to invalidate, e.g. '**/*.html'; repeat for more
  --diff RANGE           only files changed in BASE..HEAD (or 'auto' in GitHub Actions)
  --prefix PATH          URL prefix for files (default /)
  --index-document NAME  also invalidate a/ for a/NAME (default index.html; '' for off)
  --github-token TOKEN   for --diff when git history is not enough (default $GITHUB_TOKEN)
  --sync-log FILE        invalidate what an 'aws s3 sync' (or s5cmd) log changed
  --origin-path PREFIX   S3 key prefix served at the root, stripped from sync-log keys ('auto' reads it)
  --collapse auto|off    collapse mostly-changed directories into wildcards (default auto)
  --max-paths N          cap billed paths per distribution
  --batch-size N         paths per request, 1-3000 (default 3000)
  --max-concurrency N    CloudFront requests in flight at most, 1-50 (default 16)
  --wait                 wait until every invalidation is Completed
  --timeout DURATION     budget for the whole run: 900, 90s, 15m, 1h (default 15m)
  --on-timeout fail|warn warn: a timeout with everything submitted ends 0 with a warning (default fail)
  --caller-reference S   base of the CallerReferences (default: random per run)
  --wait-for INVS        create nothing; wait for these (JSON 'invalidations' output, DIST/ID lines, or a .json file)
  --dry-run              print the plan; no AWS call, no credentials needed
  --aws-region REGION    default $AWS_REGION, else us-east-1
  --json                 print outputs as JSON on stdout
  -v, --verbose          debug logs, and list every path
  -h, --help             this help

Exit codes: 0 done, 1 the run failed, 2 bad flags or inputs.
`

/** Run the CLI; returns the exit code. */
export async function runCli(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  let args: CliArgs
  try {
    args = parseArgs(argv)
  } catch (e) {
    process.stderr.write(`cloudfront-invalidate: ${errorMessage(e)}\n`)
    return 2
  }
  if (args.help || argv.length === 0) {
    process.stdout.write(HELP)
    return 0
  }
  if (args.version) {
    process.stdout.write(`cloudfront-invalidate ${VERSION}\n`)
    return 0
  }
  const outputs = new Map<string, string>()
  const verbose = args.verbose || env.ACTIONS_STEP_DEBUG === 'true'
  const progress = progressLine(process.stderr)
  const err = (m: string): void => {
    progress.clear()
    process.stderr.write(`${m}\n`)
  }
  // Inside a group (a long listing such as the plan's paths) a terminal shows the first lines only.
  let groupLines: number | undefined
  const io: Io = {
    debug: (m) => verbose && err(`debug: ${m}`),
    info: (m) => {
      if (groupLines !== undefined && !verbose && ++groupLines > GROUP_PREVIEW) return
      err(groupLines === undefined ? m : `  ${m}`)
    },
    warning: (m) => err(`warning: ${m}`),
    notice: (m) => !args.json && process.stdout.write(`${m}\n`),
    group: async (title, fn) => {
      err(title)
      groupLines = 0
      try {
        return await fn()
      } finally {
        if (groupLines > GROUP_PREVIEW)
          err(`  … ${groupLines - GROUP_PREVIEW} more lines (--verbose shows them)`)
        groupLines = undefined
      }
    },
    progress: (m) => progress.show(m),
    setOutput: (name, value) => void outputs.set(name, value),
    summary: () => Promise.resolve(),
  }
  let code = 0
  try {
    // Like the action's `${{ github.token }}` default, the token falls back to the environment.
    const read = (name: string): string =>
      args.inputs.get(name) ??
      (name === 'github-token' ? (env.GITHUB_TOKEN ?? '') : (CLI_DEFAULTS[name] ?? ''))
    await execute(read, { ...env, GITHUB_WORKSPACE: undefined }, io)
    progress.clear()
  } catch (e) {
    err(`cloudfront-invalidate: ${errorMessage(e)}`)
    code = e instanceof InputError ? 2 : 1
  }
  if (args.json) {
    const parsed: Record<string, unknown> = {}
    for (const [k, v] of outputs) parsed[k] = /^[[{]/.test(v) ? (JSON.parse(v) as unknown) : v
    process.stdout.write(`${JSON.stringify(parsed, null, 2)}\n`)
  } else if (outputs.size > 0) {
    process.stdout.write(resultTable(outputs))
  }
  return code
}

/** The human result: one row per invalidation, then the counts and the status. */
export function resultTable(outputs: ReadonlyMap<string, string>): string {
  let rows: { distributionId: string; id: string; pathCount: number; status: string }[] = []
  try {
    rows = JSON.parse(outputs.get('invalidations') ?? '[]') as typeof rows
  } catch {
    rows = []
  }
  const lines: string[] = []
  if (rows.length > 0) {
    const table = [
      ['DISTRIBUTION', 'INVALIDATION', 'PATHS', 'STATUS'],
      ...rows.map((r) => [r.distributionId, r.id, String(r.pathCount), r.status]),
    ]
    const widths = [0, 1, 2].map((c) => table.reduce((w, row) => Math.max(w, (row[c] ?? '').length), 0))
    for (const row of table) {
      lines.push(
        row
          .map((cell, c) =>
            c === 2 ? cell.padStart(widths[c] ?? 0) : c < 3 ? cell.padEnd(widths[c] ?? 0) : cell,
          )
          .join('  '),
      )
    }
  }
  lines.push(
    `status: ${outputs.get('status') ?? ''}   paths: ${outputs.get('path-count') ?? ''} (requested ${outputs.get('requested-path-count') ?? ''})   batches: ${outputs.get('batch-count') ?? ''}`,
  )
  return `${lines.join('\n')}\n`
}

/**
 * A status line rewritten in place on a terminal (`\r` and erase-line); elsewhere (a CI log) a line
 * at most every 15 s, so a long wait shows life without flooding the log.
 */
function progressLine(stream: NodeJS.WriteStream): { show(m: string): void; clear(): void } {
  let shown = false
  let last = 0
  return {
    show(m) {
      if (stream.isTTY) {
        stream.write(`\r${m}\x1b[K`)
        shown = true
      } else if (Date.now() - last >= 15_000) {
        last = Date.now()
        stream.write(`${m}\n`)
      }
    },
    clear() {
      if (shown) stream.write('\r\x1b[K')
      shown = false
    },
  }
}
