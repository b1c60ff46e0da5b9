/**
 * What the walk (walk.ts) keeps of a directory it has read, for a second visit of the same directory
 * under another path (which the patterns may treat differently): its entries before any filtering, in
 * a compact form, so that each real directory is read once however many paths list it. And where a
 * symlink leads, resolved once for both visits.
 */
import { realpathSync, statSync } from 'node:fs'
import type { Stats } from 'node:fs'
import { errorMessage } from '../errors.js'

/**
 * A directory's entries as one `readdirSync` gave them (`.git` and special files left out), before
 * anything that depends on the path it is visited under.
 */
export interface Listing {
  /**
   * Names of its files, and of its subdirectories, in the order read, `/`-separated (no name holds one):
   * one string each rather than a string per name, since a tree of 100,000 files keeps them all until
   * its walk ends (see `keep` in walkFiles).
   */
  files: string
  dirs: string
  /** Its symlinks, in the order read: what each leads to. */
  links: Map<string, LinkTarget> | undefined
  /** Why it could not be read, when it could not (no entries then). */
  error: Error | undefined
}

/** What a symlink leads to, resolved once (the same whatever path its directory is visited under). */
export type LinkTarget =
  | { kind: 'file' | 'dir' | 'other'; real: string }
  | { kind: 'outside' }
  /** `why` names `path`, the path the link was read by. */
  | { kind: 'broken'; why: string; path: string }

/** The names of {@link Listing.files} or {@link Listing.dirs}. */
export function keptNames(joined: string): string[] {
  return joined === '' ? [] : joined.split('/')
}

/** The listing of a directory whose read threw `e`. */
export function unreadableListing(e: unknown): Listing {
  return { files: '', dirs: '', links: undefined, error: e instanceof Error ? e : new Error(String(e)) }
}

/**
 * What the symlink at `path` leads to (never throws: a link that cannot be followed is `broken`);
 * `allowed` says which real paths it may lead to.
 */
export function resolveLink(path: string, allowed: (real: string) => boolean): LinkTarget {
  // Rare enough that the extra system calls do not matter.
  let target: Stats
  let real: string
  try {
    target = statSync(path)
    real = realpathSync.native(path)
  } catch (e) {
    return { kind: 'broken', why: errorMessage(e), path }
  }
  if (!allowed(real)) return { kind: 'outside' }
  return { kind: target.isFile() ? 'file' : target.isDirectory() ? 'dir' : 'other', real }
}
