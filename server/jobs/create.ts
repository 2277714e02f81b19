import { randomUUID } from 'node:crypto'
import { z } from 'zod'
import { checkAttendanceDeleteRows, checkAttendanceRows, checkPayrollRows, type JobRowError } from '../../src/domain/job-rows'
import type { AttendanceDeleteRowInput, AttendanceRowInput, JobKind, JobRowInput, JobSummary, JobTarget, PayrollRowInput } from '../../src/domain/jobs'
import { payrollTarget } from '../../src/domain/payroll'
import type { Session } from '../auth/sessions'
import type { UserTokens } from '../auth/user-tokens'
import type { Clock } from '../clock'
import { AppError } from '../errors'
import type { Datasource, FeishuClient } from '../feishu/client'
import { FeishuError } from '../feishu/http'
import type { JobRow, JobsRepo } from '../store/jobs-repo'
import { planBatches } from './plan'
import { backoffMs, DEFAULT_RETRY } from './call'
import { isTransient } from '../feishu/classify'
import type { Pacer } from './pacer'
import { ROWS_PER_SLICE, yieldToLoop } from '../yield'

/** More rows than this in one job is refused: split the file. */
export const MAX_JOB_ROWS = 200_000

const id = z.string().trim().min(1).max(128)
const rowNo = z.number().int().min(0).max(10_000_000)
export const payrollRow = z.strictObject({ row: rowNo, employment_id: id, active_status: z.union([z.literal(1), z.literal(2)]).optional(), values: z.record(z.string().min(1).max(128), z.string().max(10_000).nullable()) })
export const attendanceRow = z.strictObject({ row: rowNo, member_id: id, start_time: z.string().max(8), end_time: z.string().max(8), values: z.record(z.string().min(1).max(128), z.string().max(10_000)) })
export const attendanceDeleteRow = z.strictObject({ row: rowNo, member_id: id })

/**
 * Unknown top-level keys are dropped, not refused: an `operator_id` (or an owner) in a request is
 * simply ignored — the operator is always the signed-in person.
 */
export const createJobBody = z.object({
  idempotency_key: z.string().min(8).max(100).regex(/^[A-Za-z0-9._:-]+$/),
  kind: z.enum(['payroll_save', 'payroll_revert', 'attendance_upload', 'attendance_delete']),
  target: z.discriminatedUnion('type', [
    // The time fields of the datasource's dimension (checked against its data_period_type below).
    z.strictObject({
      type: z.literal('payroll'), source_code: id,
      payroll_period: z.string().max(7).optional(), occur_day: z.string().max(10).optional(),
      custom_start: z.string().max(10).optional(), custom_end: z.string().max(10).optional(),
    }),
    z.strictObject({ type: z.literal('attendance'), archive_rule_id: id, month: z.string().max(6), employee_type: z.enum(['employee_id', 'employee_no']) }),
  ]),
  rows: z.array(z.unknown()).min(1).max(MAX_JOB_ROWS),
  source: z.strictObject({ file_name: z.string().max(300).optional(), sheet: z.string().max(300).optional(), reverts_job_id: z.string().max(64).optional() }).optional(),
  /**
   * A large import is sent in parts, so no request holds a whole file's rows: `draft: true` creates
   * the job with its first rows, `POST /api/jobs/:id/rows` appends, `POST /api/jobs/:id/start` queues it.
   */
  draft: z.boolean().optional(),
})

export const appendRowsBody = z.strictObject({ offset: z.number().int().min(0).max(MAX_JOB_ROWS), rows: z.array(z.unknown()).min(1).max(MAX_JOB_ROWS) })
export type CreateJobBody = z.infer<typeof createJobBody>

const TARGET_OF: Record<JobKind, JobTarget['type']> = { payroll_save: 'payroll', payroll_revert: 'payroll', attendance_upload: 'attendance', attendance_delete: 'attendance' }

