import { describe, expect, it } from 'vitest'
import { jsonLogSafe, logSafe } from '../src/log-safe.js'

/**
 * What the runner would take as a workflow command in `text`, read as it reads a step's output: lines
 * split at CR, LF and CRLF; `::` at a line start after white space, or `##[` anywhere.
 */
function commandLines(text: string): string[] {
  return text.split(/\r\n|\r|\n/).filter((line) => line.trimStart().startsWith('::') || line.includes('##['))
}

describe('logSafe: a table', () => {
  it.each([
    ['plain text', 'plain text'],
    ['/a%20b.html\n#tag\n/c/', '/a%20b.html\n#tag\n/c/'], // a listing of our own lines stays as it is
    ['100% done: a::b', '100% done: a::b'], // `::` inside a line is no command
    ['ünï côdé 日本 😀', 'ünï côdé 日本 😀'],
    ['tab\there', 'tab\there'],
    ['', ''],
    // the runner's line breaks, and what it takes as commands
    ['#ok\r::error title=X::pwned', '#ok%0D::error title=X::pwned'],
    ['a\r\nb', 'a%0D\nb'],
    ['::error::x', '%3A:error::x'],
    ['  ::warning::x', '  %3A:warning::x'],
    ['\t::add-mask::x', '\t%3A:add-mask::x'],
    ['\u00a0::debug::x', '\u00a0%3A:debug::x'], // .NET's TrimStart takes NBSP too
    ['ok\n::error::x\n ::notice::y', 'ok\n%3A:error::x\n %3A:notice::y'],
    ['x##[add-mask]y', 'x##%5Badd-mask]y'],
    ['##[group]a ##[endgroup]', '##%5Bgroup]a ##%5Bendgroup]'],
    ['###[x]', '###%5Bx]'],
    ['#[x] #x[ ## [', '#[x] #x[ ## ['], // not `##[`
    // controls a terminal or the log viewer would act on, and Unicode line breaks
    ['a\x1b[31mred', 'a%1B[31mred'],
    ['nul\0 bell\x07 del\x7f', 'nul%00 bell%07 del%7F'],
    ['\x0b::x', '%0B::x'], // a vertical tab no longer leads the line: `%` does
    ['c1\u0085\u009b', 'c1%C2%85%C2%9B'],
    ['a\u2028::b\u2029c', 'a%E2%80%A8::b%E2%80%A9c'],
  ])('%j -> %j', (raw, safe) => {
    expect(logSafe(raw)).toBe(safe)
    expect(commandLines(logSafe(raw))).toEqual([])
  })

  it('returns the same string when there is nothing to escape', () => {
    const listing = Array.from({ length: 2000 }, (_, i) => `/p/${i}.html`).join('\n')
    expect(logSafe(listing)).toBe(listing)
  })
})

describe('logSafe: any text', () => {
  // A small alphabet of everything that matters, in random strings (a fixed seed: the same every run).
  const ALPHABET = ['#', '[', ':', '\r', '\n', ' ', '\t', 'a', '%', '\u2028', '\x1b', ']', '\u00a0']
  let seed = 42
  const random = (n: number): number => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31
    return seed % n
  }
  const texts = Array.from({ length: 3000 }, () =>
    Array.from({ length: 1 + random(24) }, () => ALPHABET[random(ALPHABET.length)]).join(''),
  )

  it('never leaves a CR, a `##[` or a line starting with `::`, and keeps each LF', () => {
    for (const text of texts) {
      const safe = logSafe(text)
      expect(safe, JSON.stringify(text)).not.toMatch(/[\r\u2028]|##\[/)
      expect(safe.includes('\x1b'), JSON.stringify(text)).toBe(false)
      expect(commandLines(safe), JSON.stringify(text)).toEqual([])
      expect(safe.split('\n')).toHaveLength(text.split('\n').length)
    }
  })

  it('is idempotent on what it makes', () => {
    for (const text of texts) expect(logSafe(logSafe(text))).toBe(logSafe(text))
  })
})

describe('jsonLogSafe', () => {
  it('keeps the meaning of the JSON and leaves no command in it', () => {
    const value = { paths: ['#x##[add-mask]y', '/a', '::error::x', 'a\u2028b\r\n'], n: [1, [2]] }
    const json = JSON.stringify(value, null, 2)
    const safe = jsonLogSafe(json)
    expect(JSON.parse(safe)).toEqual(value)
    expect(safe).not.toMatch(/##\[|\u2028|\r/)
    expect(commandLines(safe)).toEqual([])
    expect(jsonLogSafe('{"a":[1]}')).toBe('{"a":[1]}')
  })
})
