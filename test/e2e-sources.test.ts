/**
 * End to end: `files` and `diff` (issue 3) through the bundled dist/index.js under Node 24, started as the
 * runner starts it (action.yml's defaults as INPUT_* variables, an event payload file, GITHUB_WORKSPACE a
 * real git checkout the tests build), against the fake CloudFront and the fake GitHub REST API over HTTP.
 * Assertions are on what CloudFront received, or on the `paths` output of a dry run.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { cloudFrontEnv, FakeCloudFront } from './support/fake-cloudfront.js'
import { manyFiles, startFakeGitHub, type FakeGitHub } from './support/fake-github.js'
import { checkout, commit, git, makeOrigin, strand, write } from './support/git-repo.js'
import { runAction, type ActionRun, RUNNER_DEFAULTS } from './support/run-action.js'

const DIST = 'E2EXAMPLE0000'
const TOKEN = 'ghs_e2e-sources-token'
const REPOSITORY = 'octo/site'
const ZERO = '0'.repeat(40)

let temp: string
let origin: string
let cloudFront: FakeCloudFront
let gitHub: FakeGitHub
/** Undo what beforeAll made, in reverse order; only what was made, should it fail halfway. */
const cleanups: (() => unknown)[] = []
/** Commits of the fixture, see beforeAll. */
const sha = { C0: '', C1: '', C2: '', F1: '' }

/** The twelve pages of site/docs/, all edited by C2: a directory that changed as a whole. */
const DOCS = Array.from({ length: 12 }, (_, i) => `site/docs/p${String(i + 1).padStart(2, '0')}.html`)

beforeAll(async () => {
  temp = mkdtempSync(join(tmpdir(), 'cfi-e2e-sources-'))
  cleanups.push(() => rmSync(temp, { recursive: true, force: true }))
  const repo = makeOrigin(temp)
  origin = repo.origin
  const { author } = repo
  // C0: the site under site/, next to files that are not part of it.
  write(author, {
    'README.md': '# site\n',
    'other/page.html': '<p>not under root</p>\n',
    'site/index.html': '<h1>home</h1>\n',
    'site/about/index.html': '<h1>about</h1>\n',
    'site/old name.html': '<p>a page that is about to move somewhere else</p>\n',
    'site/to-delete.txt': 'bye\n',
    'site/css/app.css': 'body { margin: 0 }\n',
    'site/.well-known/security.txt': 'Contact: mailto:security@example.com\n',
    ...Object.fromEntries(DOCS.map((p) => [p, `<p>${p}</p>\n`])),
  })
  sha.C0 = commit(author, 'C0')
  // C1: every kind of change under root, and edits outside it.
  write(author, {
    'README.md': '# site, edited outside root\n',
    'other/page.html': '<p>edited, still not under root</p>\n',
    'site/index.html': '<h1>home, edited</h1>\n',
    'site/about/index.html': '<h1>about, edited</h1>\n',
    'site/new page.html': 'added, with a space\n',
    'site/café/ünï.html': 'added, non-ASCII\n',
    'site/100%.html': 'added, with a percent sign\n',
    'site/to-delete.txt': null,
  })
  mkdirSync(join(author, 'site/renamed'))
  git(author, 'mv', 'site/old name.html', 'site/renamed/new name.html')
  sha.C1 = commit(author, 'C1')
  git(author, 'tag', 'c1')
  // C2: the whole of site/docs/ edited.
  write(author, Object.fromEntries(DOCS.map((p) => [p, `<p>${p}, edited</p>\n`])))
  sha.C2 = commit(author, 'C2')
  git(author, 'push', '--quiet', '--tags', 'origin', 'main')
  // A pull request's branch, forked from C1.
  git(author, 'checkout', '--quiet', '-b', 'feature', sha.C1)
  write(author, { 'site/feature.html': 'feature\n', 'site/css/app.css': 'body { margin: 1px }\n' })
  sha.F1 = commit(author, 'F1')
  git(author, 'push', '--quiet', 'origin', 'feature')

  cloudFront = await FakeCloudFront.start({ distributions: [DIST], completionDelayMs: 100 })
  cleanups.push(() => cloudFront.stop())
  gitHub = await startFakeGitHub({ owner: 'octo', repo: 'site', token: TOKEN })
  cleanups.push(() => gitHub.close())
})

afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup()
})

beforeEach(() => {
  cloudFront.reset()
  gitHub.requests.length = 0
})

let workspaces = 0
/** A fresh checkout of origin as the workspace (see `checkout`). */
function workspace(options: { ref?: string; depth?: number } = {}): string {
  return checkout(origin, join(temp, `ws-${++workspaces}`), options)
}

let fullClone: string | undefined
/** A full checkout of main (C2), shared by the tests that only read it (nothing is fetched into it). */
function fullMain(): string {
  fullClone ??= workspace()
  return fullClone
}

let events = 0
/** Write an event payload file, as the runner does for GITHUB_EVENT_PATH. */
function payload(event: unknown): string {
  const file = join(temp, `event-${++events}.json`)
  writeFileSync(file, JSON.stringify(event))
  return file
}

const pushEvent = (before: string, after: string): unknown => ({
  ref: 'refs/heads/main',
  before,
  after,
  created: before === ZERO,
  deleted: false,
  forced: false,
  repository: { name: 'site', owner: { login: 'octo' }, full_name: REPOSITORY },
})

const pullRequestEvent = (number: number, base: string, head: string, changedFiles: number): unknown => ({
  action: 'synchronize',
  number,
  pull_request: {
    number,
    changed_files: changedFiles,
    base: { ref: 'main', sha: base },
    head: { ref: 'feature', sha: head },
  },
  repository: { name: 'site', owner: { login: 'octo' }, full_name: REPOSITORY },
})

interface Step {
  inputs: Record<string, string>
  workspace: string
  /** GITHUB_EVENT_NAME and the payload written to GITHUB_EVENT_PATH. */
  event?: { name: string; payload: unknown }
}

/** Run the bundle as a step of a workflow in `octo/site`, talking to both fakes. */
function step({ inputs, workspace, event }: Step): Promise<ActionRun> {
  return runAction({
    inputs: { ...RUNNER_DEFAULTS, 'distribution-id': DIST, ...inputs },
    workspace,
    env: {
      ...cloudFrontEnv(cloudFront),
      GITHUB_REPOSITORY: REPOSITORY,
      GITHUB_API_URL: gitHub.url,
      GITHUB_EVENT_NAME: event?.name ?? 'workflow_dispatch',
      GITHUB_EVENT_PATH: payload(event?.payload ?? {}),
    },
  })
}

/** The paths CloudFront received in this test, sorted. */
function invalidated(): string[] {
  return cloudFront
    .invalidations(DIST)
    .flatMap((i) => i.paths)
    .sort()
}

/** The `paths` output, sorted. */
function pathsOutput(run: ActionRun): string[] {
  return (JSON.parse(run.outputs.paths ?? '[]') as string[]).sort()
}

function annotations(run: ActionRun, level: 'error' | 'warning' | 'notice'): string[] {
  return run.annotations.filter((a) => a.level === level).map((a) => a.message)
}

/** Fail with the step's log when it did not exit as expected: the assertion alone says too little. */
function expectExit(run: ActionRun, code: number): void {
  if (run.code !== code) throw new Error(`exit ${run.code}, expected ${code}:\n${run.stdout}\n${run.stderr}`)
}

/** What C0..C1 changed under site/, as CloudFront paths (both names of the rename; deletes included). */
const PUSH_PATHS = [
  '/',
  '/100%25.html',
  '/about/',
  '/about/index.html',
  '/caf%C3%A9/%C3%BCn%C3%AF.html',
  '/index.html',
  '/new%20page.html',
  '/old%20name.html',
  '/renamed/new%20name.html',
  '/to-delete.txt',
].sort()

