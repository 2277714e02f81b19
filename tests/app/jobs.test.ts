import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { VueWrapper } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import * as api from '../../src/api'
import * as jobsApi from '../../src/api/jobs'
import type { Cursor, JobDetail } from '../../src/api/jobs'
import type { JobProgress, JobRowResult, JobSummary } from '../../src/domain/jobs'
import { useJobsStore } from '../../src/stores/jobs'
import { jobCounts, jobSummary, payrollOnly, wangfang } from './fixtures'
import { expectNoUnexpectedCalls, JOB_CALLS, resetLoud } from './loud-fakes'
import { waitFor } from './mount-app'
import { usePageHarness } from './page-harness'

// src/api/jobs with every HTTP call failing loudly unless a test answers it; openJobEvents stays
// real and talks to the fake EventSource below.
type JobCall = (typeof JOB_CALLS)[number]

vi.mock('../../src/api', async (importOriginal) => (await import('./fake-api')).fakeApiModule(await importOriginal()))
vi.mock('../../src/api/jobs', async (importOriginal) => { const f = await import('./loud-fakes'); return f.loudModule(await importOriginal<object>(), f.JOB_CALLS) })
// The jobs page shows the Feishu-messages switch (tests/app/notify-setting.test.ts); here it is simply on.
vi.mock('../../src/api/notify', () => ({ getNotifySettings: async () => ({ enabled: true }), putNotifySettings: async (s: unknown) => s }))

/** EventSource as the browser gives it, driven by the test. */
class FakeEventSource {
  static instances: FakeEventSource[] = []
  readonly url: string
  readonly withCredentials: boolean
  closed = false
  private readonly listeners = new Map<string, Set<(event: MessageEvent) => void>>()

  constructor(url: string | URL, init?: EventSourceInit) {
    this.url = String(url)
    this.withCredentials = init?.withCredentials ?? false
    FakeEventSource.instances.push(this)
  }

  addEventListener(type: string, listener: (event: MessageEvent) => void) {
    if (!this.listeners.has(type)) this.listeners.set(type, new Set())
    this.listeners.get(type)!.add(listener)
  }

  removeEventListener(type: string, listener: (event: MessageEvent) => void) {
    this.listeners.get(type)?.delete(listener)
  }

  close() {
    this.closed = true
  }

  emit(type: string, data = '') {
    for (const listener of this.listeners.get(type) ?? []) listener(new MessageEvent(type, { data }))
  }

  open() {
    this.emit('open')
  }

  progress(progress: JobProgress) {
    this.emit('progress', JSON.stringify(progress))
  }

  /** The connection drops (or the server answered an error status). */
  drop() {
    this.emit('error')
  }

  static latest(): FakeEventSource {
    const source = FakeEventSource.instances.at(-1)
    if (!source) throw new Error('no EventSource was opened')
    return source
  }

  static open(): FakeEventSource[] {
    return FakeEventSource.instances.filter((s) => !s.closed)
  }
}

// ---- fixtures -------------------------------------------------------------------------------

const T0 = Date.UTC(2025, 5, 30, 1, 0, 0)

function summary(overrides: Partial<JobSummary> = {}): JobSummary {
  return jobSummary({
    status: 'running', counts: jobCounts({ pending: 150, succeeded: 48, failed: 2 }), affect_count: 48, calls: 2,
    source: { file_name: 'june-bonus.xlsx', sheet: 'Sheet1' }, created_at: T0, updated_at: T0 + 60_000, started_at: T0 + 1_000,
    ...overrides,
  })
}

function progress(overrides: Partial<JobProgress> = {}): JobProgress {
  return {
    id: 'job-1',
    status: 'running',
    pause_reason: null,
    counts: { total: 200, pending: 100, succeeded: 95, partial: 1, failed: 4, cancelled: 0 },
    calls_per_second: 2.5,
    rows_per_second: 125,
    eta_seconds: 200,
    ...overrides,
  }
}

