/**
 * Reading the log of an S3 upload tool into the objects it changed (input `sync-log`, issue 7).
 *
 * Formats, as the tools' source prints them:
 * - aws-cli `aws s3 sync|cp|mv|rm` (awscli/customizations/s3/results.py, ResultPrinter):
 *   `upload: SRC to s3://B/K`, `copy: s3://A/X to s3://B/K`, `move: SRC to DST`, `delete: s3://B/K`,
 *   `download: s3://B/K to DST`; with `--dryrun` the same after `(dryrun) `. Local paths are printed
 *   relative to the working directory, S3 objects as `s3://bucket/key` with the key unencoded. Failures
 *   go to stderr as `<type> failed: <location> <exception>`, next to `fatal error: …`,
 *   `cancelled: ctrl-c received` and `warning: …`. Progress is `Completed … file(s) remaining` ended by
 *   `\r`, and each line printed after it is padded with spaces to the progress line's length, so that it
 *   fully overwrites it on a terminal.
 * - s5cmd (log/message.go): `cp SRC DST`, `mv SRC DST`, `rm s3://B/K` (`sync` prints `cp` and `rm`),
 *   errors `ERROR "cp SRC DST": message`, and with `--json` one JSON object a line. s5cmd's `--dry-run`
 *   prints exactly what a real run prints, so its dry-run logs cannot be told apart.
 *
 * Everything here is pure: the caller reads the file, and maps the keys to URLs.
 */
import { InputError, quote } from '../errors.js'
import { stripOriginPath } from './origin-path.js'
import { voice } from '../voice.js'

/** How many unreadable or failed lines a result keeps to quote; the rest are only counted. */
export const QUOTED_LINES = 5

/** What the tool did, in aws-cli's words: s5cmd's `cp` is an upload or a copy, `mv` a move, `rm` a delete. */
export type SyncOp = 'upload' | 'copy' | 'move' | 'delete'

/** One object the log says was written or removed. */
export interface SyncChange {
  op: SyncOp
  /** `written`: the destination of an upload, copy or move. `removed`: a delete, or a move's S3 source. */
  effect: 'written' | 'removed'
  bucket: string
  /** The key as the tool printed it: unencoded, trailing spaces lost (see parseSyncLog). */
  key: string
  /** From a `(dryrun)` line: the change was only previewed, it did not happen. */
  dryRun: boolean
  /** 1-based line of the log it came from (lines end at `\n`), for messages. */
  line: number
}

export interface SyncLogOptions {
  /**
   * Take `(dryrun)` lines as changes: right for a dry run of the action, which previews. A real run
   * must not invalidate changes that did not happen, so by default they are counted and skipped.
   */
  includeDryRun: boolean
}

export interface SyncLogResult {
  /** In log order; a key changed twice appears twice (relativePaths dedupes). */
  changes: SyncChange[]
  /** `(dryrun)` lines that describe changes and were skipped (includeDryRun false). */
  skippedDryRun: number
  /** The first QUOTED_LINES lines reporting a failed operation or an aborted run. */
  failures: string[]
  failureCount: number
  /** The first QUOTED_LINES lines that are none of the known forms. */
  unreadable: string[]
  unreadableCount: number
}

/** aws-cli progress, both forms (bytes known or not), with or without ` (calculating...)`. */
const AWS_PROGRESS = /^Completed .* file\(s\) remaining/
// `s`: a key may hold U+2028/U+2029, which `.` would not match otherwise.
const AWS_RESULT = /^(\(dryrun\) )?(upload|copy|move|delete|download): (.+)$/s
/** Errors: a failed transfer (`upload failed: …`), or a run that stopped before the end. */
const AWS_FAILURE = /^(?:[a-z]+ failed: |fatal error: |cancelled: )/
/** Lines that are known and change nothing: skipped files (aws), debug output (s5cmd). */
const NOISE = /^(?:warning: |DEBUG )/
const S5CMD_RESULT = /^(cp|mv|rm) (.+)$/s
const S5CMD_ERROR = /^ERROR /

/** A parsed `s3://` URL, `'local'` for a path on disk (or `-`, a stream), `'bad'` for a broken URL. */
type Location = { bucket: string; key: string } | 'local' | 'bad'

