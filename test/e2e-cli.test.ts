/** The CLI as a user runs it (bin/ -> dist/index.js under Node 24). */
import { execFile, spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'
import { screen } from './support/cli.js'
import { cloudFrontEnv, FakeCloudFront } from './support/fake-cloudfront.js'
import { BUNDLE, CLI, NODE24 } from './support/run-action.js'

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
    // One document; counts are numbers.
    expect(JSON.parse(r.stdout)).toMatchObject({
      status: 'Planned',
      paths: ['/a%20b', '#tag'],
      'path-count': 2,
      'batch-count': 1,
    })
  })

  it('exits 2 with one line for a bad flag or input', async () => {
    const bad = await run(['--distribution', 'E2EXAMPLE0000'])
    expect(bad.code).toBe(2)
    expect(bad.stderr.trim().split('\n')).toHaveLength(1)
    expect(bad.stderr).toContain('unknown flag --distribution; did you mean --distribution-id?')
    const input = await run(['--dry-run', '--distribution-id', 'nope', '--paths', '/x'])
    expect(input.code).toBe(2)
    // Nothing on stdout: no result table (nor, with --json, a document) for a command that never ran.
    expect(input.stdout).toBe('')
    expect(input.stderr.trim().split('\n')).toHaveLength(1)
    const json = await run([
      '--distribution-id',
      'E2EXAMPLE0000',
      '--paths',
      '/x',
      '--batch-size',
      '0',
      '--json',
    ])
    expect(json.code).toBe(2)
    expect(json.stdout).toBe('')
    // The CLI names its flags, not the action's inputs.
    expect(input.stderr).toContain(
      'cloudfront-invalidate: --distribution-id: "nope" is not a distribution id',
    )
  })

  it('prints help with no arguments', async () => {
    const r = await run([])
    expect(r.code).toBe(0)
    expect(r.stdout).toContain('Usage: cloudfront-invalidate')
  })

  it('prints a table of invalidations and, off a terminal, a line as the distribution completes', async () => {
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
      // No in-place progress line in a log: the run's own report lines (progress.ts) stand for it.
      expect(r.stderr).toMatch(/^E2EXAMPLE0000: all 2 invalidations are Completed \(/m)
      expect(r.stderr).not.toMatch(/\d of 2 invalidations Completed/)
    } finally {
      await fake.stop()
    }
  })

  it('-V prints the version; boolean flags take no value (--dry-run -v)', async () => {
    const version = await run(['-V'])
    expect(version.code).toBe(0)
    expect(version.stdout).toMatch(/^cloudfront-invalidate \d+\.\d+\.\d+\n$/)
    const r = await run(['--distribution-id', 'E2EXAMPLE0000', '--paths', '/x', '--dry-run', '-v'])
    expect(r.code).toBe(0)
    expect(r.stderr).toMatch(/^debug: inputs: .*"dryRun":true/m)
  })

  it('without credentials: the remedies of a terminal, not of a workflow', async () => {
    const r = await run(['--distribution-id', 'E2EXAMPLE0000', '--paths', '/x'], {
      HOME: '/nonexistent',
      AWS_CONFIG_FILE: '/dev/null',
      AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
      AWS_EC2_METADATA_DISABLED: 'true',
    })
    expect(r.code).toBe(1)
    expect(r.stderr).toMatch(
      /no AWS credentials found: set AWS_PROFILE or pass --profile .*aws sso login.*--dry-run plans without AWS/,
    )
    expect(r.stderr).not.toMatch(/configure-aws-credentials|dry-run: true|Input '/)
  })

  it('an unreachable endpoint: one line naming it, within a quarter of --timeout, as the action does', async () => {
    const started = performance.now()
    const r = await run(
      ['list', 'E2EXAMPLE0000', '--timeout', '8s'],
      cloudFrontEnv({ url: 'http://127.0.0.1:9' }),
    )
    expect(r.code).toBe(1)
    expect(performance.now() - started).toBeLessThan(7000) // not the whole --timeout
    expect(r.stderr).toMatch(
      /\ncloudfront-invalidate: Cannot reach CloudFront at 127\.0\.0\.1:9 \(AWS_ENDPOINT_URL_CLOUDFRONT\): ECONNREFUSED for [\d.]+ s, and no CloudFront call has succeeded/,
    )
  })

  it('lists invalidations as JSON', async () => {
    const fake = await FakeCloudFront.start({ distributions: ['E2EXAMPLE0000'] })
    try {
      const seeded = fake.seedInvalidation('E2EXAMPLE0000', ['/a'], { status: 'Completed' })
      const r = await run(['list', 'E2EXAMPLE0000', '--json'], cloudFrontEnv(fake))
      expect(r.code).toBe(0)
      expect(JSON.parse(r.stdout)).toEqual({
        distributionId: 'E2EXAMPLE0000',
        invalidations: [{ id: seeded.id, status: 'Completed', createTime: seeded.createTime.toISOString() }],
        nextMarker: null,
      })
    } finally {
      await fake.stop()
    }
  })

  // A real terminal (a pty from util-linux `script`): the progress line is rewritten in place and
  // cleared before the result, which once ran on from it: `…1/1 invalidation(s) CompletedInvalidated 1 path…`.
  it.skipIf(!existsSync('/usr/bin/script'))(
    'on a terminal, the progress line never runs into the result',
    async () => {
      const fake = await FakeCloudFront.start({ distributions: ['E2EXAMPLE0000'], completionDelayMs: 1500 })
      try {
        const argv = [NODE24, BUNDLE, '--distribution-id', 'E2EXAMPLE0000', '--paths', '/a', '--wait']
        const { stdout } = await promisify(execFile)(
          '/usr/bin/script',
          ['-qec', argv.join(' '), '/dev/null'],
          {
            env: { PATH: process.env.PATH, CLOUDFRONT_INVALIDATE_MODE: 'cli', ...cloudFrontEnv(fake) },
          },
        )
        const lines = screen(stdout)
        expect(stdout).toContain('\x1b[K')
        expect(
          lines.some((l) => /^Invalidated 1 path on 1 distribution/.test(l)),
          lines.join('\n'),
        ).toBe(true)
        for (const l of lines) expect(l).not.toMatch(/Completed\S*(Invalidated|DISTRIBUTION)/)
      } finally {
        await fake.stop()
      }
    },
  )

  // Ctrl-C typed into a real terminal: the line discipline sends SIGINT to the CLI, which once died on
  // the spot, leaving its progress line on screen and no word of the invalidation it had made.
  it.skipIf(!existsSync('/usr/bin/script'))(
    'Ctrl-C while waiting: prints what it made, clears the progress line, exits 130 at once',
    async () => {
      const fake = await FakeCloudFront.start({
        distributions: ['E2EXAMPLE0000'],
        completionDelayMs: 600_000,
      })
      try {
        const argv = [NODE24, BUNDLE, '--distribution-id', 'E2EXAMPLE0000', '--paths', '/a', '--wait']
        // `script -e` exits with the command's code; its stdin is the terminal's keyboard.
        const child = spawn('/usr/bin/script', ['-qec', argv.join(' '), '/dev/null'], {
          env: { PATH: process.env.PATH, CLOUDFRONT_INVALIDATE_MODE: 'cli', ...cloudFrontEnv(fake) },
        })
        let out = ''
        let pressedAt = 0
        child.stdout.on('data', (chunk: Buffer) => {
          out += chunk.toString()
          // Once the progress line is on screen (rewritten in place), press Ctrl-C.
          if (pressedAt === 0 && out.includes('invalidation Completed\x1b[K')) {
            pressedAt = performance.now()
            child.stdin.write('\x03')
          }
        })
        const code = await new Promise<number | null>((resolve) => child.on('close', resolve))
        const took = performance.now() - pressedAt
        const id = fake.invalidations('E2EXAMPLE0000')[0]?.id ?? 'none'
        const lines = screen(out)
        expect(code, lines.join('\n')).toBe(130)
        expect(took).toBeLessThan(3000)
        expect(lines).toContainEqual(
          expect.stringMatching(new RegExp(`^E2EXAMPLE0000\\s+${id}\\s+1\\s+InProgress$`)),
        )
        expect(lines).toContainEqual(expect.stringMatching(/^status: Cancelled /))
        expect(lines).toContainEqual(
          `cloudfront-invalidate: Cancelled: 1 invalidation created; not Completed yet: E2EXAMPLE0000/${id}; the ids are in the table above.`,
        )
        // The progress line was cleared, not left behind (the terminal echoes ^C where it was).
        for (const l of lines) expect(l).not.toMatch(/of 1 invalidation Completed/)
      } finally {
        await fake.stop()
      }
    },
  )
})
