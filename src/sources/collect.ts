/**
 * Gathering what to invalidate from every source the inputs name: explicit `paths` / `paths-file`,
 * `files` patterns over `root`, the `diff` of the triggering event, and a `sync-log`. Each source yields
 * items; the planner (plan.ts) then merges, collapses and batches them per distribution.
 */
import type { Inputs } from '../inputs.js'
import { readInputFile } from '../input-file.js'
import type { Item } from '../paths/encode.js'
import { errorMessage, forInput, InputError, quote } from '../errors.js'
import { plural } from '../format.js'
import { voice } from '../voice.js'
import { dedupeItems, PathError } from '../paths/encode.js'
import type { TreeCounts } from '../paths/collapse.js'
import {
  directoryUrl,
  fileNotesWarnings,
  fileRunsToItems,
  filesToItems,
  fileUrls,
  newFileNotes,
  normalizePrefix,
} from '../paths/url.js'
import { compileFilePatterns, exactFiles, type FileMatcher } from '../paths/glob.js'
import { rootDirectory } from '../paths/root.js'
import { walkFiles, type FileRun, type WalkOptions, type WalkResult } from '../paths/walk.js'
import {
  outsideWarning,
  parseSyncLog,
  relativePaths,
  requireSingleBucket,
  syncLogWarnings,
  type SyncChange,
} from '../paths/sync-log.js'
import { changedFiles, readEventPayload, type DiffLog } from './diff.js'

/** What the sources found. */
export interface Sources {
  /** Items every distribution gets, in source order: paths, paths-file, files/diff, sync-log. */
  shared: Item[]
  /** sync-log changes to map per distribution once its origin path is known (`origin-path: auto`). */
  pendingSync?: SyncChange[]
  /** URL paths of every object under `root`, when known: the collapse planner counts unchanged objects. */
  tree?: readonly string[] | TreeCounts
  /** Why a source contributed nothing, for the `Skipped` notice. */
  empty: string[]
}

/**
 * The step's deadline, as the sources need it: a signal for what waits (git, the GitHub API), and a
 * check for what computes synchronously (the walk), which a timer cannot interrupt.
 */
export interface Deadline {
  signal: AbortSignal
  /** Throws the deadline's error once it has passed (and aborts `signal` if the timer has not yet). */
  check(): void
}

/** Entries of a walk's debug list shown at most; a hostile tree can make thousands. */
const SKIPPED_SHOWN = 50

// Items are appended with concat, never `push(...items)`: a spread passes each item as an argument, and
// past ~120,000 of them (a big site) that throws RangeError (maximum call stack size exceeded).

