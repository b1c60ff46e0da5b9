/**
 * Command-line parsing driven by a table of flags (flags.ts), so every subcommand parses, rejects and
 * documents its flags the same way. The rules are the ones terminal users expect (clig.dev, getopt):
 *
 * - `--name value` or `--name=value`; a list flag may be repeated, each use adds a line.
 * - A boolean flag takes no value: `--wait` turns it on, `--no-wait` off. It never swallows the next
 *   argument, so `--wait -v` is two flags. `--wait=true|false` is accepted as an explicit form.
 * - A value flag never takes a flag as its value: `--paths --wait` is a missing value, not the path
 *   "--wait" (`--paths=--wait` says so explicitly); nor an unknown `--word`, most likely a mistyped flag
 *   (`--paths --dryrun` would otherwise invalidate `/--dryrun` for real).
 * - Short flags are booleans and may be bundled: `-v`, `-vh`.
 * - `--` ends the flags; `-` alone is an argument (standard input).
 */

/** A usage error: exit code 2, printed with a pointer to the command's --help. */
export class UsageError extends Error {
  override name = 'UsageError'
}

export type FlagKind = 'boolean' | 'value' | 'list'

/** One row of a flag table. */
export interface FlagSpec {
  /** Long name, without `--`. */
  name: string
  kind: FlagKind
  /** One-letter form (booleans only), without `-`. */
  short?: string
  /** Placeholder for the value in --help (`ID`, `PATH`). */
  arg?: string
  /** One line for --help. */
  help: string
  /** Other long names meaning the same flag (older spellings that keep working). */
  aliases?: readonly string[]
  /** For a value flag whose default is on: the value `--no-NAME` sets (`--no-collapse` = `--collapse off`). */
  off?: string
  /** The action input this flag feeds. */
  input?: string
  /** How --help shows the flag, when not `--name ARG` (`--no-color` for a flag that is on by default). */
  display?: string
}

export interface ParsedArgs {
  /**
   * Each flag given, by its name: a value, lines joined with `\n` for a list flag, `true` / `false` for
   * a boolean.
   */
  values: Map<string, string>
  positionals: string[]
}

export interface ParseOptions {
  /** Flags of other commands, to say where a flag belongs instead of only "unknown". */
  elsewhere?: ReadonlyMap<string, string>
  /**
   * Accept the older `--wait true` / `--dry-run false` form: a boolean flag followed by a bare `true` or
   * `false`. Only for a command that takes no arguments, where that word can mean nothing else.
   */
  booleanWords?: boolean
}

const BOOLEAN_WORDS = new Set(['true', 'false'])

