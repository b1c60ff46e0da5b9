/**
 * The command line: `cloudfront-invalidate [COMMAND] [flags]`. Picks the command, parses its flags by
 * its table, sets up the terminal and the CLI's voice, runs it, and turns what went wrong into one line
 * and an exit code: 0 done, 1 failed, 2 bad flags or arguments (usage). See docs/cli.md.
 */
import { CancelledError, errorMessage, InputError } from '../errors.js'
import { warnIfUnsupportedNode } from '../node-support.js'
import { parseTarget } from '../targets.js'
import { VERSION } from '../version.js'
import { speakAs } from '../voice.js'
import { parseFlags, UsageError, type ParsedArgs } from './args.js'
import { COMMAND_FLAGS, COMMANDS, flagOwners, type Command } from './flags.js'
import { commandHelp, overviewHelp } from './help.js'
import { jsonDocument } from './output.js'
import { Session, type CliHost } from './session.js'
import { colorFor, Terminal } from './terminal.js'
import { cliVoice } from './voice.js'

export { CLI_DEFAULTS, INPUT_NAMES } from './flags.js'
export type { CliHost } from './session.js'

/** Each command, loaded when it runs (the read-only ones never load the planner). */
const RUN: Record<Command, () => Promise<(s: Session) => Promise<number>>> = {
  invalidate: async () => (await import('./commands/invalidate.js')).invalidate,
  list: async () => (await import('./commands/list.js')).list,
  show: async () => (await import('./commands/show.js')).show,
  wait: async () => (await import('./commands/wait.js')).wait,
  distributions: async () => (await import('./commands/distributions.js')).distributions,
}

/** The command named first, or `invalidate` when the arguments start with a flag. */
export function pickCommand(argv: readonly string[]): { command: Command; rest: readonly string[] } {
  const first = argv[0]
  const named = COMMANDS.find((c) => c === first)
  if (named !== undefined) return { command: named, rest: argv.slice(1) }
  if (first === undefined || first.startsWith('-')) return { command: 'invalidate', rest: argv }
  const asTarget = typeof parseTarget(first) !== 'string'
  throw new UsageError(
    `unknown command ${JSON.stringify(first)}; the commands are ${COMMANDS.join(', ')}` +
      (asTarget ? ` (to invalidate it: --distribution-id ${first} --paths PATH)` : ''),
  )
}

/** Parse a command's flags by its table. */
export function parseCommand(command: Command, rest: readonly string[]): ParsedArgs {
  return parseFlags(rest, COMMAND_FLAGS[command], {
    elsewhere: flagOwners(command),
    booleanWords: command === 'invalidate',
  })
}

