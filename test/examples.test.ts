/**
 * Docs that cannot drift: every workflow in examples/ parses and uses only the inputs and outputs that
 * action.yml declares; every workflow in .github/workflows/ pins third-party actions by commit SHA; CI
 * runs the suite, the dist check and the action itself; .env.example (for `npm run local-action`)
 * names every input.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { parseDocument } from 'yaml'

const root = new URL('../', import.meta.url)
const read = (path: string): string => readFileSync(new URL(path, root), 'utf8')

/** How README.md tells users to reference the action. */
const ACTION_REF = 'cloudfront-invalidate/cloudfront-invalidate@v1'

/**
 * Inputs being added to action.yml in work not merged yet: examples and .env.example may use them ahead
 * of time. Once action.yml declares one, its name here is redundant: remove it.
 */
const UPCOMING_INPUTS = new Set<string>([
  // (none now: `wait-for` was listed here until action.yml declared it)
])

/** The inputs that choose what to invalidate; with `wait-for` none of them may be given. */
const PATH_SOURCES = ['paths', 'paths-file', 'files', 'diff', 'sync-log']

type Json = null | boolean | number | string | Json[] | { [key: string]: Json }
type Obj = { [key: string]: Json }
const isObj = (v: Json | undefined): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v)
/** A YAML scalar as the runner passes it to an input (a string); '' for anything else. */
const scalar = (v: Json | undefined): string =>
  typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? String(v) : ''

interface Step {
  id?: string
  name?: string
  uses?: string
  run?: string
  with?: Obj
  env?: Obj
  if?: string
}
interface Job {
  needs?: string | string[]
  permissions?: Obj | string
  outputs?: Record<string, string>
  steps?: Step[]
  'runs-on'?: Json
  uses?: string
  strategy?: Obj
}
interface Workflow {
  name?: string
  on?: Json
  permissions?: Obj | string
  jobs: Record<string, Job>
}

/** Parse YAML strictly: syntax errors and duplicate keys fail, as they would on GitHub. */
function parseYaml(text: string, file: string): Json {
  const doc = parseDocument(text, { uniqueKeys: true, prettyErrors: true })
  const problems = [...doc.errors, ...doc.warnings].map((e) => `${file}: ${e.message}`)
  if (problems.length > 0) throw new Error(problems.join('\n'))
  return doc.toJS() as Json
}

const action = parseYaml(read('action.yml'), 'action.yml') as {
  inputs: Record<string, { required?: boolean; default?: Json }>
  outputs: Record<string, unknown>
}
const INPUTS = new Set([...Object.keys(action.inputs), ...UPCOMING_INPUTS])
const OUTPUTS = new Set(Object.keys(action.outputs))

function loadWorkflows(dir: string): { file: string; text: string; wf: Workflow }[] {
  const url = new URL(dir, root)
  if (!existsSync(url)) return []
  return readdirSync(url)
    .filter((f) => /\.ya?ml$/.test(f))
    .sort()
    .map((f) => {
      const file = `${dir}${f}`
      const text = read(file)
      return { file, text, wf: parseYaml(text, file) as unknown as Workflow }
    })
}

const EXAMPLES = loadWorkflows('examples/')
const WORKFLOWS = loadWorkflows('.github/workflows/')

/** A step that runs this action: the published reference, or `./` in this repository's own CI. */
const isOurs = (step: Step): boolean => step.uses === './' || /^cloudfront-invalidate\//.test(step.uses ?? '')

const ourSteps = (job: Job): Step[] => (job.steps ?? []).filter(isOurs)

/** Every string in a value, with the dotted path where it sits (for messages). */
function strings(value: Json | undefined, at: string): { at: string; text: string }[] {
  if (typeof value === 'string') return [{ at, text: value }]
  if (Array.isArray(value)) return value.flatMap((v, i) => strings(v, `${at}[${i}]`))
  if (isObj(value)) return Object.entries(value).flatMap(([k, v]) => strings(v, `${at}.${k}`))
  return []
}

const needsOf = (job: Job): string[] =>
  job.needs === undefined ? [] : Array.isArray(job.needs) ? job.needs : [job.needs]

/** The permissions a job gets: its own block replaces the workflow's. */
function permissionsOf(wf: Workflow, job: Job): Obj | string | undefined {
  return job.permissions ?? wf.permissions
}

