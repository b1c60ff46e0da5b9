/**
 * Connection errors before CloudFront has ever answered in this run mean a wrong endpoint, proxy or DNS:
 * the run stops after a while with one line. After one answer they are drops, retried until `timeout`.
 */
import { describe, expect, it } from 'vitest'
import { Reachability } from '../src/cloudfront/api.js'
import { classify, connectionErrorCode, UnreachableError } from '../src/cloudfront/errors.js'

const refused = (): Error =>
  Object.assign(new Error('connect ECONNREFUSED 10.0.0.1:443'), { code: 'ECONNREFUSED' })
const throttled = (): Error =>
  Object.assign(new Error('Rate exceeded'), { name: 'Throttling', $metadata: { httpStatusCode: 400 } })

describe('Reachability', () => {
  it('declares the endpoint unreachable once connection errors outlast the window, naming host and code', async () => {
    let now = 0
    const reach = new Reachability('cloudfront.example (AWS_ENDPOINT_URL_CLOUDFRONT)', 45_000, () => now)
    await expect(reach.call(() => Promise.reject(refused()))).rejects.toMatchObject({ code: 'ECONNREFUSED' })
    now = 44_000
    await expect(reach.call(() => Promise.reject(refused()))).rejects.toMatchObject({ code: 'ECONNREFUSED' })
    now = 45_000
    const e: unknown = await reach.call(() => Promise.reject(refused())).catch((x: unknown) => x)
    expect(e).toBeInstanceOf(UnreachableError)
    expect(classify(e)).toBe('permanent') // not retried
    expect((e as Error).message).toBe(
      'Cannot reach CloudFront at cloudfront.example (AWS_ENDPOINT_URL_CLOUDFRONT): ECONNREFUSED for 45.0 s, and no CloudFront call has succeeded in this run. Check AWS_ENDPOINT_URL_CLOUDFRONT / AWS_ENDPOINT_URL, the proxy settings (HTTPS_PROXY, NO_PROXY) and DNS.',
    )
  })

  it.each([
    ['a success', () => Promise.resolve('ok')],
    ['an HTTP answer, even an error', () => Promise.reject(throttled())],
  ])('after %s, keeps retrying connection errors until the timeout', async (_, first) => {
    let now = 0
    const reach = new Reachability('h', 1000, () => now)
    await reach.call(first).catch(() => undefined)
    now = 60 * 60_000
    await expect(reach.call(() => Promise.reject(refused()))).rejects.toMatchObject({ code: 'ECONNREFUSED' })
  })

  it.each([
    [{ code: 'ENOTFOUND', message: 'getaddrinfo ENOTFOUND x' }, 'ENOTFOUND'],
    [{ code: 'EAI_AGAIN', message: 'getaddrinfo EAI_AGAIN x' }, 'EAI_AGAIN'],
    [
      { name: 'TimeoutError', message: 'Socket timed out without establishing a connection within 10000 ms' },
      'ETIMEDOUT',
    ],
    [{ code: 'ECONNRESET', message: 'socket hang up' }, undefined], // a drop, not "never reached"
  ])('classifies %j', (e, code) => {
    expect(connectionErrorCode(Object.assign(new Error(), e))).toBe(code)
  })
})
