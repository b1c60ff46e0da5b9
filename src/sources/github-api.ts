/**
 * The GitHub REST fallback for `diff`, used only when local git cannot list the changed files (a shallow
 * checkout whose remote will not give the missing commits, a force-push whose old commit is gone).
 * `@actions/github` (Octokit) is loaded here on first use, never at start-up: most runs never need it.
 */

import type { getOctokit } from '@actions/github'
import { InputError } from '../errors.js'
import { voice } from '../voice.js'

/** The Octokit client `@actions/github` builds (REST methods and pagination). */
export type GitHubClient = ReturnType<typeof getOctokit>

/** The repository the workflow runs in (`GITHUB_REPOSITORY`, split). */
export interface GitHubRepo {
  owner: string
  repo: string
}

/**
 * Compare lists only the first 300 files, on its first page, and says nothing when there are more.
 * https://docs.github.com/en/rest/commits/commits#compare-two-commits
 */
export const COMPARE_MAX_FILES = 300

/**
 * A pull request's file list stops at 3,000 files.
 * https://docs.github.com/en/rest/pulls/pulls#list-pull-requests-files
 */
export const PULL_FILES_MAX = 3000

/** Files per page of the pull request file list (the most GitHub gives). */
const PER_PAGE = 100

/**
 * Build the client. `apiUrl` defaults to `GITHUB_API_URL` (read by `@actions/github`), so GitHub
 * Enterprise Server works as it is; tests point it at a fake server.
 */
export async function createGitHubClient(token: string, apiUrl?: string): Promise<GitHubClient> {
  const { getOctokit: build } = await import('@actions/github')
  return build(token, apiUrl === undefined ? {} : { baseUrl: apiUrl.replace(/\/+$/, '') })
}

/** One file of a compare or pull request answer: the fields the diff needs. */
export interface ApiFile {
  filename: string
  status: string
  previous_filename?: string | undefined
}

/**
 * The repository-relative files an API file list makes stale, sorted and without repeats: the same rules
 * as for git (`changedPaths`): every file, deletes included, and for a rename the old name as well.
 */
export function apiChangedPaths(files: readonly ApiFile[]): string[] {
  const paths = new Set<string>()
  for (const file of files) {
    paths.add(file.filename)
    if (file.status === 'renamed' && file.previous_filename) paths.add(file.previous_filename)
  }
  return [...paths].sort()
}

/** What the API listed. */
export interface ApiFileList {
  /** Repository-relative changed files (rename sources included). */
  paths: string[]
  /** The list may be incomplete: GitHub stopped at its limit. */
  cut: boolean
}

/** A compare answer: the files, and how HEAD relates to BASE. */
export interface CompareResult extends ApiFileList {
  /** `ahead`, `behind`, `diverged` or `identical`, as GitHub says. */
  status: string
}

/**
 * Compare two commits (`BASE...HEAD`: the changes on HEAD since the merge base). The files come only on
 * the first page and stop at 300 without a word, so 300 files (or none listed at all) counts as cut.
 */
export async function compareFiles(
  client: GitHubClient,
  repo: GitHubRepo,
  base: string,
  head: string,
  signal?: AbortSignal,
): Promise<CompareResult> {
  const what = `compare ${base}...${head} in ${repo.owner}/${repo.repo}`
  try {
    const { data } = await client.rest.repos.compareCommitsWithBasehead({
      ...repo,
      basehead: `${base}...${head}`,
      ...requestSignal(signal),
    })
    const files = data.files
    const cut = files === undefined ? data.status !== 'identical' : files.length >= COMPARE_MAX_FILES
    return { paths: apiChangedPaths(files ?? []), cut, status: data.status }
  } catch (e) {
    signal?.throwIfAborted()
    throw apiError(e, what, 'contents: read')
  }
}

