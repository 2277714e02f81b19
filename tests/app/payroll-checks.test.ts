import { describe, expect, it, vi } from 'vitest'
import { flushPromises, type VueWrapper } from '@vue/test-utils'
import * as jobsApi from '../../src/api/jobs'
import * as payrollApi from '../../src/api/payroll'
import * as checksApi from '../../src/api/payroll-checks'
import { ApiError } from '../../src/api'
import type { JobSummary } from '../../src/domain/jobs'
import { JOB_CALLS, PAYROLL_CALLS } from './loud-fakes'
import { usePageHarness } from './page-harness'
import { wangfang } from './fixtures'
import { waitFor } from './mount-app'
import { JUNE_CSV, uploadAndCompare } from './payroll-upload'
import { bonus, periodPart } from './payroll-fixtures'
import { saveBlob } from '../../src/import/download'
import { readAll } from './import/harness'

vi.mock('../../src/api', async (importOriginal) => (await import('./fake-api')).fakeApiModule(await importOriginal()))
vi.mock('../../src/api/payroll', async (importOriginal) => { const f = await import('./loud-fakes'); return f.loudModule(await importOriginal<object>(), f.PAYROLL_CALLS) })
vi.mock('../../src/api/jobs', async (importOriginal) => { const f = await import('./loud-fakes'); return f.loudModule(await importOriginal<object>(), f.JOB_CALLS) })
vi.mock('../../src/api/payroll-checks', () => ({ periodGuard: vi.fn() }))
// The browser's download is the one thing faked: the workbook it is handed is read back below.
vi.mock('../../src/import/download', () => ({ saveBlob: vi.fn() }))
vi.mock('../../src/api/mappings', () => ({
  getMapping: vi.fn(async () => null),
  saveMapping: vi.fn(async () => undefined),
}))

const page = usePageHarness({ me: wangfang, fakes: [[payrollApi, PAYROLL_CALLS], [jobsApi, JOB_CALLS]] })
const open = (path: string, locale: 'en-US' | 'zh-CN' = 'en-US') => page.open(path, locale)
const T0 = Date.UTC(2025, 5, 30, 1, 0, 0)
const queued: JobSummary = {
  id: 'job-9', kind: 'payroll_save', status: 'queued', target: { type: 'payroll', source_code: 'bonus__c', payroll_period: '2025-06' },
  pause_reason: null, error: null, counts: { total: 2, pending: 2, succeeded: 0, partial: 0, failed: 0, cancelled: 0 },
  affect_count: 0, calls: 0, source: { file_name: 'june.csv' }, created_at: T0, updated_at: T0, started_at: null, finished_at: null,
}

const CSV = JUNE_CSV

const CURRENT = {
  701: { active_status: 1, values: { amount__c: '1000.00', note__c: 'kept' } },
  702: { active_status: 1, values: { amount__c: '300.00', note__c: 'same' } },
}

function answerComparison(previous: Parameters<typeof periodPart>[1] = {}) {
  vi.mocked(payrollApi.resolveEmployees).mockImplementation(async (by, values) => {
    expect(by).toBe('employee_no')
    expect(values).toEqual(['FS1', 'FS2', 'FS3', 'FS404', 'FS10086'])
    return {
      FS1: { status: 'found', employment_id: '701', name: 'Ann' },
      FS2: { status: 'found', employment_id: '702', name: 'Bo' },
      FS3: { status: 'found', employment_id: '703', name: 'Cy', terminated: true },
      FS404: { status: 'not_found' },
      FS10086: { status: 'ambiguous', candidates: [{ employment_id: '801', name: 'Old Wu', terminated: true }, { employment_id: '802', name: 'New Wu', terminated: false }] },
    }
  })
  // The period's records and the previous period's come from one read (the variance needs no read of its own).
  vi.mocked(payrollApi.periodRecords).mockImplementation(periodPart(CURRENT, previous, (body) => expect(body).toEqual({ source_code: 'bonus__c', payroll_period: '2025-06' })))
}


async function type(wrapper: VueWrapper, testid: string, value: string) {
  const input = wrapper.get(`[data-testid="${testid}"]`)
  await input.setValue(value)
  await flushPromises()
}

