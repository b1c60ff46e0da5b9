/**
 * The one place inputs are read and checked. Every problem becomes an InputError naming the input, the
 * value and what is allowed, before any AWS call is made. The action passes `core.getInput`; the CLI
 * passes its parsed flags; both go through the same checks, so the two cannot drift.
 */
import { resolve } from 'node:path'
import { randomUUID } from 'node:crypto'
import {
  DEFAULT_MAX_CONCURRENCY,
  DEFAULT_TIMEOUT_MS,
  DEFAULT_VERIFY_SAMPLE,
  MAX_BATCH_SIZE,
  MAX_CONCURRENCY,
  MAX_TIMEOUT_MS,
  MAX_VERIFY_SAMPLE,
} from './constants.js'
import { parseDuration } from './duration.js'
import { InputError, quote } from './errors.js'
import { formatCount } from './format.js'
import { checkInputFile, readInputFile } from './input-file.js'
import { itemKey, normalizeItem, PathError, type Item } from './paths/encode.js'
import { normalizeOriginPath } from './paths/origin-path.js'
import { normalizePrefix } from './paths/url.js'
import { parseRangeInput } from './sources/event.js'
import { ALL_TENANTS, isTenant, parseTarget, parseWaitFor, type WaitTarget } from './targets.js'
import type { VerifySettings } from './verify/run.js'
import { parseVerifyUrl } from './verify/settings.js'
import { voice } from './voice.js'
import { parseTenants, type TenantSelection } from './tenants.js'

/** Reads one input's raw text ('' when not given). */
export type InputReader = (name: string) => string

/** The environment variables the action depends on, read in one place. */
export type Env = Readonly<Record<string, string | undefined>>

/** Everything the run needs, validated. */
export interface Inputs {
  /**
   * Distribution ids, tenant ids (dt_…) and alternate domain names to resolve, in the order given,
   * without duplicates. Empty with `wait-for`.
   */
  distributionIds: string[]
  /** `wait-for`: invalidations of an earlier step to wait for; creates nothing. */
  waitFor?: WaitTarget[]
  /**
   * `tenants`: invalidate tenants of the multi-tenant distributions in `distribution-id` instead of the
   * distributions themselves: every one (`all`), or those whose name, domain or id matches a pattern.
   * Absent: the distributions themselves.
   */
  tenants?: TenantSelection
  /** `max-concurrency`: CloudFront requests in flight at once, at most. */
  maxConcurrency: number
  /** Items from `paths` then `paths-file`: normalised, encoded, deduplicated, in order. */
  items: Item[]
  /** Whether `paths` or `paths-file` was given at all (an empty file is "nothing to do", not an error). */
  pathsGiven: boolean
  /** Most paths per CreateInvalidation request (1–3000). */
  batchSize: number
  /** Wait until every invalidation is Completed. */
  wait: boolean
  /** Budget for the whole step, in milliseconds. */
  timeoutMs: number
  /** `on-timeout`: what a deadline that leaves invalidations in progress does to the step. */
  onTimeout: 'fail' | 'warn'
  /**
   * Base of every batch's CallerReference: `caller-reference` as given, else unique to this execution
   * (see readCallerReference).
   */
  callerReference: string
  /** Plan and report only: no AWS call, no credentials needed. */
  dryRun: boolean
  /** Region the SDK signs for (CloudFront is global; the SDK still wants one). */
  awsRegion: string
  /** Where relative file inputs are resolved: GITHUB_WORKSPACE for the action, the cwd for the CLI. */
  workspace: string
  /** `root`: the directory served at the site root, as given (relative to `workspace`) and resolved. */
  root: string
  rootAbs: string
  /** Whether `root` was set explicitly (then its tree is known to the collapse planner). */
  rootGiven: boolean
  /** `files`: minimatch patterns relative to root (empty: none given). */
  files: string[]
  /** `diff`: '' (off), 'auto', or a range such as 'BASE..HEAD'. */
  diff: string
  /** `prefix`, normalised to `/` or `/dir/`. */
  prefix: string
  /** `index-document` ('' turns the directory URL off). */
  indexDocument: string
  /** `github-token`, used only when git history is not enough for `diff`. */
  githubToken: string
  /** `collapse`: plan wildcards (`auto`) or submit the paths as computed (`off`). */
  collapse: 'auto' | 'off'
  /** `max-paths`: cap on billed paths per distribution per run. */
  maxPaths?: number
  /** `sync-log`: the absolute path of an `aws s3 sync` / s5cmd log, when given. */
  syncLog?: string
  /** `origin-path`: '' (strip nothing), 'auto', or a key prefix normalised to `dir/`. */
  originPath: string
  /**
   * `verify` (with `verify-url`, `verify-sample`, `on-stale`): once every invalidation is Completed,
   * check a sample of the invalidated URLs at the edge. Absent when off. Implies `wait`.
   */
  verify?: VerifySettings
  /** The triggering event, for `diff: auto`. */
  event: { name: string; path?: string; repository?: string; apiUrl?: string }
}

