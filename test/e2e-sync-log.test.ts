/**
 * End to end, issue 7: `sync-log` (and `origin-path`) through the bundle under Node 24, against the fake
 * CloudFront (GetDistributionConfig with S3 origins for `origin-path: auto`). The logs are the fixtures
 * of test/fixtures/sync-log/ (real aws-cli and s5cmd output) or written into the step's workspace.
 *
 * Inputs are given the way the runner gives them: every input with a default in action.yml is set to
 * that default (e.g. `index-document: index.html`) unless a test says otherwise.
 */
import { execFile, execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { afterAll, describe, expect, it } from 'vitest'
import { cloudFrontEnv, FakeCloudFront, type DistributionSpec } from './support/fake-cloudfront.js'
import { BUNDLE, CLI, NODE24, runAction, type ActionRun, RUNNER_DEFAULTS } from './support/run-action.js'

const fixture = (name: string): string =>
  readFileSync(fileURLToPath(new URL(`./fixtures/sync-log/${name}`, import.meta.url)), 'utf8')

// Distributions the fake knows, each with the S3 origins a test needs.
/** Serves s3://my-bucket/site/ at its root (origin path /site). */
const SITE = 'E1SITE00000001'
/** Two origins on www-bucket (website endpoint) and assets-bucket/v2, the former the default. */
const MULTI = 'E1MULTI0000001'
/** www-bucket at the root, as a website endpoint of the dotted form. */
const WWW = 'E1WWW000000001'
/** assets-bucket under /v2, REST endpoint. */
const ASSETS = 'E1ASSETS000001'
/** Three origins on my-bucket: /old first, /site as the default behaviour's, /site again (agrees). */
const SHARED = 'E1SHARED000001'
/** Serves nothing the logs touch. */
const OTHER = 'E1OTHER0000001'

const DISTRIBUTIONS: DistributionSpec[] = [
  {
    id: SITE,
    origins: [{ id: 's3-site', domainName: 'my-bucket.s3.us-east-1.amazonaws.com', originPath: '/site' }],
  },
  {
    id: MULTI,
    origins: [
      { id: 'assets', domainName: 'assets-bucket.s3.us-east-1.amazonaws.com', originPath: '/v2' },
      { id: 'www', domainName: 'www-bucket.s3-website-us-east-1.amazonaws.com' },
    ],
    defaultOriginId: 'www',
    cacheBehaviors: [{ pathPattern: '/app.js', targetOriginId: 'assets' }],
  },
  { id: WWW, origins: [{ id: 'www', domainName: 'www-bucket.s3-website.eu-central-1.amazonaws.com' }] },
  {
    id: ASSETS,
    origins: [{ id: 'assets', domainName: 'assets-bucket.s3.amazonaws.com', originPath: '/v2/' }],
  },
  {
    id: SHARED,
    origins: [
      { id: 'legacy', domainName: 'my-bucket.s3.amazonaws.com', originPath: '/old' },
      { id: 'main', domainName: 'my-bucket.s3.eu-west-1.amazonaws.com', originPath: '/site' },
      { id: 'main-2', domainName: 'my-bucket.s3-eu-west-1.amazonaws.com', originPath: 'site/' },
    ],
    defaultOriginId: 'main',
    cacheBehaviors: [{ pathPattern: '/legacy/*', targetOriginId: 'legacy' }],
  },
  { id: OTHER, origins: [{ id: 'web', domainName: 'app.example.com' }] },
]

/** Each test has its own fake, so the tests can run concurrently and assert on every request made. */
const fakes: FakeCloudFront[] = []
afterAll(async () => {
  await Promise.all(fakes.map((f) => f.stop()))
})

/** A fresh workspace holding `files` (path relative to it -> content). */
function workspaceWith(files: Record<string, string>): string {
  const workspace = mkdtempSync(join(tmpdir(), 'cfi-sync-ws-'))
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(dirname(join(workspace, name)), { recursive: true })
    writeFileSync(join(workspace, name), content)
  }
  return workspace
}

const annotations = (run: ActionRun, level: string): string[] =>
  run.annotations.filter((a) => a.level === level).map((a) => a.message)
