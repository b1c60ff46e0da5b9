/**
 * Which tenants `tenants` selects: patterns over names, domains and ids, read like the README's table.
 */
import { describe, expect, it } from 'vitest'
import type { TenantInfo } from '../src/cloudfront/api.js'
import { selectTenants, tenantPattern } from '../src/tenants.js'

const t = (id: string, name: string, ...domains: string[]): TenantInfo => ({
  id,
  distributionId: 'E1MULTI000001',
  name,
  domains,
})
const all = [
  t('dt_a1', 'acme-shop', 'acme.shops.example.com'),
  t('dt_a2', 'acme-blog', 'blog.acme.example.org'),
  t('dt_b1', 'bolt', 'bolt.shops.example.com', 'www.bolt.example'),
  t('dt_c1', 'Cargo-EU', 'cargo.eu.shops.example.com'),
]

describe('tenantPattern', () => {
  it.each([
    ['acme-*', 'acme-shop', true],
    ['acme-*', 'acme-', true],
    ['acme-*', 'xacme-shop', false],
    ['*.shops.example.com', 'bolt.shops.example.com', true],
    ['*.shops.example.com', 'cargo.eu.shops.example.com', true], // * crosses dots
    ['*.shops.example.com', 'shops.example.com', false],
    ['shop-?', 'shop-7', true],
    ['shop-?', 'shop-17', false],
    ['a.b', 'axb', false], // a dot is a dot
    ['CARGO-eu', 'Cargo-EU', true], // names and domains compare without case
  ])('%s matches %s: %s', (pattern, value, matches) => {
    expect(tenantPattern(pattern).test(value)).toBe(matches)
  })
})

describe('selectTenants', () => {
  it('takes every tenant with all', () => {
    expect(selectTenants(all, { all: true })).toEqual({ selected: all, unmatched: [] })
  })

  it('takes a tenant when any pattern matches its name, one of its domains, or its id', () => {
    const r = selectTenants(all, { all: false, patterns: ['acme-*', 'www.bolt.example', 'dt_c?', 'nope-*'] })
    expect(r.selected.map((x) => x.id)).toEqual(['dt_a1', 'dt_a2', 'dt_b1', 'dt_c1'])
    expect(r.unmatched).toEqual(['nope-*'])
  })

  it('keeps listing order and takes each tenant once however many patterns match it', () => {
    const r = selectTenants(all, { all: false, patterns: ['bolt', '*.shops.example.com', 'dt_b1'] })
    expect(r.selected.map((x) => x.id)).toEqual(['dt_a1', 'dt_b1', 'dt_c1'])
    expect(r.unmatched).toEqual([])
  })
})
