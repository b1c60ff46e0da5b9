/**
 * Selecting files under `root` with the `files` patterns: compiling the patterns once, and walking the
 * tree with them.
 *
 * Planning is usually the only local work the action does, so the walk is meant to run close to the file
 * system's own speed (see bench/walk.ts): one synchronous `readdirSync(dir, { withFileTypes: true })` per
 * directory (faster on Node than the async API or the `recursive` option), no `stat` except for symlinks,
 * directories skipped when no pattern can select anything below them, and the common pattern shapes
 * (`**\/*.html`, `docs/**`) tested with plain string operations instead of the general glob matcher.
 */
import { readdirSync, realpathSync, statSync } from 'node:fs'
import type { Dirent } from 'node:fs'
import { resolve, sep } from 'node:path'
import { GLOBSTAR, Minimatch } from 'minimatch'
import type { MinimatchOptions, ParseReturnFiltered } from 'minimatch'
import { InputError, errorMessage, quote } from '../errors.js'
import { voice } from '../voice.js'

/** A compiled `files` pattern list. Build it once with {@link compileFilePatterns}. */
export interface FileMatcher {
  /** The patterns in effect, trimmed, blank lines and `#` comments left out, as the user wrote them. */
  readonly patterns: readonly string[]
  /** Whether a file (path relative to `root`, `/`-separated, no leading `/`) is selected. */
  matches(relPath: string): boolean
  /**
   * Whether some file below this directory (relative to `root`, no trailing `/`) could be selected.
   * `false` is a promise that none can, so a walk may skip the directory; `true` may be a false alarm.
   */
  mayMatchUnder(relDir: string): boolean
  /** A fresh {@link MatchTracker}: `matches` that also records which positive patterns selected a file. */
  tracker(): MatchTracker
  /** Filter a list of paths (e.g. the changed files of a diff), keeping their order. */
  select(relPaths: Iterable<string>): Selection
}

/** {@link FileMatcher.matches} that remembers which positive patterns have selected a file so far. */
export interface MatchTracker {
  matches(relPath: string): boolean
  /** Positive patterns that have not selected any file passed to `matches` so far, in list order. */
  unmatchedPatterns(): string[]
}

/** The files a pattern list selects from a list, and the positive patterns that selected none. */
export interface Selection {
  files: string[]
  /** Positive patterns that selected no file: the caller warns about each (likely a typo). */
  unmatchedPatterns: string[]
}

/**
 * One pattern, ready to test. `test` answers for a whole relative path; `mayMatchUnder` (positive
 * patterns) and `covers` (negative ones) answer for whole directories, for pruning.
 */
interface Rule {
  pattern: string
  positive: boolean
  test: (relPath: string) => boolean
  mayMatchUnder: (relDir: string) => boolean
  covers: (relDir: string) => boolean
  /** `test` looks at the file name only (every row is `**\/name-pattern`), so it may be given just that. */
  byName: boolean
}

/** One portion of a parsed pattern row, other than a literal string or `**`. */
type PortionMatcher = Exclude<ParseReturnFiltered, string | typeof GLOBSTAR>
type Portion = string | PortionMatcher

/**
 * `dot`: dotfiles and dot-directories match like any other name (`.well-known/`, `**` descends into
 * `.github/`). `platform: 'linux'`: a pattern means the same on every runner (`\` always escapes; our
 * paths are always `/`-separated). Negation and comments are handled here, per line, not by minimatch.
 */
const MM_OPTIONS: MinimatchOptions = { dot: true, platform: 'linux', nonegate: true, nocomment: true }

/**
 * A `*` then a plain literal (`*.html`). The allowed set is deliberately narrow: it leaves out every
 * character the portion matcher treats specially (`*?[]\`, extglob `(`, and the private-use mark it
 * uses for numeric ranges like `{1..500}`); anything else takes the general path.
 */
