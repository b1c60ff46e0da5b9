import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import { distance } from '../src/cli/args.js'
import { COMMAND_FLAGS, COMMANDS, type Command } from '../src/cli/flags.js'
import { commandHelp, overviewHelp } from '../src/cli/help.js'
import { CLI_DEFAULTS, INPUT_NAMES, parseCommand, pickCommand } from '../src/cli/index.js'
import { readInputs } from '../src/inputs.js'

/** Parse `argv` as the CLI does (command first) and give the values as a plain object. */
function parsed(argv: string[]): { command: Command; values: Record<string, string>; positionals: string[] } {
  const { command, rest } = pickCommand(argv)
  const { values, positionals } = parseCommand(command, rest)
  return { command, values: Object.fromEntries(values), positionals }
}

describe('flag parsing, by table', () => {
  it.each<[string[], Record<string, string>, string[]?]>([
    // Today's flags keep working, the older `--dry-run false` form included.
    [
      ['--distribution-id', 'E1', '--paths', '/a', '--paths=/b', '--wait', '--dry-run', 'false', '--json'],
      { 'distribution-id': 'E1', paths: '/a\n/b', wait: 'true', 'dry-run': 'false', json: 'true' },
    ],
    // Booleans never swallow the next flag.
    [['--wait', '-v'], { wait: 'true', verbose: 'true' }],
    [['--dry-run', '-v'], { 'dry-run': 'true', verbose: 'true' }],
    [['--dry-run', '--json'], { 'dry-run': 'true', json: 'true' }],
    [['--wait=false'], { wait: 'false' }],
    // Negations; the last word wins.
    [['--no-wait'], { wait: 'false' }],
    [['--wait', '--no-wait'], { wait: 'false' }],
    [['--no-collapse'], { collapse: 'off' }],
    [['--no-index-document'], { 'index-document': '' }],
    [['--no-color'], { color: 'false' }],
    // --region is the flag, --aws-region (the input's name) still works.
    [['--aws-region', 'eu-west-1'], { region: 'eu-west-1' }],
    [['--region=eu-west-1', '--profile', 'dev'], { region: 'eu-west-1', profile: 'dev' }],
    // Short flags, bundled or not.
    [['-vV'], { verbose: 'true', version: 'true' }],
    [['-h'], { help: 'true' }],
    // A value that only looks like a flag is a value; `=` takes anything.
    [['--caller-reference', '-x'], { 'caller-reference': '-x' }],
    [['--paths=--wait'], { paths: '--wait' }],
    [['--timeout', '90s', '--timeout', '2m'], { timeout: '2m' }],
    [['--distribution-id', 'E1,E2', '--distribution-id', 'E3'], { 'distribution-id': 'E1,E2\nE3' }],
    // Subcommands, with their own flags.
    [['list', 'E1', '--paths', '--max-items', '5'], { paths: 'true', 'max-items': '5' }, ['E1']],
    [['list', 'E1', '--paths', 'x'], { paths: 'true' }, ['E1', 'x']],
    [['list', '--', '--odd'], {}, ['--odd']],
    [['show', 'E1/I1', '--json', '--profile', 'p'], { json: 'true', profile: 'p' }, ['E1/I1']],
    [['wait', 'E1/I1', 'E2/I2', '--timeout', '5m'], { timeout: '5m' }, ['E1/I1', 'E2/I2']],
    [['wait', '-'], {}, ['-']],
    [['distributions', '--json', '-v'], { json: 'true', verbose: 'true' }],
  ])('%j', (argv, values, positionals = []) => {
    const p = parsed(argv)
    expect(p.values).toEqual(values)
    expect(p.positionals).toEqual(positionals)
  })

  it.each<[string[], RegExp]>([
    [['--paths'], /^--paths needs a value \(PATH\)$/],
    [
      ['--paths', '--wait'],
      /^--paths needs a value \(PATH\) before --wait; write --paths=--wait if that is the value$/,
    ],
    [['--paths', '-v'], /^--paths needs a value \(PATH\) before -v/],
    // A mistyped flag is not a value either: `--paths --dryrun` once invalidated /--dryrun for real.
    [
      ['--paths', '--dryrun', '--distribution-id', 'E1'],
      /^--paths needs a value \(PATH\) before --dryrun \(unknown flag --dryrun; did you mean --dry-run\?\); write --paths=--dryrun if that is the value$/,
    ],
    [['list', 'E1', '--marker', '--jsn'], /^--marker needs a value \(M\) before --jsn \(unknown flag --jsn/],
    [['--wait=yes'], /^--wait takes no value: use --wait or --no-wait$/],
    [['--no-json=1'], /^--no-json takes no value$/],
    [['--no-paths'], /^unknown flag --no-paths$/],
    [['--bogus', 'x'], /^unknown flag --bogus$/],
    [['--distribution', 'E1'], /^unknown flag --distribution; did you mean --distribution-id\?$/],
    [['--dryrun'], /did you mean --dry-run\?$/],
    [['-x'], /^unknown flag -x$/],
    [['--status', 'Completed'], /^--status is a flag of `list`, not of this command$/],
    [['list', 'E1', '--wait'], /^--wait is a flag of `invalidate`, not of this command$/],
    [['distributions', '--paths-file', 'f'], /^--paths-file is a flag of `invalidate`/],
    [
      ['E2EXAMPLE0000'],
      /^unknown command "E2EXAMPLE0000"; .*\(to invalidate it: --distribution-id E2EXAMPLE0000 --paths PATH\)$/,
    ],
    [
      ['lsit', 'E1'],
      /^unknown command "lsit"; the commands are invalidate, list, show, wait, distributions$/,
    ],
  ])('rejects %j', (argv, message) => {
    expect(() => parsed(argv)).toThrow(message)
  })

  it('picks invalidate when the arguments start with a flag', () => {
    expect(pickCommand(['--paths', '/a']).command).toBe('invalidate')
    expect(pickCommand(['invalidate', '--paths', '/a'])).toEqual({
      command: 'invalidate',
      rest: ['--paths', '/a'],
    })
    expect(pickCommand([]).command).toBe('invalidate')
  })

  it('edit distance, for "did you mean"', () => {
    expect(distance('distribution', 'distribution-id')).toBe(3)
    expect(distance('wiat', 'wait')).toBe(2)
    expect(distance('', 'abc')).toBe(3)
  })
})

describe('flags and inputs', () => {
  it('knows every input of action.yml, and no other', () => {
    const yml = readFileSync(new URL('../action.yml', import.meta.url), 'utf8')
    const inputs = yml.slice(yml.indexOf('\ninputs:'), yml.indexOf('\noutputs:'))
    const names = [...inputs.matchAll(/^ {2}([a-z-]+):$/gm)].map((m) => m[1])
    expect([...INPUT_NAMES].sort()).toEqual(names.sort())
  })

  it('gives omitted flags the same meaning as omitted action inputs', () => {
    const action = parse(readFileSync(new URL('../action.yml', import.meta.url), 'utf8')) as {
      inputs: Record<string, { default?: string }>
    }
    // What the runner passes for omitted inputs, and what the CLI reads for omitted flags, must plan alike.
    const runner = (name: string): string =>
      ({ 'distribution-id': 'E2EXAMPLE0000', paths: '/x' })[name] ?? action.inputs[name]?.default ?? ''
    const cli = (name: string): string =>
      ({ 'distribution-id': 'E2EXAMPLE0000', paths: '/x' })[name] ?? CLI_DEFAULTS[name] ?? ''
    const env = { GITHUB_WORKSPACE: '/w' }
    const strip = (i: ReturnType<typeof readInputs>) => ({ ...i, callerReference: '', githubToken: '' })
    expect(strip(readInputs(cli, env))).toEqual(
      strip(readInputs((n) => (n === 'github-token' ? '' : runner(n)), env)),
    )
  })

  it('reports the version and the package name of package.json', async () => {
    const { PACKAGE_NAME, VERSION } = await import('../src/version.js')
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
      name: string
      version: string
    }
    expect(VERSION).toBe(pkg.version)
    expect(PACKAGE_NAME).toBe(pkg.name)
  })
})

describe('--help', () => {
  it.each(COMMANDS)('%s: usage, examples, every flag of its table, exit codes', (command) => {
    const text = commandHelp(command)
    expect(text).toMatch(/^Usage: cloudfront-invalidate /)
    expect(text).toMatch(/\nExamples:\n {2}cloudfront-invalidate /)
    for (const f of COMMAND_FLAGS[command]) expect(text).toContain(f.display ?? `--${f.name}`)
    expect(text).toMatch(/\nExit codes: 0 .*, 1 .*, 2 [^\n]*\n?.*130 interrupted \(Ctrl-C\)\.\n$/)
    // Terminal words only: no workflow syntax.
    expect(text).not.toMatch(/\b[a-z-]+: (true|false)\b|configure-aws-credentials|fetch-depth/)
    for (const line of text.split('\n')) expect(line.length).toBeLessThanOrEqual(100)
  })

  it('the overview names every command', () => {
    for (const c of COMMANDS) expect(overviewHelp()).toContain(`\n  ${c}`)
  })
})
