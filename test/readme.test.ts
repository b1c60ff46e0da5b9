import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
// @ts-expect-error: a plain .mjs script without type declarations
import { render } from '../scripts/readme-tables.mjs'

describe('README', () => {
  it('has the inputs and outputs tables generated from action.yml', () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8')
    expect((render as (s: string) => string)(readme), 'run `node scripts/readme-tables.mjs`').toBe(readme)
  })

  it('opens with the try-it and test-it commands', () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8')
    const head = readme.slice(0, 1200)
    expect(head).toContain('npm ci && npx cloudfront-invalidate --dry-run --distribution-id')
    expect(head).toContain('npm ci && npm test')
  })
})