const outputPaths = (run: ActionRun): string[] => sorted(JSON.parse(run.outputs.paths ?? '[]') as string[])
const sorted = (xs: readonly string[]): string[] => [...xs].sort()

/** A fake CloudFront knowing DISTRIBUTIONS, and helpers bound to it. */
async function cloudFront() {
  const fake = await FakeCloudFront.start({ distributions: DISTRIBUTIONS, completionDelayMs: 100 })
  fakes.push(fake)
  /** Run the action in `workspace`, with the runner's defaults and the fake's environment. */
  const action = (inputs: Record<string, string>, workspace: string): Promise<ActionRun> =>
    runAction({ inputs: { ...RUNNER_DEFAULTS, ...inputs }, workspace, env: cloudFrontEnv(fake) })
  return {
    fake,
    action,
    /** Run the action with `log` as `sync-log: sync.log` in a fresh workspace (plus `files`). */
    step: (inputs: Record<string, string>, log?: string, files: Record<string, string> = {}) =>
      log === undefined
        ? action(inputs, workspaceWith(files))
        : action({ 'sync-log': 'sync.log', ...inputs }, workspaceWith({ 'sync.log': log, ...files })),
    /** Every path CloudFront received for a distribution, sorted. */
    received: (id: string): string[] => sorted(fake.invalidations(id).flatMap((i) => i.paths)),
    /** Every request, as `Operation TARGET`. */
    ops: (): string[] => fake.requests.map((r) => `${r.op} ${r.target ?? ''}`.trim()),
    /** A run that failed on a bad input: exit 1, the one error line naming it, and no AWS call at all. */
    expectInputError: (run: ActionRun, message: string): void => {
      expect(run.code).toBe(1)
      const errors = annotations(run, 'error')
      expect(errors).toHaveLength(1)
      expect(errors[0]).toContain(message)
      expect(errors[0]).not.toContain('\n')
      expect(fake.requests).toEqual([])
    },
  }
}

/** A run that went well: exit 0, nothing on stderr, no error annotation. */
function expectOk(run: ActionRun): void {
  expect(run.stderr).toBe('')
  expect(annotations(run, 'error')).toEqual([])
  expect(run.code).toBe(0)
}

/** aws-sync.txt's keys under site/, as URL paths (index.html also as `/`). */
const AWS_SYNC_PATHS = [
  '/index.html',
  '/',
  '/blog/hello%20world.html',
  '/caf%C3%A9/men%C3%BC.html',
  '/from%20a%20to%20b.html',
  '/100%25.html',
  '/what%3F.html',
  '/img/%E6%97%A5%E6%9C%AC%E8%AA%9E%20%E3%83%AD%E3%82%B4.png',
  '/css/app.9b1c.css',
  '/css/app.3f2a.css',
  '/old%20page.html',
  '/a.html',
]