function row(n: number, overrides: Partial<JobRowResult> = {}): JobRowResult {
  return {
    row: n,
    status: 'succeeded',
    feishu_code: null,
    message: null,
    field_errors: [],
    input: { row: n, employment_id: `e${n}`, values: { bonus__c: '100' } },
    ...overrides,
  }
}

const noPermission = row(7, { status: 'failed', feishu_code: 2500014, message: 'records0 lark data auth' })
const unknownField = row(9, {
  status: 'partial',
  field_errors: [{ field: 'late_minutes', code: 'invalid_code', message: 'invalid_code' }],
})

function detail(job: JobSummary = summary(), rows: JobRowResult[] = [row(1), noPermission, row(8)], next: Cursor | null = null): JobDetail {
  return { job, rows, next_cursor: next }
}

const fake = {
  listJobs: vi.mocked(jobsApi.listJobs),
  getJob: vi.mocked(jobsApi.getJob),
  createJob: vi.mocked(jobsApi.createJob),
  cancelJob: vi.mocked(jobsApi.cancelJob),
  pauseJob: vi.mocked(jobsApi.pauseJob),
  resumeJob: vi.mocked(jobsApi.resumeJob),
} satisfies Record<JobCall, unknown>

beforeEach(() => {
  resetLoud(jobsApi, JOB_CALLS)
  FakeEventSource.instances = []
  vi.stubGlobal('EventSource', FakeEventSource)
})

afterEach(() => {
  vi.useRealTimers()
  vi.unstubAllGlobals()
  expectNoUnexpectedCalls()
})

// ---- the store ------------------------------------------------------------------------------