/** Problems with how `wf` uses this action's inputs and outputs (empty when none). */
function checkActionUse(wf: Workflow): string[] {
  const problems: string[] = []
  for (const [jobName, job] of Object.entries(wf.jobs)) {
    const steps = job.steps ?? []
    const ids = new Map(steps.filter((s) => s.id !== undefined).map((s) => [s.id, s]))
    for (const [i, step] of steps.entries()) {
      if (!isOurs(step)) continue
      const where = `jobs.${jobName}.steps[${i}]`
      const given = Object.keys(step.with ?? {})
      for (const key of given)
        if (!INPUTS.has(key)) problems.push(`${where}: '${key}' is not an input of action.yml`)
      const has = (k: string): boolean => given.includes(k)
      if (has('wait-for')) {
        if (has('distribution-id')) problems.push(`${where}: wait-for and distribution-id exclude each other`)
        for (const k of PATH_SOURCES)
          if (has(k)) problems.push(`${where}: '${k}' cannot be used with wait-for`)
      } else if (!has('distribution-id')) {
        problems.push(`${where}: distribution-id (required) is missing`)
      }
    }
    // steps.X.outputs.Y and steps.X.outputs['Y'] anywhere in the job: X must be a step of this job, and
    // when it runs this action, Y one of its outputs.
    for (const { at, text } of strings(job as unknown as Json, `jobs.${jobName}`)) {
      for (const m of text.matchAll(/\bsteps\.([\w-]+)\.outputs(?:\.([\w-]+)|\[['"]([^'"]+)['"]\])/g)) {
        const [, id = '', dotted, bracketed] = m
        const output = dotted ?? bracketed ?? ''
        const step = ids.get(id)
        if (step === undefined) problems.push(`${at}: no step with id '${id}' in job ${jobName}`)
        else if (isOurs(step) && !OUTPUTS.has(output)) {
          problems.push(`${at}: '${output}' is not an output of action.yml (steps.${id})`)
        }
      }
      // needs.J.outputs.K: J must be a job this one needs, and K one of J's outputs.
      for (const m of text.matchAll(/\bneeds\.([\w-]+)\.outputs(?:\.([\w-]+)|\[['"]([^'"]+)['"]\])/g)) {
        const [, needed = '', dotted, bracketed] = m
        const output = dotted ?? bracketed ?? ''
        if (!needsOf(job).includes(needed)) problems.push(`${at}: job ${jobName} does not need '${needed}'`)
        else if (!Object.keys(wf.jobs[needed]?.outputs ?? {}).includes(output)) {
          problems.push(`${at}: job ${needed} has no output '${output}'`)
        }
      }
    }
  }
  return problems
}

