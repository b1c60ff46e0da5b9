/**
 * A fake Amazon CloudFront that speaks the REST-XML API (2020-05-31) closely enough for the real
 * `@aws-sdk/client-cloudfront` to work against it unmodified: point a client's `endpoint` (or the env
 * var AWS_ENDPOINT_URL_CLOUDFRONT, see `cloudFrontEnv`) at `fake.url` and use dummy credentials.
 *
 * It keeps the state the action cares about (invalidations per distribution or tenant, CallerReference
 * idempotency, the two in-progress quotas, completion over time), records every request, and can be told
 * to misbehave (`inject`) so retry and recovery paths can be tested without AWS.
 *
 * Test-only code: never import it from src/. It runs in-process under vitest and in bench scripts
 * (`node --import tsx`), so it uses erasable TypeScript only and no test-framework imports.
 *
 * Where AWS's exact behaviour is undocumented the choice made here is marked "Assumption" below.
 */
import { randomBytes, randomUUID } from 'node:crypto'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import {
  API_VERSION,
  MAX_FILE_PATHS_IN_PROGRESS,
  MAX_PATH_LENGTH,
  MAX_TAG_LENGTH,
  MAX_WILDCARD_PATHS_IN_PROGRESS,
} from '../../src/constants.js'
import { childElement, childElements, el, parseXml, XmlParseError, xmlDocument } from './xml.js'
import type { Xml, XmlContent, XmlElement } from './xml.js'

const NAMESPACE = `http://cloudfront.amazonaws.com/doc/${API_VERSION}/`

/** The operations the fake answers, named as the SDK names its commands (without `Command`). */
export type Operation =
  | 'CreateInvalidation'
  | 'GetInvalidation'
  | 'ListInvalidations'
  | 'ListDistributions'
  | 'GetDistribution'
  | 'GetDistributionConfig'
  | 'CreateInvalidationForDistributionTenant'
  | 'GetInvalidationForDistributionTenant'
  | 'ListInvalidationsForDistributionTenant'
  | 'GetDistributionTenant'
  | 'ListDistributionTenants'
  | 'GetDistributionTenantByDomain'
  /** Any other method and path: answered 400 UnsupportedOperation, so a test notices the gap. */
  | 'Unsupported'

/** One origin of a distribution. The kind of origin config is chosen from the domain, as AWS shows it. */
export interface OriginSpec {
  id: string
  /** e.g. `bucket.s3.us-east-1.amazonaws.com` (S3 REST) or `bucket.s3-website-us-east-1.amazonaws.com`. */
  domainName: string
  /** e.g. `/site`: the folder in the origin that the distribution's root maps to. */
  originPath?: string
}

/** A known distribution. Anything not listed is answered NoSuchDistribution. */
export interface DistributionSpec {
  /** e.g. `E2QWRUHAPOMQZL`. */
  id: string
  /** Defaults to `d<id in lower case>.cloudfront.net`. */
  domainName?: string
  aliases?: readonly string[]
  /** Defaults to one S3 REST origin. */
  origins?: readonly OriginSpec[]
  /** DefaultCacheBehavior.TargetOriginId; defaults to the first origin. */
  defaultOriginId?: string
  /** Extra cache behaviours (path pattern -> origin), in precedence order. */
  cacheBehaviors?: readonly { pathPattern: string; targetOriginId: string }[]
  /**
   * Whether the distribution has a CacheTagConfig, i.e. accepts `#tag` invalidations. `true` uses the
   * header name `Cache-Tag`; a string names the header. Default false.
   */
  cacheTags?: boolean | string
  enabled?: boolean
  /** Deployment status shown in listings; default `Deployed`. */
  status?: 'Deployed' | 'InProgress'
  comment?: string
  /**
   * A multi-tenant distribution (ConnectionMode `tenant-only`), the parent of distribution tenants.
   * Assumption: its own invalidation calls answer NoSuchDistribution, as users report for CloudFront
   * ("a tenant-only distribution does not serve anything itself, only its tenants do"); only its
   * tenants take invalidations.
   */
  multiTenant?: boolean
  /** Override the server-wide in-progress quotas for this distribution. */
  fileQuota?: number
  wildcardQuota?: number
}

/** A known distribution tenant (`dt_...`). Anything not listed is answered EntityNotFound. */
export interface TenantSpec {
  id: string
  /** The multi-tenant distribution it belongs to; defaults to the first distribution added. */
  distributionId?: string
  name?: string
  /** Its domains, `active` unless given as `{ domain, status: 'inactive' }` (GetDistributionTenant shows both). */
  domains?: readonly (string | TenantDomain)[]
  /** Accepts `#tag` invalidations; defaults to the parent distribution's setting. */
  cacheTags?: boolean
  /**
   * Assumption: AWS does not document whether a tenant's invalidations count against its parent's
   * quota. By default each tenant has its own; set this to count them against the parent's instead.
   */
  sharesDistributionQuota?: boolean
  fileQuota?: number
  wildcardQuota?: number
}

/** A tenant's domain and whether it is active (DomainResult in the API). */
export interface TenantDomain {
  domain: string
  status: 'active' | 'inactive'
}

/** How long one new invalidation stays InProgress, given what it is for. */
export type CompletionDelay = (invalidation: { target: string; paths: readonly string[] }) => number

/** Options for `FakeCloudFront.start`. Every field is optional. */
export interface FakeCloudFrontOptions {
  /** Time from creation to Completed, in ms (or a function of the invalidation). Default 200. */
  completionDelayMs?: number | CompletionDelay
  /** In-progress file paths (tags count as files) per distribution. Default 3000. */
  fileQuota?: number
  /** In-progress wildcard paths per distribution. Default 15. */
  wildcardQuota?: number
  /** Known distributions: a bare id gets the defaults of `DistributionSpec`. */
  distributions?: readonly (DistributionSpec | string)[]
  /** Known distribution tenants. */
  tenants?: readonly (TenantSpec | string)[]
  /** The clock invalidation times and completion are computed from (ms since epoch). Default Date.now. */
  now?: () => number
  /**
   * The answer to a reused CallerReference with different paths. The API reference names
   * `InvalidationBatchAlreadyExists` (409 here, like CloudFront's other *AlreadyExists errors), but
   * users of the real service report `InvalidArgument` (400) "Your request contains a caller reference
   * that was used for a previous invalidation batch for the same distribution." Default: the former.
   */
  callerReferenceConflict?: 'InvalidationBatchAlreadyExists' | 'InvalidArgument'
  /** Answer 403 to requests without a SigV4 Authorization header. Default true. */
  requireSignature?: boolean
  /** Account id used in ARNs. */
  accountId?: string
  /** Port on 127.0.0.1; default 0 (random). */
  port?: number
  /**
   * Request-rate limits: a token bucket per operation (`'*'` for any operation without its own), which
   * answers `Throttling` ("Rate exceeded") when empty, as CloudFront does past its undisclosed limits.
   * Default: none.
   */
  rateLimits?: Partial<Record<Operation | '*', RateLimit>>
}

/** A token bucket: `rate` requests a second on average, up to `burst` at once after a quiet spell. */
export interface RateLimit {
  rate: number
  burst: number
}

