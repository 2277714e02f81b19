import { defineStore } from 'pinia'
import { computed, markRaw, ref, type ComputedRef, type Ref } from 'vue'
import { getReportFields, listArchiveRules, planUndo as planUndoApi, undoJob, type ArchiveRule, type ReportFields } from '../api/attendance'
import { createJob } from '../api/jobs'
import { buildAttendanceRows, importSchema, previousMonth, reportCodes, uploadCalls, type ExportedRow, type RowProblem } from '../domain/attendance'
import type { AttendanceRowInput, EmployeeType, JobSummary } from '../domain/jobs'
import type { TargetSchema } from '../domain/target'
import { asyncTask, type AsyncState } from './async-state'
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
  planUndo: (jobId: string) => Promise<{ members: number } | null>
  /** Starts the delete job; resolves null on failure (see `undo.error`). */
  startUndo: (jobId: string) => Promise<JobSummary | null>
  /** Back to choosing a file for the same rule and month. */
  startOver: () => void
}

function newKey(): string {
  const c = globalThis.crypto
  if (c && typeof c.randomUUID === 'function') return `att-${c.randomUUID()}`
  return `att-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 12)}`
}

export const useAttendanceStore = defineStore('attendance', (): AttendanceStore => {
  const rules = asyncTask<ArchiveRule[]>()
  const ruleId = ref<string | null>(null)
  const month = ref(previousMonth(new Date()))
  const employeeType = ref<EmployeeType>('employee_no')
  const extraCodes = ref<string[]>([])
  const fields = asyncTask<ReportFields>()
  const prepared = asyncTask<PreparedImport>()
  const job = asyncTask<JobSummary>()
  const undoPlan = asyncTask<{ members: number }>()
  const undo = asyncTask<JobSummary>()
  /** One key per prepared import: a retried submit never starts a second job. */
  let idempotencyKey = newKey()

  const schema = computed(() => (fields.state.data ? importSchema(fields.state.data.schema, employeeType.value, extraCodes.value) : null))
  const rule = computed(() => rules.state.data?.find((r) => r.archive_rule_id === ruleId.value) ?? null)

  async function loadRules(): Promise<void> {
    const list = await rules.run(listArchiveRules)
    if (!list) return // shown from rules.error
    if (ruleId.value && !list.some((r) => r.archive_rule_id === ruleId.value)) ruleId.value = null
    if (!ruleId.value && list.length === 1) await choose(list[0]!.archive_rule_id, month.value)
  }

  async function loadFields(): Promise<void> {
    const id = ruleId.value
    if (!id) return
    // Latest wins: the fields of a rule or month chosen earlier never replace those of the current one.
    await fields.run(async () => markRaw(await getReportFields(id, month.value, employeeType.value)))
  }

  function clearImport(): void {
    prepared.reset()
    job.reset()
    undoPlan.reset()
    undo.reset()
    extraCodes.value = []
    idempotencyKey = newKey()
  }

  async function choose(id: string | null, m: string): Promise<void> {
    if (id === ruleId.value && m === month.value && (fields.state.data || fields.state.isLoading)) return
    ruleId.value = id
    month.value = m
    fields.reset()
    clearImport()
    if (id) await loadFields()
  }

  async function prepare(): Promise<PreparedImport | null> {
    const s = schema.value
    if (!s) return null
    const importStore = useImportStore()
    return prepared.run(async () => {
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
  }

  async function submit(source: { file_name?: string; sheet?: string }): Promise<JobSummary | null> {
    const p = prepared.state.data
    if (!p || !ruleId.value || p.rows.length === 0) return null
    const target = { type: 'attendance' as const, archive_rule_id: ruleId.value, month: month.value, employee_type: employeeType.value }
    return job.run(() => createJob({ idempotency_key: idempotencyKey, kind: 'attendance_upload', target, rows: p.rows, source }))
  }

  function planUndo(jobId: string): Promise<{ members: number } | null> {
    undo.state.error = null
    return undoPlan.run(() => planUndoApi(jobId))
  }

  function startUndo(jobId: string): Promise<JobSummary | null> {
    return undo.run(() => undoJob(jobId))
  }

  function startOver(): void {
    clearImport()
  }

  return {
    rules: rules.state, ruleId, month, employeeType, extraCodes, fields: fields.state, schema, rule, prepared: prepared.state, job: job.state,
    undoPlan: undoPlan.state, undo: undo.state,
    loadRules, choose, loadFields, prepare, submit, planUndo, startUndo, startOver,
  }
})
