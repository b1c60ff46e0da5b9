// The supply-chain gate of CI: no high or critical advisory in any package bundled into dist/.
// Every dependency is a devDependency (dist/ is self-contained, the published package declares none), so
// `npm audit --omit=dev` would check nothing; the bundled packages are those ncc lists in
// dist/licenses.txt. `node scripts/audit-bundle.mjs` runs `npm audit --json` (it needs the registry's audit
// endpoint); `node scripts/audit-bundle.mjs report.json` reads a saved report. Exit 1 when an advisory
// blocks, with one line per package.
import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'

/** Severities that fail the gate. */
const BLOCKING = new Set(['high', 'critical'])

/**
 * Package names in an ncc licenses.txt, where each package opens a paragraph: its name alone on a line,
 * then its licence's SPDX expression (`MIT`, `Apache-2.0`, `(MIT OR Apache-2.0)`), then the licence text.
 */
export function bundledPackages(licenses) {
  const spdx = String.raw`\(?[\w.+-]+\)?(?: (?:OR|AND|WITH) \(?[\w.+-]+\)?)*`
  const entry = new RegExp(String.raw`(?<=^|\n\n)((?:@[\w.-]+\/)?[\w.-]+)\n(?=${spdx}\n)`, 'g')
  return new Set([...licenses.matchAll(entry)].map((m) => m[1]))
}

/** `name (severity)` for each advisory of an `npm audit --json` report that blocks a bundled package. */
export function blocking(report, bundled) {
  return Object.values(report.vulnerabilities ?? {})
    .filter((v) => BLOCKING.has(v.severity) && bundled.has(v.name))
    .map((v) => `${v.name} (${v.severity})`)
    .sort()
}

if (process.argv[1] && new URL(import.meta.url).pathname === process.argv[1]) {
  const bundled = bundledPackages(readFileSync(new URL('../dist/licenses.txt', import.meta.url), 'utf8'))
  let text
  if (process.argv[2]) text = readFileSync(process.argv[2], 'utf8')
  else {
    try {
      text = execFileSync('npm', ['audit', '--json'], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 })
    } catch (e) {
      // npm audit exits non-zero when it finds anything at all; the report is still on stdout.
      text = e.stdout
      if (!text) throw e
    }
  }
  const report = JSON.parse(text)
  if (report.error) throw new Error(`npm audit failed: ${JSON.stringify(report.error)}`)
  const found = blocking(report, bundled)
  if (found.length > 0) {
    console.error(`High or critical advisories in packages bundled into dist/: ${found.join(', ')}`)
    console.error('Update them (npm update NAME, or an override), rebuild dist/ and commit it.')
    process.exit(1)
  }
  console.log(`No high or critical advisory in the ${bundled.size} packages bundled into dist/.`)
}
