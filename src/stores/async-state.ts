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

/**
 * The one conversion of a failure into what `AsyncState.error` holds. `src/api` already throws
 * `ApiError` and `src/feishu` its own errors; those stay as they are so `useErrorMessage` can
 * explain them. markRaw: errors are values to show, not state to track deeply.
 */
export function asAppError(err: unknown): Error {
  return markRaw(err instanceof Error ? err : new Error(String(err)))
}

/**
 * Numbers loads so that only the latest may answer. Shared by tasks that one request answers
 * together (the jobs store's summary and rows come from one GET), so a newer load of either makes
 * an older load of both stale.
 */
export interface LoadSequence {
  /** Starts a load; the returned check stays true until a later `start` or an `invalidate`. */
  start: () => () => boolean
  invalidate: () => void
}

export function loadSequence(): LoadSequence {
  let latest = 0
  return {
    start() {
      const id = ++latest
      return () => id === latest
    },
    invalidate() {
      latest++
    },
  }
}

/** Thrown by `runOrThrow` when a newer load (or a reset) replaced this one before it answered. */
export class StaleLoadError extends Error {
  constructor() {
    super('a newer load replaced this one')
    this.name = 'StaleLoadError'
  }
}

export interface RunOptions<R, T> {
  /** Turns the answer into the state's data (default: the answer is the data). */
  commit?: (answer: R) => T
  /** Runs with the error when this load fails and is still the latest (e.g. a 404 that ends more than this state). */
  onError?: (error: Error) => void
  /** Other states that show this load as theirs too (their `isLoading`). */
  alsoLoading?: readonly AsyncState<unknown>[]
}

/** A store's loaded thing: the state it returns, and the one way to load into it. */
export interface AsyncTask<T> {
  readonly state: AsyncState<T>
  /**
   * Loads into `state`: clears the error and sets `isLoading` when it starts; sets `data` (or
   * `error`, keeping the data) when it answers — unless a later load or a reset made it stale, in
   * which case it changes nothing. Resolves the answer; null when it failed or went stale.
   */
  run: <R = T>(load: () => Promise<R>, options?: RunOptions<R, T>) => Promise<R | null>
  /** Like `run`, but rejects with the error (or `StaleLoadError`) instead of resolving null. */
  runOrThrow: <R = T>(load: () => Promise<R>, options?: RunOptions<R, T>) => Promise<R>
  /** Makes any load in flight stale; keeps data and error. */
  cancel: () => void
  /** Back to empty: no data, no error, not loading, and any load in flight is stale. */
  reset: () => void
}

export function asyncTask<T>(options: { sequence?: LoadSequence } = {}): AsyncTask<T> {
  const state = asyncState<T>()
  const sequence = options.sequence ?? loadSequence()
  // Own count, so a load replaced by another task of a shared sequence still ends its spinner.
  let mine = 0

  async function runOrThrow<R>(load: () => Promise<R>, opts: RunOptions<R, T> = {}): Promise<R> {
    const isLatest = sequence.start()
    const own = ++mine
    state.error = null
    for (const s of [state, ...(opts.alsoLoading ?? [])]) s.isLoading = true
    try {
      const answer = await load()
      if (!isLatest()) throw new StaleLoadError()
      state.data = opts.commit ? opts.commit(answer) : (answer as unknown as T)
      return answer
    } catch (err) {
      if (!isLatest()) throw err instanceof StaleLoadError ? err : new StaleLoadError()
      const error = asAppError(err)
      state.error = error
      opts.onError?.(error)
      throw error
    } finally {
      if (own === mine) state.isLoading = false
      if (isLatest()) for (const s of opts.alsoLoading ?? []) s.isLoading = false
    }
  }

  async function run<R>(load: () => Promise<R>, opts?: RunOptions<R, T>): Promise<R | null> {
    try {
      return await runOrThrow(load, opts)
    } catch {
      return null // shown from state.error (a stale load has nothing to show)
    }
  }

  function cancel(): void {
    sequence.invalidate()
    mine++
    state.isLoading = false
  }

  function reset(): void {
    cancel()
    state.data = null
    state.error = null
  }

  return { state, run, runOrThrow, cancel, reset }
}
