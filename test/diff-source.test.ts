/**
 * `changedFiles` end to end on real git repositories the tests build (a bare "origin", an author's clone,
 * full and shallow checkouts), and the GitHub API fallback against the fake API over real HTTP.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { InputError } from '../src/errors.js'
import {
  changedFiles,
  readEventPayload,
  type ChangedFilesOptions,
  type DiffLog,
} from '../src/sources/diff.js'
import { manyFiles, startFakeGitHub, type FakeGitHub } from './support/fake-github.js'
import { git } from './support/git-repo.js'

const TOKEN = 'ghs_test-token'
const REPO = { owner: 'octo', repo: 'site' }

function write(dir: string, files: Record<string, string>): void {
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true })
    writeFileSync(join(dir, name), content)
  }
}

function commit(dir: string, message: string): string {
  git(dir, 'add', '--all')
  git(dir, 'commit', '--quiet', '--message', message)
  return git(dir, 'rev-parse', 'HEAD')
}

let temp: string
let origin: string
let author: string
/** Commits of the fixture: main C0 -> C1; feature C0 -> F1; hotfix C1 -> H1, force-pushed to C1 -> H2. */
const sha = { C0: '', C1: '', F1: '', H1: '', H2: '' }

/** The files under `site/` that C0..C1 changes: every kind of change and awkward name. */
const PUSH_FILES = [
  'index.html', // modified
  'new page.html', // added, with a space
  'café/ünï.html', // added, non-ASCII
  'tab\tname.html', // added, with a tab
  '"quoted".html', // added, with quotes
  'to-delete.txt', // deleted: still cached at the edge
  'old name.html', // renamed from...
  'renamed/new name.html', // ...to: both names count
].sort()

beforeAll(() => {
  temp = mkdtempSync(join(tmpdir(), 'cf-diff-'))
  origin = join(temp, 'origin.git')
  author = join(temp, 'author')
  git(temp, 'init', '--quiet', '--bare', '--initial-branch=main', origin)
  git(temp, 'clone', '--quiet', origin, author)
  git(author, 'checkout', '--quiet', '-B', 'main')

  write(author, {
    '.gitignore': 'public/\n',
    'README.md': '# site\n',
    'site/index.html': '<h1>home</h1>\n',
    'site/about.html': '<h1>about</h1>\n',
    'site/old name.html': '<p>a page that is about to move somewhere else</p>\n',
    'site/css/app.css': 'body { margin: 0 }\n',
    'site/to-delete.txt': 'bye\n',
  })
  sha.C0 = commit(author, 'C0')

  write(author, {
    'README.md': '# site, edited outside root\n',
    'site/index.html': '<h1>home, edited</h1>\n',
    'site/new page.html': 'new\n',
    'site/café/ünï.html': 'unicode\n',
    'site/tab\tname.html': 'tab\n',
    'site/"quoted".html': 'quotes\n',
  })
  rmSync(join(author, 'site/to-delete.txt'))
  mkdirSync(join(author, 'site/renamed'))
  git(author, 'mv', 'site/old name.html', 'site/renamed/new name.html')
  sha.C1 = commit(author, 'C1')
  git(author, 'push', '--quiet', 'origin', 'main')

  git(author, 'checkout', '--quiet', '-b', 'feature', sha.C0)
  write(author, { 'site/about.html': '<h1>about, edited</h1>\n', 'site/feature.html': 'feature\n' })
  sha.F1 = commit(author, 'F1')
  git(author, 'push', '--quiet', 'origin', 'feature')

  git(author, 'checkout', '--quiet', '-b', 'hotfix', sha.C1)
  write(author, { 'site/css/app.css': 'body { margin: 1px }\n', 'site/discarded.html': 'soon gone\n' })
  sha.H1 = commit(author, 'H1')
  git(author, 'push', '--quiet', 'origin', 'hotfix')
  git(author, 'reset', '--quiet', '--hard', sha.C1)
  write(author, { 'site/kept.html': 'kept\n' })
  sha.H2 = commit(author, 'H2')
  git(author, 'push', '--quiet', '--force', 'origin', 'hotfix')
  // The force-push's old commit is now gone from origin (GitHub would keep it a while; a gc drops it).
  git(origin, 'gc', '--quiet', '--prune=now')
  git(author, 'checkout', '--quiet', 'main')
})

