/** A binary heap; `before(a, b)` is true when `a` must come out first. */
export class Heap<T> {
  private readonly a: T[] = []
  constructor(private readonly before: (x: T, y: T) => boolean) {}

  push(value: T): void {
    const a = this.a
    let i = a.length
    a.push(value)
    for (let parent = a[(i - 1) >> 1]; i > 0 && parent !== undefined; parent = a[(i - 1) >> 1]) {
      if (!this.before(value, parent)) break
      a[i] = parent
      i = (i - 1) >> 1
    }
    a[i] = value
  }

  pop(): T | undefined {
    const a = this.a
    const top = a[0]
    const last = a.pop()
    if (a.length === 0 || last === undefined) return top
    let i = 0
    for (;;) {
      const l = 2 * i + 1
      const left = a[l]
      if (left === undefined) break
      const right = a[l + 1]
      const [child, value] = right !== undefined && this.before(right, left) ? [l + 1, right] : [l, left]
      if (!this.before(value, last)) break
      a[i] = value
      i = child
    }
    a[i] = last
    return top
  }
}
