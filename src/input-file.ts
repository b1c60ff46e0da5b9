/**
 * The one reader of the files inputs name (`paths-file`, `sync-log`), so that both accept the same files
 * and fail the same way:
 * - a regular file only: a device such as /dev/zero is read forever (24 GB before the runner killed it),
 *   a FIFO blocks the step until something writes to it, a directory or socket holds no list;
 * - at most MAX_INPUT_FILE_BYTES, checked before and while reading;
 * - text in UTF-8, or in UTF-16 with a byte-order mark: Windows PowerShell 5.1 writes UTF-16LE with one
 *   (`Out-File`, `>`, `Tee-Object`), and read as UTF-8 every line would turn into `%00`-riddled garbage.
 * - inside the workspace when named there: a pull request can commit a symlink in place of the list;
 * Every problem is an InputError naming the input, the file as given and where it resolved to.
 */
import { closeSync, constants, fstatSync, openSync, readSync, realpathSync, statSync } from 'node:fs'
import type { Stats } from 'node:fs'
import { resolve } from 'node:path'
import { MAX_INPUT_FILE_BYTES } from './constants.js'
import { InputError, quote } from './errors.js'
import { isWithin, realDirectory } from './paths/root.js'

/** Bytes asked of each read past the file's stated size (a file that grows, or /proc's size-0 files). */
const READ_CHUNK = 64 * 1024

/**
 * Check that `file` (relative to the workspace, or absolute) is a regular file within the size limit,
 * without opening it, and return its absolute path. For an early error, before anything else runs.
 *
 * @throws InputError(input) when it is missing, unreadable, not a regular file or too large, or named
 *   inside the workspace but leading out of it.
 */
export function checkInputFile(input: string, file: string, workspace: string): string {
  const full = resolve(workspace, file)
  let st: Stats
  try {
    st = statSync(full)
  } catch (e) {
    throw cannotRead(input, file, full, e)
  }
  checkInside(input, file, full, workspace)
  checkStats(input, file, full, st)
  return full
}

/**
 * A file named inside the workspace must really lie there. The list is often a committed file, and a pull
 * request can replace it with a symlink to the runner's own files (/proc/self/environ, credentials under
 * the home directory), whose lines would then be printed as paths, or quoted as lines that are not a sync
 * log. The walk keeps the same rule (walk.ts). A file outside the workspace that the workflow names
 * itself (`${{ runner.temp }}/sync.log`) is read as given.
 */
function checkInside(input: string, file: string, full: string, workspace: string): void {
  const ws = resolve(workspace)
  const wsReal = realDirectory(ws)
  if (!isWithin(full, ws) && !isWithin(full, wsReal)) return
  let real: string
  try {
    real = realpathSync.native(full)
  } catch (e) {
    throw cannotRead(input, file, full, e)
  }
  if (isWithin(real, wsReal)) return
  throw new InputError(
    input,
    `${quote(file)} leads to ${quote(real)}, outside the workspace (a symlink; resolved to ${full}): a file named inside the workspace is read only if it lies there, so give the target's own path if it is the list you mean`,
  )
}

/**
 * Read `file` (relative to the workspace, or absolute) as text: see the module comment for what is
 * accepted and how it is decoded.
 *
 * @throws InputError(input) when it is missing, unreadable, not a regular file or too large.
 */
export function readInputFile(input: string, file: string, workspace: string): string {
  // stat first: opening a socket fails with a bare ENXIO, and a FIFO or device is best never opened.
  const full = checkInputFile(input, file, workspace)
  let fd: number
  try {
    // O_NONBLOCK: should a FIFO have taken the file's place since, opening it must not wait for a writer.
    fd = openSync(full, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0))
  } catch (e) {
    throw cannotRead(input, file, full, e)
  }
  try {
    const st = fstatSync(fd)
    checkStats(input, file, full, st)
    const chunks: Buffer[] = []
    let total = 0
    for (;;) {
      // The whole file in one read as a rule; then one more to see the end (or that it grew).
      const buffer = Buffer.allocUnsafe(Math.max(READ_CHUNK, Math.min(st.size, MAX_INPUT_FILE_BYTES) + 1))
      let n: number
      try {
        n = readSync(fd, buffer, 0, buffer.length, null)
      } catch (e) {
        throw cannotRead(input, file, full, e)
      }
      if (n === 0) break
      total += n
      if (total > MAX_INPUT_FILE_BYTES) throw tooLarge(input, file, full, total)
      chunks.push(buffer.subarray(0, n))
    }
    return decodeText(chunks.length === 1 ? (chunks[0] ?? Buffer.alloc(0)) : Buffer.concat(chunks))
  } finally {
    closeSync(fd)
  }
}

/**
 * Bytes as text: UTF-8 (a UTF-8 byte-order mark is dropped), or UTF-16 little- or big-endian when the
 * text starts with its byte-order mark. Without a mark, UTF-8: what every other tool writes.
 */
export function decodeText(bytes: Buffer): string {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return bytes.toString('utf8', 3)
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return bytes.toString('utf16le', 2)
  if (bytes[0] === 0xfe && bytes[1] === 0xff) {
    // Node has no UTF-16BE decoder: swap each pair of bytes (a copy, even length) and read it as LE.
    const end = bytes.length - (bytes.length % 2)
    return Buffer.from(bytes.subarray(2, end)).swap16().toString('utf16le')
  }
  return bytes.toString('utf8')
}

function checkStats(input: string, file: string, full: string, st: Stats): void {
  if (st.isDirectory())
    throw new InputError(input, `${quote(file)} is a directory, not a file (resolved to ${full})`)
  if (!st.isFile()) {
    throw new InputError(
      input,
      `${quote(file)} is ${kind(st)}, not a regular file (resolved to ${full}): write the list to a file first`,
    )
  }
  if (st.size > MAX_INPUT_FILE_BYTES) throw tooLarge(input, file, full, st.size)
}

function kind(st: Stats): string {
  if (st.isFIFO()) return 'a FIFO (named pipe)'
  if (st.isSocket()) return 'a socket'
  if (st.isCharacterDevice()) return 'a character device'
  if (st.isBlockDevice()) return 'a block device'
  return 'a special file'
}

/** `bytes`: the size, or what was read when the file outgrew the limit while being read. */
function tooLarge(input: string, file: string, full: string, bytes: number): InputError {
  const limit = `${MAX_INPUT_FILE_BYTES / (1024 * 1024)} MiB`
  return new InputError(
    input,
    `${quote(file)} is larger than the ${limit} this action reads (${bytes} bytes or more; resolved to ${full}): split it across several steps`,
  )
}

function cannotRead(input: string, file: string, full: string, e: unknown): InputError {
  const code = (e as NodeJS.ErrnoException).code
  const why = code === 'ENOENT' ? 'no such file' : String(code ?? e)
  return new InputError(input, `${quote(file)} cannot be read (${why}; resolved to ${full})`)
}
