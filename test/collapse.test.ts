import { describe, expect, it } from 'vitest'
import {
  PRIOR_MIN_DIRECT_PATHS as P,
  collapse,
  describeCollapse,
  estimatedCostUsd,
  type CollapseOptions,
  type CollapseResult,
} from '../src/paths/collapse.js'
import type { Item } from '../src/paths/encode.js'

/** An item as normalizeItems would make it (the inputs here are already encoded). */
function item(value: string): Item {
  return { kind: value.startsWith('#') ? 'tag' : value.endsWith('*') ? 'wildcard' : 'path', value }
}

/** `n` objects in `dir`: `/dir/f0.html` ... (or with another stem/extension). */
function files(dir: string, n: number, stem = 'f', ext = '.html'): string[] {
  return Array.from({ length: n }, (_, i) => `${dir}${stem}${i}${ext}`)
}

function plan(requested: readonly string[], options: CollapseOptions = {}): CollapseResult {
  return collapse(requested.map(item), options)
}

/** What is submitted, as plain strings, in submission order. */
function submitted(requested: readonly string[], options: CollapseOptions = {}): string[] {
  return plan(requested, options).items.map((i) => i.value)
}

const assets = files('/assets/', 412, 'app.', '.js')
const pages = ['/index.html', '/blog/post-7.html', '/docs/guide/setup.html']
const site = [
  ...assets,
  ...files('/', 20),
  ...files('/blog/', 200, 'post-'),
  ...files('/docs/guide/', 50),
  ...files('/img/', 300, 'i', '.png'),
  '/index.html',
  '/blog/post-7.html',
  '/docs/guide/setup.html',
]

