/**
 * The summary's escaping against GitHub's autolinks: text a pull request controls (an S3 key in a failed
 * sync-log line, a file name, an AWS message quoting one) must not become a link in the job summary.
 * GitHub links `https://…` and, without a scheme, `www.` followed by a domain, wherever either stands in
 * text (after a space, at the start of a cell, inside inline `<code>`, whose content is Markdown too).
 */
import { describe, expect, it } from 'vitest'
import { code, escapeText } from '../src/report/markdown.js'
import { html } from '../src/verify/report.js'

/** Text that GitHub's autolink extension would turn into a link: a scheme URL, or `www.` and a domain. */
const AUTOLINK = /https?:\/\/|(^|[\s*_~(>])www\./

describe('no autolink in escaped summary text', () => {
  const hostile = [
    'upload failed: ./a to s3://bucket/a www.evil.example/login',
    'www.evil.example',
    'see https://evil.example/x',
    '(www.evil.example)',
  ]
  it.each(hostile)('escapeText, code and verify html: %s', (text) => {
    for (const escaped of [escapeText(text), code(text), html(text)]) {
      expect(escaped).not.toMatch(AUTOLINK)
      // Still shown as written: character references decode back to the text.
      const decoded = escaped
        .replace(/<\/?code>/g, '')
        .replace(/&#(\d+);/g, (_, n: string) => String.fromCodePoint(Number(n)))
      expect(decoded).toBe(text)
    }
  })

  it('leaves WWW. alone (GitHub links only a lower-case www.), and plain text readable', () => {
    expect(escapeText('WWW.example.com → E1')).toBe('WWW.example.com &#8594; E1')
    expect(escapeText('the key www-static/app.js')).toBe('the key www-static/app.js')
  })
})
