/**
 * Asking an edge about one URL, as a viewer would but without changing anything: HEAD (GET when HEAD is
 * refused, its body left unread), no credentials and no cookies, a user agent naming the action, no
 * redirect followed (a cached 301 is a cached object like any other), and the runner's proxy settings.
 * The caller bounds each request with a timeout and all of them with the step's deadline.
 */
import type { Agent, IncomingMessage } from 'node:http'
import { VERIFY_CONCURRENCY } from '../constants.js'
import type { EdgeAnswer } from './classify.js'

/** One edge (a base URL) to ask; `close` frees its connections. */
export interface EdgeClient {
  /** Ask for `path` (the browser form, starting with `/`); rejects on a network error or `signal`. */
  head(path: string, signal: AbortSignal): Promise<EdgeAnswer>
  close(): void
}

/** Statuses that mean "this method is not allowed here": ask again with GET. */
const METHOD_REFUSED = new Set([405, 501])

/**
 * A client for one base URL (`http:` or `https:`, scheme and host only), through HTTPS_PROXY / HTTP_PROXY
 * unless NO_PROXY (or a loopback address) says otherwise: the rules @actions/http-client applies for the
 * runner, as api.ts does for CloudFront.
 */
export async function edgeClient(base: URL, userAgent: string): Promise<EdgeClient> {
  const https = base.protocol === 'https:'
  const mod = https ? await import('node:https') : await import('node:http')
  const { getProxyUrl } = await import('@actions/http-client/lib/proxy')
  const proxy = getProxyUrl(base)?.href
  let agent: Agent
  if (proxy === undefined) {
    agent = new mod.Agent({ keepAlive: true, maxSockets: VERIFY_CONCURRENCY })
  } else {
    const { HttpsProxyAgent } = await import('https-proxy-agent')
    agent = new HttpsProxyAgent(proxy, { keepAlive: true, maxSockets: VERIFY_CONCURRENCY })
  }
  const host = base.hostname.replace(/^\[|\]$/g, '') // an IPv6 literal without its brackets
  const port = base.port === '' ? undefined : Number(base.port)

  const ask = (method: 'HEAD' | 'GET', path: string, signal: AbortSignal): Promise<EdgeAnswer> =>
    new Promise((resolve, reject) => {
      const req = mod.request(
        {
          method,
          host,
          ...(port === undefined ? {} : { port }),
          path,
          agent,
          signal,
          // What a browser sends that shapes the cache key by default (the compressed variant most
          // viewers get); nothing that identifies anyone: no cookie, no authorization.
          headers: { 'user-agent': userAgent, accept: '*/*', 'accept-encoding': 'br, gzip' },
        },
        (res: IncomingMessage) => {
          const answer: EdgeAnswer = { status: res.statusCode ?? 0, at: Date.now() }
          const xCache = res.headers['x-cache']
          const age = res.headers.age
          if (typeof xCache === 'string') answer.xCache = xCache
          if (typeof age === 'string') answer.age = age
          // Only the headers matter: a GET's body is not read (the socket is dropped instead).
          if (method === 'GET') res.destroy()
          else res.resume()
          resolve(answer)
        },
      )
      req.on('error', reject)
      req.end()
    })

  return {
    async head(path, signal) {
      const answer = await ask('HEAD', path, signal)
      return METHOD_REFUSED.has(answer.status) ? ask('GET', path, signal) : answer
    },
    close: () => agent.destroy(),
  }
}