describe('collapse: the rule with a known tree (at least 90% of a directory changed)', () => {
  const spread = Array.from({ length: 40 }, (_, i) => `/d${i}/page0.html`)
  const spreadTree = Array.from({ length: 40 }, (_, i) => files(`/d${i}/`, 10, 'page')).flat()
  const deep = (dir: string, n: number): string[] => files(dir, n, 'x', '.js')
  const deepTree = [
    ...deep('/a/b/c/d/', 30),
    ...deep('/a/b/c/e/', 30),
    ...deep('/a/b/c/f/', 30),
    ...deep('/a/b/g/', 30),
  ]

  it.each([
    {
      name: 'one directory fully rewritten (hashed assets); scattered pages stay',
      requested: [...assets, ...pages],
      tree: site,
      expected: ['/assets/*', ...pages],
    },
    {
      name: 'changes spread thinly over many directories: no collapse',
      requested: spread,
      tree: spreadTree,
      expected: spread,
    },
    {
      name: '90 of 100 changed is 90%: collapse',
      requested: files('/p/', 90),
      tree: files('/p/', 100),
      expected: ['/p/*'],
    },
    {
      name: '89 of 100 changed is 89%: no collapse',
      requested: files('/p/', 89),
      tree: files('/p/', 100),
      expected: files('/p/', 89),
    },
    {
      name: 'fewer than 10 paths, even all of a directory: not worth a wildcard',
      requested: files('/p/', 9),
      tree: files('/p/', 9),
      expected: files('/p/', 9),
    },
    {
      name: 'deep tree: only the fully rewritten leaves collapse',
      requested: [...deep('/a/b/c/d/', 30), ...deep('/a/b/c/e/', 30)],
      tree: deepTree,
      expected: ['/a/b/c/d/*', '/a/b/c/e/*'],
    },
    {
      name: 'deep tree: the topmost directory that qualifies wins',
      requested: [...deep('/a/b/c/d/', 30), ...deep('/a/b/c/e/', 30), ...deep('/a/b/c/f/', 29)],
      tree: deepTree,
      expected: ['/a/b/c/*'],
    },
    {
      name: 'a page served as /p/ and /p/index.html stays two paths',
      requested: ['/blog/p/', '/blog/p/index.html'],
      tree: ['/blog/p/', '/blog/p/index.html', ...files('/blog/', 10)],
      expected: ['/blog/p/', '/blog/p/index.html'],
    },
    {
      name: '/docs/* covers the directory index /docs/ too',
      requested: ['/docs/', '/docs/index.html', ...files('/docs/a/', 10)],
      tree: ['/docs/', '/docs/index.html', ...files('/docs/a/', 10)],
      expected: ['/docs/*'],
    },
    {
      name: 'deleted files count as changed: 10 changed (9 deleted), 1 unchanged',
      requested: [...files('/old/', 9), '/old/kept.html'],
      tree: ['/old/kept.html', '/old/other.html'],
      expected: ['/old/*'],
    },
    {
      name: 'a directory the tree does not list falls back to the prior (fewer than 100: kept)',
      requested: files('/api/v1/', P - 1),
      tree: site,
      expected: files('/api/v1/', P - 1),
    },
    {
      name: 'a directory the tree does not list falls back to the prior (100 or more: collapsed)',
      requested: files('/gone/', P),
      tree: site,
      expected: ['/gone/*'],
    },
    {
      name: 'the whole site changed: still never /* without max-paths',
      requested: site,
      tree: site,
      expected: ['/assets/*', ...files('/', 20), '/blog/*', '/docs/*', '/img/*', '/index.html'],
    },
    {
      name: 'a single changed path is never replaced by a wildcard',
      requested: ['/solo/a.html'],
      tree: ['/solo/a.html'],
      expected: ['/solo/a.html'],
    },
  ])('$name', ({ requested, tree, expected }) => {
    expect(submitted(requested, { tree })).toEqual(expected)
  })

  it('reports what each wildcard covers and the unchanged objects it hits', () => {
    const result = plan([...files('/p/', 18), '/q.html'], { tree: [...files('/p/', 20), '/q.html'] })
    expect(result).toEqual({
      items: [item('/p/*'), item('/q.html')],
      requested: 19,
      billed: 2,
      wildcards: [{ value: '/p/*', covers: 18, unchanged: 2 }],
      redundant: 0,
      unchanged: 2,
      rootFallback: false,
      warnings: [],
    })
  })

  it('accepts the tree as an array or a set, with the same plan', () => {
    const requested = [...assets, ...pages]
    expect(plan(requested, { tree: new Set(site) })).toEqual(plan(requested, { tree: site }))
  })
})

describe('collapse: the prior without a tree (100 paths directly in a directory)', () => {
  it.each([
    {
      name: 'hashed assets: collapsed',
      requested: [...assets, ...pages],
      expected: ['/assets/*', ...pages],
    },
    {
      name: '99 pages in one directory: kept',
      requested: files('/blog/', P - 1),
      expected: files('/blog/', P - 1),
    },
    {
      name: 'many directories, one page each: no collapse, not even at their parent',
      requested: Array.from({ length: 30 }, (_, i) => `/blog/post-${i}/index.html`),
      expected: Array.from({ length: 30 }, (_, i) => `/blog/post-${i}/index.html`),
    },
    {
      name: 'deep tree: two collapsed subdirectories do not make their parent collapse',
      requested: [...files('/a/js/', P), ...files('/a/css/', P), '/a/x.html'],
      expected: ['/a/js/*', '/a/css/*', '/a/x.html'],
    },
    {
      name: 'deep tree: a hundred collapsed subdirectories do',
      requested: Array.from({ length: P }, (_, i) => files(`/a/s${i}/`, P)).flat(),
      expected: ['/a/*'],
    },
    {
      name: 'root files never become /*',
      requested: files('/', P),
      expected: files('/', P),
    },
  ])('$name', ({ requested, expected }) => {
    expect(submitted(requested)).toEqual(expected)
  })
})