/** What a line changed, before it is stamped with dryRun and line. */
type Found = Array<Pick<SyncChange, 'op' | 'effect' | 'bucket' | 'key'>>

/**
 * Read a sync log into the objects it changed.
 *
 * Splits on `\n` and on `\r` (aws-cli's progress lines end in a bare `\r`; Windows logs end in `\r\n`),
 * drops the trailing spaces aws-cli pads result lines with, and skips progress and blank lines. A key
 * that really ends in a space cannot be told from padding, and loses it.
 *
 * `SRC to DST` pairs are split at the ` to ` (s5cmd: the space) before `s3://`. A local path never holds
 * `s3://` (the CLI prints it normalised, and `//` collapses), so for an upload the first such separator
 * is the right one, whatever the names hold. When the source is in S3 too, a key may hold the separator;
 * the split whose two sides end in the same file name is taken (what sync, `cp --recursive` and
 * `mv --recursive` print), else the first.
 */
export function parseSyncLog(text: string, options: SyncLogOptions): SyncLogResult {
  const result: SyncLogResult = {
    changes: [],
    skippedDryRun: 0,
    failures: [],
    failureCount: 0,
    unreadable: [],
    unreadableCount: 0,
  }
  // A BOM appears when the log went through PowerShell or an editor on Windows.
  const lines = text.replace(/^\uFEFF/, '').split('\n')
  lines.forEach((physical, index) => {
    for (const segment of physical.split('\r'))
      readLine(segment.replace(/ +$/, ''), index + 1, options, result)
  })
  return result
}

function readLine(line: string, lineNo: number, options: SyncLogOptions, result: SyncLogResult): void {
  if (line.trim() === '' || AWS_PROGRESS.test(line) || NOISE.test(line)) return
  if (AWS_FAILURE.test(line) || S5CMD_ERROR.test(line)) return keep(result, 'failure', line)

  let found: Found | undefined
  let dryRun = false
  const aws = AWS_RESULT.exec(line)
  const s5cmd = aws ? null : S5CMD_RESULT.exec(line)
  if (aws) {
    dryRun = aws[1] !== undefined
    found = fromAws(aws[2] ?? '', aws[3] ?? '')
  } else if (s5cmd) {
    found = fromS5cmd(s5cmd[1] ?? '', s5cmd[2] ?? '')
  } else if (line.startsWith('{')) {
    const json = fromS5cmdJson(line)
    if (json === 'failure') return keep(result, 'failure', line)
    found = json
  }
  if (found === undefined) return keep(result, 'unreadable', line)

  if (dryRun && !options.includeDryRun) {
    if (found.length > 0) result.skippedDryRun++
    return
  }
  for (const change of found) result.changes.push({ ...change, dryRun, line: lineNo })
}

function keep(result: SyncLogResult, kind: 'failure' | 'unreadable', line: string): void {
  const list = kind === 'failure' ? result.failures : result.unreadable
  if (list.length < QUOTED_LINES) list.push(line)
  if (kind === 'failure') result.failureCount++
  else result.unreadableCount++
}

function fromAws(type: string, location: string): Found | undefined {
  // Downloads change nothing in S3; a `delete:` of a local path comes from `sync s3://… ./dir --delete`.
  if (type === 'download') return []
  if (type === 'delete') return changes('delete', location, undefined)
  const pair = splitPair(location, ' to ')
  if (pair === undefined) return undefined
  if (type === 'copy' && !pair[0].startsWith('s3://')) return undefined
  return changes(type === 'move' ? 'move' : type === 'copy' ? 'copy' : 'upload', pair[0], pair[1])
}

function fromS5cmd(op: string, location: string): Found | undefined {
  if (op === 'rm') return changes('delete', location, undefined)
  const pair = splitPair(location, ' ')
  if (pair === undefined) return undefined
  return fromS5cmdPair(op, pair[0], pair[1])
}

function fromS5cmdPair(op: string, src: string, dst: string): Found | undefined {
  if (op === 'mv') return changes('move', src, dst)
  if (!dst.startsWith('s3://')) return [] // a download
  return changes(src.startsWith('s3://') ? 'copy' : 'upload', src, dst)
}

