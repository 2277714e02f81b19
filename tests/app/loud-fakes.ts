// Fakes that fail loudly: every faked endpoint throws and is recorded unless a test says what it
// answers. Kept free of app imports, because vi.mock factories load it while the app's modules
// are still being mocked.
import { vi } from 'vitest'

/** Calls nobody declared; page tests fail if any happened. */
export const unexpectedCalls: string[] = []

export function failing(name: string) {
  return async (...args: unknown[]): Promise<never> => {
    unexpectedCalls.push(`${name}(${JSON.stringify(args)})`)
    throw new Error(`unexpected call to ${name}`)
  }
}

/** For a vi.mock factory: the real module with the named functions replaced by loud fakes. */
export function loudModule<M extends object>(actual: M, names: readonly string[]): M {
  return { ...actual, ...Object.fromEntries(names.map((n) => [n, vi.fn(failing(n))])) }
}

export const JOB_CALLS = ['listJobs', 'getJob', 'createJob', 'cancelJob', 'pauseJob', 'resumeJob'] as const
export const PAYROLL_CALLS = ['listDatasources', 'resolveEmployees', 'currentRecords', 'planRevert', 'revertJob'] as const
export const ATTENDANCE_CALLS = ['listArchiveRules', 'getReportFields', 'planUndo', 'undoJob'] as const