describe.concurrent('aws s3 sync logs', () => {
  it('invalidates every upload and delete of a real log: progress noise, padding, spaces, non-ASCII', async () => {
    const cf = await cloudFront()
    const run = await cf.step(
      { 'distribution-id': SITE, 'origin-path': '/site', collapse: 'off' },
      fixture('aws-sync.txt'),
    )
    expectOk(run)
    expect(cf.received(SITE)).toEqual(sorted(AWS_SYNC_PATHS))
    // Stripped padding: no path ends in an encoded space.
    expect(cf.received(SITE).filter((p) => p.endsWith('%20'))).toEqual([])
    expect(outputPaths(run)).toEqual(sorted(AWS_SYNC_PATHS))
    expect(run.outputs['requested-path-count']).toBe(String(AWS_SYNC_PATHS.length))
    expect(run.outputs.status).toBe('InProgress')
    expect(annotations(run, 'warning')).toEqual([])
    expect(annotations(run, 'notice')).toEqual([
      expect.stringContaining(`Submitted ${AWS_SYNC_PATHS.length} paths on 1 distribution`),
    ])
    // An explicit origin-path needs no look at the distribution.
    expect(cf.ops()).toEqual([`ListInvalidations ${SITE}`, `CreateInvalidation ${SITE}`])
  })

  it('maps keys as they are with an empty origin-path, adding prefix; index-document off', async () => {
    const cf = await cloudFront()
    const run = await cf.step(
      { 'distribution-id': SITE, prefix: 'en', 'index-document': '', collapse: 'off' },
      fixture('aws-sync.txt'),
    )
    expectOk(run)
    const expected = AWS_SYNC_PATHS.filter((p) => p !== '/').map((p) => `/en/site${p}`)
    expect(cf.received(SITE)).toEqual(sorted(expected))
    expect(run.outputs['requested-path-count']).toBe(String(expected.length))
  })

  it('reads a UTF-16LE log, as Windows PowerShell 5.1 Tee-Object writes it', async () => {
    const cf = await cloudFront()
    const text = 'upload: public\\ünï.html to s3://my-bucket/ünï.html\r\ndelete: s3://my-bucket/old.html\r\n'
    const bytes = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')])
    const workspace = workspaceWith({})
    writeFileSync(join(workspace, 'sync.log'), bytes)
    const run = await cf.action(
      { 'distribution-id': SITE, 'sync-log': 'sync.log', 'dry-run': 'true' },
      workspace,
    )
    expectOk(run)
    expect(outputPaths(run)).toEqual(['/old.html', '/%C3%BCn%C3%AF.html'].sort())
  })

  it('reads a Windows log (CRLF, backslashes in local paths)', async () => {
    const cf = await cloudFront()
    const run = await cf.step({ 'distribution-id': SITE, collapse: 'off' }, fixture('aws-windows.txt'))
    expectOk(run)
    expect(cf.received(SITE)).toEqual(sorted(['/index.html', '/', '/docs/read%20me.html']))
    expect(annotations(run, 'warning')).toEqual([])
  })

  it('takes a move to disk as a removed S3 object, and downloads and local deletes as nothing', async () => {
    const cf = await cloudFront()
    const run = await cf.step({ 'distribution-id': SITE, collapse: 'off' }, fixture('aws-download.txt'))
    expectOk(run)
    expect(cf.received(SITE)).toEqual(['/inbox/report%20to%20q3.csv'])
    expect(annotations(run, 'warning')).toEqual([])
  })

  it('reports failed operations in one warning and invalidates only what changed', async () => {
    const cf = await cloudFront()
    const run = await cf.step(
      { 'distribution-id': SITE, 'origin-path': 'site', collapse: 'off' },
      fixture('aws-failures.txt'),
    )
    expectOk(run)
    expect(cf.received(SITE)).toEqual(sorted(['/index.html', '/', '/gone.html']))
    const warnings = annotations(run, 'warning')
    expect(warnings).toHaveLength(1)
    expect(warnings[0]).toContain('the log reports 3 failed or aborted operations')
    expect(warnings[0]).toContain('upload failed: public/video.mp4')
    expect(warnings[0]).toContain('delete failed: s3://my-bucket/site/locked.html')
    expect(warnings[0]).toContain('fatal error:')
    // `warning: Skipping file …` is known aws-cli output, not an unreadable line.
    expect(warnings[0]).not.toContain('Skipping file')
  })

  it('warns once about unreadable lines, quoting the first few, and takes the rest', async () => {
    const cf = await cloudFront()
    const junk = Array.from({ length: 7 }, (_, i) => `+ aws s3 sync ./public s3://my-bucket (attempt ${i})`)
    const log = [
      junk[0],
      'upload: public/a.html to s3://my-bucket/a.html',
      ...junk.slice(1),
      '',
      'delete: s3://my-bucket/b.html   ',
      'upload: public/c.html to /tmp/c.html', // no s3:// side
    ].join('\n')
    const run = await cf.step({ 'distribution-id': SITE, collapse: 'off' }, log)
    expectOk(run)
    expect(cf.received(SITE)).toEqual(['/a.html', '/b.html'])
    const warnings = annotations(run, 'warning')
    expect(warnings).toHaveLength(1)
    expect(warnings[0]).toContain('ignored 8 lines that are not aws s3 or s5cmd output')
    expect(warnings[0]).toContain('(attempt 0)')
    expect(warnings[0]).toContain('and 3 more')
  })
})