/** `pacer`: job creation reads the datasource config too, within the same app-wide limit as the jobs. */
export interface CreateDeps { repo: JobsRepo; feishu: FeishuClient; tokens: UserTokens; clock: Clock; pacer: Pacer }

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
  if (TARGET_OF[body.kind] !== body.target.type) throw new AppError(400, 'invalid_request', `A ${body.kind} job needs a ${TARGET_OF[body.kind]} target.`)

  const token = await deps.tokens.get(owner)
  const { rows, fields } = await checkRows(deps, token, body.kind, body.target, body.rows)
  let employeeNo: string | null = null
  if (body.target.type === 'attendance' && body.target.employee_type === 'employee_no') {
    // operator_id is typed by employee_type: the owner's own employee number, never one from the request.
    employeeNo = (await deps.feishu.userInfo(token).catch(() => null))?.employee_no ?? null
  }

  return insertJob(deps, session, { key: body.idempotency_key, kind: body.kind, target: body.target, rows, fields, source: body.source ?? null, employeeNo, draft: body.draft === true })
}

/** The rows of one request, checked with the same src/domain rules as the app; errors refuse them all. */
async function checkRows(deps: CreateDeps, token: string, kind: JobKind, target: JobTarget, raw: unknown[]): Promise<{ rows: JobRowInput[]; fields: string[] }> {
  let rows: JobRowInput[]
  let errors: JobRowError[]
  let fields: string[]
  if (target.type === 'payroll') {
    const parsed = (await parseRows(raw, payrollRow)) as PayrollRowInput[]
    const schema = payrollTarget(await findDatasource(deps.feishu, deps.pacer, token, target.source_code))
    const checked = checkPayrollRows(schema, target, parsed)
    rows = checked.rows
    errors = checked.errors
    fields = [...new Set(checked.rows.flatMap((r) => Object.keys(r.values)))].sort()
  } else if (kind === 'attendance_upload') {
    const parsed = (await parseRows(raw, attendanceRow)) as AttendanceRowInput[]
    errors = checkAttendanceRows(target, parsed)
    rows = parsed
    fields = [...new Set(parsed.flatMap((r) => Object.keys(r.values)))].sort()
  } else {
    const parsed = (await parseRows(raw, attendanceDeleteRow)) as AttendanceDeleteRowInput[]
    errors = checkAttendanceDeleteRows(parsed)
    rows = parsed
    fields = []
  }
  if (errors.length) {
    throw new AppError(400, 'invalid_rows', `${errors.length} problem(s) in the rows; nothing was written.`, { total: errors.length, rows: errors.slice(0, 1000) })
  }
  return { rows, fields }
}

const keyOf = (r: JobRowInput): string | null => ('employment_id' in r ? r.employment_id : 'member_id' in r ? r.member_id : null)
const stored = (rows: JobRowInput[]) => rows.map((r) => ({ row: r.row, key: keyOf(r), input: r }))

/** Appends a part of a draft job's rows. Sending the same part again (a retry) changes nothing. */
export async function appendRows(deps: CreateDeps, session: Session, job: JobRow, body: z.infer<typeof appendRowsBody>): Promise<void> {
  if (job.status !== 'draft') throw new AppError(409, 'job_state_conflict', 'Rows can only be added to a job that has not started.')
  const count = Number(job.row_count)
  if (body.offset + body.rows.length <= count) return
  if (body.offset !== count) throw new AppError(409, 'job_state_conflict', `The job has ${count} rows; the next part must start there.`, { row_count: count })
  if (count + body.rows.length > MAX_JOB_ROWS) throw new AppError(400, 'invalid_request', `A job takes at most ${MAX_JOB_ROWS} rows; split the file.`)
  const target = JSON.parse(job.target_json) as JobTarget
  const { rows, fields } = await checkRows(deps, await deps.tokens.get({ tenantKey: session.user.tenantKey, openId: session.user.openId }), job.kind as JobKind, target, body.rows)
  const all = [...new Set([...(JSON.parse(job.fields_json) as string[]), ...fields])].sort()
  await deps.repo.appendRows(job.id, count, stored(rows), all, deps.clock.now())
}

