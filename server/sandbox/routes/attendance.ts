// §3 attendance archive-report family: list rules, report headers, upload rows, delete rows.
import { checkOperator, findRule, generic, idOf, isYmd, MONTH_RE, paramInvalid, readEmployeeType, resolveEmployee, ruleInScope, type EmployeeType } from '../attendance/rules'
import { APIS } from '../platform/apis'
import type { Principal } from '../platform/auth-gate'
import { isRecord } from '../platform/body'
import { ok } from '../platform/envelope'
import { mountApi, type ApiContext, type SandboxApp } from '../platform/pipeline'
import { decodePageToken, encodePageToken, isStringArray, nonEmpty, parseIntParam, str } from '../platform/params'
import type { ArchiveRule, I18nText } from '../seed/archive-rules'
import type { SandboxState } from '../state'

function principalOf(ctx: ApiContext): Principal {
  if (!ctx.principal) throw new Error('attendance APIs are mounted with token auth')
  return ctx.principal
}

function list(ctx: ApiContext) {
  const { state, c } = ctx
  const principal = principalOf(ctx)
  // The doc's table marks page_size optional but its text says required (§3.1): required here.
  const pageSize = parseIntParam(c.req.query('page_size'))
  if (pageSize === undefined || pageSize < 1 || pageSize > 50) throw paramInvalid('page_size invalid')
  const offset = decodePageToken(c.req.query('page_token'))
  if (offset === null) throw paramInvalid('page_token invalid')
  let rules = [...state.rules.values()]
  if (principal.kind === 'user') {
    const user = state.byUserId.get(principal.userId)
    if (!user || user.rights.attendanceRules === 'none') throw generic('auth no permission')
    rules = rules.filter((r) => ruleInScope(user, r.archive_rule_id))
  }
  const page = rules.slice(offset, offset + pageSize)
  const hasMore = offset + pageSize < rules.length
  return ok({
    items: page.map((r) => ({
      report_id: r.report_id,
      report_name: r.report_name,
      archive_rule_id: r.archive_rule_id,
      archive_rule_name: r.archive_rule_name,
    })),
    has_more: hasMore,
    ...(hasMore ? { page_token: encodePageToken(offset + pageSize) } : {}),
  })
}

/**
 * employee_type, month, operator_id, archive_rule_id — required by the three POST endpoints. Order:
 * every parameter check (1220001, incl. `more`) → rule exists → operator / data permission (1220600).
 */
function common<T>(ctx: ApiContext, more: () => T): { rule: ArchiveRule; month: string; type: EmployeeType; extra: T } {
  const { body, c, state } = ctx
  const type = readEmployeeType(c.req.query('employee_type'))
  const month = str(body.month)
  if (!month || !MONTH_RE.test(month)) throw paramInvalid('month invalid, expected yyyyMM')
  const operatorId = nonEmpty(body.operator_id)
  if (!operatorId) throw paramInvalid('operator_id invalid')
  const ruleId = nonEmpty(body.archive_rule_id)
  if (!ruleId) throw paramInvalid('archive_rule_id invalid')
  const extra = more()
  const rule = findRule(state, ruleId)
  checkOperator(state, principalOf(ctx), type, operatorId, rule)
  return { type, month, rule, extra }
}

const LOCALES = ['zh', 'en', 'ja'] as const

function fieldsQuery(ctx: ApiContext) {
  const localeRaw = ctx.body.locale
  if (localeRaw !== undefined && !(typeof localeRaw === 'string' && (LOCALES as readonly string[]).includes(localeRaw))) {
    throw paramInvalid('locale invalid, expected en / ja / zh')
  }
  const locale = (localeRaw ?? 'zh') as keyof I18nText
  const { rule } = common(ctx, () => undefined)
  return ok({
    archive_report_fields: rule.fields.map((f) => ({
      code: f.code,
      title: f.title[locale],
      upper_titles: f.upper_titles.map((t) => t[locale]),
    })),
  })
}

interface UploadRow { member_id: string; start_time: string; end_time: string; field_datas: { code: string; value: string }[] }