describe('control totals on the diff step', () => {
  it('shows the file\'s figures, blocks the write on a mismatch until a reason is written, and sends the controls with the job', async () => {
    vi.mocked(payrollApi.listDatasources).mockResolvedValue([bonus])
    vi.mocked(checksApi.periodGuard).mockResolvedValue({ state: 'open', activities: [] })
    answerComparison()
    const { wrapper } = await open('/payroll/bonus__c')
    await uploadAndCompare(wrapper)

    const head = wrapper.get('[data-testid="control-line"][data-field="headcount"]')
    expect(head.get('[data-testid="control-file"]').text()).toBe('File: 3')
    const amount = wrapper.get('[data-testid="control-line"][data-field="amount__c"]')
    expect(amount.get('[data-testid="control-file"]').text()).toBe('File: 1,550.01')

    // Typed as the source system prints it: currency sign and thousands separator.
    await type(wrapper, 'control-input-amount__c', '¥1,550.01')
    expect(wrapper.get('[data-testid="control-line"][data-field="amount__c"]').attributes('data-state')).toBe('match')
    expect(wrapper.get('[data-testid="diff-submit"]').attributes('disabled')).toBeUndefined()

    await type(wrapper, 'control-input-headcount', '4')
    expect(wrapper.get('[data-testid="control-line"][data-field="headcount"]').text()).toContain('Expected 4, the file has 3')
    expect(wrapper.get('[data-testid="diff-submit"]').attributes('disabled')).toBeDefined()
    await type(wrapper, 'control-override-reason', 'short')
    expect(wrapper.find('[data-testid="control-override-short"]').exists()).toBe(true)
    expect(wrapper.get('[data-testid="diff-submit"]').attributes('disabled')).toBeDefined()

    await type(wrapper, 'control-override-reason', 'FS404 left in May and is paid off-cycle')
    expect(wrapper.get('[data-testid="diff-submit"]').attributes('disabled')).toBeUndefined()
    vi.mocked(jobsApi.createJob).mockImplementation(async (body) => {
      expect(body.source).toMatchObject({
        file_name: 'june.csv',
        controls: {
          lines: [
            { field: 'headcount', typed: '4', expected: '4', actual: '3', state: 'mismatch' },
            { field: 'amount__c', typed: '¥1,550.01', expected: '1550.01', actual: '1550.01', state: 'match' },
          ],
          override_reason: 'FS404 left in May and is paid off-cycle',
        },
      })
      expect((body.source as { file_sha256?: string }).file_sha256).toMatch(/^[0-9a-f]{64}$/)
      return queued
    })
    // Finished at once, so the page follows no progress stream.
    vi.mocked(jobsApi.getJob).mockResolvedValue({ job: { ...queued, status: 'succeeded', counts: { ...queued.counts, pending: 0, succeeded: 2 }, finished_at: T0 + 1000 }, rows: [], next_cursor: null })
    await wrapper.get('[data-testid="diff-submit"]').trigger('click')
    await waitFor(() => expect(vi.mocked(jobsApi.createJob)).toHaveBeenCalledTimes(1))
    await waitFor(() => expect(wrapper.find('[data-testid="payroll-result"]').exists()).toBe(true))
    await flushPromises()
  })

  it('says plainly when a figure is not a number, and no reason releases it', async () => {
    vi.mocked(payrollApi.listDatasources).mockResolvedValue([bonus])
    vi.mocked(checksApi.periodGuard).mockResolvedValue({ state: 'open', activities: [] })
    answerComparison()
    const { wrapper } = await open('/payroll/bonus__c', 'zh-CN')
    await uploadAndCompare(wrapper)
    await type(wrapper, 'control-input-amount__c', '1550,01')
    const line = wrapper.get('[data-testid="control-line"][data-field="amount__c"]')
    expect(line.attributes('data-state')).toBe('invalid')
    expect(line.get('[data-testid="control-invalid"]').text()).toContain('这里的逗号不是千分位')
    expect(wrapper.find('[data-testid="control-override"]').exists()).toBe(false)
    expect(wrapper.get('[data-testid="diff-submit"]').attributes('disabled')).toBeDefined()
  })
})

