import { Hono } from 'hono'
import { z } from 'zod'
import { ownerOf, type Session, type SessionService } from '../auth/sessions'
import type { UserTokens } from '../auth/user-tokens'
import type { Clock } from '../clock'
import type { FeishuClient } from '../feishu/client'
import { feishuToAppError } from '../feishu/errors-to-app'
import type { Pacer } from '../jobs/pacer'
import { requireSession, type CookieOptions } from '../middleware/session'
import { bodyOf, validateJson } from '../middleware/validate'
import { listDatasources } from '../targets/payroll/datasources'
import { employeeResolver } from '../targets/payroll/resolve-employees'
import { readCurrentRecords, readPeriodPair } from '../targets/payroll/records'
import { previousKey } from '../../src/domain/payroll-checks'
import { readPeriodGuard } from '../targets/payroll/period-guard'
import { payrollAuditWorkbook } from '../targets/payroll/audit'
import { prefilledTemplate, prefillFileName } from '../targets/payroll/prefill'
import type { JobsRepo } from '../store/jobs-repo'
import { payrollKeyOf, payrollKeyProblem, type PayrollPeriodType } from '../../src/domain/payroll'
import type { PayrollKey } from '../../src/domain/jobs'

const resolveBody = z.strictObject({ by: z.enum(['employee_no', 'work_email']), values: z.array(z.string().trim().min(1).max(200)).min(1).max(1000) })

const KEY_MESSAGE = {
  wrong_dimension: 'Give payroll_period, occur_day, or custom_start and custom_end — exactly one of them.',
  bad_month: 'Expected a month written yyyy-mm.',
  too_early: 'Expected a month written yyyy-mm.',
  bad_date: 'Expected a day written yyyy-mm-dd.',
  end_before_start: 'custom_end is before custom_start.',
} as const

/** The dimension a key names by its fields; the key rule itself (payrollKeyProblem) is src/domain's. */
const dimensionOf = (k: PayrollKey): PayrollPeriodType => (k.custom_start !== undefined || k.custom_end !== undefined ? 3 : k.occur_day !== undefined ? 2 : 1)

/** The time part of a key: the fields of one dimension (§4.2, §4.3). */
const keyFields = {
  payroll_period: z.string().max(7).optional(),
  occur_day: z.string().max(10).optional(),
  custom_start: z.string().max(10).optional(),
  custom_end: z.string().max(10).optional(),
}

/** Exactly one dimension, well formed by the domain's key rule (payrollKeyProblem). */
function checkKey(b: PayrollKey, ctx: z.RefinementCtx): void {
  const given = [b.payroll_period !== undefined, b.occur_day !== undefined, b.custom_start !== undefined || b.custom_end !== undefined].filter(Boolean).length
  const problem = given === 1 ? payrollKeyProblem(dimensionOf(b), b) : { field: 'payroll_period' as const, code: 'wrong_dimension' as const }
  if (problem) ctx.addIssue({ code: 'custom', path: [problem.field], message: KEY_MESSAGE[problem.code] })
}

/** The records a file's employments have now under a key (the diff). */
const recordsBody = z.strictObject({
  source_code: z.string().min(1).max(128),
  ...keyFields,
  employment_ids: z.array(z.string().min(1).max(128)).min(1).max(1000),
}).superRefine(checkKey)

/** The time part of a key alone (the period guard's question). */
const keyBody = z.strictObject(keyFields).superRefine(checkKey)

/** A key's records and the previous period's (diff and variance), part by part: `cursor` is the previous part's. */
const pairBody = z.strictObject({ source_code: z.string().min(1).max(128), ...keyFields, cursor: z.string().max(256).optional() }).superRefine(checkKey)

/** The pre-filled template: everyone the person may see (no `people`), or the people of their list. */
const prefillBody = z.strictObject({
  source_code: z.string().min(1).max(128),
  ...keyFields,
  by: z.enum(['employee_no', 'work_email', 'employment_id']),
  people: z.array(z.string().trim().min(1).max(200)).min(1).max(1000).optional(),
  locale: z.enum(['zh-CN', 'en-US']),
}).superRefine(checkKey)

