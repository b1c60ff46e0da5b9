/**
 * Which two commits `diff` compares: from the input (`BASE..HEAD`) or, for `diff: auto`, from the payload
 * of the event that started the workflow. Pure: the payload is passed in, nothing is read or run here.
 */

import { InputError, quote } from '../errors.js'
import { voice } from '../voice.js'

/**
 * How two commits are compared.
 * - `tree`: the two snapshots directly (`git diff BASE HEAD`): exactly the files whose content differs
 *   between what was deployed from BASE and what is deployed from HEAD, whatever the history between.
 * - `merge-base`: what HEAD changed since it forked from BASE (`git diff BASE...HEAD`), as GitHub shows a
 *   pull request's files.
 */
export type DiffMode = 'tree' | 'merge-base'

/** Two commits to diff, and what the event said about them. */
export interface DiffRange {
  kind: 'range'
  /** Commit (SHA, or for an input range any revision) the diff starts from. */
  base: string
  /** Commit the diff goes to. */
  head: string
  mode: DiffMode
  /** Where the range came from, for logs and error messages: `diff` input or the event's name. */
  origin: 'input' | 'push' | 'pull_request' | 'pull_request_target' | 'merge_group'
  /** The pull request's number, so the API can list its files. */
  pullRequest?: number
  /** The pull request's `changed_files` count from the payload, to tell a cut file list from a full one. */
  changedFiles?: number
  /** A push that rewrote history (`forced`): `before` is no ancestor of `after` and may be gone. */
  forced?: boolean
}

/** No range exists: the push created the branch or tag, so there is nothing earlier to compare with. */
export interface NewRef {
  kind: 'new-ref'
  /** The pushed commit. */
  head: string
  /** One line for a notice: why every file is taken. */
  reason: string
}

export type ResolvedRange = DiffRange | NewRef

const SHA = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/
const ZERO_SHA = /^0+$/

/** The events `diff: auto` reads a range from. */
export const AUTO_EVENTS = ['push', 'pull_request', 'pull_request_target', 'merge_group'] as const

/**
 * Turn the `diff` input into a range.
 *
 * `diff` is `auto` (read the range from the event) or an explicit `BASE..HEAD` (snapshots compared
 * directly) or `BASE...HEAD` (changes since the merge base, as git reads three dots). An explicit range
 * may use any revision git knows (SHA, branch, tag, `HEAD~3`); only the API fallback needs names GitHub
 * knows too. Throws an `InputError` naming `diff` for an unusable input or an unsupported event.
 */
export function resolveRange(eventName: string, payload: unknown, diff: string): ResolvedRange {
  const value = diff.trim()
  if (value.toLowerCase() !== 'auto') return parseRangeInput(value)
  switch (eventName) {
    case 'push':
      return fromPush(payload)
    case 'pull_request':
    case 'pull_request_target':
      return fromPullRequest(eventName, payload)
    case 'merge_group':
      return fromMergeGroup(payload)
    default:
      throw new InputError(
        'diff',
        `'auto' reads the changed commits from a ${AUTO_EVENTS.join(', ')} event, and this run is a ` +
          `${quote(eventName || '(unknown)')} event; give the range yourself, e.g. ${voice().setting('diff', 'v1.2.0..HEAD')} (BASE..HEAD)`,
      )
  }
}

/** Parse an explicit `BASE..HEAD` or `BASE...HEAD`. Throws an `InputError` naming `diff`. */
export function parseRangeInput(value: string): DiffRange {
  const usage = "expected 'auto' or a range 'BASE..HEAD' (e.g. 'v1.2.0..HEAD', 'main...feature')"
  // Three dots first: 'a...b' also contains 'a..' + '.b'.
  const dots = value.includes('...') ? '...' : '..'
  const parts = value.split(dots)
  const [base, head] = parts
  if (value === '') throw new InputError('diff', `is empty; ${usage}`)
  if (parts.length !== 2 || base === undefined || head === undefined) {
    throw new InputError('diff', `${quote(value)} is not a range; ${usage}`)
  }
  for (const [side, rev] of [
    ['BASE', base],
    ['HEAD', head],
  ] as const) {
    if (rev === '') throw new InputError('diff', `${quote(value)} has no ${side} commit; ${usage}`)
    // A revision starting with '-' would be read by git as an option: refuse it rather than run it.
    // Whitespace and control characters are in no ref name (git check-ref-format).
    if (rev.startsWith('-') || /\s/.test(rev) || hasControl(rev)) {
      throw new InputError('diff', `${side} ${quote(rev)} in ${quote(value)} is not a commit or ref name`)
    }
  }
  return { kind: 'range', base, head, mode: dots === '...' ? 'merge-base' : 'tree', origin: 'input' }
}

