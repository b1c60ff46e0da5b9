/** The CLI as a user runs it (bin/ -> dist/index.js under Node 24). */
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'
import { cloudFrontEnv, FakeCloudFront } from './support/fake-cloudfront.js'
import { CLI, NODE24 } from './support/run-action.js'

const run = async (args: string[], env: Record<string, string> = {}) => {
  try {
    const { stdout, stderr } = await promisify(execFile)(NODE24, [CLI, ...args], {
      env: { PATH: process.env.PATH, AWS_ENDPOINT_URL_CLOUDFRONT: 'http://127.0.0.1:9', ...env },
    })
    return { code: 0, stdout, stderr }
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string }
    return { code: err.code, stdout: err.stdout, stderr: err.stderr }
  }
}

describe('CLI', () => {
  it("runs the README's try-it command: prints the plan, exit 0, no AWS", async () => {
    const r = await run(['--dry-run', '--distribution-id', 'E2EXAMPLE0000', '--paths', '/index.html'])
    expect(r.code).toBe(0)
    expect(r.stdout).toContain('Dry run: would invalidate 1 path on 1 distribution in 1 batch')
    expect(r.stderr).toContain('/index.html')
    expect(r.stdout).toContain('status: Planned')
  })

  it('prints outputs as JSON with --json', async () => {
    const r = await run([
      '--dry-run',
      '--distribution-id',
      'E2EXAMPLE0000',
      '--paths',
      'a b',
      '--paths',
      '#tag',
      '--json',
    ])
    expect(r.code).toBe(0)
    expect(JSON.parse(r.stdout)).toMatchObject({
      status: 'Planned',
      paths: ['/a%20b', '#tag'],
      'path-count': '2',
    })
  })

  it('exits 2 with one line for a bad flag or input', async () => {
    const bad = await run(['--distribution', 'E2EXAMPLE0000'])
    expect(bad.code).toBe(2)
    expect(bad.stderr.trim().split('\n')).toHaveLength(1)
    expect(bad.stderr).toContain("Input '--distribution': unknown flag")
    const input = await run(['--dry-run', '--distribution-id', 'nope', '--paths', '/x'])
    expect(input.code).toBe(2)
    expect(input.stderr).toContain('Input \'distribution-id\': "nope" is not a distribution id')
  })

  it('prints help with no arguments', async () => {
    const r = await run([])
    expect(r.code).toBe(0)
    expect(r.stdout).toContain('Usage: cloudfront-invalidate')
  })

  it('prints a table of invalidations and a progress line while waiting', async () => {
    const fake = await FakeCloudFront.start({ distributions: ['E2EXAMPLE0000'], completionDelayMs: 1200 })
    try {
      const r = await run(
        [
          '--distribution-id',
          'E2EXAMPLE0000',
          '--paths',
          '/a',
          '--paths',
          '/b',
          '--batch-size',
          '1',
          '--wait',
        ],
        cloudFrontEnv(fake),
      )
      expect(r.code).toBe(0)
      const [notice, header, ...rows] = r.stdout.trim().split('\n')
      expect(notice).toMatch(/^Invalidated 2 paths on 1 distribution: 2 invalidations Completed/)
      expect(header).toMatch(/^DISTRIBUTION\s+INVALIDATION\s+PATHS\s+STATUS$/)
      expect(rows.filter((l) => /^E2EXAMPLE0000\s+I[A-Z0-9]+\s+1\s+Completed$/.test(l))).toHaveLength(2)
      expect(rows.at(-1)).toMatch(/^status: Completed\s+paths: 2 \(requested 2\)\s+batches: 2$/)
      expect(r.stderr).toMatch(/E2EXAMPLE0000: \d of 2 invalidations Completed/)
    } finally {
      await fake.stop()
    }
  })
})
