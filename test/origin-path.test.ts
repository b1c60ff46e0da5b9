import type { DistributionConfig } from '@aws-sdk/client-cloudfront'
import { describe, expect, it } from 'vitest'
import {
  bucketFromOriginDomain,
  normalizeOriginPath,
  originPathFor,
  originsView,
  stripOriginPath,
  unservedBuckets,
  type OriginsView,
} from '../src/paths/origin-path.js'

describe('normalizeOriginPath', () => {
  const table: Array<[string, string]> = [
    ['', ''],
    ['/', ''],
    ['  ', ''],
    ['/site', 'site/'],
    ['site/', 'site/'],
    ['/site/', 'site/'],
    ['site', 'site/'],
    ['//site//', 'site/'],
    ['/a/b', 'a/b/'],
    ['/a//b', 'a//b/'],
  ]
  it.each(table)('%j -> %j', (input, prefix) => {
    expect(normalizeOriginPath(input)).toBe(prefix)
  })
})

describe('stripOriginPath', () => {
  const table: Array<[string, string, string | undefined]> = [
    // key, origin path, path relative to the distribution's root
    ['index.html', '', 'index.html'],
    ['site/index.html', '', 'site/index.html'],
    ['site/index.html', '/site', 'index.html'],
    ['site/blog/a b.html', 'site/', 'blog/a b.html'],
    ['site/', '/site', ''],
    ['site', '/site', undefined],
    ['site-old/index.html', '/site', undefined],
    ['Site/index.html', '/site', undefined],
    ['other/index.html', '/site', undefined],
    ['a/b/c.html', '/a/b', 'c.html'],
    ['a/c.html', '/a/b', undefined],
  ]
  it.each(table)('%j under %j -> %j', (key, originPath, relative) => {
    expect(stripOriginPath(key, originPath)).toBe(relative)
  })
})

describe('bucketFromOriginDomain', () => {
  const table: Array<[string, string | undefined]> = [
    ['my-bucket.s3.amazonaws.com', 'my-bucket'],
    ['my-bucket.s3.eu-west-1.amazonaws.com', 'my-bucket'],
    ['my-bucket.s3-eu-west-1.amazonaws.com', 'my-bucket'],
    ['my-bucket.s3.dualstack.ap-southeast-2.amazonaws.com', 'my-bucket'],
    ['my-bucket.s3-external-1.amazonaws.com', 'my-bucket'],
    ['my-bucket.s3.us-gov-west-1.amazonaws.com', 'my-bucket'],
    ['my-bucket.s3-website-us-east-1.amazonaws.com', 'my-bucket'],
    ['my-bucket.s3-website.eu-central-1.amazonaws.com', 'my-bucket'],
    ['my-bucket.s3.cn-north-1.amazonaws.com.cn', 'my-bucket'],
    ['my-bucket.s3-website.cn-northwest-1.amazonaws.com.cn', 'my-bucket'],
    // Dotted bucket names, and names that look like part of the suffix.
    ['www.example.com.s3-website-us-west-2.amazonaws.com', 'www.example.com'],
    ['www.example.com.s3.amazonaws.com', 'www.example.com'],
    ['assets.s3.example.s3.amazonaws.com', 'assets.s3.example'],
    // DNS is case-insensitive; a trailing dot is the same name.
    ['My-Bucket.S3.Amazonaws.COM', 'my-bucket'],
    ['my-bucket.s3.amazonaws.com.', 'my-bucket'],
    // Not a bucket endpoint.
    ['example.com', undefined],
    ['d111111abcdef8.cloudfront.net', undefined],
    ['my-alb-123456.us-east-1.elb.amazonaws.com', undefined],
    ['my-bucket.s3-accelerate.amazonaws.com', undefined],
    ['myap-123456789012.s3-accesspoint.us-west-2.amazonaws.com', undefined],
    ['my-bucket.s3.amazonaws.com.evil.example', undefined],
    ['s3.amazonaws.com', undefined],
  ]
  it.each(table)('%s -> %j', (domain, bucket) => {
    expect(bucketFromOriginDomain(domain)).toBe(bucket)
  })
})

/** A view with the given origins (id, domain, origin path); the default behaviour targets `def`. */
function view(def: string, ...origins: Array<[string, string, string]>): OriginsView {
  return {
    defaultTargetOriginId: def,
    origins: origins.map(([id, domainName, originPath]) => ({ id, domainName, originPath })),
  }
}

