/**
 * The local git side of `diff`: find the repository, make sure both commits of the range are present
 * (fetching them from `origin` in a shallow checkout), and list the changed files. git is always run with
 * `spawn` and an argument array, never through a shell, so no ref or path is ever parsed by one.
 */

import { stat } from 'node:fs/promises'
import { dirname, relative, resolve, sep } from 'node:path'
import { parseNameStatus, type NameStatusEntry } from '../paths/git-diff.js'
import type { DiffMode } from './event.js'

/** A failed git command: its arguments, exit code and what it printed on stderr. */
export class GitError extends Error {
  override name = 'GitError'
  readonly args: readonly string[]
  /** The exit code, or `undefined` when git could not be started or was killed. */
  readonly code: number | undefined
  readonly stderr: string
  constructor(args: readonly string[], code: number | undefined, stderr: string, cause?: unknown) {
    const detail = stderr.trim().split('\n').at(-1) ?? ''
    super(`git ${args.join(' ')} failed${code === undefined ? '' : ` (exit ${code})`}: ${detail}`, { cause })
    this.args = args
    this.code = code
    this.stderr = stderr
  }
}

/** Options for one git run. */
export interface GitRunOptions {
  /** Kill git after this long; used for fetches, which may wait on the network. */
  timeoutMs?: number
  /** The step's deadline: git is killed when it aborts, and the promise rejects with its reason. */
  signal?: AbortSignal | undefined
}

// A full diff of a monorepo can list hundreds of thousands of names: never let the buffer cut it.
const MAX_BUFFER = 512 * 1024 * 1024
/** Fetches that hang (an unreachable remote, a host key prompt) are abandoned after this long. */
export const FETCH_TIMEOUT_MS = 120_000
/** History depths tried in turn to reach a merge base in a shallow clone before giving up on git. */
export const DEEPEN_STEPS: readonly number[] = [100, 1000]

/**
 * Run git in `cwd` and return its stdout. Throws a `GitError` on a non-zero exit or when `timeoutMs`
 * passes, and the signal's reason when it aborts.
 *
 * git runs in a process group of its own, so that stopping it stops what it started too: a fetch over
 * HTTP waits in a `git remote-http` helper, which outlives a killed git and would keep the connection
 * (and the step's end) waiting as long as the server keeps quiet. While git runs, SIGINT and SIGTERM (a
 * cancelled job, Ctrl-C) stop the group, then take their usual course.
 */
export async function git(
  cwd: string,
  args: readonly string[],
  options: GitRunOptions = {},
): Promise<string> {
  const { signal } = options
  signal?.throwIfAborted()
  // Loaded here, not at the top: only `diff` runs git, and child_process costs ~5 ms to load on every run.
  const { spawn } = await import('node:child_process')
  const group = process.platform !== 'win32' // Windows has no process groups to signal
  return new Promise((resolvePromise, reject) => {
    const child = spawn('git', [...args], {
      cwd,
      detached: group,
      stdio: ['ignore', 'pipe', 'pipe'],
      // Never wait for a password or passphrase on a runner: fail and let the API answer instead.
      env: { ...process.env, GIT_TERMINAL_PROMPT: '0', GCM_INTERACTIVE: 'never' },
    })
    const out: Buffer[] = []
    let outBytes = 0
    let stderr = ''
    let done = false
    const finish = (error: Error | undefined, stdout?: string): void => {
      if (done) return
      done = true
      clearTimeout(timer)
      signal?.removeEventListener('abort', onAbort)
      process.removeListener('SIGINT', onSignal)
      process.removeListener('SIGTERM', onSignal)
      if (error !== undefined) reject(error)
      else resolvePromise(stdout ?? '')
    }
    /** Kill git and everything it started, and settle now: a process outside the group may hold the pipes. */
    const stop = (why: Error): void => {
      if (done) return
      try {
        if (group && child.pid !== undefined) process.kill(-child.pid, 'SIGKILL')
        else child.kill('SIGKILL')
      } catch {
        // Already gone.
      }
      child.stdout.destroy()
      child.stderr.destroy()
      finish(why)
    }
    const onAbort = (): void => {
      stop(signal?.reason instanceof Error ? signal.reason : new Error(String(signal?.reason)))
    }
    const onSignal = (name: NodeJS.Signals): void => {
      stop(new GitError(args, undefined, `stopped by ${name}`))
      // With our handler gone, the signal's default action (exit), unless the host handles it itself.
      if (process.listenerCount(name) === 0) process.kill(process.pid, name)
    }
    const timer =
      options.timeoutMs === undefined
        ? undefined
        : setTimeout(
            () => stop(new GitError(args, undefined, `no answer in ${options.timeoutMs} ms`)),
            options.timeoutMs,
          )
    signal?.addEventListener('abort', onAbort, { once: true })
    process.once('SIGINT', onSignal)
    process.once('SIGTERM', onSignal)
    child.stdout.on('data', (chunk: Buffer) => {
      outBytes += chunk.length
      if (outBytes > MAX_BUFFER) stop(new GitError(args, undefined, `printed more than ${MAX_BUFFER} bytes`))
      else out.push(chunk)
    })
    child.stderr.setEncoding('utf8')
    child.stderr.on('data', (chunk: string) => {
      stderr = (stderr + chunk).slice(-65_536) // only its last line goes into an error: keep the end
    })
    child.on('error', (e) => finish(new GitError(args, undefined, e.message, e)))
    child.on('close', (code) => {
      if (code === 0) finish(undefined, Buffer.concat(out).toString('utf8'))
      else finish(new GitError(args, code ?? undefined, stderr))
    })
  })
}