describe('the jobs store', () => {
  beforeEach(() => setActivePinia(createPinia()))

  it('opens a job with its first rows page, then follows the progress stream of that job', async () => {
    fake.getJob.mockResolvedValueOnce(detail())
    const jobs = useJobsStore()

    await jobs.openJob('job-1')

    expect(jobsApi.getJob).toHaveBeenCalledWith('job-1', { status: null, cursor: null, limit: 50 })
    expect(jobs.job.data?.counts.succeeded).toBe(48)
    expect(jobs.rows.data?.map((r) => r.row)).toEqual([1, 7, 8])
    const source = FakeEventSource.latest()
    expect(source.url).toBe('/api/jobs/job-1/events')
    expect(jobs.stream).toBe('connecting')

    source.open()
    source.progress(progress())
    expect(jobs.stream).toBe('live')
    expect(jobs.job.data?.counts).toEqual(progress().counts)
    expect(jobs.rates).toEqual({ calls_per_second: 2.5, rows_per_second: 125, eta_seconds: 200 })
    expect(jobs.job.data?.source?.file_name).toBe('june-bonus.xlsx') // the rest of the summary is kept
  })

  it('when the stream drops, waits, fetches the summary again and then listens again, waiting longer after each failure', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
    fake.getJob
      .mockResolvedValueOnce(detail())
      .mockRejectedValueOnce(new api.ApiError(0, 'network_error', 'Network Error'))
      .mockResolvedValueOnce(detail(summary({ counts: { total: 200, pending: 20, succeeded: 175, partial: 1, failed: 4, cancelled: 0 } })))
    const jobs = useJobsStore()
    await jobs.openJob('job-1')
    FakeEventSource.latest().open()

    FakeEventSource.latest().drop()
    expect(FakeEventSource.latest().closed).toBe(true)
    expect(jobs.stream).toBe('reconnecting')
    await vi.advanceTimersByTimeAsync(999)
    expect(jobsApi.getJob).toHaveBeenCalledTimes(1)

    await vi.advanceTimersByTimeAsync(1) // 1 s: the summary fetch fails (network) — try again after 2 s
    expect(jobsApi.getJob).toHaveBeenCalledTimes(2)
    expect(FakeEventSource.instances).toHaveLength(1)
    await vi.advanceTimersByTimeAsync(1_999)
    expect(jobsApi.getJob).toHaveBeenCalledTimes(2)

    await vi.advanceTimersByTimeAsync(1)
    expect(jobsApi.getJob).toHaveBeenCalledTimes(3)
    expect(jobs.job.data?.counts.succeeded).toBe(175) // what happened while the stream was down
    expect(FakeEventSource.instances).toHaveLength(2)
    expect(FakeEventSource.open()).toHaveLength(1)
    FakeEventSource.latest().open()
    expect(jobs.stream).toBe('live')
  })

  it('does not listen again when the fetched summary says the job finished while the stream was down', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
    fake.getJob
      .mockResolvedValueOnce(detail())
      .mockResolvedValueOnce(detail(summary({ status: 'succeeded', finished_at: T0 + 300_000, counts: { total: 200, pending: 0, succeeded: 200, partial: 0, failed: 0, cancelled: 0 } })))
    const jobs = useJobsStore()
    await jobs.openJob('job-1')
    FakeEventSource.latest().progress(progress())

    FakeEventSource.latest().drop()
    await vi.advanceTimersByTimeAsync(1_000)

    expect(jobs.job.data?.status).toBe('succeeded')
    expect(jobs.stream).toBe('ended')
    expect(jobs.rates).toBeNull()
    expect(FakeEventSource.instances).toHaveLength(1)
    await vi.advanceTimersByTimeAsync(60_000)
    expect(jobsApi.getJob).toHaveBeenCalledTimes(2)
  })

  it('on the end event closes the stream and loads the final rows', async () => {
    fake.getJob
      .mockResolvedValueOnce(detail())
      .mockResolvedValueOnce(detail(summary({ status: 'finished_with_errors', finished_at: T0 + 300_000 }), [row(1), noPermission, unknownField]))
    const jobs = useJobsStore()
    await jobs.openJob('job-1')
    const source = FakeEventSource.latest()

    source.progress(progress({ status: 'finished_with_errors', eta_seconds: null }))
    source.emit('end')

    expect(source.closed).toBe(true)
    expect(jobs.stream).toBe('ended')
    await vi.waitFor(() => expect(jobs.rows.data?.map((r) => r.row)).toEqual([1, 7, 9]))
    expect(jobs.job.data?.finished_at).toBe(T0 + 300_000)
    expect(FakeEventSource.instances).toHaveLength(1)
  })

  it('asks only for rows in the chosen state, from the first page, and pages with the server’s cursor (even 0)', async () => {
    fake.getJob
      .mockResolvedValueOnce(detail(summary(), [row(1)], 'c-all-2'))
      .mockResolvedValueOnce(detail(summary(), [noPermission], 0))
      .mockResolvedValueOnce(detail(summary(), [row(60, { status: 'failed', feishu_code: 2500015 })], null))
      .mockResolvedValueOnce(detail(summary(), [noPermission], 0))
    const jobs = useJobsStore()
    await jobs.openJob('job-1')

    await jobs.setRowFilter('failed')
    expect(jobsApi.getJob).toHaveBeenLastCalledWith('job-1', { status: 'failed', cursor: null, limit: 50 })
    expect(jobs.rows.data?.map((r) => r.row)).toEqual([7])

    await jobs.nextRowsPage()
    expect(jobsApi.getJob).toHaveBeenLastCalledWith('job-1', { status: 'failed', cursor: 0, limit: 50 })
    expect(jobs.rowsPage).toBe(2)
    expect(jobs.rowsNextCursor).toBeNull()

    await jobs.previousRowsPage()
    expect(jobsApi.getJob).toHaveBeenLastCalledWith('job-1', { status: 'failed', cursor: null, limit: 50 })
    expect(jobs.rowsPage).toBe(1)
  })

  it('keeps the rows of the newest filter when an older answer arrives late', async () => {
    let answerPartial: (value: JobDetail) => void = () => {}
    fake.getJob
      .mockResolvedValueOnce(detail())
      .mockImplementationOnce(() => new Promise((resolve) => (answerPartial = resolve)))
      .mockResolvedValueOnce(detail(summary(), [noPermission]))
    const jobs = useJobsStore()
    await jobs.openJob('job-1')

    const slow = jobs.setRowFilter('partial')
    await jobs.setRowFilter('failed')
    answerPartial(detail(summary(), [unknownField]))
    await slow

    expect(jobs.rowFilter).toBe('failed')
    expect(jobs.rows.data?.map((r) => r.row)).toEqual([7])
  })

  it('pauses, resumes and cancels through the API and shows the status each answer carries', async () => {
    fake.getJob
      .mockResolvedValueOnce(detail())
      .mockResolvedValueOnce(detail(summary({ status: 'cancelled', counts: { total: 200, pending: 0, succeeded: 48, partial: 0, failed: 2, cancelled: 150 } })))
    fake.pauseJob.mockResolvedValueOnce(summary({ status: 'paused', pause_reason: 'by_owner' }))
    fake.resumeJob.mockResolvedValueOnce(summary({ status: 'running' }))
    fake.cancelJob.mockResolvedValueOnce(summary({ status: 'cancelled' }))
    const jobs = useJobsStore()
    await jobs.openJob('job-1')

    expect(await jobs.pause()).toBe(true)
    expect(jobsApi.pauseJob).toHaveBeenCalledWith('job-1')
    expect(jobs.job.data).toMatchObject({ status: 'paused', pause_reason: 'by_owner' })

    expect(await jobs.resume()).toBe(true)
    expect(jobsApi.resumeJob).toHaveBeenCalledWith('job-1')
    expect(jobs.job.data?.status).toBe('running')

    expect(await jobs.cancel()).toBe(true)
    expect(jobsApi.cancelJob).toHaveBeenCalledWith('job-1')
    expect(jobs.job.data?.status).toBe('cancelled')
    expect(jobs.stream).toBe('ended')
    expect(FakeEventSource.latest().closed).toBe(true)
    expect(jobs.job.data?.counts.cancelled).toBe(150) // the rows as the cancel left them
  })

  it('keeps the status and reports the error when pausing fails', async () => {
    fake.getJob.mockResolvedValueOnce(detail())
    fake.pauseJob.mockRejectedValueOnce(new api.ApiError(409, 'job_final', 'The job has finished'))
    const jobs = useJobsStore()
    await jobs.openJob('job-1')

    expect(await jobs.pause()).toBe(false)
    expect(jobs.job.data?.status).toBe('running')
    expect(jobs.action.error).toMatchObject({ code: 'job_final' })
    expect(jobs.pendingAction).toBeNull()
  })

  it('marks an unknown job (or someone else’s) as not found and opens no stream', async () => {
    fake.getJob.mockRejectedValueOnce(new api.ApiError(404, 'not_found', 'No such job'))
    const jobs = useJobsStore()

    await jobs.openJob('job-x')

    expect(jobs.notFound).toBe(true)
    expect(jobs.job.data).toBeNull()
    expect(FakeEventSource.instances).toHaveLength(0)
  })

  it('ignores events of a job that was left', async () => {
    fake.getJob.mockResolvedValueOnce(detail())
    const jobs = useJobsStore()
    await jobs.openJob('job-1')
    const source = FakeEventSource.latest()

    jobs.closeJob()
    source.progress(progress())

    expect(source.closed).toBe(true)
    expect(jobs.job.data?.counts.succeeded).toBe(48)
    expect(jobs.stream).toBe('closed')
  })

  it('pages the history: the newest page first, then older pages appended with the cursor, until there is none', async () => {
    const a = summary({ id: 'job-3' })
    const b = summary({ id: 'job-2' })
    const c = summary({ id: 'job-1' })
    fake.listJobs.mockResolvedValueOnce({ jobs: [a, b], next_cursor: 'older' }).mockResolvedValueOnce({ jobs: [c], next_cursor: null })
    const jobs = useJobsStore()

    await jobs.loadHistory()
    expect(jobsApi.listJobs).toHaveBeenLastCalledWith({ cursor: null, limit: 20 })
    expect(jobs.history.data?.map((j) => j.id)).toEqual(['job-3', 'job-2'])

    await jobs.loadHistory({ more: true })
    expect(jobsApi.listJobs).toHaveBeenLastCalledWith({ cursor: 'older', limit: 20 })
    expect(jobs.history.data?.map((j) => j.id)).toEqual(['job-3', 'job-2', 'job-1'])
    expect(jobs.historyNextCursor).toBeNull()

    await jobs.loadHistory({ more: true })
    expect(jobsApi.listJobs).toHaveBeenCalledTimes(2)
  })
})

