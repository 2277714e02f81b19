// §4.3 datasource_records/query: the time filter is mandatory, filters AND together, only records
// the caller may see are returned, and selected_fields always brings the business key along.
import type { Principal } from '../platform/auth-gate'
import { isRecord } from '../platform/body'
import { FeishuError } from '../platform/envelope'
import { decodePageToken, encodePageToken, isStringArray, nonEmpty } from '../platform/params'
import type { Datasource } from '../seed/datasources'
import type { PayrollRecord, SandboxState } from '../state'
import { canSeeEmployee } from './access'
import { keyFieldsOf } from './save'
import { isIsoDate, PERIOD_RE } from './values'

interface Filter { field_code: string; field_values: string[]; operator: 1 | 2 }

const paramInvalid = (detail: string) => new FeishuError(400, 2500002, `param invalid: ${detail}`)
const biz = (code: number, msg: string) => new FeishuError(200, code, msg)
const DAY_MS = 86_400_000

function parseFilters(raw: unknown): Filter[] {
  if (raw === undefined) return []
  if (!Array.isArray(raw) || raw.length > 100) throw paramInvalid('field_filters must be an array of at most 100')
  return raw.map((f: unknown, i): Filter => {
    if (!isRecord(f) || !nonEmpty(f.field_code)) throw paramInvalid(`field_filters[${i}].field_code is required`)
    if (f.operator !== undefined && f.operator !== 1 && f.operator !== 2) throw paramInvalid(`field_filters[${i}].operator must be 1 or 2`)
    if (f.field_values !== undefined && !isStringArray(f.field_values)) throw paramInvalid(`field_filters[${i}].field_values must be strings`)
    return { field_code: String(f.field_code), field_values: isStringArray(f.field_values) ? f.field_values : [], operator: f.operator === 2 ? 2 : 1 }
  })
}

const sizeInvalid = (code: string) => biz(2500007, `field_filter: ${code} values size is not valid`)

function checkTimeFilters(ds: Datasource, filters: readonly Filter[]): void {
  const byCode = new Map(filters.map((f) => [f.field_code, f]))
  const timeFields = keyFieldsOf(ds).slice(1)
  for (const code of timeFields) {
    const f = byCode.get(code)
    if (!f) throw biz(2500006, `lack required field_filter : ${code}`)
    if (code === 'payroll_period') {
      // IsAnyOf over at most 2 months (§4.3).
      if (f.operator !== 1) throw paramInvalid('payroll_period only supports operator 1 (IsAnyOf)')
      if (f.field_values.length < 1 || f.field_values.length > 2) throw sizeInvalid(code)
      if (f.field_values.some((v) => !PERIOD_RE.test(v))) throw biz(2500019, `${code} format not valid`)
    } else {
      // occur_day / custom_*: InDateRange [start, end], inclusive, at most 90 days.
      if (f.operator !== 2) throw paramInvalid(`${code} only supports operator 2 (InDateRange)`)
      if (f.field_values.length !== 2) throw sizeInvalid(code)
      const [start, end] = f.field_values as [string, string]
      if (!isIsoDate(start) || !isIsoDate(end) || end < start) throw biz(2500019, `${code} format not valid`)
      if ((Date.parse(end) - Date.parse(start)) / DAY_MS > 90) throw sizeInvalid(code)
    }
  }
  for (const f of filters) {
    if (timeFields.includes(f.field_code)) continue
    if (f.operator === 2) throw paramInvalid(`operator 2 (InDateRange) is not supported for ${f.field_code}`)
    const max = f.field_code === 'employment_id' ? 100 : 500
    if (f.field_values.length < 1 || f.field_values.length > max) throw sizeInvalid(f.field_code)
  }
}

function matches(record: PayrollRecord, f: Filter): boolean {
  const v = record.values.get(f.field_code)
  if (v === undefined) return false
  if (f.operator === 2) return v >= (f.field_values[0] ?? '') && v <= (f.field_values[1] ?? '')
  return f.field_values.includes(v)
}

export function queryRecords(state: SandboxState, principal: Principal, body: Record<string, unknown>, pageSizeRaw: number | undefined, pageToken: string | undefined) {
  if (pageSizeRaw === undefined || pageSizeRaw < 1 || pageSizeRaw > 100) throw paramInvalid('page_size must be 1-100')
  const offset = decodePageToken(pageToken)
  if (offset === null) throw paramInvalid('page_token invalid')
  const sourceCode = nonEmpty(body.source_code)
  if (!sourceCode) throw paramInvalid('source_code is required')
  const selected = body.selected_fields
  if (selected !== undefined && (!isStringArray(selected) || selected.length < 1 || selected.length > 200)) {
    throw paramInvalid('selected_fields must hold 1-200 field codes')
  }
  const filters = parseFilters(body.field_filters)

  const ds = state.datasources.get(sourceCode)
  if (!ds) throw biz(2500004, `datasource_code:${sourceCode} not exist`)
  const fields = new Map(ds.fields.map((f) => [f.code, f]))
  for (const code of selected ?? []) if (!fields.has(code)) throw biz(2500005, `field_code:${code} not exist`)
  const seen = new Set<string>()
  for (const f of filters) {
    if (!fields.has(f.field_code)) throw biz(2500005, `field_code:${f.field_code} not exist`)
    if (seen.has(f.field_code)) throw biz(2500010, `filter field_code:${f.field_code} duplicated`)
    seen.add(f.field_code)
  }
  checkTimeFilters(ds, filters)

  const wanted = selected ? new Set([...keyFieldsOf(ds), ...selected]) : null
  const visible = [...state.payrollStore(ds.code).values()].filter((r) => {
    const e = state.byEmploymentId.get(r.employment_id)
    return e !== undefined && canSeeEmployee(state, principal, e) && filters.every((f) => matches(r, f))
  })
  const page = visible.slice(offset, offset + pageSizeRaw)
  const hasMore = offset + pageSizeRaw < visible.length
  return {
    records: page.map((r) => ({
      active_status: r.active_status,
      field_values: [...r.values]
        .filter(([code]) => !wanted || wanted.has(code))
        .map(([field_code, value]) => ({ field_code, value, field_type: fields.get(field_code)?.field_type ?? 3 })),
    })),
    has_more: hasMore,
    ...(hasMore ? { page_token: encodePageToken(offset + pageSizeRaw) } : {}),
  }
}
