import { defineStore } from 'pinia'
import { markRaw, ref, shallowRef, type Ref, type ShallowRef } from 'vue'
import { createJob } from '../api/jobs'
import { previousKey, type JobControls } from '../domain/payroll-checks'
import {
  listDatasources, periodRecords, planRevert as planRevertApi, resolveEmployees, revertJob, RESOLVE_MAX_VALUES, type PeriodRecordsPart,
  type CurrentRecord, type EmployeeResolution, type PayrollDatasource, type ResolveBy, type RevertPlan,
} from '../api/payroll'
import type { JobSummary, PayrollKey } from '../domain/jobs'
import { payrollKeyOf, payrollKeyText } from '../domain/payroll'
import {
  diffRecords, fileSchema, identifiersToResolve, jobRows, prepareRecords,
  type DiffCounts, type ExcludedRow, type ExportedRow, type IdentifyBy, type RecordDiff,
} from '../domain/payroll-diff'
import { asAppError, asyncTask, type AsyncState } from './async-state'

/** Where a comparison is: resolving identifiers, then reading the current records. */
export type ComparePhase = 'idle' | 'resolving' | 'reading' | 'done'

/** Parts of the period read (≤ 2,000 records each) before the read is taken as runaway. */
const PERIOD_READ_MAX_PARTS = 1000

export interface CompareProgress {
  phase: 'resolving' | 'reading'
  done: number
  total: number
  startedAt: number
}

/** What the job keeps about its preparation: the file, and the control totals (payroll-checks.ts). */
export type SubmitSource = { file_name?: string; sheet?: string; file_sha256?: string; controls?: JobControls; excluded?: number }

export interface ComparisonResult {
  sourceCode: string
  /** The key as people read it ("2024-10", "2024-10-08", "2024-10-01 – 2024-10-31"). */
  period: string
  /** The time part of the records' key: what the job targets. */
  key: PayrollKey
  by: IdentifyBy
  diffs: RecordDiff[]
  counts: DiffCounts
  excluded: ExcludedRow[]
  /** Every record of the period just before (same length) the person may see: the variance warnings. */
  previous: { key: PayrollKey; records: Record<string, CurrentRecord> }
  /** Sent with the job, so a repeated click never starts a second one. */
  idempotencyKey: string
}

export type CompareInput = { source: PayrollDatasource; by: IdentifyBy; rows: ExportedRow[] } & ({ period: string; key?: undefined } | { key: PayrollKey; period?: undefined })

export interface PayrollStore {
  datasources: AsyncState<PayrollDatasource[]>
  phase: Ref<ComparePhase>
  progress: Ref<CompareProgress | null>
  compareError: ShallowRef<Error | null>
  comparison: ShallowRef<ComparisonResult | null>
  /** The job this comparison started. */
  submitted: AsyncState<JobSummary>
  /** The dry run of the latest revert asked for (what it would restore and stop). */
  revertPlan: AsyncState<RevertPlan>
  /** The revert job started from it. */
  revert: AsyncState<JobSummary>
  loadDatasources: () => Promise<void>
  datasource: (code: string) => PayrollDatasource | null
  /**
   * Resolves identifiers (if needed), reads the current records and diffs; resolves when done or
   * cancelled. `key` is the time part of the key (occur day, custom period); `period` alone is a
   * payroll period.
   */
  compare: (input: CompareInput) => Promise<void>
  cancelCompare: () => void
  /** Starts the job for the new and changed records; resolves with it, or null on failure (see `submitted.error`). */
  submit: (source: SubmitSource) => Promise<JobSummary | null>
  /** Asks the server what a revert of this job would do; resolves null on failure (see `revertPlan.error`). */
  planRevert: (jobId: string) => Promise<RevertPlan | null>
  /** Starts the revert job; resolves null on failure (see `revert.error`). */
  startRevert: (jobId: string) => Promise<JobSummary | null>
  /** Forgets the comparison and the job (a new file, another datasource). */
  resetComparison: () => void
}

/** Resolutions are kept this long: the file is usually compared again after a fix or two. */
export const RESOLVE_CACHE_MS = 5 * 60_000
function chunks<T>(list: readonly T[], size: number): T[][] {
  const out: T[][] = []
  for (let i = 0; i < list.length; i += size) out.push(list.slice(i, i + size))
  return out
}

function newKey(): string {
  const c = globalThis.crypto
  if (c && typeof c.randomUUID === 'function') return c.randomUUID()
  return `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}-${Math.random().toString(36).slice(2)}`
}

