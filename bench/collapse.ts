/**
 * Bench for the wildcard-collapse planner: a 20,000-object site after a build that rewrote a few asset
 * directories completely (new hashed names: the old ones are deleted and invalidated too) and touched
 * scattered pages. Prints, per strategy, requested and billed paths, the estimated cost, and how many
 * unchanged objects lose their cache; then how long planning takes. Figures are printed, never asserted.
 *
 *   node_modules/.bin/node --import tsx bench/collapse.ts
 */
import { performance } from 'node:perf_hooks'
import { collapse, estimatedCostUsd } from '../src/paths/collapse.js'
import type { Item } from '../src/paths/encode.js'

/** A deterministic hex "hash" for file names, so every run builds the same site. */
function hash(n: number, salt: number): string {
  return ((Math.imul(n + 1, 2654435761) ^ Math.imul(salt, 40503)) >>> 0).toString(16).padStart(8, '0')
}

function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i)
}

interface Site {
  /** Every object URL path after the deploy. */
  tree: string[]
  /** What the diff asks to invalidate: changed and added objects, and deleted ones. */
  requested: string[]
}

/** Assets rebuilt under new hashed names: the new names are in the tree, old and new are requested. */
function rebuilt(dir: string, n: number, ext: string, site: Site): void {
  for (const i of range(n)) {
    const now = `${dir}${i}.${hash(i, 2)}${ext}`
    site.tree.push(now)
    site.requested.push(now, `${dir}${i}.${hash(i, 1)}${ext}`)
  }
}

/** `n` objects made by `name`, of which every `every`-th (from `offset`) changed. */
function touched(n: number, every: number, offset: number, name: (i: number) => string[], site: Site): void {
  for (const i of range(n)) {
    const urls = name(i)
    site.tree.push(...urls)
    if (i % every === offset) site.requested.push(...urls)
  }
}

function buildSite(): Site {
  const site: Site = { tree: [], requested: [] }
  site.tree.push('/robots.txt', '/favicon.ico')
  touched(3, 1, 0, (i) => [['/index.html', '/404.html', '/sitemap.xml'][i] ?? ''], site)
  rebuilt('/assets/js/app-', 420, '.js', site)
  rebuilt('/assets/css/style-', 60, '.css', site)
  touched(3000, 120, 7, (i) => [`/assets/img/photo-${i}.webp`], site) // 25 new or edited images
  touched(40, 1000, 999, (i) => [`/assets/fonts/font-${i}.woff2`], site) // none
  rebuilt('/_app/immutable/chunks/', 900, '.js', site)
  rebuilt('/_app/immutable/nodes/', 150, '.js', site)
  touched(1, 1, 0, () => ['/_app/version.json'], site)
  // A post is served at /blog/slug/ and /blog/slug/index.html; 40 of 2,400 were edited.
  touched(2400, 60, 11, (i) => [`/blog/post-${i}/`, `/blog/post-${i}/index.html`], site)
  // Docs: 30 sections of 150 pages; 30 pages edited across them.
  touched(4500, 150, 42, (i) => [`/docs/s${Math.floor(i / 150)}/page-${i % 150}.html`], site)
  const products = 20000 - site.tree.length
  touched(products, Math.floor(products / 20), 5, (i) => [`/products/${i}.html`], site)
  return site
}

/** Unchanged objects a plan invalidates: tree objects not requested, under one of its wildcards. */
function unchangedHit(plan: readonly string[], site: Site, requested: ReadonlySet<string>): number {
  const prefixes = plan.filter((v) => v.endsWith('*')).map((v) => v.slice(0, -1))
  return site.tree.filter((o) => !requested.has(o) && prefixes.some((p) => o.startsWith(p))).length
}

function asItems(values: readonly string[]): Item[] {
  return values.map((value) => ({ kind: value.endsWith('*') ? 'wildcard' : 'path', value }))
}