afterAll(() => {
  rmSync(temp, { recursive: true, force: true })
})

let fakes: FakeGitHub[] = []
afterEach(async () => {
  await Promise.all(fakes.map((fake) => fake.close()))
  fakes = []
})

async function fakeGitHub(): Promise<FakeGitHub> {
  const fake = await startFakeGitHub({ ...REPO, token: TOKEN })
  fakes.push(fake)
  return fake
}

let clones = 0
let fullClone: string | undefined
/** A full checkout of main, shared by the tests that only read it (nothing is fetched into it). */
function fullMain(): string {
  fullClone ??= checkout()
  return fullClone
}
/** A fresh checkout of origin, as actions/checkout makes it: full, or `depth` commits deep. */
function checkout(options: { branch?: string; depth?: number; into?: string } = {}): string {
  const dir = options.into ?? join(temp, `clone-${++clones}`)
  const args = ['clone', '--quiet', '--branch', options.branch ?? 'main']
  if (options.depth !== undefined) args.push('--depth', String(options.depth))
  // file:// makes git use the network transport, so --depth and fetching by SHA work as with GitHub.
  git(temp, ...args, `file://${origin}`, dir)
  return dir
}

interface Logs extends DiffLog {
  lines: Record<'info' | 'warning' | 'notice' | 'debug', string[]>
}

function logs(): Logs {
  const lines = {
    info: [] as string[],
    warning: [] as string[],
    notice: [] as string[],
    debug: [] as string[],
  }
  return {
    lines,
    info: (m) => void lines.info.push(m),
    warning: (m) => void lines.warning.push(m),
    notice: (m) => void lines.notice.push(m),
    debug: (m) => void lines.debug.push(m),
  }
}

const pushPayload = (before: string, after: string, extra: Record<string, unknown> = {}): unknown => ({
  ref: 'refs/heads/main',
  before,
  after,
  forced: false,
  created: false,
  deleted: false,
  repository: { name: REPO.repo, owner: { login: REPO.owner } },
  ...extra,
})

const prPayload = (number: number, base: string, head: string, changedFiles?: number): unknown => ({
  action: 'synchronize',
  number,
  pull_request: {
    number,
    base: { ref: 'main', sha: base },
    head: { ref: 'feature', sha: head },
    ...(changedFiles === undefined ? {} : { changed_files: changedFiles }),
  },
})

function options(workspace: string, overrides: Partial<ChangedFilesOptions> = {}): ChangedFilesOptions {
  return {
    diff: 'auto',
    eventName: 'push',
    eventPayload: pushPayload(sha.C0, sha.C1),
    workspace,
    root: 'site',
    token: TOKEN,
    repo: REPO,
    log: logs(),
    ...overrides,
  }
}