describe.concurrent('(dryrun) lines', () => {
  it('a real run skips them with a warning and ends Skipped, with a notice and no AWS call', async () => {
    const cf = await cloudFront()
    const run = await cf.step(
      { 'distribution-id': SITE, 'origin-path': '/site' },
      fixture('aws-sync-dryrun.txt'),
    )
    expectOk(run)
    expect(run.outputs.status).toBe('Skipped')
    expect(run.outputs['requested-path-count']).toBe('0')
    expect(run.outputs.paths).toBe('[]')
    const warnings = annotations(run, 'warning')
    expect(warnings).toHaveLength(1)
    expect(warnings[0]).toContain('skipped 3 (dryrun) lines')
    expect(annotations(run, 'notice')).toEqual([expect.stringMatching(/^Nothing to invalidate: .*sync-log/)])
    expect(cf.fake.requests).toEqual([])
  })

  it('a real run takes the real lines of a mixed log and skips the (dryrun) ones', async () => {
    const cf = await cloudFront()
    const log = `${fixture('aws-sync-dryrun.txt')}upload: public/real.html to s3://my-bucket/site/real.html\n`
    const run = await cf.step({ 'distribution-id': SITE, 'origin-path': '/site', collapse: 'off' }, log)
    expectOk(run)
    expect(cf.received(SITE)).toEqual(['/real.html'])
    expect(annotations(run, 'warning')).toEqual([expect.stringContaining('skipped 3 (dryrun) lines')])
  })

  it('a dry run of the action takes them, to preview, and calls nothing', async () => {
    const cf = await cloudFront()
    const run = await cf.step(
      { 'distribution-id': SITE, 'origin-path': '/site', 'dry-run': 'true', collapse: 'off' },
      fixture('aws-sync-dryrun.txt'),
    )
    expectOk(run)
    expect(run.outputs.status).toBe('Planned')
    const expected = ['/index.html', '/', '/blog/hello%20world.html', '/old%20page.html']
    expect(outputPaths(run)).toEqual(sorted(expected))
    expect(run.outputs['requested-path-count']).toBe('4')
    expect(annotations(run, 'warning')).toEqual([])
    expect(annotations(run, 'notice')).toEqual([expect.stringContaining('Dry run: would invalidate 4 paths')])
    expect(cf.fake.requests).toEqual([])
  })
})

describe.concurrent('s5cmd logs', () => {
  it('reads cp/mv/rm lines, reports ERROR lines, skips DEBUG lines and downloads', async () => {
    const cf = await cloudFront()
    const run = await cf.step(
      { 'distribution-id': SITE, 'origin-path': '/site', collapse: 'off' },
      fixture('s5cmd-sync.txt'),
    )
    expectOk(run)
    expect(cf.received(SITE)).toEqual(
      sorted([
        '/index.html',
        '/',
        '/blog/hello%20world.html',
        '/caf%C3%A9/men%C3%BC.html',
        '/old%20page.html',
        '/draft%20one.html', // mv: the destination; its source tmp/… is outside site/
        '/about.html', // cp from another bucket: only the destination changed
      ]),
    )
    const warnings = annotations(run, 'warning')
    expect(warnings).toHaveLength(2)
    expect(warnings).toContainEqual(expect.stringContaining('1 failed or aborted operation'))
    expect(warnings).toContainEqual(
      expect.stringMatching(
        /skipped 1 object outside origin path "site\/".*s3:\/\/my-bucket\/tmp\/draft one\.html/,
      ),
    )
  })

  it('reads --json output', async () => {
    const cf = await cloudFront()
    const run = await cf.step(
      { 'distribution-id': SITE, 'origin-path': '/site/', collapse: 'off' },
      fixture('s5cmd-json.txt'),
    )
    expectOk(run)
    expect(cf.received(SITE)).toEqual(sorted(['/index.html', '/', '/a%20b.html', '/old.html', '/x.html']))
    const warnings = annotations(run, 'warning')
    expect(warnings).toContainEqual(expect.stringContaining('1 failed or aborted operation'))
    expect(warnings).toContainEqual(expect.stringContaining('s3://my-bucket/tmp/x.html'))
  })
})

