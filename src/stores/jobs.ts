import { defineStore } from 'pinia'
import { computed, markRaw, ref, type ComputedRef, type Ref } from 'vue'
import { ApiError } from '../api'
import { cancelJob, getJob, listJobs, openJobEvents, pauseJob, resumeJob, type Cursor, type JobDetail, type JobEvents } from '../api/jobs'
import { FINAL_JOB_STATUSES, type JobProgress, type JobRowResult, type JobStatus, type JobSummary, type RowStatus } from '../domain/jobs'
import { asyncTask, loadSequence, StaleLoadError, type AsyncState } from './async-state'

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
  /** Every row result of the job `allRowsOf` (all pages), for reconciliations and result workbooks. */
  allRows: AsyncState<JobRowResult[]>
  allRowsOf: Ref<string | null>
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
  /** Reads every page of a job's rows, only those in `statuses` (in row order) when given. */
  loadAllRows: (jobId: string, statuses?: readonly RowStatus[] | null) => Promise<void>
  /** Each resolves false on failure (see `action.error`). */
  pause: () => Promise<boolean>
  resume: () => Promise<boolean>
  cancel: () => Promise<boolean>
}

function isNotFound(err: unknown): boolean {
  return err instanceof ApiError && err.status === 404
}

/** Rows per call when reading every row of a job (the server's largest page). */
const ALL_ROWS_PAGE = 500