describe('collapse: wildcards, tags and query strings the user gave', () => {
  it.each([
    {
      name: 'a requested wildcard drops the paths it covers',
      requested: ['/assets/a.js', '/assets/*', '/assets/js/*', '/b.html'],
      expected: ['/assets/*', '/b.html'],
      redundant: 2,
    },
    {
      name: 'a partial-name wildcard covers only its prefix',
      requested: ['/img/a*', '/img/a1.png', '/img/b.png'],
      expected: ['/img/a*', '/img/b.png'],
      redundant: 1,
    },
    {
      name: 'tags and query strings stay, even under a wildcard',
      requested: ['#product-42', '/search?q=1', '/assets/*', '/assets/x.js?v=2', '/assets/y.js'],
      expected: ['#product-42', '/search?q=1', '/assets/*', '/assets/x.js?v=2'],
      redundant: 1,
    },
    {
      name: 'a requested /* covers every path, but no tag or query string',
      requested: ['/a.html', '#t', '/*', '/b/c.html', '/q?x=1', '/b/*'],
      expected: ['#t', '/*', '/q?x=1'],
      redundant: 3,
    },
    {
      name: 'repeated items are dropped',
      requested: ['/a.html', '/a.html', '#t', '#t'],
      expected: ['/a.html', '#t'],
      redundant: 2,
    },
  ])('$name', ({ requested, expected, redundant }) => {
    const result = plan(requested)
    expect(result.items.map((i) => i.value)).toEqual(expected)
    expect(result.redundant).toBe(redundant)
    expect(result.requested).toBe(requested.length)
  })

  it('a planned wildcard absorbs user wildcards inside its directory', () => {
    const result = plan(['/s/a*', ...files('/s/', P - 1, 'b')])
    expect(result.items.map((i) => i.value)).toEqual(['/s/*'])
    expect(result.wildcards).toEqual([{ value: '/s/*', covers: P }])
  })

  it('objects under a user wildcard are not counted as unchanged objects lost', () => {
    // /p/old* evicts its 5 objects anyway; of the rest, 9 changed and 1 unchanged: 90%.
    const tree = [...files('/p/', 10), ...files('/p/', 5, 'old')]
    expect(submitted(['/p/old*', ...files('/p/', 9)], { tree })).toEqual(['/p/*'])
  })
})

describe('collapse: the wildcard quota (15 in progress per distribution)', () => {
  // 20 fully rewritten directories of 11..30 files: the rule would collapse all of them.
  const dirs = Array.from({ length: 20 }, (_, i) => files(`/d${String(i).padStart(2, '0')}/`, 11 + i))
  const requested = dirs.flat()
  const wildcards = (result: CollapseResult): string[] => result.wildcards.map((w) => w.value)

  it.each([
    { name: 'a dry run: 15 new wildcards, the biggest directories', inProgress: 0, user: 0, expected: 15 },
    { name: '10 already in progress: 5 more', inProgress: 10, user: 0, expected: 5 },
    { name: '10 in progress and 3 requested: 2 more', inProgress: 10, user: 3, expected: 2 },
    { name: 'all 15 in progress: none', inProgress: 15, user: 0, expected: 0 },
  ])('$name', ({ inProgress, user, expected }) => {
    const userWildcards = Array.from({ length: user }, (_, i) => `/u${i}/*`)
    const result = plan([...userWildcards, ...requested], {
      tree: requested,
      wildcardsInProgress: inProgress,
    })
    expect(result.wildcards).toHaveLength(expected)
    // The biggest directories (d19 has 30 files) win, in request order.
    expect(wildcards(result)).toEqual(
      Array.from({ length: expected }, (_, i) => `/d${String(20 - expected + i).padStart(2, '0')}/*`),
    )
    expect(result.items.filter((i) => i.kind === 'wildcard')).toHaveLength(expected + user)
    if (expected < 20) expect(result.warnings.join('\n')).toMatch(/wildcard quota: \d+ more directories/)
  })

  it('keeps more than 15 user wildcards, adds none, but may merge them', () => {
    const user = Array.from({ length: 16 }, (_, i) => `/u${i}/*`)
    const merged = Array.from({ length: 3 }, (_, i) => `/m/v${i}*`)
    const result = plan([...user, ...merged, ...files('/m/', P - 3), ...files('/n/', P)])
    // /m/* replaces three user wildcards and 97 paths (it frees quota); /n/* would add one: not allowed.
    expect(result.items.map((i) => i.value)).toEqual([...user, '/m/*', ...files('/n/', P)])
  })
})

