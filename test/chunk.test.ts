import { describe, expect, it } from 'vitest'
import { chunkItems, quotaUse } from '../src/paths/chunk.js'
import type { Item } from '../src/paths/encode.js'

const paths = (n: number, prefix = '/p'): Item[] =>
  Array.from({ length: n }, (_, i) => ({ kind: 'path', value: `${prefix}${i}` }))
const wild = (n: number): Item[] =>
  Array.from({ length: n }, (_, i) => ({ kind: 'wildcard', value: `/w${i}/*` }))

describe('chunkItems', () => {
  it.each([
    [paths(10_000), 3000, [3000, 3000, 3000, 1000]],
    [paths(3000), 3000, [3000]],
    [paths(3001), 3000, [3000, 1]],
    [paths(5), 2, [2, 2, 1]],
    [paths(1), 1, [1]],
    [[], 3000, []],
  ] as const)('splits %#', (items, size, sizes) => {
    expect(chunkItems(items, size).map((b) => b.length)).toEqual(sizes)
  })

  it('keeps at most 15 wildcards per batch, wildcards first', () => {
    const batches = chunkItems([...paths(20), ...wild(40)], 3000)
    expect(batches.map((b) => quotaUse(b))).toEqual([
      { files: 0, wildcards: 15 },
      { files: 0, wildcards: 15 },
      { files: 20, wildcards: 10 },
    ])
  })

  it('is deterministic and loses nothing', () => {
    const items = [...paths(7000), ...wild(20), { kind: 'tag', value: '#t' } as Item]
    const a = chunkItems(items, 2500)
    expect(a).toEqual(chunkItems(items, 2500))
    expect(
      a
        .flat()
        .map((i) => i.value)
        .sort(),
    ).toEqual(items.map((i) => i.value).sort())
    expect(Math.max(...a.map((b) => b.length))).toBeLessThanOrEqual(2500)
  })

  it('rejects a batch size below 1', () => {
    expect(() => chunkItems(paths(1), 0)).toThrow(RangeError)
  })
})

describe('quotaUse', () => {
  it('counts tags as file paths and wildcards separately', () => {
    expect(
      quotaUse([
        { kind: 'tag', value: '#a' },
        { kind: 'wildcard', value: '/*' },
        { kind: 'path', value: '/x' },
      ]),
    ).toEqual({
      files: 2,
      wildcards: 1,
    })
  })
})