/** What `inject` can make the next matching request(s) do. */
export type FaultKind =
  | 'Throttling'
  | 'InternalError'
  | 'ServiceUnavailable'
  | 'TooManyInvalidationsInProgress'
  | 'AccessDenied'
  | 'NoSuchDistribution'
  | 'EntityNotFound'
  | 'InvalidArgument'
  /** Read the request, then destroy the socket without acting or answering. */
  | 'dropBefore'
  /** Act (e.g. create the invalidation), then destroy the socket without answering. */
  | 'dropAfter'
  /** Wait `delayMs`, then act and answer normally (even if the client gave up); without it, never answer. */
  | 'hang'

/** A fault to inject. Faults are tried in the order they were injected; the first that matches is used. */
export interface FaultSpec {
  /** Operation to hit; `'*'` or absent for any. */
  op?: Operation | '*'
  /** Distribution or tenant id to hit; absent for any (ListDistributions has no target). */
  target?: string
  kind: FaultKind
  /** How many requests it applies to; default 1, may be Infinity. */
  times?: number
  /** Wait this long before the fault takes effect (for 'hang': before acting and answering). */
  delayMs?: number
}

/** An injected fault: `remaining` counts down as requests consume it. */
export interface InjectedFault {
  readonly spec: Readonly<FaultSpec>
  remaining: number
}

/** One request as the fake saw it. */
export interface RequestRecord {
  op: Operation
  method: string
  /** Path and query string as sent. */
  url: string
  /** The distribution or tenant id in the path. */
  target?: string
  /** HTTP status answered; 0 while pending or when no answer was sent (dropped, hung, client gone). */
  status: number
  /** Error code answered, when the answer was an error. */
  error?: string
  /** Clock time (ms) when the request arrived. */
  time: number
  callerReference?: string
  paths?: string[]
  /** The invalidation created, replayed or read. */
  invalidationId?: string
  /** For creates: the CallerReference and batch matched an existing invalidation, which was returned. */
  replayed?: boolean
  fault?: FaultKind
  userAgent?: string
}

/** A stored invalidation, as tests see it. */
export interface InvalidationRecord {
  id: string
  /** Distribution or tenant id. */
  target: string
  callerReference: string
  paths: readonly string[]
  createTime: Date
  /** When it becomes (or became) Completed. */
  completeTime: Date
  status: 'InProgress' | 'Completed'
  /** Made by `seedInvalidation`, not by a request. */
  seeded: boolean
}

/** In-progress totals, as the quotas count them (a tag counts as a file path). */
export interface InFlight {
  files: number
  wildcards: number
}

/** Options for `seedInvalidation`. */
export interface SeedOptions {
  /** Default 'InProgress'. */
  status?: 'InProgress' | 'Completed'
  /** How long ago it was created; default 0. */
  createdMsAgo?: number
  /** For an InProgress seed: ms from now until it completes; default the server's completion delay. */
  completesInMs?: number
  callerReference?: string
  /** A fixed id (for documentation whose commands name it); default a fresh random one. */
  id?: string
}

interface Target {
  kind: 'distribution' | 'tenant'
  id: string
  cacheTags: boolean
  /** Targets with the same pool share the in-progress quotas. */
  pool: string
  fileQuota: number | undefined
  wildcardQuota: number | undefined
  invalidations: Stored[]
  byCallerReference: Map<string, Stored>
  distribution?: ResolvedDistribution
  tenant?: ResolvedTenant
}

interface ResolvedDistribution {
  id: string
  arn: string
  domainName: string
  aliases: readonly string[]
  origins: readonly OriginSpec[]
  defaultOriginId: string
  cacheBehaviors: readonly { pathPattern: string; targetOriginId: string }[]
  cacheTagHeader: string | undefined
  enabled: boolean
  status: string
  comment: string
  multiTenant: boolean
  etag: string
  lastModified: Date
}

interface ResolvedTenant {
  id: string
  arn: string
  distributionId: string
  name: string
  domains: readonly TenantDomain[]
  etag: string
  created: Date
}

interface Stored {
  id: string
  target: string
  callerReference: string
  paths: string[]
  createdAt: number
  completesAt: number
  files: number
  wildcards: number
  seeded: boolean
  /** Creation order, to break CreateTime ties when listing newest first. */
  seq: number
}

interface Reply {
  status: number
  headers: Record<string, string>
  body: string
  error?: string
}

interface Route {
  op: Operation
  kind?: 'distribution' | 'tenant'
  target?: string
  invalidationId?: string
  query: URLSearchParams
}

/** An API error: code, HTTP status and message, sent as CloudFront's REST-XML ErrorResponse. */
class ApiError extends Error {
  override name = 'ApiError'
  readonly code: string
  readonly status: number
  constructor(code: string, status: number, message: string) {
    super(message)
    this.code = code
    this.status = status
  }
}

/**
 * Status codes are the SDK model's (`httpError` of each error shape). Throttling, InternalError and
 * ServiceUnavailable are not modelled; they carry the codes and statuses AWS query/XML services use.
 */
const TOO_MANY_IN_PROGRESS =
  'You have exceeded the maximum number of allowable InProgress invalidation batch requests, or invalidation objects.'
const FAULT_ERRORS: Record<string, { status: number; message: string }> = {
  Throttling: { status: 400, message: 'Rate exceeded' },
  InternalError: { status: 500, message: 'We encountered an internal error. Please try again.' },
  ServiceUnavailable: { status: 503, message: 'Service is unavailable. Please try again later.' },
  TooManyInvalidationsInProgress: { status: 400, message: TOO_MANY_IN_PROGRESS },
  AccessDenied: { status: 403, message: 'Access denied.' },
  NoSuchDistribution: { status: 404, message: 'The specified distribution does not exist.' },
  EntityNotFound: { status: 404, message: 'The entity was not found.' },
  InvalidArgument: { status: 400, message: 'The argument is invalid.' },
}

const INVALID_PATHS = 'Your request contains one or more invalid invalidation paths.'
const DEFAULT_COMPLETION_DELAY_MS = 200
const MAX_BODY_BYTES = 16 * 1024 * 1024

/** Uppercase letters and digits, like the ids CloudFront hands out. */
function randomId(prefix: string, length: number): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'
  let out = prefix
  for (const byte of randomBytes(length)) out += alphabet[byte % alphabet.length]
  return out
}

/** A wildcard path ends in `*`; everything else, tags included, counts against the file-path quota. */
function countKinds(paths: readonly string[]): InFlight {
  let wildcards = 0
  for (const p of paths) if (!p.startsWith('#') && p.endsWith('*')) wildcards++
  return { files: paths.length - wildcards, wildcards }
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  // Assumption: order matters. If the action passes against this, it passes against an order-blind AWS too.
  return a.length === b.length && a.every((v, i) => v === b[i])
}

/** The fake server. Start it with `FakeCloudFront.start()`, always `stop()` it. */
export class FakeCloudFront {
  /** Every request, in arrival order. Records are updated in place when the answer is sent. */
  readonly requests: RequestRecord[] = []
  /** May be changed between requests; applies to invalidations created afterwards. */
  completionDelayMs: number | CompletionDelay