/** YAML 1.2 core-schema booleans, as `core.getBooleanInput` accepts them. */
const TRUE = new Set(['true', 'True', 'TRUE'])
const FALSE = new Set(['false', 'False', 'FALSE'])

/** Read and validate every input. Throws InputError on the first problem. */
export function readInputs(read: InputReader, env: Env, cwd: string = process.cwd()): Inputs {
  const workspace = env.GITHUB_WORKSPACE || cwd
  const waitForText = read('wait-for').trim()
  const distributionText = read('distribution-id').trim()
  if (waitForText !== '' && distributionText !== '') {
    throw new InputError(
      'wait-for',
      `waits for invalidations an earlier step made, and creates none: drop ${voice().option('distribution-id')} (or drop ${voice().option('wait-for')} to create invalidations)`,
    )
  }
  const distributionIds = waitForText === '' ? readDistributionIds(distributionText) : []
  const batchSize = readInteger(read, 'batch-size', 1, MAX_BATCH_SIZE, MAX_BATCH_SIZE)
  const verify = readVerify(read)
  // Verification runs once every invalidation is Completed, so it waits for them.
  const wait = readBoolean(read, 'wait', false) || verify !== undefined
  const dryRun = readBoolean(read, 'dry-run', false)
  const timeoutMs = readTimeout(read('timeout'))
  const onTimeout = readChoice(read, 'on-timeout', ['fail', 'warn'] as const, 'fail')
  const callerReference = readCallerReference(read('caller-reference'), env)
  const tenants = parseTenants(read('tenants'))
  const maxConcurrency = readInteger(read, 'max-concurrency', 1, MAX_CONCURRENCY, DEFAULT_MAX_CONCURRENCY)
  const awsRegion = readRegion(read('aws-region'), env)

  const pathsText = read('paths')
  const pathsFile = read('paths-file').trim()
  const items: Item[] = []
  const seen = new Set<string>()
  addItems(items, seen, pathsText.split(/\r?\n/), 'paths')
  if (pathsFile !== '')
    addItems(items, seen, readInputFile('paths-file', pathsFile, workspace).split(/\r?\n/), 'paths-file')
  const pathsGiven = pathsText.trim() !== '' || pathsFile !== ''

  const rootText = read('root').trim()
  const root = rootText === '' ? '.' : rootText
  const files = read('files')
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '')
  const diff = read('diff').trim()
  if (diff !== '' && diff !== 'auto') parseRangeInput(diff) // throws InputError('diff') with the usage
  const prefix = wrapPathError('prefix', () => normalizePrefix(read('prefix')))
  const indexDocument = readIndexDocument(read('index-document'))
  const collapse = readChoice(read, 'collapse', ['auto', 'off'] as const, 'auto')
  const maxPathsText = read('max-paths').trim()
  let maxPaths: number | undefined
  if (maxPathsText !== '') {
    if (collapse === 'off') {
      throw new InputError(
        'max-paths',
        `is set (${quote(maxPathsText)}) beside ${voice().setting('collapse', 'off')}; use ${voice().setting('collapse', 'auto')}, or drop ${voice().option('max-paths')}`,
      )
    }
    maxPaths = readInteger(read, 'max-paths', 1, Number.MAX_SAFE_INTEGER, 1)
  }
  const syncLogText = read('sync-log').trim()
  const syncLog = syncLogText === '' ? undefined : checkInputFile('sync-log', syncLogText, workspace)
  const originPath = readOriginPath(read('origin-path'), dryRun, syncLog !== undefined)
  const base = (): Inputs => ({
    distributionIds,
    items,
    pathsGiven,
    maxConcurrency,
    batchSize,
    wait,
    timeoutMs,
    onTimeout,
    callerReference,
    dryRun,
    awsRegion,
    workspace,
    root,
    rootAbs: resolve(workspace, root),
    rootGiven: rootText !== '',
    files,
    diff,
    prefix,
    indexDocument,
    githubToken: read('github-token').trim(),
    collapse,
    originPath,
    ...(verify === undefined ? {} : { verify }),
    event: {
      name: env.GITHUB_EVENT_NAME ?? '',
      ...(env.GITHUB_EVENT_PATH ? { path: env.GITHUB_EVENT_PATH } : {}),
      ...(env.GITHUB_REPOSITORY ? { repository: env.GITHUB_REPOSITORY } : {}),
      ...(env.GITHUB_API_URL ? { apiUrl: env.GITHUB_API_URL } : {}),
    },
  })

  if (tenants !== undefined) {
    const tenant = distributionIds.find(isTenant)
    if (tenant !== undefined) {
      throw new InputError(
        'tenants',
        `selects tenants of the multi-tenant distributions in ${voice().option('distribution-id')}, and ${quote(tenant)} is a tenant itself: name its distribution instead, or drop ${voice().option('tenants')} to invalidate the tenants listed`,
      )
    }
  }
  if (distributionIds.some(isTenant) && originPath === 'auto') {
    throw new InputError(
      'origin-path',
      "'auto' reads distributions' origins, not a tenant's: give the key prefix explicitly for dt_ ids",
    )
  }
  if (waitForText !== '') {
    const given = [
      ['paths', pathsText.trim() !== ''],
      ['paths-file', pathsFile !== ''],
      ['files', files.length > 0],
      ['diff', diff !== ''],
      ['sync-log', syncLog !== undefined],
      ['tenants', tenants !== undefined],
    ].filter(([, on]) => on)
    if (given.length > 0) {
      throw new InputError(
        'wait-for',
        `waits for existing invalidations and creates none, so ${given.map(([n]) => voice().option(String(n))).join(', ')} cannot be used beside it`,
      )
    }
    const waitFor = readWaitFor(waitForText, workspace)
    const wide = waitFor.find((t) => t.id === ALL_TENANTS)
    checkOneVerifyUrl(
      verify,
      new Set(waitFor.map((t) => t.distributionId)).size,
      wide && `${wide.distributionId}/${ALL_TENANTS}`,
    )
    return { ...base(), waitFor }
  }
  if (!pathsGiven && files.length === 0 && diff === '' && syncLog === undefined) {
    throw new InputError(
      'paths',
      `nothing to invalidate: give ${['paths', 'paths-file', 'files', 'diff'].map((n) => voice().option(n)).join(', ')} or ${voice().option('sync-log')}`,
    )
  }

  checkOneVerifyUrl(verify, distributionIds.length, tenants && voice().option('tenants'))
  const inputs: Inputs = base()
  if (tenants !== undefined) inputs.tenants = tenants
  if (maxPaths !== undefined) inputs.maxPaths = maxPaths
  if (syncLog !== undefined) inputs.syncLog = syncLog
  return inputs
}