/** Problems common to every workflow: structure, OIDC, script injection. */
function checkWorkflow(wf: Workflow): string[] {
  const problems: string[] = []
  if (wf.on === undefined) problems.push("no 'on'")
  if (!isObj(wf.jobs as unknown as Json) || Object.keys(wf.jobs).length === 0) return [...problems, 'no jobs']
  for (const [jobName, job] of Object.entries(wf.jobs)) {
    const where = `jobs.${jobName}`
    for (const needed of needsOf(job))
      if (!(needed in wf.jobs)) problems.push(`${where}: needs unknown job '${needed}'`)
    if (job.uses !== undefined) continue // a reusable workflow call has no steps
    if (job['runs-on'] === undefined) problems.push(`${where}: no runs-on`)
    if (!Array.isArray(job.steps) || job.steps.length === 0) {
      problems.push(`${where}: no steps`)
      continue
    }
    for (const [i, step] of job.steps.entries()) {
      const at = `${where}.steps[${i}]`
      if ((step.uses === undefined) === (step.run === undefined))
        problems.push(`${at}: needs exactly one of uses/run`)
      // Expressions pasted into a script become shell code: outputs and event fields must go through env.
      if (step.run !== undefined && /\$\{\{[^}]*\b(outputs|github\.event|inputs)\b/.test(step.run)) {
        problems.push(
          `${at}: run pastes an output, event field or input into the script; pass it through env`,
        )
      }
      const w = step.with ?? {}
      if (/^aws-actions\/configure-aws-credentials@/.test(step.uses ?? '')) {
        if ('aws-secret-access-key' in w || 'aws-access-key-id' in w)
          problems.push(`${at}: long-lived keys, not OIDC`)
        if ('role-to-assume' in w) {
          const perms = permissionsOf(wf, job)
          if (!isObj(perms) || perms['id-token'] !== 'write') {
            problems.push(`${where}: assumes a role with OIDC but lacks permissions id-token: write`)
          }
        }
      }
    }
  }
  return problems
}

describe('examples/', () => {
  it('has the documented scenarios', () => {
    expect(EXAMPLES.map((e) => e.file)).toEqual(
      expect.arrayContaining([
        'examples/s3-sync-invalidate.yml',
        'examples/pr-preview.yml',
        'examples/deploy-gate-release.yml',
        'examples/multiple-distributions.yml',
        'examples/dry-run-pull-requests.yml',
      ]),
    )
  })

  for (const { file, wf, text } of EXAMPLES) {
    describe(file, () => {
      it('is a complete workflow with least-privilege permissions, OIDC and no script injection', () => {
        expect(typeof wf.name).toBe('string')
        expect(wf.permissions, 'a top-level permissions block').toBeDefined()
        expect(checkWorkflow(wf)).toEqual([])
        expect(text).toMatch(/^# /) // opens with a comment saying what it shows
      })

      it('runs the action as the README references it, with real inputs and outputs only', () => {
        const uses = Object.values(wf.jobs).flatMap((j) => ourSteps(j).map((s) => s.uses))
        expect(uses.length).toBeGreaterThan(0)
        expect(new Set(uses)).toEqual(new Set([ACTION_REF]))
        expect(checkActionUse(wf)).toEqual([])
      })
    })
  }

  const example = (name: string): Workflow => {
    const found = EXAMPLES.find((e) => e.file === `examples/${name}`)
    if (!found) throw new Error(`examples/${name} is missing`)
    return found.wf
  }
  const stepsOf = (wf: Workflow): Step[] => Object.values(wf.jobs).flatMap((j) => j.steps ?? [])

  it('s3-sync-invalidate: invalidates what the sync log says changed, and waits', () => {
    const wf = example('s3-sync-invalidate.yml')
    const sync = stepsOf(wf).find((s) => /aws s3 sync .*\| tee (\S+)/.test(s.run ?? ''))
    const log = /\| tee (\S+)/.exec(sync?.run ?? '')?.[1]
    const ours = stepsOf(wf).find(isOurs)
    expect(log).toBeDefined()
    expect(ours?.with?.['sync-log']).toBe(log)
    expect(ours?.with?.wait).toBe(true)
  })

  it('deploy-gate-release: deploy submits, gate waits for those invalidations, release needs the gate', () => {
    const { jobs } = example('deploy-gate-release.yml')
    const deployStep = ourSteps(jobs.deploy ?? {})[0]
    expect(deployStep?.with?.wait).toBe(false)
    expect(deployStep?.id).toBeDefined()
    // invalidation-list, not the invalidations JSON: it fits one input of the gate at any size.
    expect(jobs.deploy?.outputs?.invalidations).toBe(
      `\${{ steps.${deployStep?.id}.outputs.invalidation-list }}`,
    )
    expect(needsOf(jobs.gate ?? {})).toContain('deploy')
    const gateStep = ourSteps(jobs.gate ?? {})[0]
    expect(gateStep?.with?.['wait-for']).toBe('${{ needs.deploy.outputs.invalidations }}')
    expect(gateStep?.with?.timeout).toBeDefined()
    expect(needsOf(jobs.release ?? {})).toContain('gate')
    expect(ourSteps(jobs.release ?? {})).toEqual([])
  })

  it('multiple-distributions: one step invalidates several distributions', () => {
    const ids = stepsOf(example('multiple-distributions.yml'))
      .filter(isOurs)
      .map((s) => scalar(s.with?.['distribution-id']))
      .filter((v) => !v.includes('${{')) // ids from a matrix are written (and seen) in the matrix
      .map((v) => v.split(/[\s,]+/).filter(Boolean))
    expect(Math.max(...ids.map((l) => l.length))).toBeGreaterThanOrEqual(2)
    for (const id of ids.flat()) expect(id).toMatch(/^[A-Z0-9]{10,20}$/)
  })

  it('dry-run-pull-requests: a dry run exactly on pull requests, credentials only on push', () => {
    const wf = example('dry-run-pull-requests.yml')
    expect(Object.keys(wf.on as Obj)).toEqual(expect.arrayContaining(['pull_request', 'push']))
    const steps = stepsOf(wf)
    expect(steps.find(isOurs)?.with?.['dry-run']).toBe("${{ github.event_name == 'pull_request' }}")
    const creds = steps.filter((s) => s.uses?.startsWith('aws-actions/configure-aws-credentials@'))
    expect(creds.length).toBeGreaterThan(0)
    for (const s of creds) expect(s.if).toBe("github.event_name == 'push'")
  })

  it('pr-preview: previews pull requests, skips forks, cleans up on close', () => {
    const wf = example('pr-preview.yml')
    expect(Object.keys(wf.on as Obj)).toContain('pull_request')
    const ifs = Object.values(wf.jobs).map((j) => String((j as { if?: string }).if ?? ''))
    expect(ifs.every((c) => c.includes('head.repo.full_name == github.repository'))).toBe(true)
    expect(ifs.some((c) => c.includes("github.event.action == 'closed'"))).toBe(true)
  })
})

/** The ```yaml blocks of the README and docs/: workflows, jobs and steps as users will copy them. */
const SNIPPETS = [
  'README.md',
  ...readdirSync(new URL('docs/', root))
    .filter((f) => f.endsWith('.md'))
    .sort()
    .map((f) => `docs/${f}`),
].flatMap((file) =>
  [...read(file).matchAll(/^```ya?ml\n([\s\S]*?)^```/gm)].map((m, i) => ({
    where: `${file}, yaml block ${i + 1}`,
    text: m[1] ?? '',
  })),
)

/**
 * A snippet as a workflow to check: a whole workflow, jobs without their `on:`, or steps (wrapped in a
 * job); undefined for other YAML, such as a `permissions:` block.
 */
function snippetWorkflow(value: Json): { wf: Workflow; complete: boolean } | undefined {
  const steps = Array.isArray(value)
    ? value
    : isObj(value) && ('uses' in value || 'run' in value)
      ? [value]
      : []
  if (steps.length > 0) {
    const job = { 'runs-on': 'ubuntu-latest', steps } as unknown as Job
    return { wf: { on: 'push', jobs: { job } }, complete: false }
  }
  if (isObj(value) && isObj(value.jobs)) return { wf: value as unknown as Workflow, complete: 'on' in value }
  return undefined
}

describe('workflows in README.md and docs/', () => {
  it('are there to check', () => {
    expect(SNIPPETS.length).toBeGreaterThan(5)
  })

  it.each(SNIPPETS)(
    '$where: parses, and uses only the inputs and outputs of action.yml',
    ({ where, text }) => {
      const found = snippetWorkflow(parseYaml(text, where))
      if (found === undefined) return
      const { wf, complete } = found
      // A fragment leaves out what the page around it gives: the trigger, the permissions, earlier steps.
      const partial = /^no 'on'$|lacks permissions id-token|no step with id/
      const problems = [...checkWorkflow(wf), ...checkActionUse(wf)].filter(
        (p) => complete || !partial.test(p),
      )
      expect(problems).toEqual([])
    },
  )
})

describe('the checks themselves', () => {
  const wf = (text: string): Workflow => parseYaml(text, 'inline') as unknown as Workflow
  it('catch an unknown input, a wrong output, a missing job output and a pasted output', () => {
    const bad = wf(`
on: push
permissions: { contents: read }
jobs:
  a:
    runs-on: ubuntu-latest
    outputs: { ids: "\${{ steps.inv.outputs.invalidation_ids }}" }
    steps:
      - id: inv
        uses: ${ACTION_REF}
        with: { distribution-id: E2EXAMPLE0000, path: /x }
      - run: echo "\${{ steps.inv.outputs.status }}"
  b:
    needs: a
    runs-on: ubuntu-latest
    steps:
      - run: echo "$X"
        env: { X: "\${{ needs.a.outputs.idz }}" }
      - uses: ${ACTION_REF}
        with: { wait-for: "\${{ needs.a.outputs.ids }}", distribution-id: E2EXAMPLE0000 }
`)
    expect(checkActionUse(bad)).toEqual([
      "jobs.a.steps[0]: 'path' is not an input of action.yml",
      "jobs.a.outputs.ids: 'invalidation_ids' is not an output of action.yml (steps.inv)",
      'jobs.b.steps[1]: wait-for and distribution-id exclude each other',
      "jobs.b.steps[0].env.X: job a has no output 'idz'",
    ])
    expect(checkWorkflow(bad)).toEqual([
      'jobs.a.steps[1]: run pastes an output, event field or input into the script; pass it through env',
    ])
  })

  it('reject duplicate keys', () => {
    expect(() => parseYaml('a: 1\na: 2\n', 'dup.yml')).toThrow(/dup\.yml/)
  })
})

describe('.github/workflows/', () => {
  /** Every `uses:` line of a workflow, as written (with its comment). */
  const usesLines = (text: string): string[] =>
    text
      .split('\n')
      .map((l) => /^\s*(?:-\s+)?uses:\s*(.*)$/.exec(l)?.[1]?.trim())
      .filter((l): l is string => l !== undefined)

  it('has CI (and every workflow parses and is well formed)', () => {
    expect(WORKFLOWS.map((w) => w.file)).toContain('.github/workflows/ci.yml')
    for (const { file, wf } of WORKFLOWS) expect(checkWorkflow(wf), file).toEqual([])
  })

  it('pins every third-party action to a full commit SHA, with the release in a comment', () => {
    const pins = new Map<string, Set<string>>()
    for (const { file, text } of WORKFLOWS) {
      for (const line of usesLines(text)) {
        if (line.startsWith('./')) continue
        const m = /^([\w.-]+\/[\w.-]+)(\/[^@\s]*)?@([0-9a-f]{40})\s+#\s*v\d+(\.\d+){0,2}\b/.exec(line)
        expect(m, `${file}: "uses: ${line}" is not owner/repo@<40-hex SHA> # vX.Y.Z`).not.toBeNull()
        const [, repo = '', , sha = ''] = m ?? []
        pins.set(repo, (pins.get(repo) ?? new Set()).add(sha))
      }
    }
    // One action, one pinned commit across all workflows: an update is made everywhere at once.
    for (const [repo, shas] of pins) expect([...shas], repo).toHaveLength(1)
  })

  it('uses only the action inputs and outputs of action.yml when it runs ./', () => {
    for (const { file, wf } of WORKFLOWS) expect(checkActionUse(wf), file).toEqual([])
  })

  describe('ci.yml', () => {
    const ci = (): Workflow => {
      const found = WORKFLOWS.find((w) => w.file === '.github/workflows/ci.yml')
      if (!found) throw new Error('.github/workflows/ci.yml is missing')
      return found.wf
    }

    it('runs on push and pull_request with read-only contents', () => {
      expect(Object.keys(ci().on as Obj)).toEqual(expect.arrayContaining(['push', 'pull_request']))
      expect(ci().permissions).toEqual({ contents: 'read' })
    })

    it('has a job that sets up Node 24 and runs .ci/run (npm ci, npm test, dist check)', () => {
      const job = Object.values(ci().jobs).find((j) =>
        (j.steps ?? []).some((s) => s.run?.trim() === 'bash .ci/run'),
      )
      expect(job).toBeDefined()
      const setup = (job?.steps ?? []).find((s) => s.uses?.startsWith('actions/setup-node@'))
      expect(scalar(setup?.with?.['node-version'])).toBe('24')
      expect(read('.ci/run')).toMatch(/npm ci[\s\S]*npm test[\s\S]*npm run bundle[\s\S]*git diff/)
    })

    it("has a self-test job that dry-runs ./ and checks status 'Planned'", () => {
      const job = Object.values(ci().jobs).find((j) => ourSteps(j).some((s) => s.with?.['dry-run'] === true))
      expect(job).toBeDefined()
      const self = ourSteps(job ?? {}).find((s) => s.with?.['dry-run'] === true)
      expect(self?.uses).toBe('./')
      expect(self?.with?.['distribution-id']).toMatch(/^[A-Z0-9]{10,20}$/)
      expect(self?.with?.paths).toBeDefined()
      const later = (job?.steps ?? []).slice((job?.steps ?? []).indexOf(self ?? {}) + 1)
      const checks = later.flatMap((s) => strings(s as unknown as Json, 'step').map((x) => x.text)).join('\n')
      expect(checks).toContain(`steps.${self?.id}.outputs.status`)
      expect(checks).toContain('Planned')
    })
  })
})

describe('.env.example for npm run local-action', () => {
  const text = read('.env.example')
  const names = [...text.matchAll(/^#?\s*INPUT_([A-Z0-9-]+)=/gm)].map((m) => m[1] ?? '')

  it('names every input of action.yml once, upper-cased with hyphens kept, and nothing else', () => {
    const expected = [...INPUTS].map((n) => n.toUpperCase())
    expect([...names].sort()).toEqual([...expected].sort())
  })

  it('is a dry run as shipped, and .env (with real values) is git-ignored', () => {
    expect(text).toMatch(/^INPUT_DRY-RUN="true"$/m)
    expect(text).not.toMatch(/^AWS_(SECRET_ACCESS_KEY|SESSION_TOKEN)=\S*[^"\s]/m)
    expect(read('.gitignore').split('\n')).toContain('.env')
  })

  it('is what `npm run local-action` reads, with the entry point that exports run()', () => {
    const pkg = JSON.parse(read('package.json')) as { scripts: Record<string, string> }
    expect(pkg.scripts['local-action']).toBe('node scripts/local-action.mjs')
    // The launcher reads .env, and this file while there is none (a fresh clone).
    const launcher = read('scripts/local-action.mjs')
    expect(launcher).toContain("['.', 'src/local-action.ts', envFile]")
    expect(launcher).toContain("existsSync('.env') ? '.env' : '.env.example'")
    expect(read('src/local-action.ts')).toMatch(/export async function run\(/)
  })
})
