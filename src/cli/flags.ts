/**
 * Every flag of every subcommand, as tables the parser (args.ts) and --help (help.ts) both read, so a
 * flag cannot be accepted without being documented or documented without being accepted.
 */
import type { FlagSpec } from './args.js'

/** `--region`: an action input (`aws-region`, its older flag name) that the read-only commands use too. */
const REGION: FlagSpec = {
  name: 'region',
  input: 'aws-region',
  aliases: ['aws-region'],
  kind: 'value',
  arg: 'REGION',
  help: 'region the SDK signs for (default $AWS_REGION, else us-east-1)',
}

const TIMEOUT: FlagSpec = {
  name: 'timeout',
  input: 'timeout',
  kind: 'value',
  arg: 'DURATION',
  help: 'budget for the whole command: 90s, 15m, 1h; at most 596h (default 15m)',
}

/** `--on-timeout`: the action's `on-timeout`; `wait` takes it too (a gate can time out the same way). */
const ON_TIMEOUT: FlagSpec = {
  name: 'on-timeout',
  input: 'on-timeout',
  kind: 'value',
  arg: 'MODE',
  help: 'fail (default), or warn: a timeout once all is sent exits 0, warning',
}

/** Edge verification: the action's `verify*` inputs and `on-stale`; `wait` takes them too, as a gate does. */
const VERIFY_FLAGS: readonly FlagSpec[] = [
  {
    name: 'verify',
    input: 'verify',
    kind: 'boolean',
    help: 'once Completed, check a sample of the URLs at the edge (implies --wait)',
  },
  {
    name: 'verify-url',
    input: 'verify-url',
    kind: 'value',
    arg: 'URL',
    help: "base URL to check at (default https:// + the distribution's domain)",
  },
  {
    name: 'verify-sample',
    input: 'verify-sample',
    kind: 'value',
    arg: 'N',
    help: 'most URLs checked per distribution, 1-200 (default 20)',
  },
  {
    name: 'on-stale',
    input: 'on-stale',
    kind: 'value',
    arg: 'MODE',
    help: 'fail (default), or warn: a URL still stale at the edge only warns',
  },
]

/**
 * The invalidate command's flags that are the action's inputs, in action.yml's order (a test keeps the
 * two lists equal).
 */
export const INPUT_FLAGS: readonly FlagSpec[] = [
  {
    name: 'distribution-id',
    input: 'distribution-id',
    kind: 'list',
    arg: 'ID',
    help: 'distribution id, dt_ tenant id or domain name; repeat for more',
  },
  {
    name: 'tenants',
    input: 'tenants',
    kind: 'list',
    arg: 'all|PATTERN',
    help: 'their tenants instead: all, or a name/domain pattern; repeat for more',
  },
  { name: 'paths', input: 'paths', kind: 'list', arg: 'PATH', help: 'a path or #tag; repeat for more' },
  { name: 'paths-file', input: 'paths-file', kind: 'value', arg: 'FILE', help: 'one path per line' },
  {
    name: 'root',
    input: 'root',
    kind: 'value',
    arg: 'DIR',
    help: 'directory served at the site root (default .)',
  },
  {
    name: 'files',
    input: 'files',
    kind: 'list',
    arg: 'PATTERN',
    help: "files under --root to invalidate, e.g. '**/*.html'; repeat for more",
  },
  {
    name: 'diff',
    input: 'diff',
    kind: 'value',
    arg: 'RANGE',
    help: "only files changed in BASE..HEAD (or 'auto' in GitHub Actions)",
  },
  { name: 'prefix', input: 'prefix', kind: 'value', arg: 'PATH', help: 'URL prefix for files (default /)' },
  {
    name: 'index-document',
    input: 'index-document',
    kind: 'value',
    arg: 'NAME',
    off: '',
    help: 'also invalidate a/ for a/NAME (default index.html; --no-index-document)',
  },
  {
    name: 'github-token',
    input: 'github-token',
    kind: 'value',
    arg: 'TOKEN',
    help: 'for --diff when git history is not enough (default $GITHUB_TOKEN)',
  },
  {
    name: 'sync-log',
    input: 'sync-log',
    kind: 'value',
    arg: 'FILE',
    help: "invalidate what an 'aws s3 sync' (or s5cmd) log changed",
  },
  {
    name: 'origin-path',
    input: 'origin-path',
    kind: 'value',
    arg: 'PREFIX',
    help: "S3 key prefix served at /, cut from sync-log keys ('auto' reads it)",
  },
  {
    name: 'collapse',
    input: 'collapse',
    kind: 'value',
    arg: 'auto|off',
    off: 'off',
    help: 'wildcards for mostly-changed directories (default auto; --no-collapse)',
  },
  {
    name: 'max-paths',
    input: 'max-paths',
    kind: 'value',
    arg: 'N',
    help: 'cap billed paths per distribution',
  },
  {
    name: 'batch-size',
    input: 'batch-size',
    kind: 'value',
    arg: 'N',
    help: 'paths per request, 1-3000 (default 3000)',
  },
  {
    name: 'max-concurrency',
    input: 'max-concurrency',
    kind: 'value',
    arg: 'N',
    help: 'CloudFront requests in flight at most, 1-50 (default 16)',
  },
  { name: 'wait', input: 'wait', kind: 'boolean', help: 'wait until every invalidation is Completed' },
  TIMEOUT,
  ON_TIMEOUT,
  {
    name: 'caller-reference',
    input: 'caller-reference',
    kind: 'value',
    arg: 'S',
    help: 'fixed CallerReference base: makes a rerun idempotent (default: random)',
  },
  {
    name: 'wait-for',
    input: 'wait-for',
    kind: 'list',
    arg: 'INVS',
    help: 'create none; wait for DIST/ID, DIST/* or DIST/dt_* lines, or JSON',
  },
  {
    name: 'dry-run',
    input: 'dry-run',
    kind: 'boolean',
    help: 'print the plan; no AWS call, no credentials needed',
  },
  REGION,
  ...VERIFY_FLAGS,
]

