import { computed, onBeforeUnmount, toValue, watch, type MaybeRefOrGetter } from 'vue'
import type { JobRowResult, JobSummary, RowStatus } from '../../domain/jobs'
import { useJobsStore, type RowFilter } from '../../stores/jobs'
import type { AsyncState } from '../../stores/async-state'

export interface JobRowsOptions {
  /**
   * Also read every row once the job is final (all pages): `true` for every row, or only rows in
   * these statuses. For reconciliations and result workbooks.
   */
  all?: true | readonly RowStatus[]
}

/**
 * The one way a component reads a job's row results: it opens the job in the jobs store and
 * follows it while mounted, binds the paged list for `JobRowResults`, and (when asked) reads every
 * row once the job is final.
 */
export function useJobRows(jobId: MaybeRefOrGetter<string>, options: JobRowsOptions = {}) {
  const jobs = useJobsStore()
  const id = computed(() => toValue(jobId))

  watch(id, (next) => { if (next) void jobs.openJob(next) }, { immediate: true })
  onBeforeUnmount(() => jobs.closeJob())

  /** The job while it is the one open in the store (another job's answers never show here). */
  const job = computed<JobSummary | null>(() => (jobs.job.data?.id === id.value ? jobs.job.data : null))
  const final = computed(() => job.value !== null && jobs.isFinal)

  const statuses = options.all === true ? null : (options.all ?? null)
  function loadAll(): Promise<void> {
    return jobs.loadAllRows(id.value, statuses)
  }
  if (options.all) watch(final, (done) => { if (done) void loadAll() }, { immediate: true })

  const empty: AsyncState<JobRowResult[]> = { data: null, error: null, isLoading: false }
  /** Every row (or every row in the asked statuses) of this job; empty until it is final and read. */
  const all = computed<AsyncState<JobRowResult[]>>(() => (jobs.allRowsOf === id.value ? jobs.allRows : empty))

  /** Props for `JobRowResults` (spread with v-bind), once the job is loaded. */
  const page = computed(() => ({
    rows: jobs.rows.data,
    filter: jobs.rowFilter,
    counts: job.value?.counts ?? { total: 0, pending: 0, succeeded: 0, partial: 0, failed: 0, cancelled: 0 },
    page: jobs.rowsPage,
    hasNext: jobs.rowsNextCursor !== null,
    loading: jobs.rows.isLoading,
    error: jobs.rows.error,
  }))
  /** Its events (spread with v-on). */
  const pageEvents = {
    filter: (filter: RowFilter) => jobs.setRowFilter(filter),
    next: () => jobs.nextRowsPage(),
    previous: () => jobs.previousRowsPage(),
    retry: () => jobs.refresh(),
  }

  return { jobs, job, final, all, loadAll, page, pageEvents }
}
