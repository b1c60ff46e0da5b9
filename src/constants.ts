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
 * The most `invalidations` and `invalidation-ids` may take (a few thousand invalidations): past that, as
 * with thousands of tenants, they hold what fits and `invalidations-file` holds every record.
 */
export const MAX_INVALIDATIONS_OUTPUT_BYTES = 448 * 1024
export const MAX_IDS_OUTPUT_BYTES = 192 * 1024

/**
 * What one step's outputs may take in all. `paths` gets what `invalidations` and `invalidation-ids`
 * leave, up to MAX_PATHS_OUTPUT_BYTES.
 * https://docs.github.com/en/actions/writing-workflows/choosing-what-your-workflow-does/passing-information-between-jobs
 */
export const OUTPUTS_BUDGET_BYTES = 768 * 1024

/**
 * What the job summary may take: GitHub drops a step's summary past 1 MiB, so the path list is cut to
 * keep the whole well under it.
 * https://docs.github.com/en/actions/writing-workflows/choosing-what-your-workflow-does/workflow-commands-for-github-actions#step-isolation-and-limits
 */
export const SUMMARY_BUDGET_BYTES = 900 * 1024

/**
 * CloudFront requests in flight at once by default (`max-concurrency`), and the most it may be set to.
 * The rate governor (cloudfront/rate.ts) paces requests; this caps how many wait on AWS at once, which
 * at CloudFront's latency (~0.1-0.5 s a call) still allows dozens of requests a second. The SDK's HTTP
 * agent opens 50 sockets at most, so more than 50 would only queue inside it.
 */
export const DEFAULT_MAX_CONCURRENCY = 16
export const MAX_CONCURRENCY = 50
