import { markRaw, reactive } from 'vue'

/** The one shape for anything loaded (design §5.3). */
export interface AsyncState<T> {
  data: T | null
  error: Error | null
  isLoading: boolean
}

export function asyncState<T>(): AsyncState<T> {
  return reactive({ data: null, error: null, isLoading: false }) as AsyncState<T>
}

function asError(err: unknown): Error {
  // markRaw: errors are values to show, not state to track deeply.
  return markRaw(err instanceof Error ? err : new Error(String(err)))
}

/** Runs `load` into `state`: clears the error first, keeps the data on failure, and rethrows. */
export async function track<T>(state: AsyncState<T>, load: () => Promise<T>): Promise<T> {
  state.error = null
  state.isLoading = true
  try {
    const value = await load()
    state.data = value
    return value
  } catch (err) {
    state.error = asError(err)
    throw err
  } finally {
    state.isLoading = false
  }
}
