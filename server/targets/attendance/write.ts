import { operatorId, operatorMissingMessage } from '../../../src/domain/attendance'
import type { AttendanceDeleteRowInput, AttendanceRowInput, AttendanceTarget, FieldError } from '../../../src/domain/jobs'
import type { ArchiveReportData } from '../../feishu/client'
import { FeishuError } from '../../feishu/http'
import type { RowUpdate } from '../../store/jobs-repo'
import { JobFailure, type BatchContext, type BatchOutcome, type LoadedRow } from '../../jobs/job-context'

function operatorOf(ctx: BatchContext): string {
  const { employee_type } = ctx.job.target as AttendanceTarget
  const op = operatorId(employee_type, ctx.job.operator)
  if (!op) throw new JobFailure('operator_unknown', null, operatorMissingMessage(employee_type))
  return op
}

function settle(r: LoadedRow, fieldErrors: FieldError[]): RowUpdate {
  return { idx: r.idx, status: fieldErrors.length ? 'partial' : 'succeeded', feishu_code: 0, message: null, field_errors: fieldErrors }
}

/**
 * Uploads one call's worth of an archive report: ≤ 50 members with the batch's slice (≤ 200) of
 * the job's field codes. Feishu answers unknown members and codes inside a successful response
 * (§3.3): those map back to the rows and the exact fields they came from.
 */
export async function runAttendanceUpload(ctx: BatchContext): Promise<BatchOutcome> {
  const { archive_rule_id, month, employee_type } = ctx.job.target as AttendanceTarget
  const operator_id = operatorOf(ctx)
  const codes = ctx.job.fields.slice(ctx.batch.field_from, ctx.batch.field_to)
  const firstChunk = ctx.batch.field_from === 0
  const rows = (ctx.rows as LoadedRow<AttendanceRowInput>[]).filter((r) => r.status === 'pending')
  const sent: Array<{ row: LoadedRow<AttendanceRowInput>; codes: string[] }> = []
  const datas: ArchiveReportData[] = []
  for (const r of rows) {
    const mine = codes.filter((c) => c in r.input.values)
    // The first call of a member carries their dates even with no values; later calls only members with fields in that slice.
    if (!firstChunk && !mine.length) continue
    sent.push({ row: r, codes: mine })
    datas.push({
      member_id: r.input.member_id, start_time: r.input.start_time, end_time: r.input.end_time,
      ...(mine.length ? { field_datas: mine.map((code) => ({ code, value: r.input.values[code]! })) } : {}),
    })
  }
  const updates: RowUpdate[] = []
  if (datas.length) {
    let answer: { invalidCodes: string[]; invalidMembers: string[] }
    try {
      answer = await ctx.call('attendance.archive_rule.upload', (token) => ctx.feishu.uploadReport(token, employee_type, { month, operator_id, archive_rule_id, archive_report_datas: datas }))
    } catch (e) {
      // A failure that ends the job arrives as a JobFailure (ctx.call): not transient and not job-wide,
      // every row of this call failed with Feishu's answer.
      if (!(e instanceof FeishuError)) throw e
      for (const s of sent) updates.push({ idx: s.row.idx, status: 'failed', feishu_code: e.code, message: e.feishuMessage })
      return { updates, affect: 0 }
    }
    const badMembers = new Set(answer.invalidMembers)
    const badCodes = new Set(answer.invalidCodes)
    for (const s of sent) {
      if (badMembers.has(s.row.input.member_id)) {
        updates.push({ idx: s.row.idx, status: 'failed', feishu_code: null, message: 'invalid_member_id' })
        continue
      }
      const fieldErrors = [...s.row.fieldErrors, ...s.codes.filter((c) => badCodes.has(c)).map((field) => ({ field, code: 'invalid_code', message: `Feishu does not know the field code "${field}" in this report.` }))]
      updates.push(ctx.isLastChunk ? settle(s.row, fieldErrors) : { idx: s.row.idx, status: 'pending', field_errors: fieldErrors })
    }
  }
  // Members with nothing in this last slice are settled too.
  if (ctx.isLastChunk) {
    const touched = new Set(updates.map((u) => u.idx))
    for (const r of rows) if (!touched.has(r.idx)) updates.push(settle(r, r.fieldErrors))
  }
  return { updates, affect: 0 }
}

/** Deletes exactly the job's members' rows of that rule and month (never without user_ids, §3.4). */
export async function runAttendanceDelete(ctx: BatchContext): Promise<BatchOutcome> {
  const { archive_rule_id, month, employee_type } = ctx.job.target as AttendanceTarget
  const operator_id = operatorOf(ctx)
  const rows = (ctx.rows as LoadedRow<AttendanceDeleteRowInput>[]).filter((r) => r.status === 'pending')
  if (!rows.length) return { updates: [], affect: 0 }
  try {
    await ctx.call('attendance.archive_rule.delete', (token) => ctx.feishu.deleteReport(token, employee_type, { month, operator_id, archive_rule_id, user_ids: rows.map((r) => r.input.member_id) }))
  } catch (e) {
    if (!(e instanceof FeishuError)) throw e
    return { updates: rows.map((r) => ({ idx: r.idx, status: 'failed' as const, feishu_code: e.code, message: e.feishuMessage })), affect: 0 }
  }
  return { updates: rows.map((r) => ({ idx: r.idx, status: 'succeeded' as const, feishu_code: 0, message: null })), affect: 0 }
}

/**
 * Undoing an upload deletes exactly the members' rows that job wrote (§3.4: Feishu cannot read
 * earlier values back, so a member's whole row for the month goes).
 */
export function planUndo(rows: LoadedRow<AttendanceRowInput>[]): { plan: { members: number }; rows: AttendanceDeleteRowInput[] } {
  const written = rows.filter((r) => r.status === 'succeeded' || r.status === 'partial')
  return { plan: { members: written.length }, rows: written.map((r) => ({ row: r.row, member_id: r.input.member_id })) }
}
