import { defineStore } from 'pinia'
import { computed, markRaw, ref, type ComputedRef, type Ref } from 'vue'
import { getReportFields, listArchiveRules, planUndo as planUndoApi, undoJob, type ArchiveRule, type ReportFields } from '../api/attendance'
import { createJob, getJob } from '../api/jobs'
import { buildAttendanceRows, importSchema, previousMonth, reportCodes, uploadCalls, type ExportedRow, type RowProblem } from '../domain/attendance'
import type { AttendanceRowInput, EmployeeType, JobRowResult, JobSummary, RowStatus } from '../domain/jobs'
import type { TargetSchema } from '../domain/target'
import { asyncState, track, type AsyncState } from './async-state'
import { useImportStore } from './import'

/** What is about to be written, built from the import's validated rows. */
export interface PreparedImport {
  rows: AttendanceRowInput[]
  /** Rows left out because their dates or member are unusable (sheet row numbers). */
  problems: RowProblem[]
  /** Rows the pipeline found errors in (not exported, so not written). */
  rowsWithErrors: number
  /** Report field codes that carry at least one value. */
  fieldCount: number
  calls: number
  /** Sheet row → 0-based data row, to put job results back on the file's rows. */
  dataRowBySheetRow: Map<number, number>
}

export interface AttendanceStore {
  rules: AsyncState<ArchiveRule[]>
  ruleId: Ref<string | null>
  /** yyyyMM; the previous month until the person picks another. */
  month: Ref<string>
  employeeType: Ref<EmployeeType>
  /** Header codes the report does not list that are sent anyway, for Feishu to judge. */
  extraCodes: Ref<string[]>
  fields: AsyncState<ReportFields>
  /** The import target: the server's schema with the member column and extra codes applied. */
  schema: ComputedRef<TargetSchema | null>
  rule: ComputedRef<ArchiveRule | null>
  prepared: AsyncState<PreparedImport>
  /** The upload job this page started. */
  job: AsyncState<JobSummary>
  /** Rows of the job that did not simply succeed (failed, partial, cancelled, pending). */
  problemRows: AsyncState<JobRowResult[]>
  undoPlan: AsyncState<{ members: number }>
  undo: AsyncState<JobSummary>
  loadRules: () => Promise<void>
  /** Chooses a rule and/or month; the report fields are loaded again. */
  choose: (ruleId: string | null, month: string) => Promise<void>
  loadFields: () => Promise<void>
  /** Reads the validated rows out of the import and builds the job rows. */
  prepare: () => Promise<PreparedImport | null>
  /** Starts the upload job for the prepared rows. Resolves null on failure (see `job.error`). */
  submit: (source: { file_name?: string; sheet?: string }) => Promise<JobSummary | null>
  loadProblemRows: (jobId: string) => Promise<void>
  planUndo: (jobId: string) => Promise<{ members: number } | null>
  /** Starts the delete job; resolves null on failure (see `undo.error`). */
  startUndo: (jobId: string) => Promise<JobSummary | null>
  /** Back to choosing a file for the same rule and month. */
  startOver: () => void
}

const PROBLEM_STATUSES: readonly RowStatus[] = ['failed', 'partial', 'cancelled', 'pending']
const ROWS_PER_PAGE = 500

function newKey(): string {
  const c = globalThis.crypto
  if (c && typeof c.randomUUID === 'function') return `att-${c.randomUUID()}`
  return `att-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 12)}`
}

