import { Hono, type Context } from 'hono'
import { z } from 'zod'
import { TAKE_BACK_ACTIONS } from '../../src/domain/write-targets'
import { ownerOf, type SessionService } from '../auth/sessions'
import { AppError } from '../errors'
import { appendRows, appendRowsBody, createJob, createJobBody, startDraft, type CreateDeps } from '../jobs/create'
import { jobWithRows, listJobs, listQuery, rowsQuery, summaryOf } from '../jobs/listing'
import type { ProgressStreams } from '../jobs/progress-stream'
import type { JobRunner } from '../jobs/runner'
import { takeBack } from '../jobs/take-back'
import { requireSession, type CookieOptions } from '../middleware/session'
import { bodyOf, queryOf, validateJson, validateQuery } from '../middleware/validate'
import type { JobRow, JobsRepo } from '../store/jobs-repo'
import type { ApprovalService } from '../approval/service'

/** Taking a job back: `dry_run` answers the plan only. The body may be left out. */
const takeBackBody = z.object({ dry_run: z.boolean().optional() })

const PAST_TENSE = { pause: 'paused', resume: 'resumed', cancel: 'cancelled' } as const

export function jobRoutes(deps: CreateDeps & { sessions: SessionService; cookie: CookieOptions; runner: JobRunner; streams: ProgressStreams; repo: JobsRepo; approvals?: ApprovalService }) {
  const { repo, runner } = deps
  const auth = requireSession(deps.sessions, deps.cookie)

  /** Mounted at /api/jobs. Another person's job, or no job: the same 404, so ids reveal nothing. */
  async function ownJob(c: Context): Promise<JobRow> {
    const s = c.get('session')
    const job = await repo.get(c.req.param('id') ?? '')
    if (!job || job.tenant_key !== s.user.tenantKey || job.owner_open_id !== s.user.openId) throw new AppError(404, 'job_not_found', 'No such job.')
    return job
  }
  const fresh = async (id: string) => summaryOf(repo, (await repo.get(id))!)

  return new Hono()
    .use(auth)
    .post('/', validateJson(createJobBody), async (c) => {
      const { job, created } = await createJob(deps, c.get('session'), bodyOf(c, createJobBody))
      if (created) runner.kick(job.id)
      return c.json({ job: await summaryOf(repo, job) }, created ? 201 : 200)
    })
    .get('/', validateQuery(listQuery), async (c) => c.json(await listJobs(repo, ownerOf(c.get('session')), queryOf(c, listQuery))))
    .get('/:id', validateQuery(rowsQuery), async (c) => c.json(await jobWithRows(repo, await ownJob(c), queryOf(c, rowsQuery))))
    .get('/:id/events', async (c) => deps.streams.open(c, await ownJob(c)))
    .post('/:id/rows', validateJson(appendRowsBody), async (c) => {
      const job = await ownJob(c)
      await appendRows(deps, c.get('session'), job, bodyOf(c, appendRowsBody))
      return c.json({ job: await fresh(job.id) })
    })
    .post('/:id/start', async (c) => {
      const job = await ownJob(c)
      await startDraft(deps, job)
      runner.kick(job.id)
      return c.json({ job: await fresh(job.id) })
    })
    .post('/:id/:action{cancel|pause|resume}', async (c) => {
      const job = await ownJob(c)
      const action = c.req.param('action') as keyof typeof PAST_TENSE
      if (!(await runner[action](job.id))) throw new AppError(409, 'job_state_conflict', `A ${job.status} job cannot be ${PAST_TENSE[action]}.`)
      // A job cancelled while it waited: its approval is withdrawn in Feishu too.
      if (action === 'cancel' && job.status === 'awaiting_approval') await deps.approvals?.withdraw(job)
      return c.json({ job: await fresh(job.id) })
    })
    // The take-back actions of the registry (revert, undo); a job whose kind has not this one answers 409.
    .post(`/:id/:action{${TAKE_BACK_ACTIONS.join('|')}}`, validateJson(takeBackBody, { allowEmpty: true }), async (c) => {
      const action = c.req.param('action')
      const result = await takeBack(deps, c.get('session'), await ownJob(c), action, bodyOf(c, takeBackBody).dry_run === true)
      if ('plan' in result) return c.json({ plan: result.plan })
      if (result.created) runner.kick(result.job.id)
      return c.json({ job: await summaryOf(repo, result.job) }, result.created ? 201 : 200)
    })
}
