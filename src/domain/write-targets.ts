/**
 * The registry of write targets: one entry per kind of write job, grouped by the target it writes
 * into. What differs between targets and is needed by both the app and the server lives here (or in
 * the target's own module, payroll.ts / attendance.ts); everything else asks this registry instead
 * of naming a target. The server's half of each target (executor, row checks, take-back) is in
 * server/targets/. Pure.
 */
import { ATTENDANCE_JOB_KINDS, attendanceTargetParams } from './attendance'
import type { AttendanceDeleteRowInput, AttendanceRowInput, AttendanceTarget, JobKind, JobTarget, PayrollRowInput, PayrollTarget, TargetKind } from './jobs'
import { PAYROLL_JOB_KINDS, payrollTargetParams } from './payroll'

export interface JobKindSpec {
  /** The target written into (TargetKind). */
  target: string
  /** The job-row field that names the record or member: unique in a job, the key rows are stored by. */
  keyField: string
  /** Records or members per Feishu call (feishu-limits.ts). */
  rowsPerCall: number
  /**
   * Field codes per call, or null when every call carries all the job's fields. A job with more
   * fields than this sends each group of rows in slices of fields, in order.
   */
  fieldsPerCall: number | null
  /** Feishu reports affected records (payroll's affect_counts), shown on the job page. */
  countsAffect: boolean
  /** The kind that takes a finished job of this kind back, and the path action that asks for it. */
  takeBack: { kind: string; action: string } | null
  /** This kind only takes back another job (created from that job, never from an import). */
  takesBack: string | null
  /**
   * The approval a job of this kind waits for before its first Feishu write, when the deployment
   * configured one under this name (server/config.ts); without it the kind runs at once.
   */
  approval?: string
}

/** Every job kind: a new target adds its module's kinds here and nowhere else. */
export const JOB_KINDS = {
  ...PAYROLL_JOB_KINDS,
  ...ATTENDANCE_JOB_KINDS,
} as const satisfies Record<string, JobKindSpec>

/** A job's target, per target. */
export interface TargetTypes {
  payroll: PayrollTarget
  attendance: AttendanceTarget
}

/** The row shape of each job kind. */
export interface RowInputs {
  payroll_save: PayrollRowInput
  payroll_revert: PayrollRowInput
  attendance_upload: AttendanceRowInput
  attendance_delete: AttendanceDeleteRowInput
}

/** The words that name a job's target (the params of the message `jobs.target.<target>`). */
const TARGET_PARAMS: { [K in TargetKind]: (t: TargetTypes[K]) => Record<string, string> } = {
  payroll: payrollTargetParams,
  attendance: attendanceTargetParams,
}

export function targetParams(t: JobTarget): Record<string, string> {
  return (TARGET_PARAMS[t.type] as (t: JobTarget) => Record<string, string>)(t)
}

export const JOB_KIND_NAMES = Object.keys(JOB_KINDS) as [JobKind, ...JobKind[]]

/** Every target, from the job kinds (each target has at least one). */
export const TARGET_KIND_NAMES = [...new Set(Object.values(JOB_KINDS).map((s: JobKindSpec) => s.target))] as [TargetKind, ...TargetKind[]]

export function jobKindSpec(kind: JobKind): JobKindSpec {
  return JOB_KINDS[kind]
}

/** The approval a job kind waits for (when configured), or null. */
export function approvalOf(kind: JobKind): string | null {
  return (jobKindSpec(kind) as JobKindSpec).approval ?? null
}

export function isJobKind(kind: string): kind is JobKind {
  return Object.hasOwn(JOB_KINDS, kind)
}

/** The kind a finished job is taken back with, given the path action (`POST /api/jobs/:id/:action`). */
export function takeBackKind(kind: JobKind, action: string): JobKind | null {
  const t = jobKindSpec(kind).takeBack
  return t && t.action === action ? (t.kind as JobKind) : null
}

/** Every take-back action a path may name ('revert', 'undo'). */
export const TAKE_BACK_ACTIONS: readonly string[] = [...new Set(Object.values(JOB_KINDS).flatMap((s: JobKindSpec) => (s.takeBack ? [s.takeBack.action] : [])))]

export interface PlannedBatch { idx_from: number; idx_to: number; field_from: number; field_to: number }

/**
 * Cuts a job into Feishu calls: `rowsPerCall` rows a call; a kind with `fieldsPerCall` sends a
 * wider job as several calls per row group, each with the next slice of the job's field codes
 * (attendance upload merges the fields sent, reference §3.3).
 */
export function planBatches(kind: JobKind, rowCount: number, fieldCount: number): PlannedBatch[] {
  const spec = jobKindSpec(kind)
  const out: PlannedBatch[] = []
  const fieldsPerCall = spec.fieldsPerCall ?? Math.max(1, fieldCount)
  const fieldChunks = spec.fieldsPerCall !== null ? Math.max(1, Math.ceil(fieldCount / fieldsPerCall)) : 1
  for (let from = 0; from < rowCount; from += spec.rowsPerCall) {
    const to = Math.min(rowCount, from + spec.rowsPerCall)
    for (let chunk = 0; chunk < fieldChunks; chunk++) {
      out.push({ idx_from: from, idx_to: to, field_from: chunk * fieldsPerCall, field_to: Math.min(Math.max(fieldCount, 0), (chunk + 1) * fieldsPerCall) })
    }
  }
  return out
}

/** True when a batch is its row group's last slice of fields (its rows can be settled then). */
export function isLastSlice(kind: JobKind, batch: { field_to: number }, fieldCount: number): boolean {
  return jobKindSpec(kind).fieldsPerCall === null || batch.field_to >= fieldCount
}

/** The key of a job row (employment_id, member_id…) by its kind's key field. */
export function rowKey(kind: JobKind, row: object): string | null {
  const v = (row as Record<string, unknown>)[jobKindSpec(kind).keyField]
  return typeof v === 'string' ? v : null
}
