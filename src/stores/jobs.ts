import { defineStore } from 'pinia'
import { computed, markRaw, ref, type ComputedRef, type Ref } from 'vue'
import { ApiError } from '../api'
import { cancelJob, getJob, listJobs, openJobEvents, pauseJob, resumeJob, type Cursor, type JobDetail, type JobEvents } from '../api/jobs'
import { FINAL_JOB_STATUSES, type JobProgress, type JobRowResult, type JobStatus, type JobSummary, type RowStatus } from '../domain/jobs'
import { asyncState, type AsyncState } from './async-state'

/** `all`, or only the rows in one state. */
export type RowFilter = 'all' | RowStatus
export const ROW_FILTERS: readonly RowFilter[] = ['all', 'failed', 'partial', 'succeeded', 'pending', 'cancelled']

export type JobAction = 'pause' | 'resume' | 'cancel'

/**
 * closed: no stream (no job, or it could not be found). connecting/live: the stream is up or coming up.
 * reconnecting: it dropped and is retried with backoff. ended: the job is final; nothing more will come.
 */
export type StreamState = 'closed' | 'connecting' | 'live' | 'reconnecting' | 'ended'

export type JobRates = Pick<JobProgress, 'calls_per_second' | 'rows_per_second' | 'eta_seconds'>

export const ROWS_PAGE_SIZE = 50
export const HISTORY_PAGE_SIZE = 20

/** 1 s, 2 s, 4 s … up to 30 s between attempts to get the progress stream back. */
export function reconnectDelayMs(attempt: number): number {
  return Math.min(30_000, 1_000 * 2 ** Math.max(0, attempt))
}

export function isFinalStatus(status: JobStatus): boolean {
  return FINAL_JOB_STATUSES.includes(status)
}

export interface JobsStore {
  /** The person's jobs, newest first; `loadHistory({ more: true })` appends the next page. */
  history: AsyncState<JobSummary[]>
  historyNextCursor: Ref<Cursor | null>
  /** The open job: loaded once, then kept current by the progress stream. */
  job: AsyncState<JobSummary>
  /** One page of the open job's row results, for `rowFilter`. */
  rows: AsyncState<JobRowResult[]>
  rowFilter: Ref<RowFilter>
  /** 1-based. */
  rowsPage: Ref<number>
  rowsNextCursor: Ref<Cursor | null>
  /** The latest rates from the stream; null before the first event and once the job is final. */
  rates: Ref<JobRates | null>
  stream: Ref<StreamState>
  /** The latest pause / resume / cancel. */
  action: AsyncState<JobSummary>
  pendingAction: Ref<JobAction | null>
  /** The job does not exist, or belongs to someone else (both answer 404). */
  notFound: ComputedRef<boolean>
  isFinal: ComputedRef<boolean>
  loadHistory: (options?: { more?: boolean }) => Promise<void>
  /** Loads the job and its first rows page, then follows its progress until it is final. */
  openJob: (id: string) => Promise<void>
  /** Stops following the open job (leaving the page). */
  closeJob: () => void
  setRowFilter: (filter: RowFilter) => Promise<void>
  nextRowsPage: () => Promise<void>
  previousRowsPage: () => Promise<void>
  /** Loads the summary and the current rows page again. */
  refresh: () => Promise<void>
  /** Each resolves false on failure (see `action.error`). */
  pause: () => Promise<boolean>
  resume: () => Promise<boolean>
  cancel: () => Promise<boolean>
}

function asError(err: unknown): Error {
  return markRaw(err instanceof Error ? err : new Error(String(err)))
}

function isNotFound(err: unknown): boolean {
  return err instanceof ApiError && err.status === 404
}

