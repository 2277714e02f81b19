/**
 * Checks of a job's rows at creation, on the server, with the same rules the import pipeline
 * applied in the browser (validate.ts). Rows arrive already normalised to Feishu's wire strings;
 * anything that is still an error refuses the job with per-row errors.
 */
import { isDayOfMonth, isMonth, monthBounds } from './attendance'
import { issueMessage } from './issues'
import type { AttendanceDeleteRowInput, AttendanceRowInput, JobTarget, PayrollRowInput } from './jobs'
import { PAYROLL_SYSTEM_FIELDS, payrollKeyEntries, payrollKeyProblem, type PayrollKeyProblemCode, type PayrollPeriodType } from './payroll'
import type { TargetSchema } from './target'
import { duplicateIssues, validateRow, type WireRow } from './validate'

export interface JobRowError { row: number; field: string | null; code: string; message: string }

const MAX_ID = 128

/** The dimension a payrollTarget() schema was built for, read from its key fields. */
export function schemaPeriodType(schema: TargetSchema): PayrollPeriodType {
  if (schema.keyFields.includes('occur_day')) return 2
  if (schema.keyFields.includes('custom_start')) return 3
  return 1
}

const KEY_PROBLEM_MESSAGE: Record<PayrollKeyProblemCode, string> = {
  wrong_dimension: 'The job names the wrong time fields for this datasource: payroll_period (data_period_type 1), occur_day (2) or custom_start + custom_end (3).',
  bad_month: issueMessage({ code: 'bad_month' }, 'en-US').message,
  too_early: issueMessage({ code: 'bad_month' }, 'en-US').message,
  bad_date: issueMessage({ code: 'bad_date' }, 'en-US').message,
  end_before_start: 'custom_end is before custom_start.',
}

/**
 * Payroll records: the job's key fits the datasource's dimension, every value goes through the
 * datasource's field rules, the key is unique in the job.
 */
export function checkPayrollRows(schema: TargetSchema, target: Extract<JobTarget, { type: 'payroll' }>, rows: PayrollRowInput[]): { errors: JobRowError[]; rows: PayrollRowInput[] } {
  const errors: JobRowError[] = []
  const keyProblem = payrollKeyProblem(schemaPeriodType(schema), target)
  if (keyProblem) {
    const code = keyProblem.code === 'bad_month' || keyProblem.code === 'too_early' ? 'bad_month' : keyProblem.code === 'bad_date' ? 'bad_date' : keyProblem.code
    errors.push({ row: -1, field: keyProblem.field, code, message: KEY_PROBLEM_MESSAGE[keyProblem.code] })
    return { errors, rows: [] }
  }
  const key = Object.fromEntries(payrollKeyEntries(target))
  const known = new Set(schema.fields.map((f) => f.code))
  const wire: WireRow[] = []
  const out: PayrollRowInput[] = []
  for (const r of rows) {
    const issues: Parameters<typeof validateRow>[3] = []
    for (const code of Object.keys(r.values)) {
      if (!known.has(code)) errors.push({ row: r.row, field: code, code: 'unknown_field', message: `The datasource has no field "${code}".` })
    }
    if (r.active_status !== undefined && r.active_status !== 1 && r.active_status !== 2) {
      errors.push({ row: r.row, field: 'active_status', code: 'out_of_range', message: 'active_status must be 1 (active) or 2 (stopped).' })
    }
    const values = validateRow(schema, { ...r.values, employment_id: r.employment_id, ...key }, r.row, issues)
    for (const it of issues) if (it.severity === 'error') errors.push({ row: r.row, field: it.field, code: it.code, message: issueMessage(it, 'en-US').message })
    wire.push(values)
    const rest = Object.entries(values).filter(([code]) => !PAYROLL_SYSTEM_FIELDS.has(code) && code in r.values)
    out.push({ row: r.row, employment_id: values.employment_id ?? r.employment_id, ...(r.active_status ? { active_status: r.active_status } : {}), values: Object.fromEntries(rest) })
  }
  for (const it of duplicateIssues(schema, wire, (i) => rows[i]!.row)) errors.push({ row: it.row, field: it.field, code: it.code, message: issueMessage(it, 'en-US').message })
  return { errors, rows: out }
}

/** Archive report rows: member, dates inside the month (yyyyMMdd), one row per member. */
export function checkAttendanceRows(target: Extract<JobTarget, { type: 'attendance' }>, rows: AttendanceRowInput[]): JobRowError[] {
  const errors: JobRowError[] = []
  if (!isMonth(target.month)) return [{ row: -1, field: 'month', code: 'bad_month', message: 'The month must be yyyyMM.' }]
  const { first, last } = monthBounds(target.month)
  const seen = new Map<string, number>()
  for (const r of rows) {
    checkMember(r, errors, seen)
    for (const [key, v] of [['start_time', r.start_time], ['end_time', r.end_time]] as const) {
      if (!isDayOfMonth(v, target.month)) {
        errors.push({ row: r.row, field: key, code: 'out_of_range', message: `${key} must be a day of ${target.month} written yyyyMMdd (${first}–${last}).` })
      }
    }
    if (r.start_time > r.end_time) errors.push({ row: r.row, field: 'end_time', code: 'out_of_range', message: 'end_time is before start_time.' })
    for (const [code, v] of Object.entries(r.values)) {
      if (!code || code.length > MAX_ID) errors.push({ row: r.row, field: code, code: 'unknown_field', message: 'A field code is empty or too long.' })
      if (typeof v !== 'string') errors.push({ row: r.row, field: code, code: 'not_text', message: 'Values are sent as text.' })
    }
  }
  return errors
}

export function checkAttendanceDeleteRows(rows: AttendanceDeleteRowInput[]): JobRowError[] {
  const errors: JobRowError[] = []
  const seen = new Map<string, number>()
  for (const r of rows) checkMember(r, errors, seen)
  return errors
}

function checkMember(r: { row: number; member_id: string }, errors: JobRowError[], seen: Map<string, number>) {
  if (!r.member_id.trim() || r.member_id.length > MAX_ID) {
    errors.push({ row: r.row, field: 'member_id', code: 'bad_identifier', message: 'The member ID is empty or too long.' })
    return
  }
  const before = seen.get(r.member_id)
  if (before !== undefined) errors.push({ row: r.row, field: 'member_id', code: 'duplicate_key', message: `Member ${r.member_id} appears more than once (also row ${before}).` })
  else seen.set(r.member_id, r.row)
}
