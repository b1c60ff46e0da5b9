/**
 * Real git repositories for tests: a bare "origin" the tests push to, and checkouts made from it the way
 * actions/checkout makes them (full, or `fetch-depth: 1` shallow). Every git run here sees no user or
 * system configuration and commits as a fixed author, so the fixtures are the same on every machine.
 */
import { execFileSync } from 'node:child_process'
import { mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'

const gitEnv = {
  ...process.env,
  GIT_CONFIG_GLOBAL: '/dev/null',
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_AUTHOR_NAME: 'Test',
  GIT_AUTHOR_EMAIL: 'test@example.com',
  GIT_COMMITTER_NAME: 'Test',
  GIT_COMMITTER_EMAIL: 'test@example.com',
}

/** Run git in `cwd` (argument array, no shell) and return its trimmed stdout. Throws on failure. */
export function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, {
    cwd,
    env: gitEnv,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  }).trim()
}

/** Write files (paths relative to `dir`, parents created); a `null` content deletes the file. */
export function write(dir: string, files: Record<string, string | null>): void {
  for (const [name, content] of Object.entries(files)) {
    const path = join(dir, name)
    if (content === null) {
      rmSync(path)
      continue
    }
    mkdirSync(dirname(path), { recursive: true })
    writeFileSync(path, content)
  }
}

/** Stage everything and commit; returns the new commit's SHA. */
export function commit(dir: string, message: string): string {
  git(dir, 'add', '--all')
  git(dir, 'commit', '--quiet', '--message', message)
  return git(dir, 'rev-parse', 'HEAD')
}

/** A bare origin (branch `main`) and an author's clone of it, both under `parent`. */
export function makeOrigin(parent: string): { origin: string; author: string } {
  const origin = join(parent, 'origin.git')
  const author = join(parent, 'author')
  git(parent, 'init', '--quiet', '--bare', '--initial-branch=main', origin)
  git(parent, 'clone', '--quiet', origin, author)
  git(author, 'checkout', '--quiet', '-B', 'main')
  return { origin, author }
}

/**
 * Clone `origin` into `into` at a branch or tag, as actions/checkout does: full, or `depth` commits deep.
 * The URL is `file://` so git uses its network transport, where `--depth` and fetching by SHA work as
 * they do against GitHub.
 */
export function checkout(
  origin: string,
  into: string,
  options: { ref?: string; depth?: number } = {},
): string {
  const args = ['clone', '--quiet', '--branch', options.ref ?? 'main']
  if (options.depth !== undefined) args.push('--depth', String(options.depth))
  git(dirname(into), ...args, `file://${origin}`, into)
  return into
}

/** Point `origin` at a remote that does not exist: nothing can be fetched, as without network access. */
export function strand(clone: string): void {
  git(clone, 'remote', 'set-url', 'origin', join(dirname(clone), 'no-such-remote.git'))
}