export const useJobsStore = defineStore('jobs', (): JobsStore => {
  const history = asyncTask<JobSummary[]>()
  const historyNextCursor = ref<Cursor | null>(null)
  // One GET answers both the summary and the rows page: a newer load of either makes an older one stale.
  const detailLoads = loadSequence()
  const job = asyncTask<JobSummary>({ sequence: detailLoads })
  const rows = asyncTask<JobRowResult[]>({ sequence: detailLoads })
  const rowFilter = ref<RowFilter>('all')
  const rowsPage = ref(1)
  const rowsNextCursor = ref<Cursor | null>(null)
  const rates = ref<JobRates | null>(null)
  const stream = ref<StreamState>('closed')
  const action = asyncTask<JobSummary>()
  const pendingAction = ref<JobAction | null>(null)
  const allRows = asyncTask<JobRowResult[]>()
  const allRowsOf = ref<string | null>(null)

  const notFound = computed(() => isNotFound(job.state.error))
  const isFinal = computed(() => (job.state.data ? isFinalStatus(job.state.data.status) : false))

  // The stream checks it still belongs to the job that is open: `generation` changes when another
  // job is opened or the page is left (which also makes every load in flight stale).
  let generation = 0
  let currentId: string | null = null
  /** Cursor of each rows page seen so far; page n uses `cursors[n - 1]`. */
  let cursors: (Cursor | null)[] = [null]
  let events: JobEvents | null = null
  let reconnectTimer: ReturnType<typeof setTimeout> | null = null
  let attempts = 0

  function applySummary(next: JobSummary): JobSummary {
    const current = job.state.data
    // A snapshot taken before the job ended must not bring it back to life on screen.
    if (current && current.id === next.id && isFinalStatus(current.status) && !isFinalStatus(next.status)) return current
    job.state.data = next
    if (isFinalStatus(next.status)) rates.value = null
    return next
  }

  function applyProgress(progress: JobProgress) {
    const current = job.state.data
    if (!current || current.id !== progress.id) return
    if (isFinalStatus(current.status) && !isFinalStatus(progress.status)) return
    job.state.data = { ...current, status: progress.status, pause_reason: progress.pause_reason, counts: progress.counts }
    rates.value = isFinalStatus(progress.status)
      ? null
      : { calls_per_second: progress.calls_per_second, rows_per_second: progress.rows_per_second, eta_seconds: progress.eta_seconds }
  }

  /**
   * GET /api/jobs/:id for the current filter and page, shown as a load of the whole job or of just
   * its rows. Resolves null when a newer load replaced it; rejects when it failed.
   */
  async function loadDetail(which: 'job' | 'rows'): Promise<JobDetail | null> {
    const id = currentId
    if (id === null) return null
    const query = { status: rowFilter.value === 'all' ? null : rowFilter.value, cursor: cursors[rowsPage.value - 1] ?? null, limit: ROWS_PAGE_SIZE }
    // Either way the answer carries both: the rows page and the summary.
    const commit = (detail: JobDetail) => {
      rowsNextCursor.value = detail.next_cursor
      rows.state.data = detail.rows
      return applySummary(detail.job)
    }
    const onError = (error: Error) => {
      if (!isNotFound(error)) return
      job.state.error = error
      job.state.data = null
    }
    try {
      return which === 'job'
        ? await job.runOrThrow(() => getJob(id, query), { alsoLoading: [rows.state], onError, commit })
        : await rows.runOrThrow(() => getJob(id, query), { onError, commit: (detail) => { commit(detail); return detail.rows } })
    } catch (err) {
      if (err instanceof StaleLoadError) return null
      throw err
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
        // While a job waits for its approval, progress means the approval moved: read who and what.
        if (job.state.data?.status === 'awaiting_approval' || job.state.data?.status === 'submitting') void loadDetail('job').catch(() => undefined)
        applyProgress(progress)
      },
      onEnd: () => {
        if (gen !== generation) return
        events = null
        stream.value = 'ended'
        rates.value = null
        // The final summary (finished_at, error) and the rows as they ended.
        void loadDetail('rows').catch(() => undefined)
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
      await loadDetail('job')
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
    job.cancel()
    rows.cancel()
    action.cancel()
    currentId = null
    attempts = 0
    stream.value = 'closed'
  }

  async function openJob(id: string) {
    closeJob()
    const gen = generation
    currentId = id
    job.reset()
    rows.reset()
    action.state.error = null
    rowFilter.value = 'all'
    rowsPage.value = 1
    rowsNextCursor.value = null
    cursors = [null]
    rates.value = null
    try {
      await loadDetail('job')
    } catch {
      return // shown from job.error
    }
    if (gen !== generation || !job.state.data) return
    if (isFinal.value) stream.value = 'ended'
    else connect(gen)
  }

  async function loadRowsPage() {
    await loadDetail('rows').catch(() => undefined)
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
      await loadDetail('job')
    } catch {
      return
    }
    // A stream that gave up (not found earlier) or never started comes back for a running job.
    if (gen === generation && !isFinal.value && stream.value === 'closed' && job.state.data) connect(gen)
  }

  const actions = { pause: pauseJob, resume: resumeJob, cancel: cancelJob } as const

  async function act(kind: JobAction): Promise<boolean> {
    const id = currentId
    if (id === null) return false
    const gen = generation
    pendingAction.value = kind
    try {
      const next = await action.run(() => actions[kind](id))
      if (!next || gen !== generation) return false
      applySummary(next)
      if (isFinalStatus(next.status)) {
        stopStream()
        stream.value = 'ended'
        await loadRowsPage()
      }
      return true
    } finally {
      if (gen === generation) pendingAction.value = null
    }
  }

  async function loadHistory(options: { more?: boolean } = {}) {
    const cursor = options.more ? historyNextCursor.value : null
    if (options.more && cursor === null) return
    const page = await history.run(() => listJobs({ cursor, limit: HISTORY_PAGE_SIZE }), {
      commit: (answer) => (options.more ? [...(history.state.data ?? []), ...answer.jobs] : answer.jobs),
    })
    if (page) historyNextCursor.value = page.next_cursor
  }

  async function loadAllRows(jobId: string, statuses: readonly RowStatus[] | null = null): Promise<void> {
    allRowsOf.value = jobId
    await allRows.run(async () => {
      const out: JobRowResult[] = []
      for (const status of statuses ?? [null]) {
        let cursor: Cursor | null = null
        for (let page = 0; page < 1000; page++) {
          const detail = await getJob(jobId, { status, cursor, limit: ALL_ROWS_PAGE })
          out.push(...detail.rows)
          if (detail.next_cursor === null) break
          cursor = detail.next_cursor
        }
      }
      // Raw: thousands of rows only read, and handed to the import worker for the result workbook.
      return markRaw(statuses ? out.sort((a, b) => a.row - b.row) : out)
    })
  }

  return {
    history: history.state,
    historyNextCursor,
    job: job.state,
    rows: rows.state,
    rowFilter,
    rowsPage,
    rowsNextCursor,
    rates,
    stream,
    action: action.state,
    pendingAction,
    allRows: allRows.state,
    allRowsOf,
    notFound,
    isFinal,
    loadHistory,
    openJob,
    closeJob,
    setRowFilter,
    nextRowsPage,
    previousRowsPage,
    refresh,
    loadAllRows,
    pause: () => act('pause'),
    resume: () => act('resume'),
    cancel: () => act('cancel'),
  }
})
