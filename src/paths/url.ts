/**
 * From a file under `root` to the CloudFront paths that serve it.
 *
 * A file `a/b c.html` is served at `prefix` + its path relative to root, `/`-separated on every OS, and
 * encoded the way encode.ts encodes any path, with `literal` on: in a file name `%` and `?` are plain
 * characters. An index document (`a/index.html`) is also served at its directory (`/a/`), and CloudFront
 * caches that URL separately, so it is invalidated too.
 */
import { MAX_PATH_LENGTH } from '../constants.js'
import { quote } from '../errors.js'
import { formatCount, plural } from '../format.js'
import { PathError, encodePath, resolveDotSegments } from './encode.js'
import type { Item } from './encode.js'
import type { FileRun } from './walk.js'

/**
 * Files that cannot be invalidated by their own URL, and what became of them. None of them fails the run:
 * one odd name among a site's files must not stop the rest being invalidated.
 */
export interface FileNotes {
  /**
   * Files (paths relative to root) whose name was not valid UTF-8: it arrived with U+FFFD in place of
   * the bytes, so its real URL is unknown (`%EF%BF%BD` would name another object). Skipped.
   */
  notUtf8: string[]
  /**
   * Files with a `.` or `..` segment (only an S3 key can have one): browsers resolve those away before
   * they ask, so no cached URL holds one. Skipped.
   */
  dotSegments: string[]
  /**
   * Files whose URL is longer than CloudFront allows: each is invalidated through `wildcard`, the
   * wildcard of its nearest directory whose URL is short enough.
   */
  tooLong: { file: string; wildcard: string }[]
}

/** An empty {@link FileNotes}, to pass to {@link filesToItems} or {@link fileRunsToItems}. */
export function newFileNotes(): FileNotes {
  return { notUtf8: [], dotSegments: [], tooLong: [] }
}

/** File names shown in one warning; the rest are counted. */
const SHOWN_NAMES = 5

/**
 * The warnings that {@link FileNotes} call for, one per kind, each with a count and the first few files
 * (quoted, so U+FFFD shows as `\uFFFD`). `source` names where the files came from (`files`, `diff`,
 * `sync-log`).
 */
export function fileNotesWarnings(source: string, notes: FileNotes): string[] {
  const warnings: string[] = []
  const list = (files: readonly string[]): string =>
    files
      .slice(0, SHOWN_NAMES)
      .map((f) => quote(f))
      .join(', ') + (files.length > SHOWN_NAMES ? ` and ${formatCount(files.length - SHOWN_NAMES)} more` : '')
  if (notes.notUtf8.length > 0) {
    warnings.push(
      `${source}: ${plural(notes.notUtf8.length, 'file name')} ${notes.notUtf8.length === 1 ? 'is' : 'are'} not valid UTF-8, so ${notes.notUtf8.length === 1 ? 'its URL is unknown; skipped, not invalidated (rename it' : 'their URL is unknown; skipped, not invalidated (rename them'} to UTF-8, as S3 keys are): ${list(notes.notUtf8)}`,
    )
  }
  if (notes.dotSegments.length > 0) {
    warnings.push(
      `${source}: ${plural(notes.dotSegments.length, 'key')} ${notes.dotSegments.length === 1 ? 'holds' : 'hold'} a '.' or '..' segment, which browsers resolve away before they ask, so no cached URL names them; skipped: ${list(notes.dotSegments)}`,
    )
  }
  if (notes.tooLong.length > 0) {
    const wildcards = [...new Set(notes.tooLong.map((t) => t.wildcard))]
    warnings.push(
      `${source}: ${plural(notes.tooLong.length, 'file')} ${notes.tooLong.length === 1 ? 'has' : 'have'} a URL longer than CloudFront's ${formatCount(MAX_PATH_LENGTH)} characters; each is invalidated through the wildcard of its nearest directory short enough (${list(wildcards)}): ${list(notes.tooLong.map((t) => t.file))}`,
    )
  }
  return warnings
}

/** How files map to URLs. */
export interface UrlOptions {
  /** URL path prefix the files are served under (`/`, `docs`, `/docs/`...; see {@link normalizePrefix}). */
  prefix: string
  /** File name that is also served at its directory, e.g. `index.html`; '' turns that off. */
  indexDocument: string
}