  private readonly server: Server
  private readonly now: () => number
  private readonly fileQuota: number
  private readonly wildcardQuota: number
  private readonly conflictCode: 'InvalidationBatchAlreadyExists' | 'InvalidArgument'
  private readonly requireSignature: boolean
  private readonly accountId: string
  private readonly targets = new Map<string, Target>()
  /** Targets by quota pool, so a create counts its pool without walking every target. */
  private readonly pools = new Map<string, Set<Target>>()
  private readonly distributionOrder: string[] = []
  private readonly tenantOrder: string[] = []
  private readonly buckets = new Map<string, { tokens: number; at: number; limit: RateLimit }>()
  private rateLimits: Partial<Record<Operation | '*', RateLimit>>
  private readonly invalidationIds = new Set<string>()
  private readonly timers = new Set<NodeJS.Timeout>()
  private faults: InjectedFault[] = []
  private seq = 0
  private baseUrl = ''

  private constructor(options: FakeCloudFrontOptions) {
    this.completionDelayMs = options.completionDelayMs ?? DEFAULT_COMPLETION_DELAY_MS
    this.now = options.now ?? Date.now
    this.fileQuota = options.fileQuota ?? MAX_FILE_PATHS_IN_PROGRESS
    this.wildcardQuota = options.wildcardQuota ?? MAX_WILDCARD_PATHS_IN_PROGRESS
    this.conflictCode = options.callerReferenceConflict ?? 'InvalidationBatchAlreadyExists'
    this.requireSignature = options.requireSignature ?? true
    this.accountId = options.accountId ?? '123456789012'
    this.rateLimits = { ...options.rateLimits }
    for (const d of options.distributions ?? []) this.addDistribution(d)
    for (const t of options.tenants ?? []) this.addTenant(t)
    this.server = createServer((req, res) => {
      this.onRequest(req, res).catch((e: unknown) => {
        // A bug in the fake itself: answer 500 so the test sees it rather than a hang.
        if (!res.headersSent && !res.destroyed) {
          res.writeHead(500, { 'content-type': 'text/plain' }).end(`fake-cloudfront: ${String(e)}`)
        }
      })
    })
  }

  /** Start a fake on 127.0.0.1 (random port unless `options.port`). */
  static async start(options: FakeCloudFrontOptions = {}): Promise<FakeCloudFront> {
    const fake = new FakeCloudFront(options)
    await new Promise<void>((resolve, reject) => {
      fake.server.once('error', reject)
      fake.server.listen(options.port ?? 0, '127.0.0.1', () => {
        fake.server.off('error', reject)
        resolve()
      })
    })
    // Idle keep-alive sockets outlive the longest poll interval: a server closing one just as the SDK
    // reuses it would surface as a spurious ECONNRESET (Node's default is 5 s, the poll cap is 5 s too).
    fake.server.keepAliveTimeout = 65_000
    fake.server.headersTimeout = 66_000
    const { port } = fake.server.address() as AddressInfo
    fake.baseUrl = `http://127.0.0.1:${port}`
    return fake
  }

  /** `http://127.0.0.1:PORT`, for a client's `endpoint`. */
  get url(): string {
    return this.baseUrl
  }

