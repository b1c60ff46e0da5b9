/**
 * `show TARGET/ID` (or `TARGET ID`): one invalidation, as GetInvalidation describes it: status, create
 * time, caller reference and every path.
 */
import { explained } from '../../cloudfront/errors.js'
import { withRetry } from '../../cloudfront/retry.js'
import { errorMessage } from '../../errors.js'
import { isTenant } from '../../targets.js'
import { fields, jsonDocument, shortTime } from '../output.js'
import type { Session } from '../session.js'
import { checkTarget, resolveTarget, splitInvalidation } from '../target.js'

export async function show(s: Session): Promise<number> {
  const { target: targetText, id } = splitInvalidation(s.args.positionals, 'TARGET/ID or TARGET ID')
  checkTarget(targetText)
  void s.signal // a bad --timeout is a usage error before any call
  const target = await resolveTarget(targetText, s)
  const api = await s.connect()
  const info = await withRetry(`GetInvalidation ${target.id}/${id}`, s.retry, () =>
    api.getInvalidation(target.id, id, s.signal),
  ).catch((e: unknown) => {
    const error = s.signal.aborted ? e : explained(e, 'GetInvalidation', target.id, { invalidationId: id })
    // As `list` and `distributions` do, --json still prints one document: here, what failed and why.
    if (s.json) {
      s.term.printJson(
        jsonDocument({ distributionId: target.id, id, error: errorMessage(s.stopReason ?? error) }),
      )
    }
    throw error
  })
  const paths = info.paths ?? []
  if (s.json) {
    s.term.printJson(
      jsonDocument({
        distributionId: target.id,
        ...(target.alias === undefined ? {} : { alias: target.alias }),
        id: info.id,
        status: info.status,
        createTime: info.createTime.toISOString(),
        callerReference: info.callerReference ?? null,
        pathCount: paths.length,
        paths,
      }),
    )
    return 0
  }
  const where = target.alias === undefined ? target.id : `${target.id} (${target.alias})`
  s.term.print(
    fields(s.term, [
      ['Invalidation', info.id],
      [isTenant(target.id) ? 'Tenant' : 'Distribution', where],
      ['Status', s.term.status('out', info.status)],
      ['Created', shortTime(info.createTime)],
      ['Caller reference', info.callerReference ?? ''],
      ['Paths', String(paths.length)],
    ]) + paths.map((p) => `  ${p}\n`).join(''),
  )
  return 0
}