describe('the period guard on the diff step', () => {
  it('warns, without blocking, when an approved or archived payment activity pays the period', async () => {
    vi.mocked(payrollApi.listDatasources).mockResolvedValue([bonus])
    vi.mocked(checksApi.periodGuard).mockResolvedValue({
      state: 'closed', activities: [],
      closing: [{ activity_id: 'a1', name: { 'zh-CN': '6月发薪', 'en-US': 'June pay' }, pay_date: '2025-07-10', status: 375 }],
    })
    answerComparison()
    const { wrapper } = await open('/payroll/bonus__c')
    await uploadAndCompare(wrapper)
    await waitFor(() => expect(wrapper.find('[data-testid="payroll-guard-closed"]').exists()).toBe(true))
    expect(vi.mocked(checksApi.periodGuard)).toHaveBeenCalledWith({ payroll_period: '2025-06' })
    expect(wrapper.get('[data-testid="payroll-guard-closed"]').text()).toContain('June pay · pay date 2025-07-10 · approved')
    expect(wrapper.get('[data-testid="diff-submit"]').attributes('disabled')).toBeUndefined()
  })

  it('says once that the permission is missing and goes on', async () => {
    vi.mocked(payrollApi.listDatasources).mockResolvedValue([bonus])
    vi.mocked(checksApi.periodGuard).mockResolvedValue({ state: 'unknown', reason: 'scope_missing', scopes: ['payroll:payment_activity:read'] })
    answerComparison()
    const { wrapper } = await open('/payroll/bonus__c')
    await uploadAndCompare(wrapper)
    await waitFor(() => expect(wrapper.find('[data-testid="payroll-guard-scope"]').exists()).toBe(true))
    expect(wrapper.get('[data-testid="payroll-guard-scope"]').text()).toContain('payroll:payment_activity:read')
    expect(wrapper.get('[data-testid="diff-submit"]').attributes('disabled')).toBeUndefined()
    // Back to the file and compare again: the notice is not repeated.
    await wrapper.get('[data-testid="diff-back"]').trigger('click')
    await waitFor(() => expect(wrapper.find('[data-testid="payroll-compare"]').exists()).toBe(true))
    await wrapper.get('[data-testid="payroll-compare"]').trigger('click')
    await waitFor(() => expect(wrapper.find('[data-testid="payroll-diff"]').exists()).toBe(true))
    await flushPromises()
    expect(wrapper.find('[data-testid="payroll-guard-scope"]').exists()).toBe(false)
  })
})

