// §4.2 datasource_records/save: parse (2500002) → validate everything → apply. Nothing is written
// unless every record passes ("不会存在部分保存失败部分成功场景").
import type { Principal } from '../platform/auth-gate'
import { isRecord } from '../platform/body'
import { FeishuError } from '../platform/envelope'
import { nonEmpty } from '../platform/params'
import type { ActiveStatus, Datasource } from '../seed/datasources'
import type { SandboxState } from '../state'
import { canSeeEmployee } from './access'
import { checkValue, RECORD_TEXT_MAX } from './values'

export interface SaveRecordInput { active_status: ActiveStatus; field_values: { field_code: string; value: string }[] }
export interface SaveInput { source_code: string; records: SaveRecordInput[] }

const paramInvalid = (detail: string) => new FeishuError(400, 2500002, `param invalid: ${detail}`)
const biz = (code: number, msg: string) => new FeishuError(200, code, msg)

export function parseSaveBody(body: Record<string, unknown>): SaveInput {
  const source_code = nonEmpty(body.source_code)
  if (!source_code) throw paramInvalid('source_code is required')
  const records = body.records
  if (!Array.isArray(records) || records.length < 1 || records.length > 50) throw paramInvalid('records length must be 1-50')
  return {
    source_code,
    records: records.map((r: unknown, i): SaveRecordInput => {
      if (!isRecord(r)) throw paramInvalid(`records[${i}] must be an object`)
      // Documented values are 1 and 2 only (the "1–100" range in the doc is looser; 2 values kept).
      if (r.active_status !== 1 && r.active_status !== 2) throw paramInvalid(`records[${i}].active_status must be 1 or 2`)
      if (!Array.isArray(r.field_values) || r.field_values.length === 0) throw paramInvalid(`records[${i}].field_values is required`)
      return {
        active_status: r.active_status,
        field_values: r.field_values.map((f: unknown, j) => {
          if (!isRecord(f) || !nonEmpty(f.field_code)) throw paramInvalid(`records[${i}].field_values[${j}].field_code is required`)
          // "不允许输入空字符串": an empty value is a parameter error, not a format error (UNCONFIRMED).
          if (typeof f.value !== 'string' || f.value === '') throw paramInvalid(`records[${i}].field_values[${j}].value must be a non-empty string`)
          if (f.field_type !== undefined && !(Number.isInteger(f.field_type) && Number(f.field_type) >= 1 && Number(f.field_type) <= 100)) {
            throw paramInvalid(`records[${i}].field_values[${j}].field_type must be 1-100`)
          }
          return { field_code: String(f.field_code), value: f.value }
        }),
      }
    }),
  }
}

/** The active datasource, or 2500004 / 2500008. */
export function activeDatasource(state: SandboxState, code: string): Datasource {
  const ds = state.datasources.get(code)
  if (!ds) throw biz(2500004, `datasource_code:${code} not exist`)
  if (ds.active_status !== 1) throw biz(2500008, `datasource_code:${code} not active`)
  return ds
}

export function keyFieldsOf(ds: Datasource): string[] {
  if (ds.data_period_type === 2) return ['employment_id', 'occur_day']
  if (ds.data_period_type === 3) return ['employment_id', 'custom_start', 'custom_end']
  return ['employment_id', 'payroll_period']
}

export interface PreparedRecord { key: string; employment_id: string; period: string; active_status: ActiveStatus; values: Map<string, string> }

