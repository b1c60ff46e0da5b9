import { execFile } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { delimiter } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'
import { parse } from 'yaml'
// @ts-expect-error: a plain .mjs script without type declarations
import { render } from '../scripts/readme-tables.mjs'

const root = fileURLToPath(new URL('../', import.meta.url))
const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8')

describe('README', () => {
  it('has the inputs and outputs tables generated from action.yml', () => {
    expect((render as (s: string) => string)(readme), 'run `node scripts/readme-tables.mjs`').toBe(readme)
  })

  it('reads in five minutes: about 300 lines at most, depth in docs/', () => {
    expect(readme.split('\n').length).toBeLessThanOrEqual(300)
  })

  it('opens with what and why, a complete quick-start workflow, the IAM policy, then the contents', () => {
    const head = readme.slice(0, readme.indexOf('\n## Contents'))
    expect(head).toMatch(/^# cloudfront-invalidate\n\n\S/) // one paragraph of what and why
    const yaml = /```yaml\n([\s\S]*?)```/.exec(head)?.[1] ?? ''
    const wf = parse(yaml) as {
      on: unknown
      permissions: Record<string, string>
      jobs: Record<string, { steps: { uses?: string; run?: string; with?: Record<string, unknown> }[] }>
    }
    expect(wf.on).toBeDefined()
    expect(wf.permissions).toEqual({ 'id-token': 'write', contents: 'read' })
    const steps = Object.values(wf.jobs).flatMap((j) => j.steps)
    const uses = steps.map((s) => s.uses?.replace(/@.*/, ''))
    expect(uses).toEqual(
      expect.arrayContaining([
        'actions/checkout',
        'aws-actions/configure-aws-credentials',
        'cloudfront-invalidate/cloudfront-invalidate',
      ]),
    )
    expect(steps.find((s) => s.uses?.startsWith('aws-actions/'))?.with?.['role-to-assume']).toBeDefined()
    expect(steps.some((s) => /aws s3 sync/.test(s.run ?? ''))).toBe(true) // the deploy
    expect(steps.at(-1)?.with?.wait).toBe(true)
    expect(head).toContain('](docs/permissions.md)')
  })

  it('has the try-it and test-it commands, and no `npx` of a package we do not own', () => {
    expect(readme).toContain('npm ci && npm run cli -- --dry-run --distribution-id')
    expect(readme).toContain('npm ci && npm test')
    // The npm name cloudfront-invalidate belongs to someone else: only our package may follow `npx`.
    expect(readme).not.toMatch(/npx cloudfront-invalidate(?!-action)/)
  })

  it("runs the try-it command as written: the plan, and not one warning on this machine's Node", async () => {
    const command = /^npm ci && (npm run cli -- .*)$/m.exec(readme)?.[1] ?? ''
    expect(command).not.toBe('')
    // A user's shell: no node_modules/.bin on PATH (npm run adds the checkout's own, with its Node 24).
    const PATH = (process.env.PATH ?? '')
      .split(delimiter)
      .filter((p) => !p.includes('node_modules'))
      .join(delimiter)
    const { stdout, stderr } = await promisify(execFile)('sh', ['-c', command], {
      cwd: root,
      env: { PATH, HOME: process.env.HOME },
    })
    expect(stdout).toContain('Dry run: would invalidate 2 paths on 1 distribution in 1 batch')
    expect(stderr).not.toMatch(/warn/i)
  })
})
