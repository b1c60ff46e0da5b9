/**
 * Reading an edge's answer: fresh, stale or unverifiable; and for a stale path its likely cause and the
 * fix. Pure, so the rules read as a table in test/verify.test.ts.
 *
 * The model (issue 15): after an invalidation created at time T completes, a cached copy whose `Age`
 * exceeds the seconds since T (plus an allowance for clock skew) was cached before T and survived the
 * invalidation: the invalidated path did not match that cache key. A miss, or a hit younger than the
 * invalidation, is fresh. Only a CloudFront cache hit can say anything; other answers are unverifiable.
 */
import { VERIFY_CLOCK_SKEW_MS } from '../constants.js'
import { voice } from '../voice.js'
import { wildcardCovering } from './browser-url.js'
import type { Candidate } from './candidates.js'

export type Outcome = 'fresh' | 'stale' | 'unverifiable'

/** What the edge said about one URL (the headers we read). */
export interface EdgeAnswer {
  status: number
  /** `X-Cache`, e.g. `Hit from cloudfront`. */
  xCache?: string
  /** `Age`, seconds in cache. */
  age?: string
  /** Local clock (ms) when the answer's headers arrived. */
  at: number
}

/**
 * Classify an answer, for a URL whose covering invalidation was created at `invalidatedAt` (ms since
 * the epoch, CloudFront's CreateTime). `detail` says why, for the log and the summary.
 */
export function classifyAnswer(a: EdgeAnswer, invalidatedAt: number): { outcome: Outcome; detail: string } {
  if (a.status === 403 || a.status === 404) {
    return {
      outcome: 'unverifiable',
      detail: `HTTP ${a.status}: the edge does not serve this URL to us (missing, or refused to this client)`,
    }
  }
  if (a.xCache === undefined) {
    return {
      outcome: 'unverifiable',
      detail: `HTTP ${a.status} without X-Cache: not answered by CloudFront (check ${voice().option('verify-url')})`,
    }
  }
  const kind = a.xCache.trim().split(/\s/)[0]?.toLowerCase() ?? ''
  if (kind === 'miss') return { outcome: 'fresh', detail: `HTTP ${a.status}, Miss: fetched from the origin` }
  if (kind !== 'hit' && kind !== 'refreshhit') {
    return {
      outcome: 'unverifiable',
      detail: `HTTP ${a.status}, X-Cache ${a.xCache.slice(0, 60)}: not a cached copy`,
    }
  }
  const label = kind === 'hit' ? 'Hit' : 'RefreshHit'
  const age = a.age === undefined || !/^\s*\d+\s*$/.test(a.age) ? undefined : Number(a.age)
  if (age === undefined) {
    return { outcome: 'unverifiable', detail: `HTTP ${a.status}, ${label} without a valid Age header` }
  }
  const since = Math.max(0, Math.round((a.at - invalidatedAt) / 1000))
  if (age * 1000 > a.at - invalidatedAt + VERIFY_CLOCK_SKEW_MS) {
    return {
      outcome: 'stale',
      detail: `HTTP ${a.status}, ${label}, Age ${age} s: cached before the invalidation (created ${since} s ago)`,
    }
  }
  return {
    outcome: 'fresh',
    detail: `HTTP ${a.status}, ${label}, Age ${age} s: cached after the invalidation (created ${since} s ago)`,
  }
}

/**
 * Text with code spans: a plain string, or `{ code }` for a path or a value (the log shows it in
 * backticks, the summary as `<code>`, escaped).
 */
export type Text = readonly (string | { code: string })[]

/** Why a stale path is likely stale, and what to do. */
export interface Cause {
  cause: Text
  fix: Text
}

/**
 * The likely cause of a stale URL, from what we know without CloudFront's logs: the two forms of the path,
 * whether it is a directory URL, a query string.
 */
export function likelyCause(c: Candidate): Cause {
  if (c.kind === 'directory') {
    return {
      cause: [
        'directory URL not invalidated: ',
        { code: c.path },
        ' serves ',
        { code: c.submitted },
        ', which alone was',
      ],
      fix: [
        'add ',
        { code: c.path },
        ` to ${voice().option('paths')} (a file matched by ${voice().option('files')} gets its directory URL through ${voice().option('index-document')})`,
      ],
    }
  }
  if (c.path !== c.submitted) {
    const wildcard = wildcardCovering(c.submitted, c.path)
    const i = wildcard.length - 1
    const rest = c.path.slice(i)
    const fix: Text = [
      'invalidate ',
      { code: wildcard },
      ' too: a wildcard ending before the difference covers both forms',
    ]
    if (rest.startsWith('~')) {
      return {
        cause: [
          'contains ',
          { code: '~' },
          ': viewers request it raw, CloudFront refuses a raw ',
          { code: '~' },
          ' in an invalidation, and ',
          { code: '%7E' },
          ' does not match it',
        ],
        fix,
      }
    }
    if (/^%[0-9A-F]{2}/.test(rest) && c.submitted.slice(i).toUpperCase().startsWith(rest.slice(0, 3))) {
      return {
        cause: [
          'escape written in lower case (',
          { code: c.submitted.slice(i, i + 3) },
          '): browsers send ',
          { code: rest.slice(0, 3) },
        ],
        fix: ['write escapes in upper case, or the character itself, in ', { code: c.submitted }],
      }
    }
    const ch = rest.startsWith('%') ? rest.slice(0, 3) : ([...rest][0] ?? '')
    return {
      cause: [
        'viewers request ',
        { code: c.path },
        ' (',
        { code: ch },
        ' as browsers send it), but ',
        { code: c.submitted },
        ' was invalidated',
      ],
      fix,
    }
  }
  const query = c.path.includes('?')
  return {
    cause: [
      query
        ? 'the cache key viewers use differs (a query string is part of the key only when the cache policy says so, and then exactly as sent)'
        : 'the invalidated path is not the cache key viewers use here',
    ],
    fix: [
      `check that ${voice().option('prefix')} (or ${voice().option('origin-path')}) maps files to the URLs viewers request, that ${voice().option('verify-url')} reaches this distribution, and that no cache in front of CloudFront keeps copies`,
      ...(c.path.endsWith('/')
        ? ['; ', { code: c.path.slice(0, -1) || '/' }, ' without the slash is a key of its own']
        : []),
    ],
  }
}

/** Render text for the log: code spans in backticks. */
export function plainText(t: Text): string {
  return t.map((p) => (typeof p === 'string' ? p : `\`${p.code}\``)).join('')
}