describe('collapse: max-paths', () => {
  const scattered = Array.from({ length: 12 }, (_, i) => `/s${i}/page.html`)

  it.each([
    {
      name: 'fits already: nothing more to do',
      requested: [...assets, ...pages],
      maxPaths: 4,
      tree: site,
      expected: ['/assets/*', ...pages],
    },
    {
      name: 'the cheapest directory goes first (fewest unchanged objects per path saved)',
      requested: [...files('/a/', 5), ...files('/b/', 5)],
      maxPaths: 6,
      tree: [...files('/a/', 6), ...files('/b/', 50)],
      expected: ['/a/*', ...files('/b/', 5)],
    },
    {
      name: 'the last step takes the directory that just fits and hits least',
      // Needs 1 path saved: /b/* (2 changed, 1 unchanged) beats /a/* (40 changed, 10 unchanged), though
      // /a/ loses fewer objects per path saved.
      requested: [...files('/a/', 40), ...files('/b/', 2)],
      maxPaths: 41,
      tree: [...files('/a/', 50), ...files('/b/', 3)],
      expected: [...files('/a/', 40), '/b/*'],
    },
    {
      name: 'after a subdirectory collapses, its parent is judged on the objects left',
      // /p/a/* goes first (2 unchanged for 9 paths); then /p/* costs 2 more unchanged, /q/* 3.
      requested: [...files('/p/a/', 10), ...files('/p/', 2), ...files('/q/', 3)],
      maxPaths: 5,
      tree: [...files('/p/a/', 12), ...files('/p/', 4), ...files('/q/', 6)],
      expected: ['/p/*', ...files('/q/', 3)],
    },
    {
      name: 'without a tree, the directory with the most changed entries goes first',
      requested: [...files('/a/', 6), ...files('/b/', 3), ...files('/b/c/', 4)],
      maxPaths: 9,
      tree: undefined,
      expected: ['/a/*', ...files('/b/', 3), ...files('/b/c/', 4)],
    },
    {
      name: 'scattered pages: forced to /*',
      requested: scattered,
      maxPaths: 1,
      tree: undefined,
      expected: ['/*'],
    },
    {
      name: 'tags and query strings stay beside /*',
      requested: ['#a', ...scattered, '/q?x=1', '#b'],
      maxPaths: 4,
      tree: undefined,
      expected: ['#a', '/*', '/q?x=1', '#b'],
    },
    {
      name: 'deep tree: the rule gives /a/b/* and /a/e/*; one path fits at /a/*, not /*',
      requested: [...files('/a/b/c/', 5), ...files('/a/b/d/', 5), ...files('/a/e/', 5)],
      maxPaths: 1,
      tree: [
        ...files('/a/b/c/', 5),
        ...files('/a/b/d/', 5),
        ...files('/a/e/', 5),
        ...files('/a/other/', 10),
        ...files('/z/', 100),
      ],
      expected: ['/a/*'],
    },
  ])('$name', ({ requested, maxPaths, tree, expected }) => {
    const result = plan(requested, tree === undefined ? { maxPaths } : { maxPaths, tree })
    expect(result.items.map((i) => i.value)).toEqual(expected)
    expect(result.billed).toBeLessThanOrEqual(maxPaths)
    expect(result.rootFallback).toBe(expected.includes('/*'))
    if (result.rootFallback) expect(result.warnings.join('\n')).toMatch(/collapsed to \/\*/)
  })

  it('says so when even /* plus the tags cannot fit, and returns the smallest plan', () => {
    const result = plan(['#a', '#b', '/x/1.html', '/y/2.html'], { maxPaths: 2 })
    expect(result.items.map((i) => i.value)).toEqual(['#a', '#b', '/*'])
    expect(result.warnings.join('\n')).toMatch(/max-paths 2 cannot be met: the smallest plan bills 3 paths/)
  })

  it('does not put /* in for a single path', () => {
    const result = plan(['#a', '#b', '/x.html'], { maxPaths: 1 })
    expect(result.items.map((i) => i.value)).toEqual(['#a', '#b', '/x.html'])
    expect(result.rootFallback).toBe(false)
  })

  it('without room for a new wildcard, only /* fits', () => {
    const requested = Array.from({ length: 20 }, (_, i) => files(`/d${i}/`, 2)).flat()
    const result = plan(requested, { maxPaths: 5, wildcardsInProgress: 15 })
    expect(result.items.map((i) => i.value)).toEqual(['/*'])
    // With room, two parent directories fit.
    const nested = Array.from({ length: 20 }, (_, i) => files(`/p${i % 2}/d${i}/`, 2)).flat()
    expect(submitted(nested, { maxPaths: 2 })).toEqual(['/p0/*', '/p1/*'])
  })

  it('when the quota binds, merges wildcards into their parent', () => {
    // 2 wildcards free: /p/a/* and /p/b/* (cheapest per path saved) go first, /p/c/* must wait,
    // and /p/* then frees one while it brings the plan down to the cap.
    const tree = [...files('/p/a/', 4), ...files('/p/b/', 4), ...files('/p/c/', 4), ...files('/p/z/', 6)]
    const requested = [...files('/p/a/', 3), ...files('/p/b/', 3), ...files('/p/c/', 3), '/q.html']
    const result = plan(requested, { tree, maxPaths: 2, wildcardsInProgress: 13 })
    expect(result.items.map((i) => i.value)).toEqual(['/p/*', '/q.html'])
    expect(result.wildcards).toEqual([{ value: '/p/*', covers: 9, unchanged: 9 }])
  })
})

