/**
 * Payroll external datasources as import targets (reference §4.1, §4.2). Pure: the app and the
 * server build the same TargetSchema from the same Feishu datasource config.
 */
import { PAYROLL_RECORD_TEXT_MAX, PAYROLL_SAVE_MAX_RECORDS, PAYROLL_TEXT_MAX } from './feishu-limits'
import type { PayrollKey, PayrollTarget } from './jobs'
import type { FieldKind, I18nText, TargetField, TargetSchema } from './target'

export interface FeishuI18n { locale: string; value: string }
export interface FeishuDatasourceField { code: string; i18n_names?: FeishuI18n[]; field_type: number; active_status: number; decimal_places?: number; i18n_description?: FeishuI18n[] }
export interface FeishuDatasource { code: string; i18n_names?: FeishuI18n[]; active_status: number; fields: FeishuDatasourceField[]; data_period_type?: number; i18n_description?: FeishuI18n[] }

/**
 * Payroll's job kinds (write-targets.ts): a save writes records, ≤ 50 a call (§4.2); a revert
 * writes back what a save replaced. Saves are upserts keyed by employment_id + the period.
 */
export const PAYROLL_JOB_KINDS = {
  payroll_save: { target: 'payroll', keyField: 'employment_id', rowsPerCall: PAYROLL_SAVE_MAX_RECORDS, fieldsPerCall: null, countsAffect: true, takeBack: { kind: 'payroll_revert', action: 'revert' }, takesBack: null, approval: 'payroll' },
  payroll_revert: { target: 'payroll', keyField: 'employment_id', rowsPerCall: PAYROLL_SAVE_MAX_RECORDS, fieldsPerCall: null, countsAffect: true, takeBack: null, takesBack: 'payroll_save', approval: 'payroll' },
} as const

/** What a payroll job's target is called where people read it (jobs.target.payroll). */
export function payrollTargetParams(t: PayrollTarget): Record<string, string> {
  return { source: t.source_code, period: payrollKeyText(t) }
}

/** The key of a payroll-period datasource (data_period_type 1). */
export const PAYROLL_KEY_FIELDS = ['employment_id', 'payroll_period'] as const
/** System fields that identify a record rather than carry a value. */
export const PAYROLL_SYSTEM_FIELDS: ReadonlySet<string> = new Set(['employment_id', 'payroll_period', 'occur_day', 'custom_start', 'custom_end'])

/** 1 payroll period · 2 occur day · 3 custom period (§4.1 data_period_type; absent = 1). */
export type PayrollPeriodType = 1 | 2 | 3

export function payrollPeriodType(ds: { data_period_type?: number | null }): PayrollPeriodType {
  return ds.data_period_type === 2 || ds.data_period_type === 3 ? ds.data_period_type : 1
}

/** The time fields of the key, per dimension (§4.2 required fields besides employment_id). */
export const PAYROLL_DIMENSION_FIELDS: Record<PayrollPeriodType, ReadonlyArray<keyof PayrollKey>> = {
  1: ['payroll_period'],
  2: ['occur_day'],
  3: ['custom_start', 'custom_end'],
}

const KEY_ORDER: ReadonlyArray<keyof PayrollKey> = ['payroll_period', 'occur_day', 'custom_start', 'custom_end']

/** The key's time fields that are set, in a fixed order: what is sent on every record. */
export function payrollKeyEntries(key: PayrollKey): Array<[keyof PayrollKey, string]> {
  const out: Array<[keyof PayrollKey, string]> = []
  for (const code of KEY_ORDER) {
    const v = key[code]
    if (v !== undefined) out.push([code, v])
  }
  return out
}

/** Only the time fields of a target (or any object carrying them). */
export function payrollKeyOf(key: PayrollKey): PayrollKey {
  return Object.fromEntries(payrollKeyEntries(key)) as PayrollKey
}

/** The key as people read it: "2024-10", "2024-10-08" or "2024-10-01 – 2024-10-31". */
export function payrollKeyText(key: PayrollKey): string {
  if (key.custom_start !== undefined || key.custom_end !== undefined) return `${key.custom_start ?? ''} – ${key.custom_end ?? ''}`
  return key.occur_day ?? key.payroll_period ?? ''
}

const PERIOD_RE = /^\d{4}-(0[1-9]|1[0-2])$/

/** A real calendar day written yyyy-mm-dd. */
export function isIsoDay(v: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(v)
  if (!m) return false
  const y = Number(m[1]), mo = Number(m[2]), d = Number(m[3])
  const t = new Date(Date.UTC(y, mo - 1, d))
  return t.getUTCFullYear() === y && t.getUTCMonth() === mo - 1 && t.getUTCDate() === d
}

export type PayrollKeyProblemCode = 'wrong_dimension' | 'bad_month' | 'too_early' | 'bad_date' | 'end_before_start'
export interface PayrollKeyProblem { field: keyof PayrollKey; code: PayrollKeyProblemCode }

/**
 * Whether the key fits the datasource's dimension: exactly its time fields, each well formed
 * (payroll_period yyyy-mm from 1970-01, dates yyyy-mm-dd), custom_start ≤ custom_end. null = fine.
 */
