import { describe, expect, it } from 'vitest'
import { InputError } from '../src/errors.js'
import {
  formatRange,
  parseRangeInput,
  resolveRange,
  shortRev,
  type ResolvedRange,
} from '../src/sources/event.js'

const A = 'a'.repeat(40)
const B = 'b'.repeat(40)
const ZERO = '0'.repeat(40)

describe('resolveRange: diff: auto', () => {
  const cases: Array<[string, string, unknown, ResolvedRange]> = [
    [
      'push: before..after, snapshots compared',
      'push',
      { ref: 'refs/heads/main', before: A, after: B },
      {
        kind: 'range',
        base: A,
        head: B,
        mode: 'tree',
        origin: 'push',
      },
    ],
    [
      'force push: flagged',
      'push',
      { before: A, after: B, forced: true },
      {
        kind: 'range',
        base: A,
        head: B,
        mode: 'tree',
        origin: 'push',
        forced: true,
      },
    ],
    [
      'push with upper-case SHAs',
      'push',
      { before: A.toUpperCase(), after: B },
      {
        kind: 'range',
        base: A,
        head: B,
        mode: 'tree',
        origin: 'push',
      },
    ],
    [
      'pull_request: base...head with number and count',
      'pull_request',
      {
        number: 7,
        pull_request: { number: 7, changed_files: 12, base: { sha: A }, head: { sha: B } },
      },
      {
        kind: 'range',
        base: A,
        head: B,
        mode: 'merge-base',
        origin: 'pull_request',
        pullRequest: 7,
        changedFiles: 12,
      },
    ],
    [
      'pull_request_target: the same range',
      'pull_request_target',
      {
        number: 9,
        pull_request: { base: { sha: A }, head: { sha: B } },
      },
      {
        kind: 'range',
        base: A,
        head: B,
        mode: 'merge-base',
        origin: 'pull_request_target',
        pullRequest: 9,
      },
    ],
    [
      'merge_group: base_sha..head_sha',
      'merge_group',
      { merge_group: { base_sha: A, head_sha: B } },
      {
        kind: 'range',
        base: A,
        head: B,
        mode: 'tree',
        origin: 'merge_group',
      },
    ],
    [
      'explicit range ignores the event',
      'workflow_dispatch',
      {},
      {
        kind: 'range',
        base: 'v1.0',
        head: 'HEAD',
        mode: 'tree',
        origin: 'input',
      },
    ],
  ]
  it.each(cases)('%s', (_, eventName, payload, expected) => {
    const diff = expected.kind === 'range' && expected.origin === 'input' ? 'v1.0..HEAD' : 'auto'
    expect(resolveRange(eventName, payload, diff)).toEqual(expected)
  })

  it('a new branch (before all zeros) has no range, and says why', () => {
    const range = resolveRange(
      'push',
      { ref: 'refs/heads/feature', before: ZERO, after: B, created: true },
      'auto',
    )
    expect(range).toMatchObject({ kind: 'new-ref', head: B })
    expect(range.kind === 'new-ref' && range.reason).toMatch(
      /created refs\/heads\/feature.*every file under 'root'/,
    )
  })

  it("accepts 'auto' in any case and with spaces around", () => {
    expect(resolveRange('push', { before: A, after: B }, ' Auto ')).toMatchObject({ base: A, head: B })
  })

  const errors: Array<[string, string, unknown, RegExp]> = [
    ['workflow_dispatch', 'workflow_dispatch', {}, /this run is a "workflow_dispatch" event; .*BASE\.\.HEAD/],
    ['schedule', 'schedule', {}, /"schedule" event/],
    ['no event name', '', {}, /"\(unknown\)" event/],
    [
      'push without before',
      'push',
      { after: B },
      /needs before from the push event payload, and it is missing/,
    ],
    ['push with a short SHA', 'push', { before: 'abc1234', after: B }, /before .* is "abc1234"/],
    [
      'pull_request without head',
      'pull_request',
      { pull_request: { base: { sha: A } } },
      /pull_request\.head\.sha/,
    ],
    ['merge_group without base', 'merge_group', { merge_group: { head_sha: B } }, /merge_group\.base_sha/],
    [
      'a branch deletion',
      'push',
      { ref: 'refs/heads/x', before: A, after: ZERO, deleted: true },
      /deleted refs\/heads\/x/,
    ],
    ['a payload that is not an object', 'push', null, /missing/],
  ]
  it.each(errors)('fails on %s with one line naming diff', (_, eventName, payload, message) => {
    const run = (): unknown => resolveRange(eventName, payload, 'auto')
    expect(run).toThrow(InputError)
    expect(run).toThrow(/^Input 'diff': /)
    expect(run).toThrow(message)
  })
})

describe('parseRangeInput: diff: BASE..HEAD', () => {
  const cases: Array<[string, string, string, 'tree' | 'merge-base']> = [
    ['v1.0..HEAD', 'v1.0', 'HEAD', 'tree'],
    [`${A}..${B}`, A, B, 'tree'],
    ['main...feature/x', 'main', 'feature/x', 'merge-base'],
    ['HEAD~3..HEAD^', 'HEAD~3', 'HEAD^', 'tree'],
    ['origin/main..@', 'origin/main', '@', 'tree'],
  ]
  it.each(cases)('%s', (input, base, head, mode) => {
    expect(parseRangeInput(input)).toEqual({ kind: 'range', base, head, mode, origin: 'input' })
  })

  const bad: Array<[string, RegExp]> = [
    ['', /is empty/],
    ['main', /"main" is not a range/],
    ['a..b..c', /is not a range/],
    ['..HEAD', /has no BASE commit/],
    ['main..', /has no HEAD commit/],
    ['--output=/tmp/x..HEAD', /BASE "--output=\/tmp\/x" .* is not a commit or ref name/],
    ['main..-p', /HEAD "-p"/],
    ['main..fea ture', /HEAD "fea ture"/],
    ['main..a\u0001b', /HEAD "a\\u0001b"/],
  ]
  it.each(bad)('rejects %j', (input, message) => {
    expect(() => parseRangeInput(input)).toThrow(/^Input 'diff': /)
    expect(() => parseRangeInput(input)).toThrow(message)
  })
})

describe('formatRange and shortRev', () => {
  it('write the range back as git reads it', () => {
    expect(formatRange({ base: 'a', head: 'b', mode: 'tree' })).toBe('a..b')
    expect(formatRange({ base: 'a', head: 'b', mode: 'merge-base' })).toBe('a...b')
  })
  it('shorten full SHAs only', () => {
    expect(shortRev(A)).toBe('aaaaaaa')
    expect(shortRev('main')).toBe('main')
  })
})