/** `verify`, `verify-url`, `verify-sample`, `on-stale`; undefined when `verify` is off. */
function readVerify(read: InputReader): VerifySettings | undefined {
  const on = readBoolean(read, 'verify', false)
  // Checked even with verify off: a typo (`on-stale: warm`) is an error, as in every other input.
  const sample = readInteger(read, 'verify-sample', 1, MAX_VERIFY_SAMPLE, DEFAULT_VERIFY_SAMPLE)
  const onStale = readChoice(read, 'on-stale', ['fail', 'warn'] as const, 'fail')
  const urlText = read('verify-url').trim()
  // The runner passes every default, so only verify-url (default empty) can tell it was set for nothing.
  if (!on) {
    if (urlText !== '')
      throw new InputError(
        'verify-url',
        `is set (${quote(urlText)}) but ${voice().option('verify')} is off: use ${voice().setting('verify', true)}, or drop ${voice().option('verify-url')}`,
      )
    return undefined
  }
  const settings: VerifySettings = { sample, onStale }
  if (urlText !== '') {
    const parsed = parseVerifyUrl(urlText)
    if ('error' in parsed) throw new InputError('verify-url', `${quote(urlText)} ${parsed.error}`)
    settings.url = parsed.url
  }
  return settings
}

/**
 * One `verify-url` names one site: with several distributions, or with tenants chosen as a group
 * (`tenantsBy`: `tenants`, or a `DIST/dt_*` gate), each is checked at its own domain.
 */