export function validateSave(state: SandboxState, principal: Principal, ds: Datasource, input: SaveInput): PreparedRecord[] {
  const fields = new Map(ds.fields.map((f) => [f.code, f]))
  const keyFields = keyFieldsOf(ds)

  // Pass 1 — structure of each record: duplicate codes, unknown / stopped fields, required fields.
  input.records.forEach((r, i) => {
    const codes = r.field_values.map((f) => f.field_code)
    const dups = [...new Set(codes.filter((c, k) => codes.indexOf(c) !== k))]
    if (dups.length) throw biz(2500018, `record field_code:${dups.join(',')} duplicated`)
    for (const code of codes) {
      const f = fields.get(code)
      if (!f) throw biz(2500005, `field_code:${code} not exist`)
      if (f.active_status !== 1) throw biz(2500009, `field_code:${code} not active`)
    }
    const missing = keyFields.filter((k) => !codes.includes(k))
    if (missing.length) throw biz(2500013, `records${i} lack required field: ${missing.join(',')}`)
  })

  // Pass 2 — values: formats, text limits, the 1970-01 floor; normalised (rounded) values kept.
  const prepared = input.records.map((r, i): PreparedRecord => {
    const values = new Map<string, string>()
    let text = 0
    for (const fv of r.field_values) {
      const f = fields.get(fv.field_code)
      if (!f) throw biz(2500005, `field_code:${fv.field_code} not exist`)
      const check = checkValue(f, fv.value)
      if (!check.ok) {
        if (check.code === 2500011) throw biz(2500011, `${f.code} text length more than 500`)
        if (check.code === 2500016) throw biz(2500016, 'the  payroll period cannot be earlier than 1970-01')
        throw biz(2500010, `${f.code} format not valid`)
      }
      if (f.field_type === 3 && !f.system) text += [...check.value].length
      values.set(f.code, check.value)
    }
    if (text > RECORD_TEXT_MAX) throw biz(2500012, `record${i} text total length more than 3000`)
    const employment_id = values.get('employment_id') ?? ''
    const period = keyFields.slice(1).map((k) => values.get(k) ?? '').join('|')
    return { key: `${employment_id}|${period}`, employment_id, period, active_status: r.active_status, values }
  })

  // Pass 3 — the same business key twice in one request: the later index is named.
  const seen = new Set<string>()
  prepared.forEach((p, i) => {
    if (seen.has(p.key)) throw biz(2500017, `records${i} duplicated`)
    seen.add(p.key)
  })

  // Pass 4 — the employments exist; pass 5 — row-level permission, first failing index named.
  prepared.forEach((p, i) => {
    if (!state.byEmploymentId.has(p.employment_id)) throw biz(2500015, `records${i} data entity ${p.employment_id} not exists`)
  })
  prepared.forEach((p, i) => {
    const e = state.byEmploymentId.get(p.employment_id)
    if (!e || !canSeeEmployee(state, principal, e)) throw biz(2500014, `records${i} lark data auth`)
  })

  const store = state.payrollStore(ds.code)
  const added = prepared.filter((p) => !store.has(p.key)).length
  if (store.size + added > state.knobs.datasourceCapacity) throw biz(2500020, 'data capacity limit exceeded')
  return prepared
}

/** Upsert; only the fields sent change; returns how many records were created or really changed. */
export function applySave(state: SandboxState, ds: Datasource, prepared: readonly PreparedRecord[]): number {
  const store = state.payrollStore(ds.code)
  let affected = 0
  const differently = new Set(state.knobs.payrollStoreDifferently)
  for (const p of differently.size ? prepared.map((x) => storedDifferently(ds, x, differently)) : prepared) {
    const existing = store.get(p.key)
    if (!existing) {
      store.set(p.key, { employment_id: p.employment_id, period: p.period, active_status: p.active_status, values: new Map(p.values) })
      affected++
      continue
    }
    let changed = existing.active_status !== p.active_status
    for (const [code, value] of p.values) {
      if (existing.values.get(code) !== value) {
        changed = true
        existing.values.set(code, value)
      }
    }
    existing.active_status = p.active_status
    if (changed) affected++
  }
  return affected
}

/**
 * Knob `payrollStoreDifferently` (a test aid, never documented Feishu behaviour): the save is
 * accepted, but these fields are stored as something else — text gets " (altered)", a money or
 * number field +1 — so a read-back has a difference to catch.
 */
function storedDifferently(ds: Datasource, p: PreparedRecord, codes: ReadonlySet<string>): PreparedRecord {
  const values = new Map(p.values)
  for (const [code, value] of values) {
    if (!codes.has(code)) continue
    const f = ds.fields.find((x) => x.code === code)
    if (!f || f.system) continue
    if (f.field_type === 3) values.set(code, `${value} (altered)`)
    else if (f.field_type === 1 || f.field_type === 2) values.set(code, String(Number(value) + 1))
  }
  return { ...p, values }
}