// ---- the pages ------------------------------------------------------------------------------

describe('the job pages', () => {
  const page = usePageHarness({ me: wangfang })
  const open = (path: string, locale: 'en-US' | 'zh-CN' = 'en-US') => page.open(path, locale)

  async function openJobPage(locale: 'en-US' | 'zh-CN' = 'en-US') {
    const app = await open('/jobs/job-1', locale)
    await waitFor(() => expect(app.wrapper.find('[data-testid="job-progress"]').exists()).toBe(true))
    return app
  }

  function button(wrapper: VueWrapper, testid: string) {
    return wrapper.get(`[data-testid="${testid}"]`)
  }

  it('moves the bar, counts, rates and time left with each progress event', async () => {
    fake.getJob.mockResolvedValueOnce(detail())
    const { wrapper } = await openJobPage()

    const bar = wrapper.get('[data-testid="job-progress-bar"]')
    expect(bar.attributes('aria-valuenow')).toBe('25')
    expect(wrapper.get('[data-testid="job-count-succeeded"]').text()).toContain('48')
    expect(wrapper.get('[data-testid="job-eta"]').text()).toContain('Working it out…')
    expect(wrapper.get('[data-testid="job-target"]').text()).toBe('Datasource bonus__c · period 2025-06')

    FakeEventSource.latest().open()
    FakeEventSource.latest().progress(progress())
    await waitFor(() => expect(wrapper.get('[data-testid="job-progress-bar"]').attributes('aria-valuenow')).toBe('50'))
    expect(wrapper.get('[data-testid="job-progress-percent"]').text()).toBe('50% done')
    expect(wrapper.get('[data-testid="job-count-succeeded"]').text()).toContain('95')
    expect(wrapper.get('[data-testid="job-count-failed"]').text()).toContain('4')
    expect(wrapper.get('[data-testid="job-count-pending"]').text()).toContain('100')
    expect(wrapper.get('[data-testid="job-calls-rate"]').text()).toContain('2.5')
    expect(wrapper.get('[data-testid="job-rows-rate"]').text()).toContain('125')
    expect(wrapper.get('[data-testid="job-eta"]').text()).toContain('about 3 min 20 s')
    expect(wrapper.find('[data-testid="job-live"]').exists()).toBe(true)
  })

  it('pauses and resumes from the buttons, saying why it is paused', async () => {
    fake.getJob.mockResolvedValueOnce(detail())
    fake.pauseJob.mockResolvedValueOnce(summary({ status: 'paused', pause_reason: 'by_owner' }))
    fake.resumeJob.mockResolvedValueOnce(summary({ status: 'running' }))
    const { wrapper } = await openJobPage()
    expect(wrapper.find('[data-testid="job-resume"]').exists()).toBe(false)

    await button(wrapper, 'job-pause').trigger('click')
    await waitFor(() => expect(wrapper.get('[data-testid="job-status"]').text()).toBe('Paused'))
    expect(jobsApi.pauseJob).toHaveBeenCalledWith('job-1')
    expect(wrapper.get('[data-testid="job-pause-reason"]').text()).toBe('You paused it.')
    expect(wrapper.get('[data-testid="job-eta"]').text()).toContain('Paused')

    await button(wrapper, 'job-resume').trigger('click')
    await waitFor(() => expect(wrapper.get('[data-testid="job-status"]').text()).toBe('Writing'))
    expect(jobsApi.resumeJob).toHaveBeenCalledWith('job-1')
    expect(wrapper.find('[data-testid="job-pause"]').exists()).toBe(true)
  })

  it('asks before cancelling: keeping it going calls nothing, confirming cancels and disables the buttons', async () => {
    fake.getJob
      .mockResolvedValueOnce(detail())
      .mockResolvedValueOnce(detail(summary({ status: 'cancelled', counts: { total: 200, pending: 0, succeeded: 48, partial: 0, failed: 2, cancelled: 150 } })))
    fake.cancelJob.mockResolvedValueOnce(summary({ status: 'cancelled' }))
    const { wrapper } = await openJobPage()

    await button(wrapper, 'job-cancel').trigger('click')
    await waitFor(() => expect(document.body.querySelector('[data-testid="cancel-confirm"]')).not.toBeNull())
    expect(document.body.textContent).toContain('Cancel this job?')
    ;(document.body.querySelector('[data-testid="cancel-keep"]') as HTMLElement).click()
    expect(jobsApi.cancelJob).not.toHaveBeenCalled()

    await button(wrapper, 'job-cancel').trigger('click')
    await waitFor(() => expect(document.body.querySelector('[data-testid="cancel-confirm-button"]')).not.toBeNull())
    ;(document.body.querySelector('[data-testid="cancel-confirm-button"]') as HTMLElement).click()
    await waitFor(() => expect(wrapper.get('[data-testid="job-status"]').text()).toBe('Cancelled'))
    expect(jobsApi.cancelJob).toHaveBeenCalledTimes(1)
    await waitFor(() => expect(wrapper.get('[data-testid="job-count-cancelled"]').text()).toContain('150'))
    expect(button(wrapper, 'job-cancel').attributes('disabled')).toBeDefined()
    expect(button(wrapper, 'job-pause').attributes('disabled')).toBeDefined()
  })

  it('filters the rows by state and explains a failed row in plain words with the fix', async () => {
    fake.getJob
      .mockResolvedValueOnce(detail())
      .mockResolvedValueOnce(detail(summary(), [noPermission]))
      .mockResolvedValueOnce(detail(summary(), [unknownField]))
    const { wrapper } = await openJobPage()
    expect(wrapper.findAll('[data-testid="rows-table"] [data-testid="job-row"]')).toHaveLength(3)

    await button(wrapper, 'row-filter-failed').trigger('click')
    await waitFor(() => expect(wrapper.findAll('[data-testid="rows-table"] [data-testid="job-row"]')).toHaveLength(1))
    expect(jobsApi.getJob).toHaveBeenLastCalledWith('job-1', { status: 'failed', cursor: null, limit: 50 })
    expect(button(wrapper, 'row-filter-failed').attributes('aria-pressed')).toBe('true')
    const failed = wrapper.get('[data-testid="rows-table"] [data-testid="job-row"]')
    expect(failed.text()).toContain('2500014')
    expect(failed.text()).toContain('You have no data permission for this employee')
    expect(failed.text()).toContain('外部数据源 - 数据明细')
    expect(failed.text()).toContain('Feishu: records0 lark data auth')

    await button(wrapper, 'row-filter-partial').trigger('click')
    await waitFor(() => expect(wrapper.get('[data-testid="rows-table"] [data-testid="job-row"]').attributes('data-row')).toBe('9'))
    expect(jobsApi.getJob).toHaveBeenLastCalledWith('job-1', { status: 'partial', cursor: null, limit: 50 })
    expect(wrapper.get('[data-testid="row-field-errors"]').text()).toContain(
      'late_minutes: Feishu did not recognise this report field, so its value was not written',
    )
  })

  it('lists the failed rows first on the phone cards', async () => {
    fake.getJob.mockResolvedValueOnce(detail(summary(), [row(1), row(2), unknownField, noPermission]))
    const { wrapper } = await openJobPage()

    const cards = wrapper.findAll('[data-testid="job-row-card"]').map((c) => c.attributes('data-row'))
    expect(cards).toEqual(['7', '9', '1', '2'])
    const table = wrapper.findAll('[data-testid="job-row"]').map((r) => r.attributes('data-row'))
    expect(table).toEqual(['1', '2', '9', '7'])
  })

  it('says in Chinese what the job is, its state and why a row failed', async () => {
    fake.getJob.mockResolvedValueOnce(detail(summary({ status: 'paused', pause_reason: 'feishu_unavailable' })))
    const { wrapper } = await openJobPage('zh-CN')

    expect(wrapper.get('[data-testid="job-kind"]').text()).toBe('写入外部算薪数据')
    expect(wrapper.get('[data-testid="job-status"]').text()).toBe('已暂停')
    expect(wrapper.get('[data-testid="job-pause-reason"]').text()).toContain('暂时无法连接飞书')
    expect(wrapper.get('[data-testid="job-row"][data-row="7"]').text()).toContain('你没有此员工的数据权限')
    expect(wrapper.get('[data-testid="job-resume"]').text()).toBe('继续')
  })

  it('says why a draft was cancelled when the rest of its file never arrived', async () => {
    const abandoned = summary({
      status: 'cancelled', started_at: null, finished_at: T0 + 86_400_000, affect_count: 0, calls: 0,
      error: { code: 'upload_abandoned', feishu_code: null, message: 'upload_abandoned' },
      counts: { total: 200, pending: 0, succeeded: 0, partial: 0, failed: 0, cancelled: 200 },
    })
    fake.getJob.mockResolvedValueOnce(detail(abandoned, []))
    const { wrapper } = await open('/jobs/job-1', 'zh-CN')
    await waitFor(() => expect(wrapper.find('[data-testid="job-error"]').exists()).toBe(true))
    expect(wrapper.get('[data-testid="job-error"]').text()).toContain('文件的数据没有传完，任务已取消，没有写入任何数据')
    expect(wrapper.get('[data-testid="job-error"]').text()).toContain('请重新导入这个文件')
    expect(FakeEventSource.instances).toHaveLength(0)
  })

  it('shows a clear not-found state for a job that is unknown or someone else’s', async () => {
    fake.getJob.mockRejectedValueOnce(new api.ApiError(404, 'not_found', 'No such job'))
    const { wrapper } = await open('/jobs/job-of-someone-else')

    await waitFor(() => expect(wrapper.find('[data-testid="job-not-found"]').exists()).toBe(true))
    expect(wrapper.get('[data-testid="job-not-found"]').text()).toContain('Job not found')
    expect(wrapper.get('[data-testid="job-not-found"]').text()).toContain('job-of-someone-else')
    expect(FakeEventSource.instances).toHaveLength(0)
  })

  it('after a reload follows the job again, and says so when the live progress drops', async () => {
    fake.getJob.mockResolvedValueOnce(detail(summary({ counts: { total: 200, pending: 40, succeeded: 156, partial: 0, failed: 4, cancelled: 0 } })))
    const { wrapper } = await openJobPage()

    expect(wrapper.get('[data-testid="job-count-succeeded"]').text()).toContain('156')
    expect(FakeEventSource.open()).toHaveLength(1)
    FakeEventSource.latest().drop()
    await waitFor(() => expect(wrapper.find('[data-testid="job-reconnecting"]').exists()).toBe(true))
    expect(wrapper.get('[data-testid="job-reconnecting"]').text()).toContain('Reconnecting')
  })

  it('closes the stream when the person leaves the job page', async () => {
    fake.getJob.mockResolvedValueOnce(detail())
    fake.listJobs.mockResolvedValueOnce({ jobs: [summary()], next_cursor: null })
    const { wrapper, router } = await openJobPage()

    await wrapper.get('[data-testid="job-back"]').trigger('click')
    await waitFor(() => expect(router.currentRoute.value.name).toBe('jobs'))
    expect(FakeEventSource.open()).toHaveLength(0)
  })

  it('lists the person’s jobs newest first, shows older ones on request and opens a job on click', async () => {
    const newest = summary({ id: 'job-9', kind: 'attendance_upload', status: 'finished_with_errors', target: { type: 'attendance', archive_rule_id: '7341290237441605652', month: '202506', employee_type: 'employee_id' } })
    fake.listJobs
      .mockResolvedValueOnce({ jobs: [newest, summary({ id: 'job-8', status: 'succeeded' })], next_cursor: 'older' })
      .mockResolvedValueOnce({ jobs: [summary({ id: 'job-1' })], next_cursor: null })
    fake.getJob.mockResolvedValueOnce(detail(newest))
    const { wrapper, router } = await open('/jobs')

    await waitFor(() => expect(wrapper.findAll('[data-testid="history-item"]')).toHaveLength(2))
    const first = wrapper.findAll('[data-testid="history-item"]')[0]!
    expect(first.text()).toContain('Write archive report')
    expect(first.text()).toContain('Done with errors')
    expect(first.text()).toContain('Archive rule 7341290237441605652 · month 202506')
    expect(first.text()).toContain('50 of 200 rows done')
    expect(first.text()).toContain('2 failed')

    await wrapper.get('[data-testid="history-more"]').trigger('click')
    await waitFor(() => expect(wrapper.findAll('[data-testid="history-item"]')).toHaveLength(3))
    expect(wrapper.findAll('[data-testid="history-item"]').map((i) => i.attributes('data-id'))).toEqual(['job-9', 'job-8', 'job-1'])
    expect(wrapper.find('[data-testid="history-more"]').exists()).toBe(false)

    await wrapper.findAll('[data-testid="history-item"]')[0]!.trigger('click')
    await waitFor(() => expect(router.currentRoute.value.fullPath).toBe('/jobs/job-9'))
    await waitFor(() => expect(wrapper.find('[data-testid="job-progress"]').exists()).toBe(true))
  })

  it('says when there are no jobs yet', async () => {
    fake.listJobs.mockResolvedValueOnce({ jobs: [], next_cursor: null })
    const { wrapper } = await open('/jobs', 'zh-CN')

    await waitFor(() => expect(wrapper.find('[data-testid="history-empty"]').exists()).toBe(true))
    expect(wrapper.get('[data-testid="history-empty"]').text()).toContain('还没有任务')
  })

  it('links to My jobs from the header and the home page', async () => {
    vi.mocked(api.getCapabilities).mockResolvedValue(payrollOnly)
    fake.listJobs.mockResolvedValue({ jobs: [], next_cursor: null })
    const { wrapper, router } = await open('/', 'zh-CN')
    await waitFor(() => expect(wrapper.find('[data-testid="home-jobs-link"]').exists()).toBe(true))

    expect(wrapper.get('[data-testid="layout-jobs"]').text()).toBe('我的任务')
    await wrapper.get('[data-testid="home-jobs-link"]').trigger('click')
    await waitFor(() => expect(router.currentRoute.value.name).toBe('jobs'))
    await router.push('/')
    await wrapper.get('[data-testid="layout-jobs"]').trigger('click')
    await waitFor(() => expect(router.currentRoute.value.name).toBe('jobs'))
  })
})
