import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { ApiError, http } from '../../src/api'
import { cancelJob, createJob, getJob, listJobs, openJobEvents, pauseJob, resumeJob } from '../../src/api/jobs'
import { MAX_ROWS_PER_PART, rowsPerPart } from '../../src/domain/jobs'
import type { JobProgress, JobSummary } from '../../src/domain/jobs'
import { fakeServer } from './fake-server'
import { jobCounts, jobSummary } from './fixtures'

const originalAdapter = http.defaults.adapter

const job: JobSummary = jobSummary({ id: 'job/1', status: 'running', counts: jobCounts({ pending: 2 }) })

class FakeEventSource {
  static instances: FakeEventSource[] = []
  readonly url: string
  readonly init: EventSourceInit | undefined
  closed = false
  private readonly listeners = new Map<string, ((event: MessageEvent) => void)[]>()
  constructor(url: string | URL, init?: EventSourceInit) {
    this.url = String(url)
    this.init = init
    FakeEventSource.instances.push(this)
  }
  addEventListener(type: string, listener: (event: MessageEvent) => void) {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), listener])
  }
  close() {
    this.closed = true
  }
  emit(type: string, data = '') {
    for (const listener of this.listeners.get(type) ?? []) listener(new MessageEvent(type, { data }))
  }
}

beforeEach(() => {
  FakeEventSource.instances = []
  vi.stubGlobal('EventSource', FakeEventSource)
})

afterEach(() => {
  http.defaults.adapter = originalAdapter
  vi.unstubAllGlobals()
})

describe('the jobs API client', () => {
  it('lists and reads jobs with only the query parameters given, and an encoded id', async () => {
    const server = fakeServer({
      'GET /api/jobs': [
        { status: 200, body: { jobs: [job], next_cursor: 'c2' } },
        { status: 200, body: { jobs: [], next_cursor: null } },
      ],
      'GET /api/jobs/job%2F1': [
        { status: 200, body: { job, rows: [], next_cursor: null } },
        { status: 200, body: { job, rows: [], next_cursor: null } },
      ],
    })
    http.defaults.adapter = server.adapter

    expect(await listJobs()).toEqual({ jobs: [job], next_cursor: 'c2' })
    await listJobs({ cursor: 'c2', limit: 20 })
    expect(await getJob('job/1', { status: 'failed', cursor: null, limit: 50 })).toEqual({ job, rows: [], next_cursor: null })
    await getJob('job/1')

    expect(server.requests.map((r) => r.params)).toEqual([{}, { cursor: 'c2', limit: 20 }, { status: 'failed', limit: 50 }, {}])
    expect(server.unexpected).toEqual([])
  })

  it('posts pause, resume, cancel and create as XHRs and returns the job they answer', async () => {
    const server = fakeServer({
      'POST /api/jobs/job%2F1/pause': [{ status: 200, body: { job: { ...job, status: 'paused' } } }],
      'POST /api/jobs/job%2F1/resume': [{ status: 200, body: { job } }],
      'POST /api/jobs/job%2F1/cancel': [{ status: 200, body: { job: { ...job, status: 'cancelled' } } }],
      'POST /api/jobs': [{ status: 201, body: { job } }],
    })
    http.defaults.adapter = server.adapter

    expect((await pauseJob('job/1')).status).toBe('paused')
    expect((await resumeJob('job/1')).status).toBe('running')
    expect((await cancelJob('job/1')).status).toBe('cancelled')
    const body = {
      idempotency_key: 'k1',
      kind: 'payroll_save' as const,
      target: job.target,
      rows: [{ row: 2, employment_id: 'e1', values: { bonus__c: '100' } }],
    }
    expect(await createJob(body)).toEqual(job)

    for (const request of server.requests) expect(request.headers.get('X-Requested-With')).toBe('XMLHttpRequest')
    expect(JSON.parse(String(server.requests[3]!.data))).toEqual(body)
  })

  it('sends a large import in parts: a draft with the first part, the next parts at their offsets, then start', async () => {
    const rows = Array.from({ length: MAX_ROWS_PER_PART * 2 + 7 }, (_, i) => ({ row: i + 2, employment_id: `e${i}`, values: { bonus__c: '1' } }))
    const n = rows.length
    const JOB_ROWS_PER_REQUEST = rowsPerPart(rows)
    expect(JOB_ROWS_PER_REQUEST).toBe(MAX_ROWS_PER_PART) // narrow rows: the most rows a part takes
    const body = { idempotency_key: 'import-big-0001', kind: 'payroll_save' as const, target: { type: 'payroll' as const, source_code: 'bonus__c', payroll_period: '2025-06' }, rows }
    const draft = { ...job, id: 'big', status: 'draft' as const, counts: { ...job.counts, total: JOB_ROWS_PER_REQUEST } }
    const server = fakeServer({
      'POST /api/jobs': [{ status: 201, body: { job: draft } }],
      'POST /api/jobs/big/rows': [{ status: 200, body: { job: draft } }, { status: 200, body: { job: draft } }],
      'POST /api/jobs/big/start': [{ status: 200, body: { job: { ...draft, status: 'queued' } } }],
    })
    http.defaults.adapter = server.adapter
    expect((await createJob(body)).status).toBe('queued')
    expect(server.unexpected).toEqual([])
    const sent = server.requests.map((r) => (r.data ? JSON.parse(String(r.data)) : null))
    expect(sent[0]).toMatchObject({ draft: true, idempotency_key: 'import-big-0001' })
    expect(sent[0].rows).toHaveLength(JOB_ROWS_PER_REQUEST)
    expect([sent[1].offset, sent[1].rows.length, sent[2].offset, sent[2].rows.length]).toEqual([JOB_ROWS_PER_REQUEST, JOB_ROWS_PER_REQUEST, JOB_ROWS_PER_REQUEST * 2, 7])
    expect(sent[2].rows[6]).toEqual(rows[n - 1])
  })

  it('sends wide rows in smaller parts, each about 512 KB of JSON', () => {
    const wide = Array.from({ length: 3000 }, (_, i) => ({ row: i, member_id: `m${i}`, start_time: '20240101', end_time: '20240131', values: Object.fromEntries(Array.from({ length: 200 }, (_, k) => [`field_code_${k}`, String(k)])) }))
    const per = rowsPerPart(wide)
    expect(per).toBeLessThan(MAX_ROWS_PER_PART)
    expect(JSON.stringify(wide.slice(0, per)).length).toBeLessThanOrEqual(600 * 1024)
  })

  it('turns a 404 for someone else’s job into an ApiError with status 404', async () => {
    http.defaults.adapter = fakeServer({
      'GET /api/jobs/other': [{ status: 404, body: { error: { code: 'not_found', message: 'No such job' } } }],
    }).adapter
    const error = await getJob('other').catch((err: unknown) => err)
    expect(error).toBeInstanceOf(ApiError)
    expect(error).toMatchObject({ status: 404, code: 'not_found' })
  })
})

