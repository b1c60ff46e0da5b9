/**
 * Numbers for people, without Intl: `toLocaleString` loads ICU locale data on first use, which costs
 * ~20 ms of a step whose whole budget is a few hundred.
 */

/** 1234567 -> "1,234,567". */
export function formatCount(n: number): string {
  const [whole = '', frac] = String(n).split('.')
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',')
  return frac === undefined ? grouped : `${grouped}.${frac}`
}

/**
 * A count and its noun, grouped and in the right number: `plural(1, 'path')` is "1 path",
 * `plural(2, 'batch', 'batches')` is "2 batches". Never "path(s)": people read the log.
 */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${formatCount(n)} ${n === 1 ? one : many}`
}
