/**
 * Edge verification's pure parts, as tables: the browser form of a path, candidates and the sample, the
 * reading of an edge's answer, likely causes, outputs and the summary section.
 */
import { describe, expect, it } from 'vitest'
import type { Item } from '../src/paths/encode.js'
import { browserPath, wildcardCovering } from '../src/verify/browser-url.js'
import {
  candidatesFor,
  sampleCandidates,
  spread,
  WHY_TAG,
  WHY_WILDCARD,
  type Candidate,
} from '../src/verify/candidates.js'
import { classifyAnswer, likelyCause, plainText } from '../src/verify/classify.js'
import { html, verifyOutputs, verifySummary } from '../src/verify/report.js'
import type { CloudFrontApi } from '../src/cloudfront/api.js'
import { verifyEdge, type VerifyResult } from '../src/verify/run.js'
import { parseVerifyUrl } from '../src/verify/settings.js'
import { coveringTime, gateTargets, sampleTenants } from '../src/verify/targets.js'
import { MAX_VERIFY_TENANTS } from '../src/constants.js'

const path = (value: string): Item => ({ kind: 'path', value })
const wildcard = (value: string): Item => ({ kind: 'wildcard', value })

describe('browserPath: the form a browser requests (WHATWG URL serialisation of the decoded path)', () => {
  it.each([
    ['/index.html', '/index.html'],
    ['/a%7Eb.js', '/a~b.js'], // ~ is sent raw
    ['/a%7eb.js', '/a~b.js'],
    ['/a%20b/%C3%BC.html', '/a%20b/%C3%BC.html'], // space and non-ASCII: encoded by browsers too
    ['/caf%c3%a9', '/caf%C3%A9'], // upper-case hex
    ['/p%7Cq%5Br%5D', '/p|q[r]'], // | [ ] raw
    ['/x%5Ey%60z%7B%7D', '/x%5Ey%60z%7B%7D'], // ^ ` { } stay encoded (URL Standard 2025)
    ['/%41bc', '/Abc'], // an escape of a plain letter is decoded
    ['/100%2525.html', '/100%2525.html'], // a literal % stays escaped
    ['/a%2Fb', '/a%2Fb'], // an escaped / is not a segment
    ['/q%3Fx%23y', '/q%3Fx%23y'], // neither ? nor # starts anything
    ['/back%5Cslash', '/back%5Cslash'], // a browser reads a raw \ as /
    ['/bad%C3', '/bad%C3'], // not UTF-8: kept as written
    ['/ctl%0A', '/ctl%0A'],
    ['/%2e%2E/a', '/a'], // dot segments, %2E included, are resolved
    ['/search?q=a%20b&c=%26&d=%7E', '/search?q=a%20b&c=%26&d=~'], // the query keeps & = + ; escapes
    ['/s?q=it%27s', '/s?q=it%27s'],
    ['/%F0%9F%98%80', '/%F0%9F%98%80'],
    ['/assets/*', '/assets/*'],
  ])('%s -> %s', (submitted, expected) => {
    expect(browserPath(submitted)).toBe(expected)
  })

  it.each([
    ['/docs/a%7Eb.js', '/docs/a~b.js', '/docs/a*'],
    ['/caf%c3%a9', '/caf%C3%A9', '/caf*'], // never cut inside an escape
    ['/x%7Cy', '/x|y', '/x*'],
  ])('wildcardCovering(%s, %s) = %s', (submitted, browser, expected) => {
    expect(wildcardCovering(submitted, browser)).toBe(expected)
  })
})