/** Collect items from every source. Throws InputError naming the input for what the user must fix. */
export async function collectSources(inputs: Inputs, log: DiffLog, deadline?: Deadline): Promise<Sources> {
  const sources: Sources = { shared: [...inputs.items], empty: [] }
  const walkOptions: WalkOptions = {
    shownAs: inputs.root,
    // Symlinks may lead into root and the workspace (for the CLI, the current directory), nowhere else.
    within: inputs.workspace,
    ...(deadline === undefined ? {} : { checkDeadline: () => deadline.check() }),
  }
  const url = { prefix: inputs.prefix, indexDocument: inputs.indexDocument }
  /**
   * Items from files (paths relative to root, or a walk's runs). A file no URL can name is skipped, one
   * too long for CloudFront goes through its directory's wildcard: one warning per kind, naming `input`.
   */
  const toItems = (input: string, files: readonly string[] | { runs: readonly FileRun[] }): Item[] => {
    const notes = newFileNotes()
    let items: Item[]
    try {
      items = 'runs' in files ? fileRunsToItems(files.runs, url, notes) : filesToItems(files, url, notes)
    } catch (e) {
      if (e instanceof PathError) throw new InputError(input, e.message)
      throw e
    }
    for (const w of fileNotesWarnings(input, notes)) log.warning(w)
    return items
  }
  // One matcher for `files` (with `diff`, no patterns means every changed file).
  const matcher: FileMatcher | undefined =
    inputs.files.length > 0
      ? compileFilePatterns(inputs.files)
      : inputs.diff !== ''
        ? compileFilePatterns(['**'])
        : undefined
  // The tree is known when the site's files are what the sources select (files, diff) or root is explicit.
  const wantTree =
    inputs.collapse === 'auto' && (inputs.files.length > 0 || inputs.diff !== '' || inputs.rootGiven)
  /** The files a diff requested (relative to root), when it listed them. */
  let diffFiles: string[] | undefined
  // When every requested item is a file under root (files, diff), the tree is what a walk counts per
  // directory: its objects, and how many of them are requested. Otherwise (typed paths or a sync-log
  // too) it is every file's URL.
  const onlyWalked = inputs.items.length === 0 && inputs.syncLog === undefined
  type Walked = {
    readonly files: string[]
    runs: FileRun[]
    all?: string[]
    dirCounts?: Map<string, { objects: number; selected: number }>
  }
  let walked: Walked | undefined
  const walk = (): Walked => {
    if (walked !== undefined) return walked
    const m = matcher ?? compileFilePatterns([])
    const result: Walked & WalkResult = !wantTree
      ? walkFiles(inputs.rootAbs, m, walkOptions)
      : onlyWalked
        ? walkFiles(inputs.rootAbs, m, { ...walkOptions, counts: true })
        : walkFiles(inputs.rootAbs, m, { ...walkOptions, all: true })
    if (inputs.diff === '') {
      for (const p of result.unmatchedPatterns)
        log.warning(`files: pattern ${quote(p)} matched no file under ${quote(inputs.root)}`)
    }
    reportWalk(result, inputs.root, log)
    walked = result
    return result
  }

  if (inputs.diff !== '') {
    // git would list no change under a root that is not there (a typo): say so rather than skip quietly.
    rootDirectory(inputs.rootAbs, inputs.root)
    const changed = await changedFiles({
      diff: inputs.diff,
      eventName: inputs.event.name,
      eventPayload: await readEventPayload(inputs.event.path),
      workspace: inputs.workspace,
      root: inputs.root,
      token: inputs.githubToken,
      repo: splitRepository(inputs.event.repository),
      apiUrl: inputs.event.apiUrl,
      log,
      signal: deadline?.signal,
    }).catch((e: unknown) => {
      // Every error line names the input it comes from, as the user typed it (`nope..nada`, not the
      // compare URL's `nope...nada`); input errors already do, and the deadline is the run's, not diff's.
      if (e instanceof InputError || deadline?.signal.aborted === true) throw e
      throw new Error(forInput('diff', inputs.diff, errorMessage(e)), { cause: e })
    })
    if (changed.kind === 'files') {
      const selected = (matcher ?? compileFilePatterns(['**'])).select(changed.files).files
      log.info(
        `diff ${changed.range}: ${plural(selected.length, 'changed file')} selected (from ${changed.source})`,
      )
      if (selected.length === 0)
        sources.empty.push(`no file under ${quote(inputs.root)} changed in ${changed.range}`)
      sources.shared = sources.shared.concat(toItems('diff', selected))
      diffFiles = selected
    } else if (changed.kind === 'every-file') {
      sources.shared = sources.shared.concat(toItems('files', walk()))
    } else {
      // The changed files are unknown (GitHub's list was cut): never invalidate less than what changed.
      sources.shared.push({ kind: 'wildcard', value: `${inputs.prefix}*` })
    }
  } else if (inputs.files.length > 0) {
    const { runs } = walk()
    const count = runs.reduce((n, run) => n + run.names.length, 0)
    log.info(`files: ${plural(count, 'file')} under ${quote(inputs.root)} selected`)
    if (count === 0)
      sources.empty.push(`no file under ${quote(inputs.root)} matches ${voice().option('files')}`)
    sources.shared = sources.shared.concat(toItems('files', { runs }))
  }

  if (inputs.syncLog !== undefined) readSyncLog(inputs, sources, log, toItems)
  // Each source's items are distinct; only a mix of sources can repeat a path.
  const used = [
    inputs.items.length > 0,
    inputs.files.length > 0 || inputs.diff !== '',
    inputs.syncLog !== undefined,
  ]
  if (used.filter(Boolean).length > 1) sources.shared = dedupeItems(sources.shared)

  if (wantTree) {
    try {
      // Per-directory counts say all the planner needs when every request is a file under root, for far
      // less than 100,000 URLs; otherwise the planner gets every URL (distinct files: no Set needed). A
      // diff's files are counted by a walk that selects exactly them, which looks at file names only in
      // the few directories that hold one (a diff's tree then costs about a bare walk).
      if (diffFiles !== undefined && onlyWalked) {
        const exact = walkFiles(inputs.rootAbs, exactFiles(diffFiles), { ...walkOptions, counts: true })
        // The run's only walk: walk() is not called when a diff listed its files.
        reportWalk(exact, inputs.root, log)
        sources.tree = countsTree(exact.dirCounts, inputs.prefix)
      } else {
        const { all = [], dirCounts } = walk()
        sources.tree =
          dirCounts !== undefined ? countsTree(dirCounts, inputs.prefix) : fileUrls(all, inputs.prefix)
      }
    } catch (e) {
      // The tree only refines the collapse; without it the planner's conservative prior applies.
      if (!(e instanceof InputError) || inputs.files.length > 0 || inputs.rootGiven) throw e
      log.debug(`no tree for the collapse planner: ${e.message}`)
    }
  }
  return sources
}

