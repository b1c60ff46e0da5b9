/**
 * A fake GitHub REST API over real HTTP on 127.0.0.1, for the `diff` fallback. It answers the two routes
 * the action uses the way GitHub does, limits included:
 * - `GET /repos/{owner}/{repo}/compare/{base}...{head}`: files on the first page only, silently cut at 300;
 * - `GET /repos/{owner}/{repo}/pulls/{n}/files`: pages of `per_page` (default 30, max 100) with a `Link`
 *   header, stopping at 3,000 files.
 * Answers are set per comparison or pull request; any of them can be an HTTP error (401, 403 with rate
 * limit headers, 404...). Every request is logged. Plain erasable TypeScript without test-framework
 * imports, so benchmarks and end-to-end scripts can start it too.
 */

import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

/** A file as GitHub lists it in a compare or a pull request (the fields the action reads). */
export interface FakeFile {
  filename: string
  status: 'added' | 'removed' | 'modified' | 'renamed' | 'copied' | 'changed' | 'unchanged'
  previous_filename?: string
}

/** A successful compare. Leave `files` out to answer without a file list, as GitHub does for huge diffs. */
export interface FakeCompare {
  status: 'ahead' | 'behind' | 'diverged' | 'identical'
  files?: FakeFile[]
}

/** An HTTP error answer, with GitHub's JSON body `{ message, documentation_url }`. */
export interface FakeFailure {
  error: number
  message?: string
  headers?: Record<string, string>
}

/** One request the server received. */
export interface FakeRequest {
  method: string
  /** The path, percent-decoded, without the query. */
  path: string
  query: Record<string, string>
  authorization: string | undefined
}

export interface FakeGitHubOptions {
  /** The only repository the server knows; others answer 404. Default `octo/site`. */
  owner?: string
  repo?: string
  /** When set, requests must carry this token (`token X` or `Bearer X`), else 401 Bad credentials. */
  token?: string
}

export interface FakeGitHub {
  /** Base URL to use as `GITHUB_API_URL`. */
  url: string
  /** Every request received, in order. */
  requests: FakeRequest[]
  /** Set the answer to `compare/{base}...{head}`. Unset comparisons answer 404 like unknown commits. */
  setCompare(base: string, head: string, answer: FakeCompare | FakeFailure): void
  /** Set the files (or an error) of pull request `number`. Unset pull requests answer 404. */
  setPullFiles(number: number, answer: FakeFile[] | FakeFailure): void
  /** Answer every request with this error (or stop, with `undefined`). */
  failAll(failure: FakeFailure | undefined): void
  /**
   * Accept requests (any path: it can stand in for a git remote too) and never answer them, as a server
   * that hangs; `false` answers again. Requests left open are dropped by `close`.
   */
  silent(on: boolean): void
  close(): Promise<void>
}

/** GitHub's limits, as documented for the two routes. */
export const FAKE_COMPARE_MAX_FILES = 300
export const FAKE_PULL_FILES_MAX = 3000

/** `count` distinct modified files named `${dir}/file-0001.html`..., for big answers. */
export function manyFiles(count: number, dir = 'site'): FakeFile[] {
  return Array.from({ length: count }, (_, i) => ({
    filename: `${dir}/file-${String(i + 1).padStart(4, '0')}.html`,
    status: 'modified' as const,
  }))
}

