import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createPinia, setActivePinia } from 'pinia'
import { isProxy } from 'vue'
import * as payrollApi from '../../src/api/payroll'
import type { ExportedRow } from '../../src/domain/payroll-diff'
import { RESOLVE_CACHE_MS, usePayrollStore } from '../../src/stores/payroll'
import { bonus } from './payroll-fixtures'

const fakes = vi.hoisted(() => ({ unexpected: [] as string[] }))

vi.mock('../../src/api/payroll', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../../src/api/payroll')>()
  const fail = (name: string) => vi.fn(async (...args: unknown[]): Promise<never> => {
    fakes.unexpected.push(`${name}(${JSON.stringify(args).slice(0, 200)})`)
    throw new Error(`unexpected call to ${name}`)
  })
  return { ...actual, listDatasources: fail('listDatasources'), resolveEmployees: fail('resolveEmployees'), currentRecords: fail('currentRecords'), planRevert: fail('planRevert'), revertJob: fail('revertJob') }
})
vi.mock('../../src/api/jobs', () => {
  const fail = (name: string) => vi.fn(async (): Promise<never> => {
    fakes.unexpected.push(name)
    throw new Error(`unexpected call to ${name}`)
  })
  return { createJob: fail('createJob'), getJob: fail('getJob') }
})

function rows(count: number): ExportedRow[] {
  return Array.from({ length: count }, (_, i) => ({ row: i, sheetRow: i + 2, values: { employee_no: `FS${i}`, amount__c: '1.00', note__c: null, legacy__c: null, active_status: null } }))
}

beforeEach(() => {
  setActivePinia(createPinia())
  fakes.unexpected.length = 0
  vi.mocked(payrollApi.resolveEmployees).mockReset()
  vi.mocked(payrollApi.currentRecords).mockReset()
  vi.mocked(payrollApi.listDatasources).mockReset()
})

afterEach(() => {
  vi.useRealTimers()
  expect(fakes.unexpected).toEqual([])
})

function resolveAll() {
  vi.mocked(payrollApi.resolveEmployees).mockImplementation(async (_by, values) =>
    Object.fromEntries(values.map((v) => [v, { status: 'found' as const, employment_id: `7${v.slice(2)}` }])))
  vi.mocked(payrollApi.currentRecords).mockImplementation(async () => ({}))
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

  it('resolves identifiers in calls of at most 1,000 and reads records in calls of at most 1,000 employment IDs', async () => {
    resolveAll()
    const store = usePayrollStore()
    await store.compare({ source: bonus, period: '2025-06', by: 'employee_no', rows: rows(2500) })
    expect(vi.mocked(payrollApi.resolveEmployees).mock.calls.map((c) => c[1].length)).toEqual([1000, 1000, 500])
    expect(vi.mocked(payrollApi.currentRecords).mock.calls.map((c) => c[0].employment_ids.length)).toEqual([1000, 1000, 500])
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
    vi.mocked(payrollApi.currentRecords).mockResolvedValue({ 701: { active_status: 1, values: { amount__c: '1' } } })
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
