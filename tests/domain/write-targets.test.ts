import { describe, expect, it } from 'vitest'
import { ATTENDANCE_UPLOAD_MAX_FIELDS, PAYROLL_SAVE_MAX_RECORDS } from '../../src/domain/feishu-limits'
import { isJobKind, isLastSlice, JOB_KIND_NAMES, JOB_KINDS, jobKindSpec, planBatches, rowKey, TAKE_BACK_ACTIONS, takeBackKind } from '../../src/domain/write-targets'
import { TARGETS, jobModule } from '../../server/targets'

describe('the registry of write targets', () => {
  it('lists every job kind once, each with a server module of its own target', () => {
    expect(JOB_KIND_NAMES.sort()).toEqual(['attendance_delete', 'attendance_upload', 'payroll_revert', 'payroll_save'])
    for (const kind of JOB_KIND_NAMES) {
      const spec = jobKindSpec(kind)
      expect(Object.keys(TARGETS)).toContain(spec.target)
      expect(TARGETS[spec.target as keyof typeof TARGETS].jobs[kind]).toBe(jobModule(kind))
    }
    expect(isJobKind('payroll_save')).toBe(true)
    expect(isJobKind('toString')).toBe(false)
  })

  it('pairs each take-back with the kind it takes back, on the same target', () => {
    expect(TAKE_BACK_ACTIONS).toEqual(['revert', 'undo'])
    expect(takeBackKind('payroll_save', 'revert')).toBe('payroll_revert')
    expect(takeBackKind('attendance_upload', 'undo')).toBe('attendance_delete')
    // The wrong action for a kind, or a take-back of a take-back, is none.
    expect(takeBackKind('payroll_save', 'undo')).toBeNull()
    expect(takeBackKind('payroll_revert', 'revert')).toBeNull()
    for (const [kind, spec] of Object.entries(JOB_KINDS)) {
      if (!spec.takeBack) continue
      const back = JOB_KINDS[spec.takeBack.kind as keyof typeof JOB_KINDS]
      expect(back.target).toBe(spec.target)
      expect(back.takesBack).toBe(kind)
      expect(jobModule(kind as keyof typeof JOB_KINDS).planTakeBack).toBeTypeOf('function')
    }
  })

  it('cuts payroll into calls of at most 50 records with every field in each call', () => {
    const batches = planBatches('payroll_save', 120, 30)
    expect(batches.map((b) => [b.idx_from, b.idx_to])).toEqual([[0, 50], [50, 100], [100, 120]])
    expect(batches.every((b) => b.field_from === 0 && b.field_to === 30)).toBe(true)
    expect(Math.max(...batches.map((b) => b.idx_to - b.idx_from))).toBe(PAYROLL_SAVE_MAX_RECORDS)
    expect(isLastSlice('payroll_save', batches[0]!, 30)).toBe(true)
  })

  it('cuts a wide attendance report into slices of 200 field codes per group of 50 members, in order', () => {
    const batches = planBatches('attendance_upload', 60, 450)
    expect(batches.map((b) => [b.idx_from, b.idx_to, b.field_from, b.field_to])).toEqual([
      [0, 50, 0, 200], [0, 50, 200, 400], [0, 50, 400, 450],
      [50, 60, 0, 200], [50, 60, 200, 400], [50, 60, 400, 450],
    ])
    expect(batches.map((b) => isLastSlice('attendance_upload', b, 450))).toEqual([false, false, true, false, false, true])
    expect(ATTENDANCE_UPLOAD_MAX_FIELDS).toBe(200)
    // A report with no fields still sends the members (their dates) once.
    expect(planBatches('attendance_upload', 3, 0)).toEqual([{ idx_from: 0, idx_to: 3, field_from: 0, field_to: 0 }])
  })

  it('keys rows by the kind\'s key field', () => {
    expect(rowKey('payroll_save', { row: 1, employment_id: 'E1', values: {} })).toBe('E1')
    expect(rowKey('attendance_delete', { row: 1, member_id: 'M1' })).toBe('M1')
    expect(rowKey('attendance_upload', { row: 1 })).toBeNull()
  })
})