/** A workbook download: `ascii` for old clients, `name` (any script) in filename*; never cached. */
function xlsxDownload(book: Uint8Array, ascii: string, name = ascii): Response {
  return new Response(Buffer.from(book), { headers: {
    'content-type': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    'content-disposition': `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`,
    'cache-control': 'no-store',
  } })
}

/** Mounted at /api/payroll: reads the person may make before a payroll import. */
export function payrollRoutes(deps: { sessions: SessionService; cookie: CookieOptions; tokens: UserTokens; feishu: FeishuClient; pacer: Pacer; clock: Clock; jobs?: JobsRepo }) {
  const { feishu, pacer, tokens } = deps
  const resolve = employeeResolver(feishu, pacer, deps.clock)
  const token = (c: { get(k: 'session'): Session }) => tokens.get(ownerOf(c.get('session')))
  const asPerson = <T,>(read: () => Promise<T>) => read().catch((e: unknown) => { throw feishuToAppError(e, 'payroll') })

  return new Hono()
    .use(requireSession(deps.sessions, deps.cookie))
    .get('/datasources', async (c) => c.json({ datasources: await asPerson(async () => listDatasources(feishu, pacer, await token(c))) }))
    // The app's own identity, read-only, for exactly the identifiers in the person's file (§5).
    .post('/resolve', validateJson(resolveBody), async (c) => {
      const body = bodyOf(c, resolveBody)
      return c.json({ results: await asPerson(() => resolve(c.get('session').user.tenantKey, body.by, body.values)) })
    })
    // Every record of the period the person may see and of the period just before (same length),
    // read in one query where Feishu's window allows: the diff and the variance warnings.
    .post('/period-records', validateJson(pairBody), async (c) => {
      const body = bodyOf(c, pairBody)
      const key = payrollKeyOf(body)
      const previous = previousKey(key)
      const part = await asPerson(async () => readPeriodPair(feishu, pacer, await token(c), body.source_code, key, previous, body.cursor ?? null))
      return c.json({ key, previous_key: previous, ...part })
    })
    // Warns before writing into a period whose payment activity is approved or archived.
    .post('/period-guard', validateJson(keyBody), async (c) => {
      const body = bodyOf(c, keyBody)
      return c.json({ guard: await asPerson(async () => readPeriodGuard(feishu, pacer, await token(c), payrollKeyOf(body))) })
    })
    // The person's own payroll jobs as an audit workbook (never anyone else's; no token in it).
    .get('/audit.xlsx', async (c) => {
      if (!deps.jobs) throw new Error('payroll routes mounted without the job store')
      const session = c.get('session')
      const locale = c.req.query('locale') === 'zh-CN' ? 'zh-CN' : 'en-US'
      const book = await payrollAuditWorkbook(deps.jobs, ownerOf(session), session.user, locale)
      return xlsxDownload(book, 'payroll-audit.xlsx', locale === 'zh-CN' ? '薪酬任务审计.xlsx' : 'payroll-audit.xlsx')
    })
    // The template filled with Feishu's current values, read with the person's own token.
    .post('/prefilled.xlsx', validateJson(prefillBody), async (c) => {
      const body = bodyOf(c, prefillBody)
      const tenant = c.get('session').user.tenantKey
      const key = payrollKeyOf(body)
      const book = await asPerson(async () => prefilledTemplate({ feishu, pacer, resolve: (by, values) => resolve(tenant, by, values) }, await token(c), {
        sourceCode: body.source_code, key, by: body.by, people: body.people ?? null, locale: body.locale,
      }))
      return xlsxDownload(book, prefillFileName(body.source_code, key))
    })
    .post('/records', validateJson(recordsBody), async (c) => {
      const body = bodyOf(c, recordsBody)
      return c.json({ records: await asPerson(async () => readCurrentRecords(feishu, pacer, await token(c), body.source_code, payrollKeyOf(body), body.employment_ids)) })
    })
}
