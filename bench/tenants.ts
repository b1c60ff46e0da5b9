/**
 * Figures for tenant fan-out (issue 16), printed (never asserted): 10,000 tenants of one multi-tenant
 * distribution with `tenants: all`, against the fake CloudFront with CreateInvalidation limited to
 * 20 requests/s (burst 40), GetInvalidation to 20/s (burst 40) and a 5 s completion. For each way of
 * pacing (our governor, cloudfront/rate.ts; the SDK's `adaptive` retry mode) and each of `wait: false`
 * and `wait: true`:
 * - wall time against the ideal: tenants / create rate for `wait: false`; for `wait: true`,
 *   max(creates / create rate, invalidations / poll rate) + completion, since the polls of early tenants
 *   overlap the creates of later ones;
 * - Throttling answers (target <= 5 % of requests), requests per tenant, GetInvalidation calls per
 *   invalidation (target <= 1.5), and whether every tenant got exactly one invalidation.
 * Targets: wait: false <= 1.15x its ideal, wait: true <= 1.3x.
 *
 * The run is the action's own `execute` in this process (the fake serves from the same process; at
 * 20 requests/s neither needs a core), so both pacings can be chosen through the pipeline's seam.
 *
 * Run: node_modules/.bin/node --import tsx bench/tenants.ts [tenants=10000] [pacing=governor,sdk-adaptive]
 *      [wait=false,true]
 * It takes about 9 minutes a run at 10,000 tenants (the ideal itself is 500 s).
 */
import { execute } from '../src/pipeline.js'
import type { Io } from '../src/io.js'
import { cloudFrontEnv, FakeCloudFront, type RateLimit } from '../test/support/fake-cloudfront.js'

const MULTI = 'E1MULTITENANT1'
const tenants = Number(process.argv[2] ?? 10_000)
const pacings = (process.argv[3] ?? 'governor,sdk-adaptive').split(',') as ('governor' | 'sdk-adaptive')[]
const waits = (process.argv[4] ?? 'false,true').split(',').map((w) => w === 'true')
const CREATE: RateLimit = { rate: 20, burst: 40 }
const POLL: RateLimit = { rate: 20, burst: 40 }
const COMPLETION_MS = 5000

const fake = await FakeCloudFront.start({
  distributions: [{ id: MULTI, multiTenant: true }],
  tenants: Array.from({ length: tenants }, (_, i) => ({
    id: `dt_bench${String(i).padStart(6, '0')}`,
    distributionId: MULTI,
    name: `shop-${i}`,
    domains: [`shop${i}.shops.example.com`],
  })),
  completionDelayMs: COMPLETION_MS,
  rateLimits: {
    CreateInvalidation: CREATE,
    CreateInvalidationForDistributionTenant: CREATE,
    GetInvalidation: POLL,
    GetInvalidationForDistributionTenant: POLL,
  },
})
Object.assign(process.env, cloudFrontEnv(fake))

/** A host that keeps the outputs and the progress lines, and prints nothing else. */
function quietIo(progress: string[]): Io {
  return {
    debug: () => undefined,
    info: (m) => {
      if (m.startsWith('Waiting ')) progress.push(m)
    },
    warning: () => undefined,
    error: () => undefined,
    notice: () => undefined,
    group: (_t, fn) => fn(),
    setOutput: () => undefined,
    summary: () => Promise.resolve(),
  }
}

const fmt = (ms: number): string => `${(ms / 1000).toFixed(1)} s`
const pct = (a: number, b: number): string => `${((100 * a) / Math.max(1, b)).toFixed(2)} %`

console.log(
  `${tenants.toLocaleString('en')} tenants, tenants: all; CreateInvalidation ${CREATE.rate}/s (burst ${CREATE.burst}), GetInvalidation ${POLL.rate}/s (burst ${POLL.burst}), completion ${fmt(COMPLETION_MS)}`,
)
try {
  for (const pacing of pacings) {
    for (const wait of waits) {
      fake.reset()
      const progress: string[] = []
      const inputs: Record<string, string> = {
        'distribution-id': MULTI,
        tenants: 'all',
        paths: '/index.html\n/assets/app.js',
        wait: String(wait),
        timeout: '60m',
        'caller-reference': `bench-${pacing}-${wait}-${Date.now()}`,
      }
      const started = performance.now()
      let failure = ''
      try {
        await execute((name) => inputs[name] ?? '', process.env, quietIo(progress), {
          pacing,
          progressIntervalMs: 30_000,
        })
      } catch (e) {
        failure = e instanceof Error ? e.message : String(e)
      }
      const ms = performance.now() - started
      const requests = fake.requests.length
      const throttled = fake.requests.filter((r) => r.error === 'Throttling').length
      const creates = fake.requests.filter((r) => r.op.startsWith('CreateInvalidation'))
      const gets = fake.requests.filter((r) => r.op.startsWith('GetInvalidation'))
      const lists = fake.requests.filter((r) => r.op.startsWith('ListInvalidations')).length
      let once = 0
      let twice = 0
      for (let i = 0; i < tenants; i++) {
        const n = fake.createdCount(`dt_bench${String(i).padStart(6, '0')}`)
        if (n === 1) once++
        else if (n > 1) twice++
      }
      const createIdeal = (tenants / CREATE.rate) * 1000
      const ideal = wait ? Math.max(createIdeal, (tenants / POLL.rate) * 1000) + COMPLETION_MS : createIdeal
      console.log(`\n${pacing}, wait: ${wait}${failure === '' ? '' : ` (FAILED: ${failure.slice(0, 300)})`}`)
      console.log(
        `  wall time          ${fmt(ms)}  (ideal ${fmt(ideal)}; ratio ${(ms / ideal).toFixed(3)}, target <= ${wait ? '1.3' : '1.15'})`,
      )
      console.log(
        `  requests           ${requests.toLocaleString('en')} (${(requests / tenants).toFixed(2)} per tenant): ${creates.length} creates, ${gets.length} gets, ${lists} ListInvalidations`,
      )
      console.log(
        `  Throttling         ${throttled.toLocaleString('en')} answers (${pct(throttled, requests)} of requests, target <= 5 %)`,
      )
      if (wait) {
        const okGets = gets.filter((r) => r.error === undefined).length
        console.log(
          `  GetInvalidation    ${(gets.length / tenants).toFixed(2)} per invalidation (${(okGets / tenants).toFixed(2)} answered; target <= 1.5)`,
        )
      }
      console.log(
        `  tenants            ${once.toLocaleString('en')} invalidated once, ${twice} more than once, ${tenants - once - twice} never`,
      )
      if (progress.length > 0) console.log(`  last progress      ${progress[progress.length - 1]}`)
    }
  }
} finally {
  await fake.stop()
}
