/**
 * The action's glue to the runner: inputs come from `core.getInput`, logs, outputs and the summary go
 * through @actions/core. This is the only module that imports it.
 */
import * as core from '@actions/core'
import { errorMessage } from './errors.js'
import type { Io } from './io.js'
import { execute, type Deps } from './pipeline.js'

const io: Io = {
  debug: (m) => core.debug(m),
  info: (m) => core.info(m),
  warning: (m) => core.warning(m),
  notice: (m) => core.notice(m),
  group: (title, fn) => core.group(title, fn),
  setOutput: (name, value) => core.setOutput(name, value),
  summary: async (markdown) => {
    // Outside a runner (or with summaries disabled) there is no summary file: that is not a failure.
    if (!process.env.GITHUB_STEP_SUMMARY) return
    try {
      await core.summary.addRaw(markdown).write()
    } catch (e) {
      core.debug(`job summary not written: ${errorMessage(e)}`)
    }
  },
}

/** Run the action. Never throws: a failure is reported with setFailed (one line; the stack only as debug). */
export async function run(deps: Deps = {}): Promise<void> {
  try {
    await execute((name) => core.getInput(name), process.env, io, deps)
  } catch (e) {
    // The runner shows ::debug:: lines only when step debug logging (ACTIONS_STEP_DEBUG) is on.
    if (e instanceof Error && e.stack) core.debug(e.stack)
    core.setFailed(errorMessage(e))
  }
}
