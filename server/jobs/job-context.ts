import type { FeishuApi } from '../../src/domain/feishu-limits'
import type { FieldError, JobKind, JobRowInput, JobTarget } from '../../src/domain/jobs'
import type { FeishuClient } from '../feishu/client'
import type { BatchRow, JobRow, JobRowRow, RowUpdate } from '../store/jobs-repo'

/** A job as the executors see it: parsed once from its stored row. */
export interface ParsedJob {
  id: string
  kind: JobKind
  target: JobTarget
  fields: string[]
  owner: { tenantKey: string; openId: string }
  operator: { user_id: string | null; employee_no: string | null }
}

/** A payroll record as Feishu holds it. */
export interface RecordState { active_status: number; values: Record<string, string> }

export interface LoadedRow<I extends JobRowInput = JobRowInput> {
  idx: number
  row: number
  status: string
  /** What the last call said about the row (e.g. 'unchanged': not sent, Feishu already held it). */
  message: string | null
  input: I
  fieldErrors: FieldError[]
  /** Payroll: undefined = not captured yet; null = no record existed before the job. */
  before: RecordState | null | undefined
}

export function parseJob(j: JobRow): ParsedJob {
  return {
    id: j.id,
    kind: j.kind as JobKind,
    target: JSON.parse(j.target_json) as JobTarget,
    fields: JSON.parse(j.fields_json) as string[],
    owner: { tenantKey: j.tenant_key, openId: j.owner_open_id },
    operator: { user_id: j.owner_user_id, employee_no: j.owner_employee_no },
  }
}

export function loadRow<I extends JobRowInput>(r: JobRowRow): LoadedRow<I> {
  return {
    idx: r.idx, row: r.row, status: r.status, message: r.message, input: JSON.parse(r.input_json) as I,
    fieldErrors: r.field_errors_json ? (JSON.parse(r.field_errors_json) as FieldError[]) : [],
    before: r.before_json === null ? undefined : (JSON.parse(r.before_json) as RecordState | null),
  }
}

/** A failure that stops the whole job (the datasource was stopped, the person lost the role…). */
export class JobFailure extends Error {
  constructor(readonly code: string, readonly feishuCode: number | null, message: string) {
    super(message)
    this.name = 'JobFailure'
  }
}

export interface BatchOutcome { updates: RowUpdate[]; affect: number }

export interface BatchContext {
  job: ParsedJob
  batch: BatchRow
  rows: LoadedRow[]
  feishu: FeishuClient
  /** A paced, retried Feishu call with the owner's token (see call.ts). */
  call<T>(api: FeishuApi, fn: (token: string) => Promise<T>, serialKey?: string): Promise<T>
  /** Commits record-level failures at once, before the rest of the batch is resent. */
  failRows(updates: RowUpdate[]): Promise<void>
  /** Commits captured before-values, before the save that changes those records. */
  saveBefore(rows: Array<{ idx: number; before: RecordState | null }>): Promise<void>
  /** True when this is the job's last batch for its member group (the group's rows can be settled). */
  isLastChunk: boolean
}
