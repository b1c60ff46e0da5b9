/**
 * ARCHITECTURE.md's invariants and code map, checked against the imports of src/ as they are: who may
 * import @actions/core, @actions/github and the AWS SDK, what the pure modules stay clear of. A map that
 * drifts from the code misleads the newcomers it is written for, so a new import that breaks a rule fails
 * here: change the code, or change the map and this test together.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { dirname, join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

const root = fileURLToPath(new URL('../', import.meta.url))
const src = join(root, 'src')

interface Import {
  /** The importing module, relative to src/ (`paths/walk.ts`). */
  from: string
  /** The specifier as written, or the module it names relative to src/ for a relative one. */
  target: string
  /** `import type` (erased at build time: no run-time dependency). */
  typeOnly: boolean
}

/** The walk's modules: the one part of paths/ that reads the disk (the walk, its listings, root checks). */
const WALK = ['paths/listing.ts', 'paths/root.ts', 'paths/walk.ts']

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  )
}

/** Every static import, re-export and dynamic import of every module under src/. */
const IMPORTS: Import[] = sources(src).flatMap((file) => {
  const from = relative(src, file).split('\\').join('/')
  const text = readFileSync(file, 'utf8')
  const found: Import[] = []
  const add = (spec: string, typeOnly: boolean): void => {
    const target = spec.startsWith('.')
      ? relative(src, join(dirname(file), spec))
          .split('\\')
          .join('/')
          .replace(/\.js$/, '.ts')
      : spec
    found.push({ from, target, typeOnly })
  }
  for (const m of text.matchAll(/^(import|export)(\s+type)?\s[^;]*?\sfrom\s+'([^']+)'/gms))
    add(m[3] ?? '', m[2] !== undefined)
  for (const m of text.matchAll(/import\('([^']+)'\)/g)) add(m[1] ?? '', false)
  for (const m of text.matchAll(/^import\s+'([^']+)'/gm)) add(m[1] ?? '', false) // for its side effects
  return found
})

/** The modules that import `target` (matched by `test`) at run time. */
function importers(test: (target: string) => boolean): string[] {
  return [...new Set(IMPORTS.filter((i) => !i.typeOnly && test(i.target)).map((i) => i.from))].sort()
}

describe('ARCHITECTURE.md invariants hold in src/', () => {
  it('reads the imports (a sanity check of this test)', () => {
    expect(IMPORTS.length).toBeGreaterThan(300)
    expect(IMPORTS).toContainEqual({ from: 'index.ts', target: 'main.ts', typeOnly: false })
  })

  it('main.ts is the one bundled importer of @actions/core; local-action.ts, its other user, is imported by nothing', () => {
    expect(importers((t) => t.includes('@actions/core'))).toEqual(['local-action.ts', 'main.ts'])
    expect(importers((t) => t === 'local-action.ts')).toEqual([])
  })

  it('@actions/github only in sources/github-api.ts; the AWS SDK only in cloudfront/sdk.ts, reached by a dynamic import', () => {
    expect(importers((t) => t.startsWith('@actions/github'))).toEqual(['sources/github-api.ts'])
    expect(importers((t) => t.startsWith('@aws-sdk/'))).toEqual(['cloudfront/sdk.ts'])
    const toSdk = IMPORTS.filter((i) => i.target === 'cloudfront/sdk.ts')
    expect(toSdk.map((i) => i.from)).toEqual(['cloudfront/api.ts'])
    const apiText = readFileSync(join(src, 'cloudfront', 'api.ts'), 'utf8')
    expect(apiText).toMatch(/await import\('\.\/sdk\.js'\)/)
    expect(apiText).not.toMatch(/from '\.\/sdk\.js'/)
  })

  it('paths/ is path logic: no host, no AWS, no sources or inputs, and only the walk touches the disk', () => {
    const bad = IMPORTS.filter(
      (i) =>
        i.from.startsWith('paths/') &&
        !i.typeOnly &&
        (/^(cloudfront|sources)\//.test(i.target) ||
          ['inputs.ts', 'pipeline.ts', 'main.ts'].includes(i.target) ||
          i.target.startsWith('@actions/') ||
          i.target.startsWith('@aws-sdk/')),
    )
    expect(bad).toEqual([])
    expect(importers((t) => t.startsWith('node:')).filter((f) => f.startsWith('paths/'))).toEqual(WALK)
  })

  it('the pure modules (plan, outputs, report/, targets, durations, numbers) do no I/O', () => {
    const pure = (f: string): boolean =>
      ['plan.ts', 'report.ts', 'targets.ts', 'duration.ts', 'format.ts', 'constants.ts'].includes(f) ||
      // report/file.ts is the one module of report/ that writes (the `invalidations-file`), as the map says.
      (f.startsWith('report/') && f !== 'report/file.ts') ||
      (f.startsWith('paths/') && !WALK.includes(f))
    const io = IMPORTS.filter(
      (i) =>
        pure(i.from) &&
        !i.typeOnly &&
        (i.target.startsWith('node:') ||
          /^(cloudfront|sources|verify|cli)\//.test(i.target) ||
          ['io.ts', 'input-file.ts', 'pipeline.ts', 'main.ts'].includes(i.target)),
    )
    expect(io).toEqual([])
  })

  it('the CLI, cloudfront/ and verify/ never load @actions/core or @actions/github; inputs.ts never reaches cloudfront/', () => {
    const hosts = IMPORTS.filter(
      (i) =>
        /^(cli|cloudfront|verify)\//.test(i.from) &&
        (i.target.startsWith('@actions/core') || i.target.startsWith('@actions/github')),
    )
    expect(hosts).toEqual([])
    expect(IMPORTS.filter((i) => i.from === 'inputs.ts' && i.target.startsWith('cloudfront/'))).toEqual([])
  })

  it('src/ never imports tests, benches or scripts', () => {
    expect(IMPORTS.filter((i) => /^\.\.\/(test|bench|scripts)\//.test(i.target))).toEqual([])
  })
})
