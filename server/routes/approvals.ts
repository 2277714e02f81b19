import { Hono } from 'hono'
import type { JobRowInput, JobTarget, TargetKind } from '../../src/domain/jobs'
import type { ApprovalService } from '../approval/service'
import { ownerOf, type SessionService } from '../auth/sessions'
import type { UserTokens } from '../auth/user-tokens'
import { AppError } from '../errors'
import type { FeishuClient } from '../feishu/client'
import { feishuToAppError } from '../feishu/errors-to-app'
import type { Pacer } from '../jobs/pacer'
import { jobWithRows, rowsQuery } from '../jobs/listing'
import { requireSession, type CookieOptions } from '../middleware/session'
import { queryOf, validateQuery } from '../middleware/validate'
import type { JobsRepo } from '../store/jobs-repo'
import { targetModule } from '../targets'

/**
 * `GET /api/approvals/:id`: the read-only diff of a job for a person Feishu asked to approve it (the
 * link in the approval form). Everyone else gets the same 404 as for a job that does not exist. The
 * frozen rows are shown with the values the preparer's diff had before (what is approved); beside
 * them, what Feishu holds now as the approver may see it — read with the approver's own token, so
 * Feishu applies their data permissions (`now: null` = they may not see that record, or none exists).
 */
export function approvalRoutes(deps: { repo: JobsRepo; approvals: ApprovalService; sessions: SessionService; cookie: CookieOptions; feishu: FeishuClient; tokens: UserTokens; pacer: Pacer }) {
  return new Hono()
    .use(requireSession(deps.sessions, deps.cookie))
    .get('/:id', validateQuery(rowsQuery), async (c) => {
      const who = ownerOf(c.get('session'))
      const job = await deps.approvals.forApprover(c.req.param('id'), who)
      const view = await jobWithRows(deps.repo, job, queryOf(c, rowsQuery))
      const target = JSON.parse(job.target_json) as JobTarget
      const hooks = targetModule(target.type as TargetKind).approval
      if (!hooks) throw new AppError(404, 'job_not_found', 'No such job.')
      const page = (await deps.repo.listRows(job.id, null, queryOf(c, rowsQuery).cursor, queryOf(c, rowsQuery).limit)).map((r) => ({ idx: r.idx, input: JSON.parse(r.input_json) as JobRowInput }))
      let now: Array<unknown> | null = null
      let nowError: string | null = null
      try {
        const snap = await hooks.snapshot({ feishu: deps.feishu, pacer: deps.pacer, token: await deps.tokens.get(who) }, target, JSON.parse(job.fields_json) as string[], page)
        now = snap.before.map((b) => b.before)
      } catch (e) {
        const err = feishuToAppError(e, target.type)
        nowError = err instanceof AppError ? err.code : 'feishu_unavailable'
      }
      return c.json({ ...view, now, now_error: nowError })
    })
}