/**
 * Callers read most git failures as "git cannot answer" and try something else; a deadline that passed
 * is not one of them. Call in such a catch: rethrows the deadline's error when the signal has aborted.
 */
function unlessAborted(signal: AbortSignal | undefined): void {
  signal?.throwIfAborted()
}

/** Where `root` sits in its git repository. */
export interface RepoLocation {
  /** Absolute path of the repository's top level (the working tree root). */
  top: string
  /** `root` relative to `top`, with `/` separators and no trailing slash; `''` when root is the top. */
  prefix: string
  /** Whether the clone is shallow (actions/checkout's default `fetch-depth: 1`). */
  shallow: boolean
}

/**
 * Find the git repository that holds `root` (relative to `workspace`). The workspace itself need not be a
 * repository (actions/checkout with `path:`), and `root` need not exist yet: git is asked from the deepest
 * directory of the path that exists. Returns `undefined` when there is no repository or no git.
 */
export async function locateRoot(
  workspace: string,
  root: string,
  signal?: AbortSignal,
): Promise<RepoLocation | undefined> {
  const target = resolve(workspace, root)
  let dir = target
  while (!(await isDirectory(dir))) {
    const parent = dirname(dir)
    if (parent === dir) return undefined
    dir = parent
  }
  let out: string
  try {
    out = await git(dir, ['rev-parse', '--show-toplevel', '--show-prefix', '--is-shallow-repository'], {
      signal,
    })
  } catch {
    unlessAborted(signal)
    return undefined
  }
  const [top = '', prefix = '', shallow = ''] = out.split('\n')
  // --show-prefix answers for `dir`; add the part of root below it that does not exist (yet).
  const rest = relative(dir, target).split(sep).filter(Boolean)
  const parts = [...prefix.split('/'), ...rest].filter((part) => part !== '' && part !== '.')
  return { top, prefix: parts.join('/'), shallow: shallow.trim() === 'true' }
}

async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory()
  } catch {
    return false
  }
}

/** The full SHA of a revision if it names a commit present locally, else `undefined`. */
export async function resolveCommit(
  top: string,
  rev: string,
  signal?: AbortSignal,
): Promise<string | undefined> {
  try {
    const out = await git(top, ['rev-parse', '--verify', '--quiet', `${rev}^{commit}`], { signal })
    return out.trim() || undefined
  } catch {
    unlessAborted(signal)
    return undefined
  }
}

/** Whether the repository has a remote by this name (actions/checkout names it `origin`). */
export async function hasRemote(top: string, signal?: AbortSignal, name = 'origin'): Promise<boolean> {
  try {
    return (await git(top, ['remote'], { signal })).split('\n').includes(name)
  } catch {
    unlessAborted(signal)
    return false
  }
}

/**
 * Fetch revisions (SHAs, or branch and tag names) from `origin` without tags or submodules, `depth`
 * commits deep. `depth` is only for shallow clones: in a full clone it would make the clone shallow.
 * Returns false instead of throwing when the fetch fails (no network, no credentials, commit gone).
 */
export async function fetchRevs(
  top: string,
  revs: readonly string[],
  depth?: number,
  signal?: AbortSignal,
): Promise<boolean> {
  const args = ['fetch', '--no-tags', '--no-recurse-submodules', '--quiet']
  if (depth !== undefined) args.push(`--depth=${depth}`)
  try {
    await git(top, [...args, 'origin', ...revs], { timeoutMs: FETCH_TIMEOUT_MS, signal })
    return true
  } catch {
    unlessAborted(signal)
    return false
  }
}