/**
 * Normalise a URL prefix to `/` or `/dir/`: surrounding whitespace and slashes are dropped, so `docs`,
 * `/docs`, `docs/` and `/docs/` all give `/docs/`, and `''` or `/` give `/`. The prefix is typed by a
 * person, so it is encoded like a typed path (a `%20` already in it is kept). Normalising twice gives the
 * same result.
 *
 * @throws PathError for a `*` (a file path cannot contain a wildcard) or a `?` (it would start a query
 *   string and the file paths would land in it).
 */
export function normalizePrefix(prefix: string): string {
  const inner = prefix.trim().replace(/^\/+|\/+$/g, '')
  if (/[*?]/.test(inner)) {
    throw new PathError(`prefix ${JSON.stringify(prefix.slice(0, 80))} contains '*' or '?'; use a plain path`)
  }
  // Typed, so resolved like a typed path: `docs/../site` is /site/, `..` is / (never above the root).
  return inner === '' ? '/' : resolveDotSegments(`/${encodePath(inner)}/`)
}

/**
 * The items that invalidate one file: its URL, and for an index document its directory's URL too
 * (`a/b/index.html` gives `/a/b/index.html` and `/a/b/`; the root one gives `/index.html` and the prefix).
 *
 * A file whose path contains `*` cannot be named exactly: CloudFront allows `*` only at the end of a
 * path, and `%2A` would be a different, literal path (viewers' requests carry a raw `*`, which browsers
 * do not encode). Such a file is covered by a wildcard cut right after its first `*` (`/a/b*`), which
 * matches the file's URL and possibly a few neighbours: the only correct choice.
 *
 * A file whose URL is over CloudFront's length limit is covered by the wildcard of its nearest directory
 * short enough; a file no URL can name (not UTF-8, or a dot segment) gives no item. Both are noted in
 * `notes` (see {@link FileNotes}).
 *
 * @param relPath Path relative to root, `/`-separated, without a leading `/`.
 * @throws PathError for a bad prefix.
 */
export function fileUrlItems(relPath: string, options: UrlOptions, notes?: FileNotes): Item[] {
  return filesToItems([relPath], options, notes)
}

/**
 * {@link fileUrlItems} for many files at once, duplicates dropped (first kept), in the order given, each
 * directory URL right after its index document. The files are taken as runs of one directory (see
 * {@link fileRunsToItems}), so a directory is encoded once for the files that follow each other in it.
 */
export function filesToItems(
  relPaths: Iterable<string>,
  options: UrlOptions,
  notes: FileNotes = newFileNotes(),
): Item[] {
  const paths = Array.isArray(relPaths) ? (relPaths as readonly string[]) : [...relPaths]
  // Distinct files have distinct URLs (literal encoding is one-to-one), a directory URL ends in `/` and a
  // file URL does not, and a wildcard ends in `*`, which no other URL holds. So duplicates can only come
  // from a file listed twice or from wildcards (fileRunsToItems drops those). A sorted list has no
  // repeated file, which one comparison per file proves; only other lists pay for hashing every path.
  return fileRunsToItems(runsOf(isStrictlySorted(paths) ? paths : [...new Set(paths)]), options, notes)
}

/**
 * {@link filesToItems} for a walk's runs (`walkFiles(...).runs`), which list each file once: a run's
 * directory is encoded once, then each name, and no path relative to root is ever built. Same items,
 * same order as `filesToItems(runPaths(runs))`.
 */
export function fileRunsToItems(
  runs: readonly FileRun[],
  options: UrlOptions,
  notes: FileNotes = newFileNotes(),
): Item[] {
  const prefix = normalizePrefix(options.prefix)
  const index = options.indexDocument
  const out = new ItemList(notes)
  for (const { dir, names } of runs) {
    const dirUrl = directoryUrl(prefix, dir)
    // Checked once per directory: a directory no URL can name holds no file one can.
    const dirSkip = dir.includes('\ufffd') ? notes.notUtf8 : DOT_DIR.test(dir) ? notes.dotSegments : undefined
    for (let i = 0; i < names.length; i++) {
      const name = names[i] ?? ''
      const encoded = encodePath(name, true)
      // A name that needed no encoding (the common case: the same string back) holds no U+FFFD.
      const skip =
        dirSkip ??
        (encoded !== name && name.includes('\ufffd')
          ? notes.notUtf8
          : name === '.' || name === '..'
            ? notes.dotSegments
            : undefined)
      if (skip !== undefined) {
        skip.push(dir + name)
        continue
      }
      // join, not `+`: see directoryUrl.
      out.add([dirUrl, encoded].join(''), dir, name)
      if (name === index && index !== '') out.add(dirUrl, dir, name)
    }
  }
  return out.items
}

