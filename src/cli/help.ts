/**
 * --help for each command: what it does, examples first (clig.dev), the flags from the same tables the
 * parser reads, and the exit codes.
 */
import { DOCS_URL, PACKAGE_NAME } from '../version.js'
import type { FlagSpec } from './args.js'
import { COMMAND_FLAGS, type Command } from './flags.js'

const NAME = 'cloudfront-invalidate'

const TARGET =
  'TARGET is a distribution id (E2EXAMPLE0000), a tenant id (dt_…) or an alternate domain name\n' +
  '(www.example.com, resolved with ListDistributions).'

const CREDENTIALS =
  'Credentials come from the usual AWS chain: --profile or AWS_PROFILE (after `aws sso login` for\n' +
  'SSO), AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, or an instance role.'

interface Page {
  usage: string
  about: string
  examples: string[]
  exit: string
}

const PAGES: Record<Command, Page> = {
  invalidate: {
    usage: `${NAME} [invalidate] --distribution-id TARGET [--paths PATH …] [flags]`,
    about:
      'Invalidates CloudFront paths within the quotas, optionally waiting until they are live. The\n' +
      'default command: the same engine as the GitHub Action, whose inputs are its flags. Logs go to\n' +
      'stderr; the result (a table, or --json) to stdout.',
    examples: [
      `${NAME} --distribution-id E2EXAMPLE0000 --paths /index.html --paths '/css/*' --wait`,
      `${NAME} --distribution-id www.example.com --root public --files '*.html' --dry-run`,
      `${NAME} --distribution-id dt_acme --diff v1.2.0..HEAD --root site --json`,
      `${NAME} --distribution-id E2EXAMPLE0000 --sync-log sync.log --origin-path auto`,
    ],
    exit: '0 done (with --wait: Completed), 1 failed (AWS error, timeout), 2 bad flags or inputs.',
  },
  list: {
    usage: `${NAME} list TARGET [--status S] [--max-items N [--marker M]] [--paths] [flags]`,
    about:
      "Lists a distribution's (or tenant's) invalidations, newest first: id, status and create time,\n" +
      "with --paths each one's paths. Pages through all of them, printing as they come, unless\n" +
      `--max-items says when to stop; then it prints the --marker that continues.\n\n${TARGET}`,
    examples: [
      `${NAME} list E2EXAMPLE0000`,
      `${NAME} list www.example.com --status InProgress --paths`,
      `${NAME} list E2EXAMPLE0000 --max-items 50`,
      `${NAME} list E2EXAMPLE0000 --max-items 50 --marker I2J0I21PCUYOIK`,
      `${NAME} list dt_acme --json | jq -r '.invalidations[].id'`,
    ],
    exit: '0 listed, 1 AWS error (access denied, no such distribution), 2 bad flags or arguments.',
  },
  show: {
    usage: `${NAME} show TARGET/ID [flags]   (or: show TARGET ID)`,
    about: `Shows one invalidation: status, create time, caller reference and its paths.\n\n${TARGET}`,
    examples: [
      `${NAME} show E2EXAMPLE0000/I2J0I21PCUYOIK`,
      `${NAME} show www.example.com I2J0I21PCUYOIK --json`,
    ],
    exit: '0 shown, 1 not found or another AWS error, 2 bad flags or arguments.',
  },
  wait: {
    usage: `${NAME} wait TARGET/ID … [--timeout DURATION] [flags]`,
    about:
      'Waits until every invalidation named is Completed, with a progress line; creates nothing (the\n' +
      "action's wait-for gate). TARGET/* waits for everything in progress on TARGET. `-` reads them from\n" +
      `standard input: the --json of an earlier run, or TARGET/ID lines.\n\n${TARGET}`,
    examples: [
      `${NAME} wait E2EXAMPLE0000/I2J0I21PCUYOIK`,
      `${NAME} wait E2EXAMPLE0000/I2J0I21PCUYOIK dt_acme/I3K1J32QDVZPJL --timeout 5m`,
      `${NAME} wait 'E2EXAMPLE0000/*'`,
      `${NAME} --distribution-id E2EXAMPLE0000 --paths '/*' --json > run.json`,
      `${NAME} wait - < run.json`,
    ],
    exit: '0 all Completed, 1 not found, AWS error or --timeout reached, 2 bad flags or arguments.',
  },
  distributions: {
    usage: `${NAME} distributions [flags]`,
    about:
      "Lists the account's distributions (every page of ListDistributions): id, domain name, whether it\n" +
      'is multi-tenant (then invalidate its dt_ tenants), status and aliases: the ids to pass. Read-only.',
    examples: [`${NAME} distributions`, `${NAME} distributions --json | jq -r '.distributions[].id'`],
    exit: '0 listed, 1 an AWS error (access denied), 2 bad flags.',
  },
}

