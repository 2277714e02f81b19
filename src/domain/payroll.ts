/**
 * Payroll external datasources as import targets (reference §4.1, §4.2). Pure: the app and the
 * server build the same TargetSchema from the same Feishu datasource config.
 */
import { PAYROLL_RECORD_TEXT_MAX, PAYROLL_TEXT_MAX } from './feishu-limits'
import type { FieldKind, I18nText, TargetField, TargetSchema } from './target'

export interface FeishuI18n { locale: string; value: string }
export interface FeishuDatasourceField { code: string; i18n_names?: FeishuI18n[]; field_type: number; active_status: number; decimal_places?: number; i18n_description?: FeishuI18n[] }
export interface FeishuDatasource { code: string; i18n_names?: FeishuI18n[]; active_status: number; fields: FeishuDatasourceField[]; data_period_type?: number; i18n_description?: FeishuI18n[] }

/** System fields that identify a record rather than carry a value. */
export const PAYROLL_KEY_FIELDS = ['employment_id', 'payroll_period'] as const
const SYSTEM_FIELDS = new Set(['employment_id', 'payroll_period', 'occur_day', 'custom_start', 'custom_end'])

export function i18nText(names: FeishuI18n[] | undefined, fallback: string): I18nText {
  const pick = (prefix: string) => names?.find((n) => n.locale.toLowerCase().startsWith(prefix))?.value
  const zh = pick('zh') ?? pick('en') ?? fallback
  const en = pick('en') ?? pick('zh') ?? fallback
  return { 'zh-CN': zh, 'en-US': en }
}

function kindOf(f: FeishuDatasourceField): FieldKind {
  if (f.code === 'employment_id') return 'identifier'
  if (f.code === 'payroll_period') return 'month'
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

/**
 * The datasource as a target. Only the payroll-period dimension (data_period_type 1, or absent) is
 * written by this app today; its key is employment_id + payroll_period.
 */
export function payrollTarget(ds: FeishuDatasource): TargetSchema {
  const sourceActive = ds.active_status === 1
  const fields: TargetField[] = []
  const seen = new Set<string>()
  const push = (f: TargetField) => { if (!seen.has(f.code)) { seen.add(f.code); fields.push(f) } }
  push({ code: 'employment_id', title: { 'zh-CN': '雇佣 ID', 'en-US': 'Employment ID' }, kind: 'identifier', required: true, writable: sourceActive, aliases: ['employment id', '雇佣id'] })
  push({ code: 'payroll_period', title: { 'zh-CN': '算薪期间', 'en-US': 'Payroll period' }, kind: 'month', required: true, writable: sourceActive, aliases: ['period', '期间'] })
  for (const f of ds.fields) {
    if (SYSTEM_FIELDS.has(f.code) && f.code !== 'employment_id' && f.code !== 'payroll_period') continue
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
    keyFields: [...PAYROLL_KEY_FIELDS],
    recordTextLimit: PAYROLL_RECORD_TEXT_MAX,
  }
}
