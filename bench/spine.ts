/**
 * Figures for the spine, printed (never asserted):
 * - a 10,000-path job with wait: true against the fake CloudFront, beside the ideal schedule
 *   (waves x completion delay), the GetInvalidation requests made while waiting, and how late each
 *   completion was seen;
 * - cold start of a one-path run (real SDK, fake endpoint) and of a dry run, as whole Node 24 processes;
 * - the bundle's size (all of dist/*.js).
 *
 * Run: node_modules/.bin/node --import tsx bench/spine.ts [delayMs=6000] [runs=7]
 */
import { readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { cloudFrontEnv, FakeCloudFront } from '../test/support/fake-cloudfront.js'
import { BUNDLE, runAction } from '../test/support/run-action.js'

const DIST = 'E2EXAMPLE0000'
const delayMs = Number(process.argv[2] ?? 6000)
const runs = Number(process.argv[3] ?? 7)
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN
const fmt = (ms: number): string => `${(ms / 1000).toFixed(2)} s`

const fake = await FakeCloudFront.start({ distributions: [DIST], completionDelayMs: delayMs })
const env = { ...cloudFrontEnv(fake) }
try {
  // 1. The 10,000-path job.
  const paths = Array.from({ length: 10_000 }, (_, i) => `/p/${i}.html`).join('\n')
  const job = await runAction({
    inputs: { 'distribution-id': DIST, paths, wait: 'true', collapse: 'off' },
    env,
    timeoutMs: 300_000,
  })
  if (job.code !== 0) throw new Error(`10,000-path job failed: ${job.stdout.slice(-2000)}`)
  const invs = fake.invalidations(DIST)
  const waves = 4 // 3000 + 3000 + 3000 + 1000 under a 3,000-path quota
  const ideal = waves * delayMs
  const gets = fake.requests.filter((r) => r.op === 'GetInvalidation')
  const late = invs.map((inv) => {
    const done = inv.completeTime.getTime()
    const seen = gets.find((r) => r.invalidationId === inv.id && r.time >= done)
    return seen === undefined ? NaN : seen.time - done
  })
  console.log(`10,000 paths, wait: true, completion delay ${fmt(delayMs)}`)
  console.log(
    `  wall time          ${fmt(job.ms)}  (ideal ${waves} waves x ${fmt(delayMs)} = ${fmt(ideal)}; ratio ${(job.ms / ideal).toFixed(3)}, target <= 1.15)`,
  )
  console.log(`  invalidations      ${invs.length} (${invs.map((i) => i.paths.length).join(' + ')} paths)`)
  console.log(
    `  requests waiting   ${gets.length} GetInvalidation, ${fake.requests.filter((r) => r.op === 'ListInvalidations').length} ListInvalidations`,
  )
  console.log(
    `  completion seen    ${late.map((l) => `${(l / 1000).toFixed(2)} s`).join(', ')} late (target <= 5 s)`,
  )

  // 2. Cold starts.
  const one: number[] = []
  const dry: number[] = []
  for (let i = 0; i < runs; i++) {
    fake.reset()
    const r = await runAction({ inputs: { 'distribution-id': DIST, paths: '/index.html' }, env })
    if (r.code !== 0) throw new Error(`one-path run failed: ${r.stdout}`)
    one.push(r.ms)
    const d = await runAction({
      inputs: { 'distribution-id': DIST, paths: '/index.html', 'dry-run': 'true' },
      env,
    })
    dry.push(d.ms)
  }
  console.log(`cold start, whole process under Node 24 (median of ${runs})`)
  console.log(`  one-path run       ${Math.round(median(one))} ms (target < 400 ms)`)
  console.log(`  dry run            ${Math.round(median(dry))} ms`)

  // 3. Bundle size.
  const dist = join(BUNDLE, '..')
  const js = readdirSync(dist).filter((f) => f.endsWith('.js'))
  const bytes = js.reduce((n, f) => n + statSync(join(dist, f)).size, 0)
  console.log(
    `bundle: ${(bytes / 1024 / 1024).toFixed(2)} MB in ${js.length} files of dist/*.js (target <= 1.5 MB)`,
  )
} finally {
  await fake.stop()
}
