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
 * Longest CallerReference the action sends. The API reference gives InvalidationBatch.CallerReference no
 * length constraint (Type: String); AWS bounds every CallerReference it does document at 128 (Route 53's
 * "less than 128 bytes"), so ours stay within that whatever the base, tenant id or batch number.
 * https://docs.aws.amazon.com/cloudfront/latest/APIReference/API_InvalidationBatch.html
 * https://docs.aws.amazon.com/Route53/latest/APIReference/API_HostedZone.html
 */
export const MAX_CALLER_REFERENCE_LENGTH = 128

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
 * Largest `paths-file` or `sync-log` read (bytes). Not an AWS limit: a bound on what a file can make the
 * step read and hold. 256 MiB is ~2.5 million sync-log lines or ~5 million typed paths (over $12,000 of
 * invalidations), far past any real deploy, while a larger file as one string would near V8's longest
 * (2^29 - 24 characters) and need gigabytes once split into lines: /dev/zero read to the end took 24 GB.
 */
export const MAX_INPUT_FILE_BYTES = 256 * 1024 * 1024

/**
 * How often the waiter asks GetInvalidation at most and at least. Invalidations complete in ~25 s at P95
 * (2026), so a poll interval that grows with the invalidation's age (age / POLL_AGE_DIVISOR) sees a young
 * one quickly and an old one at most POLL_MAX_MS late, without hammering the API's request rate.
 */
export const POLL_MIN_MS = 500
export const POLL_MAX_MS = 5000
export const POLL_AGE_DIVISOR = 8

/**
 * Longest `timeout`: a Node timer holds at most 2^31-1 ms (~24.8 days) and fires at once past it, so 597h
 * would end a step immediately. 596h is the longest whole number of hours below that. Far past any job's
 * life anyway (a GitHub-hosted job ends at 6 h, a self-hosted one at 5 days).
 * https://nodejs.org/api/timers.html#settimeoutcallback-delay-args
 */
export const MAX_TIMEOUT_MS = 596 * 3_600_000

/** Default `timeout` for the whole step, and the API version the fake server and docs speak. */
export const DEFAULT_TIMEOUT_MS = 15 * 60 * 1000
export const API_VERSION = '2020-05-31'

/** Keep outputs well under GitHub's 1 MB-per-job limit: a long `paths` output is cut at this size. */
export const MAX_PATHS_OUTPUT_BYTES = 256 * 1024

/**
 * Most bytes the `invalidation-list` output holds, so that a later step can take it as one input: the
 * runner passes each input as an environment variable, which Linux caps at 128 KiB (MAX_ARG_STRLEN: past
 * it the step cannot start, E2BIG) and a Windows runner at 32,766 characters. 32,000 fits both.
 * https://man7.org/linux/man-pages/man2/execve.2.html (Limits on size of arguments and environment)
 */
export const MAX_INPUT_BYTES = 32_000

/**
 * The most `invalidations` and `invalidation-ids` may take (a few thousand invalidations): past that, as
 * with thousands of tenants, they hold what fits and `invalidations-file` holds every record.
 */
export const MAX_INVALIDATIONS_OUTPUT_BYTES = 448 * 1024
export const MAX_IDS_OUTPUT_BYTES = 192 * 1024

/**
 * What one step's outputs may take in all. `paths` gets what `invalidations`, `invalidation-ids` and
 * `invalidation-list` leave, up to MAX_PATHS_OUTPUT_BYTES.
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
/**
 * Tenants verified at most in one run (`verify` with `tenants`, or a gate on `DIST/dt_*`). Each costs a
 * GetDistributionTenant call (its domain) and up to `verify-sample` edge requests, so all of 10,000
 * tenants would be 10,000 API calls and 200,000 requests. Tenants of a distribution share its plan and
 * origin: a sample spread over them finds what goes wrong for all of them (a cache policy, a cache in
 * front), and the summary says how many were left out.
 */
export const MAX_VERIFY_TENANTS = 20

/**
 * CloudFront requests in flight at once by default (`max-concurrency`), and the most it may be set to.
 * The rate governor (cloudfront/rate.ts) paces requests; this caps how many wait on AWS at once, which
 * at CloudFront's latency (~0.1-0.5 s a call) still allows dozens of requests a second. The SDK's HTTP
 * agent opens 50 sockets at most, so more than 50 would only queue inside it.
 */
export const DEFAULT_MAX_CONCURRENCY = 16
export const MAX_CONCURRENCY = 50