  /** Stop listening and cut every open connection (hung requests included). */
  async stop(): Promise<void> {
    for (const t of this.timers) clearTimeout(t)
    this.timers.clear()
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve())
      this.server.closeAllConnections()
    })
  }

  /** Make a distribution known (or replace its settings; its invalidations are kept). */
  addDistribution(spec: DistributionSpec | string): void {
    const s: DistributionSpec = typeof spec === 'string' ? { id: spec } : spec
    const origins = s.origins ?? [{ id: 'origin-1', domainName: 'example-bucket.s3.us-east-1.amazonaws.com' }]
    const distribution: ResolvedDistribution = {
      id: s.id,
      arn: `arn:aws:cloudfront::${this.accountId}:distribution/${s.id}`,
      domainName: s.domainName ?? `d${s.id.toLowerCase()}.cloudfront.net`,
      aliases: s.aliases ?? [],
      origins,
      defaultOriginId: s.defaultOriginId ?? origins[0]?.id ?? 'origin-1',
      cacheBehaviors: s.cacheBehaviors ?? [],
      cacheTagHeader: s.cacheTags === true ? 'Cache-Tag' : s.cacheTags || undefined,
      enabled: s.enabled ?? true,
      status: s.status ?? 'Deployed',
      comment: s.comment ?? '',
      multiTenant: s.multiTenant ?? false,
      etag: randomId('E', 13),
      lastModified: new Date(this.now()),
    }
    const existing = this.targets.get(s.id)
    if (existing === undefined) this.distributionOrder.push(s.id)
    this.putTarget({
      kind: 'distribution',
      id: s.id,
      cacheTags: distribution.cacheTagHeader !== undefined,
      pool: s.id,
      fileQuota: s.fileQuota,
      wildcardQuota: s.wildcardQuota,
      invalidations: existing?.invalidations ?? [],
      byCallerReference: existing?.byCallerReference ?? new Map<string, Stored>(),
      distribution,
    })
  }

  /** Make a distribution tenant known (or replace its settings; its invalidations are kept). */
  addTenant(spec: TenantSpec | string): void {
    const s: TenantSpec = typeof spec === 'string' ? { id: spec } : spec
    const distributionId = s.distributionId ?? this.distributionOrder[0] ?? 'EMULTITENANT0'
    const parent = this.targets.get(distributionId)
    const existing = this.targets.get(s.id)
    if (existing === undefined) this.tenantOrder.push(s.id)
    this.putTarget({
      kind: 'tenant',
      id: s.id,
      cacheTags: s.cacheTags ?? parent?.cacheTags ?? false,
      pool: s.sharesDistributionQuota === true ? distributionId : s.id,
      fileQuota: s.fileQuota,
      wildcardQuota: s.wildcardQuota,
      invalidations: existing?.invalidations ?? [],
      byCallerReference: existing?.byCallerReference ?? new Map<string, Stored>(),
      tenant: {
        id: s.id,
        arn: `arn:aws:cloudfront::${this.accountId}:distribution-tenant/${s.id}`,
        distributionId,
        name: s.name ?? s.id.replace(/^dt_/, 'tenant-'),
        domains: (s.domains ?? []).map((d) => (typeof d === 'string' ? { domain: d, status: 'active' } : d)),
        etag: randomId('E', 13),
        created: new Date(this.now()),
      },
    })
  }

  /** Change the request-rate limit of one operation (`'*'`: the default for all), or lift it. */
  setRateLimit(op: Operation | '*', limit: RateLimit | undefined): void {
    if (limit === undefined) delete this.rateLimits[op]
    else this.rateLimits[op] = limit
    this.buckets.clear()
  }

  private putTarget(target: Target): void {
    const old = this.targets.get(target.id)
    if (old !== undefined) this.pools.get(old.pool)?.delete(old)
    this.targets.set(target.id, target)
    let pool = this.pools.get(target.pool)
    if (pool === undefined) this.pools.set(target.pool, (pool = new Set()))
    pool.add(target)
  }

  /**
   * Put an invalidation in place as if an earlier run had made it, e.g. one still in progress that
   * takes quota away from the run under test. It is not in `requests` and not in `createdCount`.
   */
  seedInvalidation(
    targetId: string,
    paths: readonly string[],
    options: SeedOptions = {},
  ): InvalidationRecord {
    const target = this.targets.get(targetId)
    if (target === undefined) throw new Error(`seedInvalidation: unknown distribution or tenant ${targetId}`)
    const now = this.now()
    const createdAt = now - (options.createdMsAgo ?? 0)
    const completesAt =
      options.status === 'Completed'
        ? Math.min(createdAt, now)
        : now + (options.completesInMs ?? this.delayFor(targetId, paths))
    const id = options.id ?? this.newInvalidationId()
    if (options.id !== undefined) {
      if (this.invalidationIds.has(id)) throw new Error(`seedInvalidation: id ${id} is taken`)
      this.invalidationIds.add(id)
    }
    const stored = this.store(
      target,
      options.callerReference ?? `seeded-${id}`,
      [...paths],
      id,
      createdAt,
      completesAt,
    )
    stored.seeded = true
    return this.view(stored)
  }

  /** Make upcoming requests fail or misbehave. See `FaultKind`. */
  inject(spec: FaultSpec): InjectedFault {
    const fault: InjectedFault = { spec: { ...spec }, remaining: spec.times ?? 1 }
    this.faults.push(fault)
    return fault
  }

  /** The invalidations of a distribution or tenant, oldest first, with their status now. */
  invalidations(targetId: string): InvalidationRecord[] {
    return (this.targets.get(targetId)?.invalidations ?? []).map((s) => this.view(s))
  }

  /** How many invalidations requests have created (replays and seeds excluded). */
  createdCount(targetId: string): number {
    return (this.targets.get(targetId)?.invalidations ?? []).filter((s) => !s.seeded).length
  }

  /** In-progress totals right now, over the target's quota pool. */
  inFlight(targetId: string): InFlight {
    const target = this.targets.get(targetId)
    return target === undefined ? { files: 0, wildcards: 0 } : this.inFlightAt(target.pool, this.now())
  }

  /**
   * The highest in-progress totals there ever were (or will be, for what is in progress now), over the
   * target's quota pool, each maximised separately as the two quotas are. Computed from the creation and
   * completion times, so it agrees with the lazy clock: an invalidation completing at t has freed its
   * quota for a create at t.
   */
  maxInFlight(targetId: string): InFlight {
    const target = this.targets.get(targetId)
    if (target === undefined) return { files: 0, wildcards: 0 }
    const events: Array<{ t: number; files: number; wildcards: number }> = []
    for (const s of this.poolInvalidations(target.pool)) {
      if (s.completesAt <= s.createdAt) continue
      events.push({ t: s.createdAt, files: s.files, wildcards: s.wildcards })
      events.push({ t: s.completesAt, files: -s.files, wildcards: -s.wildcards })
    }
    // At equal times completions (negative) go first, matching `status` (Completed once now >= completesAt).
    events.sort((a, b) => a.t - b.t || a.files + a.wildcards - (b.files + b.wildcards))
    const max = { files: 0, wildcards: 0 }
    const cur = { files: 0, wildcards: 0 }
    for (const e of events) {
      cur.files += e.files
      cur.wildcards += e.wildcards
      max.files = Math.max(max.files, cur.files)
      max.wildcards = Math.max(max.wildcards, cur.wildcards)
    }
    return max
  }

  /** Forget faults, request records and invalidations; distributions and tenants stay. */
  reset(): void {
    this.faults = []
    this.buckets.clear()
    this.requests.length = 0
    for (const target of this.targets.values()) {
      target.invalidations.length = 0
      target.byCallerReference.clear()
    }
    this.invalidationIds.clear()
  }

  // ---- request handling -------------------------------------------------------------------------

  private async onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const time = this.now()
    let body: string
    try {
      body = await readBody(req)
    } catch {
      req.socket.destroy() // client went away or sent too much: nothing to answer
      return
    }
    const rawUrl = req.url ?? '/'
    const route = matchRoute(req.method ?? 'GET', rawUrl)
    const record: RequestRecord = { op: route.op, method: req.method ?? 'GET', url: rawUrl, status: 0, time }
    if (route.target !== undefined) record.target = route.target
    if (route.op === 'CreateInvalidation' || route.op === 'CreateInvalidationForDistributionTenant') {
      // Note the batch now, so a request dropped or failed by a fault still shows what it carried.
      try {
        const batch = parseBatch(body)
        record.callerReference = batch.callerReference
        record.paths = batch.paths
      } catch {
        // A bad body is answered in `createInvalidation`, unless a fault answers first.
      }
    }
    const userAgent = req.headers['user-agent']
    if (userAgent !== undefined) record.userAgent = userAgent
    this.requests.push(record)

    const fault = this.takeFault(route.op, route.target)
    if (fault !== undefined) {
      record.fault = fault.kind
      if (fault.delayMs !== undefined) await this.sleep(fault.delayMs)
      else if (fault.kind === 'hang') return // never answered; stop() cuts the connection
      if (fault.kind === 'dropBefore') {
        req.socket.destroy()
        return
      }
      const error = FAULT_ERRORS[fault.kind]
      if (error !== undefined) {
        this.send(res, record, errorReply(new ApiError(fault.kind, error.status, error.message)))
        return
      }
    }

    if (!this.admit(route.op)) {
      const error = FAULT_ERRORS.Throttling ?? { status: 400, message: 'Rate exceeded' }
      this.send(res, record, errorReply(new ApiError('Throttling', error.status, error.message)))
      return
    }

    let reply: Reply
    try {
      reply = this.handle(req, route, body, record)
    } catch (e) {
      if (!(e instanceof ApiError)) throw e
      reply = errorReply(e)
    }
    if (fault?.kind === 'dropAfter') {
      if (reply.error !== undefined) record.error = reply.error
      req.socket.destroy()
      return
    }
    this.send(res, record, reply)
  }

  private handle(req: IncomingMessage, route: Route, body: string, record: RequestRecord): Reply {
    const auth = req.headers.authorization
    if (this.requireSignature && (auth === undefined || !auth.startsWith('AWS4-HMAC-SHA256'))) {
      throw new ApiError('MissingAuthenticationToken', 403, 'Request is missing Authentication Token')
    }
    if (route.op === 'Unsupported') {
      throw new ApiError(
        'UnsupportedOperation',
        400,
        `fake-cloudfront does not implement ${req.method} ${req.url}`,
      )
    }
    if (route.op === 'ListDistributions') return this.listDistributions(route.query)
    if (route.op === 'ListDistributionTenants') return this.listDistributionTenants(body)
    if (route.op === 'GetDistributionTenantByDomain') return this.tenantByDomain(route.query)

    const target = this.targets.get(route.target ?? '')
    if (target === undefined || target.kind !== route.kind) {
      throw route.kind === 'tenant'
        ? new ApiError('EntityNotFound', 404, 'The entity was not found.')
        : new ApiError('NoSuchDistribution', 404, 'The specified distribution does not exist.')
    }
    const invalidationOp = /Invalidation/.test(route.op)
    if (target.distribution?.multiTenant === true && invalidationOp) {
      // See DistributionSpec.multiTenant: only its tenants take invalidations.
      throw new ApiError('NoSuchDistribution', 404, 'The specified distribution does not exist.')
    }
    switch (route.op) {
      case 'CreateInvalidation':
      case 'CreateInvalidationForDistributionTenant':
        return this.createInvalidation(target, body, record)
      case 'GetInvalidation':
      case 'GetInvalidationForDistributionTenant': {
        const stored = target.invalidations.find((s) => s.id === route.invalidationId)
        if (stored === undefined) {
          throw new ApiError('NoSuchInvalidation', 404, 'The specified invalidation does not exist.')
        }
        record.invalidationId = stored.id
        return ok(200, this.invalidationXml(stored))
      }
      case 'ListInvalidations':
      case 'ListInvalidationsForDistributionTenant':
        return this.listInvalidations(target, route.query)
      case 'GetDistribution':
      case 'GetDistributionConfig':
      case 'GetDistributionTenant':
        return this.describe(target, route.op)
    }
  }

  private createInvalidation(target: Target, body: string, record: RequestRecord): Reply {
    const batch = parseBatch(body)
    record.callerReference = batch.callerReference
    record.paths = batch.paths

    // Idempotency first: a replay of an accepted batch must not be refused for quota it already holds.
    const existing = target.byCallerReference.get(batch.callerReference)
    if (existing !== undefined) {
      if (!sameList(existing.paths, batch.paths)) {
        throw this.conflictCode === 'InvalidArgument'
          ? new ApiError(
              'InvalidArgument',
              400,
              'Your request contains a caller reference that was used for a previous invalidation batch for the same distribution.',
            )
          : new ApiError(
              'InvalidationBatchAlreadyExists',
              409,
              'The CallerReference you are using to create the invalidation batch is associated with another batch.',
            )
      }
      record.invalidationId = existing.id
      record.replayed = true
      return this.created(target, existing)
    }

    for (const path of batch.paths) {
      if (path.startsWith('#')) {
        const tag = path.slice(1)
        // CloudFront's rules for a tag: 1-256 visible ASCII characters (33-126) but ',' and '*'.
        if (tag.length > MAX_TAG_LENGTH || !/^[\x21-\x29\x2b\x2d-\x7e]+$/.test(tag)) {
          throw new ApiError('InvalidArgument', 400, INVALID_PATHS)
        }
        if (!target.cacheTags) {
          // Assumption: AWS's wording for this case is unknown; the code and status are the natural ones.
          throw new ApiError(
            'InvalidArgument',
            400,
            'Cache tag invalidation requires a distribution with CacheTagConfig enabled.',
          )
        }
        continue
      }
      const star = path.indexOf('*')
      const misplacedStar = star !== -1 && star !== path.length - 1
      if (!path.startsWith('/') || misplacedStar || path.length > MAX_PATH_LENGTH) {
        throw new ApiError('InvalidArgument', 400, INVALID_PATHS)
      }
    }

    const add = countKinds(batch.paths)
    const [fileQuota, wildcardQuota] = this.quotas(target.pool)
    if (add.files > fileQuota || add.wildcards > wildcardQuota) {
      // Assumption: a batch that could never fit is refused as too large, not as "too many in progress",
      // so a scheduler bug shows up as a distinct error instead of an endless wait.
      throw new ApiError('BatchTooLarge', 413, 'Invalidation batch specified is too large.')
    }
    const now = this.now()
    const busy = this.inFlightAt(target.pool, now)
    if (busy.files + add.files > fileQuota || busy.wildcards + add.wildcards > wildcardQuota) {
      throw new ApiError('TooManyInvalidationsInProgress', 400, TOO_MANY_IN_PROGRESS)
    }

    const id = this.newInvalidationId()
    const stored = this.store(
      target,
      batch.callerReference,
      batch.paths,
      id,
      now,
      now + this.delayFor(target.id, batch.paths),
    )
    record.invalidationId = id
    return this.created(target, stored)
  }

  private created(target: Target, stored: Stored): Reply {
    const kind = target.kind === 'tenant' ? 'distribution-tenant' : 'distribution'
    const location = `${this.baseUrl}/${API_VERSION}/${kind}/${target.id}/invalidation/${stored.id}`
    return ok(201, this.invalidationXml(stored), { location })
  }

  private listInvalidations(target: Target, query: URLSearchParams): Reply {
    // Newest first, as CloudFront lists them.
    const all = [...target.invalidations].sort((a, b) => b.createdAt - a.createdAt || b.seq - a.seq)
    const page = paginate(all, (s) => s.id, query)
    const now = this.now()
    return ok(
      200,
      xmlDocument(
        'InvalidationList',
        { xmlns: NAMESPACE },
        page.header,
        page.items.length === 0
          ? undefined
          : el(
              'Items',
              page.items.map((s) =>
                el(
                  'InvalidationSummary',
                  el('Id', s.id),
                  el('CreateTime', new Date(s.createdAt)),
                  el('Status', status(s, now)),
                ),
              ),
            ),
      ),
    )
  }

  private listDistributions(query: URLSearchParams): Reply {
    const all: ResolvedDistribution[] = []
    for (const id of this.distributionOrder) {
      const d = this.targets.get(id)?.distribution
      if (d !== undefined) all.push(d)
    }
    const page = paginate(all, (d) => d.id, query)
    return ok(
      200,
      xmlDocument(
        'DistributionList',
        { xmlns: NAMESPACE },
        page.header,
        page.items.length === 0
          ? undefined
          : el(
              'Items',
              page.items.map((d) => el('DistributionSummary', this.summaryFields(d))),
            ),
      ),
    )
  }

  /**
   * ListDistributionTenants (POST, filter in the body): the account's tenants in creation order, or those
   * of one distribution (`AssociationFilter.DistributionId`), a page at a time. Assumption: the marker is
   * opaque to callers; here it is the id of the page's last tenant. An unknown distribution in the filter
   * is EntityNotFound; a distribution with no tenants gives an empty list.
   */
  private listDistributionTenants(body: string): Reply {
    let root: XmlElement | undefined
    if (body.trim() !== '') {
      try {
        root = parseXml(body)
      } catch (e) {
        if (!(e instanceof XmlParseError)) throw e
        throw new ApiError('MalformedInput', 400, `Could not parse the request body as XML: ${e.message}`)
      }
    }
    const filter = root === undefined ? undefined : childElement(root, 'AssociationFilter')
    const distributionId = filter === undefined ? undefined : childElement(filter, 'DistributionId')?.text
    if (filter !== undefined && childElement(filter, 'ConnectionGroupId') !== undefined) {
      throw new ApiError('InvalidArgument', 400, 'fake-cloudfront filters by DistributionId only.')
    }
    if (distributionId !== undefined && this.targets.get(distributionId)?.kind !== 'distribution') {
      throw new ApiError('EntityNotFound', 404, 'The entity was not found.')
    }
    const maxText = root === undefined ? undefined : childElement(root, 'MaxItems')?.text
    const maxItems = maxText === undefined || maxText === '' ? 100 : Number(maxText)
    if (!Number.isInteger(maxItems) || maxItems < 1 || maxItems > 100) {
      throw new ApiError('InvalidArgument', 400, 'MaxItems must be an integer from 1 to 100.')
    }
    const all: ResolvedTenant[] = []
    for (const id of this.tenantOrder) {
      const t = this.targets.get(id)?.tenant
      if (t !== undefined && (distributionId === undefined || t.distributionId === distributionId))
        all.push(t)
    }
    const marker = (root === undefined ? undefined : childElement(root, 'Marker')?.text) ?? ''
    let start = 0
    if (marker !== '') {
      start = all.findIndex((t) => t.id === marker) + 1
      if (start === 0) throw new ApiError('InvalidArgument', 400, 'The marker is not valid.')
    }
    const items = all.slice(start, start + maxItems)
    const last = items[items.length - 1]
    return ok(
      200,
      xmlDocument(
        'ListDistributionTenantsResult',
        { xmlns: NAMESPACE },
        start + maxItems < all.length && last !== undefined ? el('NextMarker', last.id) : undefined,
        el(
          'DistributionTenantList',
          items.map((t) => el('DistributionTenantSummary', tenantFields(t), el('ETag', t.etag))),
        ),
      ),
    )
  }

  /** GetDistributionTenantByDomain: the tenant one of whose domains is `domain` (case-insensitive). */
  private tenantByDomain(query: URLSearchParams): Reply {
    const domain = (query.get('domain') ?? '').toLowerCase()
    if (domain === '') throw new ApiError('InvalidArgument', 400, 'The domain parameter is required.')
    for (const id of this.tenantOrder) {
      const t = this.targets.get(id)?.tenant
      if (t?.domains.some((d) => d.domain.toLowerCase() === domain)) {
        return ok(200, xmlDocument('DistributionTenant', { xmlns: NAMESPACE }, tenantFields(t)), {
          etag: t.etag,
        })
      }
    }
    throw new ApiError('EntityNotFound', 404, 'The entity was not found.')
  }

  private describe(
    target: Target,
    op: 'GetDistribution' | 'GetDistributionConfig' | 'GetDistributionTenant',
  ): Reply {
    const d = target.distribution
    const t = target.tenant
    if (op === 'GetDistributionTenant' && t !== undefined) {
      return ok(200, xmlDocument('DistributionTenant', { xmlns: NAMESPACE }, tenantFields(t)), {
        etag: t.etag,
      })
    }
    if (d === undefined)
      throw new ApiError('NoSuchDistribution', 404, 'The specified distribution does not exist.')
    if (op === 'GetDistributionConfig') {
      return ok(200, xmlDocument('DistributionConfig', { xmlns: NAMESPACE }, this.configFields(d)), {
        etag: d.etag,
      })
    }
    const now = this.now()
    const inProgress = target.invalidations.filter((s) => status(s, now) === 'InProgress').length
    return ok(
      200,
      xmlDocument(
        'Distribution',
        { xmlns: NAMESPACE },
        el('Id', d.id),
        el('ARN', d.arn),
        el('Status', d.status),
        el('LastModifiedTime', d.lastModified),
        el('InProgressInvalidationBatches', inProgress),
        el('DomainName', d.domainName),
        el('ActiveTrustedSigners', el('Enabled', false), el('Quantity', 0)),
        el('ActiveTrustedKeyGroups', el('Enabled', false), el('Quantity', 0)),
        el('DistributionConfig', this.configFields(d)),
      ),
      { etag: d.etag },
    )
  }

  // ---- XML shapes -------------------------------------------------------------------------------

  private invalidationXml(s: Stored): string {
    return xmlDocument(
      'Invalidation',
      { xmlns: NAMESPACE },
      el('Id', s.id),
      el('Status', status(s, this.now())),
      el('CreateTime', new Date(s.createdAt)),
      el(
        'InvalidationBatch',
        el(
          'Paths',
          el('Quantity', s.paths.length),
          s.paths.length === 0
            ? undefined
            : el(
                'Items',
                s.paths.map((p) => el('Path', p)),
              ),
        ),
        el('CallerReference', s.callerReference),
      ),
    )
  }

  /** The members DistributionConfig and DistributionSummary share, in the model's order. */
  private commonFields(d: ResolvedDistribution): XmlContent[] {
    return [
      quantityList('Aliases', 'CNAME', d.aliases),
      el('Origins', el('Quantity', d.origins.length), el('Items', d.origins.map(originXml))),
      el('DefaultCacheBehavior', el('TargetOriginId', d.defaultOriginId), cacheBehaviorFields()),
      el(
        'CacheBehaviors',
        el('Quantity', d.cacheBehaviors.length),
        d.cacheBehaviors.length === 0
          ? undefined
          : el(
              'Items',
              d.cacheBehaviors.map((b) =>
                el(
                  'CacheBehavior',
                  el('PathPattern', b.pathPattern),
                  el('TargetOriginId', b.targetOriginId),
                  cacheBehaviorFields(),
                ),
              ),
            ),
      ),
      el('CustomErrorResponses', el('Quantity', 0)),
      el('Comment', d.comment),
    ]
  }

  private configFields(d: ResolvedDistribution): XmlContent[] {
    return [
      el('CallerReference', `fake-${d.id}`),
      this.commonFields(d),
      el('DefaultRootObject', 'index.html'),
      el('OriginGroups', el('Quantity', 0)),
      el('Logging', el('Enabled', false), el('IncludeCookies', false), el('Bucket', ''), el('Prefix', '')),
      el('PriceClass', 'PriceClass_All'),
      el('Enabled', d.enabled),
      viewerCertificate(),
      restrictions(),
      el('WebACLId', ''),
      el('HttpVersion', 'http2'),
      el('IsIPV6Enabled', true),
      el('Staging', false),
      el('ConnectionMode', d.multiTenant ? 'tenant-only' : 'direct'),
      d.cacheTagHeader === undefined ? undefined : el('CacheTagConfig', el('HeaderName', d.cacheTagHeader)),
    ]
  }

  private summaryFields(d: ResolvedDistribution): XmlContent[] {
    return [
      el('Id', d.id),
      el('ARN', d.arn),
      el('Status', d.status),
      el('LastModifiedTime', d.lastModified),
      el('DomainName', d.domainName),
      this.commonFields(d),
      el('PriceClass', 'PriceClass_All'),
      el('Enabled', d.enabled),
      viewerCertificate(),
      restrictions(),
      el('WebACLId', ''),
      el('HttpVersion', 'HTTP2'),
      el('IsIPV6Enabled', true),
      el('Staging', false),
      el('ConnectionMode', d.multiTenant ? 'tenant-only' : 'direct'),
    ]
  }

  // ---- state ------------------------------------------------------------------------------------

  private store(
    target: Target,
    callerReference: string,
    paths: string[],
    id: string,
    createdAt: number,
    completesAt: number,
  ): Stored {
    const { files, wildcards } = countKinds(paths)
    const stored: Stored = {
      id,
      target: target.id,
      callerReference,
      paths,
      createdAt,
      completesAt,
      files,
      wildcards,
      seeded: false,
      seq: this.seq++,
    }
    target.invalidations.push(stored)
    target.byCallerReference.set(callerReference, stored)
    return stored
  }

  private newInvalidationId(): string {
    let id: string
    do id = randomId('I', 13)
    while (this.invalidationIds.has(id))
    this.invalidationIds.add(id)
    return id
  }

  private delayFor(target: string, paths: readonly string[]): number {
    const d = this.completionDelayMs
    return Math.max(0, typeof d === 'function' ? d({ target, paths }) : d)
  }

  private quotas(pool: string): [number, number] {
    const owner = this.targets.get(pool)
    return [owner?.fileQuota ?? this.fileQuota, owner?.wildcardQuota ?? this.wildcardQuota]
  }

  private *poolInvalidations(pool: string): Iterable<Stored> {
    for (const t of this.pools.get(pool) ?? []) yield* t.invalidations
  }

  /**
   * Take a token from the operation's bucket; false when it is empty (answer Throttling). Refilled lazily
   * from the server's clock, so a manual clock drives it too.
   */
  private admit(op: Operation): boolean {
    const limit = this.rateLimits[op] ?? this.rateLimits['*']
    if (limit === undefined) return true
    const key = this.rateLimits[op] === undefined ? '*' : op
    const now = this.now()
    let b = this.buckets.get(key)
    if (b === undefined) this.buckets.set(key, (b = { tokens: limit.burst, at: now, limit }))
    b.tokens = Math.min(limit.burst, b.tokens + ((now - b.at) / 1000) * limit.rate)
    b.at = now
    if (b.tokens < 1) return false
    b.tokens -= 1
    return true
  }

  private inFlightAt(pool: string, now: number): InFlight {
    const sum = { files: 0, wildcards: 0 }
    for (const s of this.poolInvalidations(pool)) {
      if (s.createdAt <= now && now < s.completesAt) {
        sum.files += s.files
        sum.wildcards += s.wildcards
      }
    }
    return sum
  }

  private view(s: Stored): InvalidationRecord {
    return {
      id: s.id,
      target: s.target,
      callerReference: s.callerReference,
      paths: [...s.paths],
      createTime: new Date(s.createdAt),
      completeTime: new Date(s.completesAt),
      status: status(s, this.now()),
      seeded: s.seeded,
    }
  }

  private takeFault(op: Operation, target: string | undefined): Readonly<FaultSpec> | undefined {
    const fault = this.faults.find(
      (f) =>
        f.remaining > 0 &&
        (f.spec.op === undefined || f.spec.op === '*' || f.spec.op === op) &&
        (f.spec.target === undefined || f.spec.target === target),
    )
    if (fault === undefined) return undefined
    fault.remaining--
    return fault.spec
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.timers.delete(timer)
        resolve()
      }, ms)
      this.timers.add(timer)
    })
  }

  private send(res: ServerResponse, record: RequestRecord, reply: Reply): void {
    if (reply.error !== undefined) record.error = reply.error
    if (res.destroyed || res.socket === null || res.socket.destroyed) return // the client gave up
    record.status = reply.status
    const body = Buffer.from(reply.body, 'utf8')
    res.writeHead(reply.status, {
      'content-type': 'text/xml',
      'content-length': String(body.length),
      'x-amzn-requestid': randomUUID(),
      ...reply.headers,
    })
    res.end(body)
  }
}

