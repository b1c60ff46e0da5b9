/**
 * A fake CloudFront edge location for edge verification tests: an HTTP(S) server that serves what a fake
 * origin answers and caches it, keyed by the request path as received (path and query, bytes as sent),
 * answering `X-Cache: Miss from cloudfront` or `Hit from cloudfront` with an `Age` header, as CloudFront
 * does. It is wired to a FakeCloudFront: once an invalidation of its distribution (or tenant) is
 * Completed, every entry cached before that moment whose key the invalidation's path matches is gone.
 *
 * The matching rule is OUR MODEL of CloudFront, not AWS's documented algorithm: a path matches a key
 * exactly, character for character (so `/a%7Eb.js` does not match a viewer's `/a~b.js`), and a path
 * ending in `*` matches every key it is a prefix of. Completion drops entries lazily: at each request the
 * entry for its key is checked against the invalidations completed since it was cached, which gives the
 * same answers as dropping them at the moment of completion (the fake CloudFront's clock is lazy too).
 *
 * Test-only code: never import it from src/. Erasable TypeScript only, no test-framework imports (the
 * bench runs it under `node --import tsx`).
 */
import {
  createServer as createHttpServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http'
import { createServer as createHttpsServer } from 'node:https'
import type { AddressInfo, Socket } from 'node:net'
import { setTimeout as delay } from 'node:timers/promises'
import type { FakeCloudFront } from './fake-cloudfront.js'

/** What the origin answers for a key. */
export interface OriginAnswer {
  status: number
  headers?: Record<string, string>
}

export interface FakeEdgeOptions {
  cloudFront: FakeCloudFront
  /** The distribution or tenant id whose invalidations clear this edge's cache. */
  target: string
  /** The origin, by key (path and query as received). Default: 200 for everything. */
  origin?: (key: string) => OriginAnswer
  /** Wait this long before each answer (ms); Infinity never answers (a hung edge). Default 0. */
  delayMs?: number
  /** Answer HEAD with 405, as some origins and proxies do: a checker must fall back to GET. */
  refuseHead?: boolean
  /** Serve HTTPS with this key and certificate (see `tls.ts`). */
  tls?: { key: string; cert: string }
  /** The clock entries are aged by (ms since epoch). Default Date.now. */
  now?: () => number
}

/** One request as the edge saw it. */
export interface EdgeRequest {
  method: string
  /** Path and query, as sent. */
  key: string
  headers: IncomingMessage['headers']
}

interface Entry {
  cachedAt: number
  status: number
  headers: Record<string, string>
}

/** Codes the edge does not cache (CloudFront caches errors briefly; the model keeps them out). */
const NOT_CACHED = new Set([403, 404])

export class FakeEdge {
  readonly requests: EdgeRequest[] = []
  delayMs: number
  refuseHead: boolean
  private readonly cache = new Map<string, Entry>()
  private readonly now: () => number
  private readonly server: Server
  private readonly sockets = new Set<Socket>()
  /** Aborted by stop(): ends every delayed answer. */
  private readonly stopping = new AbortController()
  private address = ''

  private constructor(private readonly options: FakeEdgeOptions) {
    this.delayMs = options.delayMs ?? 0
    this.refuseHead = options.refuseHead ?? false
    this.now = options.now ?? Date.now
    const handler = (req: IncomingMessage, res: ServerResponse): void => void this.onRequest(req, res)
    this.server = options.tls ? createHttpsServer(options.tls, handler) : createHttpServer(handler)
    this.server.on('connection', (s: Socket) => {
      this.sockets.add(s)
      s.on('close', () => this.sockets.delete(s))
    })
  }

  static async start(options: FakeEdgeOptions): Promise<FakeEdge> {
    const edge = new FakeEdge(options)
    await new Promise<void>((resolve) => edge.server.listen(0, '127.0.0.1', resolve))
    edge.address = `127.0.0.1:${(edge.server.address() as AddressInfo).port}`
    return edge
  }

  /** `127.0.0.1:PORT`: a distribution's or tenant's domain name in the fake CloudFront. */
  get host(): string {
    return this.address
  }

  /** `http(s)://127.0.0.1:PORT`, for `verify-url`. */
  get url(): string {
    return `${this.options.tls ? 'https' : 'http'}://${this.address}`
  }

  /** Put a copy in the cache as if a viewer had fetched `key` `ageSeconds` ago. */
  seed(key: string, ageSeconds: number, status = 200): void {
    this.cache.set(key, { cachedAt: this.now() - ageSeconds * 1000, status, headers: {} })
  }

  /** Whether `key` is cached now (after applying completed invalidations). */
  cached(key: string): boolean {
    return this.lookup(key) !== undefined
  }

  /** Forget the cache and the requests. */
  reset(): void {
    this.cache.clear()
    this.requests.length = 0
  }

  async stop(): Promise<void> {
    this.stopping.abort()
    for (const s of this.sockets) s.destroy()
    await new Promise<void>((resolve) => this.server.close(() => resolve()))
  }

  private lookup(key: string): Entry | undefined {
    const entry = this.cache.get(key)
    if (entry === undefined) return undefined
    const now = this.now()
    const invalidated = this.options.cloudFront
      .invalidations(this.options.target)
      .some(
        (inv) =>
          inv.status === 'Completed' &&
          inv.completeTime.getTime() > entry.cachedAt &&
          inv.completeTime.getTime() <= now &&
          inv.paths.some((p) => matches(p, key)),
      )
    if (!invalidated) return entry
    this.cache.delete(key)
    return undefined
  }

  private async onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = req.method ?? 'GET'
    const key = req.url ?? '/'
    this.requests.push({ method, key, headers: req.headers })
    if (this.delayMs === Infinity) return // never answered; stop() cuts the connection
    if (this.delayMs > 0) {
      try {
        await delay(this.delayMs, undefined, { signal: this.stopping.signal })
      } catch {
        return // stopped while waiting
      }
    }
    if (method === 'HEAD' && this.refuseHead) {
      res.writeHead(405, { 'x-cache': 'Error from cloudfront' }).end()
      return
    }
    let entry = this.lookup(key)
    const hit = entry !== undefined
    if (entry === undefined) {
      const answer = this.options.origin?.(key) ?? { status: 200 }
      entry = { cachedAt: this.now(), status: answer.status, headers: answer.headers ?? {} }
      if (!NOT_CACHED.has(answer.status)) this.cache.set(key, entry)
    }
    const headers: Record<string, string> = {
      ...entry.headers,
      'content-type': 'text/plain',
      'x-cache': hit
        ? 'Hit from cloudfront'
        : NOT_CACHED.has(entry.status)
          ? 'Error from cloudfront'
          : 'Miss from cloudfront',
    }
    if (hit) headers.age = String(Math.floor((this.now() - entry.cachedAt) / 1000))
    const body = method === 'HEAD' ? '' : `body of ${key}\n`
    res.writeHead(entry.status, { ...headers, 'content-length': String(Buffer.byteLength(body)) }).end(body)
  }
}

/** Our model of how an invalidation path matches a cache key (see the module comment). */
export function matches(path: string, key: string): boolean {
  if (path.startsWith('#')) return false // a cache tag matches tagged responses, which this edge has none of
  return path.endsWith('*') ? key.startsWith(path.slice(0, -1)) : key === path
}
