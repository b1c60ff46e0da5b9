/**
 * `diff`: the files under `root` that changed in a range of commits. Orchestrates the pieces: the range
 * (input or event payload), local git (fetching what a shallow clone lacks), then the GitHub API as the
 * fallback, and the rule that decides every step: never invalidate less than what changed.
 */

import { formatCount } from '../format.js'
import { readFile } from 'node:fs/promises'
import { InputError, errorMessage, quote } from '../errors.js'
import { changedPaths, rootPrefix, underRoot } from '../paths/git-diff.js'
import { formatRange, resolveRange, shortRev, type DiffRange } from './event.js'
import { isIgnored, localDiff, locateRoot } from './git.js'
import { voice } from '../voice.js'
import {
  COMPARE_MAX_FILES,
  GitHubAccessError,
  PULL_FILES_MAX,
  compareFiles,
  createGitHubClient,
  pullRequestFiles,
  type ApiFileList,
  type GitHubClient,
  type GitHubRepo,
} from './github-api.js'

/** Where progress goes: `@actions/core` in the action, the console in the CLI, an array in tests. */
export interface DiffLog {
  info(message: string): void
  warning(message: string): void
  notice(message: string): void
  debug(message: string): void
}

/** Everything `changedFiles` needs, read by the caller (inputs and the Actions environment). */
export interface ChangedFilesOptions {
  /** The `diff` input: `auto`, `BASE..HEAD` or `BASE...HEAD` (not empty: empty means off). */
  diff: string
  /** `GITHUB_EVENT_NAME`. */
  eventName: string
  /** The parsed event payload (`GITHUB_EVENT_PATH`, see `readEventPayload`). */
  eventPayload: unknown
  /** Absolute directory `root` is relative to (`GITHUB_WORKSPACE`, or the current directory). */
  workspace: string
  /** The `root` input: the directory whose files are the site. */
  root: string
  /** The `github-token` input, used only when git cannot answer. */
  token?: string | undefined
  /** `GITHUB_REPOSITORY`, split; needed only for the API. */
  repo?: GitHubRepo | undefined
  /** `GITHUB_API_URL`; `@actions/github` reads it itself when not given. */
  apiUrl?: string | undefined
  log: DiffLog
  /** The step's deadline: git is killed and API requests are aborted when it passes. */
  signal?: AbortSignal | undefined
}

/**
 * What changed, in one of three shapes:
 * - `files`: these files under `root` (relative to it) changed; deletes and both names of a rename are in.
 * - `every-file`: there is no range (the push created the branch): take every file under `root` that the
 *   `files` input matches.
 * - `whole-site`: GitHub's list was cut at its limit: the changed files are unknown, so invalidate the
 *   whole site under `prefix` (`/*`). The reason has already been logged as a warning.
 */
export type ChangedFiles =
  | { kind: 'files'; files: string[]; source: 'git' | 'api'; range: string }
  | { kind: 'every-file'; reason: string }
  | { kind: 'whole-site'; reason: string }

/**
 * The files under `root` changed in the range `diff` names. Tries local git first; when the clone lacks
 * the commits and origin will not give them, asks the GitHub API (compare, or a pull request's files).
 * Throws an `InputError` naming `diff`, `github-token` or `root` for what the user must fix.
 */
export async function changedFiles(options: ChangedFilesOptions): Promise<ChangedFiles> {
  const { log } = options
  const range = resolveRange(options.eventName, options.eventPayload, options.diff)
  if (range.kind === 'new-ref') {
    log.notice(range.reason)
    return { kind: 'every-file', reason: range.reason }
  }
  log.info(`Listing the files changed in ${rangeLabel(range)}`)

  const { signal } = options
  const location = await locateRoot(options.workspace, options.root, signal)
  let prefix: string
  let gitFailed: string
  // What the API is asked: the range, with the revisions git resolved here as SHAs (an input `HEAD` is
  // the commit checked out here, not the head of GitHub's default branch).
  let asked: DiffRange = range
  if (location !== undefined) {
    prefix = location.prefix
    const local = await localDiff(location, range, log, signal)
    if (local.ok) {
      const files = underRoot(changedPaths(local.entries), prefix)
      const shown = formatRange({ base: local.base, head: local.head, mode: range.mode })
      log.info(`git: ${count(files.length)} changed under ${quote(options.root)} in ${shortRange(range)}`)
      if (files.length === 0 && prefix !== '' && (await isIgnored(location.top, prefix, signal))) {
        log.warning(
          `${voice().option('root')} ${quote(options.root)} is ignored by git, so no change to it can show in a diff: ` +
            `${voice().option('diff')} works when the deployed files are committed`,
        )
      }
      return { kind: 'files', files, source: 'git', range: shown }
    }
    gitFailed = local.reason
    asked = { ...range, ...local.resolved }
  } else {
    // No repository: assume the workspace is the repository's top level, as actions/checkout makes it.
    const fromTop = rootPrefix(options.root)
    if (fromTop === undefined) {
      throw new InputError(
        'root',
        `${quote(options.root)} is outside the repository, so ${voice().option('diff')} cannot apply`,
      )
    }
    prefix = fromTop
    gitFailed = `${options.workspace} is not a git checkout`
  }

  log.info(`Local git cannot list the changes (${gitFailed}); asking the GitHub API`)
  const listed = await fromApi(asked, options, gitFailed)
  if (listed.kind !== 'files') {
    log.warning(listed.reason)
    return listed
  }
  const files = underRoot(listed.paths, prefix)
  log.info(`GitHub API: ${count(files.length)} changed under ${quote(options.root)} in ${shortRange(asked)}`)
  return { kind: 'files', files, source: 'api', range: formatRange(asked) }
}