describe('the worked example in docs/collapse.md', () => {
  const hashed = files('/assets/', 412, 'index-', '.js')
  const tree = [
    ...hashed,
    '/index.html',
    '/about.html',
    ...files('/blog/', 200, 'post-'),
    ...files('/docs/guide/', 48, 'page-'),
    '/docs/guide/setup.html',
    '/docs/guide/install.html',
    ...files('/img/', 300, 'i', '.png'),
  ]
  const requested = [...hashed, '/index.html', '/blog/post-7.html', '/docs/guide/setup.html']

  it.each([
    { name: 'auto', options: { tree }, expected: ['/assets/*', ...requested.slice(412)] },
    { name: 'auto without a tree', options: {}, expected: ['/assets/*', ...requested.slice(412)] },
    {
      name: 'max-paths 4',
      options: { tree, maxPaths: 4 },
      extra: ['/docs/guide/install.html'],
      expected: ['/assets/*', '/index.html', '/blog/post-7.html', '/docs/guide/*'],
    },
    {
      name: 'max-paths 2',
      options: { tree, maxPaths: 2 },
      extra: ['/docs/guide/install.html', '#product-42'],
      expected: ['/*', '#product-42'],
    },
  ])('$name', ({ options, extra = [], expected }) => {
    expect(submitted([...requested, ...extra], options)).toEqual(expected)
  })

  it('logs the line shown in the docs', () => {
    expect(describeCollapse(plan(requested, { tree }))).toBe(
      '415 requested paths -> 4 billed (est. $0.020 at $0.005/path); 1 wildcard: /assets/* covers 412, 0 unchanged',
    )
    expect(describeCollapse(plan([...requested, '/docs/guide/install.html'], { tree, maxPaths: 4 }))).toBe(
      '416 requested paths -> 4 billed (est. $0.020 at $0.005/path); 2 wildcards: /assets/* covers 412, 0 unchanged; /docs/guide/* covers 2, 48 unchanged',
    )
  })
})

