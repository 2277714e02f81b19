// Sandbox-only endpoints (never on real Feishu): personas, knobs, read-only inspection, client-side
// codes, reset and token controls. Errors here are plain `{ error: { code, message } }`.
import { z } from 'zod'
import { avatarSvg } from '../pages/avatar'
import { knobsPatchSchema } from '../platform/knobs'
import { registerRoute, type SandboxApp, type SandboxContext } from '../platform/pipeline'
import { sandboxUsers } from '../platform/user-tokens'
import { DEPARTMENTS, type DepartmentKey } from '../seed/departments'
import { PERSONAS } from '../seed/personas'
import type { SandboxState } from '../state'
import { archiveRows } from './attendance'
import { PAYMENT_ACTIVITY_STATUSES, type PaymentActivityStatus } from '../payroll/payment-activities'
import { activeDatasource, applySave, parseSaveBody, validateSave } from '../payroll/save'
import { FeishuError } from '../platform/envelope'

const json = (body: unknown, status = 200) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json; charset=utf-8' } })
const problem = (status: number, code: string, message: string, details?: unknown) =>
  json({ error: { code, message, ...(details === undefined ? {} : { details }) } }, status)

async function readJson(c: SandboxContext): Promise<unknown> {
  const text = await c.req.text()
  if (text.trim() === '') return {}
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}

const codesSchema = z.strictObject({
  user_id: z.string().min(1),
  kind: z.enum(['login', 'request_access']),
  app_id: z.string().optional(),
  scopes: z.array(z.string().min(1)).max(50).optional(),
})
const activityStatusSchema = z.strictObject({ activity_status: z.number().int().refine((n) => PAYMENT_ACTIVITY_STATUSES.includes(n as PaymentActivityStatus), 'a documented status') })
const editSchema = z.strictObject({ user_id: z.string().min(1), source_code: z.string().min(1), records: z.array(z.unknown()).min(1).max(50) })
const resetSchema = z.strictObject({ keepTokens: z.boolean().optional() })
const userSchema = z.strictObject({ user_id: z.string().min(1) })
const expireSchema = z.strictObject({ user_id: z.string().min(1), kind: z.enum(['access', 'refresh']).default('access') })

