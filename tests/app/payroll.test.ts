import { describe, expect, it, vi } from 'vitest'
import { flushPromises, type VueWrapper } from '@vue/test-utils'
import { ApiError } from '../../src/api'
import * as jobsApi from '../../src/api/jobs'
import * as payrollApi from '../../src/api/payroll'
import type { JobRowResult, JobSummary } from '../../src/domain/jobs'
import { JOB_CALLS, PAYROLL_CALLS } from './loud-fakes'
import { usePageHarness } from './page-harness'
import { jobSummary, wangfang } from './fixtures'
import { waitFor } from './mount-app'
import { JUNE_CSV, uploadAndCompare as uploadFile } from './payroll-upload'
import { bonus, periodPart, stopped } from './payroll-fixtures'

vi.mock('../../src/api', async (importOriginal) => (await import('./fake-api')).fakeApiModule(await importOriginal()))
vi.mock('../../src/api/payroll', async (importOriginal) => { const f = await import('./loud-fakes'); return f.loudModule(await importOriginal<object>(), f.PAYROLL_CALLS) })
vi.mock('../../src/api/jobs', async (importOriginal) => { const f = await import('./loud-fakes'); return f.loudModule(await importOriginal<object>(), f.JOB_CALLS) })
// The diff step's checks (their own tests: payroll-checks.test.ts) find nothing to warn about here.
vi.mock('../../src/api/payroll-checks', () => ({ periodGuard: vi.fn(async () => ({ state: 'open', activities: [] })) }))
vi.mock('../../src/api/mappings', () => ({
  getMapping: vi.fn(async () => null),
  saveMapping: vi.fn(async () => undefined),
}))

const page = usePageHarness({ me: wangfang, fakes: [[payrollApi, PAYROLL_CALLS], [jobsApi, JOB_CALLS]] })
const open = (path: string, locale: 'en-US' | 'zh-CN' = 'en-US') => page.open(path, locale)

const T0 = Date.UTC(2025, 5, 30, 1, 0, 0)

function job(over: Partial<JobSummary> = {}): JobSummary {
  return jobSummary({ id: 'job-7', source: { file_name: 'june.csv', sheet: 'june' }, created_at: T0, updated_at: T0, ...over })
}