describe('candidatesFor', () => {
  const options = { invalidated: [] as string[], indexDocument: 'index.html' }

  it('checks paths in their browser form, leaves tags unchecked, and dedupes by browser form', () => {
    const { candidates, unchecked } = candidatesFor(
      [path('/a%7Eb.js'), path('/a~b.js'), { kind: 'tag', value: '#product' }],
      { ...options, invalidated: ['/a%7Eb.js'] },
    )
    expect(candidates).toEqual([{ path: '/a~b.js', submitted: '/a%7Eb.js', kind: 'path' }])
    expect(unchecked).toEqual([{ item: '#product', why: WHY_TAG }])
  })

  it('checks a wildcard through the known objects under it, and counts one with none as unchecked', () => {
    const tree = ['/assets/app.js', '/assets/b%7Ec.css', '/index.html', '/assetsx']
    const { candidates, unchecked } = candidatesFor([wildcard('/assets/*'), wildcard('/img/*')], {
      ...options,
      tree,
      invalidated: ['/assets/*', '/img/*'],
    })
    expect(candidates.map((c) => [c.path, c.kind])).toEqual([
      ['/assets/app.js', 'object'],
      ['/assets/b~c.css', 'object'],
    ])
    expect(unchecked).toEqual([{ item: '/img/*', why: WHY_WILDCARD }])
  })

  it('treats requested paths collapsed into a wildcard as its known objects (no tree needed)', () => {
    const { unchecked } = candidatesFor([path('/a/1.js'), wildcard('/a/*')], {
      ...options,
      invalidated: ['/a/*'],
    })
    expect(unchecked).toEqual([])
  })

  it('adds the directory URL of an index document when that URL was not invalidated', () => {
    const items = [path('/index.html'), path('/docs/index.html'), path('/blog/index.html'), path('/blog/')]
    const { candidates } = candidatesFor(items, {
      ...options,
      invalidated: ['/index.html', '/docs/index.html', '/blog/index.html', '/blog/'],
    })
    expect(candidates.filter((c) => c.kind === 'directory')).toEqual([
      { path: '/', submitted: '/index.html', kind: 'directory' },
      { path: '/docs/', submitted: '/docs/index.html', kind: 'directory' },
    ])
    // Covered by a wildcard, or index-document off: no directory check.
    const covered = candidatesFor([path('/docs/index.html')], { ...options, invalidated: ['/docs/*'] })
    expect(covered.candidates.map((c) => c.kind)).toEqual(['path'])
    const off = candidatesFor([path('/docs/index.html')], { ...options, indexDocument: '' })
    expect(off.candidates.map((c) => c.kind)).toEqual(['path'])
  })
})

describe('sampleCandidates', () => {
  const many = (n: number): Candidate[] =>
    Array.from({ length: n }, (_, i) => ({
      path: `/d${i % 7}/f${i}.html`,
      submitted: `/d${i % 7}/f${i}.html`,
      kind: 'path' as const,
    }))

  it('is deterministic, at most n, spread over every directory when places allow', () => {
    const list = many(500)
    const a = sampleCandidates(list, 20)
    expect(a).toHaveLength(20)
    expect(sampleCandidates([...list].reverse(), 20)).toEqual(a)
    expect(new Set(a.map((c) => c.path.split('/')[1])).size).toBe(7)
  })

  it('takes paths whose browser form differs first, then unvalidated directory URLs, then %-escapes', () => {
    const tilde = { path: '/z/a~b.js', submitted: '/z/a%7Eb.js', kind: 'path' as const }
    const dir = { path: '/y/', submitted: '/y/index.html', kind: 'directory' as const }
    const escaped = { path: '/x/a%20b.js', submitted: '/x/a%20b.js', kind: 'path' as const }
    const picked = sampleCandidates([...many(300), escaped, dir, tilde], 3)
    expect(picked).toEqual([escaped, dir, tilde]) // sorted by path
    expect(sampleCandidates([...many(300), escaped, dir, tilde], 2)).toEqual([dir, tilde])
  })

  it('spread picks evenly spaced directories when there are more than places', () => {
    const items = Array.from({ length: 100 }, (_, i) => `/${String(i).padStart(2, '0')}/x`)
    expect(spread(items, 4, (s) => s)).toEqual(['/12/x', '/37/x', '/62/x', '/87/x'])
    expect(spread(['/a/1', '/a/2', '/a/3', '/a/4', '/a/5', '/a/6'], 2, (s) => s)).toEqual(['/a/2', '/a/5'])
  })
})

