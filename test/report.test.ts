import { describe, expect, it } from 'vitest'
import type { InvalidationRecord } from '../src/cloudfront/tracker.js'
import { chunkItems } from '../src/paths/chunk.js'
import type { Item } from '../src/paths/encode.js'
import type { DistributionPlan } from '../src/plan.js'
import {
  boundedJsonArray,
  buildOutputs,
  buildSummary,
  resultLine,
  runStatus,
  type RunState,
} from '../src/report.js'

const items = (n: number, prefix = '/p'): Item[] =>
  Array.from({ length: n }, (_, i) => ({ kind: 'path', value: `${prefix}/${i}.html` }))
const plan = (id: string, its: Item[], batchSize = 3000): DistributionPlan => ({
  distributionId: id,
  requested: its,
  items: its,
  batches: chunkItems(its, batchSize),
})
const record = (id: string, n: number, status = 'InProgress'): InvalidationRecord => ({
  distributionId: 'E2EXAMPLE0000',
  id,
  status,
  pathCount: n,
  createTime: '2026-11-24T00:00:00.000Z',
  batch: 0,
})
const state = (over: Partial<RunState>): RunState => ({
  dryRun: false,
  wait: false,
  plans: [plan('E2EXAMPLE0000', items(3))],
  records: [],
  errors: [],
  timedOut: false,
  skipReasons: [],
  timings: { planMs: 5, totalMs: 1200 },
  ...over,
})

describe('runStatus', () => {
  it.each([
    ['Planned', state({ dryRun: true })],
    ['Skipped', state({ plans: [plan('E2EXAMPLE0000', [])] })],
    ['InProgress', state({ records: [record('I1', 3)] })],
    ['Completed', state({ records: [record('I1', 3, 'Completed')] })],
    ['Failed', state({ errors: ['x'] })],
    [
      'InProgress',
      state({ plans: [plan('E2EXAMPLE0000', items(4), 2)], records: [record('I1', 2)], timedOut: true }),
    ],
    ['Skipped', state({ gate: true, plans: [] })],
    ['Completed', state({ gate: true, plans: [], records: [record('I1', 1, 'Completed')] })],
    ['Failed', state({ gate: true, plans: [], records: [record('I1', 1, 'Completed')], errors: ['e'] })],
  ] as const)('%s', (status, s) => {
    expect(runStatus(s)).toBe(status)
  })
})

describe('outputs', () => {
  it('describes the run', () => {
    const { outputs, warnings } = buildOutputs(state({ records: [record('I1', 3, 'Completed')] }))
    expect(warnings).toEqual([])
    expect(outputs).toEqual({
      'invalidation-id': 'I1',
      'invalidation-ids': '["I1"]',
      invalidations: JSON.stringify([
        {
          distributionId: 'E2EXAMPLE0000',
          id: 'I1',
          status: 'Completed',
          pathCount: 3,
          createTime: '2026-11-24T00:00:00.000Z',
        },
      ]),
      paths: '["/p/0.html","/p/1.html","/p/2.html"]',
      'path-count': '3',
      'requested-path-count': '3',
      'batch-count': '1',
      status: 'Completed',
    })
  })

  it('cuts a long paths list at 256 KiB with a warning, keeping path-count exact', () => {
    const { outputs, warnings } = buildOutputs(
      state({ plans: [plan('E2EXAMPLE0000', items(20_000, '/a-rather-long-directory-name/sub'))] }),
    )
    expect(Buffer.byteLength(outputs.paths ?? '')).toBeLessThanOrEqual(256 * 1024)
    expect(outputs['path-count']).toBe('20000')
    expect(warnings).toEqual([
      expect.stringMatching(
        /^The 'paths' output lists the first \d+ of 20000 paths \(cut at 256 KiB/,
      ) as string,
    ])
  })

  it('never cuts invalidations; paths get what they leave, and a huge list is warned about', () => {
    const records = Array.from({ length: 8000 }, (_, i) => record(`I${String(i).padStart(13, '0')}`, 1))
    const { outputs, warnings } = buildOutputs(
      state({ plans: [plan('E2EXAMPLE0000', items(8000), 1)], records }),
    )
    expect((JSON.parse(outputs.invalidations ?? '') as unknown[]).length).toBe(8000)
    expect(warnings[0]).toMatch(
      /describes 8000 invalidations in \d+ KiB, close to GitHub's 1 MB-per-job output limit: raise 'batch-size'/,
    )
    expect(outputs.paths).toBe('[]')
  })

  it('bounds a JSON array by bytes, counting multi-byte characters', () => {
    expect(boundedJsonArray(['ü', 'ü', 'ü'], 2 + 4 + 1 + 4)).toEqual({ json: '["ü","ü"]', cut: 1 })
  })
})

describe('summary and result line', () => {
  it('shows requested and billed paths, ids, cost and timings', () => {
    const s = state({ records: [record('I1', 3, 'Completed')] })
    const md = buildSummary(s)
    expect(md).toContain('## CloudFront invalidation: Completed')
    expect(md).toContain('| `E2EXAMPLE0000` | 3 | 3 | 1 | `I1` | Completed |')
    expect(md).toContain('**Billed paths:** 3 for 3 requested')
    expect(md).toContain('at most $0.015 for this run')
    expect(md).toContain('total 1.2 s')
    expect(resultLine(s)).toBe('Invalidated 3 paths on 1 distribution: 1 invalidation(s) Completed in 1.2 s.')
  })

  it('says why a run was skipped', () => {
    expect(
      resultLine(
        state({
          plans: [plan('E2EXAMPLE0000', [])],
          skipReasons: ['the sync-log lists no uploaded, copied, moved or deleted object'],
        }),
      ),
    ).toBe('Nothing to invalidate: the sync-log lists no uploaded, copied, moved or deleted object.')
  })
})
