/**
 * One temporary directory for the whole test run, removed when it ends. Tests, fake servers and the
 * bundles they start create their folders with `os.tmpdir()`, which reads TMPDIR: pointing it here
 * before any worker starts means a run leaves nothing behind in the system's temp directory, even
 * when a test fails before its own clean-up.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

export default function setup(): () => void {
  const dir = mkdtempSync(join(tmpdir(), 'cfi-test-run-'))
  const before = process.env.TMPDIR
  process.env.TMPDIR = dir
  return () => {
    if (before === undefined) delete process.env.TMPDIR
    else process.env.TMPDIR = before
    rmSync(dir, { recursive: true, force: true })
  }
}
