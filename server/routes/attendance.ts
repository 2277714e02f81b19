import { Hono } from 'hono'
import { z } from 'zod'
import { ownerOf, type Session, type SessionService } from '../auth/sessions'
import type { UserTokens } from '../auth/user-tokens'
import type { FeishuClient } from '../feishu/client'
import { feishuToAppError } from '../feishu/errors-to-app'
import type { Pacer } from '../jobs/pacer'
import { requireSession, type CookieOptions } from '../middleware/session'
import { paramsOf, queryOf, validateParams, validateQuery } from '../middleware/validate'
import { listRules, reportTarget } from '../targets/attendance/report'

const fieldsQuery = z.object({ month: z.string().regex(/^\d{4}(0[1-9]|1[0-2])$/), employee_type: z.enum(['employee_id', 'employee_no']).default('employee_no') })
const ruleParams = z.object({ id: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'Bad archive rule id.') })

/** Mounted at /api/attendance: the rules and report headers, read with the person's own token. */
export function attendanceRoutes(deps: { sessions: SessionService; cookie: CookieOptions; tokens: UserTokens; feishu: FeishuClient; pacer: Pacer }) {
  const { feishu, pacer, tokens } = deps
  const token = (c: { get(k: 'session'): Session }) => tokens.get(ownerOf(c.get('session')))
  const asPerson = <T,>(read: () => Promise<T>) => read().catch((e: unknown) => { throw feishuToAppError(e, 'attendance') })

  return new Hono()
    .use(requireSession(deps.sessions, deps.cookie))
    .get('/rules', async (c) => c.json({ rules: await asPerson(async () => listRules(feishu, pacer, await token(c))) }))
    .get('/rules/:id/fields', validateParams(ruleParams), validateQuery(fieldsQuery), async (c) => {
      const q = queryOf(c, fieldsQuery)
      const ruleId = paramsOf(c, ruleParams).id
      return c.json(await asPerson(async () => reportTarget(feishu, pacer, await token(c), c.get('session'), { ruleId, month: q.month, employeeType: q.employee_type })))
    })
}
