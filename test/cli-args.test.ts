import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import { CLI_DEFAULTS, INPUT_NAMES, parseArgs } from '../src/cli.js'
import { readInputs } from '../src/inputs.js'

describe('parseArgs', () => {
  it('maps flags to inputs; repeated list flags add lines; bare booleans mean true', () => {
    const a = parseArgs([
      '--distribution-id',
      'E1',
      '--paths',
      '/a',
      '--paths=/b',
      '--wait',
      '--dry-run',
      'false',
      '--json',
    ])
    expect(Object.fromEntries(a.inputs)).toEqual({
      'distribution-id': 'E1',
      paths: '/a\n/b',
      wait: 'true',
      'dry-run': 'false',
    })
    expect(a.json).toBe(true)
  })

  it.each([
    [['--bogus', 'x'], /Input '--bogus': unknown flag/],
    [['--paths'], /needs a value/],
    [['stray'], /unexpected "stray"/],
  ])('rejects %j', (argv, message) => {
    expect(() => parseArgs(argv)).toThrow(message)
  })

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
