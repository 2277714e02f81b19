import { randomUUID } from 'node:crypto'
import { z } from 'zod'
import type { JobKind, JobRowInput, JobSummary, JobTarget, TargetKind } from '../../src/domain/jobs'
import { JOB_KIND_NAMES, jobKindSpec, planBatches, rowKey } from '../../src/domain/write-targets'
import type { JobRowError } from '../../src/domain/job-rows'
import { ownerOf, type Session } from '../auth/sessions'
import type { UserTokens } from '../auth/user-tokens'
import type { Clock } from '../clock'
import { AppError } from '../errors'
import type { FeishuClient } from '../feishu/client'
import { feishuToAppError } from '../feishu/errors-to-app'
import type { JobRow, JobsRepo } from '../store/jobs-repo'
import { jobModule, TARGETS } from '../targets'
import type { CheckContext } from '../targets/types'
import type { ApprovalGate } from '../approval/service'
import type { Pacer } from './pacer'
import { ROWS_PER_SLICE, yieldToLoop } from '../yield'

/** More rows than this in one job is refused: split the file. */
export const MAX_JOB_ROWS = 200_000

/**
 * Unknown top-level keys are dropped, not refused: an `operator_id` (or an owner) in a request is
 * simply ignored — the operator is always the signed-in person.
 */
export const createJobBody = z.object({
  idempotency_key: z.string().min(8).max(100).regex(/^[A-Za-z0-9._:-]+$/),
  kind: z.enum(JOB_KIND_NAMES),
  // Each target's own shape (server/targets), told apart by `type`.
  target: z.discriminatedUnion('type', Object.values(TARGETS).map((t) => t.targetSchema) as unknown as [z.ZodObject<{ type: z.ZodLiteral<string> }>]),
  rows: z.array(z.unknown()).min(1).max(MAX_JOB_ROWS),
  source: z.strictObject({
    file_name: z.string().max(300).optional(), sheet: z.string().max(300).optional(), reverts_job_id: z.string().max(64).optional(),
    // The audit's file fingerprint (shown in an approval's form too), the rows left out in the diff step,
    // and the target's own preparation checks (its module reads them: keepSource).
    file_sha256: z.string().regex(/^[0-9a-f]{64}$/, 'lower-case hex SHA-256').optional(), controls: z.unknown().optional(),
    excluded: z.number().int().min(0).max(MAX_JOB_ROWS).optional(),
  }).optional(),
  /**
   * A large import is sent in parts, so no request holds a whole file's rows: `draft: true` creates
   * the job with its first rows, `POST /api/jobs/:id/rows` appends, `POST /api/jobs/:id/start` queues it.
   */
  draft: z.boolean().optional(),
})

export const appendRowsBody = z.strictObject({ offset: z.number().int().min(0).max(MAX_JOB_ROWS), rows: z.array(z.unknown()).min(1).max(MAX_JOB_ROWS) })
export type CreateJobBody = z.infer<typeof createJobBody>

/**
 * `pacer`: job creation reads the datasource config too, within the same app-wide limit as the jobs.
 * `approvals`: kinds that wait for an approval in this deployment are submitted to Feishu instead of queued.
 */
export interface CreateDeps { repo: JobsRepo; feishu: FeishuClient; tokens: UserTokens; clock: Clock; pacer: Pacer; approvals?: ApprovalGate }

/**
 * Creates a job from an import: the rows are checked again here with the same src/domain rules
 * the app used; any error refuses the job with per-row errors. The same idempotency key answers
 * the job it created before.
 */
export async function createJob(deps: CreateDeps, session: Session, body: CreateJobBody): Promise<{ job: JobRow; created: boolean }> {
  const owner = { tenantKey: session.user.tenantKey, openId: session.user.openId }
  const existing = await deps.repo.byIdempotencyKey(owner, body.idempotency_key)
  if (existing) {
    if (existing.kind !== body.kind || existing.target_json !== JSON.stringify(body.target)) {
      throw new AppError(409, 'idempotency_conflict', 'This idempotency key was already used for a different job.')
    }
    return { job: existing, created: false }
  }
  const wanted = jobKindSpec(body.kind).target
  if (wanted !== body.target.type) throw new AppError(400, 'invalid_request', `A ${body.kind} job needs a ${wanted} target.`)
  const target = body.target as JobTarget
  const module = TARGETS[wanted as TargetKind]
  const source = body.source ? (module.keepSource ? module.keepSource(body.source) : withoutControls(body.source)) : null

  const ctx = { feishu: deps.feishu, pacer: deps.pacer, token: await deps.tokens.get(owner) }
  const { rows, fields } = await checkRows(ctx, body.kind, target, body.rows)
  // The owner's own IDs the calls need (operator_id), never ones from the request.
  const employeeNo = (await jobModule(body.kind).ownerEmployeeNo?.(ctx, target)) ?? null

  return insertJob(deps, session, { key: body.idempotency_key, kind: body.kind, target, rows, fields, source, employeeNo, draft: body.draft === true })
}

