/**
 * The action's glue to the runner: inputs, logs, outputs and the summary go through @actions/core. This is
 * the only module that imports it.
 *
 * Why the deep imports: @actions/core's entry point imports its OIDC client at load time, and with it
 * @actions/http-client and undici (430 KB bundled). Loading them costs ~100 ms on a 2-core runner, on
 * every run, a third of a typical run's time; this action never asks for an ID token. The package's
 * `exports` map offers no lighter entry (actions/toolkit#1697, #1621; the upstream fix, toolkit#1800,
 * is open), so we import the three small modules that do the work (workflow commands, environment files,
 * the summary) by path and keep, below, the few one-line wrappers of core.ts we use. Same code, same
 * escaping; test/main.test.ts checks each wrapper writes what the public API writes, so a change in
 * @actions/core shows up as a failing test, and a moved file as a failing build.
 */
import { EOL } from 'node:os'
import { issue, issueCommand } from '../node_modules/@actions/core/lib/command.js'
import { issueFileCommand, prepareKeyValueMessage } from '../node_modules/@actions/core/lib/file-command.js'
import { summary } from '../node_modules/@actions/core/lib/summary.js'
import { CancelledError, errorMessage, ReportedFailure } from './errors.js'
import { AnnotationBudget, type Io } from './io.js'
import { logSafe } from './log-safe.js'
import { execute, type Deps } from './pipeline.js'

/** `core.getInput(name)`: the trimmed value of `INPUT_<NAME>` ('' when unset). */
export function getInput(name: string): string {
  return (process.env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] ?? '').trim()
}

/**
 * The runner's side of {@link Io}, each method as @actions/core implements it, for the message made
 * log-safe first (log-safe.ts): the runner reads this output for workflow commands, and a message may
 * carry file names or tags a pull request chose. @actions/core escapes %, CR and LF in a command's
 * message, but not `##[`, and `info` not at all. Each warning and error is an annotation at once: `run`
 * keeps them within GitHub's limits (see {@link withAnnotationBudget}).
 */
export const io: HostIo = {
  debug: (m) => issueCommand('debug', {}, logSafe(m)),
  info: (m) => process.stdout.write(logSafe(m) + EOL),
  warning: (m) => issueCommand('warning', {}, logSafe(m)),
  error: (m) => issueCommand('error', {}, logSafe(m)),
  notice: (m) => issueCommand('notice', {}, logSafe(m)),
  group: async (title, fn) => {
    issue('group', logSafe(title))
    try {
      return await fn()
    } finally {
      issue('endgroup')
    }
  },
  setOutput: (name, value) => {
    if (process.env.GITHUB_OUTPUT) {
      issueFileCommand('OUTPUT', prepareKeyValueMessage(name, value))
    } else {
      // No output file (an old runner, or a local run): the deprecated command, as core falls back to.
      process.stdout.write(EOL)
      issueCommand('set-output', { name }, value)
    }
  },
  summary: async (markdown) => {
    // Outside a runner (or with summaries disabled) there is no summary file: that is not a failure.
    if (!process.env.GITHUB_STEP_SUMMARY) return
    try {
      await summary.addRaw(markdown).write()
    } catch (e) {
      io.debug(`job summary not written: ${errorMessage(e)}`)
    }
  },
}

/** `core.setFailed`: an error annotation, and exit code 1 once the step ends. */
export function setFailed(message: string): void {
  process.exitCode = 1
  issueCommand('error', {}, logSafe(message))
}

/**
 * What a run needs from its host: the light wrappers above on the runner, or @actions/core's public API
 * for `npm run local-action`, which can replace only that (local-action.ts).
 */
export interface Host {
  getInput: (name: string) => string
  io: HostIo
  setFailed: (message: string) => void
}

/** A host's {@link Io}, whose `warning` and `error` each make one annotation at once. */
export type HostIo = Io & Required<Pick<Io, 'error'>>

/**
 * `raw` within GitHub's 10 warning and 10 error annotations per step: warnings logged at once and folded
 * by kind into annotations made at `annotations.flush()` (the end of the step), with their counts; errors
 * annotated at once while there is room (see AnnotationBudget). Both hosts go through it.
 */
export function withAnnotationBudget(raw: HostIo): { io: Io; annotations: AnnotationBudget } {
  const annotations = new AnnotationBudget({
    annotate: (level, m) => (level === 'warning' ? raw.warning(m) : raw.error(m)),
    log: (m) => raw.info(m),
  })
  const io: Io = {
    ...raw,
    warning: (m, kind) => annotations.warning(m, kind),
    error: (m) => annotations.error(m),
  }
  return { io, annotations }
}

/**
 * After a cancel the runner kills the step within a few seconds; outputs and summary take milliseconds,
 * so if anything still holds the process by then, exit rather than be killed mid-write.
 */
const CANCEL_EXIT_MS = 4000

/** Run the action. Never throws: a failure is reported with setFailed (one line; the stack only as debug). */
export async function run(deps: Deps = {}, host: Host = { getInput, io, setFailed }): Promise<void> {
  const { io: stepIo, annotations } = withAnnotationBudget(host.io)
  // A cancelled workflow: stop waiting, write outputs and summary for what exists, exit non-zero.
  const cancel = new AbortController()
  const onSignal = (signal: NodeJS.Signals): void => {
    if (cancel.signal.aborted) return // SIGTERM after SIGINT: already stopping
    cancel.abort(new CancelledError(signal))
    setTimeout(() => process.exit(1), CANCEL_EXIT_MS).unref()
  }
  process.on('SIGINT', onSignal)
  process.on('SIGTERM', onSignal)
  try {
    await execute(host.getInput, process.env, stepIo, { ...deps, signal: cancel.signal })
    annotations.flush()
  } catch (e) {
    // The runner shows ::debug:: lines only when step debug logging (ACTIONS_STEP_DEBUG) is on.
    if (e instanceof Error && e.stack) stepIo.debug(e.stack)
    annotations.flush()
    const held = annotations.heldErrors
    if (e instanceof ReportedFailure && held === 0) {
      // Each error already has its annotation: the last line only counts them.
      process.exitCode = 1
      stepIo.info(`Error: ${e.message}`)
    } else {
      host.setFailed(errorMessage(e) + (held > 0 ? ` (${held} more errors are in the log)` : ''))
    }
  } finally {
    process.off('SIGINT', onSignal)
    process.off('SIGTERM', onSignal)
  }
}
