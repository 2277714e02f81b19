// §4 payroll external datasource family: list datasources, save records (with the per-datasource
// serial-write lock), query records.
import { hasPayrollRole } from '../payroll/access'
import { listPaymentActivities } from '../payroll/payment-activities'
import { queryRecords } from '../payroll/query'
import { activeDatasource, applySave, parseSaveBody, validateSave } from '../payroll/save'
import { APIS } from '../platform/apis'
import type { Principal } from '../platform/auth-gate'
import { FeishuError, ok } from '../platform/envelope'
import { mountApi, type ApiContext, type SandboxApp } from '../platform/pipeline'
import { decodePageToken, encodePageToken, parseIntParam } from '../platform/params'
import type { Datasource } from '../seed/datasources'
import type { SandboxState } from '../state'

function principalOf(ctx: ApiContext): Principal {
  if (!ctx.principal) throw new Error('payroll APIs are mounted with token auth')
  return ctx.principal
}

const LOCK_FAILED = () => new FeishuError(200, 2500021, 'The data source is writing data, acquiring lock failed')

function publicDatasource(ds: Datasource) {
  return {
    code: ds.code,
    i18n_names: ds.i18n_names,
    active_status: ds.active_status,
    fields: ds.fields.map((f) => ({
      code: f.code,
      i18n_names: f.i18n_names,
      field_type: f.field_type,
      active_status: f.active_status,
      ...(f.i18n_description ? { i18n_description: f.i18n_description } : {}),
      ...(f.decimal_places !== undefined ? { decimal_places: f.decimal_places } : {}),
    })),
    ...(ds.i18n_description ? { i18n_description: ds.i18n_description } : {}),
    data_period_type: ds.data_period_type,
  }
}

function list(ctx: ApiContext) {
  const { state, c } = ctx
  const pageSize = parseIntParam(c.req.query('page_size'))
  if (pageSize === undefined || pageSize < 1 || pageSize > 100) throw new FeishuError(400, 2500002, 'param invalid: page_size must be 1-100')
  const offset = decodePageToken(c.req.query('page_token'))
  if (offset === null) throw new FeishuError(400, 2500002, 'param invalid: page_token invalid')
  // UNCONFIRMED: a user without any payroll role gets the gateway's "token no permission" (HTTP 400)
  // rather than an empty list, so the app can tell "no role" from "no datasources".
  if (!hasPayrollRole(state, principalOf(ctx))) throw new FeishuError(400, 99991676, 'token no permission')
  const all = [...state.datasources.values()]
  const hasMore = offset + pageSize < all.length
  return ok({
    datasources: all.slice(offset, offset + pageSize).map(publicDatasource),
    has_more: hasMore,
    ...(hasMore ? { page_token: encodePageToken(offset + pageSize) } : {}),
  })
}

async function save(ctx: ApiContext) {
  const { state } = ctx
  const principal = principalOf(ctx)
  const input = parseSaveBody(ctx.body)
  const ds = activeDatasource(state, input.source_code)
  // "单个数据源只能串行批量写入": a save that finds another one in progress fails at once.
  if (state.payrollLocks.has(ds.code) || state.injector.take(state.knobs, ctx.spec.id, ['lock2500021'])) throw LOCK_FAILED()
  state.payrollLocks.add(ds.code)
  try {
    await ctx.latency() // held inside the lock: a slow save blocks its datasource for its whole duration
    const prepared = validateSave(state, principal, ds, input)
    return ok({ affect_counts: String(applySave(state, ds, prepared)) })
  } finally {
    state.payrollLocks.delete(ds.code)
  }
}

function query(ctx: ApiContext) {
  const { c, state, body } = ctx
  return ok(queryRecords(state, principalOf(ctx), body, parseIntParam(c.req.query('page_size')), c.req.query('page_token')))
}

function paymentActivities(ctx: ApiContext) {
  return ok(listPaymentActivities(ctx.state, principalOf(ctx), new URL(ctx.c.req.url).searchParams))
}

export function mountPayrollRoutes(app: SandboxApp, state: SandboxState): void {
  mountApi(app, state, APIS['payment_activity.list'], paymentActivities)
  mountApi(app, state, APIS['datasource.list'], list)
  mountApi(app, state, APIS['datasource_record.save'], save, { selfLatency: true })
  mountApi(app, state, APIS['datasource_record.query'], query)
}