// ---- pure helpers ---------------------------------------------------------------------------------

/** The members DistributionTenant and DistributionTenantSummary share (the summary adds its ETag). */
function tenantFields(t: ResolvedTenant): XmlContent[] {
  return [
    el('Id', t.id),
    el('DistributionId', t.distributionId),
    el('Name', t.name),
    el('Arn', t.arn),
    // DomainResultList has no member name in the model, so restXml's default `member` applies.
    el(
      'Domains',
      t.domains.map((d) => el('member', el('Domain', d.domain), el('Status', d.status))),
    ),
    el('CreatedTime', t.created),
    el('LastModifiedTime', t.created),
    el('Enabled', true),
    el('Status', 'Deployed'),
  ]
}

function status(s: Stored, now: number): 'InProgress' | 'Completed' {
  return now >= s.completesAt ? 'Completed' : 'InProgress'
}

function ok(statusCode: number, body: string, headers: Record<string, string> = {}): Reply {
  return { status: statusCode, headers, body }
}

function errorReply(e: ApiError): Reply {
  const body = xmlDocument(
    'ErrorResponse',
    { xmlns: NAMESPACE },
    el(
      'Error',
      el('Type', e.status >= 500 ? 'Receiver' : 'Sender'),
      el('Code', e.code),
      el('Message', e.message),
    ),
    el('RequestId', randomUUID()),
  )
  return { status: e.status, headers: {}, body, error: e.code }
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    req.on('data', (chunk: Buffer) => {
      size += chunk.length
      if (size > MAX_BODY_BYTES) reject(new Error('body too large'))
      else chunks.push(chunk)
    })
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')))
    req.on('error', reject)
    req.on('aborted', () => reject(new Error('aborted')))
  })
}