describe('changedFiles from local git', () => {
  it('lists adds, edits, deletes, both names of a rename and awkward names under root, from a push', async () => {
    const workspace = fullMain()
    const result = await changedFiles(options(workspace))
    expect(result).toEqual({ kind: 'files', files: PUSH_FILES, source: 'git', range: `${sha.C0}..${sha.C1}` })
  })

  it('reads the push event from its payload file', async () => {
    const workspace = fullMain()
    const file = join(temp, 'push-event.json')
    writeFileSync(file, JSON.stringify(pushPayload(sha.C0, sha.C1)))
    const payload = await readEventPayload(file)
    const result = await changedFiles(options(workspace, { eventPayload: payload }))
    expect(result).toMatchObject({ kind: 'files', files: PUSH_FILES, source: 'git' })
  })

  it('fetches the missing commit into a shallow clone (fetch-depth: 1) instead of asking the API', async () => {
    const workspace = checkout({ depth: 1 })
    expect(() => git(workspace, 'cat-file', '-e', `${sha.C0}^{commit}`)).toThrow()
    const fake = await fakeGitHub()
    const log = logs()
    const result = await changedFiles(options(workspace, { apiUrl: fake.url, log }))
    expect(result).toMatchObject({ kind: 'files', files: PUSH_FILES, source: 'git' })
    expect(fake.requests).toEqual([])
    expect(log.lines.debug.join('\n')).toMatch(/Fetching [0-9a-f]{40} from origin \(depth 1\)/)
  })

  it('keeps only files under root, made relative to it, when the repository is below the workspace', async () => {
    const workspace = mkdtempSync(join(temp, 'workspace-'))
    checkout({ into: join(workspace, 'checkout') })
    const result = await changedFiles(options(workspace, { root: 'checkout/site/renamed' }))
    expect(result).toMatchObject({ kind: 'files', files: ['new name.html'] })
  })

  it('takes the whole repository when root is its top, files outside site/ included', async () => {
    const workspace = fullMain()
    const result = await changedFiles(options(workspace, { root: '.' }))
    expect(result).toMatchObject({ files: [...PUSH_FILES.map((f) => `site/${f}`), 'README.md'].sort() })
  })

  it('resolves an explicit BASE..HEAD range with any revision git knows', async () => {
    const workspace = fullMain()
    const result = await changedFiles(
      options(workspace, { diff: 'HEAD~1..HEAD', eventName: 'workflow_dispatch' }),
    )
    expect(result).toEqual({ kind: 'files', files: PUSH_FILES, source: 'git', range: `${sha.C0}..${sha.C1}` })
  })

  it("fetches an explicit range's branch name from origin when only the other branch is checked out", async () => {
    const workspace = checkout({ depth: 1 })
    const result = await changedFiles(
      options(workspace, { diff: 'main..feature', eventName: 'workflow_dispatch' }),
    )
    // C1 -> F1 compared directly: C1's own changes show too (as the reverse of what C1 did).
    expect(result).toMatchObject({ source: 'git', range: `${sha.C1}..${sha.F1}` })
    expect(result.kind === 'files' && result.files).toEqual(
      [...PUSH_FILES, 'about.html', 'feature.html', 'to-delete.txt']
        .filter((f, i, all) => all.indexOf(f) === i)
        .sort(),
    )
  })

  it('lists only what a pull request changed since its merge base, as GitHub shows it', async () => {
    const workspace = checkout({ branch: 'feature' })
    const result = await changedFiles(
      options(workspace, { eventName: 'pull_request', eventPayload: prPayload(7, sha.C1, sha.F1) }),
    )
    expect(result).toEqual({
      kind: 'files',
      files: ['about.html', 'feature.html'],
      source: 'git',
      range: `${sha.C1}...${sha.F1}`,
    })
  })

  it('deepens a shallow pull_request_target checkout until base and head meet', async () => {
    const workspace = checkout({ depth: 1, branch: 'feature' })
    const fake = await fakeGitHub()
    const log = logs()
    const result = await changedFiles(
      options(workspace, {
        eventName: 'pull_request_target',
        eventPayload: prPayload(7, sha.C1, sha.F1),
        apiUrl: fake.url,
        log,
      }),
    )
    expect(result).toMatchObject({ kind: 'files', files: ['about.html', 'feature.html'], source: 'git' })
    expect(fake.requests).toEqual([])
    expect(log.lines.debug.join('\n')).toMatch(/Fetching 100 commits of history/)
  })

  it('compares the snapshots of a force-push, so files changed only in discarded commits count', async () => {
    // The author's clone still has the discarded commit H1.
    git(author, 'checkout', '--quiet', 'hotfix')
    try {
      const payload = pushPayload(sha.H1, sha.H2, { ref: 'refs/heads/hotfix', forced: true })
      const result = await changedFiles(options(author, { eventPayload: payload }))
      expect(result).toMatchObject({
        kind: 'files',
        files: ['css/app.css', 'discarded.html', 'kept.html'],
        source: 'git',
      })
    } finally {
      git(author, 'checkout', '--quiet', 'main')
    }
  })

  it('takes every file for a new branch, with a notice saying why', async () => {
    const log = logs()
    const payload = pushPayload('0'.repeat(40), sha.C1, { ref: 'refs/heads/new', created: true })
    const result = await changedFiles(options(author, { eventPayload: payload, log }))
    expect(result.kind).toBe('every-file')
    expect(log.lines.notice).toEqual([
      expect.stringMatching(/created refs\/heads\/new: there is no earlier commit/),
    ])
  })

  it('warns when root is ignored by git, since no change to it can show', async () => {
    const workspace = fullMain()
    mkdirSync(join(workspace, 'public'))
    const log = logs()
    const result = await changedFiles(options(workspace, { root: 'public', log }))
    expect(result).toMatchObject({ kind: 'files', files: [] })
    expect(log.lines.warning).toEqual([expect.stringMatching(/'root' "public" is ignored by git/)])
  })
})

