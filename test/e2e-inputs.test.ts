/**
 * End to end through the committed bundle: dry runs and bad inputs, which must never reach AWS.
 * AWS_ENDPOINT_URL_CLOUDFRONT points at a closed port: any call would fail the step loudly.
 */
import { describe, expect, it } from 'vitest'
import { runAction } from './support/run-action.js'

const noAws = { AWS_ENDPOINT_URL_CLOUDFRONT: 'http://127.0.0.1:9', AWS_EC2_METADATA_DISABLED: 'true' }

describe('dry run (bundle, Node 24)', () => {
  it('plans, sets outputs and a summary, and makes no AWS call without credentials', async () => {
    const run = await runAction({
      inputs: {
        'distribution-id': 'E2EXAMPLE0000\nE3EXAMPLE1111',
        paths: '/index.html\n/a b/ü.html\n/assets/*',
        'dry-run': 'true',
        'batch-size': '2',
      },
      env: noAws,
    })
    expect(run.code).toBe(0)
    expect(run.outputs.status).toBe('Planned')
    expect(JSON.parse(run.outputs.paths ?? '')).toEqual(['/index.html', '/a%20b/%C3%BC.html', '/assets/*'])
    expect(run.outputs['path-count']).toBe('3')
    expect(run.outputs['batch-count']).toBe('4')
    expect(run.outputs['invalidation-ids']).toBe('[]')
    expect(run.outputs['invalidation-id']).toBe('')
    expect(run.summary).toContain('CloudFront invalidation: Planned')
    const notices = run.annotations.filter((a) => a.level === 'notice').map((a) => a.message)
    expect(notices).toEqual([
      expect.stringContaining(
        'Dry run: would invalidate 3 paths on each of 2 distributions (6 paths in all) in 4 batches',
      ) as string,
    ])
    expect(run.stdout).not.toMatch(/::error/)
  })
})

describe('bad inputs (bundle, Node 24)', () => {
  it.each([
    [
      { 'distribution-id': 'E2EXAMPLE', paths: '/x' },
      'Input \'distribution-id\': "E2EXAMPLE" is not a distribution id',
    ],
    [
      { 'distribution-id': 'E2EXAMPLE0000', paths: '/x/*.jpg' },
      "Input 'paths': \"/x/*.jpg\": '*' is allowed only as the last character",
    ],
    [
      { 'distribution-id': 'E2EXAMPLE0000', paths: '/x', 'batch-size': '5000' },
      'Input \'batch-size\': "5000" is not a whole number from 1 to 3,000',
    ],
    [
      { 'distribution-id': 'E2EXAMPLE0000', paths: '/x', timeout: 'soon' },
      'Input \'timeout\': "soon" is not a duration',
    ],
    [
      // 2,149,200 s: past a Node timer's 2^31-1 ms, so a timer would fire at once, not in 24.9 days.
      { 'distribution-id': 'E2EXAMPLE0000', paths: '/x', timeout: '597h' },
      'Input \'timeout\': "597h" is longer than a timer can hold: at most 596h (24.8 days)',
    ],
    [
      { 'distribution-id': 'E2EXAMPLE0000', paths: '/x', wait: 'yes' },
      'Input \'wait\': "yes" is not a boolean',
    ],
    [
      { 'distribution-id': 'E2EXAMPLE0000', 'paths-file': 'nope.txt' },
      'Input \'paths-file\': "nope.txt" cannot be read',
    ],
  ])('%j fails with one clear line and no stack', async (inputs, message) => {
    const run = await runAction({ inputs, env: noAws })
    expect(run.code).toBe(1)
    const errors = run.annotations.filter((a) => a.level === 'error')
    expect(errors).toHaveLength(1)
    expect(errors[0]?.message.startsWith(message)).toBe(true)
    expect(errors[0]?.message).not.toContain('\n')
    // No stack trace in what the log shows; it is only in ::debug:: lines, hidden unless step debug is on.
    const visible =
      run.stdout
        .split('\n')
        .filter((l) => !l.startsWith('::debug::'))
        .join('\n') + run.stderr
    expect(visible).not.toMatch(/\bat .*\.js:\d+/)
  })

  it('prints the stack only with ACTIONS_STEP_DEBUG', async () => {
    const run = await runAction({
      inputs: { 'distribution-id': 'bad', paths: '/x' },
      env: { ...noAws, ACTIONS_STEP_DEBUG: 'true' },
    })
    expect(run.code).toBe(1)
    expect(run.stdout).toMatch(/::debug::InputError: Input 'distribution-id'.*%0A\s*at /)
  })
})
