/**
 * Progress lines from the outcome model: what is pending, what it waits for, and the time left. Scale
 * matters (tenant fan-out): past ten pending targets, the rest are counted, not listed.
 */
import { describe, expect, it } from 'vitest'
import type { InvalidationRecord } from '../src/cloudfront/tracker.js'
import { chunkItems } from '../src/paths/chunk.js'
import type { Item } from '../src/paths/encode.js'
import type { Io } from '../src/io.js'
import { ProgressReporter, progressInterval, progressLines, type LiveStats } from '../src/progress.js'
import { addRecord, emptyState, outcomeOf } from '../src/report/state.js'

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

  it('says how far the reading of tenants got, with the request rate and the time to go', () => {
    const s = emptyState({ gate: true, wait: true })
    const o = {
      clock,
      startedAt: 5_000,
      deadline: 905_000,
      stats: () => ({ requestRate: 19.84, completionMs: 500 }),
    }
    // Listing the tenants: how many there are is not known yet.
    s.reading = { what: 'listing the tenants of E1MULTI', done: 4200, startedAt: 35_000 }
    expect(progressLines(s, o)).toEqual([
      "Waiting 1m 30s, 13m 30s left before 'timeout': listing the tenants of E1MULTI: 4,200 tenants listed so far, 19.8 requests/s",
    ])
    // Then what is in progress on each: a quarter in 60 s leaves 3 minutes at that pace.
    s.reading = {
      what: 'reading what is in progress on the tenants of E1MULTI',
      done: 2500,
      total: 10_000,
      found: 2400,
      startedAt: 35_000,
    }
    expect(progressLines(s, o)).toEqual([
      "Waiting 1m 30s, 13m 30s left before 'timeout': reading what is in progress on the tenants of E1MULTI: 2,500 of 10,000 tenants read, 2,400 invalidations in progress found, 19.8 requests/s; about 3m 00s to go",
    ])
  })

  it('counts a gate target not looked up yet as pending, not done, and counts past ten targets', () => {
    const ids = Array.from({ length: 3 }, (_, i) => `dt_${i}`)
    const s = emptyState({ gate: true, wait: true, records: [rec('dt_0', 'I0', 'Completed')] })
    for (const id of ids) outcomeOf(s, id)
    outcomeOf(s, 'dt_0').endedAt = 90_000
    addRecord(s, rec('dt_1', 'I1', 'InProgress'))
    expect(progressLines(s, { clock, startedAt: 5_000, deadline: 905_000 })).toEqual([
      "Waiting 1m 30s, 13m 30s left before 'timeout': 1 of 3 tenants done",
      '  dt_1: 0 of 1 invalidation Completed',
      '  dt_2: looking up what to wait for',
    ])
    // Thousands of tenants from an invalidations-file: one line of counts.
    const many = emptyState({ gate: true, wait: true })
    for (let i = 0; i < 1000; i++) outcomeOf(many, `dt_${i}`)
    for (let i = 0; i < 400; i++)
      addRecord(many, rec(`dt_${i}`, `I${i}`, i < 300 ? 'Completed' : 'InProgress'))
    for (let i = 0; i < 300; i++) outcomeOf(many, `dt_${i}`).endedAt = 90_000
    outcomeOf(many, 'dt_999').error = 'dt_999: no such invalidation'
    const stats = (): LiveStats => ({ requestRate: 20, completionMs: 500 })
    expect(progressLines(many, { clock, startedAt: 5_000, deadline: 905_000, stats })).toEqual([
      "Waiting 1m 30s, 13m 30s left before 'timeout': 301 of 1,000 tenants done (1 failed), 599 still to look up, 20.0 requests/s",
    ])
  })

  it('reports every 30 s, or ten times over a short timeout, at most once a second', () => {
    expect(progressInterval(15 * 60_000)).toBe(30_000)
    expect(progressInterval(60_000)).toBe(6000)
    expect(progressInterval(2000)).toBe(1000)
  })
})