/** Start the server on a free port of 127.0.0.1. */
export async function startFakeGitHub(options: FakeGitHubOptions = {}): Promise<FakeGitHub> {
  const owner = options.owner ?? 'octo'
  const repo = options.repo ?? 'site'
  const compares = new Map<string, FakeCompare | FakeFailure>()
  const pulls = new Map<number, FakeFile[] | FakeFailure>()
  const requests: FakeRequest[] = []
  let failure: FakeFailure | undefined
  let quiet = false
  let url = ''

  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    const parsed = new URL(req.url ?? '/', url)
    const path = decodeURIComponent(parsed.pathname)
    const query = Object.fromEntries(parsed.searchParams)
    const authorization = req.headers.authorization
    requests.push({ method: req.method ?? 'GET', path, query, authorization })
    if (quiet) return

    if (failure !== undefined) return fail(res, failure)
    if (options.token !== undefined) {
      const given = authorization?.replace(/^(token|bearer)\s+/i, '')
      if (given !== options.token) return fail(res, { error: 401, message: 'Bad credentials' })
    }
    const prefix = `/repos/${owner}/${repo}/`
    if (req.method !== 'GET' || !path.startsWith(prefix)) return fail(res, { error: 404 })
    const rest = path.slice(prefix.length)

    const compare = /^compare\/(.+?)\.\.\.(.+)$/.exec(rest)
    if (compare) {
      const answer = compares.get(`${compare[1]}...${compare[2]}`)
      if (answer === undefined) return fail(res, { error: 404 })
      if ('error' in answer) return fail(res, answer)
      return json(res, 200, compareBody(answer, url, owner, repo))
    }

    const pull = /^pulls\/(\d+)\/files$/.exec(rest)
    if (pull) {
      const answer = pulls.get(Number(pull[1]))
      if (answer === undefined) return fail(res, { error: 404 })
      if ('error' in answer) return fail(res, answer)
      return pullPage(res, answer.slice(0, FAKE_PULL_FILES_MAX), parsed)
    }
    return fail(res, { error: 404 })
  }

  const server = createServer(handle)
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => resolve())
  })
  const { port } = server.address() as AddressInfo
  url = `http://127.0.0.1:${port}`

  return {
    url,
    requests,
    setCompare: (base, head, answer) => void compares.set(`${base}...${head}`, answer),
    setPullFiles: (number, answer) => void pulls.set(number, answer),
    failAll: (next) => {
      failure = next
    },
    silent: (on) => {
      quiet = on
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections()
        server.close((error) => (error ? reject(error) : resolve()))
      }),
  }
}

function compareBody(answer: FakeCompare, url: string, owner: string, repo: string): unknown {
  const body: Record<string, unknown> = {
    url: `${url}/repos/${owner}/${repo}/compare`,
    status: answer.status,
    ahead_by: answer.status === 'ahead' || answer.status === 'diverged' ? 1 : 0,
    behind_by: answer.status === 'behind' || answer.status === 'diverged' ? 1 : 0,
    total_commits: 1,
    commits: [],
  }
  // GitHub's silent cut: the first 300 files and not a word about the rest.
  if (answer.files !== undefined) body['files'] = answer.files.slice(0, FAKE_COMPARE_MAX_FILES).map(fileBody)
  return body
}

function fileBody(file: FakeFile): Record<string, unknown> {
  return { sha: '0'.repeat(40), additions: 1, deletions: 0, changes: 1, ...file }
}

/** One page of a pull request's files, with the `Link` header GitHub sends (`next`, `last`, ...). */
function pullPage(res: ServerResponse, files: FakeFile[], url: URL): void {
  const perPage = Math.min(Math.max(Number(url.searchParams.get('per_page') ?? 30) || 30, 1), 100)
  const page = Math.max(Number(url.searchParams.get('page') ?? 1) || 1, 1)
  const last = Math.max(Math.ceil(files.length / perPage), 1)
  const link = (n: number, rel: string): string => {
    const target = new URL(url)
    target.searchParams.set('per_page', String(perPage))
    target.searchParams.set('page', String(n))
    return `<${target.href}>; rel="${rel}"`
  }
  const links: string[] = []
  if (page > 1) links.push(link(page - 1, 'prev'), link(1, 'first'))
  if (page < last) links.push(link(page + 1, 'next'), link(last, 'last'))
  const headers: Record<string, string> = links.length > 0 ? { link: links.join(', ') } : {}
  json(res, 200, files.slice((page - 1) * perPage, page * perPage).map(fileBody), headers)
}

function fail(res: ServerResponse, failure: FakeFailure): void {
  const message = failure.message ?? (failure.error === 404 ? 'Not Found' : `HTTP ${failure.error}`)
  json(
    res,
    failure.error,
    { message, documentation_url: 'https://docs.github.com/rest', status: String(failure.error) },
    failure.headers ?? {},
  )
}

function json(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body)
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    ...headers,
  })
  res.end(text)
}