/** Map a method and URL to an operation, by the routes in the SDK model (`http` trait of each operation). */
function matchRoute(method: string, rawUrl: string): Route {
  const url = new URL(rawUrl, 'http://fake')
  const query = url.searchParams
  const parts = url.pathname.split('/').slice(1).map(safeDecode)
  const unsupported: Route = { op: 'Unsupported', query }
  if (parts[0] !== API_VERSION) return unsupported
  const [, collection, id, sub, invalidationId, ...rest] = parts
  if (collection === 'distribution-tenants' && (id === undefined || id === '') && method === 'POST') {
    return { op: 'ListDistributionTenants', query }
  }
  if (rest.length > 0 || (collection !== 'distribution' && collection !== 'distribution-tenant'))
    return unsupported
  const tenant = collection === 'distribution-tenant'
  const kind = tenant ? 'tenant' : 'distribution'
  if (id === undefined || id === '') {
    if (tenant) return method === 'GET' ? { op: 'GetDistributionTenantByDomain', query } : unsupported
    return method === 'GET' ? { op: 'ListDistributions', query } : unsupported
  }
  if (sub === undefined) {
    if (method !== 'GET') return unsupported
    return { op: tenant ? 'GetDistributionTenant' : 'GetDistribution', kind, target: id, query }
  }
  if (sub === 'config' && invalidationId === undefined && !tenant && method === 'GET') {
    return { op: 'GetDistributionConfig', kind, target: id, query }
  }
  if (sub !== 'invalidation') return unsupported
  if (invalidationId === undefined || invalidationId === '') {
    if (method === 'POST') {
      return {
        op: tenant ? 'CreateInvalidationForDistributionTenant' : 'CreateInvalidation',
        kind,
        target: id,
        query,
      }
    }
    if (method === 'GET') {
      return {
        op: tenant ? 'ListInvalidationsForDistributionTenant' : 'ListInvalidations',
        kind,
        target: id,
        query,
      }
    }
    return unsupported
  }
  if (method !== 'GET') return unsupported
  return {
    op: tenant ? 'GetInvalidationForDistributionTenant' : 'GetInvalidation',
    kind,
    target: id,
    invalidationId,
    query,
  }
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment)
  } catch {
    return segment
  }
}

