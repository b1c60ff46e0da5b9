/**
 * `wait TARGET/ID…`: the action's `wait-for` gate from a terminal. It creates nothing; it waits until
 * every invalidation named is Completed, with a progress line, and fails at once on a wrong id or a
 * missing permission. `TARGET/*` waits for everything in progress on TARGET when the wait starts. `-`
 * reads them from standard input: the `--json` document of an earlier
 * `cloudfront-invalidate --no-wait --json`, or TARGET/ID lines (its `invalidation-list`).
 */
import { parseWaitFor } from '../../targets.js'
import { UsageError } from '../args.js'
import type { Session } from '../session.js'
import { checkTarget, resolveTarget, splitInvalidation } from '../target.js'
import { runPipeline } from './run.js'

const USAGE = 'TARGET/ID or TARGET/* … (or - to read them from standard input)'

export async function wait(s: Session): Promise<number> {
  const args = s.args.positionals
  if (args.length === 0) throw new UsageError(`expected ${USAGE}`)
  const named: string[] = []
  const fromJson: string[] = []
  for (const arg of args) {
    if (arg !== '-') {
      named.push(arg)
      continue
    }
    const text = (await s.host.readStdin()).trim()
    if (text.startsWith('{') || text.startsWith('[')) fromJson.push(...invalidationsJson(text))
    else named.push(...text.split(/\s+/).filter((w) => w !== ''))
  }
  const pairs = named.map((a) => splitInvalidation([a], USAGE, true))
  for (const p of pairs) checkTarget(p.target)
  void s.signal // a bad --timeout is a usage error before any call

  // Domain names become ids (one ListDistributions walk each; rare enough not to share).
  const ids = new Map<string, string>()
  for (const p of pairs) {
    if (!ids.has(p.target)) ids.set(p.target, (await resolveTarget(p.target, s)).id)
  }
  const lines = [...pairs.map((p) => `${ids.get(p.target) ?? p.target}/${p.id}`), ...fromJson]
  const inputs: Record<string, string> = {
    // An empty list (a deploy that made none) is the gate's "nothing to wait for", not a missing input.
    'wait-for': lines.length === 0 ? '[]' : lines.join('\n'),
    timeout: s.flag('timeout') ?? '',
    'on-timeout': s.flag('on-timeout') ?? '',
    verify: s.flag('verify') ?? '',
    'verify-url': s.flag('verify-url') ?? '',
    'verify-sample': s.flag('verify-sample') ?? '',
    'on-stale': s.flag('on-stale') ?? '',
    'aws-region': s.flag('region') ?? '',
  }
  return runPipeline(s, (name) => inputs[name] ?? '', true)
}

/** DIST/ID lines from the `--json` of `invalidate` (its `invalidations`), or from a bare JSON array. */
function invalidationsJson(text: string): string[] {
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch {
    throw new UsageError('standard input is not valid JSON (expected the --json of cloudfront-invalidate)')
  }
  const list =
    typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)
      ? (parsed as { invalidations?: unknown }).invalidations
      : parsed
  const targets = parseWaitFor(JSON.stringify(list ?? null))
  if (typeof targets === 'string') throw new UsageError(`standard input: ${targets}`)
  return targets.map((t) => `${t.distributionId}/${t.id}`)
}
