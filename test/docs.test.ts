/**
 * Documentation that cannot rot: every link between the repository's documents (README, docs/, the
 * top-level guides, action.yml's descriptions, the CLI's --help) reaches a file that exists and, with a
 * `#fragment`, a heading that exists; docs/cli.md shows the real --help; the changelog has the version
 * package.json releases. Links to other sites are not fetched (tests run offline).
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { dirname, join, normalize, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import { COMMANDS } from '../src/cli/flags.js'
import { commandHelp, overviewHelp } from '../src/cli/help.js'
import { DOCS_URL, VERSION } from '../src/version.js'

const root = fileURLToPath(new URL('../', import.meta.url))
const read = (path: string): string => readFileSync(join(root, path), 'utf8')

/** This repository on GitHub: links to its files on the default branch are checked like relative ones. */
const REPO_URL = 'https://github.com/cloudfront-invalidate/cloudfront-invalidate'

/** The Markdown documents a reader can land on. */
const DOCUMENTS = [
  ...['README.md', 'CONTRIBUTING.md', 'ARCHITECTURE.md', 'SECURITY.md', 'CHANGELOG.md', 'RELEASING.md'],
  ...readdirSync(join(root, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => `docs/${f}`),
].sort()

/** Text outside fenced code blocks (a link-like string in a code sample is not a link). */
function prose(markdown: string): string {
  return markdown.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[ \t]*$/gm, '')
}

/** GitHub's anchor for a heading: lower case, punctuation dropped (not `-` or `_`), spaces to `-`. */
function slug(heading: string): string {
  return heading
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1') // a link keeps its text
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '')
    .replace(/ /g, '-')
}