/** s5cmd `--json`: `{"operation":"cp","success":true,"source":…,"destination":…}`, or `{…,"error":…}`. */
function fromS5cmdJson(line: string): Found | 'failure' | undefined {
  let value: unknown
  try {
    value = JSON.parse(line)
  } catch {
    return undefined
  }
  if (!isRecord(value)) return undefined
  if (typeof value.error === 'string') return 'failure'
  const { operation, success, source, destination } = value
  if (success !== true || typeof operation !== 'string' || typeof source !== 'string') return undefined
  if (operation === 'rm') return changes('delete', source, undefined)
  if (operation !== 'cp' && operation !== 'mv') return [] // ls, mb, … change no object
  return typeof destination === 'string' ? fromS5cmdPair(operation, source, destination) : undefined
}

/**
 * The objects one operation changed, or `undefined` when its S3 side is unreadable. Only S3 sides count:
 * a move to disk removes its S3 source, a move from disk writes its destination.
 */
function changes(op: SyncOp, src: string, dst: string | undefined): Found | undefined {
  const from = parseLocation(src)
  const to = dst === undefined ? 'local' : parseLocation(dst)
  if (from === 'bad' || to === 'bad') return undefined
  const found: Found = []
  if (op === 'delete' || op === 'move') {
    if (from !== 'local') found.push({ op, effect: 'removed', ...from })
  }
  if (op !== 'delete') {
    if (to === 'local') return op === 'move' ? found : undefined // upload/copy always end in S3
    found.push({ op, effect: 'written', ...to })
  }
  return found
}

/** Split `SRC<sep>DST` (see parseSyncLog for the rule), or `undefined` when there is no separator. */
function splitPair(location: string, sep: string): [string, string] | undefined {
  if (!location.startsWith('s3://')) {
    const cut = location.indexOf(`${sep}s3://`)
    return cut === -1 ? undefined : [location.slice(0, cut), location.slice(cut + sep.length)]
  }
  const pairs: Array<[string, string]> = []
  for (let cut = location.indexOf(sep, 5); cut !== -1; cut = location.indexOf(sep, cut + 1)) {
    pairs.push([location.slice(0, cut), location.slice(cut + sep.length)])
  }
  // If some split leaves an S3 destination it is a copy (or S3 move); a download's local path never
  // starts with `s3://`, so prefer those.
  const toS3 = pairs.filter(([, dst]) => dst.startsWith('s3://'))
  const pool = toS3.length > 0 ? toS3 : pairs
  return pool.find(([src, dst]) => baseName(src) === baseName(dst)) ?? pool[0]
}

