import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { InputError } from '../src/errors.js'
import { checkInputFile, decodeText, readInputFile } from '../src/input-file.js'
import { catchError } from './support/catch-error.js'
import { makeSpecialFiles } from './support/special-files.js'

const TEXT = '/index.html\r\n/café/ü.html\n'

describe('decodeText: UTF-8, or UTF-16 with its byte-order mark', () => {
  const utf16be = (s: string): Buffer => Buffer.from(s, 'utf16le').swap16()
  it.each([
    ['UTF-8', Buffer.from(TEXT)],
    [
      'UTF-8 with a BOM (Notepad, PowerShell 7 utf8BOM)',
      Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(TEXT)]),
    ],
    [
      'UTF-16LE with a BOM (Windows PowerShell Out-File, >)',
      Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(TEXT, 'utf16le')]),
    ],
    ['UTF-16BE with a BOM', Buffer.concat([Buffer.from([0xfe, 0xff]), utf16be(TEXT)])],
  ])('%s', (_, bytes) => {
    expect(decodeText(bytes)).toBe(TEXT)
  })

  it('leaves a trailing odd byte of UTF-16BE out rather than failing, and reads empty input as empty', () => {
    expect(decodeText(Buffer.concat([Buffer.from([0xfe, 0xff]), utf16be('/a'), Buffer.from([0x00])]))).toBe(
      '/a',
    )
    expect(decodeText(Buffer.alloc(0))).toBe('')
    expect(decodeText(Buffer.from([0xff, 0xfe]))).toBe('')
  })
})

describe('readInputFile and checkInputFile: regular files only, of bounded size', () => {
  let dir: string
  let closeSocket: () => Promise<void> = () => Promise.resolve()
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'cfi-input-file-'))
    writeFileSync(join(dir, 'paths.txt'), TEXT)
    closeSocket = await makeSpecialFiles(dir)
  })
  afterAll(async () => {
    await closeSocket()
    rmSync(dir, { recursive: true, force: true })
  })

  it('reads a regular file, relative to the workspace or absolute', () => {
    expect(readInputFile('paths-file', 'paths.txt', dir)).toBe(TEXT)
    expect(readInputFile('paths-file', join(dir, 'paths.txt'), '/nowhere')).toBe(TEXT)
    expect(checkInputFile('sync-log', 'paths.txt', dir)).toBe(join(dir, 'paths.txt'))
  })

  const cases: [string, RegExp][] = [
    ['missing.txt', /"missing\.txt" cannot be read \(no such file; resolved to .*missing\.txt\)$/],
    ['folder', /"folder" is a directory, not a file/],
    [
      'huge.txt',
      /"huge\.txt" is larger than the 256 MiB this action reads \(268435457 bytes or more; .*: split it across several steps$/,
    ],
  ]
  if (process.platform !== 'win32') {
    cases.push(
      ['fifo', /"fifo" is a FIFO \(named pipe\), not a regular file .*: write the list to a file first$/],
      ['socket', /"socket" is a socket, not a regular file/],
      ['/dev/zero', /"\/dev\/zero" is a character device, not a regular file/],
      ['/dev/null', /"\/dev\/null" is a character device, not a regular file/],
    )
  }
  it.each(cases)('%s: one InputError naming the input, from both (never a hang)', (file, message) => {
    if (file.startsWith('/dev/') && !existsSync(file)) return
    for (const input of ['paths-file', 'sync-log']) {
      for (const call of [readInputFile, checkInputFile]) {
        const e = catchError(() => call(input, file, dir))
        expect(e).toBeInstanceOf(InputError)
        expect(e).toMatchObject({ input })
        expect((e as Error).message).toMatch(new RegExp(`^Input '${input}': `))
        expect((e as Error).message).toMatch(message)
      }
    }
  })
})

describe.runIf(process.platform !== 'win32')('checkInputFile: inside the workspace when named there', () => {
  let ws: string
  let outside: string
  beforeAll(() => {
    ws = mkdtempSync(join(tmpdir(), 'cfi-input-file-ws-'))
    outside = mkdtempSync(join(tmpdir(), 'cfi-input-file-outside-'))
    writeFileSync(join(outside, 'secret.txt'), 'secret\n')
    writeFileSync(join(ws, 'list.txt'), '/a\n')
    mkdirSync(join(ws, 'dir'))
    symlinkSync(join(outside, 'secret.txt'), join(ws, 'file-link.txt')) // the file is a link
    symlinkSync(outside, join(ws, 'dir-link')) // a directory on its path is
    symlinkSync('../list.txt', join(ws, 'dir', 'inside-link.txt'))
  })
  afterAll(() => {
    rmSync(ws, { recursive: true, force: true })
    rmSync(outside, { recursive: true, force: true })
  })

  it.each(['file-link.txt', 'dir-link/secret.txt', 'dir/../file-link.txt'])(
    '%s leads out: one InputError naming it, before anything is read',
    (file) => {
      for (const call of [readInputFile, checkInputFile]) {
        const e = catchError(() => call('paths-file', file, ws))
        expect(e).toBeInstanceOf(InputError)
        expect((e as Error).message).toMatch(
          /^Input 'paths-file': ".*" leads to ".*secret\.txt", outside the workspace/,
        )
      }
    },
  )

  it('reads links that stay inside, and any file the workflow names outside the workspace', () => {
    expect(readInputFile('paths-file', 'dir/inside-link.txt', ws)).toBe('/a\n')
    expect(readInputFile('paths-file', join(outside, 'secret.txt'), ws)).toBe('secret\n')
    expect(readInputFile('paths-file', join(ws, 'list.txt'), ws)).toBe('/a\n')
  })
})
