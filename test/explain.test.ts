import { describe, expect, it } from 'vitest'
import { explain } from '../src/cloudfront/errors.js'

const invalidArgument = Object.assign(new Error('One or more of your paths are invalid.'), {
  name: 'InvalidArgument',
})

describe('explain: a batch with cache tags that CloudFront rejected', () => {
  it('names the tags, escaped, a few of them and a count', () => {
    const tags = ['#a', '#b', '#x##[add-mask]y', '#d', '#e', '#f', '#g']
    const line = explain(invalidArgument, 'CreateInvalidation', 'E2EXAMPLE0000', { tags })
    expect(line).toBe(
      'E2EXAMPLE0000: CloudFront rejected a batch holding 7 cache tags: "#a", "#b", "#x##[add-mask]y", "#d", "#e" and 2 more. Check that this distribution has a cache tag configuration (tag invalidation needs one) and that these are the tags you meant; or invalidate paths instead. AWS said: One or more of your paths are invalid.',
    )
  })

  it('speaks of the tenant for a dt_ id, and of the arguments only without tags', () => {
    expect(explain(invalidArgument, 'CreateInvalidation', 'dt_1', { tags: ['#t'] })).toMatch(
      /^dt_1: CloudFront rejected a batch holding 1 cache tag: "#t"\. Check that this tenant has/,
    )
    expect(explain(invalidArgument, 'CreateInvalidation', 'E1', { tags: [] })).toBe(
      'E1: CloudFront rejected CreateInvalidation as invalid: One or more of your paths are invalid.',
    )
  })
})