describe('classifyAnswer', () => {
  const T = Date.parse('2026-01-01T00:00:00Z')
  const at = T + 30_000 // 30 s after the invalidation was created
  it.each([
    [{ status: 200, xCache: 'Miss from cloudfront', at }, 'fresh'],
    [{ status: 200, xCache: 'Hit from cloudfront', age: '12', at }, 'fresh'],
    [{ status: 200, xCache: 'Hit from cloudfront', age: '34', at }, 'fresh'], // within the 5 s allowance
    [{ status: 200, xCache: 'Hit from cloudfront', age: '36', at }, 'stale'],
    [{ status: 200, xCache: 'RefreshHit from cloudfront', age: '3600', at }, 'stale'],
    [{ status: 301, xCache: 'Hit from cloudfront', age: '3600', at }, 'stale'], // a cached redirect is an object
    [{ status: 403, xCache: 'Hit from cloudfront', age: '3600', at }, 'unverifiable'],
    [{ status: 404, xCache: 'Error from cloudfront', at }, 'unverifiable'],
    [{ status: 200, at }, 'unverifiable'], // no X-Cache: not CloudFront
    [{ status: 200, xCache: 'Hit from cloudfront', at }, 'unverifiable'], // no Age
    [{ status: 200, xCache: 'Hit from cloudfront', age: '-1', at }, 'unverifiable'],
    [{ status: 503, xCache: 'Error from cloudfront', at }, 'unverifiable'],
    [{ status: 200, xCache: 'FunctionGeneratedResponse from cloudfront', at }, 'unverifiable'],
  ] as const)('%j is %s', (answer, outcome) => {
    expect(classifyAnswer(answer, T).outcome).toBe(outcome)
  })
})

describe('likelyCause', () => {
  const cause = (c: Candidate) => {
    const { cause: why, fix } = likelyCause(c)
    return [plainText(why), plainText(fix)]
  }
  it('names ~ and the wildcard that covers both forms', () => {
    const [why, fix] = cause({ path: '/docs/a~b.js', submitted: '/docs/a%7Eb.js', kind: 'path' })
    expect(why).toContain('contains `~`')
    expect(fix).toContain('`/docs/a*`')
  })
  it('names a lower-case escape', () => {
    expect(cause({ path: '/caf%C3%A9', submitted: '/caf%c3%a9', kind: 'path' })[0]).toContain(
      'lower case (`%c3`)',
    )
  })
  it('names a directory URL not invalidated', () => {
    const [why, fix] = cause({ path: '/docs/', submitted: '/docs/index.html', kind: 'directory' })
    expect(why).toContain('directory URL not invalidated')
    expect(fix).toContain("add `/docs/` to 'paths'")
  })
  it('names another character browsers send raw', () => {
    expect(cause({ path: '/a|b', submitted: '/a%7Cb', kind: 'path' })[0]).toContain(
      '(`|` as browsers send it)',
    )
  })
  it('falls back to the mapping, the verify-url and caches in front', () => {
    const [why, fix] = cause({ path: '/same/', submitted: '/same/', kind: 'path' })
    expect(why).toContain('not the cache key viewers use')
    expect(fix).toContain("'prefix'")
    expect(fix).toContain('`/same` without the slash')
  })
})

