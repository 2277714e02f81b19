import type { Component } from 'vue'
import type { JobSummary, TargetKind } from '../../domain/jobs'
import { jobKindSpec } from '../../domain/write-targets'
import AttendanceUndo from '../attendance/AttendanceUndo.vue'
import PayrollRevert from '../payroll/PayrollRevert.vue'

/** Each target's view for taking a finished job back (src/domain/write-targets.ts says which kinds can be). */
const TAKE_BACK_VIEWS: Record<TargetKind, Component> = {
  payroll: PayrollRevert,
  attendance: AttendanceUndo,
}

/** The take-back view for a job, or null when its kind cannot be taken back. */
export function takeBackView(job: Pick<JobSummary, 'kind'>): Component | null {
  const spec = jobKindSpec(job.kind)
  return spec.takeBack ? TAKE_BACK_VIEWS[spec.target as TargetKind] : null
}