/** Run the CLI; returns the exit code. */
export async function runCli(argv: readonly string[], host: CliHost = processHost()): Promise<number> {
  const plain = new Terminal(host.stdout, host.stderr, { out: false, err: false })
  // First, before anything can fail in a way an old Node.js explains (the AWS SDK's own nine-line warning
  // is silenced in favour of this one).
  warnIfUnsupportedNode((line) => plain.say(`cloudfront-invalidate: warning: ${line}`), host.nodeVersion)
  if (argv.length === 0 || (argv[0] === 'help' && argv.length === 1)) {
    plain.print(overviewHelp())
    return 0
  }
  let command: Command | undefined
  let args: ParsedArgs
  let explicit = false
  try {
    if (argv[0] === 'help') {
      const { command: topic } = pickCommand(argv.slice(1, 2))
      plain.print(commandHelp(topic))
      return 0
    }
    const picked = pickCommand(argv)
    command = picked.command
    explicit = picked.rest.length < argv.length
    args = parseCommand(command, picked.rest)
  } catch (e) {
    plain.error(`${errorMessage(e)} (see ${helpCommand(command)})`)
    return 2
  }
  if (args.values.get('help') === 'true') {
    // `cloudfront-invalidate --help` alone is the overview; `… list --help` (or invalidate's flags with
    // --help) the command's own page.
    const alone = argv.every((a) => a === '--help' || a === '-h')
    plain.print(explicit || !alone ? commandHelp(command) : overviewHelp())
    return 0
  }
  if (args.values.get('version') === 'true') {
    plain.print(`cloudfront-invalidate ${VERSION}\n`)
    return 0
  }

  const json = args.values.get('json') === 'true'
  const profile = args.values.get('profile')?.trim() || undefined
  const wanted = args.values.get('color') !== 'false' && !json
  const term = new Terminal(host.stdout, host.stderr, {
    out: colorFor(host.stdout, host.env, wanted),
    err: colorFor(host.stderr, host.env, wanted),
  })
  const session = new Session(host, args, term)
  const restore = speakAs(
    cliVoice({
      dryRun: command === 'invalidate',
      json,
      ...(profile === undefined ? {} : { profile }),
      // `wait` takes the gate's list as arguments or standard input; only `-` can make it empty.
      ...(command === 'wait' ? { names: { 'wait-for': 'standard input' } } : {}),
    }),
  )
  // Ctrl-C (SIGINT) or SIGTERM: stop waiting, print what was created (as the action writes its outputs
  // on a cancelled run), clear the progress line, exit 130 (143). A second one ends the process at once.
  const unlisten = host.onCancel?.((signal, again) => {
    if (again) term.clearProgress()
    else session.cancel.abort(new CancelledError(signal))
  })
  let code: number
  try {
    code = await (await RUN[command]())(session)
  } catch (e) {
    term.clearProgress()
    if (e instanceof UsageError || e instanceof InputError) {
      term.error(`${errorMessage(e)} (see ${helpCommand(command)})`)
      return 2
    }
    // --json promises one document on stdout: a command that failed before it had one (an alias no
    // distribution has, a denied first call) still prints one, saying why.
    if (json && !term.printedJson)
      term.printJson(jsonDocument({ error: errorMessage(session.stopReason ?? e) }))
    term.error(errorMessage(session.stopReason ?? e))
    if (session.verbose && e instanceof Error && e.stack) term.say(e.stack)
    code = 1
  } finally {
    unlisten?.()
    restore()
    session.close()
  }
  const cancelled: unknown = session.cancel.signal.reason
  return cancelled instanceof CancelledError && code !== 0 ? cancelExitCode(cancelled.signal) : code
}

/** The exit code of a command stopped by a signal, as shells report it: 128 + its number (Ctrl-C: 130). */
export function cancelExitCode(signal: string): number {
  return 128 + (signal === 'SIGTERM' ? 15 : 2)
}

/** The help to point at after a usage error. */
function helpCommand(command: Command | undefined): string {
  return `'cloudfront-invalidate ${command === undefined ? '' : `${command} `}--help'`
}

/** The real process: its streams and environment; a closed pipe (`| head`) ends the CLI quietly. */
function processHost(): CliHost {
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(0)
    throw e
  })
  return {
    env: process.env,
    stdout: process.stdout,
    stderr: process.stderr,
    readStdin: async () => {
      const chunks: Buffer[] = []
      for await (const chunk of process.stdin) chunks.push(chunk as Buffer)
      return Buffer.concat(chunks).toString('utf8')
    },
    onCancel: (handler) => {
      let signalled: NodeJS.Signals | undefined
      const on = (signal: NodeJS.Signals): void => {
        const again = signalled !== undefined
        signalled ??= signal
        handler(signal, again)
        if (again) process.exit(cancelExitCode(signalled))
        // What is left takes milliseconds; if something still holds the process, do not keep a person
        // (or a CI runner's grace period) waiting.
        setTimeout(() => process.exit(cancelExitCode(signal)), CANCEL_EXIT_MS).unref()
      }
      process.on('SIGINT', on)
      process.on('SIGTERM', on)
      return () => {
        process.off('SIGINT', on)
        process.off('SIGTERM', on)
      }
    },
  }
}

/** After a cancel, the longest the CLI takes to print what it made and exit (as the action, main.ts). */
const CANCEL_EXIT_MS = 4000
