/**
 * `invalidate` (the default command): the action itself, its inputs given as flags of the same names.
 *
 *   cloudfront-invalidate --distribution-id E2EXAMPLE0000 --paths /index.html --paths '/assets/*' --wait
 */
import { UsageError } from '../args.js'
import { CLI_DEFAULTS, flagOf } from '../flags.js'
import type { Session } from '../session.js'
import { runPipeline } from './run.js'

export async function invalidate(s: Session): Promise<number> {
  const [stray] = s.args.positionals
  if (stray !== undefined) {
    throw new UsageError(
      `unexpected ${JSON.stringify(stray)}: invalidate takes flags only (--distribution-id ID --paths PATH …)`,
    )
  }
  // Like the action's `${{ github.token }}` default, the token falls back to the environment.
  const read = (input: string): string =>
    s.flag(flagOf(input)) ??
    (input === 'github-token' ? (s.host.env.GITHUB_TOKEN ?? '') : (CLI_DEFAULTS[input] ?? ''))
  return runPipeline(s, read, false)
}
