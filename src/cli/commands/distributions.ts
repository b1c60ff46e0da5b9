/**
 * `distributions`: every distribution of the account (ListDistributions, all pages), so a user can find
 * the id to pass: id, domain name, whether it is multi-tenant (then invalidate its dt_ tenants), status and
 * aliases. Read-only.
 */
import type { DistributionInfo } from '../../cloudfront/api.js'
import { explained } from '../../cloudfront/errors.js'
import { listAllDistributions } from '../../cloudfront/pages.js'
import { errorMessage } from '../../errors.js'
import { UsageError } from '../args.js'
import { JsonArrayWriter, TableWriter } from '../output.js'
import type { Session } from '../session.js'

export async function distributions(s: Session): Promise<number> {
  if (s.args.positionals.length > 0) {
    throw new UsageError(`takes no arguments, got ${JSON.stringify(s.args.positionals[0])}`)
  }
  void s.signal // a bad --timeout is a usage error before any call
  const api = await s.connect()
  const json = s.json ? new JsonArrayWriter(s.term, 'distributions', {}) : undefined
  const table = new TableWriter(s.term, [
    { title: 'ID' },
    { title: 'DOMAIN' },
    { title: 'MULTI-TENANT' },
    { title: 'STATUS' },
    { title: 'ALIASES' },
  ])
  let count = 0
  const onPage = (items: DistributionInfo[]): void => {
    count += items.length
    if (json) {
      json.items(
        items.map((d) => ({
          id: d.id,
          domainName: d.domainName,
          aliases: d.aliases,
          multiTenant: d.multiTenant,
          status: d.status,
          enabled: d.enabled,
          comment: d.comment,
        })),
      )
    } else {
      table.rows(
        items.map((d) => [
          d.id,
          d.domainName,
          d.multiTenant ? 'yes' : 'no',
          d.enabled ? d.status : `${d.status} (disabled)`,
          d.aliases.join(', '),
        ]),
      )
    }
  }
  try {
    await listAllDistributions(api, s.retry, onPage)
  } catch (e) {
    const error = s.signal.aborted ? e : explained(e, 'ListDistributions', 'this account')
    json?.end({ error: errorMessage(s.stopReason ?? error) })
    throw error
  }
  json?.end({})
  if (!json && count === 0) s.term.say('No distributions in this account.')
  return 0
}