function readSyncLog(
  inputs: Inputs,
  sources: Sources,
  log: DiffLog,
  toItems: (input: string, relPaths: readonly string[]) => Item[],
): void {
  const text = readInputFile('sync-log', inputs.syncLog ?? '', inputs.workspace)
  const parsed = parseSyncLog(text, { includeDryRun: inputs.dryRun })
  for (const w of syncLogWarnings(parsed)) log.warning(w)
  if (parsed.changes.length === 0) {
    sources.empty.push(
      parsed.skippedDryRun > 0
        ? 'every change in the sync-log is a (dryrun) line, which did not happen'
        : 'the sync-log lists no uploaded, copied, moved or deleted object',
    )
    return
  }
  log.info(`sync-log: ${plural(parsed.changes.length, 'changed object')}`)
  if (inputs.originPath === 'auto') {
    sources.pendingSync = parsed.changes
    return
  }
  requireSingleBucket(parsed.changes)
  const rel = relativePaths(parsed.changes, () => inputs.originPath)
  if (rel.outside.length > 0) log.warning(outsideWarning(rel.outside, inputs.originPath))
  if (rel.paths.length === 0)
    sources.empty.push(`no sync-log key lies under origin-path ${quote(inputs.originPath)}`)
  sources.shared = sources.shared.concat(toItems('sync-log', rel.paths))
}

/** One warning for each kind of thing a walk left out, with a count; the entries go to the debug log. */
function reportWalk(result: WalkResult, root: string, log: DiffLog): void {
  const { outside, unreadable, skipped } = result
  if (outside.length > 0) {
    log.warning(
      `${plural(outside.length, 'symlink')} under ${quote(root)} lead${outside.length === 1 ? 's' : ''} outside the workspace and ${outside.length === 1 ? 'was' : 'were'} not followed (listed in the debug log)`,
    )
  }
  if (unreadable.length > 0) {
    const shown = unreadable.slice(0, 3).map((d) => quote(d))
    const more = unreadable.length > shown.length ? `, … (${unreadable.length - shown.length} more)` : ''
    log.warning(
      `${plural(unreadable.length, 'directory', 'directories')} under ${quote(root)} could not be read and ${unreadable.length === 1 ? 'was' : 'were'} skipped: ${shown.join(', ')}${more}`,
    )
  }
  const entries = [
    ...outside.map((p) => `${p}: symlink to outside the workspace`),
    ...skipped,
    ...unreadable.map((d) => `${d}: cannot be read`),
  ]
  for (const s of entries.slice(0, SKIPPED_SHOWN)) log.debug(`walk skipped ${s}`)
  if (entries.length > SKIPPED_SHOWN) log.debug(`walk skipped ${entries.length - SKIPPED_SHOWN} more`)
}

function splitRepository(repository: string | undefined): { owner: string; repo: string } | undefined {
  const [owner, repo, extra] = (repository ?? '').split('/')
  return owner && repo && extra === undefined ? { owner, repo } : undefined
}

/**
 * Per-directory counts (relative directories, as `walkFiles(..., { counts: true })` gives them) as the
 * planner's tree: each directory becomes its URL, its selected files the requested objects.
 */
export function countsTree(
  dirCounts: ReadonlyMap<string, { objects: number; selected: number }>,
  prefix: string,
): TreeCounts {
  const base = normalizePrefix(prefix)
  const dirs = new Map<string, { objects: number; requested: number }>()
  for (const [rel, c] of dirCounts) {
    dirs.set(directoryUrl(base, rel), { objects: c.objects, requested: c.selected })
  }
  return { dirs }
}