describe('originPathFor', () => {
  const rest = 'my-bucket.s3.eu-west-1.amazonaws.com'
  const website = 'my-bucket.s3-website-eu-west-1.amazonaws.com'

  it('finds the origin on the bucket and normalises its path', () => {
    const v = view('api', ['api', 'api.example.com', ''], ['s3', rest, '/site'])
    expect(originPathFor('my-bucket', v)).toEqual({ originPath: 'site/', originId: 's3' })
  })

  it('counts a website endpoint as the bucket', () => {
    expect(originPathFor('my-bucket', view('web', ['web', website, '']))).toEqual({
      originPath: '',
      originId: 'web',
    })
  })

  it('is undefined for a bucket no origin uses', () => {
    expect(originPathFor('other-bucket', view('s3', ['s3', rest, '/site']))).toBeUndefined()
  })

  it('raises nothing when several origins agree on the path', () => {
    const v = view('a', ['a', rest, '/site'], ['b', website, 'site/'])
    expect(originPathFor('my-bucket', v)).toEqual({ originPath: 'site/', originId: 'a' })
  })

  it("prefers the default behaviour's origin, warning about the others", () => {
    const v = view('live', ['preview', rest, '/preview'], ['live', rest, '/live'])
    const choice = originPathFor('my-bucket', v)
    expect(choice).toMatchObject({ originPath: 'live/', originId: 'live' })
    expect(choice?.warning).toBe(
      "bucket my-bucket is served by several origins: keys are mapped through live (origin path /live), the default cache behaviour's origin. " +
        "Not through preview (origin path /preview); set 'origin-path' explicitly or list those paths to invalidate them too.",
    )
  })

  it('otherwise takes the first origin on the bucket, warning', () => {
    const v = view('api', ['api', 'api.example.com', ''], ['one', rest, ''], ['two', rest, '/two'])
    const choice = originPathFor('my-bucket', v)
    expect(choice).toMatchObject({ originPath: '', originId: 'one' })
    expect(choice?.warning).toContain('through one (no origin path), the first origin on the bucket')
    expect(choice?.warning).toContain('Not through two (origin path /two)')
  })

  it('follows an origin group on the default behaviour to its members', () => {
    const v: OriginsView = {
      ...view(
        'group',
        ['other', rest, '/other'],
        ['primary', rest, '/site'],
        ['failover', 'my-bucket-dr.s3.amazonaws.com', '/site'],
      ),
      originGroups: [{ id: 'group', memberOriginIds: ['primary', 'failover'] }],
    }
    expect(originPathFor('my-bucket', v)).toMatchObject({ originPath: 'site/', originId: 'primary' })
    expect(originPathFor('my-bucket-dr', v)).toEqual({ originPath: 'site/', originId: 'failover' })
  })

  it('matches the bucket name case-insensitively, as DNS does', () => {
    expect(originPathFor('My-Bucket', view('s3', ['s3', rest, '']))).toMatchObject({ originId: 's3' })
  })
})

describe('unservedBuckets', () => {
  it('lists the buckets no distribution serves, in order', () => {
    const one = view('a', ['a', 'site-a.s3.amazonaws.com', ''])
    const two = view('b', ['b', 'site-b.s3-website-us-east-1.amazonaws.com', '/live'])
    expect(unservedBuckets(['logs', 'site-a', 'site-b', 'backups'], [one, two])).toEqual(['logs', 'backups'])
    expect(unservedBuckets(['site-a'], [])).toEqual(['site-a'])
  })
})

describe('originsView', () => {
  it('reads the SDK DistributionConfig, tolerating missing parts', () => {
    const config: DistributionConfig = {
      CallerReference: 'ref',
      Comment: '',
      Enabled: true,
      Origins: {
        Quantity: 2,
        Items: [
          { Id: 's3-site', DomainName: 'my-bucket.s3.us-east-1.amazonaws.com', OriginPath: '/site' },
          { Id: 'api', DomainName: 'api.example.com' },
        ],
      },
      OriginGroups: {
        Quantity: 1,
        Items: [
          {
            Id: 'group',
            FailoverCriteria: undefined,
            Members: { Quantity: 1, Items: [{ OriginId: 's3-site' }] },
          },
        ],
      },
      DefaultCacheBehavior: { TargetOriginId: 'group', ViewerProtocolPolicy: 'redirect-to-https' },
    }
    const v = originsView(config)
    expect(v).toEqual({
      origins: [
        { id: 's3-site', domainName: 'my-bucket.s3.us-east-1.amazonaws.com', originPath: '/site' },
        { id: 'api', domainName: 'api.example.com', originPath: '' },
      ],
      defaultTargetOriginId: 'group',
      originGroups: [{ id: 'group', memberOriginIds: ['s3-site'] }],
    })
    expect(originPathFor('my-bucket', v)).toEqual({ originPath: 'site/', originId: 's3-site' })

    const bare: DistributionConfig = {
      CallerReference: undefined,
      Comment: undefined,
      Enabled: undefined,
      Origins: undefined,
      DefaultCacheBehavior: undefined,
    }
    expect(originsView(bare)).toEqual({ origins: [], defaultTargetOriginId: '', originGroups: [] })
  })
})
