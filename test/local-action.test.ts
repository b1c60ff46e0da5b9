/**
 * `npm run local-action` as the README promises it: GitHub's @github/local-action runs src/ with the
 * shipped .env.example (a dry run; what a fresh clone without a .env gets) and shows the step's outputs
 * and its job summary.
 */
import { execFile } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { delimiter, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'

const root = fileURLToPath(new URL('../', import.meta.url))

describe('npm run local-action', () => {
  it('shows the outputs and the job summary of a dry run', async () => {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
      scripts: Record<string, string>
    }
    // The script as written. A fresh clone has no .env, and the script then takes the shipped example; a
    // developer's own .env is left out by naming the example.
    const [command = '', ...args] = (pkg.scripts['local-action'] ?? '').split(' ')
    expect([command, ...args]).toEqual(['node', 'scripts/local-action.mjs'])
    const fresh = !existsSync(join(root, '.env'))
    const summaryFile = join(mkdtempSync(join(tmpdir(), 'cfi-local-action-')), 'summary.md')
    const { stdout, stderr } = await promisify(execFile)(
      process.execPath,
      [...args, ...(fresh ? [] : ['.env.example'])],
      {
        cwd: root,
        // As npm runs scripts: node_modules/.bin first on PATH.
        env: {
          PATH: `${join(root, 'node_modules', '.bin')}${delimiter}${process.env.PATH ?? ''}`,
          HOME: process.env.HOME,
          GITHUB_STEP_SUMMARY: summaryFile,
        },
        maxBuffer: 16 * 1024 * 1024,
      },
    )
    if (fresh) expect(stderr).toContain('No .env: running with .env.example')
    // local-action's table of the outputs set through @actions/core.
    const outputs = stdout.slice(stdout.indexOf('Action Outputs'))
    expect(outputs).not.toContain('No outputs were set!')
    expect(outputs).toMatch(/'status'\s*│\s*'Planned'/)
    expect(outputs).toMatch(/'paths'\s*│\s*'\["\/index\.html","\/assets\/\*"\]'/)
    expect(outputs).toMatch(/'path-count'\s*│\s*'2'/)
    // The summary, in the log (local-action shows no summary file) and in the file a runner would give.
    expect(stdout).toContain('## ✅ CloudFront invalidation: Planned')
    expect(readFileSync(summaryFile, 'utf8')).toContain('## ✅ CloudFront invalidation: Planned')
  }, 120_000)
})
