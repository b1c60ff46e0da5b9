/**
 * Sorting SDK errors into what to do next, and explaining the permanent ones in words a user can act on.
 * Only here do we look at exception `name`s: to decide between retry, wait for quota, and stop.
 */
import { quote } from '../errors.js'
import { DOCS_URL } from '../version.js'

import { plural } from '../format.js'
import { voice } from '../voice.js'

export type ErrorClass = 'transient' | 'quota' | 'permanent'

interface SdkErrorShape {
  name?: unknown
  code?: unknown
  message?: unknown
  $metadata?: { httpStatusCode?: unknown }
}

/** Error names worth retrying besides throttling (THROTTLING_NAMES, which `classify` asks too). */
const TRANSIENT_NAMES = new Set([
  'ServiceUnavailable',
  'InternalError',
  'InternalFailure',
  'TimeoutError',
  'RequestTimeout',
  'RequestTimeoutException',
])
/** Names AWS gives a request refused for its rate ("Rate exceeded"), as the SDK's retry classes them. */
const THROTTLING_NAMES = new Set([
  'Throttling',
  'ThrottlingException',
  'ThrottledException',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'RequestThrottled',
  'RequestThrottledException',
])

/** Node socket errors meaning "the connection dropped": the request may or may not have been acted on. */
const NETWORK_CODES = new Set([
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'ECONNREFUSED',
  'EAI_AGAIN',
  'ENOTFOUND',
  'ECONNABORTED',
  'EHOSTUNREACH',
  'ENETUNREACH',
])

function shape(e: unknown): SdkErrorShape {
  return typeof e === 'object' && e !== null ? e : {}
}

/**
 * The socket error code when `e` means "could not talk to the endpoint at all" (refused, no such host,
 * connect timeout, proxy refusing), else undefined. Distinct from a dropped answer: repeated from the
 * first call of a run, it means a wrong endpoint, proxy or DNS, not a transient burst (see api.ts).
 */
export function connectionErrorCode(e: unknown): string | undefined {
  const code = shape(e).code
  if (typeof code === 'string' && CONNECT_CODES.has(code)) return code
  const message = shape(e).message
  if (typeof message !== 'string') return undefined
  // The SDK's connectionTimeout: a TimeoutError with no code.
  if (/without establishing a connection/i.test(message)) return 'ETIMEDOUT'
  return /\b(ECONNREFUSED|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|ENETUNREACH)\b/.exec(message)?.[1]
}

/**
 * CloudFront could not be reached at all since the run began (api.ts decides when): a wrong endpoint,
 * proxy or DNS. Permanent, and the same for every distribution, so the run stops with this one line.
 */
export class UnreachableError extends Error {
  override name = 'CloudFrontUnreachable'
}

/** Codes of a connection that never carried a request. */
const CONNECT_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ETIMEDOUT',
])

/**
 * An SDK error explained for people (`explain`), keeping the AWS error name so callers can still tell
 * what happened (a denied GetInvalidation while counting is a warning, not a failure).
 */
export class ExplainedError extends Error {
  override name = 'ExplainedError'
  constructor(
    message: string,
    /** The AWS error code (`AccessDenied`, `NoSuchInvalidation`…), or '' for a non-SDK error. */
    readonly awsName: string,
    options?: ErrorOptions,
  ) {
    super(message, options)
  }
}

/** The AWS error code of `e`, looking through an ExplainedError to the SDK error it explains. */
export function awsErrorName(e: unknown): string {
  return e instanceof ExplainedError ? e.awsName : errorName(e)
}

/** Whether `e` is an AccessDenied answer (either spelling AWS uses). */
export function isAccessDenied(e: unknown): boolean {
  const name = awsErrorName(e)
  return name === 'AccessDenied' || name === 'AccessDeniedException'
}

/** The SDK error's name (its AWS error code), or '' for a non-SDK error. */
export function errorName(e: unknown): string {
  const n = shape(e).name
  return typeof n === 'string' ? n : ''
}

/** The HTTP status CloudFront answered with, or undefined when no answer came (a connection error). */
export function httpStatus(e: unknown): number | undefined {
  const s = shape(e).$metadata?.httpStatusCode
  return typeof s === 'number' ? s : undefined
}

/** Whether `e` refused a request for its rate (not TooManyInvalidationsInProgress: that is the quota). */
export function isThrottling(e: unknown): boolean {
  return THROTTLING_NAMES.has(errorName(e)) || httpStatus(e) === 429
}

/** Decide what an error means for the request that raised it. */
export function classify(e: unknown): ErrorClass {
  const name = errorName(e)
  if (name === 'TooManyInvalidationsInProgress') return 'quota'
  if (TRANSIENT_NAMES.has(name) || isThrottling(e)) return 'transient'
  const code = shape(e).code
  if (typeof code === 'string' && NETWORK_CODES.has(code)) return 'transient'
  const status = httpStatus(e)
  if (status !== undefined && status >= 500) return 'transient'
  const message = shape(e).message
  if (
    typeof message === 'string' &&
    /socket hang up|ECONNRESET|network|EPIPE/i.test(message) &&
    status === undefined
  ) {
    return 'transient'
  }
  return 'permanent'
}