function withoutControls(source: NonNullable<CreateJobBody['source']>): JobSummary['source'] {
  const { controls: _unused, ...rest } = source
  return rest
}

/** The rows of one request, checked by the kind's module with the same src/domain rules as the app; errors refuse them all. */
async function checkRows(ctx: CheckContext, kind: JobKind, target: JobTarget, raw: unknown[]): Promise<{ rows: JobRowInput[]; fields: string[] }> {
  const m = jobModule(kind)
  let checked
  try {
    checked = await m.checkRows(ctx, target, (await parseRows(raw, m.rowSchema)) as JobRowInput[])
  } catch (e) {
    throw feishuToAppError(e, jobKindSpec(kind).target)
  }
  if (checked.errors.length) {
    const errors = checked.errors
    throw new AppError(400, 'invalid_rows', `${errors.length} problem(s) in the rows; nothing was written.`, { total: errors.length, rows: errors.slice(0, 1000) })
  }
  return { rows: checked.rows, fields: checked.fields }
}

const stored = (kind: JobKind, rows: JobRowInput[]) => rows.map((r) => ({ row: r.row, key: rowKey(kind, r), input: r }))

/** Appends a part of a draft job's rows. Sending the same part again (a retry) changes nothing. */
export async function appendRows(deps: CreateDeps, session: Session, job: JobRow, body: z.infer<typeof appendRowsBody>): Promise<void> {
  if (job.status !== 'draft') throw new AppError(409, 'job_state_conflict', 'Rows can only be added to a job that has not started.')
  const count = Number(job.row_count)
  if (body.offset + body.rows.length <= count) return
  if (body.offset !== count) throw new AppError(409, 'job_state_conflict', `The job has ${count} rows; the next part must start there.`, { row_count: count })
  if (count + body.rows.length > MAX_JOB_ROWS) throw new AppError(400, 'invalid_request', `A job takes at most ${MAX_JOB_ROWS} rows; split the file.`)
  const target = JSON.parse(job.target_json) as JobTarget
  const ctx = { feishu: deps.feishu, pacer: deps.pacer, token: await deps.tokens.get(ownerOf(session)) }
  const { rows, fields } = await checkRows(ctx, job.kind as JobKind, target, body.rows)
  const all = [...new Set([...(JSON.parse(job.fields_json) as string[]), ...fields])].sort()
  await deps.repo.appendRows(job.id, count, stored(job.kind as JobKind, rows), all, deps.clock.now())
}

/** Queues a draft job once all its parts are in: the key must be unique across all of them. */
export async function startDraft(deps: CreateDeps, job: JobRow): Promise<void> {
  if (job.status !== 'draft') throw new AppError(409, 'job_state_conflict', 'This job has already started.')
  const dupes = await deps.repo.duplicateKeys(job.id, 1000)
  if (dupes.length) {
    throw new AppError(400, 'invalid_rows', 'The same employee or member appears more than once; nothing was written.', {
      total: dupes.length, rows: dupes.map((d) => ({ row: d.row, field: jobKindSpec(job.kind as JobKind).keyField, code: 'duplicate_key', message: `${d.key} appears more than once.` })),
    })
  }
  const fields = JSON.parse(job.fields_json) as string[]
  const kind = job.kind as JobKind
  // A kind that waits for an approval is submitted in the background (the records are read then);
  // an approval Feishu cannot take at all (not configured, scope missing) refuses the start now.
  const gated = deps.approvals?.gated(kind) ?? false
  if (gated) await deps.approvals!.precheck(kind)
  if (!(await deps.repo.startDraft(job.id, planBatches(kind, Number(job.row_count), fields.length), deps.clock.now(), gated ? 'submitting' : 'queued'))) {
    throw new AppError(409, 'job_state_conflict', 'This job has already started.')
  }
  if (gated) deps.approvals!.kick(job.id)
}

