import { z } from 'zod'
import { checkAttendanceDeleteRows, checkAttendanceRows } from '../../../src/domain/job-rows'
import type { AttendanceDeleteRowInput, AttendanceRowInput, AttendanceTarget } from '../../../src/domain/jobs'
import type { FailureKind } from '../../feishu/classify'
import type { LoadedRow } from '../../jobs/job-context'
import type { JobKindModule, TargetModule } from '../types'
import { planUndo, runAttendanceDelete, runAttendanceUpload } from './write'

const id = z.string().trim().min(1).max(128)
const rowNo = z.number().int().min(0).max(10_000_000)
const uploadRow = z.strictObject({ row: rowNo, member_id: id, start_time: z.string().max(8), end_time: z.string().max(8), values: z.record(z.string().min(1).max(128), z.string().max(10_000)) })
const deleteRow = z.strictObject({ row: rowNo, member_id: id })
const target = z.strictObject({ type: z.literal('attendance'), archive_rule_id: id, month: z.string().max(6), employee_type: z.enum(['employee_id', 'employee_no']) })

/**
 * Every 1220600 message (no permission, rule gone, month sealed, the rest: §3) and a missing
 * permission of the person or the app (§1.5) refuses the whole report, not one member.
 */
const ENDS_JOB: ReadonlySet<FailureKind> = new Set<FailureKind>(['no_permission', 'target_missing', 'target_sealed', 'request_refused', 'scope_missing', 'app_scope_missing', 'app_unavailable'])

/** operator_id is typed by employee_type: with employee numbers, the owner's own, asked of Feishu now. */
async function ownerEmployeeNo(ctx: { feishu: { userInfo(token: string): Promise<{ employee_no?: string | null }> }; token: string }, t: AttendanceTarget): Promise<string | null> {
  if (t.employee_type !== 'employee_no') return null
  return (await ctx.feishu.userInfo(ctx.token).catch(() => null))?.employee_no ?? null
}

const upload: JobKindModule = {
  rowSchema: uploadRow,
  async checkRows(_ctx, t, rows) {
    const parsed = rows as AttendanceRowInput[]
    return { rows: parsed, errors: checkAttendanceRows(t as AttendanceTarget, parsed), fields: [...new Set(parsed.flatMap((r) => Object.keys(r.values)))].sort() }
  },
  ownerEmployeeNo: (ctx, t) => ownerEmployeeNo(ctx, t as AttendanceTarget),
  /**
   * Calls may overlap (50/s): at 300 ms a call, one job needs ~16 in flight to use the whole limit
   * (4 gave ~12/s).
   */
  workers: 16,
  execute: runAttendanceUpload,
  planTakeBack: (rows) => planUndo(rows as LoadedRow<AttendanceRowInput>[]),
}

const remove: JobKindModule = {
  rowSchema: deleteRow,
  async checkRows(_ctx, _t, rows) {
    const parsed = rows as AttendanceDeleteRowInput[]
    return { rows: parsed, errors: checkAttendanceDeleteRows(parsed), fields: [] }
  },
  ownerEmployeeNo: (ctx, t) => ownerEmployeeNo(ctx, t as AttendanceTarget),
  workers: 4,
  execute: runAttendanceDelete,
}

export const attendanceModule: TargetModule = {
  kind: 'attendance',
  targetSchema: target,
  endsJob: ENDS_JOB,
  token: 'owner',
  probe: (feishu, token) => feishu.listArchiveRules(token, { pageSize: 1 }),
  probeScope: 'attendance:task:readonly',
  jobs: { attendance_upload: upload, attendance_delete: remove },
}
