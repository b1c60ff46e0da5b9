/**
 * Where an S3 key appears in a distribution's URL space: CloudFront's origin path, and which of a
 * distribution's origins serves a bucket (for `origin-path: auto`).
 *
 * CloudFront appends the viewer's path to the origin's OriginPath: with OriginPath `/site`, a request for
 * `/a.html` fetches the key `site/a.html`. Read backwards, a key a deploy changed is served at the key
 * minus that prefix, and a key outside the prefix is not served through that origin at all.
 * https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/DownloadDistValuesOrigin.html#DownloadDistValuesOriginPath
 */
import type { DistributionConfig } from '@aws-sdk/client-cloudfront'
import { voice } from '../voice.js'

/**
 * Turn an origin path as CloudFront stores it (`/site`) or as people type it (`site/`, `/site/`) into the
 * key prefix it stands for: `site/`, or `''` for none. Slashes at either end are dropped, so `/` and the
 * empty string both mean "the bucket's root"; inner slashes are kept, since S3 keys may hold `//`.
 */
export function normalizeOriginPath(originPath: string): string {
  const inner = originPath.trim().replace(/^\/+|\/+$/g, '')
  return inner === '' ? '' : `${inner}/`
}

/**
 * The path of `key` relative to the origin path (what follows the distribution's `/`), or `undefined`
 * when the key lies outside it and so is not served through that origin.
 *
 * The match is on whole path segments and case-sensitive, as S3 keys are: origin path `/site` takes
 * `site/a.html` but not `site-old/a.html` nor `Site/a.html`. The key `site/` itself (a zero-byte "folder"
 * object) gives `''`.
 */
export function stripOriginPath(key: string, originPath: string): string | undefined {
  const prefix = normalizeOriginPath(originPath)
  if (prefix === '') return key
  return key.startsWith(prefix) ? key.slice(prefix.length) : undefined
}

/**
 * The forms an origin's DomainName takes when it is an S3 bucket, REST or website endpoint:
 * `B.s3.amazonaws.com`, `B.s3.REGION.amazonaws.com`, `B.s3-REGION.amazonaws.com` (legacy dash form),
 * `B.s3.dualstack.REGION.amazonaws.com`, `B.s3-external-1.amazonaws.com`,
 * `B.s3-website-REGION.amazonaws.com` and `B.s3-website.REGION.amazonaws.com` (which of the two depends
 * on the Region), and the same under `amazonaws.com.cn`.
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/VirtualHosting.html
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/WebsiteEndpoints.html
 *
 * Bucket names may hold dots (`www.example.com`), so the bucket is everything before a suffix that
 * matches as a whole. The Region part is matched by its shape (`us-east-1`, `us-gov-west-1`), not a list,
 * so new Regions work without a release.
 */
const S3_ORIGIN_DOMAIN =
  /^(.+?)\.s3(?:-website)?(?:[.-](?:dualstack\.)?(?:[a-z]{2}(?:-[a-z]+)+-\d+|external-1))?\.amazonaws\.com(?:\.cn)?\.?$/

/** The bucket an origin's DomainName names, or `undefined` when it is not an S3 endpoint. */
export function bucketFromOriginDomain(domainName: string): string | undefined {
  return S3_ORIGIN_DOMAIN.exec(domainName.trim().toLowerCase())?.[1]
}

/** One origin of a distribution, as far as mapping keys to URLs needs it. */
export interface OriginView {
  /** The origin's Id, which cache behaviours name as their TargetOriginId. */
  id: string
  /** Its DomainName, e.g. `my-bucket.s3.eu-west-1.amazonaws.com`. */
  domainName: string
  /** Its OriginPath as CloudFront stores it (`/site`), or `''`. */
  originPath: string
}

