import { mkdtempSync, writeFileSync, mkdirSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { InputError } from '../src/errors.js'
import { readInputs } from '../src/inputs.js'

const reader = (values: Record<string, string>) => (name: string) => values[name] ?? ''
const base = { 'distribution-id': 'E2EXAMPLE0000', paths: '/index.html' }
const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}'
const env = { GITHUB_RUN_ID: '123', GITHUB_RUN_ATTEMPT: '2', GITHUB_ACTION: 'invalidate' }

function inputError(values: Record<string, string>, e: Record<string, string> = env): InputError {
  try {
    readInputs(reader(values), e, '/tmp')
  } catch (err) {
    if (err instanceof InputError) return err
    throw err
  }
  throw new Error('expected an InputError')
}

describe('readInputs defaults', () => {
  it('gives the documented defaults', () => {
    const i = readInputs(reader(base), env, '/work')
    expect(i).toMatchObject({
      distributionIds: ['E2EXAMPLE0000'],
      batchSize: 3000,
      wait: false,
      dryRun: false,
      timeoutMs: 15 * 60_000,
      awsRegion: 'us-east-1',
      workspace: '/work',
    })
    expect(i.items).toEqual([{ kind: 'path', value: '/index.html' }])
    expect(i.callerReference).toMatch(new RegExp(`^123-2-${UUID}$`))
  })

  it('reads lists, booleans, durations and regions', () => {
    const i = readInputs(
      reader({
        'distribution-id': 'E2EXAMPLE0000, E3EXAMPLE1111\nE2EXAMPLE0000',
        paths: 'a.html\n\n/b c\n#tag\n/a.html',
        'batch-size': '100',
        wait: 'True',
        'dry-run': 'FALSE',
        timeout: '90s',
        'aws-region': 'eu-west-1',
        'caller-reference': 'deploy-42',
      }),
      {},
    )
    expect(i.distributionIds).toEqual(['E2EXAMPLE0000', 'E3EXAMPLE1111'])
    expect(i.items.map((x) => x.value)).toEqual(['/a.html', '/b%20c', '#tag'])
    expect(i).toMatchObject({
      batchSize: 100,
      wait: true,
      dryRun: false,
      timeoutMs: 90_000,
      awsRegion: 'eu-west-1',
    })
    expect(i.callerReference).toBe('deploy-42')
  })

  it('takes timeouts up to 596h, the longest a timer holds', () => {
    expect(readInputs(reader({ ...base, timeout: '596h' }), env).timeoutMs).toBe(596 * 3_600_000)
    expect(readInputs(reader({ ...base, timeout: '2145600' }), env).timeoutMs).toBe(2_145_600_000)
    expect(596 * 3_600_000).toBeLessThanOrEqual(2 ** 31 - 1)
  })

  it('takes AWS_REGION when aws-region is empty', () => {
    expect(readInputs(reader(base), { AWS_REGION: 'ap-south-1' }).awsRegion).toBe('ap-south-1')
  })

  it('makes the default caller reference unique to each execution, even of the same job and step', () => {
    // Two matrix legs (or a reusable workflow called twice) share run id, attempt, job and step id.
    const leg = { ...env, GITHUB_JOB: 'deploy' }
    const a = readInputs(reader(base), leg).callerReference
    const b = readInputs(reader(base), leg).callerReference
    expect(a).toMatch(new RegExp(`^123-2-deploy-${UUID}$`))
    expect(b).toMatch(new RegExp(`^123-2-deploy-${UUID}$`))
    expect(a).not.toBe(b)
    expect(readInputs(reader(base), {}).callerReference).toMatch(new RegExp(`^cli-${UUID}$`))
    // The job id is only for a reader: anything odd in it is dropped, and it is cut.
    const odd = readInputs(reader(base), { ...env, GITHUB_JOB: `a/b c${'x'.repeat(40)}` }).callerReference
    expect(odd).toMatch(new RegExp(`^123-2-abc${'x'.repeat(21)}-${UUID}$`))
  })

  it('keeps an explicit caller-reference as given, so a rerun can be deliberately idempotent', () => {
    const r = readInputs(reader({ ...base, 'caller-reference': ' release-1.4.2 ' }), env).callerReference
    expect(r).toBe('release-1.4.2')
    const long = readInputs(reader({ ...base, 'caller-reference': 'x'.repeat(200) }), env).callerReference
    expect(long).toBe('x'.repeat(200)) // callerReference() shortens the whole reference, base included
  })

  it('reads paths-file relative to the workspace, after paths, deduplicated', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cfi-inputs-'))
    mkdirSync(join(dir, 'sub'))
    writeFileSync(join(dir, 'sub', 'list.txt'), '/index.html\r\n/two.html\n\n/three.html\n')
    const i = readInputs(reader({ ...base, 'paths-file': 'sub/list.txt' }), { GITHUB_WORKSPACE: dir })
    expect(i.items.map((x) => x.value)).toEqual(['/index.html', '/two.html', '/three.html'])
  })
})