function baseName(path: string): string {
  return path.slice(Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\')) + 1)
}

function parseLocation(text: string): Location {
  if (!text.startsWith('s3://')) return 'local'
  const parts = text.slice('s3://'.length).split('/')
  // An access point ARN stands where the bucket goes and holds slashes of its own:
  // arn:aws:s3:REGION:ACCOUNT:accesspoint/NAME, arn:aws:s3-outposts:…:outpost/ID/accesspoint/NAME.
  const head = parts[0] ?? ''
  const bucketParts = !head.startsWith('arn:') ? 1 : head.endsWith(':outpost') ? 4 : 2
  const bucket = parts.slice(0, bucketParts).join('/')
  const key = parts.slice(bucketParts).join('/')
  // No key: `s3://bucket` or `s3://bucket/` names no object.
  return head === '' || parts.length <= bucketParts || key === '' ? 'bad' : { bucket, key }
}

/** The buckets the changes touch, in order of first appearance. */
export function bucketsIn(changes: readonly SyncChange[]): string[] {
  return [...new Set(changes.map((c) => c.bucket))]
}

/**
 * With an explicit (or empty) `origin-path`, one prefix is stripped from every key, which only makes
 * sense for one bucket. Returns that bucket (`undefined` for no changes); throws an InputError listing
 * the buckets when the log names several. A move between buckets touches both.
 */
export function requireSingleBucket(changes: readonly SyncChange[]): string | undefined {
  const buckets = bucketsIn(changes)
  if (buckets.length > 1) {
    throw new InputError(
      'sync-log',
      `the log changes objects in ${buckets.length} buckets (${buckets.join(', ')}), but one ` +
        `${voice().option('origin-path')} can only map one bucket. Set ${voice().setting('origin-path', 'auto')} ` +
        `to take the buckets the distributions serve, ` +
        `or give each bucket its own log and step.`,
    )
  }
  return buckets[0]
}

/** Changed keys as paths relative to the distribution's root, and what could not be placed there. */
export interface RelativePaths {
  /** Keys minus their origin path, no leading `/`, deduplicated (first wins), in log order. */
  paths: string[]
  /** `s3://bucket/key` of changes outside their bucket's origin path (not served, skipped), deduplicated. */
  outside: string[]
  /** Buckets that `originPathOf` reported as not served: all their changes skipped. */
  unserved: string[]
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/**
 * Map changes to paths relative to one distribution's root: each key minus its bucket's origin path
 * (see stripOriginPath). `originPathOf` gives a bucket's origin path, or `undefined` when the
 * distribution does not serve the bucket: `() => explicitOriginPath`, or for `origin-path: auto`
 * `(b) => originPathFor(b, view)?.originPath`.
 *
 * The key equal to the origin path itself (a "folder" object such as `site/`) maps to no file path and
 * is left out.
 */
export function relativePaths(
  changes: readonly SyncChange[],
  originPathOf: (bucket: string) => string | undefined,
): RelativePaths {
  const prefixes = new Map<string, string | undefined>()
  const seen = new Set<string>()
  const outside = new Set<string>()
  const out: RelativePaths = { paths: [], outside: [], unserved: [] }
  for (const { bucket, key } of changes) {
    if (!prefixes.has(bucket)) {
      const originPath = originPathOf(bucket)
      prefixes.set(bucket, originPath)
      if (originPath === undefined) out.unserved.push(bucket)
    }
    const originPath = prefixes.get(bucket)
    if (originPath === undefined) continue
    const path = stripOriginPath(key, originPath)
    if (path === undefined) {
      const url = `s3://${bucket}/${key}`
      if (!outside.has(url)) out.outside.push(url)
      outside.add(url)
    } else if (path !== '' && !seen.has(path)) {
      seen.add(path)
      out.paths.push(path)
    }
  }
  return out
}

/**
 * The warnings a parsed log calls for, one string each, ready for `core.warning`: skipped `(dryrun)`
 * lines, failed operations, unreadable lines (quoting the first few).
 */
export function syncLogWarnings(result: SyncLogResult): string[] {
  const warnings: string[] = []
  if (result.skippedDryRun > 0) {
    warnings.push(
      `sync-log: skipped ${plural(result.skippedDryRun, '(dryrun) line')}: they describe changes that did ` +
        `not happen. Run the sync without --dryrun, or preview with this action's dry-run.`,
    )
  }
  if (result.failureCount > 0) {
    warnings.push(
      `sync-log: the log reports ${plural(result.failureCount, 'failed or aborted operation')}; objects ` +
        `they did not change are not invalidated: ${quoteAll(result.failures, result.failureCount)}`,
    )
  }
  if (result.unreadableCount > 0) {
    warnings.push(
      `sync-log: ignored ${plural(result.unreadableCount, 'line')} that are not aws s3 or s5cmd output: ` +
        quoteAll(result.unreadable, result.unreadableCount),
    )
  }
  return warnings
}

/**
 * Warning for changes outside the origin path, quoting the first few. Give the explicit `origin-path`;
 * leave it out with `origin-path: auto`, where each bucket has its own.
 */
export function outsideWarning(outside: readonly string[], originPath?: string): string {
  const where = originPath === undefined ? 'their origin path' : `origin path ${quote(originPath)}`
  return (
    `sync-log: skipped ${plural(outside.length, 'object')} outside ${where}, which the distribution ` +
    `does not serve: ${quoteAll(outside.slice(0, QUOTED_LINES), outside.length)}`
  )
}

/** Warning for buckets no distribution serves (`origin-path: auto`). */
export function unservedWarning(buckets: readonly string[]): string {
  return (
    `sync-log: skipped the objects of ${plural(buckets.length, 'bucket')} that none of the distributions ` +
    `serves: ${buckets.join(', ')}`
  )
}

function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`
}

function quoteAll(shown: readonly string[], total: number): string {
  const more = total > shown.length ? ` and ${total - shown.length} more` : ''
  return shown.map((line) => quote(line, 120)).join(', ') + more
}