describe.concurrent('origin-path', () => {
  it('explicit: keys outside it are skipped with one warning', async () => {
    const cf = await cloudFront()
    const log = [
      'upload: public/index.html to s3://my-bucket/site/index.html',
      'upload: public/app.js to s3://my-bucket/assets/app.js',
      'upload: public/old.html to s3://my-bucket/site-old/old.html', // a segment match only
      'upload: public/Old.html to s3://my-bucket/Site/Old.html', // case-sensitive
      'upload: x to s3://my-bucket/site/', // the folder object itself: no file path
    ].join('\n')
    const run = await cf.step({ 'distribution-id': SITE, 'origin-path': '/site', collapse: 'off' }, log)
    expectOk(run)
    expect(cf.received(SITE)).toEqual(['/', '/index.html'])
    const warnings = annotations(run, 'warning')
    expect(warnings).toHaveLength(1)
    expect(warnings[0]).toContain('skipped 3 objects outside origin path "site/"')
    expect(warnings[0]).toContain('s3://my-bucket/assets/app.js')
  })

  it('explicit: a log with every key outside it ends Skipped with a notice saying why', async () => {
    const cf = await cloudFront()
    const log = 'upload: public/app.js to s3://my-bucket/assets/app.js\n'
    const run = await cf.step({ 'distribution-id': SITE, 'origin-path': '/site' }, log)
    expectOk(run)
    expect(run.outputs.status).toBe('Skipped')
    expect(annotations(run, 'notice')).toEqual([
      expect.stringContaining('no sync-log key lies under origin-path'),
    ])
    expect(cf.fake.requests).toEqual([])
  })

  it('explicit or empty: a log naming several destination buckets is an error listing them', async () => {
    const cf = await cloudFront()
    for (const originPath of ['', '/site']) {
      cf.fake.reset()
      const run = await cf.step(
        { 'distribution-id': SITE, 'origin-path': originPath },
        fixture('aws-multi-bucket.txt'),
      )
      cf.expectInputError(
        run,
        "Input 'sync-log': the log changes objects in 2 buckets (assets-bucket, www-bucket)",
      )
    }
  })

  it('auto: reads the origin path of the bucket from GetDistributionConfig, then adds prefix', async () => {
    const cf = await cloudFront()
    const run = await cf.step(
      { 'distribution-id': SITE, 'origin-path': 'auto', prefix: '/mirror', collapse: 'off' },
      fixture('aws-sync.txt'),
    )
    expectOk(run)
    expect(cf.received(SITE)).toEqual(sorted(AWS_SYNC_PATHS.map((p) => `/mirror${p}`)))
    expect(cf.ops()).toEqual([
      `GetDistributionConfig ${SITE}`,
      `ListInvalidations ${SITE}`,
      `CreateInvalidation ${SITE}`,
    ])
    expect(annotations(run, 'warning')).toEqual([])
  })

  it('auto: each distribution gets the objects of the buckets it serves; website endpoints count', async () => {
    const cf = await cloudFront()
    const log = `${fixture('aws-multi-bucket.txt')}upload: logs/a.txt to s3://logs-bucket/a.txt\n`
    const run = await cf.step(
      { 'distribution-id': `${WWW}\n${ASSETS}\n${MULTI}`, 'origin-path': 'auto', collapse: 'off' },
      log,
    )
    expectOk(run)
    const www = ['/index.html', '/', '/about.html', '/drafts/post%201.html', '/posts/post%201.html']
    expect(cf.received(WWW)).toEqual(sorted(www))
    expect(cf.received(ASSETS)).toEqual(['/app.js'])
    // MULTI serves both buckets: www-bucket at its root, assets-bucket/v2/ at its root too.
    expect(cf.received(MULTI)).toEqual(sorted([...www, '/app.js']))
    expect(
      cf
        .ops()
        .filter((o) => o.startsWith('GetDistributionConfig'))
        .sort(),
    ).toEqual(sorted([WWW, ASSETS, MULTI].map((id) => `GetDistributionConfig ${id}`)))
    // staging-bucket is only a copy's source (unchanged); logs-bucket is served by none of them.
    expect(annotations(run, 'warning')).toEqual([
      expect.stringMatching(/skipped the objects of 1 bucket .*: logs-bucket$/),
    ])
    expect(outputPaths(run)).toEqual(sorted([...www, '/app.js']))
    expect(run.outputs['requested-path-count']).toBe(String(www.length + 1))
  })

  it('auto: where several origins use the bucket, the default behaviour’s origin wins, with a warning', async () => {
    const cf = await cloudFront()
    const log = [
      'upload: public/index.html to s3://my-bucket/site/index.html',
      'upload: public/x.html to s3://my-bucket/old/x.html',
    ].join('\n')
    const run = await cf.step({ 'distribution-id': SHARED, 'origin-path': 'auto', collapse: 'off' }, log)
    expectOk(run)
    expect(cf.received(SHARED)).toEqual(['/', '/index.html'])
    const warnings = annotations(run, 'warning')
    expect(warnings).toHaveLength(2)
    expect(warnings).toContainEqual(
      expect.stringMatching(
        new RegExp(
          `^${SHARED}: bucket my-bucket is served by several origins: keys are mapped through main .*Not through legacy \\(origin path /old\\);`,
        ),
      ),
    )
    expect(warnings).toContainEqual(
      expect.stringContaining(`${SHARED}: sync-log: skipped 1 object outside their origin path`),
    )
  })

  it('auto: a distribution that serves none of the buckets ends Skipped', async () => {
    const cf = await cloudFront()
    const run = await cf.step({ 'distribution-id': OTHER, 'origin-path': 'auto' }, fixture('aws-sync.txt'))
    expectOk(run)
    expect(run.outputs.status).toBe('Skipped')
    expect(annotations(run, 'warning')).toEqual([expect.stringContaining('serves: my-bucket')])
    expect(annotations(run, 'notice')).toEqual([
      expect.stringMatching(
        /^Nothing to invalidate: no sync-log object lies in a bucket and origin path/,
      ) as string,
    ])
    expect(cf.ops()).toEqual([`GetDistributionConfig ${OTHER}`])
  })

  it('auto: GetDistributionConfig denied fails the step naming the permission', async () => {
    const cf = await cloudFront()
    cf.fake.inject({ op: 'GetDistributionConfig', kind: 'AccessDenied' })
    const run = await cf.step({ 'distribution-id': SITE, 'origin-path': 'auto' }, fixture('aws-sync.txt'))
    expect(run.code).toBe(1)
    const errors = annotations(run, 'error')
    expect(errors).toHaveLength(1)
    expect(errors[0]).toContain('cloudfront:GetDistributionConfig')
    expect(cf.fake.invalidations(SITE)).toEqual([])
  })

  it('auto in a dry run is an input error asking for the prefix', async () => {
    const cf = await cloudFront()
    const run = await cf.step(
      { 'distribution-id': SITE, 'origin-path': 'auto', 'dry-run': 'true' },
      fixture('aws-sync.txt'),
    )
    cf.expectInputError(
      run,
      "Input 'origin-path': 'auto' reads the distributions' origins, and a dry run makes no AWS call",
    )
  })
})

