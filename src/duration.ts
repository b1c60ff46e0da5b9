/**
 * Durations as users write them in workflow files: `900` (seconds), `90s`, `15m`, `1h`, or a sum such as
 * `1h30m`. Pure, so its table of accepted and rejected forms lives in a unit test.
 */

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }
const PART = /(\d+(?:\.\d+)?)(ms|s|m|h)/gy

/** Parse a duration into milliseconds; `undefined` when the text is not one (the caller names the input). */
export function parseDuration(text: string): number | undefined {
  const t = text.trim().toLowerCase()
  if (/^\d+(\.\d+)?$/.test(t)) return Math.round(Number(t) * 1000) // a bare number is seconds
  if (t === '') return undefined
  PART.lastIndex = 0
  let total = 0
  let consumed = 0
  for (let m = PART.exec(t); m !== null; m = PART.exec(t)) {
    total += Number(m[1]) * (UNIT_MS[m[2] ?? 's'] ?? 1000)
    consumed = PART.lastIndex
  }
  return consumed === t.length ? Math.round(total) : undefined
}

/** A duration for people: `950 ms`, `12.3 s`, `4m 05s`. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`
  const s = Math.round(ms / 1000)
  return `${Math.floor(s / 60)}m ${String(s % 60).padStart(2, '0')}s`
}
