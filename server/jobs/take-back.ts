import type { AttendanceDeleteRowInput, AttendanceRowInput, JobTarget, PayrollRowInput } from '../../src/domain/jobs'
import { FINAL_JOB_STATUSES, type JobStatus } from '../../src/domain/jobs'
import type { Session } from '../auth/sessions'
import { AppError } from '../errors'
import type { JobRow, JobsRepo } from '../store/jobs-repo'
import { insertJob, type CreateDeps } from './create'
import { loadRow, type LoadedRow } from './job-context'

export interface RevertPlan { restore: number; stop: number; cannot_clear: number }

/**
 * Taking a payroll job back (Feishu has no delete, §4.2): a record that existed before gets the
 * values it had back, for the fields the job wrote; a record the job created is stopped
 * (active_status 2). A field the job filled that was empty before cannot be emptied again (a value
 * is never an empty string), so it keeps the job's value — counted as `cannot_clear`.
 */
export function planRevert(rows: LoadedRow<PayrollRowInput>[]): { plan: RevertPlan; rows: PayrollRowInput[] } {
  const plan: RevertPlan = { restore: 0, stop: 0, cannot_clear: 0 }
  const out: PayrollRowInput[] = []
  for (const r of rows) {
    if ((r.status !== 'succeeded' && r.status !== 'partial') || r.before === undefined) continue
    const written = Object.entries(r.input.values).filter(([, v]) => v !== null && v !== '')
    if (r.before === null) {
      plan.stop++
      out.push({ row: r.row, employment_id: r.input.employment_id, active_status: 2, values: {} })
      continue
    }
    const values: Record<string, string | null> = {}
    let changes = 0
    for (const [code, v] of written) {
      const old = r.before.values[code]
      if (old === undefined || old === '') plan.cannot_clear++
      else if (old !== v) { values[code] = old; changes++ }
    }
    const status = r.before.active_status === 2 ? 2 : 1
    if (changes === 0 && status === (r.input.active_status ?? 1)) continue
    plan.restore++
    out.push({ row: r.row, employment_id: r.input.employment_id, active_status: status, values })
  }
  return { plan, rows: out }
}

function finishedOwnJob(job: JobRow, kind: string): void {
  if (job.kind !== kind) throw new AppError(409, 'job_state_conflict', `Only a ${kind} job can be taken back this way.`)
  if (!FINAL_JOB_STATUSES.includes(job.status as JobStatus)) {
    throw new AppError(409, 'job_state_conflict', 'Wait until the job has finished (or cancel it) before taking it back.')
  }
}

async function allRows<I extends PayrollRowInput | AttendanceRowInput>(repo: JobsRepo, jobId: string): Promise<LoadedRow<I>[]> {
  const out: LoadedRow<I>[] = []
  let after = -1
  for (;;) {
    const page = await repo.listRows(jobId, null, after, 5000)
    out.push(...page.map((r) => loadRow<I>(r)))
    if (page.length < 5000) return out
    after = page[page.length - 1]!.idx
  }
}

export async function revertPayrollJob(deps: CreateDeps, session: Session, job: JobRow, dryRun: boolean) {
  finishedOwnJob(job, 'payroll_save')
  const { plan, rows } = planRevert(await allRows<PayrollRowInput>(deps.repo, job.id))
  if (dryRun) return { plan }
  if (!rows.length) throw new AppError(409, 'nothing_to_revert', 'Nothing this job wrote can be taken back.')
  const fields = [...new Set(rows.flatMap((r) => Object.keys(r.values)))].sort()
  return insertJob(deps, session, { key: `revert:${job.id}`, kind: 'payroll_revert', target: JSON.parse(job.target_json) as JobTarget, rows, fields, source: { reverts_job_id: job.id }, employeeNo: null })
}

/**
 * Undoing an attendance upload deletes exactly the members' rows that job wrote (§3.4: Feishu
 * cannot read earlier values back, so a member's whole row for the month goes).
 */
export async function undoAttendanceJob(deps: CreateDeps, session: Session, job: JobRow, dryRun: boolean) {
  finishedOwnJob(job, 'attendance_upload')
  const written = (await allRows<AttendanceRowInput>(deps.repo, job.id)).filter((r) => r.status === 'succeeded' || r.status === 'partial')
  if (dryRun) return { plan: { members: written.length } }
  if (!written.length) throw new AppError(409, 'nothing_to_revert', 'This job wrote no member rows.')
  const rows: AttendanceDeleteRowInput[] = written.map((r) => ({ row: r.row, member_id: r.input.member_id }))
  return insertJob(deps, session, { key: `undo:${job.id}`, kind: 'attendance_delete', target: JSON.parse(job.target_json) as JobTarget, rows, fields: [], source: { reverts_job_id: job.id }, employeeNo: job.owner_employee_no })
}
