import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createPinia, setActivePinia } from 'pinia'
import { isProxy } from 'vue'
import { ApiError } from '../../src/api'
import * as jobsApi from '../../src/api/jobs'
import * as payrollApi from '../../src/api/payroll'
import type { JobSummary } from '../../src/domain/jobs'
import type { ExportedRow } from '../../src/domain/payroll-diff'
import { RESOLVE_CACHE_MS, usePayrollStore } from '../../src/stores/payroll'
import { expectNoUnexpectedCalls, JOB_CALLS, PAYROLL_CALLS, resetLoud } from './loud-fakes'
import { bonus, periodPart } from './payroll-fixtures'

vi.mock('../../src/api/payroll', async (importOriginal) => { const f = await import('./loud-fakes'); return f.loudModule(await importOriginal<object>(), f.PAYROLL_CALLS) })
vi.mock('../../src/api/jobs', async (importOriginal) => { const f = await import('./loud-fakes'); return f.loudModule(await importOriginal<object>(), f.JOB_CALLS) })

function rows(count: number): ExportedRow[] {
  return Array.from({ length: count }, (_, i) => ({ row: i, sheetRow: i + 2, values: { employee_no: `FS${i}`, amount__c: '1.00', note__c: null, legacy__c: null, active_status: null } }))
}

beforeEach(() => {
  setActivePinia(createPinia())
  resetLoud(payrollApi, PAYROLL_CALLS)
  resetLoud(jobsApi, JOB_CALLS)
})

afterEach(() => {
  vi.useRealTimers()
  expectNoUnexpectedCalls()
})

function resolveAll() {
  vi.mocked(payrollApi.resolveEmployees).mockImplementation(async (_by, values) =>
    Object.fromEntries(values.map((v) => [v, { status: 'found' as const, employment_id: `7${v.slice(2)}` }])))
  vi.mocked(payrollApi.periodRecords).mockImplementation(periodPart({}))
}

describe('the payroll store', () => {
  it('keeps the datasources out of Vue’s reactivity, so their schemas can be posted to the import worker', async () => {
    vi.mocked(payrollApi.listDatasources).mockResolvedValue([bonus])
    const store = usePayrollStore()
    await store.loadDatasources()
    const schema = store.datasources.data![0]!.schema
    expect(isProxy(schema)).toBe(false)
    expect(() => structuredClone(schema)).not.toThrow()
  })

  it('resolves identifiers in calls of at most 1,000 and reads the period with the previous one in a single read', async () => {
    resolveAll()
    const store = usePayrollStore()
    await store.compare({ source: bonus, period: '2025-06', by: 'employee_no', rows: rows(2500) })
    expect(vi.mocked(payrollApi.resolveEmployees).mock.calls.map((c) => c[1].length)).toEqual([1000, 1000, 500])
    expect(vi.mocked(payrollApi.periodRecords).mock.calls.map((c) => c[0])).toEqual([{ source_code: 'bonus__c', payroll_period: '2025-06' }])
    expect(store.comparison?.counts).toEqual({ new: 2500, changed: 0, unchanged: 0 })
    expect(store.phase).toBe('done')
  })

  it('keeps resolutions for five minutes, so comparing the same file again does not search again', async () => {
    vi.useFakeTimers({ toFake: ['Date'] })
    resolveAll()
    const store = usePayrollStore()
    await store.compare({ source: bonus, period: '2025-06', by: 'employee_no', rows: rows(3) })
    await store.compare({ source: bonus, period: '2025-06', by: 'employee_no', rows: rows(4) })
    expect(vi.mocked(payrollApi.resolveEmployees).mock.calls.map((c) => c[1])).toEqual([['FS0', 'FS1', 'FS2'], ['FS3']])
    vi.setSystemTime(Date.now() + RESOLVE_CACHE_MS + 1)
    await store.compare({ source: bonus, period: '2025-06', by: 'employee_no', rows: rows(1) })
    expect(vi.mocked(payrollApi.resolveEmployees)).toHaveBeenCalledTimes(3)
  })

  it('does not search at all when the file carries employment IDs', async () => {
    vi.mocked(payrollApi.periodRecords).mockImplementation(periodPart({ 701: { active_status: 1, values: { amount__c: '1' } } }))
    const store = usePayrollStore()
    await store.compare({ source: bonus, period: '2025-06', by: 'employment_id', rows: [{ row: 0, sheetRow: 2, values: { employment_id: '701', amount__c: '1.00' } }] })
    expect(store.comparison?.counts).toEqual({ new: 0, changed: 0, unchanged: 1 })
  })

  it('stops quietly when cancelled: the request is aborted and no error is shown', async () => {
    let signal: AbortSignal | undefined
    vi.mocked(payrollApi.resolveEmployees).mockImplementation((_by, _values, s) => {
      signal = s
      return new Promise((_, reject) => s?.addEventListener('abort', () => reject(new Error('aborted'))))
    })
    const store = usePayrollStore()
    const running = store.compare({ source: bonus, period: '2025-06', by: 'employee_no', rows: rows(2) })
    await vi.waitFor(() => expect(store.phase).toBe('resolving'))
    store.cancelCompare()
    await running
    expect(signal?.aborted).toBe(true)
    expect(store.phase).toBe('idle')
    expect(store.compareError).toBeNull()
    expect(store.comparison).toBeNull()
  })

  it('keeps a failed comparison’s error for the page and no half-made diff', async () => {
    vi.mocked(payrollApi.resolveEmployees).mockRejectedValue(new Error('corehr down'))
    const store = usePayrollStore()
    await store.compare({ source: bonus, period: '2025-06', by: 'employee_no', rows: rows(2) })
    expect(store.compareError?.message).toBe('corehr down')
    expect(store.comparison).toBeNull()
    expect(store.phase).toBe('idle')
  })
})