/** Read an InvalidationBatch body, with the checks AWS makes before looking at the paths themselves. */
function parseBatch(body: string): { callerReference: string; paths: string[] } {
  if (body.trim() === '') {
    throw new ApiError(
      'MissingBody',
      400,
      'This operation requires a body. Ensure that the body is present and the Content-Type header is set.',
    )
  }
  let root: XmlElement
  try {
    root = parseXml(body)
  } catch (e) {
    if (!(e instanceof XmlParseError)) throw e
    throw new ApiError('MalformedInput', 400, `Could not parse the request body as XML: ${e.message}`)
  }
  if (root.name !== 'InvalidationBatch') {
    throw new ApiError('MissingBody', 400, 'The request body must be an InvalidationBatch element.')
  }
  const callerReference = childElement(root, 'CallerReference')?.text
  if (callerReference === undefined || callerReference === '') {
    throw new ApiError('InvalidArgument', 400, 'The CallerReference element is required.')
  }
  const pathsEl = childElement(root, 'Paths')
  const quantityText = pathsEl === undefined ? undefined : childElement(pathsEl, 'Quantity')?.text.trim()
  if (pathsEl === undefined || quantityText === undefined || !/^\d+$/.test(quantityText)) {
    throw new ApiError('InvalidArgument', 400, 'Paths and Paths.Quantity are required.')
  }
  const items = childElement(pathsEl, 'Items')
  const paths = items === undefined ? [] : childElements(items, 'Path').map((p) => p.text)
  if (Number(quantityText) !== paths.length) {
    throw new ApiError(
      'InconsistentQuantities',
      400,
      "The value of Quantity and the size of Items don't match.",
    )
  }
  if (paths.length === 0) {
    // Assumption: AWS's answer to an empty batch is not documented; InvalidArgument is the natural one.
    throw new ApiError('InvalidArgument', 400, 'The invalidation batch must contain at least one path.')
  }
  return { callerReference, paths }
}