/** The IAM action each call needs, for AccessDenied explanations. */
export const PERMISSION: Record<string, string> = {
  CreateInvalidation: 'cloudfront:CreateInvalidation',
  GetInvalidation: 'cloudfront:GetInvalidation',
  ListInvalidations: 'cloudfront:ListInvalidations',
  GetDistributionConfig: 'cloudfront:GetDistributionConfig',
  ListDistributions: 'cloudfront:ListDistributions',
  GetDistribution: 'cloudfront:GetDistribution',
  GetDistributionTenant: 'cloudfront:GetDistributionTenant',
  ListDistributionTenants: 'cloudfront:ListDistributionTenants',
  GetDistributionTenantByDomain: 'cloudfront:GetDistributionTenantByDomain',
}

/** Calls that name no single resource beforehand: IAM grants them on "*". */
const ACCOUNT_WIDE = new Set([
  'ListDistributions',
  'ListDistributionTenants',
  'GetDistributionTenantByDomain',
])

/** What the failed request carried, when that changes the explanation. */
export interface ErrorContext {
  /** Cache tags (`#…` items) in the batch. */
  tags?: readonly string[]
  /** The invalidation asked about (GetInvalidation), named in a NoSuchInvalidation line. */
  invalidationId?: string
}

/** Tags named in an error line; the rest are counted. */
const SHOWN_TAGS = 5

/**
 * One line explaining a permanent error for `target` (a distribution or tenant id) during `operation`
 * (named as for a distribution; a tenant's calls are named `…ForDistributionTenant`).
 * The SDK's own message is kept at the end: it may say more than we know.
 */
export function explain(e: unknown, operation: string, target: string, context: ErrorContext = {}): string {
  // Already one line for the whole run, naming the endpoint: no operation or target to add.
  if (e instanceof UnreachableError) return e.message
  const name = errorName(e)
  const raw = shape(e).message
  const message = typeof raw === 'string' && raw !== '' ? raw : String(e)
  const tenant = target.startsWith('dt_')
  const op = tenant && /Invalidation/.test(operation) ? `${operation}ForDistributionTenant` : operation
  const arn = ACCOUNT_WIDE.has(operation)
    ? '"*"'
    : tenant
      ? `arn:aws:cloudfront::ACCOUNT:distribution-tenant/${target}`
      : `arn:aws:cloudfront::ACCOUNT:distribution/${target}`
  switch (name) {
    case 'AccessDenied':
    case 'AccessDeniedException':
      return `${target}: access denied to ${op}: the role needs ${PERMISSION[op] ?? `cloudfront:${op}`} on ${arn} (see ${DOCS_URL}/permissions.md). AWS said: ${message}`
    case 'NoSuchDistribution':
      return `${target}: no such distribution in this AWS account: check the id, and that the credentials are for the account that owns it. AWS said: ${message}`
    case 'EntityNotFound':
      return `${target}: no such ${tenant ? 'distribution tenant' : 'distribution'} in this AWS account: check the id, and that the credentials are for the account that owns it. AWS said: ${message}`
    case 'NoSuchInvalidation':
      return `${target}${context.invalidationId === undefined ? '' : `/${context.invalidationId}`}: invalidation not found: the id is wrong, or it belongs to another distribution or account. AWS said: ${message}`
    case 'InvalidationBatchAlreadyExists':
    case 'InvalidArgument':
      if (name === 'InvalidArgument' && /caller ?reference/i.test(message)) {
        return `${target}: CallerReference already used with different paths: set a new ${voice().option('caller-reference')} (it must change whenever the paths do). AWS said: ${message}`
      }
      if (name === 'InvalidArgument' && context.tags !== undefined && context.tags.length > 0) {
        // AWS's wording for this case is not documented; the shape (InvalidArgument on a batch with
        // tags) is what identifies it, so the explanation is ours. Tags are checked against CloudFront's
        // rules before any call, so the usual cause is the configuration; the tags are named in case.
        const tags = context.tags
        const shown =
          tags
            .slice(0, SHOWN_TAGS)
            .map((t) => quote(t, 40))
            .join(', ') + (tags.length > SHOWN_TAGS ? ` and ${tags.length - SHOWN_TAGS} more` : '')
        return `${target}: CloudFront rejected a batch holding ${plural(tags.length, 'cache tag')}: ${shown}. Check that this ${tenant ? 'tenant' : 'distribution'} has a cache tag configuration (tag invalidation needs one) and that these are the tags you meant; or invalidate paths instead. AWS said: ${message}`
      }
      if (name === 'InvalidArgument') return `${target}: CloudFront rejected ${op} as invalid: ${message}`
      return `${target}: CallerReference already used with different paths: set a new ${voice().option('caller-reference')} (it must change whenever the paths do). AWS said: ${message}`
    case 'CredentialsProviderError':
      return `no AWS credentials found: ${voice().credentials}. (${message})`
    case 'ExpiredToken':
    case 'ExpiredTokenException':
    case 'InvalidClientTokenId':
    case 'UnrecognizedClientException':
    case 'SignatureDoesNotMatch':
      return `AWS rejected the credentials (${name}): they are expired or not valid; ${voice().credentials}. AWS said: ${message}`
    case 'TooManyInvalidationsInProgress':
      return `${target}: too many invalidations in progress (CloudFront allows 3,000 file paths and 15 wildcard paths at once). AWS said: ${message}`
    default:
      return `${target}: ${op} failed${name ? ` with ${name}` : ''}: ${message}`
  }
}

/** `explain` as a throwable error that keeps the AWS error code and the SDK error as its cause. */
export function explained(e: unknown, operation: string, target: string, context: ErrorContext = {}): Error {
  if (e instanceof UnreachableError) return e // already one line for the whole run
  return new ExplainedError(explain(e, operation, target, context), errorName(e), { cause: e })
}
