/**
 * Where the walk (walk.ts) starts and where it may go: root's real path, checked, and whether a path
 * lies within a directory (symlinks are followed only within root and the workspace).
 */
import { realpathSync, statSync } from 'node:fs'
import { resolve, sep } from 'node:path'
import { InputError, quote } from '../errors.js'

/**
 * The real path of `root` (absolute), checked to be a directory. `shown` is root as the user wrote it:
 * the message names that, and the absolute path only when they differ.
 *
 * @throws InputError('root') when root does not exist or is not a directory.
 */
export function rootDirectory(abs: string, shown: string = abs): string {
  const where = shown === abs ? '' : ` (resolved to ${quote(abs)})`
  let real: string
  try {
    real = realpathSync.native(abs)
  } catch {
    throw new InputError('root', `${quote(shown)} does not exist${where}`)
  }
  if (!statSync(real).isDirectory())
    throw new InputError('root', `${quote(shown)} is not a directory${where}`)
  return real
}

/** The real path of a directory, or the path itself when it cannot be resolved (nothing is under it). */
export function realDirectory(dir: string): string {
  try {
    return realpathSync.native(dir)
  } catch {
    return resolve(dir)
  }
}

/** Whether `path` is `dir` or below it (both absolute, normalised). */
export function isWithin(path: string, dir: string): boolean {
  return path === dir || path.startsWith(dir.endsWith(sep) ? dir : `${dir}${sep}`)
}
