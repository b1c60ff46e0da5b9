import { describe, expect, it } from 'vitest'
import type { InvalidationRecord } from '../src/cloudfront/tracker.js'
import { chunkItems } from '../src/paths/chunk.js'
import type { Item } from '../src/paths/encode.js'
import type { DistributionPlan } from '../src/plan.js'
import {
  boundedJsonArray,
  buildOutputs,
  buildSummary,
  emptyState,
  endingLine,
  invalidationList,
  resultLine,
  runStatus,
  type RunState,
} from '../src/report.js'
import { escapeText } from '../src/report/markdown.js'
import { parseWaitFor } from '../src/targets.js'
import { verifySummary } from '../src/verify/report.js'

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
const state = (over: Partial<RunState>): RunState =>
  emptyState({
    plans: [plan('E2EXAMPLE0000', items(3))],
    timings: { planMs: 5, totalMs: 1200 },
    ...over,
  })
const failedTarget = (id: string, error: string): RunState['targets'] => new Map([[id, { id, error }]])

describe('runStatus', () => {
  it.each([
    ['Planned', state({ dryRun: true })],
    ['Skipped', state({ plans: [plan('E2EXAMPLE0000', [])] })],
    ['InProgress', state({ records: [record('I1', 3)] })],
    ['Completed', state({ records: [record('I1', 3, 'Completed')] })],
    ['Failed', state({ targets: failedTarget('E2EXAMPLE0000', 'x') })],
    ['Failed', state({ failure: "Input 'paths': bad" })],
    ['Failed', emptyState({ failure: "Input 'paths': bad" })],
    // The deadline came while batches waited for quota: paths never invalidated, so never a pass.
    [
      'Failed',
      state({ plans: [plan('E2EXAMPLE0000', items(4), 2)], records: [record('I1', 2)], ending: 'timeout' }),
    ],
    ['TimedOut', state({ records: [record('I1', 3)], ending: 'timeout' })],
    ['TimedOut', state({ records: [record('I1', 3)], ending: 'timeout', onTimeout: 'warn' })],
    ['Cancelled', state({ records: [record('I1', 3)], ending: 'cancelled' })],
    [
      'Cancelled',
      state({ plans: [plan('E2EXAMPLE0000', items(4), 2)], records: [record('I1', 2)], ending: 'cancelled' }),
    ],
    ['Skipped', state({ gate: true, plans: [] })],
    ['Completed', state({ gate: true, plans: [], records: [record('I1', 1, 'Completed')] })],
    [
      'Failed',
      state({
        gate: true,
        plans: [],
        records: [record('I1', 1, 'Completed')],
        targets: failedTarget('E3EXAMPLE1111', 'e'),
      }),
    ],
    // DIST/* with nothing in progress there: everything on it is Completed (not Skipped, which is `[]`).
    [
      'Completed',
      state({
        gate: true,
        plans: [],
        gateAll: ['E2EXAMPLE0000/*'],
        targets: new Map([['E2EXAMPLE0000', { id: 'E2EXAMPLE0000', endedAt: 10 }]]),
      }),
    ],
    // The deadline came before it was listed: not Completed, and not a pass unless `on-timeout: warn`.
    [
      'TimedOut',
      state({
        gate: true,
        plans: [],
        gateAll: ['E2EXAMPLE0000/*'],
        targets: new Map([['E2EXAMPLE0000', { id: 'E2EXAMPLE0000' }]]),
        ending: 'timeout',
      }),
    ],
    // DIST/dt_* found nothing in progress on any tenant: Completed; no target is registered for it.
    ['Completed', state({ gate: true, plans: [], gateAll: ['E2EXAMPLE0000/dt_*'] })],
    // The deadline came before its tenants were listed: TimedOut, never Skipped (which would pass).
    ['TimedOut', state({ gate: true, plans: [], gateAll: ['E2EXAMPLE0000/dt_*'], ending: 'timeout' })],
  ] as const)('%s', (status, s) => {
    expect(runStatus(s)).toBe(status)
  })

  it('names what a gate waited on as a whole: a distribution, or the tenants of one', () => {
    const s = state({
      gate: true,
      plans: [],
      gateAll: ['E2EXAMPLE0000/*', 'E3EXAMPLE1111/dt_*'],
      targets: new Map([['E2EXAMPLE0000', { id: 'E2EXAMPLE0000', endedAt: 10 }]]),
    })
    expect(resultLine(s)).toBe(
      'Nothing in progress on E2EXAMPLE0000, the tenants of E3EXAMPLE1111: every invalidation there is Completed.',
    )
    expect(resultLine({ ...s, dryRun: true, gateTargets: 1 })).toBe(
      'Dry run: would wait for 1 invalidation and everything in progress on E2EXAMPLE0000, the tenants of E3EXAMPLE1111 (no AWS call made).',
    )
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
      'invalidation-list': 'E2EXAMPLE0000/I1',
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

  it('cuts invalidations at 448 KiB, ending with an omitted marker a gate refuses; paths get what is left', () => {
    const records = Array.from({ length: 8000 }, (_, i) => record(`I${String(i).padStart(13, '0')}`, 1))
    const { outputs, warnings } = buildOutputs(
      state({ plans: [plan('E2EXAMPLE0000', items(8000), 1)], records }),
    )
    const listed = JSON.parse(outputs.invalidations ?? '') as Record<string, unknown>[]
    expect(Buffer.byteLength(outputs.invalidations ?? '')).toBeLessThanOrEqual(448 * 1024)
    const marker = listed[listed.length - 1]
    expect(marker).toEqual({ omitted: 8000 - (listed.length - 1), see: 'invalidations-file' })
    expect(listed.slice(0, -1).every((r) => r.distributionId === 'E2EXAMPLE0000')).toBe(true)
    expect(warnings[0]).toMatch(
      /^The 'invalidations' output lists the first [\d,]+ of 8,000 invalidations \(cut at 448 KiB.*'invalidations-file'/,
    )
    // The ids fit in their 192 KiB; the paths take what is left of the step's budget.
    expect((JSON.parse(outputs['invalidation-ids'] ?? '') as string[]).length).toBe(8000)
    const used = ['invalidations', 'invalidation-ids', 'paths'].reduce(
      (n, k) => n + Buffer.byteLength(outputs[k] ?? ''),
      0,
    )
    expect(used).toBeLessThanOrEqual(768 * 1024)
    expect(parseWaitFor(outputs.invalidations ?? '')).toMatch(
      /lists only part of the invalidations \(\d+ were left out/,
    )
  })

  it('bounds a JSON array by bytes, counting multi-byte characters', () => {
    expect(boundedJsonArray(['ü', 'ü', 'ü'], 2 + 4 + 1 + 4)).toEqual({ json: '["ü","ü"]', cut: 1 })
  })
})

describe('invalidation-list', () => {
  const on = (distributionId: string, ids: string[]): InvalidationRecord[] =>
    ids.map((id) => ({ ...record(id, 1), distributionId }))
  const many = (n: number): string[] => Array.from({ length: n }, (_, i) => `I${String(i).padStart(13, '0')}`)

  it('lists DISTRIBUTION/ID lines in creation order, and [] for none', () => {
    const records = [...on('E2EXAMPLE0000', ['IAAA1', 'IBBB2']), ...on('dt_tenant1', ['ICCC3'])]
    expect(invalidationList(records, 32_000)).toEqual({
      text: 'E2EXAMPLE0000/IAAA1\nE2EXAMPLE0000/IBBB2\ndt_tenant1/ICCC3',
      widened: [],
    })
    // An empty input would read as "no wait-for"; [] is what a gate takes as "the deploy made none".
    expect(invalidationList([], 32_000)).toEqual({ text: '[]', widened: [] })
  })

  it('takes about 29 bytes an invalidation: 1,000 fit one input as they are', () => {
    const { text, widened } = invalidationList(on('E2EXAMPLE0000', many(1000)), 32_000)
    expect(widened).toEqual([])
    expect(text.split('\n')).toHaveLength(1000)
    expect(text.length).toBe(1000 * 29 - 1)
  })

  it('names the busiest distributions DIST/* until the list fits, keeping the others exact', () => {
    const records = [
      ...on('E1SMALL000000', many(3)),
      ...on('E2EXAMPLE0000', many(1500)),
      ...on('E3EXAMPLE1111', many(100)),
    ]
    const { text, widened } = invalidationList(records, 32_000)
    expect(widened).toEqual([{ distributionId: 'E2EXAMPLE0000', line: 'E2EXAMPLE0000/*', count: 1500 }])
    const lines = text.split('\n')
    expect(lines).toHaveLength(3 + 1 + 100)
    expect(lines[3]).toBe('E2EXAMPLE0000/*')
    expect(lines.filter((l) => l.startsWith('E3EXAMPLE1111/I'))).toHaveLength(100)
    expect(text.length).toBeLessThanOrEqual(32_000)
  })

  it('warns when it widens, and when even one line per distribution is too long for one input', () => {
    const wide = buildOutputs(state({ records: on('E2EXAMPLE0000', many(1500)) }))
    expect(wide.outputs['invalidation-list']).toBe('E2EXAMPLE0000/*')
    expect(wide.warnings).toEqual([
      expect.stringMatching(
        /^The 'invalidation-list' output names E2EXAMPLE0000\/\* for its 1500 invalidations, to fit one input of a later step \(32,000 bytes\)/,
      ) as string,
    ])
    const tenants = Array.from({ length: 1500 }, (_, i) =>
      on(`dt_tenant${String(i).padStart(20, '0')}`, ['IAAA1']),
    )
    const over = buildOutputs(state({ records: tenants.flat() }))
    const lines = over.outputs['invalidation-list']?.split('\n') ?? []
    expect(lines).toHaveLength(1500) // complete, never cut
    expect(lines[0]).toBe('dt_tenant00000000000000000000/*')
    expect(over.warnings).toEqual([
      expect.stringMatching(
        /^The 'invalidation-list' output names dt_tenant\d+\/\* for its 1 invalidations, .*and 1495 more/,
      ) as string,
      expect.stringMatching(/^The 'invalidation-list' output takes \d+ KiB, .* may fail to start/) as string,
    ])
  })

  it("without GitHub's limits (the CLI), lists every invalidation by id and warns about nothing", () => {
    const records = on('E2EXAMPLE0000', many(1500))
    const { outputs, warnings } = buildOutputs(state({ records }), false)
    expect(outputs['invalidation-list']).toBe(records.map((r) => `E2EXAMPLE0000/${r.id}`).join('\n'))
    expect(warnings).toEqual([])
  })
})

describe('summary and result line', () => {
  it('shows requested and billed paths, ids, cost and timings', () => {
    const s = state({ records: [record('I1', 3, 'Completed')] })
    const md = buildSummary(s)
    expect(md).toContain('## ✅ CloudFront invalidation: Completed')
    expect(md).toContain('| <code>E2EXAMPLE0000</code> | 3 | 3 | 1 | <code>I1</code> | Completed |')
    expect(md).toContain('**Billed paths:** 3 for 3 requested')
    expect(md).toContain('at most $0.015 for this run')
    expect(md).toContain('total 1.2 s')
    expect(resultLine(s)).toBe('Invalidated 3 paths on 1 distribution: 1 invalidation Completed in 1.2 s.')
  })

  it('puts every figure of a sentence on one basis, and gets plurals right', () => {
    const a = plan('E2EXAMPLE0000', items(46))
    const b = plan('E3EXAMPLE1111', items(46))
    for (const p of [a, b]) p.items = items(7)
    const s = state({
      plans: [a, b],
      records: [
        { ...record('I1', 7, 'Completed'), distributionId: 'E2EXAMPLE0000' },
        { ...record('I2', 7, 'Completed'), distributionId: 'E3EXAMPLE1111' },
      ],
    })
    expect(resultLine(s)).toBe(
      'Invalidated 7 paths on each of 2 distributions (14 paths in all): 2 invalidations Completed in 1.2 s.',
    )
    const md = buildSummary(s)
    expect(md).toContain('**Billed paths:** 14 for 92 requested, totals over 2 distributions')
    expect(md).toContain('| **All 2** (totals) | 92 | 14 | 2 | 2 | 2 Completed |')
    expect(md + resultLine(s)).not.toMatch(/\(s\)|\b1 paths\b|\b1 invalidations\b/)
  })

  it('a gate counts an invalidation it never found among those it was to wait for', () => {
    const s = state({
      gate: true,
      gateTargets: 2,
      plans: [],
      records: [record('I1', 1, 'Completed')],
      targets: failedTarget('E2EXAMPLE0000', 'E2EXAMPLE0000/I2: invalidation not found'),
    })
    expect(resultLine(s)).toBe('Failed in 1.2 s: 1 of 2 invalidations on 1 distribution Completed.')
  })

  it('says "its id" of one invalidation and "their ids" of several', () => {
    const s = state({
      plans: [plan('E2EXAMPLE0000', items(3)), plan('E3EXAMPLE1111', items(3))],
      records: [record('I1', 3, 'Completed')],
      targets: failedTarget('E3EXAMPLE1111', 'E3EXAMPLE1111: no such distribution'),
    })
    expect(endingLine(s, 2000)).toMatch(/; 1 invalidation created, its id is in the outputs\.$/)
    const two = { ...s, records: [record('I1', 3, 'Completed'), record('I2', 3, 'Completed')] }
    expect(endingLine(two, 2000)).toMatch(/; 2 invalidations created, their ids are in the outputs\.$/)
  })

  it('heads a failed or timed-out run with its real status, and lists paths never submitted', () => {
    const s = state({
      plans: [plan('E2EXAMPLE0000', items(4), 2)],
      records: [record('I1', 2)],
      ending: 'timeout',
    })
    const md = buildSummary(s)
    expect(md).toContain('## ❌ CloudFront invalidation: Failed')
    expect(md).toContain('Failed: 1 of 2 batches (2 paths) never submitted')
    // Billed: what was submitted, not what was planned.
    expect(md).toContain('**Billed paths:** 2 for 4 requested')
    expect(md).toContain('4 distinct paths planned (not all submitted)')
    expect(endingLine(s, 2000)).toMatch(/^timeout 2\.0 s reached before every batch was submitted/)
    const timedOut = state({ records: [record('I1', 3)], ending: 'timeout' })
    expect(buildSummary(timedOut)).toContain('## ❌ CloudFront invalidation: TimedOut')
    expect(buildSummary({ ...timedOut, onTimeout: 'warn' })).toContain(
      '## ⏳ CloudFront invalidation: TimedOut',
    )
    expect(resultLine(state({ records: [record('I1', 3)] }))).toBe(
      'Submitted 3 paths on 1 distribution: 1 invalidation in progress in 1.2 s.',
    )
  })

  it('escapes everything from outside for Markdown and HTML, newlines included', () => {
    const evil = '<img src=x onerror=alert(1)> | *b* [l](http://e) `c`\n## h'
    const s = state({
      plans: [{ ...plan('E2EXAMPLE0000', [{ kind: 'tag', value: `#${evil}` }]), alias: evil }],
      targets: failedTarget('E2EXAMPLE0000', `AWS said: ${evil}`),
    })
    const md = buildSummary(s)
    expect(md).not.toContain('<img')
    expect(md).not.toMatch(/\n## h/)
    // Inside the <pre> block of paths Markdown is not read; everywhere else it must not appear raw.
    const outsidePre = md.replace(/<pre>[^]*<\/pre>/, '')
    expect(outsidePre).not.toContain('*b*')
    expect(outsidePre).not.toContain('`c`')
    expect(md).toContain('#&lt;img src=x onerror=alert(1)&gt; | *b* [l](http://e) `c`\\x0a## h\n</pre>')
    expect(md).toContain(escapeText(`AWS said: ${evil}`))
    expect(escapeText('a\nb|c')).toBe('a&#10;b&#124;c')
  })

  it('keeps the summary under its budget, saying how many paths were left out and where they are', () => {
    const long = (i: number): Item => ({ kind: 'path', value: `/${'x'.repeat(3000)}/${i}.html` })
    const its = Array.from({ length: 1200 }, (_, i) => long(i))
    const md = buildSummary(state({ plans: [plan('E2EXAMPLE0000', its)] }))
    expect(Buffer.byteLength(md)).toBeLessThanOrEqual(900 * 1024)
    expect(md).toMatch(
      /\d+ more paths are left out to keep this summary under GitHub's 1 MiB limit: the step log lists them all/,
    )
  })

  it('keeps the heading and counts of a huge verification section, saying the rest is in the log', () => {
    // 200 stale URLs whose hostile names escape to six bytes a character: megabytes of tables.
    const name = (i: number): string => `/${'<|>'.repeat(1300)}/${i}.html`
    const checks = Array.from({ length: 200 }, (_, i) => ({
      path: name(i),
      submitted: name(i),
      kind: 'path' as const,
      url: `https://d.example${name(i)}`,
      outcome: 'stale' as const,
      detail: 'HTTP 200, Hit, Age 999 s',
      cause: {
        cause: ['the invalidated path is not the cache key viewers use here'],
        fix: [{ code: name(i) }],
      },
    }))
    const verification = {
      dryRun: false,
      onStale: 'fail' as const,
      timedOut: false,
      ms: 10,
      targets: [{ id: 'E2EXAMPLE0000', base: 'https://d.example', candidates: 200, checks, unchecked: [] }],
    }
    const s = state({ records: [record('I1', 3, 'Completed')], verification })
    const md = buildSummary(s, undefined, verifySummary(verification))
    expect(Buffer.byteLength(md)).toBeLessThanOrEqual(900 * 1024)
    expect(md).toContain('### Edge verification: 200 stale')
    expect(md).toContain(
      '| <code>E2EXAMPLE0000</code> | https&#58;//d.example | 200 of 200 | 0 | 200 | 0 | 0 |',
    )
    expect(md).toMatch(
      /\*\d+ more lines of this section are left out to keep this summary under GitHub's 1 MiB limit/,
    )
    expect(md).not.toContain('<details><summary>Every URL checked') // never an unclosed fold
  })

  it('shows a dry run as Planned, with nothing "never submitted"', () => {
    const md = buildSummary(state({ dryRun: true }))
    expect(md).toContain('| <code>E2EXAMPLE0000</code> | 3 | 3 | 1 | – | Planned |')
    expect(md).toContain('3 distinct paths planned')
    expect(md).toContain('**Paths to bill:** 3 for 3 requested') // nothing billed by a dry run
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