describe('the progress stream', () => {
  const progress: JobProgress = {
    id: 'job/1',
    status: 'running',
    pause_reason: null,
    counts: job.counts,
    calls_per_second: 1,
    rows_per_second: 50,
    eta_seconds: 10,
  }

  it('opens the events URL of the job and hands over each progress event parsed', () => {
    const onProgress = vi.fn()
    const onOpen = vi.fn()
    openJobEvents('job/1', { onOpen, onProgress, onEnd: vi.fn(), onError: vi.fn() })
    const source = FakeEventSource.instances[0]!

    expect(source.url).toBe('/api/jobs/job%2F1/events')
    expect(source.init).toEqual({ withCredentials: true })
    source.emit('open')
    source.emit('progress', JSON.stringify(progress))
    source.emit('progress', '{not json')
    expect(onOpen).toHaveBeenCalledTimes(1)
    expect(onProgress).toHaveBeenCalledTimes(1)
    expect(onProgress).toHaveBeenCalledWith(progress)
  })

  it('closes on end, and on an error reports it once and closes so the caller decides when to reconnect', () => {
    const first = { onProgress: vi.fn(), onEnd: vi.fn(), onError: vi.fn() }
    openJobEvents('a', first)
    FakeEventSource.instances[0]!.emit('end')
    FakeEventSource.instances[0]!.emit('error')
    expect(FakeEventSource.instances[0]!.closed).toBe(true)
    expect(first.onEnd).toHaveBeenCalledTimes(1)
    expect(first.onError).not.toHaveBeenCalled()

    const second = { onProgress: vi.fn(), onEnd: vi.fn(), onError: vi.fn() }
    openJobEvents('b', second)
    FakeEventSource.instances[1]!.emit('error')
    FakeEventSource.instances[1]!.emit('error')
    FakeEventSource.instances[1]!.emit('progress', JSON.stringify(progress))
    expect(FakeEventSource.instances[1]!.closed).toBe(true)
    expect(second.onError).toHaveBeenCalledTimes(1)
    expect(second.onProgress).not.toHaveBeenCalled()
  })

  it('stops delivering events once the caller closes it', () => {
    const handlers = { onProgress: vi.fn(), onEnd: vi.fn(), onError: vi.fn() }
    const events = openJobEvents('c', handlers)
    events.close()
    FakeEventSource.instances[0]!.emit('progress', JSON.stringify(progress))
    FakeEventSource.instances[0]!.emit('end')
    expect(FakeEventSource.instances[0]!.closed).toBe(true)
    expect(handlers.onProgress).not.toHaveBeenCalled()
    expect(handlers.onEnd).not.toHaveBeenCalled()
  })
})
