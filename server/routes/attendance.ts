import { Hono } from 'hono'
import { z } from 'zod'
import { listRules, reportTarget } from '../attendance/report-fields'
import { ownerOf, type Session, type SessionService } from '../auth/sessions'
import type { UserTokens } from '../auth/user-tokens'
import { AppError } from '../errors'
import type { FeishuClient } from '../feishu/client'
import { feishuToAppError } from '../feishu/errors-to-app'
import type { Pacer } from '../jobs/pacer'
import { requireSession, type CookieOptions } from '../middleware/session'

const fieldsQuery = z.object({ month: z.string().regex(/^\d{4}(0[1-9]|1[0-2])$/), employee_type: z.enum(['employee_id', 'employee_no']).default('employee_no') })

/** Mounted at /api/attendance: the rules and report headers, read with the person's own token. */
export function attendanceRoutes(deps: { sessions: SessionService; cookie: CookieOptions; tokens: UserTokens; feishu: FeishuClient; pacer: Pacer }) {
  const { feishu, pacer, tokens } = deps
  const token = (c: { get(k: 'session'): Session }) => tokens.get(ownerOf(c.get('session')))

  return new Hono()
    .use(requireSession(deps.sessions, deps.cookie))
    .get('/rules', async (c) => {
      try {
        return c.json({ rules: await listRules(feishu, pacer, await token(c)) })
      } catch (e) {
        throw feishuToAppError(e, 'attendance')
      }
    })
    .get('/rules/:id/fields', async (c) => {
      const q = fieldsQuery.safeParse(c.req.query())
      if (!q.success) throw new AppError(400, 'invalid_request', 'month (yyyyMM) and employee_type are needed.')
      const ruleId = c.req.param('id')
      if (!/^[A-Za-z0-9_-]{1,64}$/.test(ruleId)) throw new AppError(400, 'invalid_request', 'Bad archive rule id.')
      const session = c.get('session')
      const userToken = await token(c)
      try {
        // operator_id is the signed-in person, typed by employee_type (§3.2) — never from the request.
        const operatorId = q.data.employee_type === 'employee_id' ? session.user.userId : (await feishu.userInfo(userToken)).employee_no
        if (!operatorId) throw new AppError(403, 'scope_missing', 'Feishu did not tell the app your user ID or employee number.', { scopes: [q.data.employee_type === 'employee_id' ? 'contact:user.employee_id:readonly' : 'contact:user.employee:readonly'] })
        return c.json(await reportTarget(feishu, pacer, userToken, { ruleId, month: q.data.month, employeeType: q.data.employee_type, operatorId }))
      } catch (e) {
        throw feishuToAppError(e, 'attendance')
      }
    })
}
