/**
 * `list TARGET`: a distribution's (or tenant's) invalidations, newest first, page by page as CloudFront
 * returns them, each page printed as it arrives. `--max-items N` stops after N (counted after
 * `--status`) and prints the marker that continues the listing; `--paths` adds each invalidation's paths
 * (ListInvalidations does not carry them: one GetInvalidation per row, a few at a time).
 */
import type { CloudFrontApi, InvalidationInfo } from '../../cloudfront/api.js'
import { explained } from '../../cloudfront/errors.js'
import { MAX_PAGE_ITEMS, walkPages } from '../../cloudfront/pages.js'
import { withRetry } from '../../cloudfront/retry.js'
import { errorMessage } from '../../errors.js'
import { mapLimit } from '../../map-limit.js'
import { UsageError } from '../args.js'
import { JsonArrayWriter, shortTime, TableWriter } from '../output.js'
import type { Session } from '../session.js'
import { shellWord } from '../voice.js'
import { checkTarget, resolveTarget } from '../target.js'

/**
 * GetInvalidation calls in flight at once for --paths. CloudFront's request rate limits are not
 * published; a handful keeps a 100-row page quick without inviting throttling (which is retried anyway).
 */
const PATHS_CONCURRENCY = 6

const STATUSES = ['InProgress', 'Completed'] as const

/** One row as --json prints it. */
interface Row {
  id: string
  status: string
  createTime: string
  pathCount?: number
  paths?: string[]
  callerReference?: string
}

export async function list(s: Session): Promise<number> {
  const [targetText, ...extra] = s.args.positionals
  if (targetText === undefined || extra.length > 0) {
    throw new UsageError('expected one TARGET: a distribution id, a dt_ tenant id or a domain name')
  }
  checkTarget(targetText)
  const status = parseStatus(s.flag('status'))
  const maxItems = parseMaxItems(s.flag('max-items'))
  const marker = s.flag('marker')
  if (marker !== undefined && marker.trim() === '') throw new UsageError('--marker needs a marker')
  const withPaths = s.flag('paths') === 'true'
  void s.signal // a bad --timeout is a usage error before any call

  const target = await resolveTarget(targetText, s)
  const api = await s.connect()
  const json = s.json
    ? new JsonArrayWriter(s.term, 'invalidations', {
        distributionId: target.id,
        ...(target.alias === undefined ? {} : { alias: target.alias }),
      })
    : undefined
  const table = new TableWriter(s.term, [
    { title: 'ID' },
    { title: 'STATUS', paint: (cell, padded) => padded.replace(cell, s.term.status('out', cell)) },
    { title: 'CREATED' },
    ...(withPaths ? [{ title: 'PATHS', right: true }] : []),
  ])

  let count = 0
  let next: string | undefined
  // The marker of the page being read: where to resume if it fails (its rows are not printed).
  let pageMarker = marker
  try {
    await walkPages(
      (at) => {
        pageMarker = at
        // Without a filter, ask for just what is left, so the listing stops on CloudFront's own page
        // boundary.
        const size =
          status !== undefined || maxItems === undefined
            ? MAX_PAGE_ITEMS
            : Math.min(MAX_PAGE_ITEMS, maxItems - count)
        return withRetry(`ListInvalidations ${target.id}`, s.retry, () =>
          api.listInvalidations(target.id, at, s.signal, size),
        ).catch((e: unknown) => {
          throw s.signal.aborted ? e : explained(e, 'ListInvalidations', target.id)
        })
      },
      async (page) => {
        const rows: InvalidationInfo[] = []
        let full = false
        for (const [i, item] of page.items.entries()) {
          if (status !== undefined && item.status !== status) continue
          rows.push(item)
          if (maxItems !== undefined && count + rows.length === maxItems) {
            // Stopped inside the page: CloudFront's marker is the id of the last invalidation read.
            next = i === page.items.length - 1 ? page.nextMarker : item.id
            full = true
            break
          }
        }
        count += rows.length
        const detailed = withPaths ? await details(api, target.id, rows, s) : rows
        if (json) json.items(detailed.map(toRow))
        else
          table.rows(
            detailed.map((r) => [
              r.id,
              r.status,
              shortTime(r.createTime),
              ...(withPaths ? [String(r.paths?.length ?? '')] : []),
            ]),
            (i) => (withPaths ? (detailed[i]?.paths ?? []) : []),
          )
        return !full && page.items.length > 0
      },
      Infinity,
      marker,
    )
  } catch (e) {
    // Keep the document whole: what was listed, why it stopped, and the marker to resume from (the page
    // that failed was not printed).
    json?.end({ nextMarker: pageMarker ?? null, error: errorMessage(s.stopReason ?? e) })
    if (!json && pageMarker !== undefined) s.term.say(`Stopped; resume with --marker ${pageMarker}`)
    throw e
  }

  if (json) json.end({ nextMarker: next ?? null })
  else if (count === 0)
    s.term.say(`${target.id}: no ${status === undefined ? '' : `${status} `}invalidations`)
  if (next !== undefined && !s.json) {
    const again = [
      'cloudfront-invalidate list',
      shellWord(targetText),
      ...(status === undefined ? [] : ['--status', status]),
      ...(withPaths ? ['--paths'] : []),
      '--max-items',
      String(maxItems),
      '--marker',
      shellWord(next),
    ]
    s.term.say(`More invalidations; the next ${maxItems} with: ${again.join(' ')}`)
  }
  return 0
}

/** The rows with their paths and caller references (GetInvalidation), in order, a few calls at a time. */
async function details(
  api: CloudFrontApi,
  target: string,
  rows: readonly InvalidationInfo[],
  s: Session,
): Promise<InvalidationInfo[]> {
  return mapLimit(rows, PATHS_CONCURRENCY, (row) =>
    withRetry(`GetInvalidation ${target}/${row.id}`, s.retry, () =>
      api.getInvalidation(target, row.id, s.signal),
    ).catch((e: unknown) => {
      throw s.signal.aborted ? e : explained(e, 'GetInvalidation', target)
    }),
  )
}

function toRow(i: InvalidationInfo): Row {
  return {
    id: i.id,
    status: i.status,
    createTime: i.createTime.toISOString(),
    ...(i.paths === undefined ? {} : { pathCount: i.paths.length, paths: i.paths }),
    ...(i.callerReference === undefined ? {} : { callerReference: i.callerReference }),
  }
}

function parseStatus(text: string | undefined): (typeof STATUSES)[number] | undefined {
  if (text === undefined) return undefined
  const found = STATUSES.find((st) => st.toLowerCase() === text.trim().toLowerCase())
  if (found === undefined)
    throw new UsageError(`--status ${JSON.stringify(text)}: expected ${STATUSES.join(' or ')}`)
  return found
}

function parseMaxItems(text: string | undefined): number | undefined {
  if (text === undefined) return undefined
  const n = Number(text)
  if (!/^\d+$/.test(text.trim()) || n < 1 || !Number.isSafeInteger(n))
    throw new UsageError(`--max-items ${JSON.stringify(text)}: expected a whole number of at least 1`)
  return n
}