/** The flags as help lines: `  -v, --verbose   help`, the help texts aligned. */
export function flagLines(flags: readonly FlagSpec[]): string {
  const left = flags.map(
    (f) =>
      `${f.short === undefined ? '    ' : `-${f.short}, `}${f.display ?? `--${f.name}${f.arg ? ` ${f.arg}` : ''}`}`,
  )
  const width = left.reduce((w, l) => Math.max(w, l.length), 0)
  return flags.map((f, i) => `  ${(left[i] ?? '').padEnd(width)}  ${f.help}`).join('\n')
}

/** The exit code of every command stopped by Ctrl-C (SIGINT; 143 for SIGTERM), as shells report it. */
const INTERRUPTED = '130 interrupted (Ctrl-C)'

/** A line cut at the last ', ' that keeps it within 100 columns (help lines stay within a terminal). */
function wrap(line: string, width = 100): string {
  if (line.length <= width) return line
  const at = line.lastIndexOf(', ', width - 1)
  return at === -1 ? line : `${line.slice(0, at + 1)}\n${line.slice(at + 2)}`
}

/** The --help text of a command. */
export function commandHelp(command: Command): string {
  const p = PAGES[command]
  return [
    `Usage: ${p.usage}`,
    '',
    p.about,
    '',
    'Examples:',
    ...p.examples.map((e) => `  ${e}`),
    '',
    'Flags:',
    flagLines(COMMAND_FLAGS[command]),
    '',
    CREDENTIALS,
    '',
    `Docs: ${DOCS_URL}/cli.md`,
    '',
    wrap(`Exit codes: ${p.exit.replace(/\.$/, '')}, ${INTERRUPTED}.`),
    '',
  ].join('\n')
}

/** The overview: `cloudfront-invalidate` alone, `--help`, `help`. */
export function overviewHelp(): string {
  return `Usage: ${NAME} [COMMAND] [flags]

Invalidates Amazon CloudFront caches: exactly the paths you name or that changed, within the quotas,
and can wait until they are live; also lists, shows and waits for invalidations. The same engine as
the GitHub Action, whose inputs are invalidate's flags. npm package: ${PACKAGE_NAME}.
Docs: ${DOCS_URL}/cli.md

Commands:
  invalidate      create invalidations (the default: flags alone mean invalidate)
  list TARGET     a distribution's invalidations, newest first
  show TARGET/ID  one invalidation and its paths
  wait TARGET/ID  wait until invalidations are Completed
  distributions   the account's distributions: ids, domains, aliases, multi-tenant

Examples:
  ${NAME} --distribution-id E2EXAMPLE0000 --paths /index.html --paths '/assets/*' --wait
  ${NAME} --dry-run --distribution-id E2EXAMPLE0000 --root public --files '**/*.html'
  ${NAME} list www.example.com --max-items 20
  ${NAME} show E2EXAMPLE0000/I2J0I21PCUYOIK
  ${NAME} distributions

Every command takes --json (one JSON document on stdout), -v/--verbose, --no-color, -h/--help and
-V/--version; those that call AWS take --profile, --region and --timeout.
Run '${NAME} COMMAND --help' for a command's flags and examples.

${CREDENTIALS}

Exit codes: 0 done, 1 failed, 2 bad flags or arguments, ${INTERRUPTED}.
`
}
