/**
 * The CLI's voice (see ../voice.ts): options are flags, remedies are what a terminal user can do.
 */
import type { Voice } from '../voice.js'
import { flagOf } from './flags.js'

/** What the command in hand offers, which changes the remedies worth naming. */
export interface VoiceOptions {
  /** The command has --dry-run (only `invalidate` does). */
  dryRun: boolean
  /** Results go out as --json (they are not in a table above the error). */
  json: boolean
  /** Inputs this command takes otherwise than as their flag (`wait` reads `wait-for` from arguments). */
  names?: Readonly<Record<string, string>>
  /** The --profile given, if any: then the remedy is about that profile, not "pass --profile". */
  profile?: string
}

/** A value as a shell would need it typed: bare when safe, else single-quoted. */
export function shellWord(value: string): string {
  return /^[\w@%+=:,./-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`
}

export function cliVoice(options: VoiceOptions): Voice {
  const flag = (name: string): string => `--${flagOf(name)}`
  return {
    option: (name) => options.names?.[name] ?? flag(name),
    setting: (name, value) =>
      value === true
        ? flag(name)
        : value === false
          ? `--no-${flagOf(name)}`
          : `${flag(name)} ${shellWord(value)}`,
    inputLabel: flag,
    credentials:
      (options.profile === undefined
        ? 'set AWS_PROFILE or pass --profile (for an SSO profile, run `aws sso login --profile NAME` first), or set ' +
          'AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY'
        : `check that --profile ${shellWord(options.profile)} is in ~/.aws/config (\`aws configure list-profiles\`), ` +
          `and for an SSO profile run \`aws sso login --profile ${shellWord(options.profile)}\` first`) +
      (options.dryRun ? '; --dry-run plans without AWS' : ''),
    moreHistory: 'fetch more history (`git fetch --unshallow`)',
    grant: (permission) => `use a token (--github-token or GITHUB_TOKEN) that has '${permission}'`,
    results: options.json ? 'the JSON on stdout' : 'the table above',
    // No job summary on a terminal: the run prints each stale URL's cause and fix on stderr.
    details: 'the lines above',
  }
}