describe('collapse: mode and arguments', () => {
  it('off submits the items as computed', () => {
    const requested = [...assets, '/assets/*', '#t']
    const result = plan(requested, { mode: 'off', maxPaths: 1 })
    expect(result.items.map((i) => i.value)).toEqual(requested)
    expect(result).toMatchObject({ requested: 414, billed: 414, wildcards: [], redundant: 0, warnings: [] })
  })

  it.each([{ maxPaths: 0 }, { maxPaths: 1.5 }, { wildcardsInProgress: -1 }])('rejects %o', (options) => {
    expect(() => plan(['/a'], options)).toThrow(RangeError)
  })

  it('an empty request plans nothing', () => {
    expect(plan([], { maxPaths: 1 })).toMatchObject({ items: [], requested: 0, billed: 0, warnings: [] })
  })
})

describe('describeCollapse and estimatedCostUsd', () => {
  it.each([
    { paths: 0, usd: 0 },
    { paths: 1, usd: 0.005 },
    { paths: 5000, usd: 25 },
    { paths: 63, usd: 0.315 },
  ])('$paths paths cost $usd USD', ({ paths, usd }) => {
    expect(estimatedCostUsd(paths)).toBe(usd)
  })

  it('writes one line with the wildcards and what they cover', () => {
    expect(describeCollapse(plan([...assets, ...pages, '/x/*', '/x/y.js'], { tree: site }))).toBe(
      '417 requested paths -> 5 billed (est. $0.025 at $0.005/path); 1 already covered by requested wildcards; ' +
        '1 wildcard: /assets/* covers 412, 0 unchanged',
    )
    expect(describeCollapse(plan(files('/p/', 1200)))).toBe(
      '1,200 requested paths -> 1 billed (est. $0.005 at $0.005/path); 1 wildcard: /p/* covers 1,200',
    )
  })
})

