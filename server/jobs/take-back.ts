import type { JobKind, JobTarget } from '../../src/domain/jobs'
import { FINAL_JOB_STATUSES, type JobStatus } from '../../src/domain/jobs'
import { takeBackKind } from '../../src/domain/write-targets'
import type { Session } from '../auth/sessions'
import { AppError } from '../errors'
import type { JobRow, JobsRepo } from '../store/jobs-repo'
import { jobModule } from '../targets'
import { insertJob, type CreateDeps } from './create'
import { loadRow, type LoadedRow } from './job-context'

async function allRows(repo: JobsRepo, jobId: string): Promise<LoadedRow[]> {
  const out: LoadedRow[] = []
  let after = -1
  for (;;) {
    const page = await repo.listRows(jobId, null, after, 5000)
    out.push(...page.map((r) => loadRow(r)))
    if (page.length < 5000) return out
    after = page[page.length - 1]!.idx
  }
}

/**
 * Takes a finished job back (`POST /api/jobs/:id/:action`, the action its kind names in
 * src/domain/write-targets.ts): its module plans what to write (payroll: earlier values back and
 * created records stopped; attendance: the members' rows deleted) and a new job of the take-back
 * kind writes it. `dryRun` answers the plan only. The same job taken back twice answers the first
 * take-back job (its idempotency key is the action and the job's id).
 */
export async function takeBack(deps: CreateDeps, session: Session, job: JobRow, action: string, dryRun: boolean) {
  const kind = job.kind as JobKind
  const backKind = takeBackKind(kind, action)
  const plan = jobModule(kind).planTakeBack
  if (!backKind || !plan) throw new AppError(409, 'job_state_conflict', `A ${kind} job cannot be taken back with ${action}.`)
  if (!FINAL_JOB_STATUSES.includes(job.status as JobStatus)) {
    throw new AppError(409, 'job_state_conflict', 'Wait until the job has finished (or cancel it) before taking it back.')
  }
  const planned = plan(await allRows(deps.repo, job.id))
  if (dryRun) return { plan: planned.plan }
  if (!planned.rows.length) throw new AppError(409, 'nothing_to_revert', 'Nothing this job wrote can be taken back.')
  const fields = [...new Set(planned.rows.flatMap((r) => ('values' in r ? Object.keys(r.values) : [])))].sort()
  return insertJob(deps, session, {
    key: `${action}:${job.id}`, kind: backKind, target: JSON.parse(job.target_json) as JobTarget, rows: planned.rows, fields,
    source: { reverts_job_id: job.id }, employeeNo: job.owner_employee_no,
  })
}