/**
 * List a pull request's files, page by page (GitHub's `Link` header), up to GitHub's 3,000. The list is
 * cut when it reaches 3,000 or holds fewer files than the event's `changed_files` count.
 */
export async function pullRequestFiles(
  client: GitHubClient,
  repo: GitHubRepo,
  pullNumber: number,
  changedFiles?: number,
  signal?: AbortSignal,
): Promise<ApiFileList> {
  const what = `list the files of pull request #${pullNumber} in ${repo.owner}/${repo.repo}`
  try {
    const files = await client.paginate(client.rest.pulls.listFiles, {
      ...repo,
      pull_number: pullNumber,
      per_page: PER_PAGE,
      ...requestSignal(signal),
    })
    const cut = files.length >= PULL_FILES_MAX || (changedFiles !== undefined && changedFiles > files.length)
    return { paths: apiChangedPaths(files), cut }
  } catch (e) {
    signal?.throwIfAborted()
    throw apiError(e, what, 'pull-requests: read')
  }
}

/**
 * The step's deadline for one request (and each page of a paginated one). Given per request, not to the
 * client: Octokit merges a request's `request` options deeply with the client's, whereas a `request` given
 * to the client would replace the proxy agent and fetch `@actions/github` sets there.
 */
function requestSignal(signal: AbortSignal | undefined): { request?: { signal: AbortSignal } } {
  return signal === undefined ? {} : { request: { signal } }
}

/**
 * GitHub refused the token (401, 403) or cannot see the repository or commits (404): an input error on
 * `github-token` that names the permission the job needs. `status` lets the caller tell 404 apart.
 */
export class GitHubAccessError extends InputError {
  override name = 'GitHubAccessError'
  readonly status: number
  constructor(status: number, detail: string) {
    super('github-token', detail)
    this.status = status
  }
}

/** Turn an Octokit failure into one line: a `GitHubAccessError` for 401/403/404, else a plain Error. */
export function apiError(e: unknown, what: string, permission: string): Error {
  const status = httpStatus(e)
  const said = githubMessage(e)
  const answered = `GitHub answered ${status}${said ? ` (${said})` : ''} when asked to ${what}`
  if (status === 401) {
    return new GitHubAccessError(status, `${answered}: the token is missing, expired or revoked`)
  }
  if ((status === 403 || status === 429) && header(e, 'x-ratelimit-remaining') === '0') {
    const reset = Number(header(e, 'x-ratelimit-reset'))
    const when = Number.isFinite(reset) && reset > 0 ? ` until ${new Date(reset * 1000).toISOString()}` : ''
    return new Error(
      `${answered}: the API rate limit is used up${when}; ${voice().moreHistory} so git can answer alone`,
    )
  }
  if (status === 403) {
    return new GitHubAccessError(
      status,
      `${answered}: the token lacks '${permission}'; ${voice().grant(permission)}`,
    )
  }
  if (status === 404) {
    return new GitHubAccessError(
      status,
      `${answered}: the commits are not on GitHub, or the token cannot see the repository (it needs '${permission}')`,
    )
  }
  const reason = status === undefined ? (e instanceof Error ? e.message : String(e)) : answered
  return new Error(`GitHub API: could not ${what}: ${reason}`, { cause: e })
}

function httpStatus(e: unknown): number | undefined {
  const status = field(e, 'status')
  return typeof status === 'number' && status > 0 ? status : undefined
}

/** GitHub's `message` from the error body, else Octokit's own message, on one line. */
function githubMessage(e: unknown): string {
  const body = field(field(e, 'response'), 'data')
  const message = field(body, 'message')
  if (typeof message === 'string') return message.split('\n')[0] ?? ''
  return ''
}

function header(e: unknown, name: string): string | undefined {
  const value = field(field(field(e, 'response'), 'headers'), name)
  return typeof value === 'string' || typeof value === 'number' ? String(value) : undefined
}

function field(value: unknown, key: string): unknown {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[key] : undefined
}
