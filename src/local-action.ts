/**
 * Entry point for `npm run local-action` (GitHub's @github/local-action), never part of the bundle.
 *
 * local-action runs an action's `run()` with its own stand-in for @actions/core's public module, and shows
 * the outputs set through it. main.ts talks to the runner through three internal files of @actions/core
 * instead (its public entry loads an HTTP client the action never needs, ~100 ms on every run), which the
 * stand-in does not replace: outputs would go to a file no one reads. This entry runs the same action
 * with an {@link HostIo} built on the public module, so local-action sees every log line, output and the
 * failure; the job summary, which local-action does not display, is printed in a group as well. `run`
 * keeps its annotations within GitHub's limits and stops on a cancel (SIGINT/SIGTERM) here as on the runner.
 */
import * as core from '@actions/core'
import { run as runAction, type HostIo } from './main.js'

/** The runner's side of {@link HostIo} through @actions/core's public API. */
export const publicIo: HostIo = {
  debug: (m) => core.debug(m),
  info: (m) => core.info(m),
  warning: (m) => core.warning(m),
  error: (m) => core.error(m),
  notice: (m) => core.notice(m),
  group: (title, fn) => core.group(title, fn),
  setOutput: (name, value) => core.setOutput(name, value),
  summary: async (markdown) => {
    await core.group('Job summary', () => {
      for (const line of markdown.split('\n')) core.info(line)
      return Promise.resolve()
    })
    // A runner (or a .env that sets GITHUB_STEP_SUMMARY) gives the summary a file as well.
    if (process.env.GITHUB_STEP_SUMMARY) await core.summary.addRaw(markdown).write()
  },
}

/** Run the action through the public @actions/core (see the module comment). */
export async function run(): Promise<void> {
  await runAction(
    {},
    {
      // The public getInput trims by default; local-action's stand-in only when asked.
      getInput: (name) => core.getInput(name, { trimWhitespace: true }),
      io: publicIo,
      setFailed: (message) => core.setFailed(message),
    },
  )
}