export const usePayrollStore = defineStore('payroll', (): PayrollStore => {
  const datasources = asyncTask<PayrollDatasource[]>()
  const phase = ref<ComparePhase>('idle')
  const progress = ref<CompareProgress | null>(null)
  const compareError = shallowRef<Error | null>(null)
  const comparison = shallowRef<ComparisonResult | null>(null)
  const submitted = asyncTask<JobSummary>()
  const revertPlan = asyncTask<RevertPlan>()
  const revert = asyncTask<JobSummary>()

  const cache = new Map<string, { at: number; result: EmployeeResolution }>()
  let controller: AbortController | null = null
  let generation = 0

  async function loadDatasources(): Promise<void> {
    // Raw: the schemas go to the import worker by postMessage, which cannot clone reactive proxies.
    await datasources.run(async () => markRaw(await listDatasources()))
  }

  function datasource(code: string): PayrollDatasource | null {
    return datasources.state.data?.find((d) => d.code === code) ?? null
  }

  async function resolve(by: ResolveBy, values: string[], signal: AbortSignal, gen: number): Promise<Record<string, EmployeeResolution>> {
    const now = Date.now()
    const out: Record<string, EmployeeResolution> = {}
    const missing: string[] = []
    for (const v of values) {
      const hit = cache.get(`${by}\u0000${v}`)
      if (hit && now - hit.at < RESOLVE_CACHE_MS) out[v] = hit.result
      else missing.push(v)
    }
    progress.value = { phase: 'resolving', done: values.length - missing.length, total: values.length, startedAt: now }
    for (const part of chunks(missing, RESOLVE_MAX_VALUES)) {
      const results = await resolveEmployees(by, part, signal)
      if (gen !== generation) return out
      const at = Date.now()
      for (const v of part) {
        const r = results[v] ?? { status: 'not_found' as const }
        out[v] = r
        cache.set(`${by}\u0000${v}`, { at, result: r })
      }
      progress.value = { ...progress.value, done: progress.value.done + part.length }
    }
    return out
  }

  async function compare(input: CompareInput): Promise<void> {
    cancelCompare()
    const gen = ++generation
    const abort = new AbortController()
    controller = abort
    compareError.value = null
    comparison.value = null
    submitted.reset()
    const { source, by, rows } = input
    const key = payrollKeyOf(input.key ?? { payroll_period: input.period })
    const period = payrollKeyText(key)
    try {
      let resolutions: Record<string, EmployeeResolution> = {}
      if (by !== 'employment_id') {
        phase.value = 'resolving'
        resolutions = await resolve(by, identifiersToResolve(rows, by), abort.signal, gen)
        if (gen !== generation) return
      }
      const { records, excluded } = prepareRecords(rows, by, resolutions, source.schema)
      phase.value = 'reading'
      const ids = new Set(records.map((r) => r.employment_id))
      progress.value = { phase: 'reading', done: 0, total: ids.size, startedAt: Date.now() }
      // One read gives the period's records and the previous period's (the variance), part by part.
      const current: Record<string, CurrentRecord> = {}
      const previous: ComparisonResult['previous'] = { key: previousKey(key), records: {} }
      let cursor: string | null = null
      let found = 0
      let parts = 0
      do {
        // A guard against a read that never ends (≤ 2,000 records a part: 2 million records).
        if (++parts > PERIOD_READ_MAX_PARTS) throw new Error('Feishu kept saying there were more records; the read was stopped.')
        const part: PeriodRecordsPart = await periodRecords({ source_code: source.code, ...key, ...(cursor ? { cursor } : {}) }, abort.signal)
        if (gen !== generation) return
        for (const [id, r] of Object.entries(part.current)) if (ids.has(id)) { current[id] = r; found++ }
        Object.assign(previous.records, part.previous)
        cursor = part.cursor
        progress.value = { ...progress.value, done: cursor ? Math.min(found, ids.size) : ids.size }
      } while (cursor)
      const { diffs, counts } = diffRecords(fileSchema(source.schema, by), records, current)
      comparison.value = markRaw({ sourceCode: source.code, period, key, by, diffs, counts, excluded, previous, idempotencyKey: newKey() })
      phase.value = 'done'
    } catch (err) {
      if (gen !== generation) return
      phase.value = 'idle'
      if (!abort.signal.aborted) compareError.value = asAppError(err)
    } finally {
      if (gen === generation) {
        progress.value = null
        controller = null
      }
    }
  }

  function cancelCompare(): void {
    generation++
    controller?.abort()
    controller = null
    progress.value = null
    if (phase.value !== 'done') phase.value = 'idle'
  }

  async function submit(source: SubmitSource): Promise<JobSummary | null> {
    const c = comparison.value
    if (!c) throw new Error('compare() first')
    const rows = jobRows(c.diffs)
    if (!rows.length) return null
    return submitted.run(() => createJob({
      idempotency_key: c.idempotencyKey,
      kind: 'payroll_save',
      target: { type: 'payroll', source_code: c.sourceCode, ...c.key },
      rows,
      source,
    }))
  }

  function planRevert(jobId: string): Promise<RevertPlan | null> {
    revert.reset()
    return revertPlan.run(() => planRevertApi(jobId))
  }

  function startRevert(jobId: string): Promise<JobSummary | null> {
    return revert.run(() => revertJob(jobId))
  }

  function resetComparison(): void {
    cancelCompare()
    phase.value = 'idle'
    compareError.value = null
    comparison.value = null
    submitted.reset()
  }

  return {
    datasources: datasources.state, phase, progress, compareError, comparison, submitted: submitted.state,
    revertPlan: revertPlan.state, revert: revert.state,
    loadDatasources, datasource, compare, cancelCompare, submit, planRevert, startRevert, resetComparison,
  }
})