describe('coveringTime', () => {
  const invs = [
    { createTime: '2026-01-01T00:00:00.000Z', paths: ['/a.js', '/b/*'] },
    { createTime: '2026-01-01T00:01:00.000Z', paths: ['/a.js'] },
  ]
  it.each([
    ['/a.js', '2026-01-01T00:01:00.000Z'], // the latest holding it
    ['/b/c.js', '2026-01-01T00:00:00.000Z'], // through a wildcard
    ['/none', '2026-01-01T00:00:00.000Z'], // none: the earliest
  ])('%s -> %s', (submitted, expected) => {
    expect(coveringTime(submitted, invs)).toBe(Date.parse(expected))
  })

  it('gate targets: items from the paths GetInvalidation gave, unknown in a dry run', () => {
    const records = [
      {
        distributionId: 'E2EXAMPLE0000',
        id: 'I1',
        status: 'Completed',
        pathCount: 2,
        createTime: 't',
        batch: 0,
      },
    ]
    const [t] = gateTargets(records, new Map([['E2EXAMPLE0000/I1', ['/a', '/b/*', '#tag']]]), [
      'E2EXAMPLE0000',
    ])
    expect(t?.items?.map((i) => i.kind)).toEqual(['path', 'wildcard', 'tag'])
    expect(gateTargets([], new Map(), ['E2EXAMPLE0000'])[0]?.items).toBeUndefined()
  })
})

describe('parseVerifyUrl', () => {
  it.each([
    ['https://www.example.com', { url: 'https://www.example.com' }],
    ['https://www.example.com/', { url: 'https://www.example.com' }],
    ['http://127.0.0.1:8080', { url: 'http://127.0.0.1:8080' }],
  ])('%s is accepted', (text, expected) => {
    expect(parseVerifyUrl(text)).toEqual(expected)
  })
  it.each([
    ['www.example.com', /not a URL/],
    ['ftp://example.com', /only https: and http:/],
    ['https://user:pw@example.com', /credentials/],
    ['https://example.com/docs', /scheme and host only/],
    ['https://example.com/?x=1', /scheme and host only/],
    ['https://example.com#top', /scheme and host only/],
  ])('%s is refused', (text, message) => {
    const r = parseVerifyUrl(text)
    expect('error' in r ? r.error : '').toMatch(message)
  })
})