describe('changedFiles from the GitHub API when git cannot answer', () => {
  /**
   * A shallow checkout whose origin has gone away: nothing can be fetched, so nothing in it changes and
   * one per branch serves every test.
   */
  const strandedClones = new Map<string, string>()
  function stranded(branch = 'main'): string {
    let workspace = strandedClones.get(branch)
    if (workspace === undefined) {
      workspace = checkout({ depth: 1, branch })
      git(workspace, 'remote', 'set-url', 'origin', join(temp, 'no-such-remote.git'))
      strandedClones.set(branch, workspace)
    }
    return workspace
  }

  it('compares the push range, keeps rename sources and drops files outside root', async () => {
    const fake = await fakeGitHub()
    fake.setCompare(sha.C0, sha.C1, {
      status: 'ahead',
      files: [
        { filename: 'site/index.html', status: 'modified' },
        { filename: 'site/to-delete.txt', status: 'removed' },
        {
          filename: 'site/renamed/new name.html',
          status: 'renamed',
          previous_filename: 'site/old name.html',
        },
        { filename: 'README.md', status: 'modified' },
      ],
    })
    const log = logs()
    const result = await changedFiles(options(stranded(), { apiUrl: fake.url, log }))
    expect(result).toEqual({
      kind: 'files',
      files: ['index.html', 'old name.html', 'renamed/new name.html', 'to-delete.txt'],
      source: 'api',
      range: `${sha.C0}..${sha.C1}`,
    })
    expect(fake.requests.map((r) => r.path)).toEqual([`/repos/octo/site/compare/${sha.C0}...${sha.C1}`])
    expect(fake.requests[0]?.authorization).toMatch(new RegExp(`${TOKEN}$`))
    expect(log.lines.info.join('\n')).toMatch(/origin did not give it\); asking the GitHub API/)
  })

  it('works without any git checkout, taking root from the workspace top', async () => {
    const fake = await fakeGitHub()
    fake.setCompare(sha.C0, sha.C1, {
      status: 'ahead',
      files: [{ filename: 'site/a.html', status: 'added' }],
    })
    const workspace = mkdtempSync(join(temp, 'no-git-'))
    const result = await changedFiles(options(workspace, { apiUrl: fake.url }))
    expect(result).toMatchObject({ kind: 'files', files: ['a.html'], source: 'api' })
  })

  it('also compares after...before for a force-push whose old commit is gone from origin', async () => {
    const fake = await fakeGitHub()
    fake.setCompare(sha.H1, sha.H2, {
      status: 'diverged',
      files: [{ filename: 'site/kept.html', status: 'added' }],
    })
    fake.setCompare(sha.H2, sha.H1, {
      status: 'diverged',
      files: [
        { filename: 'site/css/app.css', status: 'modified' },
        { filename: 'site/discarded.html', status: 'added' },
      ],
    })
    // Origin is reachable here, but the gc dropped H1: the fetch fails and the API answers.
    const workspace = checkout({ depth: 1, branch: 'hotfix' })
    const payload = pushPayload(sha.H1, sha.H2, { ref: 'refs/heads/hotfix', forced: true })
    const result = await changedFiles(options(workspace, { eventPayload: payload, apiUrl: fake.url }))
    expect(result).toMatchObject({
      kind: 'files',
      files: ['css/app.css', 'discarded.html', 'kept.html'],
      source: 'api',
    })
    expect(fake.requests.map((r) => r.path)).toEqual([
      `/repos/octo/site/compare/${sha.H1}...${sha.H2}`,
      `/repos/octo/site/compare/${sha.H2}...${sha.H1}`,
    ])
  })

  it('compares the other way too when the push went back in history (a rollback)', async () => {
    const fake = await fakeGitHub()
    fake.setCompare(sha.C1, sha.C0, { status: 'behind', files: [] })
    fake.setCompare(sha.C0, sha.C1, {
      status: 'ahead',
      files: [{ filename: 'site/index.html', status: 'modified' }],
    })
    const result = await changedFiles(
      options(mkdtempSync(join(temp, 'no-git-')), {
        eventPayload: pushPayload(sha.C1, sha.C0),
        apiUrl: fake.url,
      }),
    )
    expect(result).toMatchObject({ kind: 'files', files: ['index.html'], source: 'api' })
  })

  it("widens to the whole site when a force-push's old commit is gone from GitHub too", async () => {
    const fake = await fakeGitHub()
    const log = logs()
    const payload = pushPayload(sha.H1, sha.H2, { ref: 'refs/heads/hotfix', forced: true })
    const result = await changedFiles(
      options(stranded('hotfix'), { eventPayload: payload, apiUrl: fake.url, log }),
    )
    expect(result.kind).toBe('whole-site')
    expect(log.lines.warning).toEqual([expect.stringMatching(/previous commit [0-9a-f]{7} is gone/)])
  })

  it('lists a pull request through its paginated file list', async () => {
    const fake = await fakeGitHub()
    fake.setPullFiles(42, [
      ...manyFiles(249),
      { filename: 'site/moved.html', status: 'renamed', previous_filename: 'site/was.html' },
      { filename: 'docs/outside.md', status: 'added' },
    ])
    const workspace = stranded('feature')
    const result = await changedFiles(
      options(workspace, {
        eventName: 'pull_request',
        eventPayload: prPayload(42, sha.C1, sha.F1, 251),
        apiUrl: fake.url,
      }),
    )
    expect(result).toMatchObject({ kind: 'files', source: 'api', range: `${sha.C1}...${sha.F1}` })
    const files = result.kind === 'files' ? result.files : []
    expect(files).toHaveLength(251)
    expect(files).toEqual(
      expect.arrayContaining(['file-0001.html', 'file-0249.html', 'moved.html', 'was.html']),
    )
    expect(fake.requests.map((r) => r.query['page'] ?? '1')).toEqual(['1', '2', '3'])
  })

  it('widens to the whole site when compare gives 300 files: the list may be cut', async () => {
    const fake = await fakeGitHub()
    fake.setCompare(sha.C0, sha.C1, { status: 'ahead', files: manyFiles(450) })
    const log = logs()
    const result = await changedFiles(options(stranded(), { apiUrl: fake.url, log }))
    expect(result).toEqual({ kind: 'whole-site', reason: log.lines.warning[0] })
    expect(log.lines.warning).toEqual([
      expect.stringMatching(/compare lists at most 300 files and gave that many .* 'fetch-depth: 0'/),
    ])
  })

  it('widens to the whole site when a pull request has more than 3,000 files', async () => {
    const fake = await fakeGitHub()
    fake.setPullFiles(5, manyFiles(3200))
    const log = logs()
    const result = await changedFiles(
      options(stranded('feature'), {
        eventName: 'pull_request',
        eventPayload: prPayload(5, sha.C1, sha.F1, 3200),
        apiUrl: fake.url,
        log,
      }),
    )
    expect(result.kind).toBe('whole-site')
    expect(log.lines.warning).toEqual([
      expect.stringMatching(
        /file list of pull request #5 may be incomplete \(it stops at 3,000 files, and the pull request has 3200\)/,
      ),
    ])
  })

  const failures: Array<[string, number, string, Record<string, string>, RegExp]> = [
    [
      '401',
      401,
      'Bad credentials',
      {},
      /^Input 'github-token': GitHub answered 401 \(Bad credentials\).*expired/,
    ],
    [
      '403',
      403,
      'Resource not accessible by integration',
      {},
      /^Input 'github-token': GitHub answered 403 .*lacks 'contents: read'/,
    ],
    ['404', 404, 'Not Found', {}, /^Input 'github-token': GitHub answered 404 .*needs 'contents: read'/],
    [
      '403 rate limit',
      403,
      'API rate limit exceeded',
      { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '1700000000' },
      /rate limit is used up until 2023-11-14T22:13:20.000Z/,
    ],
  ]
  it.each(failures)(
    'fails on a compare %s with one line naming the token permission',
    async (_, status, message, headers, expected) => {
      const fake = await fakeGitHub()
      fake.setCompare(sha.C0, sha.C1, { error: status, message, headers })
      const error = await changedFiles(options(stranded(), { apiUrl: fake.url })).catch((e: unknown) => e)
      expect(error).toBeInstanceOf(Error)
      expect((error as Error).message).toMatch(expected)
      expect((error as Error).message).not.toContain('\n')
    },
  )

  it("names 'pull-requests: read' when the pull request files are refused", async () => {
    const fake = await fakeGitHub()
    fake.setPullFiles(3, { error: 403, message: 'Resource not accessible by integration' })
    const run = changedFiles(
      options(stranded('feature'), {
        eventName: 'pull_request',
        eventPayload: prPayload(3, sha.C1, sha.F1),
        apiUrl: fake.url,
      }),
    )
    await expect(run).rejects.toThrow(/^Input 'github-token': .*pull request #3.*lacks 'pull-requests: read'/)
  })

  it("fails naming 'diff' when an explicit range is found neither locally nor on GitHub", async () => {
    const fake = await fakeGitHub()
    const error = await changedFiles(
      options(stranded(), { diff: 'v9.9.9..HEAD', eventName: 'workflow_dispatch', apiUrl: fake.url }),
    ).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(InputError)
    expect((error as Error).message).toMatch(
      /^Input 'diff': "v9\.9\.9\.\.HEAD" cannot be found: not in the local clone .* nor on GitHub/,
    )
    // HEAD is the commit checked out here, so GitHub is asked about its SHA, not its own default branch.
    expect(fake.requests.map((r) => r.path)).toEqual([`/repos/octo/site/compare/v9.9.9...${sha.C1}`])
  })

  it("fails naming 'github-token' when git cannot answer and there is no token", async () => {
    const run = changedFiles(options(stranded(), { token: '' }))
    await expect(run).rejects.toThrow(/^Input 'github-token': is empty, and git cannot list the changes in/)
  })

  it("fails naming 'diff' for diff: auto on an unsupported event, before running anything", async () => {
    const run = changedFiles(options(join(temp, 'does-not-exist'), { eventName: 'schedule' }))
    await expect(run).rejects.toThrow(
      /^Input 'diff': 'auto' reads .* "schedule" event; give the range yourself/,
    )
  })
})