/** Parse `argv` against `flags`. Throws UsageError naming the flag and what is allowed. */
export function parseFlags(
  argv: readonly string[],
  flags: readonly FlagSpec[],
  options: ParseOptions = {},
): ParsedArgs {
  const byName = new Map<string, FlagSpec>()
  const byShort = new Map<string, FlagSpec>()
  for (const f of flags) {
    byName.set(f.name, f)
    for (const a of f.aliases ?? []) byName.set(a, f)
    if (f.short !== undefined) byShort.set(f.short, f)
  }
  const values = new Map<string, string>()
  const positionals: string[] = []
  const set = (f: FlagSpec, value: string): void => {
    const before = values.get(f.name)
    values.set(f.name, f.kind === 'list' && before !== undefined ? `${before}\n${value}` : value)
  }
  /** Whether `arg` is a flag this command knows (so it cannot be another flag's value). */
  const isFlag = (arg: string): boolean => {
    if (arg.startsWith('--')) {
      const name = arg.slice(2).split('=')[0] ?? ''
      return byName.has(name) || byName.has(name.replace(/^no-/, ''))
    }
    return /^-[A-Za-z]+$/.test(arg) && [...arg.slice(1)].every((c) => byShort.has(c))
  }

  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? ''
    if (arg === '--') {
      positionals.push(...argv.slice(i + 1))
      break
    }
    if (arg.startsWith('--')) {
      const eq = arg.indexOf('=')
      const name = arg.slice(2, eq === -1 ? undefined : eq)
      const inline = eq === -1 ? undefined : arg.slice(eq + 1)
      const f = byName.get(name)
      if (f === undefined && name.startsWith('no-')) {
        const negated = byName.get(name.slice(3))
        if (negated !== undefined && (negated.kind === 'boolean' || negated.off !== undefined)) {
          if (inline !== undefined) throw new UsageError(`--${name} takes no value`)
          set(negated, negated.kind === 'boolean' ? 'false' : (negated.off ?? ''))
          continue
        }
      }
      if (f === undefined) throw new UsageError(unknownFlag(`--${name}`, flags, options.elsewhere))
      if (f.kind === 'boolean') {
        if (inline !== undefined) {
          if (!BOOLEAN_WORDS.has(inline.toLowerCase()))
            throw new UsageError(`--${name} takes no value: use --${f.name} or --no-${f.name}`)
          set(f, inline.toLowerCase())
        } else if (options.booleanWords && BOOLEAN_WORDS.has(argv[i + 1] ?? '')) {
          set(f, argv[++i] ?? '')
        } else {
          set(f, 'true')
        }
        continue
      }
      let value = inline
      if (value === undefined) {
        const next = argv[i + 1]
        if (next === undefined) throw new UsageError(`--${name} needs a value (${f.arg ?? 'VALUE'})`)
        // A known flag, or any `--word` (a mistyped flag, far likelier than a value written that way).
        if (isFlag(next) || /^--[A-Za-z]/.test(next)) {
          const unknown = isFlag(next)
            ? ''
            : ` (${unknownFlag(next.split('=')[0] ?? next, flags, options.elsewhere)})`
          throw new UsageError(
            `--${name} needs a value (${f.arg ?? 'VALUE'}) before ${next}${unknown}; write --${name}=${next} if that is the value`,
          )
        }
        value = next
        i++
      }
      set(f, value)
      continue
    }
    if (arg.length > 1 && arg.startsWith('-')) {
      for (const c of arg.slice(1)) {
        const f = byShort.get(c)
        if (f === undefined) throw new UsageError(unknownFlag(`-${c}`, flags, options.elsewhere))
        set(f, 'true')
      }
      continue
    }
    positionals.push(arg)
  }
  return { values, positionals }
}

/** "unknown flag", with where it belongs or the nearest known flag when one is close. */
function unknownFlag(
  flag: string,
  flags: readonly FlagSpec[],
  elsewhere?: ReadonlyMap<string, string>,
): string {
  const owner = elsewhere?.get(flag.replace(/^--/, ''))
  if (owner !== undefined) return `${flag} is a flag of \`${owner}\`, not of this command`
  const names = flags.flatMap((f) => [f.name, ...(f.aliases ?? [])])
  const bare = flag.replace(/^-+/, '')
  let best: string | undefined
  let bestDistance = Infinity
  for (const n of names) {
    const d = distance(bare, n)
    if (d < bestDistance) [best, bestDistance] = [n, d]
  }
  const close = best !== undefined && bestDistance <= Math.max(2, Math.floor(bare.length / 4))
  return `unknown flag ${flag}${close ? `; did you mean --${best}?` : ''}`
}

/** Edit distance (insertions, deletions, substitutions), for "did you mean". */
export function distance(a: string, b: string): number {
  let row = Array.from({ length: b.length + 1 }, (_, j) => j)
  for (let i = 1; i <= a.length; i++) {
    const next = [i]
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1
      next[j] = Math.min((row[j] ?? 0) + 1, (next[j - 1] ?? 0) + 1, (row[j - 1] ?? 0) + cost)
    }
    row = next
  }
  return row[b.length] ?? 0
}