describe('collapse: properties on random inputs', () => {
  /** mulberry32: a small seeded generator, so a failure names a seed that reproduces it. */
  function random(seed: number): () => number {
    let a = seed
    return () => {
      a = (a + 0x6d2b79f5) | 0
      let t = Math.imul(a ^ (a >>> 15), 1 | a)
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296
    }
  }

  function randomCase(seed: number): { requested: string[]; options: CollapseOptions } {
    const rnd = random(seed)
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)] as T
    const segs = ['a', 'b', 'c', 'assets', 'x y', '%C3%A9']
    const objects = new Set<string>()
    const count = 1 + Math.floor(rnd() * 200)
    for (let i = 0; i < count; i++) {
      let path = '/'
      const depth = Math.floor(rnd() * 4)
      for (let d = 0; d < depth; d++) path += `${pick(segs)}/`
      objects.add(rnd() < 0.1 ? path : `${path}${pick(['f', 'g', 'index'])}${Math.floor(rnd() * 12)}.html`)
    }
    const all = [...objects]
    const requested = new Set(all.filter(() => rnd() < 0.5))
    // Up to 3 rebuilt directories, mostly or wholly changed, some big enough for the prior.
    const bulks = Math.floor(rnd() * 4)
    for (let k = 0; k < bulks; k++) {
      const dir = `/${pick(segs)}/${rnd() < 0.5 ? `${pick(segs)}/` : ''}bulk${k}/`
      const share = 0.8 + rnd() * 0.2
      for (let i = Math.floor(5 + rnd() * 150); i > 0; i--) {
        all.push(`${dir}h${i}.js`)
        if (rnd() < share) requested.add(`${dir}h${i}.js`)
      }
    }
    const extras = Math.floor(rnd() * 6)
    for (let i = 0; i < extras; i++) {
      const base = pick(all)
      const kind = rnd()
      if (kind < 0.25) requested.add(`#tag${i}`)
      else if (kind < 0.5) requested.add(`${base}?v=${i}`)
      else if (kind < 0.75) requested.add(`${base.slice(0, 1 + Math.floor(rnd() * base.length))}*`)
      else requested.add(`/deleted/${pick(segs)}/${i}.html`)
    }
    const options: CollapseOptions = { wildcardsInProgress: Math.floor(rnd() * 16) }
    if (rnd() < 0.6) options.tree = all
    if (rnd() < 0.5) options.maxPaths = 1 + Math.floor(rnd() * 20)
    return { requested: [...requested].sort(() => rnd() - 0.5), options }
  }

  const isQuery = (v: string): boolean => v.includes('?')
  /** Wildcards that can cover other paths: not the query-string ones. */
  const prefixesOf = (values: readonly string[]): string[] =>
    values.filter((v) => v.endsWith('*') && !v.startsWith('#') && !isQuery(v)).map((v) => v.slice(0, -1))

  const seeds = Array.from({ length: 300 }, (_, i) => i + 1)

  it.each(seeds)('seed %i: covers every requested item and keeps the limits', (seed) => {
    const { requested, options } = randomCase(seed)
    const result = plan(requested, options)
    const asked = new Set(requested)
    const out = result.items.map((i) => i.value)
    const outSet = new Set(out)
    const outPrefixes = prefixesOf(out)

    // Never drop a path: each item is submitted as it is, or (a path or a wildcard) under a wildcard;
    // tags and query strings only as they are.
    const lost = requested.filter((value) => {
      if (outSet.has(value)) return false
      if (value.startsWith('#') || isQuery(value)) return true
      const own = value.endsWith('*') ? value.slice(0, -1) : value
      return !outPrefixes.some((p) => own.startsWith(p))
    })
    expect(lost).toEqual([])
    // Nothing is invented: a new item is a whole-directory wildcard.
    expect(out.filter((v) => !asked.has(v) && !v.endsWith('/*'))).toEqual([])
    expect(new Set(out).size).toBe(out.length)

    // The counts add up.
    const covered = result.wildcards.reduce((sum, w) => sum + w.covers, 0)
    expect(result.requested).toBe(requested.length)
    expect(result.billed).toBe(out.length)
    expect(result.requested).toBe(result.billed - result.wildcards.length + covered + result.redundant)

    // The wildcard quota: never more than fits beside those in progress, unless the user asked for more.
    const userWildcards = requested.filter((v) => v.endsWith('*')).length
    const limit = Math.max(15 - (options.wildcardsInProgress ?? 0), userWildcards)
    if (!result.rootFallback) expect(out.filter((v) => v.endsWith('*')).length).toBeLessThanOrEqual(limit)

    // max-paths is met whenever /* plus the uncollapsible items can meet it.
    if (options.maxPaths !== undefined) {
      const fixed = requested.filter((v) => v.startsWith('#') || isQuery(v)).length
      if (fixed + 1 <= options.maxPaths) expect(result.billed).toBeLessThanOrEqual(options.maxPaths)
    } else {
      expect(result.rootFallback).toBe(false)
    }

    // Unchanged objects lost, recounted by brute force.
    if (options.tree !== undefined) {
      const userPrefixes = prefixesOf(requested)
      const hit = [...(options.tree as Iterable<string>)].filter(
        (o) =>
          !asked.has(o) &&
          !userPrefixes.some((p) => o.startsWith(p)) &&
          result.wildcards.some((w) => o.startsWith(w.value.slice(0, -1))),
      )
      expect(result.unchanged).toBe(hit.length)
    }
  })

  it('distinct: told that nothing repeats, plans exactly as when it checks', () => {
    for (const seed of seeds.slice(0, 100)) {
      const { requested, options } = randomCase(seed)
      const unique = [...new Set(requested)]
      const checked = plan(unique, options)
      expect(plan(unique, { ...options, distinct: true })).toEqual(checked)
    }
  })

  it('the plan does not depend on the order of the request', () => {
    for (const seed of seeds.slice(0, 100)) {
      const { requested, options } = randomCase(seed)
      const sorted = (r: CollapseResult): string[] => r.items.map((i) => i.value).sort()
      expect(sorted(plan([...requested].reverse(), options))).toEqual(sorted(plan(requested, options)))
    }
  })
})