/** Median wall time of `runs` calls, in ms. */
function time(runs: number, fn: () => unknown): number {
  const ms: number[] = []
  for (let i = 0; i < runs; i++) {
    const start = performance.now()
    fn()
    ms.push(performance.now() - start)
  }
  ms.sort((a, b) => a - b)
  return ms[Math.floor(runs / 2)] ?? NaN
}

const site = buildSite()
const requested = new Set(site.requested)
const unchangedTotal = site.tree.filter((o) => !requested.has(o)).length
const items = asItems(site.requested)

const strategies: Array<{ name: string; plan: () => string[] }> = [
  { name: 'collapse: off', plan: () => collapse(items, { mode: 'off' }).items.map((i) => i.value) },
  {
    name: 'collapse: auto (tree known)',
    plan: () => collapse(items, { tree: site.tree }).items.map((i) => i.value),
  },
  { name: 'collapse: auto (no tree, prior)', plan: () => collapse(items).items.map((i) => i.value) },
  {
    name: 'collapse: auto, max-paths 100',
    plan: () => collapse(items, { tree: site.tree, maxPaths: 100 }).items.map((i) => i.value),
  },
  {
    name: 'collapse: auto, max-paths 50',
    plan: () => collapse(items, { tree: site.tree, maxPaths: 50 }).items.map((i) => i.value),
  },
  { name: 'today: always /*', plan: () => ['/*'] },
  { name: 'today: <= 8 paths, else /*', plan: () => (items.length <= 8 ? site.requested : ['/*']) },
]

const n = (x: number): string => x.toLocaleString('en-US')
console.log(
  `Site: ${n(site.tree.length)} objects; the build requests ${n(items.length)} paths ` +
    `(${n(site.requested.length - site.tree.filter((o) => requested.has(o)).length)} of them deleted objects); ` +
    `${n(unchangedTotal)} objects unchanged.\n`,
)
const rows = strategies.map(({ name, plan }) => {
  const out = plan()
  const hit = unchangedHit(out, site, requested)
  return {
    strategy: name,
    requested: n(items.length),
    billed: n(out.length),
    'fewer billed': `${(items.length / out.length).toFixed(1)}x`,
    'est. cost': `$${estimatedCostUsd(out.length).toFixed(3)}`,
    'unchanged invalidated': `${n(hit)} (${((100 * hit) / unchangedTotal).toFixed(1)}%)`,
  }
})
console.table(rows)

for (const [name, options] of [
  ['collapse: auto (tree known)', { tree: site.tree }],
  ['collapse: auto, max-paths 100', { tree: site.tree, maxPaths: 100 }],
  ['collapse: auto, max-paths 50', { tree: site.tree, maxPaths: 50 }],
] as const) {
  console.log(`\nWildcards chosen by ${name}:`)
  for (const w of collapse(items, options).wildcards) {
    console.log(`  ${w.value}  covers ${n(w.covers)}, ${n(w.unchanged ?? 0)} unchanged`)
  }
}

// Planning time: the fixture, and a 20,000-path request (every object of the site changed).
const everything = asItems(site.tree)
const timings = [
  // A yardstick for this machine's speed (and load): building one Set of the site's 20,000 paths.
  { case: 'yardstick: new Set(20,000 paths)', ms: time(21, () => new Set(site.tree)) },
  {
    case: `fixture, ${n(items.length)} paths, tree`,
    ms: time(21, () => collapse(items, { tree: site.tree })),
  },
  { case: `fixture, ${n(items.length)} paths, no tree`, ms: time(21, () => collapse(items)) },
  {
    case: `20,000 paths, tree, max-paths 10`,
    ms: time(11, () => collapse(everything, { tree: site.tree, maxPaths: 10 })),
  },
  {
    case: `20,000 paths, no tree, max-paths 10`,
    ms: time(11, () => collapse(everything, { maxPaths: 10 })),
  },
]
console.log('\nPlanning time (median):')
console.table(timings.map((t) => ({ case: t.case, ms: t.ms.toFixed(1) })))
