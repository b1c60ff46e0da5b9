/** CI's supply-chain gate (scripts/audit-bundle.mjs): advisories count only for packages bundled into dist/. */
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
// @ts-expect-error: a plain .mjs script without type declarations
import { blocking, bundledPackages } from '../scripts/audit-bundle.mjs'

const names = bundledPackages as (licenses: string) => Set<string>
const blocks = blocking as (report: unknown, bundled: Set<string>) => string[]

describe('audit-bundle', () => {
  it("reads the bundled packages from dist/licenses.txt, and nothing from the licences' text", () => {
    const bundled = names(readFileSync(new URL('../dist/licenses.txt', import.meta.url), 'utf8'))
    for (const name of ['@aws-sdk/client-cloudfront', '@actions/core', 'minimatch', 'https-proxy-agent'])
      expect(bundled).toContain(name)
    for (const name of bundled) expect(name).toMatch(/^(@[\w.-]+\/)?[\w.-]+$/)
    expect(bundled).not.toContain('eslint') // a build tool, not bundled
  })

  it('blocks on high and critical advisories in bundled packages only', () => {
    const licenses = 'undici\nMIT\ntext\n\nminimatch\nBlueOak-1.0.0\ntext\n\nsmithy\n(MIT OR Apache-2.0)\n'
    const bundled = names(licenses)
    expect([...bundled]).toEqual(['undici', 'minimatch', 'smithy'])
    const report = {
      vulnerabilities: {
        undici: { name: 'undici', severity: 'high' },
        minimatch: { name: 'minimatch', severity: 'moderate' },
        eslint: { name: 'eslint', severity: 'critical' },
        smithy: { name: 'smithy', severity: 'critical' },
      },
    }
    expect(blocks(report, bundled)).toEqual(['smithy (critical)', 'undici (high)'])
    expect(blocks({ vulnerabilities: {} }, bundled)).toEqual([])
  })
})