describe('variance against the previous period', () => {
  it('flags big changes, people missing now and people new this period, filterable, and never blocks', async () => {
    vi.mocked(payrollApi.listDatasources).mockResolvedValue([bonus])
    vi.mocked(checksApi.periodGuard).mockResolvedValue({ state: 'open', activities: [] })
    answerComparison({
      701: { active_status: 1, values: { amount__c: '100.00' } },
      702: { active_status: 1, values: { amount__c: '300.00' } },
      999: { active_status: 1, values: { amount__c: '50.00' } },
    })
    const { wrapper } = await open('/payroll/bonus__c')
    await uploadAndCompare(wrapper)
    await waitFor(() => expect(wrapper.findAll('[data-testid="variance-flag"]').length).toBe(3))
    expect(vi.mocked(payrollApi.periodRecords)).toHaveBeenCalledTimes(1)
    const kinds = wrapper.findAll('[data-testid="variance-flag"]').map((f) => [f.attributes('data-kind'), f.attributes('data-employment')])
    // 701: 100 → 1200.01 (over 50 % and over 1,000); 703 had no record; 999 is not in the file.
    expect(kinds).toEqual([['big_change', '701'], ['new_now', '703'], ['missing_now', '999']])
    expect(wrapper.get('[data-testid="variance-flag"][data-kind="big_change"]').text()).toContain('100.00 → 1200.01 (1100 %)')
    await wrapper.get('[data-testid="variance-filter-missing_now"]').trigger('click')
    expect(wrapper.findAll('[data-testid="variance-flag"]').map((f) => f.attributes('data-employment'))).toEqual(['999'])
    expect(wrapper.get('[data-testid="diff-submit"]').attributes('disabled')).toBeUndefined()
    // A stricter threshold: 1200.01 is not more than 2,000 over.
    await type(wrapper, 'variance-amount', '2,000')
    await wrapper.get('[data-testid="variance-filter-all"]').trigger('click')
    expect(wrapper.findAll('[data-testid="variance-flag"][data-kind="big_change"]')).toHaveLength(0)
  })

  it('says why a threshold of 0 or below is not used, keeps what was typed, and uses the default meanwhile', async () => {
    vi.mocked(payrollApi.listDatasources).mockResolvedValue([bonus])
    vi.mocked(checksApi.periodGuard).mockResolvedValue({ state: 'open', activities: [] })
    answerComparison({ 701: { active_status: 1, values: { amount__c: '100.00' } } })
    const { wrapper } = await open('/payroll/bonus__c')
    await uploadAndCompare(wrapper)
    for (const bad of ['0', '-5']) {
      await type(wrapper, 'variance-percent', bad)
      expect(wrapper.get('[data-testid="variance-threshold-problem"]').text()).toContain('must be more than 0')
      expect((wrapper.get('[data-testid="variance-percent"]').element as HTMLInputElement).value).toBe(bad)
      expect(wrapper.findAll('[data-testid="variance-flag"][data-kind="big_change"]')).toHaveLength(1)
    }
  })

  it('says there is nothing to compare with when the previous period has no records', async () => {
    vi.mocked(payrollApi.listDatasources).mockResolvedValue([bonus])
    vi.mocked(checksApi.periodGuard).mockResolvedValue({ state: 'open', activities: [] })
    answerComparison({})
    const { wrapper } = await open('/payroll/bonus__c', 'zh-CN')
    await uploadAndCompare(wrapper)
    await waitFor(() => expect(wrapper.find('[data-testid="variance-no-previous"]').exists()).toBe(true))
    expect(wrapper.get('[data-testid="variance-no-previous"]').text()).toContain('飞书中没有 2025-05 的记录')
    expect(wrapper.findAll('[data-testid="variance-flag"]')).toHaveLength(0)
    // The diff workbook says the same on its variance sheet.
    vi.mocked(saveBlob).mockClear()
    await wrapper.get('[data-testid="diff-download"]').trigger('click')
    const variance = await readAll(new Uint8Array(await vi.mocked(saveBlob).mock.calls[0]![0].arrayBuffer()), 1)
    expect(variance.slice(1).map((r) => r[0])).toEqual([expect.stringContaining('飞书中没有 2025-05 的记录')])
  })
})

describe('the diff workbook', () => {
  it('lists new, changed (before → after), unchanged and not-written rows and the variance flags with their reason, in the person\'s language, formulas escaped', async () => {
    vi.mocked(saveBlob).mockClear()
    vi.mocked(payrollApi.listDatasources).mockResolvedValue([bonus])
    vi.mocked(checksApi.periodGuard).mockResolvedValue({ state: 'open', activities: [] })
    answerComparison({
      701: { active_status: 1, values: { amount__c: '100.00' } },
      702: { active_status: 1, values: { amount__c: '300.00' } },
      999: { active_status: 1, values: { amount__c: '50.00' } },
    })
    const { wrapper } = await open('/payroll/bonus__c', 'zh-CN')
    // Cy's note would run as a formula in a spreadsheet if it were written as it is.
    await uploadAndCompare(wrapper, CSV.replace('FS3,50,', 'FS3,50,=HYPERLINK("http://evil.example")'))
    await waitFor(() => expect(wrapper.findAll('[data-testid="variance-flag"]').length).toBe(3))
    await wrapper.get('[data-testid="diff-download"]').trigger('click')
    expect(vi.mocked(saveBlob)).toHaveBeenCalledTimes(1)
    const [blob, name] = vi.mocked(saveBlob).mock.calls[0]!
    expect(name).toBe('bonus__c-2025-06-差异.xlsx')
    const bytes = new Uint8Array(await blob.arrayBuffer())
    const records = await readAll(bytes, 0)
    expect(records[0]).toEqual(['行', '员工', '姓名', '雇佣 ID', '状态', '字段', '飞书当前值', '文件中的值', '说明'])
    const byPerson = (id: string) => records.filter((r) => r[1] === id)
    // Ann: changed, one line per changed field, before → after.
    expect(byPerson('FS1')).toEqual([[2, 'FS1', 'Ann', '701', '变更', '奖金金额', '1000.00', '1200.01', null]])
    expect(byPerson('FS2').map((r) => r[4])).toEqual(['无变化'])
    const cy = byPerson('FS3')
    expect(cy.map((r) => r[4])).toEqual(['新增', '新增'])
    expect(cy.map((r) => r[7])).toContain("'=HYPERLINK(\"http://evil.example\")")
    const notWritten = records.filter((r) => r[4] === '不写入')
    expect(notWritten.map((r) => r[1])).toEqual(['FS404', 'FS10086', null])
    expect(String(notWritten[1]![8])).toContain('802')
    expect(notWritten[2]![8]).toBe('文件中有错误的 1 行不会写入（见上方检查）。')
    const variance = await readAll(bytes, 1)
    expect(variance.slice(1).map((r) => [r[2], r[3]])).toEqual([['701', '变化较大'], ['703', '本期新增'], ['999', '本期缺少']])
    expect(variance[1]![8]).toBe('与 2025-05 相比变化超过 50 % 且超过 1000')
    expect(variance[3]![8]).toBe('在 2025-05 有记录，但不在本文件中')
  })
})

