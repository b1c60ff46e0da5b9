/**
 * Walking the tree under `root` and selecting files with a compiled pattern list (glob.ts).
 *
 * Planning is usually the only local work the action does, so the walk is meant to run close to the file
 * system's own speed (see bench/walk.ts): one synchronous `readdirSync(dir, { withFileTypes: true })` per
 * real directory, however many paths it is listed under (faster on Node than the async API or the
 * `recursive` option), no `stat` except for symlinks, and directories skipped when no pattern can select
 * anything below them.
 */
import { readdirSync } from 'node:fs'
import type { Dirent } from 'node:fs'
import { resolve, sep } from 'node:path'
import { InputError, errorMessage, quote } from '../errors.js'
import { walkTracker, type FileMatcher } from './glob.js'
import { isWithin, realDirectory, rootDirectory } from './root.js'
import { keptNames, resolveLink, unreadableListing, type LinkTarget, type Listing } from './listing.js'

/** Options for {@link walkFiles}. */
export interface WalkOptions {
  /** Also list every file under root (the collapse planner counts the objects a wildcard would hit). */
  all?: boolean
  /**
   * Instead of listing every file, count each directory's files and selected files (`dirCounts`): what
   * the collapse planner needs when the selected files are all that is requested, without a string per file.
   */
  counts?: boolean
  /** `root` as the user wrote it, for error messages (the caller resolved it); default `root`. */
  shownAs?: string
  /**
   * The directory symlinks may lead into besides root itself: the workspace. A symlink whose target lies
   * outside both is not followed (`outside`); a root inside it may not be a symlink leading out of it.
   */
  within?: string
  /**
   * Called before each directory is read: throws to stop the walk (the step's deadline). The walk is
   * synchronous, so a timer cannot interrupt it; this is how `timeout` reaches it.
   */
  checkDeadline?: () => void
}

/** What {@link walkFiles} found. Paths are relative to root, `/`-separated, sorted by UTF-16 code unit. */
export interface WalkResult {
  /** The files the patterns select (built from `runs` when first read). */
  readonly files: string[]
  /**
   * The same files as runs of names in one directory, in the same order: `dir + name` over the runs is
   * `files`. File URLs are built from these (a directory's URL once, then each name), which spares the
   * walk a string per path that would only be read once.
   */
  runs: FileRun[]
  /** Positive patterns that selected no file: warn about each, do not fail. */
  unmatchedPatterns: string[]
  /**
   * Entries left out, each as `path: reason` (symlink loops, broken symlinks, a second symlink to a
   * directory already walked through one), for a debug log.
   */
  skipped: string[]
  /** Symlinks not followed because their target lies outside root and `within` (paths relative to root). */
  outside: string[]
  /** Directories under root that could not be read (permission denied...), skipped: `path (CODE)`. */
  unreadable: string[]
}

/** Files of one directory that come one after another in a walk's output. */
export interface FileRun {
  /** The directory, relative to root, ending in `/` ('' for root itself). */
  dir: string
  /** File names (no `/`), sorted. */
  names: string[]
}

/** {@link WalkResult} with the whole tree, from `walkFiles(root, matcher, { all: true })`. */
export interface WalkAllResult extends WalkResult {
  /** Every file under root (except inside `.git`), selected or not. */
  all: string[]
}

/** {@link WalkResult} with per-directory counts, from `walkFiles(root, matcher, { counts: true })`. */
export interface WalkCountsResult extends WalkResult {
  /** For each directory holding files (relative, ending in `/`; '' for root): its files, and the selected ones. */
  dirCounts: Map<string, { objects: number; selected: number }>
}

/** A directory on the walk's path. */
interface Frame {
  /** Path to read it by (through any symlinks on the way). */
  abs: string
  /** Its path relative to root plus `/`, or '' for root: file paths are `rel + name`. */
  rel: string
  /**
   * Its real path: to tell a symlink that leads back up (a loop) from one that leads elsewhere, and to
   * find a listing kept for it.
   */
  real: string
  /** Reached through a symlink (here or above): `rel` is not its real place under root. */
  aliased: boolean
  parent: Frame | undefined
  /** Whether files here may be selected (false: walked only for `all`). */
  live: boolean
  /** What is left to visit, sorted; a directory's name has a `/` added. Set once the directory is read. */
  keys: string[] | undefined
  next: number
  /** Real paths of the symlinked directories among `keys`, by name. */
  links: Map<string, string> | undefined
  /** With `counts`: files in this directory, and selected ones. */
  objects: number
  selected: number
}

