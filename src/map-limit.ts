/**
 * Bounded concurrency, shared by whatever makes many requests of one kind: the gate's lookups
 * (GetInvalidation), edge verification's HEAD requests and `list --paths` (GetInvalidation per row).
 */

/**
 * Run `fn` over `items`, at most `limit` at a time, keeping the order of results. After a failure no new
 * item starts; the first error is thrown once the calls already started have settled (so none outlives
 * the caller's report).
 */
export async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length)
  let next = 0
  let failure: { error: unknown } | undefined
  const worker = async (): Promise<void> => {
    while (failure === undefined && next < items.length) {
      const i = next++
      try {
        results[i] = await fn(items[i] as T, i)
      } catch (error) {
        failure ??= { error }
      }
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker))
  if (failure !== undefined) throw failure.error
  return results
}
