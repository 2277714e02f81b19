import { describe, expect, it, vi } from 'vitest'
import { flushPromises } from '@vue/test-utils'
import * as api from '../../src/api'
import { ApiError } from '../../src/api'
import * as attendanceApi from '../../src/api/attendance'
import type { ArchiveRule, ReportFields } from '../../src/api/attendance'
import * as jobsApi from '../../src/api/jobs'
import { previousMonth } from '../../src/domain/attendance'
import type { AttendanceRowInput, JobRowResult, JobSummary } from '../../src/domain/jobs'
import { jobCounts, jobSummary, zhangwei } from './fixtures'
import { ATTENDANCE_CALLS, JOB_CALLS } from './loud-fakes'
import { waitFor } from './mount-app'
import { usePageHarness } from './page-harness'

// Every endpoint fails loudly unless a test says what it answers.
vi.mock('../../src/api', async (importOriginal) => (await import('./fake-api')).fakeApiModule(await importOriginal()))
vi.mock('../../src/api/attendance', async (importOriginal) => { const f = await import('./loud-fakes'); return f.loudModule(await importOriginal<object>(), f.ATTENDANCE_CALLS) })
vi.mock('../../src/api/jobs', async (importOriginal) => { const f = await import('./loud-fakes'); return f.loudModule(await importOriginal<object>(), f.JOB_CALLS) })
vi.mock('../../src/api/mappings', () => ({
  getMapping: vi.fn(async () => null),
  saveMapping: vi.fn(async () => undefined),
}))



const RND = '7341290237441605652'
const rules: ArchiveRule[] = [
  { archive_rule_id: '1', names: { 'zh-CN': '总部职能月度归档', 'en-US': 'HQ functions monthly archive' }, report_names: { 'zh-CN': '总部月度考勤报表', 'en-US': 'HQ monthly attendance report' } },
  { archive_rule_id: RND, names: { 'zh-CN': '研发中心月度归档', 'en-US': 'R&D Center monthly archive' }, report_names: null },
]

const exceptions = { 'zh-CN': '异常', 'en-US': 'Exceptions' }
const leave = { 'zh-CN': '请假', 'en-US': 'Leave' }
const paid = { 'zh-CN': '带薪假', 'en-US': 'Paid leave' }
const reportFields: ReportFields = {
  fields: [
    { code: 'c0ffee01', title: { 'zh-CN': '迟到次数', 'en-US': 'Late arrivals' }, upper_titles: [exceptions] },
    { code: 'c0ffee02', title: { 'zh-CN': '年假(天)', 'en-US': 'Annual leave (days)' }, upper_titles: [leave, paid] },
    { code: 'c0ffee03', title: { 'zh-CN': '早退次数', 'en-US': 'Early departures' }, upper_titles: [exceptions] },
  ],
  schema: {
    kind: 'attendance', id: RND, title: { 'zh-CN': RND, 'en-US': RND }, keyFields: ['member_id'],
    fields: [
      { code: 'member_id', title: { 'zh-CN': '工号', 'en-US': 'Employee number' }, kind: 'identifier', required: true, writable: true },
      { code: 'start_time', title: { 'zh-CN': '考勤开始日期', 'en-US': 'Start date' }, kind: 'compact_date', required: false, writable: true },
      { code: 'end_time', title: { 'zh-CN': '考勤结束日期', 'en-US': 'End date' }, kind: 'compact_date', required: false, writable: true },
      { code: 'c0ffee01', title: { 'zh-CN': '迟到次数', 'en-US': 'Late arrivals' }, path: [exceptions], kind: 'text', required: false, writable: true },
      { code: 'c0ffee02', title: { 'zh-CN': '年假(天)', 'en-US': 'Annual leave (days)' }, path: [leave, paid], kind: 'text', required: false, writable: true },
      { code: 'c0ffee03', title: { 'zh-CN': '早退次数', 'en-US': 'Early departures' }, path: [exceptions], kind: 'text', required: false, writable: true },
    ],
  },
}

const MONTH = previousMonth(new Date())

function job(overrides: Partial<JobSummary> = {}): JobSummary {
  return jobSummary({
    id: 'job-att', kind: 'attendance_upload', status: 'finished_with_errors',
    target: { type: 'attendance', archive_rule_id: RND, month: MONTH, employee_type: 'employee_id' },
    counts: jobCounts({ succeeded: 1, partial: 1, failed: 1 }), calls: 1, source: { file_name: 'rnd.csv' }, updated_at: 2, started_at: 1, finished_at: 2, ...overrides,
  })
}