export function payrollKeyProblem(type: PayrollPeriodType, key: PayrollKey): PayrollKeyProblem | null {
  const wanted = PAYROLL_DIMENSION_FIELDS[type]
  for (const code of KEY_ORDER) {
    const v = key[code]
    if (wanted.includes(code) ? v === undefined : v !== undefined) return { field: code, code: 'wrong_dimension' }
  }
  if (type === 1) {
    const p = key.payroll_period ?? ''
    if (!PERIOD_RE.test(p)) return { field: 'payroll_period', code: 'bad_month' }
    if (p < '1970-01') return { field: 'payroll_period', code: 'too_early' }
    return null
  }
  for (const code of wanted) if (!isIsoDay(key[code] ?? '')) return { field: code, code: 'bad_date' }
  if (type === 3 && (key.custom_end ?? '') < (key.custom_start ?? '')) return { field: 'custom_end', code: 'end_before_start' }
  return null
}

export function i18nText(names: FeishuI18n[] | undefined, fallback: string): I18nText {
  const pick = (prefix: string) => names?.find((n) => n.locale.toLowerCase().startsWith(prefix))?.value
  const zh = pick('zh') ?? pick('en') ?? fallback
  const en = pick('en') ?? pick('zh') ?? fallback
  return { 'zh-CN': zh, 'en-US': en }
}

function kindOf(f: FeishuDatasourceField): FieldKind {
  if (f.code === 'employment_id') return 'identifier'
  if (f.code === 'payroll_period') return 'month'
  if (f.code === 'occur_day' || f.code === 'custom_start' || f.code === 'custom_end') return 'date'
  switch (f.field_type) {
    case 1: return 'money'
    case 2: return 'number'
    case 4: return 'date'
    case 5: return 'percent'
    default: return 'text'
  }
}

const STOPPED_FIELD: I18nText = { 'zh-CN': '该字段在飞书中已停用', 'en-US': 'This field is stopped in Feishu' }
const STOPPED_SOURCE: I18nText = { 'zh-CN': '该数据源在飞书中已停用', 'en-US': 'This datasource is stopped in Feishu' }

const DIMENSION_FIELD: Record<keyof PayrollKey, Omit<TargetField, 'writable'>> = {
  payroll_period: { code: 'payroll_period', title: { 'zh-CN': '算薪期间', 'en-US': 'Payroll period' }, kind: 'month', required: true, aliases: ['period', '期间'] },
  occur_day: { code: 'occur_day', title: { 'zh-CN': '数据发生日期', 'en-US': 'Occur day' }, kind: 'date', required: true, aliases: ['occur day', '发生日期'] },
  custom_start: { code: 'custom_start', title: { 'zh-CN': '自定义周期开始', 'en-US': 'Custom period start' }, kind: 'date', required: true, aliases: ['custom start', '开始日期'] },
  custom_end: { code: 'custom_end', title: { 'zh-CN': '自定义周期结束', 'en-US': 'Custom period end' }, kind: 'date', required: true, aliases: ['custom end', '结束日期'] },
}

/**
 * The datasource as a target. Its key is employment_id plus the time fields of its dimension
 * (data_period_type, §4.2): payroll_period (1, or absent), occur_day (2), custom_start + custom_end (3).
 */
export function payrollTarget(ds: FeishuDatasource): TargetSchema {
  const sourceActive = ds.active_status === 1
  const fields: TargetField[] = []
  const seen = new Set<string>()
  const push = (f: TargetField) => { if (!seen.has(f.code)) { seen.add(f.code); fields.push(f) } }
  push({ code: 'employment_id', title: { 'zh-CN': '雇佣 ID', 'en-US': 'Employment ID' }, kind: 'identifier', required: true, writable: sourceActive, aliases: ['employment id', '雇佣id'] })
  const dimension = PAYROLL_DIMENSION_FIELDS[payrollPeriodType(ds)]
  for (const code of dimension) push({ ...DIMENSION_FIELD[code], writable: sourceActive })
  for (const f of ds.fields) {
    if (PAYROLL_SYSTEM_FIELDS.has(f.code)) continue
    const kind = kindOf(f)
    const active = sourceActive && f.active_status === 1
    push({
      code: f.code,
      title: i18nText(f.i18n_names, f.code),
      kind,
      required: false,
      ...(kind === 'money' || kind === 'number' ? { decimalPlaces: f.decimal_places ?? 2 } : {}),
      ...(kind === 'percent' ? { decimalPlaces: 2 } : {}),
      ...(kind === 'text' ? { maxLength: PAYROLL_TEXT_MAX } : {}),
      writable: active,
      ...(active ? {} : { stoppedReason: sourceActive ? STOPPED_FIELD : STOPPED_SOURCE }),
      ...(f.i18n_description?.length ? { description: i18nText(f.i18n_description, '') } : {}),
    })
  }
  return {
    kind: 'payroll',
    id: ds.code,
    title: i18nText(ds.i18n_names, ds.code),
    fields,
    keyFields: ['employment_id', ...dimension],
    recordTextLimit: PAYROLL_RECORD_TEXT_MAX,
  }
}