export function mountSandboxRoutes(app: SandboxApp, state: SandboxState): void {
  const route = (method: 'GET' | 'POST' | 'PUT', path: string, handler: (c: SandboxContext) => Promise<Response> | Response) => {
    registerRoute(app, method, path)
    app.on(method, path, handler)
  }
  const parse = async <T>(c: SandboxContext, schema: z.ZodType<T>): Promise<T | Response> => {
    const raw = await readJson(c)
    if (raw === undefined) return problem(400, 'invalid_json', 'body is not valid JSON')
    const r = schema.safeParse(raw)
    return r.success ? r.data : problem(400, 'invalid_body', 'body does not match the schema', r.error.issues)
  }

  route('GET', '/sandbox/users', (c) => json({ users: sandboxUsers(state, new URL(c.req.url).origin, PERSONAS) }))

  route('GET', '/sandbox/avatar/:file', (c) => {
    const file = c.req.param('file') ?? ''
    const userId = file.endsWith('.svg') ? file.slice(0, -4) : file
    const e = state.byUserId.get(userId)
    if (!e) return problem(404, 'not_found', `no user ${userId}`)
    const size = Number(c.req.query('size') ?? 240)
    return new Response(avatarSvg(e.user_id, e.name, Number.isFinite(size) && size > 0 && size <= 1024 ? size : 240), {
      headers: { 'content-type': 'image/svg+xml; charset=utf-8', 'cache-control': 'public, max-age=3600' },
    })
  })

  route('GET', '/sandbox/knobs', () => json(state.knobs))
  route('PUT', '/sandbox/knobs', async (c) => {
    const patch = await parse(c, knobsPatchSchema)
    if (patch instanceof Response) return patch
    return json(state.setKnobs(patch))
  })

  route('GET', '/sandbox/inspect/payroll', (c) => {
    const code = c.req.query('source_code') ?? ''
    const ds = state.datasources.get(code)
    if (!ds) return problem(404, 'not_found', `no datasource ${code}`)
    const records = [...(state.payroll.get(code)?.values() ?? [])].map((r) => ({
      employment_id: r.employment_id,
      period: r.period,
      active_status: r.active_status,
      values: Object.fromEntries(r.values),
    }))
    return json({ source_code: code, locked: state.payrollLocks.has(code), records })
  })

  route('GET', '/sandbox/payment-activities', () => json({ payment_activitys: state.paymentActivities }))

  // Moves a payment activity to another documented state (what payroll admins do in Feishu).
  route('PUT', '/sandbox/payment-activities/:activity_id', async (c) => {
    const body = await parse(c, activityStatusSchema)
    if (body instanceof Response) return body
    const a = state.paymentActivities.find((x) => x.activity_id === c.req.param('activity_id'))
    if (!a) return problem(404, 'not_found', `no payment activity ${c.req.param('activity_id')}`)
    a.activity_status = body.activity_status as PaymentActivityStatus
    return json(a)
  })

  // Another person edits payroll records in Feishu (e.g. in Feishu People's own screens): a save as
  // that persona, with the save API's own checks and that persona's row-level permission.
  route('POST', '/sandbox/payroll/edit', async (c) => {
    const body = await parse(c, editSchema)
    if (body instanceof Response) return body
    if (!state.byUserId.has(body.user_id)) return problem(404, 'not_found', `no user ${body.user_id}`)
    try {
      const input = parseSaveBody({ source_code: body.source_code, records: body.records })
      const ds = activeDatasource(state, input.source_code)
      const prepared = validateSave(state, { kind: 'user', appId: state.appId, tenantKey: state.tenantKey, userId: body.user_id, scopes: [], token: '' }, ds, input)
      return json({ affect_counts: applySave(state, ds, prepared) })
    } catch (e) {
      if (e instanceof FeishuError) return problem(400, 'refused', e.message, { code: e.code })
      throw e
    }
  })

  route('GET', '/sandbox/inspect/archive', (c) => {
    const ruleId = c.req.query('archive_rule_id') ?? ''
    const month = c.req.query('month') ?? ''
    if (!state.rules.has(ruleId)) return problem(404, 'not_found', `no archive rule ${ruleId}`)
    return json({ archive_rule_id: ruleId, month, rows: archiveRows(state, ruleId, month) })
  })

  route('GET', '/sandbox/inspect/calls', (c) => {
    const since = c.req.query('since') ?? c.req.query('since_seq')
    return json({
      calls: state.calls.list({
        ...(c.req.query('api') ? { api: c.req.query('api') } : {}),
        ...(c.req.query('user') ? { user: c.req.query('user') } : {}),
        ...(since && /^\d+$/.test(since) ? { sinceSeq: Number(since) } : {}),
      }),
    })
  })

  route('GET', '/sandbox/inspect/employees', (c) => {
    const dept = c.req.query('department')
    const status = c.req.query('status')
    const limit = Math.min(Math.max(Number(c.req.query('limit') ?? 50) || 50, 1), 5000)
    if (dept !== undefined && !DEPARTMENTS.some((d) => d.key === dept)) return problem(400, 'invalid_query', `department must be one of ${DEPARTMENTS.map((d) => d.key).join(', ')}`)
    const list = state.employees
      .filter((e) => (dept === undefined || e.department === (dept as DepartmentKey)) && (status === undefined || e.status === status))
      .slice(0, limit)
      .map(({ rights: _rights, persona: _persona, ...e }) => e)
    return json({ employees: list })
  })

  route('POST', '/sandbox/codes', async (c) => {
    const body = await parse(c, codesSchema)
    if (body instanceof Response) return body
    const user = state.byUserId.get(body.user_id)
    if (!user) return problem(404, 'not_found', `no user ${body.user_id}`)
    const appId = body.app_id ?? state.appId
    if (!state.apps.has(appId)) return problem(404, 'not_found', `no app ${appId}`)
    const scopes = [...new Set(body.scopes ?? [])]
    const notEnabled = scopes.filter((s) => !state.knobs.appScopes.includes(s))
    // What the client's requestAccess would refuse (the server-side 20027 of the authorize page).
    if (notEnabled.length) return json({ code: 20027, message: `The app has not enabled the requested scopes: ${notEnabled.join(' ')}` }, 400)
    // The user consents in the client → the grant accumulates like on the authorize page.
    state.tokens.grant(appId, user.user_id, scopes)
    const ttl = state.knobs.tokenTtl.clientCodeSec
    const rec = state.tokens.mintCode({ kind: body.kind, appId, userId: user.user_id, scopes, expiresAt: state.now() + ttl * 1000 })
    return json({ code: rec.code, expires_in: ttl })
  })

  route('POST', '/sandbox/reset', async (c) => {
    const body = await parse(c, resetSchema)
    if (body instanceof Response) return body
    state.reset({ keepTokens: body.keepTokens === true })
    return json({ ok: true })
  })

  route('POST', '/sandbox/revoke', async (c) => {
    const body = await parse(c, userSchema)
    if (body instanceof Response) return body
    state.tokens.revokeUser(body.user_id)
    return json({ ok: true })
  })

  route('POST', '/sandbox/expire-tokens', async (c) => {
    const body = await parse(c, expireSchema)
    if (body instanceof Response) return body
    return json({ expired: state.tokens.expireUser(body.user_id, body.kind, state.now()) })
  })
}
