import {
  ATTENDANCE_DELETE_MAX_MEMBERS, ATTENDANCE_UPLOAD_MAX_FIELDS, ATTENDANCE_UPLOAD_MAX_MEMBERS, PAYROLL_SAVE_MAX_RECORDS,
} from '../../src/domain/feishu-limits'
import type { JobKind } from '../../src/domain/jobs'

export interface PlannedBatch { idx_from: number; idx_to: number; field_from: number; field_to: number }

/**
 * Cuts a job into Feishu calls: payroll ≤ 50 records a call; attendance ≤ 50 members and ≤ 200
 * fields a call — a wider report becomes several calls per member group, each with the next 200
 * of the job's field codes (upload merges the fields sent, reference §3.3).
 */
export function planBatches(kind: JobKind, rowCount: number, fieldCount: number): PlannedBatch[] {
  const out: PlannedBatch[] = []
  const rowsPerCall = kind === 'attendance_upload' ? ATTENDANCE_UPLOAD_MAX_MEMBERS : kind === 'attendance_delete' ? ATTENDANCE_DELETE_MAX_MEMBERS : PAYROLL_SAVE_MAX_RECORDS
  const fieldsPerCall = kind === 'attendance_upload' ? ATTENDANCE_UPLOAD_MAX_FIELDS : Math.max(1, fieldCount)
  const fieldChunks = kind === 'attendance_upload' ? Math.max(1, Math.ceil(fieldCount / fieldsPerCall)) : 1
  for (let from = 0; from < rowCount; from += rowsPerCall) {
    const to = Math.min(rowCount, from + rowsPerCall)
    for (let chunk = 0; chunk < fieldChunks; chunk++) {
      out.push({ idx_from: from, idx_to: to, field_from: chunk * fieldsPerCall, field_to: Math.min(Math.max(fieldCount, 0), (chunk + 1) * fieldsPerCall) })
    }
  }
  return out
}