const page = usePageHarness({ me: zhangwei, fakes: [[attendanceApi, ATTENDANCE_CALLS], [jobsApi, JOB_CALLS]] })
const open = (locale: 'en-US' | 'zh-CN' = 'en-US') => page.open('/attendance', locale)

describe('who may use the attendance page', () => {
  it('tells a person without the attendance admin role which Feishu role they need', async () => {
    vi.mocked(attendanceApi.listArchiveRules).mockRejectedValue(new ApiError(403, 'no_role', 'no', { role: 'attendance' }))
    const { wrapper } = await open('en-US')
    const denied = await waitFor(() => wrapper.get('[data-testid="attendance-denied-role"]'))
    expect(denied.text()).toContain('You cannot write attendance archive reports')
    expect(denied.text()).toContain('An attendance admin role in Time & Attendance, with the archive rule inside your data scope')
    expect(wrapper.find('[data-testid="attendance-target"]').exists()).toBe(false)
  })

  it('names the missing attendance:task scope with its reason and offers to authorize again', async () => {
    vi.mocked(attendanceApi.listArchiveRules).mockRejectedValue(new ApiError(403, 'scope_missing', 'no', { scopes: ['attendance:task'] }))
    const { wrapper, router } = await open('zh-CN')
    const denied = await waitFor(() => wrapper.get('[data-testid="attendance-denied-scope"]'))
    expect(denied.get('[data-testid="attendance-denied-scope"] li').text()).toBe('attendance:task — 读取归档报表表头并写入、删除归档报表结果。')
    await wrapper.get('[data-testid="attendance-reauthorize"]').trigger('click')
    await waitFor(() => expect(router.currentRoute.value.name).toBe('sign-in'))
    expect(router.currentRoute.value.query.redirect).toBe('/attendance')
  })

  it('says the chosen archive rule is outside the person’s data scope when Feishu refuses its fields', async () => {
    vi.mocked(attendanceApi.listArchiveRules).mockResolvedValue(rules)
    vi.mocked(attendanceApi.getReportFields).mockRejectedValue(new ApiError(403, 'no_role', 'no', { role: 'attendance' }))
    const { wrapper } = await open('en-US')
    await waitFor(() => wrapper.get('[data-testid="attendance-rule"]'))
    await wrapper.get('[data-testid="attendance-rule"]').setValue(RND)
    const denied = await waitFor(() => wrapper.get('[data-testid="attendance-denied-rule_scope"]'))
    expect(denied.text()).toContain('“R&D Center monthly archive”: the archive rule is not in the data scope')
    await denied.get('[data-testid="attendance-other-rule"]').trigger('click')
    await waitFor(() => expect(wrapper.find('[data-testid="attendance-denied-rule_scope"]').exists()).toBe(false))
    expect((wrapper.get('[data-testid="attendance-rule"]').element as HTMLSelectElement).value).toBe('')
  })
})

describe('choosing the rule and month', () => {
  it('lists the rules in the UI language, defaults to the previous month and shows the report fields by group', async () => {
    vi.mocked(attendanceApi.listArchiveRules).mockResolvedValue(rules)
    vi.mocked(attendanceApi.getReportFields).mockResolvedValue(reportFields)
    const { wrapper } = await open('zh-CN')
    await waitFor(() => wrapper.get('[data-testid="attendance-rule"]'))
    expect(wrapper.findAll('[data-testid="attendance-rule"] option').map((o) => o.text())).toEqual(['选择归档规则', '总部职能月度归档', '研发中心月度归档'])
    expect((wrapper.get('[data-testid="attendance-month"]').element as HTMLInputElement).value).toBe(`${MONTH.slice(0, 4)}-${MONTH.slice(4)}`)
    await wrapper.get('[data-testid="attendance-rule"]').setValue('1')
    await waitFor(() => wrapper.get('[data-testid="attendance-fields"]'))
    expect(attendanceApi.getReportFields).toHaveBeenCalledWith('1', MONTH, 'employee_no')
    expect(wrapper.get('[data-testid="attendance-report-name"]').text()).toBe('报表：总部月度考勤报表')
    expect(wrapper.findAll('[data-testid="attendance-field-group"]').map((g) => g.get('h4').text())).toEqual(['异常', '请假 / 带薪假'])

    await wrapper.get('[data-testid="attendance-month"]').setValue('2024-02')
    await wrapper.get('[data-testid="attendance-month"]').trigger('change')
    await waitFor(() => expect(attendanceApi.getReportFields).toHaveBeenLastCalledWith('1', '202402', 'employee_no'))
  })
})

