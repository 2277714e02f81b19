import { Hono, type Context } from 'hono'
import { z } from 'zod'
import type { JobRowResult, RowStatus } from '../../src/domain/jobs'
import { ownerOf, type SessionService } from '../auth/sessions'
import { AppError } from '../errors'
import { appendRows, appendRowsBody, createJob, createJobBody, startDraft, toSummary, type CreateDeps } from '../jobs/create'
import type { ProgressStreams } from '../jobs/progress-stream'
import type { JobRunner } from '../jobs/runner'
import { requireSession, type CookieOptions } from '../middleware/session'
import { bodyOf, validateJson } from '../middleware/validate'
import type { JobRow, JobsRepo } from '../store/jobs-repo'
import { revertPayrollJob, undoAttendanceJob } from '../jobs/take-back'

const listQuery = z.object({ cursor: z.string().max(200).optional(), limit: z.coerce.number().int().min(1).max(100).default(20) })
const rowsQuery = z.object({
  status: z.enum(['pending', 'succeeded', 'partial', 'failed', 'cancelled']).optional(),
  cursor: z.coerce.number().int().min(-1).default(-1),
  limit: z.coerce.number().int().min(1).max(500).default(100),
})

export function jobRoutes(deps: CreateDeps & { sessions: SessionService; cookie: CookieOptions; runner: JobRunner; streams: ProgressStreams; repo: JobsRepo }) {
  const { repo, runner } = deps
  const auth = requireSession(deps.sessions, deps.cookie)

  /** Mounted at /api/jobs. Another person's job, or no job: the same 404, so ids reveal nothing. */
  async function ownJob(c: Context): Promise<JobRow> {
    const s = c.get('session')
    const job = await repo.get(c.req.param('id') ?? '')
    if (!job || job.tenant_key !== s.user.tenantKey || job.owner_open_id !== s.user.openId) throw new AppError(404, 'job_not_found', 'No such job.')
    return job
  }
  const summary = async (j: JobRow) => toSummary(j, await repo.counts(j.id))

  return new Hono()
    .use(auth)
    .post('/', validateJson(createJobBody), async (c) => {
      const { job, created } = await createJob(deps, c.get('session'), bodyOf(c, createJobBody))
      if (created) runner.kick(job.id)
      return c.json({ job: await summary(job) }, created ? 201 : 200)
    })
    .get('/', async (c) => {
      const q = listQuery.safeParse(c.req.query())
      if (!q.success) throw new AppError(400, 'invalid_request', 'Bad paging parameters.')
      const before = q.data.cursor ? decodeCursor(q.data.cursor) : null
      const jobs = await repo.listOwned(ownerOf(c.get('session')), before, q.data.limit + 1)
      const page = jobs.slice(0, q.data.limit)
      const last = page[page.length - 1]
      return c.json({ jobs: await Promise.all(page.map(summary)), next_cursor: jobs.length > q.data.limit && last ? encodeCursor(Number(last.created_at), last.id) : null })
    })
    .get('/:id', async (c) => {
      const job = await ownJob(c)
      const q = rowsQuery.safeParse(c.req.query())
      if (!q.success) throw new AppError(400, 'invalid_request', 'Bad filter or paging parameters.')
      const rows = await repo.listRows(job.id, (q.data.status ?? null) as RowStatus | null, q.data.cursor, q.data.limit + 1)
      const page = rows.slice(0, q.data.limit)
      const results: JobRowResult[] = page.map((r) => ({
        row: r.row, status: r.status as RowStatus, feishu_code: r.feishu_code, message: r.message,
        field_errors: r.field_errors_json ? JSON.parse(r.field_errors_json) : [], input: JSON.parse(r.input_json),
        ...(r.before_json !== null ? { before: JSON.parse(r.before_json) } : {}),
      }))
      return c.json({ job: await summary(job), rows: results, next_cursor: rows.length > q.data.limit ? page[page.length - 1]!.idx : null })
    })
    .get('/:id/events', async (c) => deps.streams.open(c, await ownJob(c)))
    .post('/:id/rows', validateJson(appendRowsBody), async (c) => {
      const job = await ownJob(c)
      await appendRows(deps, c.get('session'), job, bodyOf(c, appendRowsBody))
      return c.json({ job: await summary((await repo.get(job.id))!) })
    })
    .post('/:id/start', async (c) => {
      const job = await ownJob(c)
      await startDraft(deps, job)
      runner.kick(job.id)
      return c.json({ job: await summary((await repo.get(job.id))!) })
    })
    .post('/:id/:action{revert|undo}', async (c) => {
      const job = await ownJob(c)
      const raw = c.req.header('content-length') === '0' || !c.req.header('content-type') ? {} : await c.req.json().catch(() => { throw new AppError(400, 'invalid_json', 'The body is not valid JSON.') })
      const dryRun = (raw as { dry_run?: unknown }).dry_run === true
      const result = c.req.param('action') === 'revert'
        ? await revertPayrollJob(deps, c.get('session'), job, dryRun)
        : await undoAttendanceJob(deps, c.get('session'), job, dryRun)
      if ('plan' in result) return c.json({ plan: result.plan })
      if (result.created) runner.kick(result.job.id)
      return c.json({ job: await summary(result.job) }, result.created ? 201 : 200)
    })
    .post('/:id/:action{cancel|pause|resume}', async (c) => {
      const job = await ownJob(c)
      const action = c.req.param('action') as 'cancel' | 'pause' | 'resume'
      const ok = await runner[action](job.id)
      if (!ok) throw new AppError(409, 'job_state_conflict', `A ${job.status} job cannot be ${action === 'pause' ? 'paused' : action === 'resume' ? 'resumed' : 'cancelled'}.`)
      return c.json({ job: await summary((await repo.get(job.id))!) })
    })
}

function encodeCursor(createdAt: number, id: string): string {
  return Buffer.from(JSON.stringify([createdAt, id])).toString('base64url')
}

function decodeCursor(cursor: string): { createdAt: number; id: string } {
  try {
    const [createdAt, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString()) as [number, string]
    if (typeof createdAt === 'number' && typeof id === 'string') return { createdAt, id }
  } catch { /* fall through */ }
  throw new AppError(400, 'invalid_request', 'Bad cursor.')
}