export const useAttendanceStore = defineStore('attendance', (): AttendanceStore => {
  const rules = asyncState<ArchiveRule[]>()
  const ruleId = ref<string | null>(null)
  const month = ref(previousMonth(new Date()))
  const employeeType = ref<EmployeeType>('employee_no')
  const extraCodes = ref<string[]>([])
  const fields = asyncState<ReportFields>()
  const prepared = asyncState<PreparedImport>()
  const job = asyncState<JobSummary>()
  const problemRows = asyncState<JobRowResult[]>()
  const undoPlan = asyncState<{ members: number }>()
  const undo = asyncState<JobSummary>()
  /** One key per prepared import: a retried submit never starts a second job. */
  let idempotencyKey = newKey()
  let fieldsRequest = 0

  const schema = computed(() => (fields.data ? importSchema(fields.data.schema, employeeType.value, extraCodes.value) : null))
  const rule = computed(() => rules.data?.find((r) => r.archive_rule_id === ruleId.value) ?? null)

  async function loadRules(): Promise<void> {
    try {
      const list = await track(rules, listArchiveRules)
      if (ruleId.value && !list.some((r) => r.archive_rule_id === ruleId.value)) ruleId.value = null
      if (!ruleId.value && list.length === 1) await choose(list[0]!.archive_rule_id, month.value)
    } catch {
      // shown from rules.error
    }
  }

  async function loadFields(): Promise<void> {
    const id = ruleId.value
    if (!id) return
    const request = ++fieldsRequest
    fields.error = null
    fields.isLoading = true
    try {
      const answer = await getReportFields(id, month.value, employeeType.value)
      if (request !== fieldsRequest) return
      fields.data = markRaw(answer)
    } catch (err) {
      if (request !== fieldsRequest) return
      fields.data = null
      fields.error = markRaw(err instanceof Error ? err : new Error(String(err)))
    } finally {
      if (request === fieldsRequest) fields.isLoading = false
    }
  }

  function clearImport(): void {
    prepared.data = null
    prepared.error = null
    job.data = null
    job.error = null
    problemRows.data = null
    problemRows.error = null
    undoPlan.data = null
    undo.data = null
    undo.error = null
    extraCodes.value = []
    idempotencyKey = newKey()
  }

  async function choose(id: string | null, m: string): Promise<void> {
    if (id === ruleId.value && m === month.value && (fields.data || fields.isLoading)) return
    ruleId.value = id
    month.value = m
    fields.data = null
    fields.error = null
    fieldsRequest++
    fields.isLoading = false
    clearImport()
    if (id) await loadFields()
  }

  async function prepare(): Promise<PreparedImport | null> {
    const s = schema.value
    if (!s) return null
    const importStore = useImportStore()
    try {
      return await track(prepared, async () => {
        const { json } = await importStore.exportValues(false)
        const exported = JSON.parse(await json.text()) as ExportedRow[]
        const codes = reportCodes(s)
        const built = buildAttendanceRows(exported, month.value, codes)
        const used = new Set<string>()
        for (const r of built.rows) for (const code of Object.keys(r.values)) used.add(code)
        idempotencyKey = newKey()
        return markRaw({
          rows: built.rows,
          problems: built.problems,
          rowsWithErrors: importStore.summary?.rowsWithErrors ?? 0,
          fieldCount: used.size,
          calls: uploadCalls(built.rows.length, used.size),
          dataRowBySheetRow: new Map(exported.map((e) => [e.sheetRow, e.row])),
        })
      })
    } catch {
      return null
    }
  }

  async function submit(source: { file_name?: string; sheet?: string }): Promise<JobSummary | null> {
    const p = prepared.data
    if (!p || !ruleId.value || p.rows.length === 0) return null
    const target = { type: 'attendance' as const, archive_rule_id: ruleId.value, month: month.value, employee_type: employeeType.value }
    try {
      return await track(job, () => createJob({ idempotency_key: idempotencyKey, kind: 'attendance_upload', target, rows: p.rows, source }))
    } catch {
      return null
    }
  }

  async function loadProblemRows(jobId: string): Promise<void> {
    try {
      await track(problemRows, async () => {
        const out: JobRowResult[] = []
        for (const status of PROBLEM_STATUSES) {
          let cursor: string | number | null = null
          for (let page = 0; page < 1000; page++) {
            const detail = await getJob(jobId, { status, cursor, limit: ROWS_PER_PAGE })
            out.push(...detail.rows)
            if (detail.next_cursor === null) break
            cursor = detail.next_cursor
          }
        }
        return markRaw(out.sort((a, b) => a.row - b.row))
      })
    } catch {
      // shown from problemRows.error
    }
  }

  async function planUndo(jobId: string): Promise<{ members: number } | null> {
    undo.error = null
    try {
      return await track(undoPlan, () => planUndoApi(jobId))
    } catch {
      return null
    }
  }

  async function startUndo(jobId: string): Promise<JobSummary | null> {
    try {
      return await track(undo, () => undoJob(jobId))
    } catch {
      return null
    }
  }

  function startOver(): void {
    clearImport()
  }

  return {
    rules, ruleId, month, employeeType, extraCodes, fields, schema, rule, prepared, job, problemRows, undoPlan, undo,
    loadRules, choose, loadFields, prepare, submit, loadProblemRows, planUndo, startUndo, startOver,
  }
})