describe('importing a file and writing it', () => {
  const CSV = [
    '用户 ID,异常 / 迟到次数,c0ffee02,abd754f7,核对人,考勤开始日期',
    '3fa85f64,2,1.5,,HR,',
    'ax11d,0,,7,HR,',
    'zz0nobody,1,,,HR,',
    `b0b0b0b0,1,,,HR,${MONTH}15`,
    'c1c1c1c1,1,,,HR,19990101',
  ].join('\n')

  async function importFile(csv = CSV) {
    vi.mocked(attendanceApi.listArchiveRules).mockResolvedValue([rules[1]!])
    vi.mocked(attendanceApi.getReportFields).mockResolvedValue(reportFields)
    const app = await open('en-US')
    const { wrapper } = app
    // One rule only: it is chosen by itself.
    const input = await waitFor(() => wrapper.get('[data-test="file"]'))
    Object.defineProperty(input.element, 'files', { value: [new File([csv], 'rnd.csv', { type: 'text/csv' })] })
    await input.trigger('change')
    await waitFor(() => expect(wrapper.get('[data-testid="attendance-check"]').attributes('data-settled')).toBe('true'))
    return app
  }

  it('detects user IDs in the member column, sends the unknown code column and lists the column that matches nothing', async () => {
    const { wrapper } = await importFile()
    expect(wrapper.get('[data-testid="member-type-employee_id"] input').element).toHaveProperty('checked', true)
    expect(wrapper.get('[data-testid="attendance-member-detected"]').text()).toBe('Column “用户 ID” holds User ID values, so this file identifies members by User ID.')
    expect(wrapper.get('[data-testid="attendance-unknown-codes"]').text()).toContain('abd754f7')
    expect(wrapper.get('[data-testid="attendance-ignored"]').text()).toContain('核对人')
    expect(wrapper.get('[data-testid="attendance-ignored"]').text()).not.toContain('abd754f7')
  })

  it('writes the valid members with the month’s dates and only their non-empty values, and reports the rows outside the month', async () => {
    const { wrapper } = await importFile()
    await wrapper.get('[data-test="confirm-mapping"]').trigger('click')
    await waitFor(() => wrapper.get('[data-testid="attendance-prepare"]'))
    await wrapper.get('[data-testid="attendance-prepare"]').trigger('click')
    const plan = await waitFor(() => wrapper.get('[data-testid="attendance-plan"]'))
    expect(plan.text()).toBe('4 members with 3 fields will be written, in 1 Feishu call(s) (at most 50 members and 200 fields each).')
    expect(wrapper.get('[data-testid="attendance-problems"]').text()).toContain(`Row 6 · Start date: 19990101 is not a day of this month (${MONTH}01–`)

    let body: Parameters<typeof jobsApi.createJob>[0] | null = null
    vi.mocked(jobsApi.createJob).mockImplementation(async (b) => { body = b; return job({ status: 'running' }) })
    const rejected: JobRowResult[] = [
      { row: 3, status: 'partial', feishu_code: 0, message: null, field_errors: [{ field: 'abd754f7', code: 'invalid_code', message: 'Feishu does not know the field code' }], input: { row: 3, member_id: 'ax11d', start_time: `${MONTH}01`, end_time: `${MONTH}28`, values: { c0ffee01: '0', abd754f7: '7' } } },
      { row: 4, status: 'failed', feishu_code: null, message: 'invalid_member_id', field_errors: [], input: { row: 4, member_id: 'zz0nobody', start_time: `${MONTH}01`, end_time: `${MONTH}28`, values: { c0ffee01: '1' } } },
    ]
    vi.mocked(jobsApi.getJob).mockImplementation(async (_id, params) => {
      const rows = params?.status ? rejected.filter((r) => r.status === params.status) : rejected
      return { job: job(), rows, next_cursor: null }
    })
    await wrapper.get('[data-testid="attendance-write"]').trigger('click')

    await waitFor(() => expect(body).not.toBeNull())
    const sent = body! as Parameters<typeof jobsApi.createJob>[0]
    expect(sent.kind).toBe('attendance_upload')
    expect(sent.target).toEqual({ type: 'attendance', archive_rule_id: RND, month: MONTH, employee_type: 'employee_id' })
    expect(sent.source).toEqual({ file_name: 'rnd.csv', sheet: 'rnd' })
    const rows = sent.rows as AttendanceRowInput[]
    const last = `${MONTH}${String(new Date(Number(MONTH.slice(0, 4)), Number(MONTH.slice(4)), 0).getDate()).padStart(2, '0')}`
    expect(rows).toEqual([
      { row: 2, member_id: '3fa85f64', start_time: `${MONTH}01`, end_time: last, values: { c0ffee01: '2', c0ffee02: '1.5' } },
      { row: 3, member_id: 'ax11d', start_time: `${MONTH}01`, end_time: last, values: { c0ffee01: '0', abd754f7: '7' } },
      { row: 4, member_id: 'zz0nobody', start_time: `${MONTH}01`, end_time: last, values: { c0ffee01: '1' } },
      { row: 5, member_id: 'b0b0b0b0', start_time: `${MONTH}15`, end_time: last, values: { c0ffee01: '1' } },
    ])

    // The finished job: the rejected member and the unknown field on their cells.
    const table = await waitFor(() => wrapper.get('[data-testid="attendance-result-table"]'))
    const member = table.get('[data-row="4"] td[data-field="member_id"]')
    expect(member.classes()).toContain('is-error')
    expect(member.text()).toContain('Feishu did not recognise this member')
    const unknown = table.get('[data-row="3"] td[data-field="abd754f7"]')
    expect(unknown.classes()).toContain('is-error')
    expect(unknown.text()).toContain('7')
    expect(unknown.text()).toContain('Feishu did not recognise this report field')
    expect(table.get('[data-row="3"] td[data-field="member_id"]').classes()).not.toContain('is-error')
    expect(table.find('[data-row="2"]').exists()).toBe(false)
    // User IDs are not employee numbers: no word about letter case.
    expect(wrapper.find('[data-testid="attendance-rejected-case"]').exists()).toBe(false)
    expect(jobsApi.getJob).toHaveBeenCalledWith('job-att', { status: 'failed', cursor: null, limit: 500 })
    expect(jobsApi.getJob).toHaveBeenCalledWith('job-att', { status: 'partial', cursor: null, limit: 500 })
  })
})

