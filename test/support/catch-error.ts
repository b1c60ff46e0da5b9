/** Call `f` and return what it throws; fails the test when it throws nothing. */
export function catchError(f: () => unknown): unknown {
  try {
    f()
  } catch (e) {
    return e
  }
  throw new Error('expected a throw')
}
