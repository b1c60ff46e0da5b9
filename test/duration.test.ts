import { describe, expect, it } from 'vitest'
import { formatDuration, parseDuration } from '../src/duration.js'

describe('parseDuration', () => {
  it.each([
    ['900', 900_000],
    ['90s', 90_000],
    ['15m', 900_000],
    ['1h', 3_600_000],
    ['1h30m', 5_400_000],
    ['2m30s', 150_000],
    ['1.5s', 1500],
    ['250ms', 250],
    [' 15M ', 900_000],
    ['0', 0],
  ])('%j -> %d ms', (text, ms) => {
    expect(parseDuration(text)).toBe(ms)
  })

  it.each(['', 'abc', '15 minutes', '-5', '5d', '1h 30m', 'm', '15mm'])('rejects %j', (text) => {
    expect(parseDuration(text)).toBeUndefined()
  })
})

describe('formatDuration', () => {
  it.each([
    [950, '950 ms'],
    [12_340, '12.3 s'],
    [245_000, '4m 05s'],
  ])('%d -> %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text)
  })
})