/** A directory (relative to root, ending in `/`) with a `.` or `..` segment. */
const DOT_DIR = /(?:^|\/)\.\.?\//

/**
 * The URL of a directory (relative to root: '' or ending in `/`) under a prefix from
 * {@link normalizePrefix}. Literal encoding works character by character, so a directory's URL joined
 * with an encoded file name is the encoded path of the file. `join`, not `+`: `+` makes a rope, which
 * the first reader (a comparison, a hash, the log) copies flat, and both then live on as garbage to
 * collect; `join` writes the flat string at once.
 */
export function directoryUrl(prefix: string, dir: string): string {
  return [prefix, encodePath(dir, true)].join('')
}

/** Items in the making: plain paths as they come, the rare path with a `*` or over the limit checked. */
class ItemList {
  readonly items: Item[] = []
  readonly #seenWildcards = new Set<string>()

  constructor(private readonly notes: FileNotes) {}

  /** Add the URL of a file; `dir` + `name` is its path relative to root, for the notes. */
  add(value: string, dir: string, name: string): void {
    if (value.length <= MAX_PATH_LENGTH && !value.includes('*')) {
      this.items.push({ kind: 'path', value })
      return
    }
    let item = cutAtStar(value)
    if (item.value.length > MAX_PATH_LENGTH) {
      item = { kind: 'wildcard', value: shortWildcard(item.value) }
      const file = dir + name
      // An index document's directory URL comes right after the file's own: one note for the file.
      if (this.notes.tooLong.at(-1)?.file !== file) this.notes.tooLong.push({ file, wildcard: item.value })
    }
    if (item.kind === 'wildcard') {
      if (this.#seenWildcards.has(item.value)) return
      this.#seenWildcards.add(item.value)
    }
    this.items.push(item)
  }
}

/**
 * The URL path of each file, as CloudFront caches it: the set of objects the collapse planner takes as
 * its `tree` (e.g. from `walkFiles(root, matcher, { all: true }).all`). Unlike {@link filesToItems}:
 * no directory URLs (a directory is not an object), and a `*` stays the raw character a viewer's request
 * carries, since these are objects to count, not paths to send. Order kept; no length check.
 */
export function fileUrls(relPaths: Iterable<string>, prefix: string): string[] {
  const base = normalizePrefix(prefix)
  const urls: string[] = []
  for (const { dir, names } of runsOf(
    Array.isArray(relPaths) ? (relPaths as readonly string[]) : [...relPaths],
  )) {
    const dirUrl = directoryUrl(base, dir)
    for (const name of names) urls.push([dirUrl, encodePath(name, true)].join(''))
  }
  return urls
}

/** Paths relative to root as runs: paths that follow each other in one directory share a run. */
function runsOf(relPaths: readonly string[]): FileRun[] {
  const runs: FileRun[] = []
  let run: FileRun | undefined
  for (const rel of relPaths) {
    const cut = rel.lastIndexOf('/') + 1
    if (run === undefined || run.dir.length !== cut || !rel.startsWith(run.dir)) {
      run = { dir: rel.slice(0, cut), names: [] }
      runs.push(run)
    }
    run.names.push(rel.slice(cut))
  }
  return runs
}

function isStrictlySorted(xs: readonly string[]): boolean {
  for (let i = 1; i < xs.length; i++) if (!((xs[i - 1] ?? '') < (xs[i] ?? ''))) return false
  return true
}

/** The slow path: a wildcard for a path with `*` in it (see fileUrlItems). */
function cutAtStar(value: string): Item {
  const star = value.indexOf('*')
  return star === -1 ? { kind: 'path', value } : { kind: 'wildcard', value: value.slice(0, star + 1) }
}

/**
 * The wildcard of the nearest directory of a too-long URL whose wildcard fits CloudFront's limit. It cuts
 * at a `/`, which encoding never writes inside a name, so it never splits a `%XX` escape. At worst `/*`.
 */
function shortWildcard(value: string): string {
  return `${value.slice(0, value.lastIndexOf('/', MAX_PATH_LENGTH - 2) + 1)}*`
}