describe('employee numbers Feishu rejects', () => {
  it('says that Feishu matches them letter case included when rejected numbers have lower-case letters', async () => {
    const csv = ['工号,异常 / 迟到次数', 'fs10001,2', 'fs10002,1'].join('\n')
    vi.mocked(attendanceApi.listArchiveRules).mockResolvedValue([rules[1]!])
    vi.mocked(attendanceApi.getReportFields).mockResolvedValue(reportFields)
    const { wrapper } = await open('en-US')
    const input = await waitFor(() => wrapper.get('[data-test="file"]'))
    Object.defineProperty(input.element, 'files', { value: [new File([csv], 'rnd.csv', { type: 'text/csv' })] })
    await input.trigger('change')
    await waitFor(() => expect(wrapper.get('[data-testid="attendance-check"]').attributes('data-settled')).toBe('true'))
    // Lower-case IDs may look like user IDs: the person says they are employee numbers.
    await wrapper.get('[data-testid="member-type-employee_no"] input').setValue(true)
    await waitFor(() => expect(wrapper.get('[data-testid="member-type-employee_no"] input').element).toHaveProperty('checked', true))
    const confirm = wrapper.find('[data-test="confirm-mapping"]')
    if (confirm.exists()) await confirm.trigger('click')
    await (await waitFor(() => wrapper.get('[data-testid="attendance-prepare"]'))).trigger('click')
    await waitFor(() => wrapper.get('[data-testid="attendance-plan"]'))
    vi.mocked(jobsApi.createJob).mockResolvedValue(job({ status: 'running' }))
    const rejected: JobRowResult[] = [2, 3].map((row) => ({ row, status: 'failed', feishu_code: null, message: 'invalid_member_id', field_errors: [], input: { row, member_id: `fs1000${row - 1}`, start_time: `${MONTH}01`, end_time: `${MONTH}28`, values: { c0ffee01: '1' } } }))
    vi.mocked(jobsApi.getJob).mockImplementation(async (_id, params) => ({ job: job(), rows: params?.status ? rejected.filter((r) => r.status === params.status) : rejected, next_cursor: null }))
    await wrapper.get('[data-testid="attendance-write"]').trigger('click')
    const hint = await waitFor(() => wrapper.get('[data-testid="attendance-rejected-case"]'))
    expect(hint.text()).toBe('Feishu matches employee numbers exactly, letter case included. 2 rejected number(s) contain lower-case letters (e.g. fs10001): check how Feishu writes them (often in capitals), correct them and import again.')
  })
})

