/**
 * Renders docs/summary.png, the README's picture of a job summary, from a real run: the committed bundle
 * (dist/index.js) runs as the runner runs it, against the tests' fake CloudFront, on a small site whose
 * upload log rebuilt the hashed assets and edited a few pages, with `wait: true`. The summary it writes
 * is rendered the way GitHub renders Markdown (marked, GitHub's own styles from github-markdown-css) in
 * headless Chromium, and the rendered summary is saved as a PNG. Rerun it after changing the summary.
 *
 *   apt-get install -y chromium fonts-noto-color-emoji    (once; CHROMIUM=/path/to/chrome for another;
 *                                                         without the font the heading's ✅ is a box)
 *   node --import tsx scripts/summary-png.ts [output.png]
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { marked } from 'marked'
import { chromium } from 'playwright-core'
import { cloudFrontEnv, FakeCloudFront } from '../test/support/fake-cloudfront.js'
import { runAction, RUNNER_DEFAULTS } from '../test/support/run-action.js'

const root = fileURLToPath(new URL('../', import.meta.url))
const output = process.argv[2] ?? join(root, 'docs', 'summary.png')
const browser = process.env.CHROMIUM ?? ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find(existsSync)
if (browser === undefined) {
  console.error('No Chromium found: apt-get install -y chromium, or set CHROMIUM=/path/to/chrome.')
  process.exit(1)
}

/** Width of the rendered summary in CSS pixels: about the width GitHub gives it on a laptop screen. */
const WIDTH = 900
const DIST = 'E2EXAMPLE0000'

/** A site as a build leaves it in public/, and the log of the `aws s3 sync` that uploaded it. */
function makeSite(dir: string): void {
  const files: string[] = ['index.html', 'about.html', 'favicon.ico']
  const hash = (i: number, salt: string): string =>
    ((i * 2654435761) ^ salt.charCodeAt(0)).toString(16).slice(-8)
  const assets = Array.from({ length: 18 }, (_, i) => `assets/chunk-${i}.${hash(i + 1, 'n')}.js`)
  const oldAssets = Array.from({ length: 18 }, (_, i) => `assets/chunk-${i}.${hash(i + 1, 'o')}.js`)
  files.push(...assets, 'assets/app.css')
  for (let i = 1; i <= 40; i++) files.push(`blog/post-${i}/index.html`)
  for (let i = 1; i <= 60; i++) files.push(`img/photo-${i}.jpg`)
  for (const f of files) {
    mkdirSync(dirname(join(dir, 'public', f)), { recursive: true })
    writeFileSync(join(dir, 'public', f), f)
  }
  const changed = ['index.html', ...assets, 'assets/app.css', 'blog/post-41/index.html', 'about.html']
  mkdirSync(join(dir, 'public', 'blog', 'post-41'), { recursive: true })
  writeFileSync(join(dir, 'public', 'blog', 'post-41', 'index.html'), 'new post')
  const log = [
    ...changed.map((f) => `upload: public/${f} to s3://my-bucket/${f}`),
    ...oldAssets.map((f) => `delete: s3://my-bucket/${f}`),
  ]
  writeFileSync(join(dir, 'sync.log'), `${log.join('\n')}\n`)
}

const dir = mkdtempSync(join(tmpdir(), 'cfi-summary-png-'))
// runAction makes its step folders with os.tmpdir(): inside ours, so the clean-up below removes them too.
process.env.TMPDIR = dir
const fake = await FakeCloudFront.start({ distributions: [DIST], completionDelayMs: 12_000 })
try {
  makeSite(dir)
  const run = await runAction({
    inputs: {
      ...RUNNER_DEFAULTS,
      'distribution-id': DIST,
      'sync-log': 'sync.log',
      root: 'public',
      wait: 'true',
    },
    env: cloudFrontEnv(fake),
    workspace: dir,
  })
  if (run.code !== 0 || run.outputs.status !== 'Completed') {
    throw new Error(`the run did not complete (exit ${run.code}):\n${run.stdout.slice(-3000)}`)
  }

  const require = createRequire(import.meta.url)
  const css = readFileSync(require.resolve('github-markdown-css/github-markdown-light.css'), 'utf8')
  const body = await marked.parse(run.summary, { gfm: true })
  const page = `<!doctype html><html><head><meta charset="utf-8"><style>${css}</style><style>
    body { margin: 0; background: #ffffff; }
    .markdown-body { box-sizing: border-box; width: ${WIDTH}px; padding: 24px 32px 8px; }
  </style></head><body><article class="markdown-body">${body}</article></body></html>`

  const chrome = await chromium.launch({
    executablePath: browser,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-extensions',
      '--no-first-run',
    ],
  })
  try {
    const tab = await chrome.newPage({ viewport: { width: WIDTH, height: 600 }, deviceScaleFactor: 2 })
    // Nothing to fetch: the page is self-contained, and anything else would be a mistake.
    await tab.route('**/*', (route) => route.abort())
    await tab.setContent(page, { waitUntil: 'load' })
    mkdirSync(dirname(output), { recursive: true })
    await tab.locator('article').screenshot({ path: output })
  } finally {
    await chrome.close()
  }
  console.log(`${output}: the job summary of a run that invalidated ${run.outputs['path-count']} paths`)
} finally {
  await fake.stop()
  rmSync(dir, { recursive: true, force: true })
}