type ApiAnswer = { kind: 'files'; paths: string[] } | { kind: 'whole-site'; reason: string }

/** The changed repository files from the API, or why the whole site must go instead. */
async function fromApi(
  range: DiffRange,
  options: ChangedFilesOptions,
  gitFailed: string,
): Promise<ApiAnswer> {
  const { repo } = options
  const advice = voice().moreHistory
  if (!options.token) {
    throw new InputError(
      'github-token',
      `is empty, and git cannot list the changes in ${shortRange(range)} (${gitFailed}); ${advice}, ` +
        `or give a token with 'contents: read' so the GitHub API can`,
    )
  }
  if (repo === undefined) {
    throw new InputError(
      'diff',
      `git cannot list the changes in ${shortRange(range)} (${gitFailed}), and the GitHub repository to ` +
        `ask instead is unknown (set GITHUB_REPOSITORY=owner/name); or ${advice}`,
    )
  }
  const client = await createGitHubClient(options.token, options.apiUrl)
  const { signal } = options
  try {
    if (range.mode === 'merge-base' && range.pullRequest !== undefined) {
      const list = await pullRequestFiles(client, repo, range.pullRequest, range.changedFiles, signal)
      if (list.cut) {
        return {
          kind: 'whole-site',
          reason:
            `GitHub's file list of pull request #${range.pullRequest} may be incomplete (it stops at ` +
            `${formatCount(PULL_FILES_MAX)} files, and the pull request has ` +
            `${range.changedFiles ?? 'that many'}), so the whole site is invalidated instead; ${advice} ` +
            `so git can list them all`,
        }
      }
      return { kind: 'files', paths: list.paths }
    }
    return await compareBothWays(client, repo, range, advice, signal)
  } catch (e) {
    if (!(e instanceof GitHubAccessError) || e.status !== 404) throw e
    if (range.origin === 'input') {
      throw new InputError(
        'diff',
        `${quote(options.diff.trim())} cannot be found: not in the local clone (${gitFailed}) nor on GitHub ` +
          `(${e.detail}); check the names, or ${advice} for revisions such as HEAD~3`,
      )
    }
    if (range.forced) {
      // The commit the force-push discarded can be gone everywhere: what it had deployed is unknown.
      return {
        kind: 'whole-site',
        reason:
          `The force-push's previous commit ${shortRev(range.base)} is gone from the clone, origin and ` +
          `GitHub (or the token cannot read the repository), so the whole site is invalidated instead`,
      }
    }
    throw e
  }
}

/**
 * Compare through the API. GitHub compares from the merge base, which for a `tree` range (a push, a
 * rollback, a force-push) misses files changed only on BASE's side; asking `HEAD...BASE` too covers them:
 * any file that differs between the two snapshots differs from the merge base in at least one of them.
 */
async function compareBothWays(
  client: GitHubClient,
  repo: GitHubRepo,
  range: DiffRange,
  advice: string,
  signal: AbortSignal | undefined,
): Promise<ApiAnswer> {
  const lists: ApiFileList[] = []
  const forward = await compareFiles(client, repo, range.base, range.head, signal)
  lists.push(forward)
  const sideways = forward.status === 'behind' || forward.status === 'diverged' || range.forced === true
  if (range.mode === 'tree' && sideways && !forward.cut) {
    lists.push(await compareFiles(client, repo, range.head, range.base, signal))
  }
  if (lists.some((list) => list.cut)) {
    return {
      kind: 'whole-site',
      reason:
        `GitHub's compare lists at most ${COMPARE_MAX_FILES} files and gave that many (or no list) for ` +
        `${shortRange(range)}, so the list may be cut and the whole site is invalidated instead; ${advice} ` +
        `so git can list every file`,
    }
  }
  return { kind: 'files', paths: [...new Set(lists.flatMap((list) => list.paths))].sort() }
}

/**
 * Read the event payload file (`GITHUB_EVENT_PATH`). No path (a local CLI run) gives an empty payload,
 * which `diff: auto` then reports as missing fields.
 */
export async function readEventPayload(path: string | undefined): Promise<unknown> {
  if (!path) return {}
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (e) {
    throw new Error(`Cannot read the event payload ${path}: ${errorMessage(e)}`, { cause: e })
  }
  try {
    return JSON.parse(text) as unknown
  } catch (e) {
    throw new Error(`The event payload ${path} is not JSON: ${errorMessage(e)}`, { cause: e })
  }
}

function rangeLabel(range: DiffRange): string {
  const what =
    range.origin === 'input'
      ? `${voice().option('diff')} ${quote(formatRange(range))}`
      : range.pullRequest !== undefined
        ? `pull request #${range.pullRequest} (${shortRange(range)})`
        : `the ${range.origin}${range.forced ? ' (forced)' : ''} ${shortRange(range)}`
  return what
}

function shortRange(range: DiffRange): string {
  return formatRange({ base: shortRev(range.base), head: shortRev(range.head), mode: range.mode })
}

function count(n: number): string {
  return n === 1 ? '1 file' : `${n} files`
}