export const useJobsStore = defineStore('jobs', (): JobsStore => {
  const history = asyncState<JobSummary[]>()
  const historyNextCursor = ref<Cursor | null>(null)
  const job = asyncState<JobSummary>()
  const rows = asyncState<JobRowResult[]>()
  const rowFilter = ref<RowFilter>('all')
  const rowsPage = ref(1)
  const rowsNextCursor = ref<Cursor | null>(null)
  const rates = ref<JobRates | null>(null)
  const stream = ref<StreamState>('closed')
  const action = asyncState<JobSummary>()
  const pendingAction = ref<JobAction | null>(null)

  const notFound = computed(() => isNotFound(job.error))
  const isFinal = computed(() => (job.data ? isFinalStatus(job.data.status) : false))

  // Everything async checks it still belongs to the job that is open: `generation` changes when
  // another job is opened or the page is left, `rowsRequest` when a newer rows page was asked for.
  let generation = 0
  let rowsRequest = 0
  let historyRequest = 0
  let currentId: string | null = null
  /** Cursor of each rows page seen so far; page n uses `cursors[n - 1]`. */
  let cursors: (Cursor | null)[] = [null]
  let events: JobEvents | null = null
  let reconnectTimer: ReturnType<typeof setTimeout> | null = null
  let attempts = 0

  function applySummary(next: JobSummary) {
    // A snapshot taken before the job ended must not bring it back to life on screen.
    if (job.data && job.data.id === next.id && isFinalStatus(job.data.status) && !isFinalStatus(next.status)) return
    job.data = next
    if (isFinalStatus(next.status)) rates.value = null
  }

  function applyProgress(progress: JobProgress) {
    const current = job.data
    if (!current || current.id !== progress.id) return
    if (isFinalStatus(current.status) && !isFinalStatus(progress.status)) return
    job.data = { ...current, status: progress.status, pause_reason: progress.pause_reason, counts: progress.counts }
    rates.value = isFinalStatus(progress.status)
      ? null
      : { calls_per_second: progress.calls_per_second, rows_per_second: progress.rows_per_second, eta_seconds: progress.eta_seconds }
  }

  /** GET /api/jobs/:id for the current filter and page, into `state` (the whole job, or just its rows). */
  async function loadDetail(gen: number, state: AsyncState<unknown>): Promise<JobDetail | null> {
    const id = currentId
    if (id === null) return null
    const request = ++rowsRequest
    const isCurrent = () => gen === generation && request === rowsRequest
    state.error = null
    state.isLoading = true
    if (state !== rows) rows.isLoading = true
    try {
      const detail = await getJob(id, {
        status: rowFilter.value === 'all' ? null : rowFilter.value,
        cursor: cursors[rowsPage.value - 1] ?? null,
        limit: ROWS_PAGE_SIZE,
      })
      if (!isCurrent()) return null
      applySummary(detail.job)
      rows.data = detail.rows
      rowsNextCursor.value = detail.next_cursor
      return detail
    } catch (err) {
      if (!isCurrent()) return null
      state.error = asError(err)
      if (isNotFound(err)) {
        job.error = asError(err)
        job.data = null
      }
      throw err
    } finally {
      if (isCurrent()) {
        state.isLoading = false
        rows.isLoading = false
      }
    }
  }

  function stopStream() {
    events?.close()
    events = null
    if (reconnectTimer !== null) clearTimeout(reconnectTimer)
    reconnectTimer = null
  }

  function connect(gen: number) {
    const id = currentId
    if (id === null || gen !== generation) return
    stream.value = attempts === 0 ? 'connecting' : 'reconnecting'
    events = openJobEvents(id, {
      onOpen: () => {
        if (gen !== generation) return
        attempts = 0
        stream.value = 'live'
      },
      onProgress: (progress) => {
        if (gen !== generation) return
        attempts = 0
        stream.value = 'live'
        applyProgress(progress)
      },
      onEnd: () => {
        if (gen !== generation) return
        events = null
        stream.value = 'ended'
        rates.value = null
        // The final summary (finished_at, error) and the rows as they ended.
        void loadDetail(gen, rows).catch(() => undefined)
      },
      onError: () => {
        if (gen !== generation) return
        events = null
        scheduleReconnect(gen)
      },
    })
  }

  function scheduleReconnect(gen: number) {
    stream.value = 'reconnecting'
    const delay = reconnectDelayMs(attempts)
    attempts += 1
    reconnectTimer = setTimeout(() => {
      reconnectTimer = null
      void reconnect(gen)
    }, delay)
  }

  /** The stream missed whatever happened while it was down: fetch the summary, then listen again. */
  async function reconnect(gen: number) {
    if (gen !== generation) return
    try {
      await loadDetail(gen, job)
    } catch (err) {
      if (gen !== generation) return
      if (isNotFound(err)) stream.value = 'closed'
      else scheduleReconnect(gen)
      return
    }
    if (gen !== generation) return
    if (isFinal.value) stream.value = 'ended'
    else connect(gen)
  }

  function closeJob() {
    generation += 1
    stopStream()
    currentId = null
    attempts = 0
    stream.value = 'closed'
  }

  async function openJob(id: string) {
    closeJob()
    const gen = generation
    currentId = id
    job.data = null
    job.error = null
    rows.data = null
    rows.error = null
    action.error = null
    rowFilter.value = 'all'
    rowsPage.value = 1
    rowsNextCursor.value = null
    cursors = [null]
    rates.value = null
    try {
      await loadDetail(gen, job)
    } catch {
      return // shown from job.error
    }
    if (gen !== generation || !job.data) return
    if (isFinal.value) stream.value = 'ended'
    else connect(gen)
  }

  async function loadRowsPage() {
    await loadDetail(generation, rows).catch(() => undefined)
  }

  async function setRowFilter(filter: RowFilter) {
    rowFilter.value = filter
    rowsPage.value = 1
    cursors = [null]
    await loadRowsPage()
  }

  async function nextRowsPage() {
    if (rowsNextCursor.value === null) return
    cursors = [...cursors.slice(0, rowsPage.value), rowsNextCursor.value]
    rowsPage.value += 1
    await loadRowsPage()
  }

  async function previousRowsPage() {
    if (rowsPage.value <= 1) return
    rowsPage.value -= 1
    await loadRowsPage()
  }

  async function refresh() {
    const gen = generation
    try {
      await loadDetail(gen, job)
    } catch {
      return
    }
    // A stream that gave up (not found earlier) or never started comes back for a running job.
    if (gen === generation && !isFinal.value && stream.value === 'closed' && job.data) connect(gen)
  }

  const actions = { pause: pauseJob, resume: resumeJob, cancel: cancelJob } as const

  async function act(kind: JobAction): Promise<boolean> {
    const id = currentId
    if (id === null) return false
    const gen = generation
    pendingAction.value = kind
    action.error = null
    action.isLoading = true
    try {
      const next = await actions[kind](id)
      if (gen !== generation) return false
      action.data = next
      applySummary(next)
      if (isFinalStatus(next.status)) {
        stopStream()
        stream.value = 'ended'
        await loadRowsPage()
      }
      return true
    } catch (err) {
      if (gen === generation) action.error = asError(err)
      return false
    } finally {
      if (gen === generation) {
        action.isLoading = false
        pendingAction.value = null
      }
    }
  }

  async function loadHistory(options: { more?: boolean } = {}) {
    const cursor = options.more ? historyNextCursor.value : null
    if (options.more && cursor === null) return
    const request = ++historyRequest
    history.error = null
    history.isLoading = true
    try {
      const page = await listJobs({ cursor, limit: HISTORY_PAGE_SIZE })
      if (request !== historyRequest) return
      history.data = options.more ? [...(history.data ?? []), ...page.jobs] : page.jobs
      historyNextCursor.value = page.next_cursor
    } catch (err) {
      if (request === historyRequest) history.error = asError(err)
    } finally {
      if (request === historyRequest) history.isLoading = false
    }
  }

  return {
    history,
    historyNextCursor,
    job,
    rows,
    rowFilter,
    rowsPage,
    rowsNextCursor,
    rates,
    stream,
    action,
    pendingAction,
    notFound,
    isFinal,
    loadHistory,
    openJob,
    closeJob,
    setRowFilter,
    nextRowsPage,
    previousRowsPage,
    refresh,
    pause: () => act('pause'),
    resume: () => act('resume'),
    cancel: () => act('cancel'),
  }
})