describe('reverting a payroll job from the store', () => {
  const revertJob = { id: 'job-8', kind: 'payroll_revert', status: 'queued' } as JobSummary

  it('asks for the dry run first, then starts the revert job of that job', async () => {
    vi.mocked(payrollApi.planRevert).mockResolvedValue({ restore: 2, stop: 1, cannot_clear: 0 })
    vi.mocked(payrollApi.revertJob).mockResolvedValue(revertJob)
    const store = usePayrollStore()

    expect(await store.planRevert('job-7')).toEqual({ restore: 2, stop: 1, cannot_clear: 0 })
    expect(store.revertPlan.data).toEqual({ restore: 2, stop: 1, cannot_clear: 0 })
    expect(payrollApi.revertJob).not.toHaveBeenCalled()

    expect(await store.startRevert('job-7')).toEqual(revertJob)
    expect(payrollApi.revertJob).toHaveBeenCalledWith('job-7')
    expect(store.revert).toEqual({ data: revertJob, error: null, isLoading: false })
  })

  it('keeps the plan and holds the error when the revert cannot start, and forgets that error when a plan is asked again', async () => {
    vi.mocked(payrollApi.planRevert).mockResolvedValue({ restore: 1, stop: 0, cannot_clear: 0 })
    vi.mocked(payrollApi.revertJob).mockRejectedValue(new ApiError(409, 'datasource_locked', 'Another save is running'))
    const store = usePayrollStore()
    await store.planRevert('job-7')

    expect(await store.startRevert('job-7')).toBeNull()
    expect(store.revert.error).toMatchObject({ code: 'datasource_locked' })
    expect(store.revertPlan.data).toEqual({ restore: 1, stop: 0, cannot_clear: 0 })

    await store.planRevert('job-7')
    expect(store.revert.error).toBeNull()
  })

  it('holds the error when the dry run fails, and starts nothing', async () => {
    vi.mocked(payrollApi.planRevert).mockRejectedValue(new ApiError(404, 'not_found', 'No such job'))
    const store = usePayrollStore()
    expect(await store.planRevert('job-x')).toBeNull()
    expect(store.revertPlan.error).toMatchObject({ code: 'not_found' })
  })
})