/** `BASE..HEAD` or `BASE...HEAD`, as git would read the range back. */
export function formatRange(range: Pick<DiffRange, 'base' | 'head' | 'mode'>): string {
  return `${range.base}${range.mode === 'merge-base' ? '...' : '..'}${range.head}`
}

/** The first seven characters of a SHA, as GitHub shows it; other revisions as they are. */
export function shortRev(rev: string): string {
  return SHA.test(rev) ? rev.slice(0, 7) : rev
}

function fromPush(payload: unknown): ResolvedRange {
  const before = sha(payload, 'push', ['before'])
  const after = sha(payload, 'push', ['after'])
  const ref = str(get(payload, ['ref'])) ?? 'the ref'
  if (ZERO_SHA.test(after)) {
    throw new InputError(
      'diff',
      `the push deleted ${ref}, so nothing was deployed from it; run on other pushes`,
    )
  }
  if (ZERO_SHA.test(before)) {
    return {
      kind: 'new-ref',
      head: after,
      reason:
        `The push created ${ref}: there is no earlier commit to diff against, ` +
        `so every file under 'root' that 'files' matches is taken.`,
    }
  }
  // Both snapshots compared directly: for a force-push that is exactly what differs between the site
  // deployed from the discarded commit and the new one, discarded commits included.
  const range: DiffRange = { kind: 'range', base: before, head: after, mode: 'tree', origin: 'push' }
  if (get(payload, ['forced']) === true) range.forced = true
  return range
}

function fromPullRequest(eventName: 'pull_request' | 'pull_request_target', payload: unknown): DiffRange {
  const base = sha(payload, eventName, ['pull_request', 'base', 'sha'])
  const head = sha(payload, eventName, ['pull_request', 'head', 'sha'])
  const range: DiffRange = { kind: 'range', base, head, mode: 'merge-base', origin: eventName }
  const number = get(payload, ['pull_request', 'number']) ?? get(payload, ['number'])
  if (typeof number === 'number' && Number.isSafeInteger(number) && number > 0) range.pullRequest = number
  const changed = get(payload, ['pull_request', 'changed_files'])
  if (typeof changed === 'number' && Number.isSafeInteger(changed) && changed >= 0)
    range.changedFiles = changed
  return range
}

function fromMergeGroup(payload: unknown): DiffRange {
  // The group's head is built on top of its base, so the direct and the merge-base diffs agree; `tree`
  // also needs no history locally, only the two commits.
  const base = sha(payload, 'merge_group', ['merge_group', 'base_sha'])
  const head = sha(payload, 'merge_group', ['merge_group', 'head_sha'])
  return { kind: 'range', base, head, mode: 'tree', origin: 'merge_group' }
}

/** A SHA from the payload, or an `InputError` saying which field is missing. */
function sha(payload: unknown, eventName: string, path: readonly string[]): string {
  const value = str(get(payload, path))?.toLowerCase()
  if (value === undefined || !(SHA.test(value) || ZERO_SHA.test(value))) {
    throw new InputError(
      'diff',
      `'auto' needs ${path.join('.')} from the ${eventName} event payload, and it is ` +
        `${value === undefined ? 'missing' : quote(value)}; give the range yourself as BASE..HEAD`,
    )
  }
  return value
}

function hasControl(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i)
    if (code < 0x20 || code === 0x7f) return true
  }
  return false
}

function get(value: unknown, path: readonly string[]): unknown {
  let current = value
  for (const key of path) {
    if (typeof current !== 'object' || current === null) return undefined
    current = (current as Record<string, unknown>)[key]
  }
  return current
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined
}