describe('files', () => {
  it('invalidates the matched files under root with index documents, prefix and encoded names', async () => {
    const run = await step({
      workspace: fullMain(),
      inputs: {
        root: 'site',
        files: '**/*.html\n!docs/**\n.well-known/',
        prefix: 'blog',
        collapse: 'off',
      },
    })
    expectExit(run, 0)
    expect(run.stderr).toBe('')
    expect(invalidated()).toEqual(
      [
        '/blog/',
        '/blog/index.html',
        '/blog/about/',
        '/blog/about/index.html',
        '/blog/new%20page.html',
        '/blog/caf%C3%A9/%C3%BCn%C3%AF.html',
        '/blog/100%25.html',
        '/blog/renamed/new%20name.html',
        '/blog/.well-known/security.txt', // dotfiles match
      ].sort(),
    )
    expect(pathsOutput(run)).toEqual(invalidated())
    expect(run.outputs.status).toBe('InProgress')
    expect(annotations(run, 'warning')).toEqual([])
  })

  it('never selects .git, matches dotfiles, and turns index documents off with index-document: ""', async () => {
    const run = await step({
      workspace: fullMain(),
      inputs: { root: '.', files: '**', 'index-document': '', 'dry-run': 'true', collapse: 'off' },
    })
    expectExit(run, 0)
    const paths = pathsOutput(run)
    expect(paths.filter((p) => p.startsWith('/.git'))).toEqual([])
    expect(paths).toContain('/README.md')
    expect(paths).toContain('/site/.well-known/security.txt')
    expect(paths).toContain('/site/about/index.html')
    expect(paths).not.toContain('/site/about/')
    expect(paths).not.toContain('/')
    expect(run.outputs.status).toBe('Planned')
    expect(cloudFront.requests).toEqual([]) // a dry run makes no AWS call
  })

  it('warns about a pattern that matches nothing, and goes on with the others', async () => {
    const run = await step({
      workspace: fullMain(),
      inputs: { root: 'site', files: 'index.html\n**/*.pdf', 'dry-run': 'true', collapse: 'off' },
    })
    expectExit(run, 0)
    expect(annotations(run, 'warning')).toEqual([`files: pattern "**/*.pdf" matched no file under "site"`])
    expect(pathsOutput(run)).toEqual(['/', '/index.html'])
  })

  it('fails in one line naming root, as written, when it is missing or not a directory', async () => {
    const ws = fullMain()
    const [missing, notDir, missingForDiff] = await Promise.all([
      step({ workspace: ws, inputs: { root: 'public', files: '**' } }),
      step({ workspace: ws, inputs: { root: 'README.md', files: '**' } }),
      // With diff, git would list nothing under a misspelt root: an error too, not a quiet skip.
      step({ workspace: ws, inputs: { root: 'stie', diff: 'HEAD~1..HEAD', collapse: 'off' } }),
    ])
    const error = (run: ActionRun): string => {
      expectExit(run, 1)
      const errors = annotations(run, 'error')
      expect(errors).toHaveLength(1)
      return errors[0] ?? ''
    }
    expect(error(missing)).toBe(`Input 'root': "public" does not exist (resolved to "${join(ws, 'public')}")`)
    expect(error(notDir)).toBe(
      `Input 'root': "README.md" is not a directory (resolved to "${join(ws, 'README.md')}")`,
    )
    expect(error(missingForDiff)).toMatch(/^Input 'root': "stie" does not exist/)
    expect(cloudFront.requests).toEqual([])
  })
})