describe.concurrent('with other sources, collapse and quotas', () => {
  it('combines with paths, files and diff', async () => {
    const cf = await cloudFront()
    const workspace = workspaceWith({
      'sync.log':
        'upload: public/a.html to s3://my-bucket/site/a.html\ndelete: s3://my-bucket/site/gone.html\n',
      'public/a.html': 'a',
      'public/style.css': 'css',
      'public/news/index.html': 'v1',
    })
    const git = (...args: string[]): string =>
      execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], {
        cwd: workspace,
        encoding: 'utf8',
      })
    git('init', '-q')
    git('add', '.')
    git('commit', '-qm', 'one')
    writeFileSync(join(workspace, 'public/news/index.html'), 'v2')
    git('commit', '-qam', 'two')
    const run = await cf.action(
      {
        'distribution-id': SITE,
        'sync-log': 'sync.log',
        'origin-path': '/site',
        paths: '/extra.html',
        root: 'public',
        diff: 'HEAD~1..HEAD',
        collapse: 'off',
      },
      workspace,
    )
    expectOk(run)
    expect(cf.received(SITE)).toEqual(
      sorted(['/extra.html', '/news/index.html', '/news/', '/a.html', '/gone.html']),
    )

    cf.fake.reset()
    const files = await cf.action(
      {
        'distribution-id': SITE,
        'sync-log': 'sync.log',
        'origin-path': 'site',
        root: 'public',
        files: '**/*.css\na.html',
        collapse: 'off',
      },
      workspace,
    )
    expectOk(files)
    expect(cf.received(SITE)).toEqual(sorted(['/style.css', '/a.html', '/gone.html']))
    // The same object from two sources is one path.
    expect(files.outputs['requested-path-count']).toBe('3')
  })

  it('collapse auto (the default) turns a rebuilt directory into a wildcard; requested counts every path', async () => {
    const cf = await cloudFront()
    const assets = Array.from(
      { length: 120 },
      (_, i) => `upload: public/assets/chunk-${i}.js to s3://my-bucket/site/assets/chunk-${i}.js`,
    )
    const log = ['upload: public/index.html to s3://my-bucket/site/index.html', ...assets].join('\n')
    const run = await cf.step({ 'distribution-id': SITE, 'origin-path': '/site' }, log)
    expectOk(run)
    expect(cf.received(SITE)).toEqual(['/', '/assets/*', '/index.html'])
    expect(run.outputs['requested-path-count']).toBe('122')
    expect(run.outputs['path-count']).toBe('3')
  })

  it('max-paths collapses further to fit', async () => {
    const cf = await cloudFront()
    const pages = Array.from(
      { length: 30 },
      (_, i) => `upload: p/${i}.html to s3://my-bucket/site/docs/${i}.html`,
    )
    const log = ['upload: public/index.html to s3://my-bucket/site/index.html', ...pages].join('\n')
    const run = await cf.step({ 'distribution-id': SITE, 'origin-path': '/site', 'max-paths': '5' }, log)
    expectOk(run)
    expect(cf.received(SITE)).toEqual(['/', '/docs/*', '/index.html'])
    expect(run.outputs['requested-path-count']).toBe('32')
  })

  it('batch-size splits a long log into several invalidations', async () => {
    const cf = await cloudFront()
    const log = Array.from(
      { length: 25 },
      (_, i) => `upload: p/${i}.html to s3://my-bucket/site/p/${i}.html`,
    ).join('\n')
    const run = await cf.step(
      { 'distribution-id': SITE, 'origin-path': '/site', 'batch-size': '10', collapse: 'off' },
      log,
    )
    expectOk(run)
    expect(cf.fake.invalidations(SITE).map((i) => i.paths.length)).toEqual([10, 10, 5])
    expect(run.outputs['batch-count']).toBe('3')
  })

  it('plans a 200,000-object log (a list that long once overflowed the call stack)', async () => {
    // Appending items with push(...items) threw RangeError past ~120,000 items.
    const cf = await cloudFront()
    const log = Array.from(
      { length: 200_000 },
      (_, i) => `upload: d${i % 2000}/f${i}.html to s3://my-bucket/site/d${i % 2000}/f${i}.html`,
    ).join('\n')
    const run = await cf.step(
      { 'distribution-id': SITE, 'origin-path': '/site', collapse: 'off', 'dry-run': 'true' },
      log,
    )
    expectOk(run)
    expect(run.outputs['path-count']).toBe('200000')
    expect(run.outputs['batch-count']).toBe('67')
    expect(cf.fake.requests).toEqual([])
  })
})