/**
 * Walk `root` and return the files `matcher` selects, sorted.
 *
 * Symlinks are followed, to files and to directories, as a web server or `aws s3 sync` would, but only
 * to targets inside root or `within` (the workspace: a pull request must not make the walk list the
 * runner's home). The walk's cost stays linear in the directories there, whatever the links: every
 * directory is listed under its own path, and at most once more through symlinks (the first link the
 * walk meets that leads to it; later ones are skipped), and is read once: its second visit filters what
 * the first read. Without that, a chain of directories each holding two links to the next one would be
 * walked 2^depth times. A symlink that leads back to a directory being walked (a loop) is skipped.
 * `.git` is never entered. Sockets, FIFOs and devices are ignored (nothing serves them). A directory is
 * skipped when no pattern can select a file below it, unless `all` asks for the tree; one below root that
 * cannot be read is skipped and listed in `unreadable`.
 *
 * @param root Directory, absolute or relative to the working directory.
 * @throws InputError('root') when root does not exist, is not a directory or cannot be read, or when a
 *   root inside `within` is a symlink leading out of it; whatever `checkDeadline` throws.
 */
export function walkFiles(
  root: string,
  matcher: FileMatcher,
  options: WalkOptions & { all: true },
): WalkAllResult
export function walkFiles(
  root: string,
  matcher: FileMatcher,
  options: WalkOptions & { counts: true },
): WalkCountsResult
export function walkFiles(root: string, matcher: FileMatcher, options?: WalkOptions): WalkResult
export function walkFiles(
  root: string,
  matcher: FileMatcher,
  options: WalkOptions = {},
): WalkResult | WalkAllResult | WalkCountsResult {
  const abs = resolve(root)
  const shown = options.shownAs ?? root
  const real = rootDirectory(abs, shown)
  // Where symlinks may lead: root, and `within` (the workspace). Real paths, as the targets are.
  const within = options.within === undefined ? real : realDirectory(options.within)
  if (isWithin(abs, resolve(options.within ?? abs)) && !isWithin(real, within)) {
    throw new InputError(
      'root',
      `${quote(shown)} is a symlink to ${quote(real)}, outside the workspace: symlinks are followed only within it`,
    )
  }
  const allowed = (target: string): boolean => isWithin(target, real) || isWithin(target, within)
  const checkDeadline = options.checkDeadline

  const wantAll = options.all === true
  // Counting visits every directory like `all`, but keeps only selected names, as a plain walk does.
  const wantCounts = options.counts === true && !wantAll
  const everyDir = wantAll || wantCounts
  const dirCounts = new Map<string, { objects: number; selected: number }>()
  const tracker = walkTracker(matcher)
  const byName = tracker.byName
  const runs: FileRun[] = []
  let run: FileRun | undefined
  let runFrame: Frame | undefined
  const all: string[] = []
  const skipped: string[] = []
  const outside: string[] = []
  const unreadable: string[] = []
  /** Real paths of the directories walked through a symlink, and the path they were walked under. */
  const aliases = new Map<string, string>()

  /**
   * Listings read once and wanted by a visit still to come, by real path. A real directory has at most
   * two visits, under its own path below root and through the first symlink that leads to it
   * (`aliases`); the first reads it, and keeps what it read when the second may come (see `keep`).
   */
  const kept = new Map<string, Listing>()
  /** Whether a visit that reads `dir` keeps its listing for a second visit. */
  const keep = (dir: Frame): boolean =>
    dir.aliased
      ? // Through a symlink, first: when the walk has yet to reach it under its own path.
        aheadInRoot(dir, real)
      : // Under its own path, first: when no link has led to it yet. A link met later, in a directory not
        // read yet, may lead to it or above it, and nothing tells which until that directory is read; so
        // every listing below root is kept until the walk ends, links or not (compact: two strings a
        // directory, ~1.5 MB for 100,000 files). Not root's: a link to root is a loop.
        dir.parent !== undefined && !aliases.has(dir.real)

  // What a visit of `dir` takes of its file or subdirectory `name` (a symlink's included): into `keys`.
  // The same for a visit that reads the directory and for one that filters the listing kept for it.
  const takeFile = (dir: Frame, keys: string[], name: string): void => {
    if (wantCounts) dir.objects++
    if (wantAll || (dir.live && tracker.matches(byName ? name : dir.rel + name))) keys.push(name)
  }
  const takeDirectory = (dir: Frame, keys: string[], name: string): void => {
    if (everyDir || matcher.mayMatchUnder(dir.rel + name)) keys.push(`${name}/`)
  }

  // The output is sorted by path (UTF-16 code units, the same on every machine and locale) without
  // sorting it: each directory's entries are sorted by name, a subdirectory's name with a `/` added, and
  // visited depth-first in that order. A name holds no `/`, so this is exactly the order of the full
  // paths, and it costs a sort of a few short names per directory instead of a sort of every path by
  // comparing long shared prefixes. Without `all`, a file is matched when its directory is visited, and
  // only selected names are kept and sorted. What a visit takes depends on its path, so a second visit
  // of a directory filters the listing the first kept afresh.
  const keysOf = (dir: Frame): string[] => {
    checkDeadline?.()
    const listing = kept.get(dir.real)
    if (listing !== undefined) {
      kept.delete(dir.real) // the second visit: there is no third
      return keysOfListing(dir, listing)
    }
    const keeping = keep(dir)
    let entries: Dirent[]
    try {
      entries = readdirSync(dir.abs, { withFileTypes: true })
    } catch (e) {
      const failed = unreadableListing(e)
      if (keeping) kept.set(dir.real, failed)
      return keysOfListing(dir, failed)
    }
    // One pass: what this visit takes, and the names a second one would need. The rare paths (a kept
    // listing, an unreadable directory, symlinks) live in functions of their own: this one, run once a
    // directory, then stays small, which V8 optimizes sooner (measured: ~8 ms less for 100,000 files).
    const keys: string[] = []
    const files: string[] | undefined = keeping ? [] : undefined
    const dirs: string[] | undefined = keeping ? [] : undefined
    let links: Map<string, LinkTarget> | undefined
    for (const entry of entries) {
      const name = entry.name
      if (name === '.git') continue
      if (entry.isFile()) {
        takeFile(dir, keys, name)
        files?.push(name)
      } else if (entry.isDirectory()) {
        takeDirectory(dir, keys, name)
        dirs?.push(name)
      } else if (entry.isSymbolicLink()) {
        ;(links ??= new Map()).set(name, resolveLink(`${dir.abs}/${name}`, allowed))
      }
    }
    if (files !== undefined && dirs !== undefined)
      kept.set(dir.real, { files: files.join('/'), dirs: dirs.join('/'), links, error: undefined })
    if (links !== undefined) takeLinks(dir, keys, links)
    return keys.sort()
  }
  /** {@link keysOf} from a listing: one kept by the first visit, or that of an unreadable directory. */
  const keysOfListing = (dir: Frame, listing: Listing): string[] => {
    if (listing.error !== undefined) {
      const e = listing.error
      if (dir.parent === undefined)
        throw new InputError('root', `cannot read directory ${quote(shown)}: ${errorMessage(e)}`)
      // Below root, one directory the runner cannot read (permission denied, or gone since its parent
      // was read) must not lose the rest of the site: skip it, and the caller warns.
      unreadable.push(`${dir.rel.slice(0, -1)} (${(e as NodeJS.ErrnoException).code ?? errorMessage(e)})`)
      return []
    }
    const keys: string[] = []
    for (const name of keptNames(listing.files)) takeFile(dir, keys, name)
    for (const name of keptNames(listing.dirs)) takeDirectory(dir, keys, name)
    if (listing.links !== undefined) takeLinks(dir, keys, listing.links)
    return keys.sort()
  }
  /** What a visit of `dir` takes of its symlinks (a loop and a broken link are skipped, and said so). */
  const takeLinks = (dir: Frame, keys: string[], links: Map<string, LinkTarget>): void => {
    for (const [name, target] of links) {
      if (target.kind === 'broken') {
        // The error names the path the link was read by: this visit's.
        const why = target.why.replaceAll(target.path, `${dir.abs}/${name}`)
        skipped.push(`${dir.rel}${name}: broken symlink (${why})`)
      } else if (target.kind === 'outside') outside.push(`${dir.rel}${name}`)
      else if (target.kind === 'file') takeFile(dir, keys, name)
      else if (target.kind === 'dir') {
        if (leadsBack(dir, target.real)) {
          skipped.push(`${dir.rel}${name}: symlink loop (leads back to a parent directory)`)
          continue
        }
        ;(dir.links ??= new Map()).set(name, target.real)
        takeDirectory(dir, keys, name)
      }
    }
  }

  const top: Frame = {
    abs,
    rel: '',
    real,
    aliased: false,
    parent: undefined,
    live: true,
    keys: undefined,
    next: 0,
    links: undefined,
    objects: 0,
    selected: 0,
  }
  const stack: Frame[] = [top]
  for (let dir = stack.at(-1); dir !== undefined; dir = stack.at(-1)) {
    const keys = (dir.keys ??= keysOf(dir))
    let child: Frame | undefined
    for (let key = keys[dir.next++]; key !== undefined; key = keys[dir.next++]) {
      if (key.charCodeAt(key.length - 1) === 47 /* '/' */) {
        const name = key.slice(0, -1)
        const link = dir.links?.get(name)
        const childReal = link ?? `${dir.real}${sep}${name}`
        const aliased = dir.aliased || link !== undefined
        if (aliased) {
          // Each directory once through symlinks, whatever the number of links that lead to it.
          const first = aliases.get(childReal)
          if (first !== undefined) {
            skipped.push(`${dir.rel}${name}: the same directory as ${first}, already walked`)
            continue
          }
          aliases.set(childReal, dir.rel + key)
        }
        child = {
          abs: `${dir.abs}/${name}`,
          rel: dir.rel + key,
          real: childReal,
          aliased,
          parent: dir,
          // Without `all` or `counts`, only directories that may hold a selected file were kept.
          live: !everyDir || matcher.mayMatchUnder(dir.rel + name),
          keys: undefined,
          next: 0,
          links: undefined,
          objects: 0,
          selected: 0,
        }
        break
      }
      let selected = !wantAll
      if (wantAll) {
        // join, not `+`: V8 makes `a + b` a rope that its first reader (a Set, a comparison) must copy
        // flat, and both then live on as garbage; join writes the flat string at once.
        const rel = [dir.rel, key].join('')
        all.push(rel)
        selected = dir.live && tracker.matches(byName ? key : rel)
      }
      if (selected) {
        if (runFrame !== dir || run === undefined) {
          run = { dir: dir.rel, names: [] }
          runs.push(run)
          runFrame = dir
        }
        run.names.push(key)
        dir.selected++
      }
    }
    if (child !== undefined) stack.push(child)
    else {
      if (wantCounts && dir.objects > 0)
        dirCounts.set(dir.rel, { objects: dir.objects, selected: dir.selected })
      stack.pop()
    }
  }
  let files: string[] | undefined
  const result: WalkResult = {
    get files(): string[] {
      return (files ??= runPaths(runs))
    },
    runs,
    unmatchedPatterns: tracker.unmatchedPatterns(),
    skipped,
    outside,
    unreadable,
  }
  // Object.assign, not a spread: a spread would read `files` and build it.
  if (wantCounts) return Object.assign(result, { dirCounts })
  return wantAll ? Object.assign(result, { all }) : result
}

