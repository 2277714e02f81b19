import { describe, expect, it } from 'vitest'
import { isReactive } from 'vue'
import { ApiError } from '../../src/api'
import { asyncTask, loadSequence, StaleLoadError } from '../../src/stores/async-state'

/** A promise the test settles by hand, so the order of answers is the test's, not a timer's. */
function deferred<T>() {
  let resolve!: (value: T) => void
  let reject!: (err: unknown) => void
  const promise = new Promise<T>((res, rej) => {
    resolve = res
    reject = rej
  })
  return { promise, resolve, reject }
}

describe('an async task', () => {
  it('shows the load while it runs, then holds its answer', async () => {
    const task = asyncTask<string>()
    const answer = deferred<string>()
    const running = task.run(() => answer.promise)
    expect(task.state).toEqual({ data: null, error: null, isLoading: true })
    answer.resolve('rules')
    expect(await running).toBe('rules')
    expect(task.state).toEqual({ data: 'rules', error: null, isLoading: false })
    expect(isReactive(task.state)).toBe(true)
  })

  it('keeps the data it had when a load fails, holds the error, and clears the error when the next attempt starts', async () => {
    const task = asyncTask<string>()
    await task.run(async () => 'first')
    const refused = new ApiError(403, 'no_role', 'Not allowed')
    expect(await task.run(async () => { throw refused })).toBeNull()
    expect(task.state).toEqual({ data: 'first', error: refused, isLoading: false })

    const retry = deferred<string>()
    const running = task.run(() => retry.promise)
    expect(task.state.error).toBeNull()
    retry.resolve('second')
    await running
    expect(task.state.data).toBe('second')
  })

  it('turns anything thrown into an Error, and keeps API errors as they are', async () => {
    const task = asyncTask<string>()
    await task.run(async () => { throw 'plain text' })
    expect(task.state.error).toBeInstanceOf(Error)
    expect(task.state.error?.message).toBe('plain text')
    const apiError = new ApiError(500, 'server_error', 'Boom')
    await task.run(async () => { throw apiError })
    expect(task.state.error).toBe(apiError)
  })

  it('lets the latest load win: an earlier, slower answer never replaces a newer one', async () => {
    const task = asyncTask<string>()
    const older = deferred<string>()
    const newer = deferred<string>()
    const first = task.run(() => older.promise)
    const second = task.run(() => newer.promise)

    newer.resolve('rule B')
    expect(await second).toBe('rule B')
    older.resolve('rule A')
    expect(await first).toBeNull()
    expect(task.state).toEqual({ data: 'rule B', error: null, isLoading: false })
  })

  it('stays loading until the latest load answers, whatever order the answers come in', async () => {
    const task = asyncTask<string>()
    const older = deferred<string>()
    const newer = deferred<string>()
    const first = task.run(() => older.promise)
    const second = task.run(() => newer.promise)
    older.resolve('rule A')
    await first
    expect(task.state).toEqual({ data: null, error: null, isLoading: true })
    newer.resolve('rule B')
    await second
    expect(task.state).toEqual({ data: 'rule B', error: null, isLoading: false })
  })

  it('never shows the failure of a load that a newer one replaced', async () => {
    const task = asyncTask<string>()
    const older = deferred<string>()
    const first = task.run(() => older.promise)
    await task.run(async () => 'rule B')
    older.reject(new ApiError(0, 'network_error', 'offline'))
    expect(await first).toBeNull()
    expect(task.state).toEqual({ data: 'rule B', error: null, isLoading: false })
  })

  it('on reset forgets everything, and a load still in flight changes nothing when it answers', async () => {
    const task = asyncTask<string>()
    await task.run(async () => 'old')
    const late = deferred<string>()
    const running = task.run(() => late.promise)
    task.reset()
    expect(task.state).toEqual({ data: null, error: null, isLoading: false })
    late.resolve('late')
    expect(await running).toBeNull()
    expect(task.state).toEqual({ data: null, error: null, isLoading: false })
  })

  it('sets the data through commit, and reports the error of the latest load to onError only', async () => {
    const task = asyncTask<string[]>()
    const page = await task.run(async () => ({ jobs: ['a', 'b'], next: 2 }), { commit: (answer) => answer.jobs })
    expect(page).toEqual({ jobs: ['a', 'b'], next: 2 })
    expect(task.state.data).toEqual(['a', 'b'])

    const seen: Error[] = []
    const older = deferred<string[]>()
    const first = task.run(() => older.promise, { onError: (e) => seen.push(e) })
    const second = task.run(async () => { throw new Error('newest failed') }, { onError: (e) => seen.push(e) })
    await second
    older.reject(new Error('older failed'))
    await first
    expect(seen.map((e) => e.message)).toEqual(['newest failed'])
  })

  it('with runOrThrow rejects with the error, or with StaleLoadError when a newer load replaced it', async () => {
    const task = asyncTask<string>()
    await expect(task.runOrThrow(async () => { throw new ApiError(404, 'not_found', 'Gone') })).rejects.toMatchObject({ code: 'not_found' })
    const older = deferred<string>()
    const first = task.runOrThrow(() => older.promise)
    await task.runOrThrow(async () => 'newer')
    older.resolve('older')
    await expect(first).rejects.toBeInstanceOf(StaleLoadError)
  })

  it('shares one sequence between tasks one request answers: a newer load of either makes an older one stale, and each spinner still ends', async () => {
    const sequence = loadSequence()
    const summary = asyncTask<string>({ sequence })
    const rows = asyncTask<string>({ sequence })
    const whole = deferred<string>()
    const page = deferred<string>()
    const first = summary.run(() => whole.promise, { alsoLoading: [rows.state] })
    expect(rows.state.isLoading).toBe(true)
    const second = rows.run(() => page.promise)

    whole.resolve('old summary')
    expect(await first).toBeNull()
    expect(summary.state).toEqual({ data: null, error: null, isLoading: false })
    expect(rows.state.isLoading).toBe(true) // the page asked for later is still coming

    page.resolve('page 2')
    await second
    expect(rows.state).toEqual({ data: 'page 2', error: null, isLoading: false })
  })
})