describe('diff from local git', () => {
  it('diff: auto on a push: adds, edits, deletes, both names of a rename; nothing outside root', async () => {
    // actions/checkout's default: one commit deep. The push's `before` is fetched from origin by SHA,
    // so git answers alone and the GitHub API is never asked.
    const ws = workspace({ ref: 'c1', depth: 1 })
    const run = await step({
      workspace: ws,
      event: { name: 'push', payload: pushEvent(sha.C0, sha.C1) },
      inputs: { root: 'site', diff: 'auto', collapse: 'off', 'github-token': TOKEN },
    })
    expectExit(run, 0)
    expect(run.stderr).toBe('')
    expect(invalidated()).toEqual(PUSH_PATHS)
    expect(gitHub.requests).toEqual([])
    expect(run.stdout).toContain(`diff ${sha.C0}..${sha.C1}: 8 changed files selected (from git)`)
  })

  it('diff: auto on pull_request_target: what the PR changed since its merge base, fetched into a shallow clone', async () => {
    // main moved on (C2 edited docs/) after feature forked at C1: those edits are not the PR's.
    const run = await step({
      workspace: workspace({ ref: 'feature', depth: 1 }),
      event: { name: 'pull_request_target', payload: pullRequestEvent(5, sha.C2, sha.F1, 2) },
      inputs: { root: 'site', diff: 'auto', collapse: 'off', 'github-token': TOKEN },
    })
    expectExit(run, 0)
    expect(invalidated()).toEqual(['/css/app.css', '/feature.html'])
    expect(gitHub.requests).toEqual([])
  })

  it('an explicit BASE..HEAD range with revisions git knows, filtered by files', async () => {
    const run = await step({
      workspace: workspace({ ref: 'c1' }),
      inputs: { root: 'site', diff: 'HEAD~1..HEAD', files: '**/*.html', collapse: 'off' },
    })
    expectExit(run, 0)
    expect(invalidated()).toEqual(PUSH_PATHS.filter((p) => p !== '/to-delete.txt'))
    expect(annotations(run, 'warning')).toEqual([])
  })

  it('a new branch: a notice, then every file under root that files matches', async () => {
    const run = await step({
      workspace: fullMain(),
      event: { name: 'push', payload: pushEvent(ZERO, sha.C2) },
      inputs: { root: 'site', diff: 'auto', files: '**/*.html\n!docs/**', collapse: 'off' },
    })
    expectExit(run, 0)
    const notices = annotations(run, 'notice')
    expect(notices[0]).toMatch(
      /The push created refs\/heads\/main: there is no earlier commit to diff against/,
    )
    expect(invalidated()).toEqual(
      [
        '/',
        '/index.html',
        '/about/',
        '/about/index.html',
        '/new%20page.html',
        '/caf%C3%A9/%C3%BCn%C3%AF.html',
        '/100%25.html',
        '/renamed/new%20name.html',
      ].sort(),
    )
  })

  it('merge_group with the default collapse: a directory that changed as a whole becomes one wildcard', async () => {
    const run = await step({
      workspace: fullMain(),
      event: {
        name: 'merge_group',
        payload: { merge_group: { base_sha: sha.C1, head_sha: sha.C2, head_ref: 'gh-readonly-queue/main' } },
      },
      inputs: { root: 'site', diff: 'auto' },
    })
    expectExit(run, 0)
    expect(invalidated()).toEqual(['/docs/*'])
    expect(run.outputs['requested-path-count']).toBe('12')
    expect(run.outputs['path-count']).toBe('1')
  })

  it('with the default collapse, counts the unchanged objects of a changed directory (90 % rule)', async () => {
    // blog/ holds 12 pages; a diff of 11 leaves 1 unchanged (8 %): one wildcard. A diff of 10 leaves 2
    // (17 %): the pages as they are. Only the tree's count of unchanged objects tells the two apart.
    const ws = mkdtempSync(join(tmpdir(), 'cfi-diff-tree-'))
    git(ws, 'init', '--quiet')
    const pages = Array.from({ length: 12 }, (_, i) => `site/blog/p${i}.html`)
    write(ws, Object.fromEntries([...pages, 'site/index.html'].map((p) => [p, 'one'])))
    commit(ws, 'one')
    const edit = (n: number, message: string): string => {
      write(ws, Object.fromEntries(pages.slice(0, n).map((p) => [p, message])))
      return commit(ws, message)
    }
    const base = git(ws, 'rev-parse', 'HEAD')
    const ten = edit(10, 'ten')
    const eleven = edit(11, 'eleven')
    const [thin, whole] = await Promise.all([
      step({ workspace: ws, inputs: { root: 'site', diff: `${base}..${ten}`, 'dry-run': 'true' } }),
      step({ workspace: ws, inputs: { root: 'site', diff: `${ten}..${eleven}`, 'dry-run': 'true' } }),
    ])
    expectExit(thin, 0)
    expect(JSON.parse(thin.outputs.paths ?? '[]')).toHaveLength(10)
    expect(thin.outputs.paths).not.toContain('*')
    expectExit(whole, 0)
    expect(JSON.parse(whole.outputs.paths ?? '[]')).toEqual(['/blog/*'])
    expect(whole.summary).toContain('| <code>/blog/&#42;</code> | 11 | 1 |')
  })

  it("fails naming 'diff' on an event diff: auto cannot read, suggesting BASE..HEAD", async () => {
    const run = await step({
      workspace: fullMain(),
      event: { name: 'workflow_dispatch', payload: { inputs: {} } },
      inputs: { root: 'site', diff: 'auto' },
    })
    expectExit(run, 1)
    const errors = annotations(run, 'error')
    expect(errors).toHaveLength(1)
    expect(errors[0]).toMatch(
      /^Input 'diff': 'auto' reads the changed commits from a push, .*"workflow_dispatch"/,
    )
    expect(errors[0]).toContain('BASE..HEAD')
    expect(cloudFront.requests).toEqual([])
  })
})

