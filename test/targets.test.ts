import { describe, expect, it } from 'vitest'
import { parseTarget, parseWaitFor, resolveAlias } from '../src/targets.js'

describe('parseTarget', () => {
  it.each([
    ['E2EXAMPLE0000', { kind: 'distribution', name: 'E2EXAMPLE0000' }],
    ['dt_2wjDZi3hD1ivOXf6rpZJOSNE1AB', { kind: 'tenant', name: 'dt_2wjDZi3hD1ivOXf6rpZJOSNE1AB' }],
    ['www.Example.com', { kind: 'alias', name: 'www.example.com' }],
    ['a-b.c.example.co.uk', { kind: 'alias', name: 'a-b.c.example.co.uk' }],
  ])('%s', (text, target) => {
    expect(parseTarget(text)).toEqual(target)
  })

  it.each([
    ['E2EXAMPLE', /not a distribution id: expected 10–20/],
    ['e2example0000', /ids are upper-case/],
    ['arn:aws:cloudfront::1:distribution/E2EXAMPLE0000', /is an ARN: give the id inside it, E2EXAMPLE0000/],
    ['arn:aws:cloudfront::1:function/f', /is an ARN: give the distribution id/],
    ['localhost', /not a distribution id/],
    ['-bad.example.com', /not a distribution id/],
    ['dt_', /not a distribution id/],
  ])('rejects %s', (text, message) => {
    expect(parseTarget(text)).toMatch(message)
  })
})

describe('resolveAlias', () => {
  const ds = [
    { id: 'E1', aliases: ['www.example.com', 'example.com'] },
    { id: 'E2', aliases: ['*.example.com'] },
    { id: 'E3', aliases: ['*.shop.test'] },
    { id: 'E4', aliases: ['*.shop.test'] },
    { id: 'E5', aliases: [] },
  ]
  it.each([
    ['www.example.com', { id: 'E1' }], // exact beats the wildcard
    ['EXAMPLE.com', { id: 'E1' }],
    ['blog.example.com', { id: 'E2' }], // one label under the wildcard
  ])('%s', (name, result) => {
    expect(resolveAlias(name, ds)).toEqual(result)
  })

  it.each([
    [
      'a.b.example.com',
      /no distribution in this account has the alias a\.b\.example\.com \(5 distributions listed; aliases found/,
    ],
    ['x.shop.test', /matches the wildcard aliases of several distributions: E3 \(\*\.shop\.test\); E4/],
  ])('%s', (name, message) => {
    const r = resolveAlias(name, ds)
    expect('error' in r && r.error).toMatch(message)
  })

  it('counts the distributions listed in the right number', () => {
    const r = resolveAlias('a.test', [{ id: 'E1', aliases: [] }])
    expect('error' in r && r.error).toMatch(/\(1 distribution listed\)/)
  })

  it('reports several exact owners', () => {
    const r = resolveAlias('a.test', [
      { id: 'E1', aliases: ['a.test'] },
      { id: 'E2', aliases: ['a.test'] },
    ])
    expect('error' in r && r.error).toMatch(/alias of several distributions/)
  })
})

describe('parseWaitFor', () => {
  it('reads the invalidations output', () => {
    const json = JSON.stringify([
      {
        distributionId: 'E2EXAMPLE0000',
        id: 'I2J0I21PCUYOIK',
        status: 'InProgress',
        pathCount: 3,
        createTime: 't',
      },
      { distributionId: 'dt_abc', id: 'IABCDEF' },
      { distributionId: 'E2EXAMPLE0000', id: 'I2J0I21PCUYOIK' },
    ])
    expect(parseWaitFor(json)).toEqual([
      { distributionId: 'E2EXAMPLE0000', id: 'I2J0I21PCUYOIK', pathCount: 3, createTime: 't' },
      { distributionId: 'dt_abc', id: 'IABCDEF' },
    ])
  })

  it('reads lines and commas', () => {
    expect(parseWaitFor(' E2EXAMPLE0000/IAAAAA1 ,\nE3EXAMPLE0000/IBBBBB2\n')).toEqual([
      { distributionId: 'E2EXAMPLE0000', id: 'IAAAAA1' },
      { distributionId: 'E3EXAMPLE0000', id: 'IBBBBB2' },
    ])
    expect(parseWaitFor('[]')).toEqual([])
  })

  it('reads DISTRIBUTION/* (everything in progress there) beside ids, once each', () => {
    expect(parseWaitFor('E2EXAMPLE0000/*\ndt_abc/*\nE2EXAMPLE0000/IAAAAA1\nE2EXAMPLE0000/*')).toEqual([
      { distributionId: 'E2EXAMPLE0000', id: '*' },
      { distributionId: 'dt_abc', id: '*' },
      { distributionId: 'E2EXAMPLE0000', id: 'IAAAAA1' },
    ])
  })

  it.each([
    ['{"a":1}', /not valid JSON|expected a JSON array/],
    ['[1]', /item 0 has no/],
    [
      '[{"distributionId":"www.x.com","id":"IAAAAA1"}]',
      /item 0: "www\.x\.com" is not a distribution or tenant id/,
    ],
    ['E2EXAMPLE0000/iaaaa', /is not an invalidation id/],
    ['E2EXAMPLE0000/IAAAAA1/x', /is not DISTRIBUTION\/ID/],
    // '*' stands for the whole distribution only: never a pattern, never in the JSON form.
    ['E2EXAMPLE0000/IAAA*', /"IAAA\*" is not an invalidation id \(or '\*' for everything in progress/],
    ['E2EXAMPLE0000/**', /is not an invalidation id/],
    ['*/*', /"\*" is not a distribution or tenant id/],
    ['E2EXAMPLE0000/', /is not DISTRIBUTION\/ID, DISTRIBUTION\/\* or DISTRIBUTION\/dt_\*/],
    ['[{"distributionId":"E2EXAMPLE0000","id":"*"}]', /item 0: "\*" is not an invalidation id$/],
  ])('rejects %s', (text, message) => {
    expect(parseWaitFor(text)).toMatch(message)
  })
})