describe.concurrent('empty logs and bad inputs', () => {
  it.each([
    ['an empty file', ''],
    [
      'progress and blank lines only',
      'Completed 0 Bytes/0 Bytes with ~0 file(s) remaining (calculating...)\r   \n\n',
    ],
    ['downloads only', 'download: s3://my-bucket/a.html to a.html\n'],
  ])('%s: status Skipped with a notice, not a failure, and no AWS call', async (_name, log) => {
    const cf = await cloudFront()
    // Even `origin-path: auto` reads no distribution when there is nothing to map.
    const run = await cf.step({ 'distribution-id': SITE, 'origin-path': 'auto' }, log)
    expectOk(run)
    expect(run.outputs.status).toBe('Skipped')
    expect(run.outputs['requested-path-count']).toBe('0')
    expect(annotations(run, 'notice')).toEqual([
      'Nothing to invalidate: the sync-log lists no uploaded, copied, moved or deleted object.',
    ])
    expect(cf.fake.requests).toEqual([])
  })

  it('a missing file is an input error naming the input', async () => {
    const cf = await cloudFront()
    const run = await cf.step({ 'distribution-id': SITE, 'sync-log': 'logs/sync.log' })
    cf.expectInputError(run, `Input 'sync-log': "logs/sync.log" cannot be read (no such file; resolved to `)
  })

  it('a directory is an input error naming the input', async () => {
    const cf = await cloudFront()
    const run = await cf.step({ 'distribution-id': SITE, 'sync-log': 'logs' }, undefined, {
      'logs/x.log': '',
    })
    cf.expectInputError(run, `Input 'sync-log': "logs" is a directory, not a file`)
  })

  it('origin-path without sync-log, or holding a pattern, is an input error', async () => {
    const cf = await cloudFront()
    const alone = await cf.step({ 'distribution-id': SITE, paths: '/a', 'origin-path': '/site' })
    cf.expectInputError(alone, "Input 'origin-path': applies to sync-log keys only")
    const pattern = await cf.step({ 'distribution-id': SITE, 'origin-path': 'site/*' }, 'delete: s3://b/k\n')
    cf.expectInputError(pattern, `Input 'origin-path': "site/*" is an S3 key prefix, not a pattern`)
  })
})