/** Every row is checked before anything is written (a 1220001 leaves the stored report untouched). */
function parseRows(raw: unknown): UploadRow[] {
  if (raw === undefined) return []
  if (!Array.isArray(raw) || raw.length < 1 || raw.length > 50) throw paramInvalid('archive_report_datas size invalid, expected 1-50')
  return raw.map((r: unknown, i) => {
    if (!isRecord(r)) throw paramInvalid(`archive_report_datas[${i}] invalid`)
    const member_id = nonEmpty(r.member_id)
    if (!member_id) throw paramInvalid(`archive_report_datas[${i}].member_id invalid`)
    const start_time = str(r.start_time)
    const end_time = str(r.end_time)
    if (!start_time || !isYmd(start_time)) throw paramInvalid(`archive_report_datas[${i}].start_time invalid, expected yyyyMMdd`)
    if (!end_time || !isYmd(end_time)) throw paramInvalid(`archive_report_datas[${i}].end_time invalid, expected yyyyMMdd`)
    if (end_time < start_time) throw generic('time is invalid')
    let field_datas: UploadRow['field_datas'] = []
    if (r.field_datas !== undefined) {
      if (!Array.isArray(r.field_datas) || r.field_datas.length < 1 || r.field_datas.length > 200) {
        throw paramInvalid(`archive_report_datas[${i}].field_datas size invalid, expected 1-200`)
      }
      field_datas = r.field_datas.map((f: unknown, j) => {
        if (!isRecord(f) || !nonEmpty(f.code) || (f.value !== undefined && typeof f.value !== 'string')) {
          throw paramInvalid(`archive_report_datas[${i}].field_datas[${j}] invalid`)
        }
        return { code: String(f.code), value: str(f.value) ?? '' }
      })
    }
    return { member_id, start_time, end_time, field_datas }
  })
}

function uploadReport(ctx: ApiContext) {
  const { state } = ctx
  const { rule, month, type, extra: rows } = common(ctx, () => parseRows(ctx.body.archive_report_datas))
  const codes = new Set(rule.fields.map((f) => f.code))
  const invalidCodes: string[] = []
  const invalidMembers: string[] = []
  const store = state.archiveStore(rule.archive_rule_id, month)
  for (const row of rows) {
    // Codes are checked against the rule's headers whatever the member (doc example: both lists).
    for (const f of row.field_datas) {
      if (!codes.has(f.code) && !invalidCodes.includes(f.code)) invalidCodes.push(f.code)
    }
    const member = resolveEmployee(state, type, row.member_id)
    // Unknown, ambiguous (reused 工号) or outside the rule's departments → reported, not written.
    if (!member || !rule.departments.includes(member.department)) {
      if (!invalidMembers.includes(row.member_id)) invalidMembers.push(row.member_id)
      continue
    }
    // UNCONFIRMED (§3.4): upload *merges* the fields sent into the stored row; others keep their values.
    const stored = store.get(member.user_id) ?? { user_id: member.user_id, start_time: row.start_time, end_time: row.end_time, fields: new Map<string, string>() }
    stored.start_time = row.start_time
    stored.end_time = row.end_time
    for (const f of row.field_datas) if (codes.has(f.code)) stored.fields.set(f.code, f.value)
    store.set(member.user_id, stored)
  }
  // Empty lists are left out (the SDK types them optional), so callers must cope with both shapes.
  return ok({
    ...(invalidCodes.length ? { invalid_code: invalidCodes } : {}),
    ...(invalidMembers.length ? { invalid_member_id: invalidMembers } : {}),
  })
}

function delReport(ctx: ApiContext) {
  const { state, body } = ctx
  const { rule, month, type } = common(ctx, () => {
    if (body.user_ids !== undefined && !isStringArray(body.user_ids)) throw paramInvalid('user_ids invalid')
  })
  const store = state.archiveStore(rule.archive_rule_id, month)
  const ids = isStringArray(body.user_ids) ? body.user_ids : undefined
  if (ids === undefined || ids.length === 0) {
    // UNCONFIRMED (§3.4): without user_ids (or with an empty list) every row of the rule + month is
    // deleted — the harder reading; the app must never send it by accident.
    store.clear()
  } else {
    for (const id of ids) {
      const e = resolveEmployee(state, type, id)
      if (e) store.delete(e.user_id)
    }
  }
  return ok({})
}

export function archiveRows(state: SandboxState, ruleId: string, month: string) {
  const store = state.archive.get(`${ruleId}|${month}`)
  return [...(store?.values() ?? [])].map((r) => {
    const e = state.byUserId.get(r.user_id)
    return {
      user_id: r.user_id,
      employee_no: e ? idOf(e, 'employee_no') : undefined,
      start_time: r.start_time,
      end_time: r.end_time,
      fields: Object.fromEntries(r.fields),
    }
  })
}

export function mountAttendanceRoutes(app: SandboxApp, state: SandboxState): void {
  mountApi(app, state, APIS['archive_rule.list'], list)
  mountApi(app, state, APIS['archive_rule.user_stats_fields_query'], fieldsQuery)
  mountApi(app, state, APIS['archive_rule.upload_report'], uploadReport)
  mountApi(app, state, APIS['archive_rule.del_report'], delReport)
}
