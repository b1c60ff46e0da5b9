/**
 * Checks on the `verify-url` input, pure, for inputs.ts (the one reader of inputs) to call.
 */

/**
 * A base URL to request: `https://` or `http://` (an internal mirror, tests), a host, an optional port,
 * nothing else. The paths come from the invalidation, so a path, query, fragment or credentials in the
 * base would be a mistake (or a secret written into logs). Returns the URL's origin, or why not.
 */
export function parseVerifyUrl(text: string): { url: string } | { error: string } {
  let url: URL
  try {
    url = new URL(text)
  } catch {
    return { error: 'is not a URL: give the scheme and host, e.g. https://www.example.com' }
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    return { error: `uses ${url.protocol.slice(0, 20)}; only https: and http: can be requested` }
  if (url.username !== '' || url.password !== '')
    return { error: 'holds credentials: the edge is asked as any viewer would, without them' }
  if (
    (url.pathname !== '/' && url.pathname !== '') ||
    url.search !== '' ||
    url.hash !== '' ||
    text.trim().endsWith('?')
  )
    return {
      error:
        'must be a scheme and host only (e.g. https://www.example.com): the paths come from the invalidation',
    }
  return { url: url.origin }
}