describe.concurrent('CLI', () => {
  /**
   * bin/cloudfront-invalidate.js as a user runs it. It imports ../dist/index.js, so when CFI_BUNDLE names
   * another build, a copy of bin/ sits next to a link to that build's directory.
   */
  const cliPath = ((): string => {
    if (BUNDLE === fileURLToPath(new URL('../dist/index.js', import.meta.url))) return CLI
    const dir = mkdtempSync(join(tmpdir(), 'cfi-sync-cli-'))
    mkdirSync(join(dir, 'bin'))
    writeFileSync(join(dir, 'bin', 'cloudfront-invalidate.js'), readFileSync(CLI))
    symlinkSync(dirname(BUNDLE), join(dir, 'dist'))
    writeFileSync(join(dir, 'package.json'), '{"type":"module"}')
    return join(dir, 'bin', 'cloudfront-invalidate.js')
  })()
  const cli = async (args: string[], cwd: string) => {
    try {
      const { stdout, stderr } = await promisify(execFile)(NODE24, [cliPath, ...args], {
        cwd,
        env: { PATH: process.env.PATH, AWS_ENDPOINT_URL_CLOUDFRONT: 'http://127.0.0.1:9' },
      })
      return { code: 0, stdout, stderr }
    } catch (e) {
      const err = e as { code: number; stdout: string; stderr: string }
      return { code: err.code, stdout: err.stdout, stderr: err.stderr }
    }
  }

  it('--sync-log with --dry-run previews the (dryrun) log, relative to the working directory', async () => {
    const cwd = workspaceWith({ 'sync.log': fixture('aws-sync-dryrun.txt') })
    const args = ['--distribution-id', SITE, '--sync-log', 'sync.log', '--origin-path', '/site', '--dry-run']
    const r = await cli([...args, '--json'], cwd)
    expect(r.stderr).not.toContain('warning:')
    expect(r.code).toBe(0)
    const out = JSON.parse(r.stdout) as Record<string, unknown>
    expect(out.status).toBe('Planned')
    // index-document defaults to index.html, as in the action, so /index.html brings / with it.
    expect(sorted(out.paths as string[])).toEqual(
      sorted(['/index.html', '/', '/blog/hello%20world.html', '/old%20page.html']),
    )
    expect(out['requested-path-count']).toBe(4)
    expect(out['invalidation-ids']).toEqual([])
  })

  it('--origin-path auto with --dry-run exits 2 with one line', async () => {
    const cwd = workspaceWith({ 'sync.log': fixture('aws-sync.txt') })
    const r = await cli(
      ['--distribution-id', SITE, '--sync-log', 'sync.log', '--origin-path', 'auto', '--dry-run'],
      cwd,
    )
    expect(r.code).toBe(2)
    expect(r.stderr.trim().split('\n')).toEqual([expect.stringContaining("--origin-path: 'auto' reads")])
  })
})
