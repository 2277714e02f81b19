/**
 * The shape of write jobs, shared by the server (server/jobs) and the app (job pages).
 * A job writes rows of one import to one Feishu target with its owner's own user token.
 */

import type { JobApproval } from './approval'
import type { JOB_KINDS, TargetTypes, RowInputs } from './write-targets'

/** Every kind of write job, from the registry of write targets (write-targets.ts). */
export type JobKind = keyof typeof JOB_KINDS
/** What a job writes into: 'payroll' | 'attendance', from the registry. */
export type TargetKind = keyof TargetTypes

export type EmployeeType = 'employee_id' | 'employee_no'

/**
 * The time part of a payroll record's key, by the datasource's data_period_type (§4.1, §4.2):
 * 1 payroll_period (yyyy-mm) · 2 occur_day (yyyy-mm-dd) · 3 custom_start + custom_end (yyyy-mm-dd).
 * Exactly the fields of the datasource's dimension are set.
 */
export interface PayrollKey {
  payroll_period?: string
  occur_day?: string
  custom_start?: string
  custom_end?: string
}

export interface PayrollTarget extends PayrollKey {
  type: 'payroll'
  source_code: string
}

export interface AttendanceTarget {
  type: 'attendance'
  archive_rule_id: string
  /** yyyyMM */
  month: string
  employee_type: EmployeeType
}

/** A job's target, one variant per write target of the registry. */
export type JobTarget = TargetTypes[TargetKind]

/**
 * (draft: rows still arriving in parts →) (submitting → awaiting_approval: a kind whose spec names an
 * approval, in a deployment that configured it, is submitted in the background — the records read,
 * the instance created — then waits for the decision in Feishu →) queued → running → (paused | needs_signin)* → succeeded | finished_with_errors | cancelled | failed.
 * `needs_signin`: the owner's Feishu authorization is gone; it continues after they sign in again.
 */
export type JobStatus = 'draft' | 'submitting' | 'awaiting_approval' | 'queued' | 'running' | 'paused' | 'needs_signin' | 'succeeded' | 'finished_with_errors' | 'cancelled' | 'failed'

export const FINAL_JOB_STATUSES: readonly JobStatus[] = ['succeeded', 'finished_with_errors', 'cancelled', 'failed']

/** pending: not written yet. partial: written, but Feishu ignored some of its fields (attendance invalid_code). */
export type RowStatus = 'pending' | 'succeeded' | 'partial' | 'failed' | 'cancelled'

/** service_unavailable: the app's own shared services (Redis) failed; the job continues when they are back. */
export type PauseReason = 'by_owner' | 'feishu_unavailable' | 'needs_signin' | 'service_unavailable'

/** One payroll record to save: the wire values of its fields (null = leave the field alone). */
export interface PayrollRowInput {
  row: number
  employment_id: string
  active_status?: 1 | 2
  values: Record<string, string | null>
  /**
   * A revert row: what the job being reverted left in Feishu (its status and the values it wrote).
   * A field that no longer holds it was changed by someone since and is kept (issue 16).
   */
  expect?: { active_status: number; values: Record<string, string> }
}

/** One member's archive report values for the job's month. */
export interface AttendanceRowInput {
  row: number
  member_id: string
  start_time: string
  end_time: string
  values: Record<string, string>
}

/** One member whose archive report row for the job's month is deleted. */
export interface AttendanceDeleteRowInput {
  row: number
  member_id: string
}

/** A job row, one shape per job kind of the registry. */
export type JobRowInput = RowInputs[JobKind]

/**
 * What a check after a row's call found (issue 16): a save's read-back — `confirmed` (Feishu holds
 * what was sent) or `differs`; a revert — `kept` (every field was changed by someone since, so
 * nothing was reverted) or `partly_kept`.
 */
export type RowCheckState = 'confirmed' | 'differs' | 'kept' | 'partly_kept'

/** A field whose value in Feishu is not what the job expected: sent or written, and what Feishu holds now. */
export interface CheckedField { field: string; expected: string | null; actual: string | null }

export interface JobCounts {
  total: number
  pending: number
  succeeded: number
  partial: number
  failed: number
  cancelled: number
}

export interface JobSummary {
  id: string
  kind: JobKind
  status: JobStatus
  target: JobTarget
  pause_reason: PauseReason | null
  /** A job-level failure (e.g. the datasource was stopped), in the Feishu code + message form. */
  error: { code: string; feishu_code: number | null; message: string } | null
  counts: JobCounts
  /** Sum of Feishu's affect_counts over the job's payroll saves. */
  affect_count: number
  calls: number
  /** Rows per check state (read-back, a revert's kept fields); absent when no row was checked. */
  checks?: Partial<Record<RowCheckState, number>>
  source: { file_name?: string; sheet?: string; reverts_job_id?: string; file_sha256?: string; controls?: unknown; excluded?: number } | null
  /** The job's approval in Feishu, when its kind waits for one (src/domain/approval.ts). */
  approval?: JobApproval | null
  /** While `submitting`: what the submission waits on before it is retried (Feishu unreachable, or the owner's sign-in). */
  submission_waiting?: 'feishu_unavailable' | 'needs_signin' | null
  created_at: number
  updated_at: number
  started_at: number | null
  finished_at: number | null
}

export interface FieldError {
  field: string
  /** A Feishu code ('invalid_code' for attendance) or a domain issue code. */
  code: string
  message: string
}

export interface JobRowResult {
  /** Payroll: the record as Feishu had it right before the job wrote it; null = it did not exist. */
  before?: { active_status: number; values: Record<string, string> } | null
  row: number
  status: RowStatus
  feishu_code: number | null
  message: string | null
  field_errors: FieldError[]
  input: JobRowInput
  /** What a check after the call found, with the fields behind it. */
  check?: { state: RowCheckState; fields: CheckedField[] }
}

/** What the progress stream (`GET /api/jobs/:id/events`, event `progress`) sends. */
export interface JobProgress {
  id: string
  status: JobStatus
  pause_reason: PauseReason | null
  counts: JobCounts
  /** Feishu calls per second over the last few seconds. */
  calls_per_second: number
  rows_per_second: number
  /** null while unknown (no rate yet, or paused). */
  eta_seconds: number | null
}

/** The most rows sent in one request when a job goes in parts (see rowsPerPart). */
export const MAX_ROWS_PER_PART = 1000
const PART_BYTES = 512 * 1024

/**
 * Rows per request for a job sent in parts: at most MAX_ROWS_PER_PART, fewer when rows are wide,
 * so each part is about 512 KB of JSON. Smaller parts keep the server's memory and its event loop
 * free: 5,000-row parts held ~100 MB of request at once and blocked paced calls for ~200 ms.
 */
export function rowsPerPart(rows: readonly unknown[]): number {
  if (!rows.length) return MAX_ROWS_PER_PART
  const sample = rows.slice(0, 20)
  const bytesPerRow = JSON.stringify(sample).length / sample.length
  return Math.max(50, Math.min(MAX_ROWS_PER_PART, Math.floor(PART_BYTES / Math.max(1, bytesPerRow))))
}
