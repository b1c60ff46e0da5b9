/**
 * CloudFront limits and prices the action plans around. Each value names the AWS page it comes from,
 * so a change in AWS's numbers is a one-line edit with a source to check against.
 */

/**
 * File (non-wildcard) invalidation paths that may be in progress at once, per distribution.
 * https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/InvalidationLimits.html
 */
export const MAX_FILE_PATHS_IN_PROGRESS = 3000

/**
 * Wildcard invalidation paths that may be in progress at once, per distribution (a separate quota).
 * https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/InvalidationLimits.html
 */
export const MAX_WILDCARD_PATHS_IN_PROGRESS = 15

/** Most paths one CreateInvalidation may carry: the file-path quota bounds any single batch. */
export const MAX_BATCH_SIZE = MAX_FILE_PATHS_IN_PROGRESS

/**
 * Longest invalidation path CloudFront accepts.
 * https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/invalidation-specifying-objects.html
 */
export const MAX_PATH_LENGTH = 4000

/**
 * Longest cache tag accepted in an invalidation (tag-based invalidation, 2026-04).
 * https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/invalidation-specifying-objects.html
 */
export const MAX_TAG_LENGTH = 256

/**
 * Invalidation paths free each month (per AWS account), then the price of each further path.
 * A wildcard path or a tag counts as one path, however many objects it hits.
 * https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/PayingForInvalidation.html
 */
export const FREE_PATHS_PER_MONTH = 1000
export const PRICE_PER_PATH_USD = 0.005

/**
 * How often the waiter asks GetInvalidation at most and at least. Invalidations complete in ~25 s at P95
 * (2026), so a poll interval that grows with the invalidation's age (age / POLL_AGE_DIVISOR) sees a young
 * one quickly and an old one at most POLL_MAX_MS late, without hammering the API's request rate.
 */
export const POLL_MIN_MS = 500
export const POLL_MAX_MS = 5000
export const POLL_AGE_DIVISOR = 8

/** Default `timeout` for the whole step, and the API version the fake server and docs speak. */
export const DEFAULT_TIMEOUT_MS = 15 * 60 * 1000
export const API_VERSION = '2020-05-31'

/** Keep outputs well under GitHub's 1 MB-per-job limit: a long `paths` output is cut at this size. */
export const MAX_PATHS_OUTPUT_BYTES = 256 * 1024

/**
 * What one step's outputs may take in all. `invalidations` is never cut (a `wait-for` gate needs every
 * id), so `paths` gets what it leaves, up to MAX_PATHS_OUTPUT_BYTES.
 * https://docs.github.com/en/actions/writing-workflows/choosing-what-your-workflow-does/passing-information-between-jobs
 */
export const OUTPUTS_BUDGET_BYTES = 768 * 1024

/**
 * Edge verification (`verify`). CloudFront marks an answer from its cache with `X-Cache: Hit from
 * cloudfront` (or `RefreshHit`) and gives its time in cache in `Age` (seconds):
 * https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/standard-logs-reference.html
 * (x-edge-result-type) and RFC 9111 section 5.1 (Age). A hit older than the invalidation survived it.
 */
/** `verify-sample` default and most: URLs checked per distribution. */
export const DEFAULT_VERIFY_SAMPLE = 20
export const MAX_VERIFY_SAMPLE = 200
/** Requests in flight at once against one edge: quick, and far from anything a WAF rate rule would see. */
export const VERIFY_CONCURRENCY = 8
/** Longest one edge request may take before its URL is reported unverifiable (the step's timeout also applies). */
export const VERIFY_REQUEST_TIMEOUT_MS = 10_000
/**
 * Allowance for the runner's clock against CloudFront's (the invalidation's CreateTime is CloudFront's,
 * "now" is the runner's) and for whole-second `Age` values: a hit is stale only when its Age exceeds the
 * seconds since the invalidation was created by more than this.
 */
export const VERIFY_CLOCK_SKEW_MS = 5_000