describe('readInputs errors name the input and what is allowed', () => {
  it.each([
    [{ paths: '/x' }, 'distribution-id', /is required/],
    [
      { ...base, 'distribution-id': 'E2EXAMPLE' },
      'distribution-id',
      /"E2EXAMPLE" is not a distribution id: expected 10–20 upper-case/,
    ],
    [{ ...base, 'distribution-id': 'e2example0000' }, 'distribution-id', /ids are upper-case/],
    [
      { ...base, 'distribution-id': 'arn:aws:cloudfront::1:distribution/E2EXAMPLE0000' },
      'distribution-id',
      /is an ARN: give the id inside it, E2EXAMPLE0000$/,
    ],
    [{ 'distribution-id': 'E2EXAMPLE0000' }, 'paths', /nothing to invalidate/],
    [{ ...base, paths: '/ok\n/bad/*.jpg' }, 'paths', /only as the last character/],
    [{ ...base, 'batch-size': '0' }, 'batch-size', /"0" is not a whole number from 1 to 3,000/],
    [{ ...base, 'batch-size': '3001' }, 'batch-size', /from 1 to 3,000/],
    [{ ...base, 'batch-size': '10.5' }, 'batch-size', /whole number/],
    [{ ...base, wait: 'yes' }, 'wait', /"yes" is not a boolean: use true or false/],
    [{ ...base, 'dry-run': '1' }, 'dry-run', /not a boolean/],
    [{ ...base, timeout: '15 minutes' }, 'timeout', /not a duration/],
    [{ ...base, timeout: '0' }, 'timeout', /not a duration/],
    [
      { ...base, timeout: '597h' },
      'timeout',
      /"597h" is longer than a timer can hold: at most 596h \(24\.8 days\)/,
    ],
    [{ ...base, timeout: '2149200' }, 'timeout', /at most 596h/],
    [{ ...base, timeout: `${'9'.repeat(400)}h` }, 'timeout', /at most 596h/],
    [{ ...base, 'aws-region': 'mars' }, 'aws-region', /not an AWS region/],
    [{ ...base, 'paths-file': 'missing.txt' }, 'paths-file', /cannot be read \(no such file/],
    [{ ...base, 'caller-reference': 'a\u0001b' }, 'caller-reference', /control characters/],
    [
      { 'distribution-id': 'E2EXAMPLE0000', diff: 'main' },
      'diff',
      /is not a range; expected 'auto' or a range 'BASE\.\.HEAD'/,
    ],
    [
      { 'distribution-id': 'E2EXAMPLE0000', diff: '--upload-pack=x..HEAD' },
      'diff',
      /is not a commit or ref name/,
    ],
    [{ ...base, prefix: '/docs/*' }, 'prefix', /contains '\*' or '\?'/],
    [{ ...base, 'index-document': 'a/index.html' }, 'index-document', /plain file name/],
    [{ ...base, collapse: 'maybe' }, 'collapse', /"maybe" is not one of: auto, off/],
    [{ ...base, collapse: 'off', 'max-paths': '5' }, 'max-paths', /beside collapse: off; use collapse: auto/],
    [{ ...base, 'max-paths': '-1' }, 'max-paths', /whole number/],
    [{ ...base, 'sync-log': 'missing.log' }, 'sync-log', /cannot be read \(no such file/],
    [{ ...base, 'origin-path': 'site/' }, 'origin-path', /applies to sync-log keys only/],
  ])('%j -> %s', (values, input, message) => {
    const e = inputError(values)
    expect(e.input).toBe(input)
    expect(e.message).toMatch(new RegExp(`^Input '${input}': `))
    expect(e.message).toMatch(message)
    expect(e.message).not.toContain('\n')
  })

  it('rejects origin-path auto in a dry run, and a directory as sync-log', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cfi-inputs-'))
    writeFileSync(join(dir, 'sync.log'), '')
    const auto = inputError(
      { ...base, 'sync-log': 'sync.log', 'origin-path': 'auto', 'dry-run': 'true' },
      { GITHUB_WORKSPACE: dir },
    )
    expect(auto.message).toMatch(
      /^Input 'origin-path': 'auto' reads the distributions' origins, and a dry run makes no AWS call/,
    )
    expect(inputError({ ...base, 'sync-log': '.' }, { GITHUB_WORKSPACE: dir }).message).toMatch(
      /^Input 'sync-log': "." is a directory/,
    )
  })

  it('reads the source inputs', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cfi-inputs-'))
    writeFileSync(join(dir, 'sync.log'), '')
    const i = readInputs(
      reader({
        'distribution-id': 'E2EXAMPLE0000',
        root: 'public',
        files: '**/*.html\n\n!drafts/**',
        diff: 'v1..HEAD',
        prefix: 'docs',
        'index-document': '',
        collapse: 'auto',
        'max-paths': '50',
        'sync-log': 'sync.log',
        'origin-path': '/site',
        'github-token': ' t0k ',
      }),
      { GITHUB_WORKSPACE: dir, GITHUB_EVENT_NAME: 'push', GITHUB_REPOSITORY: 'o/r' },
    )
    expect(i).toMatchObject({
      root: 'public',
      rootAbs: join(dir, 'public'),
      rootGiven: true,
      files: ['**/*.html', '!drafts/**'],
      diff: 'v1..HEAD',
      prefix: '/docs/',
      indexDocument: '',
      maxPaths: 50,
      syncLog: join(dir, 'sync.log'),
      originPath: 'site/',
      githubToken: 't0k',
      event: { name: 'push', repository: 'o/r' },
    })
    expect(i.items).toEqual([])
  })

  it('names the line of a bad paths-file entry', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cfi-inputs-'))
    writeFileSync(join(dir, 'list.txt'), '/ok\n/also-ok\n/bad*/x\n')
    const e = inputError({ ...base, 'paths-file': 'list.txt' }, { GITHUB_WORKSPACE: dir })
    expect(e.message).toMatch(/^Input 'paths-file': line 3: /)
  })

  it('says a directory is not a paths-file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cfi-inputs-'))
    expect(inputError({ ...base, 'paths-file': '.' }, { GITHUB_WORKSPACE: dir }).message).toMatch(
      /is a directory/,
    )
  })
})