describe('the datasource page', () => {
  it('lists every datasource with its name in the UI language, period type, fields with type, decimals and state, and says why a stopped one cannot be written', async () => {
    vi.mocked(payrollApi.listDatasources).mockResolvedValue([bonus, stopped])
    const { wrapper } = await open('/payroll')
    await waitFor(() => expect(wrapper.findAll('[data-testid="payroll-source"]')).toHaveLength(2))

    const [first, second] = wrapper.findAll('[data-testid="payroll-source"]')
    expect(first!.text()).toContain('Quarterly bonus')
    expect(first!.text()).toContain('bonus__c')
    expect(first!.text()).toContain('By payroll period')
    expect(first!.text()).toContain('Fields: 5 (stopped: 1)')
    expect(first!.attributes('data-writable')).toBe('true')
    const amount = first!.get('[data-testid="payroll-field"][data-code="amount__c"]')
    expect(amount.text()).toContain('Amount (RMB)')
    expect(amount.findAll('td')[3]!.text()).toBe('2')
    const legacy = first!.get('[data-testid="payroll-field"][data-code="legacy__c"]')
    expect(legacy.attributes('data-active')).toBe('false')
    expect(legacy.text()).toContain('Stopped in Feishu: values for it are not written.')

    expect(second!.attributes('data-writable')).toBe('false')
    expect(second!.get('[data-testid="payroll-source-blocked"]').text()).toContain('This datasource is stopped in Feishu')
    expect(second!.find('[data-testid="payroll-source-open"]').exists()).toBe(false)
    expect(first!.get('[data-testid="payroll-source-open"]').attributes('href')).toBe('/payroll/bonus__c')
  })

  it('shows the datasource names in Chinese when the app is in Chinese', async () => {
    vi.mocked(payrollApi.listDatasources).mockResolvedValue([bonus])
    const { wrapper } = await open('/payroll', 'zh-CN')
    await waitFor(() => expect(wrapper.find('[data-testid="payroll-source"]').exists()).toBe(true))
    expect(wrapper.get('[data-testid="payroll-source"]').text()).toContain('季度奖金')
    expect(wrapper.get('[data-testid="payroll-source"]').text()).toContain('按算薪期间')
  })

  it('names the Feishu role that grants payroll rights, and the scopes the app needs, to a person without any', async () => {
    vi.mocked(payrollApi.listDatasources).mockRejectedValue(new ApiError(403, 'no_role', 'no payroll role', { role: 'payroll' }))
    const { wrapper } = await open('/payroll')
    await waitFor(() => expect(wrapper.find('[data-testid="payroll-no-access"]').exists()).toBe(true))
    const page = wrapper.get('[data-testid="payroll-no-access"]')
    expect(page.text()).toContain('You have no payroll data rights in Feishu')
    expect(page.get('[data-testid="payroll-no-access-role"]').text()).toContain('「外部数据源 - 数据明细」')
    expect(page.get('[data-testid="payroll-no-access-scopes"]').text()).toContain('payroll:external_datasource_record:write')
    expect(wrapper.find('[data-testid="payroll-source"]').exists()).toBe(false)
  })

  it('lists the exact scopes a 403 scope_missing names and offers to authorize again', async () => {
    vi.mocked(payrollApi.listDatasources).mockRejectedValue(new ApiError(403, 'scope_missing', 'scope', { scopes: ['payroll:external_datasource_record:read'] }))
    const { wrapper } = await open('/payroll')
    await waitFor(() => expect(wrapper.find('[data-testid="payroll-no-access"]').exists()).toBe(true))
    expect(wrapper.get('[data-testid="payroll-no-access-scopes"]').findAll('li')).toHaveLength(1)
    expect(wrapper.get('[data-testid="payroll-no-access-scopes"]').text()).toContain('payroll:external_datasource_record:read')
    expect(wrapper.find('[data-testid="payroll-reauthorize"]').exists()).toBe(true)
  })

  it('refuses to import into a stopped datasource opened by its address', async () => {
    vi.mocked(payrollApi.listDatasources).mockResolvedValue([bonus, stopped])
    const { wrapper } = await open('/payroll/legacy_allowance__c')
    await waitFor(() => expect(wrapper.find('[data-testid="payroll-source-blocked-page"]').exists()).toBe(true))
    expect(wrapper.find('[data-testid="payroll-import"]').exists()).toBe(false)
  })
})

const CSV = JUNE_CSV

async function uploadAndCompare(wrapper: VueWrapper, csv = CSV) {
  await uploadFile(wrapper, csv, (w) => {
    expect(w.get('[data-testid="payroll-ready"]').text()).toContain('5 rows are ready to compare with Feishu.')
    expect(w.get('[data-testid="payroll-ready"]').text()).toContain('1 rows with errors will not be sent')
  })
}

function answerComparison() {
  vi.mocked(payrollApi.resolveEmployees).mockImplementation(async (by, values) => {
    expect(by).toBe('employee_no')
    expect(values).toEqual(['FS1', 'FS2', 'FS3', 'FS404', 'FS10086'])
    return {
      // Feishu writes Ann's number in lower case: she is found, and the diff says how Feishu writes it.
      FS1: { status: 'found', employment_id: '701', name: 'Ann', employee_number: 'fs1' },
      FS2: { status: 'found', employment_id: '702', name: 'Bo' },
      FS3: { status: 'found', employment_id: '703', name: 'Cy', terminated: true },
      FS404: { status: 'not_found' },
      FS10086: { status: 'ambiguous', candidates: [{ employment_id: '801', name: 'Old Wu', terminated: true }, { employment_id: '802', name: 'New Wu', terminated: false }] },
    }
  })
  vi.mocked(payrollApi.periodRecords).mockImplementation(periodPart({
    701: { active_status: 1, values: { amount__c: '1000.00', note__c: 'kept' } },
    702: { active_status: 1, values: { amount__c: '300.00', note__c: 'same' } },
    // Someone the file does not name: read with the period, never part of the diff.
    950: { active_status: 1, values: { amount__c: '5.00' } },
  }, {}, (body) => expect(body).toEqual({ source_code: 'bonus__c', payroll_period: '2025-06' })))
}