/** Every input of action.yml, which is also a flag of `invalidate` (a test keeps the two lists equal). */
export const INPUT_NAMES: readonly string[] = INPUT_FLAGS.map((f) => f.input ?? f.name)

/**
 * Defaults the runner would pass from action.yml where an omitted input and an empty one differ
 * (`index-document: ''` turns the directory URL off). A test keeps these equal to action.yml.
 */
export const CLI_DEFAULTS: Readonly<Record<string, string>> = { 'index-document': 'index.html' }

/** The flag that feeds an action input (`aws-region` -> `region`). */
export function flagOf(input: string): string {
  return INPUT_FLAGS.find((f) => f.input === input)?.name ?? input
}

const PROFILE: FlagSpec = {
  name: 'profile',
  kind: 'value',
  arg: 'NAME',
  help: 'AWS profile (default $AWS_PROFILE; for SSO, `aws sso login` first)',
}

/** How the CLI finds AWS: every command that calls AWS has these. */
export const AWS_FLAGS: readonly FlagSpec[] = [PROFILE, REGION, TIMEOUT]

/** Output and help: every command has these. */
export const COMMON_FLAGS: readonly FlagSpec[] = [
  { name: 'json', kind: 'boolean', help: 'print one JSON document on stdout, nothing else' },
  { name: 'verbose', short: 'v', kind: 'boolean', help: 'debug logs, and list every path' },
  {
    name: 'color',
    kind: 'boolean',
    display: '--no-color',
    help: 'no colour (only on a terminal anyway; never with NO_COLOR or --json)',
  },
  { name: 'help', short: 'h', kind: 'boolean', help: 'this help' },
  { name: 'version', short: 'V', kind: 'boolean', help: 'print the version' },
]

export const LIST_FLAGS: readonly FlagSpec[] = [
  {
    name: 'status',
    kind: 'value',
    arg: 'STATUS',
    help: 'only InProgress or only Completed invalidations',
  },
  {
    name: 'max-items',
    kind: 'value',
    arg: 'N',
    help: 'print at most N (after --status), then the marker to continue from',
  },
  { name: 'marker', kind: 'value', arg: 'M', help: 'continue a listing where --max-items stopped' },
  {
    name: 'paths',
    kind: 'boolean',
    help: "each invalidation's paths too (one GetInvalidation per row)",
  },
]

/** Each command's flag table. */
export const COMMAND_FLAGS = {
  invalidate: [...INPUT_FLAGS, PROFILE, ...COMMON_FLAGS],
  list: [...LIST_FLAGS, ...AWS_FLAGS, ...COMMON_FLAGS],
  show: [...AWS_FLAGS, ...COMMON_FLAGS],
  wait: [...AWS_FLAGS, ON_TIMEOUT, ...VERIFY_FLAGS, ...COMMON_FLAGS],
  distributions: [...AWS_FLAGS, ...COMMON_FLAGS],
} as const satisfies Record<string, readonly FlagSpec[]>

export type Command = keyof typeof COMMAND_FLAGS

export const COMMANDS = Object.keys(COMMAND_FLAGS) as Command[]

/** For a flag unknown to one command: the first other command that has it. */
export function flagOwners(command: Command): Map<string, string> {
  const own = new Set(COMMAND_FLAGS[command].flatMap((f) => [f.name, ...(f.aliases ?? [])]))
  const owners = new Map<string, string>()
  for (const c of COMMANDS) {
    if (c === command) continue
    for (const f of COMMAND_FLAGS[c]) {
      for (const n of [f.name, ...(f.aliases ?? [])]) if (!own.has(n) && !owners.has(n)) owners.set(n, c)
    }
  }
  return owners
}
