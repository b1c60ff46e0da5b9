/**
 * Figures for edge verification (`verify: true`), printed (never asserted): the time it adds to a step
 * for 20 and 200 URLs against the fake edge answering each request after 50 ms, beside the ideal of
 * ceil(URLs / 8 in flight) x 50 ms. Target: <= 1.5 s for 200 URLs (concurrency, no serial round trips).
 *
 * "Adds" is measured twice: the same step with and without verify (whole Node 24 processes, median of
 * `runs`), and the checks alone as the step's summary reports them.
 *
 * Run: node_modules/.bin/node --import tsx bench/verify.ts [latencyMs=50] [runs=5]
 */
import { VERIFY_CONCURRENCY } from '../src/constants.js'
import { cloudFrontEnv, FakeCloudFront } from '../test/support/fake-cloudfront.js'
import { FakeEdge } from '../test/support/fake-edge.js'
import { RUNNER_DEFAULTS, runAction } from '../test/support/run-action.js'

const DIST = 'E2EXAMPLE0000'
const latencyMs = Number(process.argv[2] ?? 50)
const runs = Number(process.argv[3] ?? 5)
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN
const fmt = (ms: number): string => `${(ms / 1000).toFixed(2)} s`

const fake = await FakeCloudFront.start({ distributions: [DIST], completionDelayMs: 200 })
const edge = await FakeEdge.start({ cloudFront: fake, target: DIST, delayMs: latencyMs })
const env = { ...cloudFrontEnv(fake) }
try {
  console.log(
    `edge latency ${latencyMs} ms per request, ${VERIFY_CONCURRENCY} in flight, median of ${runs} runs`,
  )
  for (const n of [20, 200]) {
    const paths = Array.from({ length: n }, (_, i) => `/d${i % 17}/page-${i}.html`).join('\n')
    const base = { ...RUNNER_DEFAULTS, 'distribution-id': DIST, paths, wait: 'true', collapse: 'off' }
    const withVerify: number[] = []
    const without: number[] = []
    const checks: number[] = []
    for (let i = 0; i < runs; i++) {
      fake.reset()
      edge.reset()
      const plain = await runAction({ inputs: base, env })
      if (plain.code !== 0) throw new Error(`run without verify failed: ${plain.stdout.slice(-2000)}`)
      without.push(plain.ms)
      fake.reset()
      edge.reset()
      const verified = await runAction({
        inputs: { ...base, verify: 'true', 'verify-url': edge.url, 'verify-sample': String(n) },
        env,
      })
      if (verified.code !== 0) throw new Error(`run with verify failed: ${verified.stdout.slice(-2000)}`)
      if (edge.requests.length !== n)
        throw new Error(`expected ${n} edge requests, saw ${edge.requests.length}`)
      withVerify.push(verified.ms)
      const m = /Checked in ([\d.]+) (ms|s)\b/.exec(verified.summary)
      checks.push(m === null ? NaN : Number(m[1]) * (m[2] === 's' ? 1000 : 1))
    }
    const ideal = Math.ceil(n / VERIFY_CONCURRENCY) * latencyMs
    const added = median(withVerify) - median(without)
    console.log(`${n} URLs`)
    console.log(`  step without verify  ${fmt(median(without))}`)
    console.log(`  step with verify     ${fmt(median(withVerify))}  (adds ${fmt(added)})`)
    console.log(
      `  the checks alone     ${fmt(median(checks))}  (ideal ${Math.ceil(n / VERIFY_CONCURRENCY)} rounds x ${latencyMs} ms = ${fmt(ideal)}; ratio ${(median(checks) / ideal).toFixed(2)}${n === 200 ? '; target <= 1.5 s' : ''})`,
    )
  }
} finally {
  await Promise.all([edge.stop(), fake.stop()])
}