describe('undoing a finished job', () => {
  it('confirms with the member count and the whole-row warning, then starts the delete job and links to it', async () => {
    vi.mocked(jobsApi.getJob).mockResolvedValue({ job: job({ counts: { total: 300, pending: 0, succeeded: 292, partial: 3, failed: 5, cancelled: 0 } }), rows: [], next_cursor: null })
    vi.mocked(attendanceApi.planUndo).mockResolvedValue({ members: 295 })
    const { wrapper } = await page.open('/jobs/job-att')
    const button = await waitFor(() => wrapper.get('[data-testid="attendance-undo-button"]'))
    expect(attendanceApi.undoJob).not.toHaveBeenCalled()
    await button.trigger('click')
    await waitFor(() => expect(document.body.querySelector('[data-testid="attendance-undo-count"]')).not.toBeNull())
    const confirm = document.body.querySelector('[data-testid="attendance-undo-confirm"]')!
    expect(confirm.textContent).toContain(`Feishu will delete the archive report rows of 295 members in “${RND}”`)
    expect(confirm.textContent).toContain('Feishu deletes a member’s whole row for that month: values this job did not write')
    expect(confirm.textContent).toContain('Feishu offers no way to read them')
    expect(attendanceApi.planUndo).toHaveBeenCalledWith('job-att')

    vi.mocked(attendanceApi.undoJob).mockResolvedValue(job({ id: 'job-del', kind: 'attendance_delete', status: 'queued', counts: { total: 295, pending: 295, succeeded: 0, partial: 0, failed: 0, cancelled: 0 } }))
    ;(document.body.querySelector('[data-testid="attendance-undo-confirm-button"]') as HTMLButtonElement).click()
    const started = await waitFor(() => wrapper.get('[data-testid="attendance-undo-started"]'))
    expect(started.text()).toContain('a job deletes 295 member rows')
    expect(started.get('a').attributes('href')).toBe('/jobs/job-del')
    expect(attendanceApi.undoJob).toHaveBeenCalledWith('job-att')
  })

  it('offers no undo for a job that wrote nothing or is not an archive report upload', async () => {
    vi.mocked(jobsApi.getJob).mockResolvedValue({ job: job({ status: 'failed', counts: { total: 3, pending: 0, succeeded: 0, partial: 0, failed: 3, cancelled: 0 } }), rows: [], next_cursor: null })
    const { wrapper } = await page.open('/jobs/job-att')
    await waitFor(() => wrapper.get('[data-testid="job-progress"]'))
    await flushPromises()
    expect(wrapper.find('[data-testid="attendance-undo"]').exists()).toBe(false)
  })
})

describe('the home page', () => {
  it('links the attendance card to the attendance page when the person may use it', async () => {
    vi.mocked(api.getCapabilities).mockResolvedValue({
      payroll: { available: false, reason: { code: 'no_role', role: 'payroll' } },
      attendance: { available: true, reason: { code: 'ok' } },
    })
    vi.mocked(attendanceApi.listArchiveRules).mockResolvedValue(rules)
    const { wrapper, router } = await page.open('/')
    const link = await waitFor(() => wrapper.get('[data-testid="capability-attendance"] [data-testid="capability-open"]'))
    expect(link.text()).toBe('Open archive reports ›')
    await link.trigger('click')
    await waitFor(() => expect(router.currentRoute.value.path).toBe('/attendance'))
    await waitFor(() => wrapper.get('[data-testid="attendance-rule"]'))
  })
})
