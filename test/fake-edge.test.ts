/**
 * The fake edge's own model (test/support/fake-edge.ts): what it caches, how it ages entries, and which
 * completed invalidations drop them. The e2e verification tests rely on exactly this.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { FakeCloudFront } from './support/fake-cloudfront.js'
import { FakeEdge, matches } from './support/fake-edge.js'

const DIST = 'E2EXAMPLE0000'
let fake: FakeCloudFront
let edge: FakeEdge
beforeAll(async () => {
  fake = await FakeCloudFront.start({ distributions: [DIST] })
  edge = await FakeEdge.start({
    cloudFront: fake,
    target: DIST,
    origin: (k) => ({ status: k === '/gone' ? 404 : 200 }),
  })
})
afterAll(async () => {
  await Promise.all([edge.stop(), fake.stop()])
})
beforeEach(() => {
  fake.reset()
  edge.reset()
})

const head = async (key: string) => {
  const res = await fetch(`${edge.url}${key}`, { method: 'HEAD' })
  return { status: res.status, xCache: res.headers.get('x-cache'), age: res.headers.get('age') }
}

describe('fake edge', () => {
  it('misses, then hits with an Age; does not cache 404', async () => {
    expect(await head('/a')).toEqual({ status: 200, xCache: 'Miss from cloudfront', age: null })
    expect(await head('/a')).toEqual({ status: 200, xCache: 'Hit from cloudfront', age: '0' })
    edge.seed('/b', 90)
    expect((await head('/b')).age).toBe('90')
    await head('/gone')
    expect(await head('/gone')).toEqual({ status: 404, xCache: 'Error from cloudfront', age: null })
  })

  it.each([
    ['/a~b.js', '/a~b.js', true],
    ['/a%7Eb.js', '/a~b.js', false], // keys are compared as sent: the encoded form is another key
    ['/dir/*', '/dir/x.js', true],
    ['/dir/*', '/dir', false],
    ['/a*', '/a~b.js', true],
    ['/a.js', '/a.js?v=1', false],
    ['#tag', '/a.js', false],
  ])('invalidation path %s matches key %s: %s', (path, key, expected) => {
    expect(matches(path, key)).toBe(expected)
  })

  it('drops what a completed invalidation matches, keeps the rest and what is still in progress', async () => {
    for (const key of ['/a~b.js', '/dir/x.js', '/keep.js', '/later.js']) edge.seed(key, 3600)
    fake.seedInvalidation(DIST, ['/a%7Eb.js', '/dir/*'], { status: 'Completed' })
    fake.seedInvalidation(DIST, ['/later.js'], { completesInMs: 60_000 })
    expect(edge.cached('/dir/x.js')).toBe(false)
    expect(edge.cached('/a~b.js')).toBe(true)
    expect(edge.cached('/keep.js')).toBe(true)
    expect(edge.cached('/later.js')).toBe(true)
    // Cached after the completion: stays.
    await head('/dir/y.js')
    expect((await head('/dir/y.js')).xCache).toBe('Hit from cloudfront')
  })
})