describe('the template pre-filled with Feishu\'s values', () => {
  it('asks for everyone the person may see, or for the people of a pasted list (header and repeats left out), and saves the workbook', async () => {
    vi.mocked(saveBlob).mockClear()
    vi.mocked(payrollApi.listDatasources).mockResolvedValue([bonus])
    const book = new Blob(['xlsx bytes'])
    vi.mocked(payrollApi.prefilledTemplate).mockResolvedValue(book)
    const { wrapper } = await open('/payroll/bonus__c', 'zh-CN')
    await waitFor(() => expect(wrapper.find('[data-testid="payroll-import"]').exists()).toBe(true))
    await wrapper.get('[data-testid="payroll-period"]').setValue('2025-06')
    await wrapper.get('[data-testid="prefill-open"]').trigger('click')
    await wrapper.get('[data-testid="prefill-download"]').trigger('click')
    await waitFor(() => expect(vi.mocked(saveBlob)).toHaveBeenCalledTimes(1))
    expect(vi.mocked(payrollApi.prefilledTemplate).mock.calls[0]![0]).toEqual({ source_code: 'bonus__c', payroll_period: '2025-06', by: 'employee_no', locale: 'zh-CN' })
    expect(vi.mocked(saveBlob).mock.calls[0]).toEqual([book, 'bonus__c-2025-06-飞书当前值.xlsx'])

    await wrapper.get('[data-testid="prefill-list"]').find('input').setValue(true)
    expect(wrapper.get('[data-testid="prefill-problem"]').text()).toBe('名单是空的。')
    expect(wrapper.get('[data-testid="prefill-download"]').attributes('disabled')).toBeDefined()
    await wrapper.get('[data-testid="prefill-people"]').setValue('工号\nFS1\nFS2, 张三\n\nFS1\n')
    expect(wrapper.get('[data-testid="prefill-count"]').text()).toContain('2')
    await wrapper.get('[data-testid="prefill-download"]').trigger('click')
    await waitFor(() => expect(vi.mocked(saveBlob)).toHaveBeenCalledTimes(2))
    expect(vi.mocked(payrollApi.prefilledTemplate).mock.calls[1]![0]).toEqual({ source_code: 'bonus__c', payroll_period: '2025-06', by: 'employee_no', locale: 'zh-CN', people: ['FS1', 'FS2'] })
  })

  it('says plainly when the period has too many records for one download, and saves nothing', async () => {
    vi.mocked(saveBlob).mockClear()
    vi.mocked(payrollApi.listDatasources).mockResolvedValue([bonus])
    vi.mocked(payrollApi.prefilledTemplate).mockRejectedValue(new ApiError(400, 'too_many_records', 'More than 5000 records', { max: 5000 }))
    const { wrapper } = await open('/payroll/bonus__c')
    await waitFor(() => expect(wrapper.find('[data-testid="payroll-import"]').exists()).toBe(true))
    await wrapper.get('[data-testid="payroll-period"]').setValue('2025-06')
    await wrapper.get('[data-testid="prefill-open"]').trigger('click')
    await wrapper.get('[data-testid="prefill-download"]').trigger('click')
    await waitFor(() => expect(wrapper.find('[data-testid="prefill-error"]').exists()).toBe(true))
    expect(wrapper.get('[data-testid="prefill-error"]').text()).toContain('More than 5000 records in this period')
    expect(vi.mocked(saveBlob)).not.toHaveBeenCalled()
  })
})
