/**
 * `invalidation-list` with tenants: thousands of tenants' lines must still fit one input of a later
 * step, so their group widens to DISTRIBUTION/dt_* (everything in progress on its tenants), never to a
 * line per tenant; and a gate reads the widened line back.
 */
import { describe, expect, it } from 'vitest'
import type { InvalidationRecord } from '../src/cloudfront/tracker.js'
import { invalidationList } from '../src/report/invalidation-list.js'
import { parseWaitFor } from '../src/targets.js'

const rec = (distributionId: string, id: string): InvalidationRecord => ({
  distributionId,
  id,
  status: 'InProgress',
  pathCount: 1,
  createTime: '',
  batch: 0,
})
const tenant = (i: number): string => `dt_2wjDZi3hD1ivOXf6rpZ${String(i).padStart(6, '0')}`
const parents = (id: string): string | undefined => (id.startsWith('dt_') ? 'E1MULTITENANT1' : undefined)

describe('invalidationList', () => {
  it('lists every invalidation while it fits, tenants by their own id', () => {
    const records = [rec('E2EXAMPLE0000', 'I1AAAAAAAAAAAA'), rec(tenant(1), 'I2BBBBBBBBBBBB')]
    expect(invalidationList(records, 32_000, parents)).toEqual({
      text: `E2EXAMPLE0000/I1AAAAAAAAAAAA\n${tenant(1)}/I2BBBBBBBBBBBB`,
      widened: [],
    })
    expect(invalidationList([], 32_000)).toEqual({ text: '[]', widened: [] })
  })

  it('widens 10,000 tenants into one DISTRIBUTION/dt_* line, keeping the small groups as they are', () => {
    const records = [
      rec('E2EXAMPLE0000', 'I1AAAAAAAAAAAA'),
      ...Array.from({ length: 10_000 }, (_, i) => rec(tenant(i), `I${String(i).padStart(13, '0')}`)),
    ]
    const list = invalidationList(records, 32_000, parents)
    expect(list.text).toBe('E2EXAMPLE0000/I1AAAAAAAAAAAA\nE1MULTITENANT1/dt_*')
    expect(list.widened).toEqual([
      { distributionId: 'E1MULTITENANT1', line: 'E1MULTITENANT1/dt_*', count: 10_000 },
    ])
    expect(parseWaitFor(list.text)).toEqual([
      { distributionId: 'E2EXAMPLE0000', id: 'I1AAAAAAAAAAAA' },
      { distributionId: 'E1MULTITENANT1', id: 'dt_*' },
    ])
  })

  it('widens a distribution with many invalidations of its own to DISTRIBUTION/*', () => {
    const records = Array.from({ length: 3000 }, (_, i) =>
      rec('E2EXAMPLE0000', `I${String(i).padStart(13, '0')}`),
    )
    expect(invalidationList(records, 32_000).text).toBe('E2EXAMPLE0000/*')
  })

  it('cannot help tenants whose distribution is unknown: their lines stay, past the limit', () => {
    const records = Array.from({ length: 2000 }, (_, i) => rec(tenant(i), `I${String(i).padStart(13, '0')}`))
    expect(invalidationList(records, 32_000).text.length).toBeGreaterThan(32_000)
  })
})

describe('wait-for DISTRIBUTION/dt_*', () => {
  it('takes dt_* after a distribution id only', () => {
    expect(parseWaitFor('E1MULTITENANT1/dt_*')).toEqual([{ distributionId: 'E1MULTITENANT1', id: 'dt_*' }])
    expect(parseWaitFor(`${tenant(1)}/dt_*`)).toMatch(
      /"dt_\*" is not an invalidation id \(or '\*' for .*, or dt_\* after a distribution id/,
    )
    expect(parseWaitFor('[{"distributionId":"E1MULTITENANT1","id":"dt_*"}]')).toMatch(
      /is not an invalidation id$/,
    )
  })
})
