import { rowsPerPart, type JobKind, type JobProgress, type JobRowInput, type JobRowResult, type JobSummary, type JobTarget, type RowStatus } from '../domain/jobs'
import { request } from './http'

// Write jobs (server/jobs/README.md). Another person's job answers 404, like an unknown one.

/** Opaque: sent back as it came (the jobs list uses a string, the rows of a job a number). */
export type Cursor = string | number

export interface JobsPage {
  jobs: JobSummary[]
  next_cursor: Cursor | null
}

export interface JobDetail {
  job: JobSummary
  rows: JobRowResult[]
  next_cursor: Cursor | null
}

export interface PageParams {
  cursor?: Cursor | null
  limit?: number
}

export interface JobRowsParams extends PageParams {
  /** Only rows in this state; omitted = all rows. */
  status?: RowStatus | null
}

export interface CreateJobBody {
  /** The same key answers the same job (a retried POST never starts a second job). */
  idempotency_key: string
  kind: JobKind
  target: JobTarget
  rows: JobRowInput[]
  source?: { file_name?: string; sheet?: string; reverts_job_id?: string; file_sha256?: string; excluded?: number }
}

function jobPath(id: string, action = ''): string {
  return `/api/jobs/${encodeURIComponent(id)}${action}`
}

/** Drops empty parameters so they do not reach the query string. */
function query(params: Record<string, string | number | null | undefined>): Record<string, string | number> {
  const out: Record<string, string | number> = {}
  for (const [key, value] of Object.entries(params)) if (value !== null && value !== undefined && value !== '') out[key] = value
  return out
}

/** The signed-in person's jobs, newest first. */
export function listJobs(params: PageParams = {}): Promise<JobsPage> {
  return request<JobsPage>({ method: 'GET', url: '/api/jobs', params: query({ cursor: params.cursor, limit: params.limit }) })
}

/** A job's summary and one page of its row results. */
export function getJob(id: string, params: JobRowsParams = {}): Promise<JobDetail> {
  return request<JobDetail>({
    method: 'GET',
    url: jobPath(id),
    params: query({ status: params.status, cursor: params.cursor, limit: params.limit }),
  })
}

/**
 * Creates a job. More rows than fit one part (rowsPerPart: ≤ 1,000, ~512 KB) are sent in parts: a
 * draft job with the first part, then each next part (a retried part is a no-op on the server),
 * then start. Neither side ever holds a whole file in one body.
 */
export async function createJob(body: CreateJobBody): Promise<JobSummary> {
  const per = rowsPerPart(body.rows)
  if (body.rows.length <= per) {
    return (await request<{ job: JobSummary }>({ method: 'POST', url: '/api/jobs', data: body })).job
  }
  const first = body.rows.slice(0, per)
  const draft = (await request<{ job: JobSummary }>({ method: 'POST', url: '/api/jobs', data: { ...body, rows: first, draft: true } })).job
  if (draft.status !== 'draft') return draft
  for (let offset = draft.counts.total; offset < body.rows.length; offset += per) {
    await request<{ job: JobSummary }>({ method: 'POST', url: jobPath(draft.id, '/rows'), data: { offset, rows: body.rows.slice(offset, offset + per) } })
  }
  return (await request<{ job: JobSummary }>({ method: 'POST', url: jobPath(draft.id, '/start') })).job
}

export async function cancelJob(id: string): Promise<JobSummary> {
  return (await request<{ job: JobSummary }>({ method: 'POST', url: jobPath(id, '/cancel') })).job
}

export async function pauseJob(id: string): Promise<JobSummary> {
  return (await request<{ job: JobSummary }>({ method: 'POST', url: jobPath(id, '/pause') })).job
}

export async function resumeJob(id: string): Promise<JobSummary> {
  return (await request<{ job: JobSummary }>({ method: 'POST', url: jobPath(id, '/resume') })).job
}

export interface JobEventHandlers {
  /** The stream is connected. */
  onOpen?: () => void
  onProgress: (progress: JobProgress) => void
  /** The job is final; the stream is closed. */
  onEnd: () => void
  /** The stream dropped or could not connect; it is closed, and reconnecting is the caller's choice. */
  onError: () => void
}

export interface JobEvents {
  close: () => void
}

/**
 * The progress stream `GET /api/jobs/:id/events` (same origin, so the session cookie goes along).
 * EventSource retries on its own only for some failures and never after an HTTP error (401, 404),
 * so any error closes it and the caller reconnects — after checking the job, which also runs the
 * quiet re-sign-in when the session has ended.
 */
export function openJobEvents(id: string, handlers: JobEventHandlers): JobEvents {
  const source = new EventSource(jobPath(id, '/events'), { withCredentials: true })
  let closed = false
  const close = () => {
    if (closed) return
    closed = true
    source.close()
  }
  source.addEventListener('open', () => {
    if (!closed) handlers.onOpen?.()
  })
  source.addEventListener('progress', (event) => {
    if (closed) return
    let progress: JobProgress
    try {
      progress = JSON.parse((event as MessageEvent<string>).data) as JobProgress
    } catch {
      return // a garbled event is skipped; the next one carries the full counts again
    }
    handlers.onProgress(progress)
  })
  source.addEventListener('end', () => {
    if (closed) return
    close()
    handlers.onEnd()
  })
  source.addEventListener('error', () => {
    if (closed) return
    close()
    handlers.onError()
  })
  return { close }
}
