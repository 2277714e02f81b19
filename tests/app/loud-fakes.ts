// Fakes that fail loudly: every faked endpoint throws and is recorded unless a test says what it
// answers. The one kit for every app test (page tests through page-harness.ts, store tests
// directly). Kept free of app imports, because vi.mock factories load it while the app's modules
// are still being mocked.
import { expect, vi } from 'vitest'

/** Calls nobody declared; `expectNoUnexpectedCalls` fails the test if any happened. */
export const unexpectedCalls: string[] = []

export function failing(name: string) {
  return async (...args: unknown[]): Promise<never> => {
    unexpectedCalls.push(`${name}(${JSON.stringify(args).slice(0, 200)})`)
    throw new Error(`unexpected call to ${name}`)
  }
}

/**
 * For a vi.mock factory: the real module with the named functions replaced by loud fakes, e.g.
 * `vi.mock('../../src/api/jobs', async (orig) => { const f = await import('./loud-fakes'); return f.loudModule(await orig<object>(), f.JOB_CALLS) })`.
 */
export function loudModule<M extends object>(actual: M, names: readonly string[]): M {
  return { ...actual, ...Object.fromEntries(names.map((n) => [n, vi.fn(failing(n))])) }
}

/** Back to "every call is unexpected" for these functions of a mocked module; call in beforeEach. */
export function resetLoud(module: object, names: readonly string[]): void {
  for (const name of names) {
    vi.mocked((module as Record<string, (...args: unknown[]) => unknown>)[name]!).mockReset().mockImplementation(failing(name))
  }
}

/** Call in afterEach: a swallowed unexpected call still fails the test. */
export function expectNoUnexpectedCalls(): void {
  const seen = unexpectedCalls.splice(0)
  expect(seen).toEqual([])
}

/** The endpoints of each src/api module that tests fake. */
export const SESSION_CALLS = ['getConfig', 'createSession', 'getMe', 'getCapabilities', 'deleteSession'] as const
export const JOB_CALLS = ['listJobs', 'getJob', 'createJob', 'cancelJob', 'pauseJob', 'resumeJob'] as const
export const NOTIFY_CALLS = ['getNotifySettings', 'putNotifySettings'] as const
export const PAYROLL_CALLS = ['listDatasources', 'resolveEmployees', 'periodRecords', 'prefilledTemplate', 'planRevert', 'revertJob'] as const
export const ATTENDANCE_CALLS = ['listArchiveRules', 'getReportFields', 'planUndo', 'undoJob'] as const