describe('importing a spreadsheet into a datasource', () => {
  it('compares with Feishu and shows each record as new, changed (before → after) or unchanged, with the rows it cannot send and why', async () => {
    vi.mocked(payrollApi.listDatasources).mockResolvedValue([bonus])
    answerComparison()
    const { wrapper } = await open('/payroll/bonus__c')
    await uploadAndCompare(wrapper)

    expect(wrapper.get('[data-testid="diff-count-new"]').text()).toContain('1')
    expect(wrapper.get('[data-testid="diff-count-changed"]').text()).toContain('1')
    expect(wrapper.get('[data-testid="diff-count-unchanged"]').text()).toContain('1')
    // Two unresolved employees plus the row with a file error.
    expect(wrapper.get('[data-testid="diff-count-excluded"]').text()).toContain('3')
    // The filter chip counts the same rows as the header (it once said 2 where the header said 3).
    expect(wrapper.get('[data-testid="diff-filter-excluded"]').text()).toMatch(/\b3$/)

    const changed = wrapper.get('[data-testid="diff-record"][data-status="changed"]')
    expect(changed.attributes('data-employment')).toBe('701')
    // 1200.005 is rounded half-up to the field's 2 decimals; the empty note leaves "kept" alone.
    expect(changed.findAll('[data-testid="diff-change"]').map((c) => c.attributes('data-field'))).toEqual(['amount__c'])
    expect(changed.get('[data-testid="diff-before"]').text()).toBe('1000.00')
    expect(changed.get('[data-testid="diff-after"]').text()).toBe('1200.01')
    expect(changed.get('[data-testid="diff-stored-as"]').text()).toContain('FS1 is fs1 in Feishu')
    const created = wrapper.get('[data-testid="diff-record"][data-status="new"]')
    expect(created.attributes('data-employment')).toBe('703')
    expect(created.find('[data-testid="diff-terminated"]').exists()).toBe(true)
    expect(created.find('[data-testid="diff-stored-as"]').exists()).toBe(false)
    expect(wrapper.find('[data-testid="diff-record"][data-status="unchanged"]').exists()).toBe(false)

    await wrapper.get('[data-testid="diff-filter-unchanged"]').trigger('click')
    expect(wrapper.get('[data-testid="diff-record"]').attributes('data-employment')).toBe('702')

    await wrapper.get('[data-testid="diff-filter-excluded"]').trigger('click')
    expect(wrapper.get('[data-testid="diff-excluded-file-errors"]').text()).toContain('1 rows with errors in the file are not sent')
    const excluded = wrapper.findAll('[data-testid="diff-excluded-row"]')
    expect(excluded.map((e) => [e.attributes('data-row'), e.attributes('data-reason')])).toEqual([['5', 'not_found'], ['6', 'ambiguous']])
    expect(excluded[1]!.text()).toContain('New Wu · 802')
    expect(wrapper.get('[data-testid="diff-submit"]').text()).toBe('Write 2 records (new 1, changed 1)')
  })

  it('writes only the new and changed records as a job, follows it to the end and reconciles Feishu’s count with the diff', async () => {
    vi.mocked(payrollApi.listDatasources).mockResolvedValue([bonus])
    answerComparison()
    const { wrapper } = await open('/payroll/bonus__c')
    await uploadAndCompare(wrapper)

    vi.mocked(jobsApi.createJob).mockImplementation(async (body) => {
      expect(body).toMatchObject({
        kind: 'payroll_save',
        target: { type: 'payroll', source_code: 'bonus__c', payroll_period: '2025-06' },
        // The job's (and an approval form's) "excluded" is the diff's "not written" number.
        source: { file_name: 'june.csv', excluded: 3 },
        rows: [
          { row: 2, employment_id: '701', active_status: 1, values: { amount__c: '1200.01' } },
          { row: 4, employment_id: '703', active_status: 1, values: { amount__c: '50.00' } },
        ],
      })
      expect(body.rows).toHaveLength(2)
      expect(body.idempotency_key).toMatch(/.{16,}/)
      return job()
    })
    const finished = job({ status: 'finished_with_errors', counts: { total: 2, pending: 0, succeeded: 1, partial: 0, failed: 1, cancelled: 0 }, affect_count: 1, finished_at: T0 + 5000 })
    const rows: JobRowResult[] = [
      { row: 2, status: 'succeeded', feishu_code: 0, message: null, field_errors: [], input: { row: 2, employment_id: '701', values: {} } },
      { row: 4, status: 'failed', feishu_code: 2500014, message: 'records0 lark data auth', field_errors: [], input: { row: 4, employment_id: '703', values: {} } },
    ]
    vi.mocked(jobsApi.getJob).mockResolvedValue({ job: finished, rows, next_cursor: null })

    await wrapper.get('[data-testid="diff-submit"]').trigger('click')
    await waitFor(() => expect(wrapper.find('[data-testid="payroll-reconcile-summary"]').exists()).toBe(true))
    expect(vi.mocked(jobsApi.createJob)).toHaveBeenCalledTimes(1)
    const reconcile = wrapper.get('[data-testid="payroll-reconcile"]')
    expect(reconcile.text()).toContain('Sent 2 records, 1 written; Feishu counted 1 as created or updated. 1 unchanged records were not sent.')
    expect(reconcile.text()).toContain('1 records were refused by Feishu')
    expect(reconcile.attributes('data-gap')).toBe('0')
    // A row Feishu refused for row-level permission reads as such, not as a system error.
    await waitFor(() => expect(wrapper.find('[data-testid="job-row"][data-row="4"]').exists()).toBe(true))
    expect(wrapper.get('[data-testid="job-row"][data-row="4"]').text()).toContain('You have no data permission for this employee')
    expect(wrapper.find('[data-testid="payroll-revert-open"]').exists()).toBe(true)
  })

  it('counts a total row the import left out as not written, in the diff and in the job it starts', async () => {
    vi.mocked(payrollApi.listDatasources).mockResolvedValue([bonus])
    answerComparison()
    const { wrapper } = await open('/payroll/bonus__c')
    await uploadAndCompare(wrapper, `${CSV}\nTotal,1570,`)

    // Two unresolved employees, the row with a file error and the total row.
    expect(wrapper.get('[data-testid="diff-count-excluded"]').text()).toContain('4')
    expect(wrapper.get('[data-testid="diff-filter-excluded"]').text()).toMatch(/\b4$/)
    await wrapper.get('[data-testid="diff-filter-excluded"]').trigger('click')
    expect(wrapper.get('[data-testid="diff-excluded-totals"]').text()).toContain('1 rows left out as totals or group labels are not sent.')

    vi.mocked(jobsApi.createJob).mockImplementation(async (body) => {
      expect(body.source).toMatchObject({ excluded: 4 })
      return job()
    })
    const done = job({ status: 'succeeded', counts: { total: 2, pending: 0, succeeded: 2, partial: 0, failed: 0, cancelled: 0 }, affect_count: 2, finished_at: T0 + 5000 })
    vi.mocked(jobsApi.getJob).mockResolvedValue({ job: done, rows: [], next_cursor: null })
    await wrapper.get('[data-testid="diff-submit"]').trigger('click')
    await waitFor(() => expect(vi.mocked(jobsApi.createJob)).toHaveBeenCalledTimes(1))
  })

  it('explains when Feishu counted fewer changes than the records written', async () => {
    vi.mocked(payrollApi.listDatasources).mockResolvedValue([bonus])
    answerComparison()
    const { wrapper } = await open('/payroll/bonus__c')
    await uploadAndCompare(wrapper)
    vi.mocked(jobsApi.createJob).mockResolvedValue(job())
    vi.mocked(jobsApi.getJob).mockResolvedValue({
      job: job({ status: 'succeeded', counts: { total: 2, pending: 0, succeeded: 2, partial: 0, failed: 0, cancelled: 0 }, affect_count: 0 }),
      rows: [
        { row: 2, status: 'succeeded', feishu_code: 0, message: 'unchanged', field_errors: [], input: { row: 2, employment_id: '701', values: {} } },
        { row: 4, status: 'succeeded', feishu_code: 0, message: null, field_errors: [], input: { row: 4, employment_id: '703', values: {} } },
      ],
      next_cursor: null,
    })
    await wrapper.get('[data-testid="diff-submit"]').trigger('click')
    await waitFor(() => expect(wrapper.find('[data-testid="payroll-reconcile-lines"]').exists()).toBe(true))
    const text = wrapper.get('[data-testid="payroll-reconcile-lines"]').text()
    expect(text).toContain('1 records already held these values when the job reached them')
    expect(text).toContain('Feishu counted 1 fewer changes than written')
  })

  it('shows the server’s per-row refusal when the job cannot be created', async () => {
    vi.mocked(payrollApi.listDatasources).mockResolvedValue([bonus])
    answerComparison()
    const { wrapper } = await open('/payroll/bonus__c')
    await uploadAndCompare(wrapper)
    vi.mocked(jobsApi.createJob).mockRejectedValue(new ApiError(400, 'invalid_rows', 'bad rows', { rows: [{ row: 4, field: 'amount__c', code: 'not_a_number', message: '"x" is not a number' }] }))
    await wrapper.get('[data-testid="diff-submit"]').trigger('click')
    await waitFor(() => expect(wrapper.find('[data-testid="payroll-submit-error"]').exists()).toBe(true))
    expect(wrapper.get('[data-testid="payroll-submit-error"]').text()).toContain('Row 4, amount__c: "x" is not a number')
    expect(wrapper.find('[data-testid="payroll-result"]').exists()).toBe(false)
  })

  it('refuses a payroll period before 1970-01 before anything is compared', async () => {
    vi.mocked(payrollApi.listDatasources).mockResolvedValue([bonus])
    const { wrapper } = await open('/payroll/bonus__c')
    await waitFor(() => expect(wrapper.find('[data-testid="payroll-import"]').exists()).toBe(true))
    await wrapper.get('[data-testid="payroll-period"]').setValue('1969-12')
    expect(wrapper.get('[data-testid="payroll-period-problem"]').text()).toBe('Feishu accepts payroll periods from 1970-01 on.')
  })
})

