/**
 * `paths` and `paths-file` items that are not what the user meant (issue 11, §4 and §5): each is one
 * input error naming the input (and the paths-file line), the value shown escaped, before any AWS call.
 */
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { InputError } from '../src/errors.js'
import { readInputs } from '../src/inputs.js'

const reader = (values: Record<string, string>) => (name: string) => values[name] ?? ''
const DIST = { 'distribution-id': 'E2EXAMPLE0000' }

function inputError(values: Record<string, string>, env: Record<string, string> = {}): InputError {
  try {
    readInputs(reader({ ...DIST, ...values }), env, '/tmp')
  } catch (err) {
    if (err instanceof InputError) return err
    throw err
  }
  throw new Error('expected an InputError')
}

/** A paths-file holding `text` (bytes as given), in a fresh workspace. */
function pathsFile(text: string | Buffer): Record<string, string> {
  const dir = mkdtempSync(join(tmpdir(), 'cfi-items-'))
  writeFileSync(join(dir, 'list.txt'), text)
  return { GITHUB_WORKSPACE: dir }
}

describe('paths: bad items are input errors', () => {
  it.each([
    [
      '#ok\r::error title=X::pwned',
      `Input 'paths': cache tag "#ok\\r::error title=X::pwned" contains a control character (U+000D)`,
    ],
    ['/ok\n#a,b', `Input 'paths': cache tag "#a,b" contains a comma`],
    ['#tag with space', `Input 'paths': cache tag "#tag with space" contains a space`],
    [
      'https://example.com/a.html',
      `Input 'paths': "https://example.com/a.html" is a URL, not a path: give its path, "/a.html"`,
    ],
    ['/caf\uFFFD.html', `Input 'paths': "/caf\\uFFFD.html" holds U+FFFD`],
  ])('%j', (paths, message) => {
    const e = inputError({ paths })
    expect(e.input).toBe('paths')
    expect(e.message.startsWith(message)).toBe(true)
    expect(e.message).not.toMatch(/[\r\n]/)
  })

  it('takes `#` alone and `# ` lines as comments, tags case-insensitively, dot segments resolved', () => {
    const i = readInputs(
      reader({ ...DIST, paths: '# pages to refresh\n#\n/a/../index.html\n#Product\n#product\n/index.html' }),
      {},
    )
    expect(i.items).toEqual([
      { kind: 'path', value: '/index.html' },
      { kind: 'tag', value: '#Product' },
    ])
  })

  it('takes a paths of comments only as given, with nothing to do (as an empty paths-file)', () => {
    const i = readInputs(reader({ ...DIST, paths: '# nothing this release\n#' }), {})
    expect(i.pathsGiven).toBe(true)
    expect(i.items).toEqual([])
  })
})

describe('paths-file: bad items name their line', () => {
  it.each([
    ['# a comment\n/ok\n#bad tag\n', 3, /cache tag "#bad tag" contains a space/],
    ['/ok\n/a\0b\n', 2, /"\/a\\u0000b" holds a NUL character: save the list as UTF-8 text/],
    ['/ok\n\n/x\n#ok\n#x\x1b[31m\n', 5, /"#x\\u001b\[31m" contains a control character \(U\+001B\)/],
    ['http://h/x\n', 1, /is a URL, not a path: give its path, "\/x"/],
  ])('%j -> line %i', (text, line, message) => {
    const e = inputError({ 'paths-file': 'list.txt' }, pathsFile(text))
    expect(e.input).toBe('paths-file')
    expect(e.message).toMatch(new RegExp(`^Input 'paths-file': line ${line}: `))
    expect(e.message).toMatch(message)
  })

  it('rejects bytes that are not UTF-8 (they arrive as U+FFFD), naming the line', () => {
    const bytes = Buffer.concat([Buffer.from('/ok\n/caf'), Buffer.from([0xe9]), Buffer.from('.html\n')])
    const e = inputError({ 'paths-file': 'list.txt' }, pathsFile(bytes))
    expect(e.message).toMatch(/^Input 'paths-file': line 2: "\/caf\\uFFFD.html" holds U\+FFFD/)
  })
})