/** The paths of runs' files, relative to root, in order. */
export function runPaths(runs: readonly FileRun[]): string[] {
  const paths: string[] = []
  for (const { dir, names } of runs) for (const name of names) paths.push([dir, name].join(''))
  return paths
}

/**
 * Would entering a directory whose real path is `target` from `dir` revisit one being walked? True when
 * target is a directory on the walk's current chain, or a real ancestor of `dir` (`up -> ..`, or a link
 * to `/`). Every endless walk must pass the same symlink target twice on one chain, so this ends them all;
 * a link to a sibling is fine (its files are served under both names, so both are listed).
 */
function leadsBack(dir: Frame, target: string): boolean {
  if (isWithin(dir.real, target)) return true
  for (let f: Frame | undefined = dir.parent; f !== undefined; f = f.parent)
    if (f.real === target) return true
  return false
}

/**
 * Whether `dir`, visited through a symlink, lies under root (real path `root`) where the walk has yet to
 * reach it under its own path. The walk goes in the order of paths (see walkFiles), and is now at the
 * symlink it left its own paths by: every path before that link's is behind it, every one after ahead.
 * (One ahead that it will not enter, below `.git` or ruled out by the patterns, is then kept until the
 * walk ends: that costs only memory.)
 */
function aheadInRoot(dir: Frame, root: string): boolean {
  if (!isWithin(dir.real, root) || dir.real === root) return false
  let link = dir
  while (link.parent?.aliased === true) link = link.parent
  const own = dir.real
    .slice(root.endsWith(sep) ? root.length : root.length + 1)
    .split(sep)
    .join('/')
  return `${own}/` > link.rel
}
