/**
 * Pure parsing of `git diff --name-status -z` and the rules that turn its entries into the files whose cached
 * copies are stale. No git is run here: `src/sources/git.ts` runs it and hands the output over.
 */

/**
 * The status letters git prints (`git diff --help`, "--diff-filter"): Added, Copied, Deleted, Modified,
 * Renamed, Type changed (file <-> symlink), Unmerged, unknown (X), and pairing Broken (B, only with -B).
 */
export type NameStatus = 'A' | 'C' | 'D' | 'M' | 'R' | 'T' | 'U' | 'X' | 'B'

/** One entry of `git diff --name-status -z`, paths relative to the repository's top level. */
export interface NameStatusEntry {
  /** What happened to the file. */
  status: NameStatus
  /** The file's name after the change (for a delete: the name it had). */
  path: string
  /** For a rename or copy: the name it was renamed or copied from. */
  from?: string
  /** Similarity (R, C) or dissimilarity (M with -B) in percent, when git prints one. */
  score?: number
}

const STATUSES: ReadonlySet<string> = new Set<NameStatus>(['A', 'C', 'D', 'M', 'R', 'T', 'U', 'X', 'B'])

function isNameStatus(letter: string | undefined): letter is NameStatus {
  return letter !== undefined && STATUSES.has(letter)
}

/**
 * Parse the output of `git diff --name-status -z`.
 *
 * With `-z` every field ends in NUL and names are printed raw (no C-quoting), so spaces, tabs, quotes,
 * newlines and non-ASCII names come through unchanged. A status field is a letter and, for renames and
 * copies, a similarity score (`R100`, `C075`); those two carry two names, the source first:
 * `R100\0old\0new\0`. Throws on output that does not have this shape rather than guess at file names.
 */
export function parseNameStatus(z: string): NameStatusEntry[] {
  const fields = z.split('\0')
  // The output ends with NUL, so the last field is empty; output without it is accepted as well.
  if (fields.at(-1) === '') fields.pop()
  const entries: NameStatusEntry[] = []
  let i = 0
  while (i < fields.length) {
    const field = fields[i++] ?? ''
    const match = /^([A-Z])(\d{1,3})?$/.exec(field)
    const status = match?.[1]
    if (!isNameStatus(status)) {
      throw new Error(`Unexpected status ${JSON.stringify(field)} in git diff --name-status -z output`)
    }
    const names = status === 'R' || status === 'C' ? 2 : 1
    if (i + names > fields.length) {
      throw new Error(`git diff --name-status -z output ends inside the entry for status ${field}`)
    }
    const score = match?.[2]
    const first = fields[i++] ?? ''
    const entry: NameStatusEntry =
      names === 2 ? { status, path: fields[i++] ?? '', from: first } : { status, path: first }
    if (score !== undefined) entry.score = Number(score)
    entries.push(entry)
  }
  return entries
}

/**
 * The repository-relative files whose cached copies a diff makes stale, sorted and without repeats.
 *
 * Every listed name counts, deletes included: a deleted file is still served from the edge until it is
 * invalidated. A rename counts under both names: the old URL must stop serving the file and the new URL
 * may have been cached (as a 404, or an earlier file) before. A copy counts under its new name only: its
 * source did not change, so the source's cached copy is still right.
 */
export function changedPaths(entries: readonly NameStatusEntry[]): string[] {
  const paths = new Set<string>()
  for (const entry of entries) {
    paths.add(entry.path)
    if (entry.status === 'R' && entry.from !== undefined) paths.add(entry.from)
  }
  return [...paths].sort()
}

/**
 * Normalize a `root` (relative to the repository's top level) into the prefix used by `underRoot`:
 * forward slashes, no `./`, no trailing slash; `''` for the top level itself. Returns `undefined` when
 * the root climbs out of the repository (`..`), or is absolute, since no repository path can be under it.
 */
export function rootPrefix(root: string): string | undefined {
  const parts: string[] = []
  if (root.startsWith('/') || /^[A-Za-z]:[\\/]/.test(root)) return undefined
  for (const part of root.split(/[\\/]+/)) {
    if (part === '' || part === '.') continue
    if (part === '..') {
      if (parts.pop() === undefined) return undefined
      continue
    }
    parts.push(part)
  }
  return parts.join('/')
}

/**
 * Keep the repository-relative paths under `prefix` (from `rootPrefix`), made relative to it; drop the
 * rest. A path equal to the prefix itself (a file where the root directory should be) is not under it.
 */
export function underRoot(paths: readonly string[], prefix: string): string[] {
  if (prefix === '') return [...paths]
  const start = `${prefix}/`
  const kept: string[] = []
  for (const path of paths) {
    if (path.startsWith(start) && path.length > start.length) kept.push(path.slice(start.length))
  }
  return kept
}