describe('outputs and summary', () => {
  const hostile = '/x|y`z<img src=x onerror=alert(1)>*_@user:smile:[a](b)'
  const result: VerifyResult = {
    dryRun: false,
    onStale: 'fail',
    timedOut: false,
    ms: 420,
    targets: [
      {
        id: 'E2EXAMPLE0000',
        base: 'https://d1.cloudfront.net',
        candidates: 40,
        unchecked: [{ item: '#tag', why: WHY_TAG }],
        checks: [
          {
            path: '/ok.js',
            submitted: '/ok.js',
            kind: 'path',
            url: 'https://d1.cloudfront.net/ok.js',
            outcome: 'fresh',
            detail: 'Miss',
          },
          {
            path: hostile,
            submitted: hostile,
            kind: 'path',
            url: `https://d1.cloudfront.net${hostile}`,
            outcome: 'stale',
            detail: 'Hit, Age 3600 s',
            cause: likelyCause({ path: hostile, submitted: hostile, kind: 'path' }),
          },
          {
            path: '/p.html',
            submitted: '/p.html',
            kind: 'path',
            url: 'https://d1.cloudfront.net/p.html',
            outcome: 'unverifiable',
            detail: 'HTTP 403',
          },
          { path: '/q.html', submitted: '/q.html', kind: 'path', url: 'https://d1.cloudfront.net/q.html' },
        ],
      },
    ],
  }

  it('counts per distribution and lists the stale paths', () => {
    const out = verifyOutputs(result)
    expect(JSON.parse(out.verified ?? '')).toEqual({
      E2EXAMPLE0000: { fresh: 1, stale: 1, unverifiable: 1, unchecked: 2 },
    })
    expect(JSON.parse(out['stale-paths'] ?? '')).toEqual([hostile])
    expect(verifyOutputs(undefined)).toEqual({})
    expect(verifyOutputs({ ...result, dryRun: true })).toEqual({})
  })

  it('escapes every path in the summary: no Markdown, HTML, mention or cell of its own', () => {
    const md = verifySummary(result)
    expect(md).toContain('### Edge verification: 1 stale')
    for (const raw of ['<img', '|y', '`z', '@user', ':smile:', '[a](b)', '*_']) expect(md).not.toContain(raw)
    // Every table row has exactly the columns of its header: no | from a path split a cell.
    let columns = 0
    for (const line of md.split('\n')) {
      if (!line.startsWith('|')) columns = 0
      else if (columns === 0) columns = line.split('|').length
      else expect(line.split('|').length, line).toBe(columns)
      if (line.startsWith('|')) expect(line.replace(/<\/?code>/g, '')).not.toMatch(/[<>`]/)
    }
    expect(html('a|b')).toBe('a&#124;b')
    expect(verifySummary(undefined)).toBe('')
  })
})

describe('verifyEdge: the domain to request', () => {
  const target = { id: 'dt_shop', items: [path('/a.js')], invalidated: ['/a.js'], invalidations: [] }
  const ctx = (domain: string | undefined) => ({
    targets: [target],
    settings: { sample: 20, onStale: 'fail' as const },
    indexDocument: 'index.html',
    dryRun: false,
    userAgent: 'test',
    getApi: () =>
      Promise.resolve({ getViewerDomain: () => Promise.resolve(domain) } as unknown as CloudFrontApi),
    signal: new AbortController().signal,
    io: {
      debug() {},
      info() {},
      warning() {},
      notice() {},
      setOutput() {},
      group: <T>(_: string, fn: () => Promise<T>) => fn(),
      summary: () => Promise.resolve(),
    },
  })
  it.each([
    [undefined, /^dt_shop: GetDistributionTenant gave no active domain to verify at: set 'verify-url'$/],
    ['evil.example.com/path@x', /gave no usable domain \("evil\.example\.com\/path@x"\)/],
  ])('%s: an error naming verify-url, before any request', async (domain, message) => {
    await expect(verifyEdge(ctx(domain))).rejects.toThrow(message)
  })
})

describe('tenants: a sample of at most MAX_VERIFY_TENANTS', () => {
  const tenant = (i: number) => ({
    id: `dt_shop${String(i).padStart(5, '0')}`,
    items: [path('/a.js')],
    invalidated: ['/a.js'],
    invalidations: [],
  })

  it('takes every distribution and tenants spread evenly over the list, in order', () => {
    const targets = [{ id: 'E2EXAMPLE0000' }, ...Array.from({ length: 100 }, (_, i) => tenant(i))]
    const { targets: taken, leftOut } = sampleTenants(targets, 20)
    expect(leftOut).toBe(80)
    expect(taken[0]?.id).toBe('E2EXAMPLE0000')
    expect(taken.slice(1).map((t) => t.id)).toEqual(Array.from({ length: 20 }, (_, i) => tenant(i * 5).id))
    expect(sampleTenants(targets.slice(0, 21), 20)).toEqual({ targets: targets.slice(0, 21), leftOut: 0 })
  })

  it('verifies 20 of 10,000 tenants, and the summary says how many were left out', async () => {
    const lines: string[] = []
    const r = await verifyEdge({
      targets: Array.from({ length: 10_000 }, (_, i) => tenant(i)),
      settings: { sample: 20, onStale: 'fail' },
      indexDocument: 'index.html',
      dryRun: true,
      userAgent: 'test',
      getApi: () => Promise.reject(new Error('a dry run makes no AWS call')),
      signal: new AbortController().signal,
      io: {
        debug() {},
        info: (m: string) => lines.push(m),
        warning() {},
        notice() {},
        setOutput() {},
        group: <T>(_: string, fn: () => Promise<T>) => fn(),
        summary: () => Promise.resolve(),
      },
    })
    expect(r.targets).toHaveLength(MAX_VERIFY_TENANTS)
    expect(r.tenantsLeftOut).toBe(10_000 - MAX_VERIFY_TENANTS)
    expect(lines[0]).toMatch(/^Edge verification checks 20 of 10,000 tenants, spread over them/)
    expect(verifySummary(r)).toContain('9,980 more tenants were not verified: a run checks at most 20')
  })
})
