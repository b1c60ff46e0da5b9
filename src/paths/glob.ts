/**
 * Compiling the `files` patterns once into a {@link FileMatcher}: which files a pattern list selects, and
 * which directories a walk may skip because no pattern can select anything below them.
 *
 * The common pattern shapes (`**\/*.html`, `docs/**`) are tested with plain string operations instead of
 * the general glob matcher: planning is usually the only local work the action does, and matching runs
 * once per file of the site (see bench/walk.ts).
 */
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
 * test/glob.test.ts checks each shortcut against minimatch itself.
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

/**
 * The walk's tracker for a matcher: see {@link CompiledMatcher.walkTracker}. Any other matcher gets its
 * own tracker, and file paths in full.
 */
export function walkTracker(matcher: FileMatcher): MatchTracker & { byName: boolean } {
  return CompiledMatcher.walkTracker(matcher)
}
