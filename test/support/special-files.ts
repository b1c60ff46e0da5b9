/**
 * Files that are not regular files, for the tests of the inputs that name a file (`paths-file`,
 * `sync-log`): a directory, a FIFO and a socket (POSIX only), and a sparse file past the size limit.
 */
import { execFileSync } from 'node:child_process'
import { mkdirSync, truncateSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { join } from 'node:path'
import { MAX_INPUT_FILE_BYTES } from '../../src/constants.js'

/**
 * Make `folder`, `huge.txt` (sparse: its size says one byte past the limit, nothing is written) and, on
 * POSIX, `fifo` and `socket` in `dir`. Returns what closes the socket's server; the files stay.
 */
export async function makeSpecialFiles(dir: string): Promise<() => Promise<void>> {
  mkdirSync(join(dir, 'folder'))
  writeFileSync(join(dir, 'huge.txt'), '')
  truncateSync(join(dir, 'huge.txt'), MAX_INPUT_FILE_BYTES + 1)
  if (process.platform === 'win32') return () => Promise.resolve()
  execFileSync('mkfifo', [join(dir, 'fifo')])
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(join(dir, 'socket'), resolve))
  return () => new Promise<void>((resolve) => server.close(() => resolve()))
}
