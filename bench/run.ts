/**
 * `npm run bench`: every bench script in turn, each in its own process (so one's memory and JIT state
 * does not colour the next), printing their figures. Nothing is asserted: the machine may be shared.
 */
import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'

const benches: readonly (readonly [string, string, ...string[]])[] = [
  ['spine: 10,000-path schedule, cold start, bundle size', 'bench/spine.ts'],
  ['path sources: files over a 100,000-file tree vs a bare walk', 'bench/walk.ts'],
  ['collapse: billed paths and evictions on a 20,000-file site', 'bench/collapse.ts'],
  ['verify: time edge verification adds for 20 and 200 URLs at 50 ms a request', 'bench/verify.ts'],
  // ~17 minutes (the ideal itself is 2 x 500 s); the SDK's adaptive mode beside it: add `sdk-adaptive`.
  [
    'tenants: 10,000 tenants under 20 requests/s, wait false and true',
    'bench/tenants.ts',
    '10000',
    'governor',
  ],
]

const root = fileURLToPath(new URL('..', import.meta.url))
let failed = 0
for (const [title, script, ...args] of benches) {
  console.log(`\n=== ${title} (${script})`)
  const r = spawnSync(process.execPath, ['--import', 'tsx', script, ...args], { cwd: root, stdio: 'inherit' })
  if (r.status !== 0) failed++
}
process.exitCode = failed === 0 ? 0 : 1