describe('verify inputs', () => {
  it('are off by default, and verify implies wait with the documented defaults', () => {
    expect(readInputs(reader(base), env, '/tmp').verify).toBeUndefined()
    const i = readInputs(reader({ ...base, verify: 'true', wait: 'false' }), env, '/tmp')
    expect(i.wait).toBe(true)
    expect(i.verify).toEqual({ sample: 20, onStale: 'fail' })
    const j = readInputs(
      reader({
        ...base,
        verify: 'true',
        'verify-url': 'https://www.example.com/',
        'verify-sample': '200',
        'on-stale': 'warn',
      }),
      env,
      '/tmp',
    )
    expect(j.verify).toEqual({ url: 'https://www.example.com', sample: 200, onStale: 'warn' })
  })

  it.each([
    [{ verify: 'yes' }, /^Input 'verify': "yes" is not a boolean/],
    [
      { verify: 'true', 'verify-sample': '0' },
      /^Input 'verify-sample': "0" is not a whole number from 1 to 200/,
    ],
    [{ verify: 'true', 'verify-sample': '201' }, /^Input 'verify-sample': "201"/],
    [{ verify: 'true', 'on-stale': 'ignore' }, /^Input 'on-stale': "ignore" is not one of: fail, warn/],
    // A typo is an error even with verify off (the runner passes every default, so a value was typed).
    [{ verify: 'false', 'on-stale': 'warm' }, /^Input 'on-stale': "warm" is not one of: fail, warn/],
    [{ 'verify-sample': '500' }, /^Input 'verify-sample': "500" is not a whole number from 1 to 200/],
    [{ verify: 'true', 'verify-url': 'example.com' }, /^Input 'verify-url': "example.com" is not a URL/],
    [{ verify: 'true', 'verify-url': 'https://u:p@example.com' }, /^Input 'verify-url': .*credentials/],
    [
      { verify: 'true', 'verify-url': 'https://example.com/docs/' },
      /^Input 'verify-url': .*scheme and host only/,
    ],
    [
      { 'verify-url': 'https://example.com' },
      /^Input 'verify-url': is set .* but 'verify' is off: use verify: true, or drop 'verify-url'$/,
    ],
    [
      {
        verify: 'true',
        'verify-url': 'https://example.com',
        'distribution-id': 'E2EXAMPLE0000,E3EXAMPLE1111',
      },
      /^Input 'verify-url': names one site, but 2 distributions are given/,
    ],
  ])('%j: one line naming the input', (values, message) => {
    const e = inputError({ ...base, ...values })
    expect(e.message).toMatch(message)
    expect(e.message).not.toContain('\n')
  })

  it('checks one verify-url against the distributions of a wait-for gate', () => {
    const waitFor = 'E2EXAMPLE0000/I1AAAAAAAAAAAA\nE3EXAMPLE1111/I2AAAAAAAAAAAA'
    const e = inputError({ 'wait-for': waitFor, verify: 'true', 'verify-url': 'https://example.com' })
    expect(e.message).toMatch(/names one site, but 2 distributions/)
    const one = 'E2EXAMPLE0000/I1AAAAAAAAAAAA\nE2EXAMPLE0000/I2AAAAAAAAAAAA'
    const i = readInputs(
      reader({ 'wait-for': one, verify: 'true', 'verify-url': 'https://example.com' }),
      env,
      '/tmp',
    )
    expect(i.verify?.url).toBe('https://example.com')
  })
})

