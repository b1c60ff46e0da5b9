/**
 * A forward proxy for tests, as a self-hosted runner's HTTPS_PROXY would be: CONNECT tunnels and
 * absolute-form HTTP requests. Every host name is answered by 127.0.0.1 (same port), so a test can use
 * names that only resolve through the proxy (`cloudfront.test`): a request that bypasses the proxy fails.
 * Erasable TypeScript only, no test-framework imports.
 */
import { createServer, request as httpRequest, type Server } from 'node:http'
import { connect, type Socket } from 'node:net'
import type { AddressInfo } from 'node:net'

export interface TestProxy {
  url: string
  /** `CONNECT host:port` or `GET http://host:port/path`, in order. */
  seen: string[]
  stop(): Promise<void>
}

export async function startProxy(): Promise<TestProxy> {
  const seen: string[] = []
  const sockets = new Set<Socket>()
  const server: Server = createServer((req, res) => {
    // Absolute-form request: GET http://host:port/path
    seen.push(`${req.method ?? 'GET'} ${req.url ?? ''}`)
    const target = new URL(req.url ?? '')
    const upstream = httpRequest(
      {
        host: '127.0.0.1',
        port: target.port || 80,
        path: `${target.pathname}${target.search}`,
        method: req.method,
        headers: req.headers,
      },
      (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers)
        up.pipe(res)
      },
    )
    upstream.on('error', () => res.destroy())
    req.pipe(upstream)
  })
  server.on('connect', (req, client: Socket, head: Buffer) => {
    seen.push(`CONNECT ${req.url ?? ''}`)
    const port = Number((req.url ?? '').split(':').pop())
    const upstream = connect(port, '127.0.0.1', () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n')
      upstream.write(head)
      upstream.pipe(client)
      client.pipe(upstream)
    })
    for (const s of [client, upstream]) {
      sockets.add(s)
      s.on('close', () => sockets.delete(s))
      s.on('error', () => {
        client.destroy()
        upstream.destroy()
      })
    }
  })
  server.on('connection', (s: Socket) => {
    sockets.add(s)
    s.on('close', () => sockets.delete(s))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    stop: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy()
        server.close(() => resolve())
      }),
  }
}