/**
 * One page of a CloudFront list: `Marker` is the id of the last item of the previous page (results start
 * after it), `NextMarker` is the id of this page's last item and appears only when the list is truncated.
 */
function paginate<T>(
  all: readonly T[],
  idOf: (item: T) => string,
  query: URLSearchParams,
): { items: T[]; header: XmlContent[] } {
  const marker = query.get('Marker') ?? ''
  const maxText = query.get('MaxItems')
  const maxItems = maxText === null || maxText === '' ? 100 : Number(maxText)
  if (!Number.isInteger(maxItems) || maxItems < 1) {
    throw new ApiError('InvalidArgument', 400, 'MaxItems must be a positive integer.')
  }
  let start = 0
  if (marker !== '') {
    const at = all.findIndex((item) => idOf(item) === marker)
    if (at === -1) throw new ApiError('InvalidArgument', 400, 'The marker is not valid.')
    start = at + 1
  }
  const items = all.slice(start, start + maxItems)
  const truncated = start + maxItems < all.length
  const last = items[items.length - 1]
  const header = [
    el('Marker', marker),
    truncated && last !== undefined ? el('NextMarker', idOf(last)) : undefined,
    el('MaxItems', maxItems),
    el('IsTruncated', truncated),
    el('Quantity', items.length),
  ]
  return { items, header }
}

function quantityList(name: string, member: string, values: readonly string[]): Xml {
  return el(
    name,
    el('Quantity', values.length),
    values.length === 0
      ? undefined
      : el(
          'Items',
          values.map((v) => el(member, v)),
        ),
  )
}

/** S3 REST endpoints get an S3OriginConfig; website endpoints and anything else a CustomOriginConfig. */
function originXml(o: OriginSpec): Xml {
  const website = /\.s3-website[.-]/.test(o.domainName)
  const s3Rest = !website && /\.s3([.-][a-z0-9-]+)*\.amazonaws\.com$/.test(o.domainName)
  return el(
    'Origin',
    el('Id', o.id),
    el('DomainName', o.domainName),
    el('OriginPath', o.originPath ?? ''),
    el('CustomHeaders', el('Quantity', 0)),
    s3Rest
      ? el('S3OriginConfig', el('OriginAccessIdentity', ''), el('OriginReadTimeout', 30))
      : el(
          'CustomOriginConfig',
          el('HTTPPort', 80),
          el('HTTPSPort', 443),
          el('OriginProtocolPolicy', website ? 'http-only' : 'https-only'),
          el('OriginSslProtocols', el('Quantity', 1), el('Items', el('SslProtocol', 'TLSv1.2'))),
          el('OriginReadTimeout', 30),
          el('OriginKeepaliveTimeout', 5),
        ),
    el('ConnectionAttempts', 3),
    el('ConnectionTimeout', 10),
    el('OriginShield', el('Enabled', false)),
    el('OriginAccessControlId', ''),
  )
}

/** The members every cache behaviour carries besides its path pattern and target origin. */
function cacheBehaviorFields(): Xml[] {
  const methods = (names: string[]): Xml[] => [
    el('Quantity', names.length),
    el(
      'Items',
      names.map((m) => el('Method', m)),
    ),
  ]
  return [
    el('TrustedSigners', el('Enabled', false), el('Quantity', 0)),
    el('TrustedKeyGroups', el('Enabled', false), el('Quantity', 0)),
    el('ViewerProtocolPolicy', 'redirect-to-https'),
    el('AllowedMethods', methods(['HEAD', 'GET']), el('CachedMethods', methods(['HEAD', 'GET']))),
    el('SmoothStreaming', false),
    el('Compress', true),
    el('LambdaFunctionAssociations', el('Quantity', 0)),
    el('FunctionAssociations', el('Quantity', 0)),
    el('FieldLevelEncryptionId', ''),
    // The id of AWS's managed CachingOptimized policy.
    el('CachePolicyId', '658327ea-f89d-4fab-a63d-7e88639e58f6'),
  ]
}

function viewerCertificate(): Xml {
  return el(
    'ViewerCertificate',
    el('CloudFrontDefaultCertificate', true),
    el('SSLSupportMethod', 'vip'),
    el('MinimumProtocolVersion', 'TLSv1'),
    el('CertificateSource', 'cloudfront'),
  )
}

function restrictions(): Xml {
  return el('Restrictions', el('GeoRestriction', el('RestrictionType', 'none'), el('Quantity', 0)))
}

/**
 * Environment for a child process (the bundled action, the CLI) to talk to `fake` with the real SDK:
 * the endpoint, dummy credentials, a region, and nothing that lets it find real credentials or config
 * (~/.aws files, the EC2 metadata service, a session token inherited from the runner).
 * Merge it over `process.env`: `{ ...process.env, ...cloudFrontEnv(fake) }`.
 */
export function cloudFrontEnv(fake: { url: string }): Record<string, string> {
  return {
    AWS_ENDPOINT_URL_CLOUDFRONT: fake.url,
    AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: 'false',
    AWS_ACCESS_KEY_ID: 'AKIAFAKEFAKEFAKEFAKE',
    AWS_SECRET_ACCESS_KEY: 'fake-secret-access-key',
    AWS_SESSION_TOKEN: '',
    AWS_PROFILE: '',
    AWS_REGION: 'us-east-1',
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_CONFIG_FILE: '/dev/null',
    AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
    NO_PROXY: '127.0.0.1,localhost',
    no_proxy: '127.0.0.1,localhost',
  }
}
