/**
 * The npm package as a user gets it: `npm pack` of this checkout, then `npm install --offline` of the
 * tarball into an empty project with an empty npm cache, so that any dependency the package declared
 * would fail to install. Then the installed command (--help, --version, a dry run) and the installed
 * action (action.yml's runs.main, a dry run), both from node_modules, not from this checkout.
 */
import { execFile } from 'node:child_process'
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { beforeAll, describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import { MIN_NODE_MAJOR } from '../src/node-support.js'
import { PACKAGE_NAME, VERSION } from '../src/version.js'
import { NODE24, runAction } from './support/run-action.js'

const root = fileURLToPath(new URL('../', import.meta.url))
const exec = promisify(execFile)

interface PackedFile {
  path: string
}
interface Manifest {
  name: string
  version: string
  private?: boolean
  engines?: { node?: string }
  bin?: Record<string, string>
  dependencies?: object
  optionalDependencies?: object
  peerDependencies?: object
  bundleDependencies?: object
  bundledDependencies?: object
}

let dir: string
let files: string[]
/** The project that installed the tarball, and the package inside its node_modules. */
let consumer: string
let installed: string

/** npm with a clean configuration: no user .npmrc, and the parent `npm test`'s npm_config_* not inherited. */
function npmEnv(home: string): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH, HOME: home, npm_config_update_notifier: 'false', npm_config_fund: 'false' }
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'cfi-pack-'))
  const { stdout } = await exec('npm', ['pack', '--json', '--pack-destination', dir], {
    cwd: root,
    env: npmEnv(dir),
  })
  const [packed] = JSON.parse(stdout) as { filename: string; files: PackedFile[] }[]
  if (packed === undefined) throw new Error(`npm pack printed no result: ${stdout}`)
  files = packed.files.map((f) => f.path).sort()

  consumer = join(dir, 'consumer')
  mkdirSync(consumer)
  writeFileSync(
    join(consumer, 'package.json'),
    '{ "name": "consumer", "version": "1.0.0", "private": true }\n',
  )
  // An empty cache and --offline: the install may read the tarball and nothing else.
  await exec(
    'npm',
    ['install', '--offline', '--no-audit', '--cache', join(dir, 'cache'), join(dir, packed.filename)],
    { cwd: consumer, env: npmEnv(dir) },
  )
  installed = join(consumer, 'node_modules', PACKAGE_NAME)
}, 120_000)

describe('npm package', () => {
  it('holds exactly what runs: action.yml, bin, every file of dist/, README, LICENSE', () => {
    const dist = readdirSync(join(root, 'dist')).map((f) => `dist/${f}`)
    const expected = [
      'LICENSE',
      'README.md',
      'action.yml',
      'bin/cloudfront-invalidate.js',
      'package.json',
      ...dist,
    ]
    expect(files).toEqual(expected.sort())
  })

  it('declares no dependencies, so it installs offline from an empty cache with nothing else', () => {
    const pkg = JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8')) as Manifest
    expect(pkg).toMatchObject({ name: PACKAGE_NAME, version: VERSION, private: false })
    for (const key of [
      'dependencies',
      'optionalDependencies',
      'peerDependencies',
      'bundleDependencies',
      'bundledDependencies',
    ] as const) {
      expect(pkg[key], key).toBeUndefined()
    }
    expect(pkg.engines?.node).toBe(`>=${MIN_NODE_MAJOR}`)
    expect(pkg.bin).toEqual({ 'cloudfront-invalidate': 'bin/cloudfront-invalidate.js' })
    const modules = readdirSync(join(consumer, 'node_modules')).filter((f) => !f.startsWith('.'))
    expect(modules).toEqual([PACKAGE_NAME])
  })

  const cli = (args: string[]) =>
    exec(NODE24, [join(consumer, 'node_modules', '.bin', 'cloudfront-invalidate'), ...args], {
      cwd: consumer,
      env: { PATH: process.env.PATH },
    })

  it('installs a command that answers --help and --version', async () => {
    const help = await cli(['--help'])
    expect(help.stdout).toContain('Usage: cloudfront-invalidate')
    expect(help.stdout).toContain(`npm package: ${PACKAGE_NAME}`)
    expect((await cli(['--version'])).stdout).toBe(`cloudfront-invalidate ${VERSION}\n`)
  })

  it('installs a command that plans a dry run', async () => {
    const r = await cli(['--dry-run', '--distribution-id', 'E2EXAMPLE0000', '--paths', '/a b.html', '--json'])
    expect(JSON.parse(r.stdout)).toMatchObject({ status: 'Planned', paths: ['/a%20b.html'] })
    expect(r.stderr).not.toMatch(/warning/i)
  })

  it("installs the action: action.yml's runs.main runs a dry run", async () => {
    const action = parse(readFileSync(join(installed, 'action.yml'), 'utf8')) as {
      runs: { using: string; main: string }
    }
    expect(action.runs.using).toBe('node24')
    const step = await runAction({
      bundle: join(installed, action.runs.main),
      inputs: { 'distribution-id': 'E2EXAMPLE0000', paths: '/index.html', 'dry-run': 'true' },
    })
    expect(step.code).toBe(0)
    expect(step.outputs.status).toBe('Planned')
    expect(step.summary).toContain('Planned')
  })
})