/** The parts of a DistributionConfig that decide where a bucket's keys are served. */
export interface OriginsView {
  origins: readonly OriginView[]
  /** TargetOriginId of the default cache behaviour: an origin's Id or an origin group's. */
  defaultTargetOriginId: string
  /** Origin groups (failover pairs), whose Id a behaviour may target instead of an origin's. */
  originGroups?: ReadonlyArray<{ id: string; memberOriginIds: readonly string[] }>
}

/** Read an SDK DistributionConfig (from GetDistributionConfig) into the plain view used here. */
export function originsView(config: DistributionConfig): OriginsView {
  return {
    origins: (config.Origins?.Items ?? []).map((o) => ({
      id: o.Id ?? '',
      domainName: o.DomainName ?? '',
      originPath: o.OriginPath ?? '',
    })),
    defaultTargetOriginId: config.DefaultCacheBehavior?.TargetOriginId ?? '',
    originGroups: (config.OriginGroups?.Items ?? []).map((g) => ({
      id: g.Id ?? '',
      memberOriginIds: (g.Members?.Items ?? []).map((m) => m.OriginId ?? ''),
    })),
  }
}

/** The origin chosen to map a bucket's keys, with its origin path normalised to a key prefix. */
export interface OriginChoice {
  /** Key prefix to strip (see normalizeOriginPath): `site/` or `''`. */
  originPath: string
  /** Id of the origin it came from, for messages. */
  originId: string
  /** Set when several origins serve the bucket from different origin paths: what was chosen and why. */
  warning?: string
}

/**
 * Which origin path a distribution serves `bucket` from, or `undefined` when none of its origins is
 * that bucket (REST or website endpoint).
 *
 * Several origins may point at one bucket with different origin paths (one per cache behaviour). The
 * origin of the default cache behaviour wins (for an origin group there, its first member on the
 * bucket), since it serves every path no other behaviour claims; failing that, the first such origin in
 * the distribution's order. Either way a warning names the others, whose URLs are not invalidated: set
 * `origin-path` explicitly, or list paths, to cover them. Origins that agree on the path raise nothing.
 */
export function originPathFor(bucket: string, view: OriginsView): OriginChoice | undefined {
  const wanted = bucket.toLowerCase()
  const candidates = view.origins.filter((o) => bucketFromOriginDomain(o.domainName) === wanted)
  const first = candidates[0]
  if (first === undefined) return undefined

  const group = view.originGroups?.find((g) => g.id === view.defaultTargetOriginId)
  const defaultIds = group ? group.memberOriginIds : [view.defaultTargetOriginId]
  let chosen = first
  let reason = 'the first origin on the bucket; the default cache behaviour uses another origin'
  for (const id of defaultIds) {
    const hit = candidates.find((o) => o.id === id)
    if (hit !== undefined) {
      chosen = hit
      reason = "the default cache behaviour's origin"
      break
    }
  }

  const originPath = normalizeOriginPath(chosen.originPath)
  const choice: OriginChoice = { originPath, originId: chosen.id }
  const differing = candidates.filter((o) => normalizeOriginPath(o.originPath) !== originPath)
  if (differing.length > 0) {
    const others = differing.map((o) => `${o.id} (${shownPath(o.originPath)})`).join(', ')
    choice.warning =
      `bucket ${bucket} is served by several origins: keys are mapped through ${chosen.id} ` +
      `(${shownPath(chosen.originPath)}), ${reason}. Not through ${others}; set ${voice().option('origin-path')} ` +
      `explicitly or list those paths to invalidate them too.`
  }
  return choice
}

/**
 * The buckets that none of the distributions serves, in the order given: with `origin-path: auto` their
 * objects are reported and skipped.
 */
export function unservedBuckets(buckets: readonly string[], views: readonly OriginsView[]): string[] {
  return buckets.filter((b) => views.every((v) => originPathFor(b, v) === undefined))
}

function shownPath(originPath: string): string {
  const prefix = normalizeOriginPath(originPath)
  return prefix === '' ? 'no origin path' : `origin path /${prefix.slice(0, -1)}`
}
