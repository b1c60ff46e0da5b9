/**
 * Progress lines from the outcome model: what is pending, what it waits for, and the time left. Scale
 * matters (tenant fan-out): past ten pending targets, the rest are counted, not listed.
 */
import { describe, expect, it } from 'vitest'
import type { InvalidationRecord } from '../src/cloudfront/tracker.js'
import { chunkItems } from '../src/paths/chunk.js'
import type { Item } from '../src/paths/encode.js'
import type { Io } from '../src/io.js'
import { ProgressReporter, progressInterval, progressLines } from '../src/progress.js'
import { emptyState, outcomeOf } from '../src/report/state.js'

const items = (n: number): Item[] => Array.from({ length: n }, (_, i) => ({ kind: 'path', value: `/p/${i}` }))
const clock = { now: () => 95_000, sleep: () => Promise.resolve() }
const rec = (distributionId: string, id: string, status: string): InvalidationRecord => ({
  distributionId,
  id,
  status,
  pathCount: 1,
  createTime: '',
  batch: 0,
})

describe('progressLines', () => {
  it('lists each pending target with its counts and queue, and the time waited and left', () => {
    const ids = Array.from({ length: 12 }, (_, i) => `E${String(i).padStart(12, '0')}`)
    const s = emptyState({
      wait: true,
      plans: ids.map((id) => ({
        distributionId: id,
        requested: items(4),
        items: items(4),
        batches: chunkItems(items(4), 2),
      })),
      records: ids.flatMap((id) => [rec(id, 'I1', 'Completed')]),
    })
    outcomeOf(s, ids[0] ?? '').queued = {
      batches: 1,
      reason: 'for quota: 3,000 of 3,000 file paths in progress',
    }
    outcomeOf(s, ids[11] ?? '').error = 'E000000000011: no such distribution'
    const lines = progressLines(s, { clock, startedAt: 5_000, deadline: 905_000 })
    expect(lines[0]).toBe(
      "Waiting 1m 30s, 13m 30s left before 'timeout': 1 of 12 distributions done (1 failed)",
    )
    expect(lines[1]).toBe(
      '  E000000000000: 1 of 2 invalidations Completed; 1 batch queued for quota: 3,000 of 3,000 file paths in progress',
    )
    expect(lines[2]).toBe('  E000000000001: 1 of 2 invalidations Completed; 1 batch not submitted yet')
    expect(lines).toHaveLength(12)
    expect(lines[11]).toBe('  … and 1 more distribution pending')
  })

  it('is silent when nothing is pending (all submitted, not waiting)', () => {
    const s = emptyState({
      plans: [{ distributionId: 'E1', requested: items(1), items: items(1), batches: [items(1)] }],
      records: [rec('E1', 'I1', 'InProgress')],
    })
    expect(progressLines(s, { clock, startedAt: 0, deadline: 1 })).toEqual([])
  })

  it('says once when a target is done, in words for a terminal too (no "step")', () => {
    const lines: string[] = []
    const s = emptyState({
      wait: true,
      plans: [
        { distributionId: 'E1', requested: items(1), items: items(1), batches: chunkItems(items(1), 10) },
      ],
      records: [rec('E1', 'I1', 'Completed')],
    })
    const io = { info: (m: string) => void lines.push(m) } as unknown as Io
    const reporter = new ProgressReporter(s, io, { clock, startedAt: 92_500, deadline: 200_000 })
    reporter.update('E1')
    reporter.update('E1')
    expect(lines).toEqual(['E1: its invalidation is Completed (2.5 s after the start)'])
  })

  it('reports every 30 s, or ten times over a short timeout, at most once a second', () => {
    expect(progressInterval(15 * 60_000)).toBe(30_000)
    expect(progressInterval(60_000)).toBe(6000)
    expect(progressInterval(2000)).toBe(1000)
  })
})