describe('tenants, max-concurrency and wait-for files (issue 16)', () => {
  it('reads tenants as all or patterns, and max-concurrency with its default', () => {
    expect(readInputs(reader(base), env).tenants).toBeUndefined()
    expect(readInputs(reader(base), env).maxConcurrency).toBe(16)
    expect(readInputs(reader({ ...base, tenants: ' ALL ' }), env).tenants).toEqual({ all: true })
    const i = readInputs(
      reader({ ...base, tenants: 'acme-*\n\n*.shops.example.com\nacme-*', 'max-concurrency': '4' }),
      env,
    )
    expect(i.tenants).toEqual({ all: false, patterns: ['acme-*', '*.shops.example.com'] })
    expect(i.maxConcurrency).toBe(4)
  })

  it.each([
    [{ ...base, tenants: 'all\nacme-*' }, /'all' selects every tenant: give it alone/],
    [{ ...base, tenants: 'acme *' }, /"acme \*" is not a tenant pattern/],
    [
      { ...base, 'distribution-id': 'dt_2wjDZi3hD1ivOXf6rpZJOSNE1AB', tenants: 'all' },
      /"dt_2wjDZi3hD1ivOXf6rpZJOSNE1AB" is a tenant itself: name its distribution instead/,
    ],
  ])('rejects %j in tenants', (values, message) => {
    const e = inputError(values)
    expect(e.input).toBe('tenants')
    expect(e.message).toMatch(message)
  })

  it('rejects verify-url with tenants: each tenant is checked at its own domain', () => {
    const e = inputError({ ...base, tenants: 'all', verify: 'true', 'verify-url': 'https://example.com' })
    expect(e.message).toBe(
      "Input 'verify-url': names one site, but 'tenants' selects tenants, each at its own domain: drop 'verify-url' to check each tenant at its own",
    )
    const gate = { 'wait-for': 'E2EXAMPLE0000/dt_*', verify: 'true', 'verify-url': 'https://example.com' }
    expect(inputError(gate).message).toMatch(
      /^Input 'verify-url': names one site, but E2EXAMPLE0000\/dt_\* selects tenants, each at its own domain/,
    )
  })

  it.each(['0', '51', 'lots'])('rejects max-concurrency %j, naming 1 to 50', (value) => {
    const e = inputError({ ...base, 'max-concurrency': value })
    expect(e.message).toBe(`Input 'max-concurrency': "${value}" is not a whole number from 1 to 50`)
  })

  it('takes an invalidations-file as wait-for, relative to the workspace, tenants included', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cfi-inputs-'))
    const records = [
      {
        distributionId: 'E2EXAMPLE0000',
        tenantId: null,
        id: 'I2J0I21PCUYOIK',
        status: 'InProgress',
        pathCount: 2,
        createTime: 't',
      },
      {
        distributionId: 'E3MULTI000000',
        tenantId: 'dt_abc',
        id: 'I3J0I21PCUYOIK',
        status: 'InProgress',
        pathCount: 1,
        createTime: 't',
      },
      {
        distributionId: null,
        tenantId: 'dt_def',
        id: 'I4J0I21PCUYOIK',
        status: 'Completed',
        pathCount: 1,
        createTime: 't',
      },
    ]
    writeFileSync(join(dir, 'out.json'), JSON.stringify(records))
    const i = readInputs(reader({ 'wait-for': 'out.json' }), { GITHUB_WORKSPACE: dir })
    expect(i.waitFor?.map((w) => `${w.distributionId}/${w.id}`)).toEqual([
      'E2EXAMPLE0000/I2J0I21PCUYOIK',
      'dt_abc/I3J0I21PCUYOIK',
      'dt_def/I4J0I21PCUYOIK',
    ])
    expect(inputError({ 'wait-for': 'missing.json' }).message).toMatch(
      /^Input 'wait-for': "missing.json" cannot be read \(no such file/,
    )
    writeFileSync(join(dir, 'bad.json'), '{"not": "a list"}')
    const e = inputError({ 'wait-for': join(dir, 'bad.json') })
    expect(e.message).toBe(`Input 'wait-for': the file "${join(dir, 'bad.json')}" expected a JSON array`)
    expect(inputError({ 'wait-for': 'out.json', tenants: 'all' }).message).toMatch(
      /'tenants' cannot be used beside it/,
    )
  })
})