/** The best common ancestor of two commits, or `undefined` when none is present locally. */
export async function mergeBase(
  top: string,
  a: string,
  b: string,
  signal?: AbortSignal,
): Promise<string | undefined> {
  try {
    return (await git(top, ['merge-base', a, b], { signal })).trim() || undefined
  } catch {
    unlessAborted(signal)
    return undefined
  }
}

/**
 * `git diff --name-status -z` between two commits present locally, with rename detection, paths relative
 * to the top level. Run from the top level so a user's `diff.relative` setting cannot shorten the paths.
 */
export async function diffNameStatus(
  top: string,
  base: string,
  head: string,
  signal?: AbortSignal,
): Promise<NameStatusEntry[]> {
  const args = [
    'diff',
    '--name-status',
    '-z',
    '--find-renames',
    '--no-color',
    '--no-ext-diff',
    base,
    head,
    '--',
  ]
  return parseNameStatus(await git(top, args, { signal }))
}

/** Whether git ignores this top-level-relative path (a build output directory, typically). */
export async function isIgnored(top: string, path: string, signal?: AbortSignal): Promise<boolean> {
  try {
    await git(top, ['check-ignore', '--quiet', '--no-index', path], { signal })
    return true
  } catch {
    unlessAborted(signal)
    return false
  }
}

/**
 * What `localDiff` found: the entries between two present commits, or why git could not tell, with the
 * SHAs it did resolve (so the API is asked about the commit `HEAD` named here, not GitHub's `HEAD`).
 */
export type LocalDiff =
  | { ok: true; entries: NameStatusEntry[]; base: string; head: string }
  | { ok: false; reason: string; resolved: { base?: string; head?: string } }

/** Progress lines for the log; `debug` only, since the outcome is reported by the caller. */
export interface GitLog {
  debug(message: string): void
}

const FULL_SHA = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/

/**
 * Diff two revisions with local git, fetching from `origin` what a shallow clone lacks:
 * - a missing commit is fetched by SHA (one commit deep in a shallow clone: a `tree` diff needs only the
 *   two snapshots), a missing branch or tag name by name;
 * - for `merge-base` mode, history is deepened in `DEEPEN_STEPS` until the two commits meet.
 * Returns `{ ok: false, reason }` when git cannot answer, so the caller can ask the GitHub API instead.
 */
export async function localDiff(
  location: RepoLocation,
  range: { base: string; head: string; mode: DiffMode },
  log: GitLog,
  signal?: AbortSignal,
): Promise<LocalDiff> {
  const { top, shallow } = location
  // Resolve both first, so that a failure still reports every SHA known locally.
  const resolved: { base?: string; head?: string } = {}
  for (const side of ['base', 'head'] as const) {
    const sha = await resolveCommit(top, range[side], signal)
    if (sha !== undefined) resolved[side] = sha
  }
  let remote: boolean | undefined
  for (const side of ['base', 'head'] as const) {
    if (resolved[side] !== undefined) continue
    const rev = range[side]
    remote ??= await hasRemote(top, signal)
    if (!remote) {
      return { ok: false, reason: `commit ${rev} is not in the local clone, which has no origin`, resolved }
    }
    const depth = shallow ? 1 : undefined
    log.debug(`Fetching ${rev} from origin${depth === undefined ? '' : ` (depth ${depth})`}`)
    let sha: string | undefined
    if (await fetchRevs(top, [rev], depth, signal)) {
      // A SHA is there once fetched; a branch or tag name is only in FETCH_HEAD (no local ref is made).
      sha = await resolveCommit(top, FULL_SHA.test(rev) ? rev : 'FETCH_HEAD', signal)
    }
    if (sha === undefined) {
      return {
        ok: false,
        reason: `commit ${rev} is not in the local clone and origin did not give it`,
        resolved,
      }
    }
    resolved[side] = sha
  }
  const { base = '', head = '' } = resolved
  let from = base
  if (range.mode === 'merge-base') {
    let found = await mergeBase(top, base, head, signal)
    for (const steps of shallow ? DEEPEN_STEPS : []) {
      if (found !== undefined) break
      log.debug(`Fetching ${steps} commits of history to find the merge base of ${base} and ${head}`)
      if (!(await fetchRevs(top, [base, head], steps, signal))) break
      found = await mergeBase(top, base, head, signal)
    }
    if (found === undefined) {
      const reason = `the local clone has no common ancestor of ${base} and ${head}`
      return { ok: false, reason, resolved }
    }
    from = found
  }
  return { ok: true, entries: await diffNameStatus(top, from, head, signal), base, head }
}