/** Every anchor a Markdown file offers: its headings' slugs, a repeat numbered as GitHub does. */
function anchors(markdown: string): Set<string> {
  const seen = new Map<string, number>()
  const out = new Set<string>()
  for (const m of prose(markdown).matchAll(/^#{1,6} +(.+?) *#*$/gm)) {
    const base = slug(m[1] ?? '')
    const n = seen.get(base) ?? 0
    seen.set(base, n + 1)
    out.add(n === 0 ? base : `${base}-${n}`)
  }
  return out
}

/** Link targets in Markdown prose: `[text](target)`, `![alt](target)` and `<a href="target">`. */
function links(markdown: string): string[] {
  const text = prose(markdown).replace(/`[^`\n]*`/g, '``') // nor in inline code
  return [
    ...[...text.matchAll(/!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)].map((m) => m[1] ?? ''),
    ...[...text.matchAll(/<a\s[^>]*href="([^"]+)"/g)].map((m) => m[1] ?? ''),
  ]
}

/** Why a link from `from` (a repository path) is broken, or undefined when it resolves. */
function problem(from: string, target: string): string | undefined {
  let path = target
  if (target.startsWith(`${REPO_URL}/`)) {
    const m = /^(?:blob|tree)\/main\/([^?#]*)(#.*)?$/.exec(target.slice(REPO_URL.length + 1))
    if (m === null) return undefined // issues, releases, security advisories…: pages, not files
    path = `/${m[1] ?? ''}${m[2] ?? ''}`
  } else if (/^[a-z][a-z0-9+.-]*:/i.test(target)) {
    return undefined // another site (or mailto:): not fetched offline
  }
  const [file = '', fragment] = path.split('#', 2)
  const resolved = file === '' ? from : file.startsWith('/') ? file.slice(1) : join(dirname(from), file)
  const clean = normalize(decodeURIComponent(resolved)).replace(/\/$/, '')
  if (clean.startsWith('..') || !existsSync(join(root, clean))) return `${target}: no file ${clean}`
  if (fragment === undefined || fragment === '') return undefined
  if (!clean.endsWith('.md')) return `${target}: a fragment into a file that is not Markdown`
  if (!anchors(read(clean)).has(fragment)) return `${target}: no heading #${fragment} in ${clean}`
  return undefined
}

describe('documents', () => {
  it('include the guides a project is expected to have', () => {
    for (const file of ['LICENSE', 'CHANGELOG.md', 'SECURITY.md', 'CONTRIBUTING.md', 'ARCHITECTURE.md'])
      expect(existsSync(join(root, file)), file).toBe(true)
    expect(read('LICENSE')).toMatch(/^MIT License/)
  })

  it.each(DOCUMENTS)('%s: every link to this repository resolves, anchors included', (file) => {
    const broken = links(read(file))
      .map((target) => problem(file, target))
      .filter((p) => p !== undefined)
    expect(broken).toEqual([])
  })

  it('docs/: every page is reachable from the README', () => {
    const fromReadme = new Set(
      links(read('README.md'))
        .filter((l) => l.startsWith('docs/'))
        .map((l) => l.split('#')[0]),
    )
    const pages = DOCUMENTS.filter((d) => d.startsWith('docs/') && d !== 'docs/README.md')
    expect(pages.filter((p) => !fromReadme.has(p))).toEqual([])
  })

  it('action.yml: every document a description names exists, and no \'README "Section"\' reference', () => {
    const action = read('action.yml')
    expect(action).not.toMatch(/README\s+"/)
    for (const m of action.matchAll(/\b((?:docs\/)?[\w-]+\.md)(#[\w-]+)?/g)) {
      expect(problem('action.yml', `${m[1] ?? ''}${m[2] ?? ''}`), m[0]).toBeUndefined()
    }
  })

  it.each(['--help', ...COMMANDS.map((c) => `${c} --help`)])(
    '%s: every link to this repository resolves, anchors included',
    (args) => {
      const [command] = args.split(' ')
      const help = args === '--help' ? overviewHelp() : commandHelp(command as (typeof COMMANDS)[number])
      const urls = [...help.matchAll(/https:\/\/\S+/g)].map((m) => m[0])
      expect(urls.length).toBeGreaterThan(0)
      for (const url of urls) expect(problem('README.md', url), url).toBeUndefined()
    },
  )

  it('src/: messages name documentation pages that exist, never a README section', () => {
    const files = readdirSync(join(root, 'src'), { recursive: true, encoding: 'utf8' }).filter((f) =>
      f.endsWith('.ts'),
    )
    const pages: string[] = []
    for (const file of files) {
      const text = read(join('src', file))
      expect(text, file).not.toMatch(/README\s+"/)
      for (const m of text.matchAll(/\$\{DOCS_URL\}\/([\w-]+\.md)/g)) pages.push(m[1] ?? '')
    }
    expect(pages.length).toBeGreaterThan(0)
    for (const page of pages) expect(problem('README.md', `${DOCS_URL}/${page}`), page).toBeUndefined()
  })

  it('nowhere tells users to `npx` a package we do not own (cloudfront-invalidate is someone else’s)', () => {
    const examples = readdirSync(join(root, 'examples')).map((f) => `examples/${f}`)
    const sources = readdirSync(join(root, 'src'), { recursive: true, encoding: 'utf8' })
      .filter((f) => f.endsWith('.ts'))
      .map((f) => `src/${f}`)
    for (const file of [...DOCUMENTS, ...examples, ...sources, 'action.yml', '.env.example']) {
      expect(read(file), file).not.toMatch(
        /\b(npx|npm exec|pnpm dlx|yarn dlx|bunx) +cloudfront-invalidate(?!-action)\b/,
      )
    }
  })

  it('docs/cli.md shows the real --help, and the real invalidate --help', () => {
    const doc = read('docs/cli.md')
    const block = (heading: string): string | undefined =>
      new RegExp(`^${heading}\\n[\\s\\S]*?\`\`\`text\\n([\\s\\S]*?)^\`\`\`$`, 'm').exec(doc)?.[1]
    const fix = 'run `npm run bundle && node --import tsx scripts/cli-examples.ts` to rewrite docs/cli.md'
    expect(block('## `--help`'), fix).toBe(overviewHelp())
    expect(block('### `invalidate --help`'), fix).toBe(commandHelp('invalidate'))
  })

  it('.github/dependabot.yml updates npm packages and actions weekly, each ecosystem in a group', () => {
    const config = parse(read('.github/dependabot.yml')) as {
      updates: { 'package-ecosystem': string; schedule: { interval: string }; groups?: object }[]
    }
    expect(config.updates.map((u) => u['package-ecosystem']).sort()).toEqual(['github-actions', 'npm'])
    for (const u of config.updates) {
      expect(u.schedule.interval).toBe('weekly')
      expect(Object.keys(u.groups ?? {})).toHaveLength(1)
    }
  })

  it('CHANGELOG.md has a section for the version in package.json', () => {
    expect(read('CHANGELOG.md')).toMatch(new RegExp(`^## \\[${VERSION.replace(/\./g, '\\.')}\\]`, 'm'))
  })
})

describe('the checks themselves', () => {
  it('slug: as GitHub makes anchors', () => {
    expect(slug('Invalidate what the push changed: `diff`')).toBe('invalidate-what-the-push-changed-diff')
    expect(slug('Fewer billed paths: `collapse` and `max-paths`')).toBe(
      'fewer-billed-paths-collapse-and-max-paths',
    )
    expect(slug('Waiting: `wait`')).toBe('waiting-wait')
    expect(slug('Behind a proxy (self-hosted runners)')).toBe('behind-a-proxy-self-hosted-runners')
    expect(slug('paths_file and [link](x.md)')).toBe('paths_file-and-link')
  })

  it('problem: finds a missing file, a missing heading, and leaves other sites alone', () => {
    expect(problem('README.md', 'docs/nope.md')).toMatch(/no file docs\/nope\.md/)
    expect(problem('README.md', '#no-such-heading')).toMatch(/no heading/)
    expect(problem('docs/cli.md', '../README.md#inputs')).toBeUndefined()
    expect(problem('README.md', `${REPO_URL}/blob/main/docs/gone.md`)).toMatch(/no file/)
    expect(problem('README.md', 'https://docs.aws.amazon.com/x')).toBeUndefined()
    expect(problem('README.md', '../outside.md')).toMatch(/no file/)
  })

  it('anchors: headings in code blocks do not count, repeats are numbered', () => {
    const md = '# A\n\n```sh\n# not a heading\n```\n\n## A\n'
    expect([...anchors(md)]).toEqual(['a', 'a-1'])
  })

  it('DOCUMENTS lists files that exist', () => {
    for (const d of DOCUMENTS)
      expect(statSync(join(root, d)).isFile(), relative(root, join(root, d))).toBe(true)
  })
})