function checkOneVerifyUrl(
  verify: VerifySettings | undefined,
  distributions: number,
  tenantsBy: string | undefined,
): void {
  if (verify?.url === undefined) return
  if (distributions > 1) {
    throw new InputError(
      'verify-url',
      `names one site, but ${distributions} distributions are given: drop ${voice().option('verify-url')} to check each at its own domain name`,
    )
  }
  if (tenantsBy !== undefined) {
    throw new InputError(
      'verify-url',
      `names one site, but ${tenantsBy} selects tenants, each at its own domain: drop ${voice().option('verify-url')} to check each tenant at its own`,
    )
  }
}

function wrapPathError<T>(input: string, fn: () => T): T {
  try {
    return fn()
  } catch (e) {
    if (e instanceof PathError) throw new InputError(input, e.message)
    throw e
  }
}

function readChoice<T extends string>(
  read: InputReader,
  name: string,
  allowed: readonly T[],
  fallback: T,
): T {
  const text = read(name).trim()
  if (text === '') return fallback
  const found = allowed.find((a) => a === text)
  if (found === undefined) throw new InputError(name, `${quote(text)} is not one of: ${allowed.join(', ')}`)
  return found
}

/** A file name such as index.html: served at its directory too. No '/' or '*': it is a name, not a path. */
function readIndexDocument(text: string): string {
  const name = text.trim()
  if (/[/*?]/.test(name)) {
    throw new InputError(
      'index-document',
      `${quote(name)} must be a plain file name such as index.html (or empty to turn it off)`,
    )
  }
  return name
}

/** `origin-path`: '', 'auto', or a key prefix. `auto` reads distributions, so it needs an AWS call. */
function readOriginPath(text: string, dryRun: boolean, syncLogGiven: boolean): string {
  const value = text.trim()
  if (value === '') return ''
  if (!syncLogGiven)
    throw new InputError(
      'origin-path',
      `applies to sync-log keys only: set ${voice().option('sync-log')}, or drop ${voice().option('origin-path')}`,
    )
  if (value === 'auto') {
    if (dryRun) {
      throw new InputError(
        'origin-path',
        "'auto' reads the distributions' origins, and a dry run makes no AWS call: give the prefix itself (e.g. site/, or empty for none)",
      )
    }
    return 'auto'
  }
  if (value.includes('*'))
    throw new InputError('origin-path', `${quote(value)} is an S3 key prefix, not a pattern`)
  return normalizeOriginPath(value)
}

/**
 * `wait-for`: the text itself, or, when it is one line ending in .json, the `invalidations-file` it names
 * (absolute, or relative to the workspace), read like every other input file.
 */
function readWaitFor(text: string, workspace: string): WaitTarget[] {
  let content = text
  let where = ''
  if (!text.includes('\n') && /\.json$/i.test(text) && !text.startsWith('[')) {
    content = readInputFile('wait-for', text, workspace)
    where = `the file ${quote(text)} `
    if (content.trim() === '')
      throw new InputError('wait-for', `${where}is empty: expected an invalidations-file`)
  }
  const waitFor = parseWaitFor(content)
  if (typeof waitFor === 'string') throw new InputError('wait-for', `${where}${waitFor}`)
  return waitFor
}

/** Ids separated by newlines or commas; duplicates dropped. */
function readDistributionIds(text: string): string[] {
  // Ids, tenant ids and domain names: see targets.ts.
  const ids = [
    ...new Set(
      text
        .split(/[\n,]/)
        .map((s) => s.trim())
        .filter((s) => s !== ''),
    ),
  ]
  if (ids.length === 0) {
    throw new InputError(
      'distribution-id',
      `is required: one or more CloudFront distribution ids (e.g. E2EXAMPLE0000), or ${voice().option('wait-for')} to wait for invalidations made earlier`,
    )
  }
  for (const id of ids) {
    const target = parseTarget(id)
    if (typeof target === 'string') throw new InputError('distribution-id', target)
  }
  return ids
}

function addItems(items: Item[], seen: Set<string>, lines: readonly string[], input: string): void {
  lines.forEach((line, index) => {
    let item: Item | undefined
    try {
      item = normalizeItem(line)
    } catch (e) {
      if (!(e instanceof PathError)) throw e
      const where = input === 'paths-file' ? `line ${index + 1}: ` : ''
      throw new InputError(input, `${where}${e.message}`)
    }
    if (item !== undefined && !seen.has(itemKey(item))) {
      seen.add(itemKey(item))
      items.push(item)
    }
  })
}

function readBoolean(read: InputReader, name: string, fallback: boolean): boolean {
  const text = read(name).trim()
  if (text === '') return fallback // core.getBooleanInput would throw here; an omitted input is the default
  if (TRUE.has(text)) return true
  if (FALSE.has(text)) return false
  throw new InputError(name, `${quote(text)} is not a boolean: use true or false`)
}

function readInteger(read: InputReader, name: string, min: number, max: number, fallback: number): number {
  const text = read(name).trim()
  if (text === '') return fallback
  const n = Number(text)
  if (!/^\d+$/.test(text) || n < min || n > max) {
    // In words people use: no "from 1 to 9007199254740991" for "no upper limit".
    const allowed =
      max >= Number.MAX_SAFE_INTEGER
        ? `a whole number, ${formatCount(min)} or more`
        : `a whole number from ${formatCount(min)} to ${formatCount(max)}`
    throw new InputError(name, `${quote(text)} is not ${allowed}`)
  }
  return n
}

/** `aws-region`, else the environment's, else us-east-1 (CloudFront is global; the SDK still wants one). */
export function readRegion(text: string, env: Env): string {
  const region = text.trim() || env.AWS_REGION || env.AWS_DEFAULT_REGION || 'us-east-1'
  if (!/^[a-z]{2}(-[a-z]+)+-\d+$/.test(region)) {
    throw new InputError('aws-region', `${quote(region)} is not an AWS region name (e.g. us-east-1)`)
  }
  return region
}

/** `timeout` in milliseconds (DEFAULT_TIMEOUT_MS when empty). */
export function readTimeout(text: string): number {
  if (text.trim() === '') return DEFAULT_TIMEOUT_MS
  const ms = parseDuration(text)
  if (ms === undefined || ms <= 0) {
    throw new InputError(
      'timeout',
      `${quote(text)} is not a duration: use seconds (900) or 90s, 15m, 1h, 1h30m`,
    )
  }
  // An error, not a clamp: a value this long is a slip (ms for s, an extra digit), and a clamped one
  // would hold a runner for weeks; a timer past the maximum would instead fire at once.
  if (ms > MAX_TIMEOUT_MS) {
    throw new InputError(
      'timeout',
      `${quote(text)} is longer than a timer can hold: at most ${MAX_TIMEOUT_MS / 3_600_000}h (${(MAX_TIMEOUT_MS / 86_400_000).toFixed(1)} days); a job ends long before that`,
    )
  }
  return ms
}

/**
 * The base of every batch's CallerReference (scheduler.ts `callerReference` adds the distribution, the
 * batch number and a hash of the batch's paths). CloudFront answers a create whose reference and paths it
 * has seen before with the earlier invalidation, so the base must be
 * - the same for every retry within this execution: a create retried after its answer was lost then
 *   finds the invalidation it made instead of making a second one, and
 * - different in every other execution: two jobs of one workflow run (matrix legs, a reusable workflow
 *   called twice, a deploy job and a later purge job) share the run id, the attempt and often the step id,
 *   and a second job handed the first one's invalidation would invalidate nothing.
 * So the default is a random UUID v4, drawn here once per execution (the action reads its inputs once per
 * process), after the run id, attempt and job that make it readable in ListInvalidations. An explicit
 * `caller-reference` is used as given: the same value makes a rerun deliberately idempotent.
 */
function readCallerReference(text: string, env: Env): string {
  const given = text.trim()
  if ([...given].some((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f)) {
    throw new InputError('caller-reference', `${quote(given)} contains control characters`)
  }
  if (given !== '') return given
  const runId = env.GITHUB_RUN_ID
  if (!runId) return `cli-${randomUUID()}`
  // GITHUB_JOB is the job's id in the workflow (letters, digits, '-', '_'); cut, it only helps a reader.
  const job = (env.GITHUB_JOB ?? '').replace(/[^A-Za-z0-9_-]/g, '').slice(0, 24)
  return `${runId}-${env.GITHUB_RUN_ATTEMPT ?? '1'}${job === '' ? '' : `-${job}`}-${randomUUID()}`
}