/** Queues a draft job once all its parts are in: the key must be unique across all of them. */
export async function startDraft(deps: CreateDeps, job: JobRow): Promise<void> {
  if (job.status !== 'draft') throw new AppError(409, 'job_state_conflict', 'This job has already started.')
  const dupes = await deps.repo.duplicateKeys(job.id, 1000)
  if (dupes.length) {
    throw new AppError(400, 'invalid_rows', 'The same employee or member appears more than once; nothing was written.', {
      total: dupes.length, rows: dupes.map((d) => ({ row: d.row, field: job.kind.startsWith('payroll') ? 'employment_id' : 'member_id', code: 'duplicate_key', message: `${d.key} appears more than once.` })),
    })
  }
  const fields = JSON.parse(job.fields_json) as string[]
  if (!(await deps.repo.startDraft(job.id, planBatches(job.kind as JobKind, Number(job.row_count), fields.length), deps.clock.now()))) {
    throw new AppError(409, 'job_state_conflict', 'This job has already started.')
  }
}

/** Stores a checked job with its rows and planned batches; a raced duplicate key answers the other job. */
export async function insertJob(
  deps: CreateDeps, session: Session,
  j: { key: string; kind: JobKind; target: JobTarget; rows: JobRowInput[]; fields: string[]; source: JobSummary['source']; employeeNo: string | null; draft?: boolean },
): Promise<{ job: JobRow; created: boolean }> {
  const owner = { tenantKey: session.user.tenantKey, openId: session.user.openId }
  const { rows, fields } = j
  const now = deps.clock.now()
  const job: JobRow = {
    id: randomUUID(),
    tenant_key: owner.tenantKey,
    owner_open_id: owner.openId,
    owner_user_id: session.user.userId,
    owner_employee_no: j.employeeNo,
    idempotency_key: j.key,
    kind: j.kind,
    target_json: JSON.stringify(j.target),
    fields_json: JSON.stringify(fields),
    source_json: j.source ? JSON.stringify(j.source) : null,
    status: j.draft ? 'draft' : 'queued',
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
  }
  try {
    await deps.repo.insert(job, stored(rows), j.draft ? [] : planBatches(j.kind, rows.length, fields.length))
  } catch (e) {
    // Two requests with the same key raced: the other one won; answer its job.
    const raced = await deps.repo.byIdempotencyKey(owner, j.key)
    if (raced) return { job: raced, created: false }
    throw e
  }
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

async function findDatasource(feishu: FeishuClient, pacer: Pacer, token: string, code: string): Promise<Datasource> {
  let pageToken: string | undefined
  try {
    for (let page = 0; page < 100; page++) {
      const res = await withRetries(() => pacer.schedule('payroll.datasource.list', () => feishu.listDatasources(token, { pageSize: 100, pageToken })))
      const ds = res.items.find((d) => d.code === code)
      if (ds) {
        if (ds.active_status !== 1) throw new AppError(400, 'target_stopped', `The datasource ${code} is stopped in Feishu and cannot be written.`)
        return ds
      }
      if (!res.has_more || !res.page_token) break
      pageToken = res.page_token
    }
  } catch (e) {
    if (e instanceof FeishuError) {
      if (e.failure.kind === 'no_permission') throw new AppError(403, 'no_role', 'Feishu says you have no payroll data permission.', { feishuCode: e.code })
      if (e.failure.kind === 'scope_missing' || e.failure.kind === 'app_scope_missing') throw new AppError(403, e.failure.kind, 'A Feishu permission the app needs was not granted.', { feishuCode: e.code, scopes: e.failure.scopes })
      if (e.failure.kind === 'token_expired' || e.failure.kind === 'token_invalid') throw new AppError(401, 'reauth_required', 'Your Feishu authorization has ended; sign in again.')
      throw new AppError(503, 'feishu_unavailable', 'Feishu could not be reached. Try again shortly.', { feishuCode: e.code, logId: e.logId })
    }
    throw e
  }
  throw new AppError(400, 'unknown_target', `You have no datasource ${code} in Feishu (or no permission to see it).`)
}

/** A read at creation rides out a passing rate limit, 5xx or network error, as the jobs do. */
async function withRetries<T>(read: () => Promise<T>, attempts = 4): Promise<T> {
  for (let i = 0; ; i++) {
    try {
      return await read()
    } catch (e) {
      if (!(e instanceof FeishuError) || !isTransient(e.failure) || i + 1 >= attempts) throw e
      const wait = e.failure.kind === 'rate_limited' ? e.failure.retryAfterMs : backoffMs(i, DEFAULT_RETRY)
      await new Promise((ok) => setTimeout(ok, Math.min(wait, 5000)))
    }
  }
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
  }
}