describe('reverting a finished payroll job', () => {
  it('states the counts from a dry run, says Feishu cannot delete, and opens the revert job after confirmation', async () => {
    const done = job({ status: 'succeeded', counts: { total: 3, pending: 0, succeeded: 3, partial: 0, failed: 0, cancelled: 0 }, affect_count: 3, finished_at: T0 + 1000 })
    vi.mocked(jobsApi.getJob).mockImplementation(async (id) => {
      if (id === 'job-7') return { job: done, rows: [], next_cursor: null }
      if (id === 'job-8') return { job: job({ id: 'job-8', kind: 'payroll_revert', status: 'succeeded', counts: done.counts, source: { reverts_job_id: 'job-7' } }), rows: [], next_cursor: null }
      throw new Error(`unexpected job ${id}`)
    })
    vi.mocked(payrollApi.planRevert).mockResolvedValue({ restore: 2, stop: 1, cannot_clear: 1 })
    vi.mocked(payrollApi.revertJob).mockResolvedValue(job({ id: 'job-8', kind: 'payroll_revert' }))
    const { wrapper, router } = await open('/jobs/job-7')
    await waitFor(() => expect(wrapper.find('[data-testid="payroll-revert-open"]').exists()).toBe(true))

    await wrapper.get('[data-testid="payroll-revert-open"]').trigger('click')
    await waitFor(() => expect(document.querySelector('[data-testid="payroll-revert-plan"]')).not.toBeNull())
    const plan = document.querySelector('[data-testid="payroll-revert-plan"]')!.textContent ?? ''
    expect(plan).toContain('Records that existed before get their earlier values back: 2')
    expect(plan).toContain('Records this job created are set to stopped (active status 2): 1')
    expect(plan).toContain('Feishu cannot delete payroll records')
    expect(plan).toContain('Feishu cannot empty a field')
    expect(vi.mocked(payrollApi.planRevert)).toHaveBeenCalledWith('job-7')
    expect(vi.mocked(payrollApi.revertJob)).not.toHaveBeenCalled()

    ;(document.querySelector('[data-testid="payroll-revert-confirm"]') as HTMLButtonElement).click()
    await waitFor(() => expect(router.currentRoute.value.path).toBe('/jobs/job-8'))
    expect(vi.mocked(payrollApi.revertJob)).toHaveBeenCalledWith('job-7')
    await flushPromises()
  })

  it('keeps the dialog open with Feishu’s reason and stays on the job when the revert cannot start', async () => {
    const done = job({ status: 'succeeded', counts: { total: 3, pending: 0, succeeded: 3, partial: 0, failed: 0, cancelled: 0 }, affect_count: 3, finished_at: T0 + 1000 })
    vi.mocked(jobsApi.getJob).mockResolvedValue({ job: done, rows: [], next_cursor: null })
    vi.mocked(payrollApi.planRevert).mockResolvedValue({ restore: 3, stop: 0, cannot_clear: 0 })
    vi.mocked(payrollApi.revertJob).mockRejectedValue(new ApiError(409, 'job_running', 'Another job of this datasource is running'))
    const { wrapper, router } = await open('/jobs/job-7')
    await waitFor(() => expect(wrapper.find('[data-testid="payroll-revert-open"]').exists()).toBe(true))

    await wrapper.get('[data-testid="payroll-revert-open"]').trigger('click')
    await waitFor(() => expect(document.querySelector('[data-testid="payroll-revert-confirm"]')).not.toBeNull())
    ;(document.querySelector('[data-testid="payroll-revert-confirm"]') as HTMLButtonElement).click()

    await waitFor(() => expect(document.querySelector('[data-testid="payroll-revert-plan"] [data-testid="payroll-revert-error"]')).not.toBeNull())
    expect(document.querySelector('[data-testid="payroll-revert-plan"] [data-testid="payroll-revert-error"]')!.textContent).toContain('Could not revert')
    // Still in the dialog (teleported out of the page), not in the page under a closed dialog.
    expect(wrapper.find('[data-testid="payroll-revert-error"]').exists()).toBe(false)
    expect(vi.mocked(payrollApi.revertJob)).toHaveBeenCalledTimes(1)
    expect(router.currentRoute.value.path).toBe('/jobs/job-7')
  })

  it('offers no revert for a revert job or a job that wrote nothing', async () => {
    vi.mocked(jobsApi.getJob).mockResolvedValue({ job: job({ status: 'failed', counts: { total: 2, pending: 0, succeeded: 0, partial: 0, failed: 2, cancelled: 0 } }), rows: [], next_cursor: null })
    const { wrapper } = await open('/jobs/job-7')
    await waitFor(() => expect(wrapper.find('[data-testid="job-progress"]').exists()).toBe(true))
    expect(wrapper.find('[data-testid="payroll-revert"]').exists()).toBe(false)
  })
})