const STAR_SUFFIX = /^\*([\w.\-~ ,;=&'$%#+@!]+)$/

/**
 * Compile the `files` patterns (newline-separated in the input; one per element here).
 *
 * Rules, in the order they apply:
 * - Each line is trimmed; blank lines and lines starting with `#` are ignored (write `\#` for a name
 *   that starts with `#`, and `\!` for one that starts with `!`).
 * - Patterns are minimatch globs relative to `root`; a leading `/` or `./` is dropped, so `/index.html`
 *   is the root's index.html. Matching is case-sensitive, like S3 keys and CloudFront paths.
 *   `*.html` matches at the top level only; write `**\/*.html` for every level.
 * - A trailing `/` means everything below: `.well-known/` is `.well-known/**`.
 * - `!pattern` excludes. **The last pattern that matches a file decides** (as in `.gitignore` and
 *   GitHub's `paths` filters), so `!drafts/**` then `drafts/keep.html` re-includes that one file.
 * - A list with no positive pattern starts from every file: `!**\/*.map` alone means "all but maps".
 *   An empty list selects nothing.
 * - Nothing inside a `.git` directory (or a `.git` file) is ever selected, whatever the patterns say.
 *
 * @throws InputError('files') for a pattern minimatch rejects or one that climbs out of `root` (`..`).
 */
export function compileFilePatterns(patterns: readonly string[]): FileMatcher {
  const rules: Rule[] = []
  const kept: string[] = []
  for (const raw of patterns) {
    const text = raw.trim()
    if (text === '' || text.startsWith('#')) continue
    kept.push(text)
    rules.push(compileRule(text))
  }
  return new CompiledMatcher(kept, rules)
}

function compileRule(text: string): Rule {
  const positive = !text.startsWith('!')
  let glob = positive ? text : text.slice(1)
  // Patterns are always relative to root: `/x` and `./x` mean `x` (minimatch would never match them).
  glob = glob.replace(/^(?:\.?\/)+/, '')
  if (glob === '') glob = '**'
  else if (glob.endsWith('/')) glob += '**'
  if (/(?:^|\/)\.\.(?:\/|$)/.test(glob)) {
    throw new InputError(
      'files',
      `pattern ${quote(text)} contains '..'; patterns are relative to ${voice().option('root')}`,
    )
  }
  let mm: Minimatch
  try {
    mm = new Minimatch(glob, MM_OPTIONS)
  } catch (e) {
    throw new InputError('files', `pattern ${quote(text)} is not a valid glob: ${errorMessage(e)}`)
  }
  const rows = mm.set
  return {
    pattern: text,
    positive,
    test: compileTest(mm, rows),
    // A row that starts with `**` can match below any directory: skip asking minimatch per directory.
    mayMatchUnder: rows.some((row) => row[0] === GLOBSTAR) ? () => true : (dir) => mm.match(dir, true),
    covers: compileCovers(rows),
    byName: rows.every(
      (row) => row[0] === GLOBSTAR && (row.length === 1 || (row.length === 2 && row[1] !== GLOBSTAR)),
    ),
  }
}

/**
 * The file test for one pattern. Every row of the parsed pattern (one per brace alternative) must be of a
 * shape we can test with string operations, else the whole pattern goes to minimatch. The shapes cover
 * what people write for a site: `index.html`, `docs/**`, `**\/*.html`, `assets/**\/*.{css,js}`.
 * test/walk.test.ts checks each shortcut against minimatch itself.
 */
function compileTest(
  mm: Minimatch,
  rows: readonly (readonly ParseReturnFiltered[])[],
): (p: string) => boolean {
  const tests: ((p: string) => boolean)[] = []
  for (const row of rows) {
    const t = rowTest(row)
    if (t === undefined) return (p) => mm.match(p)
    tests.push(t)
  }
  const [first, second] = tests
  if (first === undefined) return () => false
  if (second === undefined) return first
  return (p) => tests.some((t) => t(p))
}

/** A fast test for one row, or undefined when the row needs minimatch. */
function rowTest(row: readonly ParseReturnFiltered[]): ((p: string) => boolean) | undefined {
  const star = row.indexOf(GLOBSTAR)
  const headParts = star === -1 ? row : row.slice(0, star)
  if (!headParts.every((part) => typeof part === 'string')) return undefined
  const head = headParts.join('/')
  if (star === -1) return (p) => p === head // all literal: one exact path
  const rest = row.slice(star + 1)
  // With `dot`, `**` matches any run of portions (none is `.` or `..` in a walked path), so only the
  // literal head and the last portion are left to check.
  const dirPrefix = head === '' ? '' : `${head}/`
  if (rest.length === 0) return dirPrefix === '' ? () => true : (p) => p.startsWith(dirPrefix)
  const last = rest[0]
  if (rest.length > 1 || last === undefined || last === GLOBSTAR) return undefined
  const base = baseTest(last)
  if (dirPrefix === '') return base
  return (p) => p.startsWith(dirPrefix) && base(p)
}

/** Test the last portion (the file name) of a path against one pattern portion. */
function baseTest(part: Portion): (p: string) => boolean {
  if (typeof part === 'string') {
    const slashed = `/${part}`
    return (p) => p === part || p.endsWith(slashed)
  }
  const suffix = STAR_SUFFIX.exec(part.pattern)?.[1]
  // `*.html`: with `dot`, `*` matches any name (even an empty one), so only the suffix matters.
  if (suffix !== undefined) return (p) => p.endsWith(suffix)
  return (p) => part.testUnchecked(p.slice(p.lastIndexOf('/') + 1))
}

/**
 * For a negative pattern: does it match every file below a directory? True when some row is portions
 * then a final `**` and those portions match the directory's first ones (`!drafts/**`, `!*\/tmp/`), so
 * that a walk can skip e.g. a `node_modules` the patterns exclude.
 */
function compileCovers(rows: readonly (readonly ParseReturnFiltered[])[]): (relDir: string) => boolean {
  const heads: Portion[][] = []
  for (const row of rows) {
    const star = row.indexOf(GLOBSTAR)
    if (star !== row.length - 1) continue // no `**`, or more after the first: too rare to bother
    heads.push(row.slice(0, star).filter((part): part is Portion => part !== GLOBSTAR))
  }
  if (heads.length === 0) return () => false
  if (heads.some((h) => h.length === 0)) return () => true // `!**` or `!/`
  return (relDir) => {
    const names = relDir.split('/')
    return heads.some(
      (h) =>
        h.length <= names.length &&
        h.every((part, i) => {
          const name = names[i] ?? ''
          return typeof part === 'string' ? part === name : part.testUnchecked(name)
        }),
    )
  }
}

/**
 * A matcher that selects exactly the files listed (paths relative to root, as a diff names them). For a
 * walk that counts objects (`{ counts: true }`): it says which are requested, and since only the
 * directories that hold a listed file may match, the walk looks at file names there alone and merely
 * counts the rest.
 */
export function exactFiles(relPaths: Iterable<string>): FileMatcher {
  const files = new Set(relPaths)
  /** Every directory holding a listed file, at any depth, without a trailing `/`. */
  const dirs = new Set<string>()
  for (const p of files) {
    for (let cut = p.lastIndexOf('/'); cut > 0; cut = p.lastIndexOf('/', cut - 1)) {
      const dir = p.slice(0, cut)
      if (dirs.has(dir)) break // its ancestors are in too
      dirs.add(dir)
    }
  }
  const matches = (p: string): boolean => files.has(p)
  return {
    patterns: [],
    matches,
    mayMatchUnder: (relDir) => dirs.has(relDir),
    tracker: () => ({ matches, unmatchedPatterns: () => [] }),
    select: (relPaths) => ({ files: [...relPaths].filter(matches), unmatchedPatterns: [] }),
  }
}

/** True for a path inside a `.git` directory, or a `.git` file (a submodule's link to its repository). */
function isGitPath(p: string): boolean {
  if (!p.includes('.git')) return false
  return p === '.git' || p.startsWith('.git/') || p.endsWith('/.git') || p.includes('/.git/')
}

class CompiledMatcher implements FileMatcher {
  readonly #rules: readonly Rule[]
  readonly #positives: readonly Rule[]
  /** With no positive pattern, every file starts selected (see compileFilePatterns). */
  readonly #startSelected: boolean

  constructor(
    readonly patterns: readonly string[],
    rules: readonly Rule[],
  ) {
    this.#rules = rules
    this.#positives = rules.filter((r) => r.positive)
    this.#startSelected = rules.length > 0 && this.#positives.length === 0
  }

  matches(relPath: string): boolean {
    return !isGitPath(relPath) && this.#decide(relPath)
  }

  /** matches() without the `.git` check, for callers that never see `.git` paths (the walk). */
  #decide(relPath: string): boolean {
    const rules = this.#rules
    for (let i = rules.length - 1; i >= 0; i--) {
      const rule = rules[i]
      if (rule !== undefined && rule.test(relPath)) return rule.positive
    }
    return this.#startSelected
  }

  mayMatchUnder(relDir: string): boolean {
    if (isGitPath(relDir)) return false
    // Same last-wins order as matches(): a later positive that may match below the directory keeps it;
    // a later negative that matches everything below it rules it out.
    const rules = this.#rules
    for (let i = rules.length - 1; i >= 0; i--) {
      const rule = rules[i]
      if (rule === undefined) continue
      if (rule.positive ? rule.mayMatchUnder(relDir) : rule.covers(relDir)) return rule.positive
    }
    return this.#startSelected
  }

  tracker(): MatchTracker {
    return this.#tracker(true)
  }

  /**
   * The walk's tracker. For a matcher from compileFilePatterns it skips the `.git` check (the walk never
   * enters `.git`), and when every pattern looks at file names only (`**\/*.html`), `byName` tells the
   * walk to pass just the name: the path string is then built only for the files selected.
   */
  static walkTracker(matcher: FileMatcher): MatchTracker & { byName: boolean } {
    if (!(matcher instanceof CompiledMatcher)) return Object.assign(matcher.tracker(), { byName: false })
    return Object.assign(matcher.#tracker(false), { byName: matcher.#rules.every((r) => r.byName) })
  }

  #tracker(gitCheck: boolean): MatchTracker {
    // A positive pattern counts as used once it matches a *selected* file. Counting any match instead
    // would disagree with a pruned walk, which never sees the files a later `!dir/` excludes. Each file
    // is tested only against the patterns still unused, so once all are used tracking costs nothing.
    const pending = [...this.#positives]
    return {
      matches: (relPath) => {
        const selected = gitCheck ? this.matches(relPath) : this.#decide(relPath)
        if (selected && pending.length > 0) {
          for (let i = pending.length - 1; i >= 0; i--) {
            if (pending[i]?.test(relPath) === true) pending.splice(i, 1)
          }
        }
        return selected
      },
      unmatchedPatterns: () => pending.map((r) => r.pattern),
    }
  }

  select(relPaths: Iterable<string>): Selection {
    const tracker = this.tracker()
    const files: string[] = []
    for (const p of relPaths) if (tracker.matches(p)) files.push(p)
    return { files, unmatchedPatterns: tracker.unmatchedPatterns() }
  }
}

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
  /** Entries left out, each as `path: reason` (symlink loops, broken symlinks), for a debug log. */
  skipped: string[]
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
  /** Its real path, to tell a symlink that leads back up (a loop) from one that leads elsewhere. */
  real: string
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
 * Symlinks are followed, to files and to directories, as a web server or `aws s3 sync` would; a
 * directory symlink that leads back to a directory being walked (a loop) is skipped, so the walk always
 * ends. `.git` is never entered. Sockets, FIFOs and devices are ignored (nothing serves them).
 * A directory is skipped when no pattern can select a file below it, unless `all` asks for the tree.
 *
 * @param root Directory, absolute or relative to the working directory.
 * @throws InputError('root') when root does not exist, is not a directory, or a directory cannot be read.
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

  const wantAll = options.all === true
  // Counting visits every directory like `all`, but keeps only selected names, as a plain walk does.
  const wantCounts = options.counts === true && !wantAll
  const everyDir = wantAll || wantCounts
  const dirCounts = new Map<string, { objects: number; selected: number }>()
  const tracker = CompiledMatcher.walkTracker(matcher)
  const byName = tracker.byName
  const runs: FileRun[] = []
  let run: FileRun | undefined
  let runFrame: Frame | undefined
  const all: string[] = []
  const skipped: string[] = []

  // The output is sorted by path (UTF-16 code units, the same on every machine and locale) without
  // sorting it: each directory's entries are sorted by name, a subdirectory's name with a `/` added, and
  // visited depth-first in that order. A name holds no `/`, so this is exactly the order of the full
  // paths, and it costs a sort of a few short names per directory instead of a sort of every path by
  // comparing long shared prefixes. Without `all`, a file is matched when its directory is read, and
  // only selected names are kept and sorted.
  const read = (dir: Frame): string[] => {
    let entries: Dirent[]
    try {
      entries = readdirSync(dir.abs, { withFileTypes: true })
    } catch (e) {
      throw new InputError('root', `cannot read directory ${quote(dir.rel || shown)}: ${errorMessage(e)}`)
    }
    const keys: string[] = []
    for (const entry of entries) {
      const name = entry.name
      if (name === '.git') continue
      let isFile = entry.isFile()
      let isDir = !isFile && entry.isDirectory()
      if (!isFile && !isDir && entry.isSymbolicLink()) {
        // Rare enough that the extra system calls do not matter.
        const linkPath = `${dir.abs}/${name}`
        try {
          const target = statSync(linkPath)
          isFile = target.isFile()
          if (target.isDirectory()) {
            const targetReal = realpathSync.native(linkPath)
            if (leadsBack(dir, targetReal)) {
              skipped.push(`${dir.rel}${name}: symlink loop (leads back to a parent directory)`)
              continue
            }
            ;(dir.links ??= new Map()).set(name, targetReal)
            isDir = true
          }
        } catch (e) {
          skipped.push(`${dir.rel}${name}: broken symlink (${errorMessage(e)})`)
          continue
        }
      }
      if (isFile) {
        if (wantCounts) dir.objects++
        if (wantAll || (dir.live && tracker.matches(byName ? name : dir.rel + name))) keys.push(name)
      } else if (isDir) {
        if (everyDir || matcher.mayMatchUnder(dir.rel + name)) keys.push(`${name}/`)
      }
    }
    return keys.sort()
  }

  const top: Frame = {
    abs,
    rel: '',
    real,
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
    const keys = (dir.keys ??= read(dir))
    let child: Frame | undefined
    for (let key = keys[dir.next++]; key !== undefined; key = keys[dir.next++]) {
      if (key.charCodeAt(key.length - 1) === 47 /* '/' */) {
        const name = key.slice(0, -1)
        child = {
          abs: `${dir.abs}/${name}`,
          rel: dir.rel + key,
          real: dir.links?.get(name) ?? `${dir.real}${sep}${name}`,
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

/**
 * Would entering a directory whose real path is `target` from `dir` revisit one being walked? True when
 * target is a directory on the walk's current chain, or a real ancestor of `dir` (`up -> ..`, or a link
 * to `/`). Every endless walk must pass the same symlink target twice on one chain, so this ends them all;
 * a link to a sibling is fine (its files are served under both names, so both are listed).
 */
function leadsBack(dir: Frame, target: string): boolean {
  const under = target.endsWith(sep) ? target : `${target}${sep}`
  if (dir.real === target || dir.real.startsWith(under)) return true
  for (let f: Frame | undefined = dir.parent; f !== undefined; f = f.parent)
    if (f.real === target) return true
  return false
}
