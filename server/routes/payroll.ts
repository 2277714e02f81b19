import { Hono } from 'hono'
import { z } from 'zod'
import { ownerOf, type SessionService } from '../auth/sessions'
import type { UserTokens } from '../auth/user-tokens'
import type { Clock } from '../clock'
import type { FeishuClient } from '../feishu/client'
import { feishuToAppError } from '../feishu/errors-to-app'
import type { Pacer } from '../jobs/pacer'
import { requireSession, type CookieOptions } from '../middleware/session'
import { bodyOf, validateJson } from '../middleware/validate'
import { listDatasources } from '../payroll/datasources'
import { employeeResolver } from '../payroll/resolve-employees'
import { readCurrentRecords } from '../payroll/current-records'
import { isIsoDay, payrollKeyOf } from '../../src/domain/payroll'

const resolveBody = z.strictObject({ by: z.enum(['employee_no', 'work_email']), values: z.array(z.string().trim().min(1).max(200)).min(1).max(1000) })
const day = z.string().refine(isIsoDay, 'Expected a day written yyyy-mm-dd.')
/** The time part of the key, as in a payroll job's target: exactly one dimension (§4.2, §4.3). */
const recordsBody = z.strictObject({
  source_code: z.string().min(1).max(128),
  payroll_period: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/).optional(),
  occur_day: day.optional(),
  custom_start: day.optional(),
  custom_end: day.optional(),
  employment_ids: z.array(z.string().min(1).max(128)).min(1).max(1000),
}).superRefine((b, ctx) => {
  const custom = b.custom_start !== undefined || b.custom_end !== undefined
  const dimensions = [b.payroll_period !== undefined, b.occur_day !== undefined, custom].filter(Boolean).length
  if (dimensions !== 1) ctx.addIssue({ code: 'custom', path: ['payroll_period'], message: 'Give payroll_period, occur_day, or custom_start and custom_end — exactly one of them.' })
  else if (custom && (b.custom_start === undefined || b.custom_end === undefined)) ctx.addIssue({ code: 'custom', path: [b.custom_start === undefined ? 'custom_start' : 'custom_end'], message: 'A custom period needs both custom_start and custom_end.' })
  else if (custom && b.custom_end! < b.custom_start!) ctx.addIssue({ code: 'custom', path: ['custom_end'], message: 'custom_end is before custom_start.' })
})

/** Mounted at /api/payroll: reads the person may make before a payroll import. */
export function payrollRoutes(deps: { sessions: SessionService; cookie: CookieOptions; tokens: UserTokens; feishu: FeishuClient; pacer: Pacer; clock: Clock }) {
  const { feishu, pacer, tokens } = deps
  const resolve = employeeResolver(feishu, pacer, deps.clock)
  const token = (c: { get(k: 'session'): import('../auth/sessions').Session }) => tokens.get(ownerOf(c.get('session')))

  return new Hono()
    .use(requireSession(deps.sessions, deps.cookie))
    .get('/datasources', async (c) => {
      try {
        return c.json({ datasources: await listDatasources(feishu, pacer, await token(c)) })
      } catch (e) {
        throw feishuToAppError(e, 'payroll')
      }
    })
    .post('/resolve', validateJson(resolveBody), async (c) => {
      const body = bodyOf(c, resolveBody)
      try {
        // The app's own identity, read-only, for exactly the identifiers in the person's file (§5).
        return c.json({ results: await resolve(c.get('session').user.tenantKey, body.by, body.values) })
      } catch (e) {
        throw feishuToAppError(e, 'payroll')
      }
    })
    .post('/records', validateJson(recordsBody), async (c) => {
      const body = bodyOf(c, recordsBody)
      const userToken = await token(c)
      try {
        return c.json({ records: await readCurrentRecords(feishu, pacer, userToken, body.source_code, payrollKeyOf(body), body.employment_ids) })
      } catch (e) {
        throw feishuToAppError(e, 'payroll')
      }
    })
}
