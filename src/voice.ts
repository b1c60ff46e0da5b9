/**
 * The words the run uses for its options and remedies, which depend on who hosts it. A workflow author
 * writes `wait: true` and fixes credentials with aws-actions/configure-aws-credentials; a terminal user
 * types `--wait` and runs `aws sso login`. Messages are written once, with `voice().option('wait')` where
 * they name an option, and each host picks its voice.
 *
 * Why a module-level voice rather than a parameter: the messages are raised deep in pure modules (inputs,
 * paths, sources, cloudfront/errors) that have no handle on the host, and threading one through every
 * signature for the sake of wording would touch all of them. A process hosts exactly one voice: the action
 * keeps the default, the CLI sets its own at start (and restores the previous one when it returns, so
 * in-process tests stay independent).
 */

export interface Voice {
  /** An option by name: `'wait'` in a workflow, `--wait` on a command line. */
  option(name: string): string
  /**
   * An option given a value, as the user would write it: `wait: true`, `collapse: off` in a workflow;
   * `--wait`, `--no-wait`, `--collapse off` on a command line.
   */
  setting(name: string, value: string | boolean): string
  /** The start of an error line about one option: `Input 'paths'` / `--paths`. */
  inputLabel(name: string): string
  /** What to do when no (valid) AWS credentials are found: one clause, no final full stop. */
  credentials: string
  /** How to give git the history a diff needs. */
  moreHistory: string
  /** How to grant the GitHub token a permission such as `contents: read`. */
  grant(permission: string): string
  /** Where the ids of the invalidations a run made can be read afterwards. */
  results: string
  /** Where the detail of a finding (each stale URL's cause and fix) can be read: the job summary, or the log. */
  details: string
}

/** The action's voice: inputs of the step, remedies in workflow terms. */
export const WORKFLOW_VOICE: Voice = {
  option: (name) => `'${name}'`,
  setting: (name, value) => `${name}: ${String(value)}`,
  inputLabel: (name) => `Input '${name}'`,
  credentials:
    'run aws-actions/configure-aws-credentials before this step (or set AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY), or use dry-run: true to plan without AWS',
  moreHistory: "check out more history (actions/checkout 'fetch-depth: 0')",
  grant: (permission) => `add 'permissions: { ${permission} }' to the job`,
  results: 'the outputs',
  details: 'the job summary',
}

let current: Voice = WORKFLOW_VOICE

/** The voice of this process's host. */
export function voice(): Voice {
  return current
}

/** Speak as `v` from now on; returns a function that restores the previous voice. */
export function speakAs(v: Voice): () => void {
  const before = current
  current = v
  return () => {
    current = before
  }
}