/** Stores a checked job with its rows and planned batches; a raced duplicate key answers the other job. */
export async function insertJob(
  deps: CreateDeps, session: Session,
  j: { key: string; kind: JobKind; target: JobTarget; rows: JobRowInput[]; fields: string[]; source: JobSummary['source']; employeeNo: string | null; draft?: boolean },
): Promise<{ job: JobRow; created: boolean }> {
  const owner = { tenantKey: session.user.tenantKey, openId: session.user.openId }
  const { rows, fields } = j
  const id = randomUUID()
  // A kind that waits for an approval: one cheap call first, so an approval Feishu cannot take at all
  // stores nothing; the submission itself (reading every record) runs in the background.
  const submitted = !j.draft && (deps.approvals?.gated(j.kind) ?? false)
  if (submitted) await deps.approvals!.precheck(j.kind)
  const now = deps.clock.now()
  const job: JobRow = {
    id,
    tenant_key: owner.tenantKey,
    owner_open_id: owner.openId,
    owner_user_id: session.user.userId,
    owner_employee_no: j.employeeNo,
    idempotency_key: j.key,
    kind: j.kind,
    target_json: JSON.stringify(j.target),
    fields_json: JSON.stringify(fields),
    source_json: j.source ? JSON.stringify(j.source) : null,
    status: j.draft ? 'draft' : submitted ? 'submitting' : 'queued',
    pause_reason: null,
    error_json: null,
    affect_count: 0,
    calls: 0,
    row_count: rows.length,
    lease_owner: null,
    lease_until: null,
    created_at: now,
    updated_at: now,
    started_at: null,
    finished_at: null,
    approval_json: null,
    submission_json: null,
  }
  try {
    await deps.repo.insert(job, stored(j.kind, rows), j.draft ? [] : planBatches(j.kind, rows.length, fields.length))
  } catch (e) {
    // Two requests with the same key raced: the other one won; answer its job.
    const raced = await deps.repo.byIdempotencyKey(owner, j.key)
    if (raced) return { job: raced, created: false }
    throw e
  }
  if (submitted) deps.approvals!.kick(job.id)
  return { job, created: true }
}

/**
 * Parses the rows in place: each raw row is replaced by its parsed copy at once, so a 100,000-row
 * job never holds two copies of its rows (memory, issue 3 §8).
 */
async function parseRows(rows: unknown[], schema: z.ZodType): Promise<unknown[]> {
  const problems: JobRowError[] = []
  for (let i = 0; i < rows.length; i++) {
    if (i > 0 && i % ROWS_PER_SLICE === 0) await yieldToLoop()
    const r = rows[i]
    const p = schema.safeParse(r)
    if (p.success) rows[i] = p.data
    else for (const issue of p.error.issues.slice(0, 3)) problems.push({ row: (r as { row?: number } | null)?.row ?? i, field: issue.path.join('.') || null, code: 'invalid_request', message: issue.message })
  }
  if (problems.length) throw new AppError(400, 'invalid_rows', `${problems.length} row(s) are malformed; nothing was written.`, { total: problems.length, rows: problems.slice(0, 1000) })
  return rows
}

export function toSummary(j: JobRow, counts: JobSummary['counts']): JobSummary {
  return {
    id: j.id,
    kind: j.kind as JobKind,
    status: j.status as JobSummary['status'],
    target: JSON.parse(j.target_json) as JobTarget,
    pause_reason: j.pause_reason as JobSummary['pause_reason'],
    error: j.error_json ? (JSON.parse(j.error_json) as JobSummary['error']) : null,
    counts,
    affect_count: Number(j.affect_count),
    calls: Number(j.calls),
    source: j.source_json ? (JSON.parse(j.source_json) as JobSummary['source']) : null,
    created_at: Number(j.created_at),
    updated_at: Number(j.updated_at),
    started_at: j.started_at == null ? null : Number(j.started_at),
    finished_at: j.finished_at == null ? null : Number(j.finished_at),
    approval: j.approval_json ? (JSON.parse(j.approval_json) as JobSummary['approval']) : null,
    submission_waiting: j.status === 'submitting' && j.submission_json ? ((JSON.parse(j.submission_json) as { waiting?: JobSummary['submission_waiting'] }).waiting ?? null) : null,
  }
}