describe('diff through the GitHub API (a shallow checkout that cannot fetch)', () => {
  /** A one-commit-deep checkout whose origin is unreachable: git alone cannot answer. */
  function stranded(ref: string): string {
    const ws = workspace({ ref, depth: 1 })
    strand(ws)
    return ws
  }

  it("a pull request: the PR's files from the API, rename sources included, outside root dropped", async () => {
    gitHub.setPullFiles(7, [
      { filename: 'site/feature.html', status: 'added' },
      { filename: 'site/css/app.css', status: 'modified' },
      { filename: 'site/moved/ü page.html', status: 'renamed', previous_filename: 'site/was here.html' },
      { filename: 'README.md', status: 'modified' },
    ])
    const run = await step({
      workspace: stranded('feature'),
      event: { name: 'pull_request', payload: pullRequestEvent(7, sha.C2, sha.F1, 4) },
      inputs: { root: 'site', diff: 'auto', collapse: 'off', 'github-token': TOKEN },
    })
    expectExit(run, 0)
    expect(invalidated()).toEqual(
      ['/css/app.css', '/feature.html', '/moved/%C3%BC%20page.html', '/was%20here.html'].sort(),
    )
    const asked = gitHub.requests.map((r) => r.path)
    expect(asked).toEqual(['/repos/octo/site/pulls/7/files'])
    expect(gitHub.requests[0]?.authorization).toMatch(new RegExp(`^(token|bearer) ${TOKEN}$`, 'i'))
  })

  it('a compare that lists 300 files may be cut: the whole site under prefix, with a warning', async () => {
    gitHub.setCompare(sha.C0, sha.C2, { status: 'ahead', files: manyFiles(450, 'site') })
    const run = await step({
      workspace: stranded('main'),
      event: { name: 'push', payload: pushEvent(sha.C0, sha.C2) },
      inputs: { root: 'site', diff: 'auto', prefix: '/blog/', 'github-token': TOKEN },
    })
    expectExit(run, 0)
    expect(invalidated()).toEqual(['/blog/*'])
    const warnings = annotations(run, 'warning')
    expect(warnings.some((w) => /at most 300 files/.test(w) && /whole site/.test(w))).toBe(true)
    expect(gitHub.requests.map((r) => r.path)).toEqual([`/repos/octo/site/compare/${sha.C0}...${sha.C2}`])
  })

  it("fails naming 'github-token' and the permission when GitHub refuses the token (403)", async () => {
    gitHub.setPullFiles(8, { error: 403, message: 'Resource not accessible by integration' })
    const run = await step({
      workspace: stranded('feature'),
      event: { name: 'pull_request', payload: pullRequestEvent(8, sha.C2, sha.F1, 2) },
      inputs: { root: 'site', diff: 'auto', 'github-token': TOKEN },
    })
    expectExit(run, 1)
    const errors = annotations(run, 'error')
    expect(errors).toHaveLength(1)
    expect(errors[0]).toMatch(
      /^Input 'github-token': GitHub answered 403 \(Resource not accessible by integration\)/,
    )
    expect(errors[0]).toContain('pull-requests: read')
    expect(cloudFront.requests).toEqual([])
  })

  it("fails naming 'diff' when the range's commits are found neither locally nor on GitHub", async () => {
    const run = await step({
      workspace: stranded('main'),
      inputs: { root: 'site', diff: 'v0.0.0-gone..HEAD', 'github-token': TOKEN },
    })
    expectExit(run, 1)
    const errors = annotations(run, 'error')
    expect(errors).toHaveLength(1)
    expect(errors[0]).toMatch(/^Input 'diff': "v0.0.0-gone..HEAD" cannot be found/)
    // HEAD was resolved here, so GitHub was asked about this checkout's commit, not its default branch.
    expect(gitHub.requests.map((r) => r.path)).toEqual([`/repos/octo/site/compare/v0.0.0-gone...${sha.C2}`])
    expect(cloudFront.requests).toEqual([])
  })
})
