import type { PersonAs } from './feishu-source'
/**
 * What an import writes into: a payroll external datasource or an attendance archive report,
 * described by its fields. The import pipeline (reading, mapping, validation, workbooks) is
 * driven only by this shape, so payroll and attendance share it. Pure: compiled into the server.
 */

import type { TargetKind } from './jobs'

export type Locale = 'zh-CN' | 'en-US'
export const LOCALES: readonly Locale[] = ['zh-CN', 'en-US']

export interface I18nText {
  'zh-CN': string
  'en-US': string
}

/**
 * - date = yyyy-mm-dd; month = yyyy-mm (payroll_period)
 * - compact_date = yyyyMMdd and compact_month = yyyyMM (attendance)
 * - identifier = an ID kept as text exactly, leading zeros kept (employment_id, employee_no, user_id)
 */
export type FieldKind =
  | 'text'
  | 'number'
  | 'money'
  | 'percent'
  | 'date'
  | 'month'
  | 'compact_date'
  | 'compact_month'
  | 'identifier'

export const FIELD_KINDS: readonly FieldKind[] = [
  'text', 'number', 'money', 'percent', 'date', 'month', 'compact_date', 'compact_month', 'identifier',
]

export interface TargetField {
  code: string
  title: I18nText
  /** Upper titles, outermost first (attendance report fields carry `upper_titles`). */
  path?: I18nText[]
  kind: FieldKind
  required: boolean
  decimalPlaces?: number
  maxLength?: number
  /** Other header texts people use for this column (matched after normalisation). */
  aliases?: string[]
  /** Identifier fields: the letter case Feishu stores the IDs in (cells are changed to it, with a warning). */
  letterCase?: 'upper' | 'lower'
  /** false = the field exists but cannot be written now (stopped in Feishu); values are dropped with a warning. */
  writable: boolean
  stoppedReason?: I18nText
  description?: I18nText
}

export interface TargetSchema {
  kind: TargetKind
  id: string
  title: I18nText
  fields: TargetField[]
  /** Duplicates across the file are detected on these codes together. */
  keyFields: string[]
  /** Sum of text lengths allowed in one record (payroll: 3,000). */
  recordTextLimit?: number
  /** How people from a Base person field are written for this target (default: work email). */
  people?: PersonAs
}

/** Raw cell value after reading; dates are already ISO 'yyyy-mm-dd' strings. */
export type CellValue = string | number | boolean | null

export function fieldTitle(field: TargetField, locale: Locale): string {
  return field.title[locale] || field.title['zh-CN'] || field.title['en-US'] || field.code
}

/** "parent / child" in one language — the same join the header detector uses for two-row headers. */
export function fieldFullTitle(field: TargetField, locale: Locale): string {
  const parts = (field.path ?? []).map((p) => p[locale] || p['zh-CN'])
  parts.push(fieldTitle(field, locale))
  return parts.filter(Boolean).join(' / ')
}

const KIND_TEXT: Record<FieldKind, I18nText> = {
  text: { 'zh-CN': '文本', 'en-US': 'Text' },
  number: { 'zh-CN': '数字', 'en-US': 'Number' },
  money: { 'zh-CN': '金额', 'en-US': 'Amount' },
  percent: { 'zh-CN': '百分比（10 表示 10%）', 'en-US': 'Percent (10 means 10%)' },
  date: { 'zh-CN': '日期 yyyy-mm-dd', 'en-US': 'Date yyyy-mm-dd' },
  month: { 'zh-CN': '月份 yyyy-mm', 'en-US': 'Month yyyy-mm' },
  compact_date: { 'zh-CN': '日期 yyyyMMdd', 'en-US': 'Date yyyyMMdd' },
  compact_month: { 'zh-CN': '月份 yyyyMM', 'en-US': 'Month yyyyMM' },
  identifier: { 'zh-CN': '编号（文本，保留前导 0）', 'en-US': 'ID (text, leading zeros kept)' },
}

/** How a field's type is described to people (template types row, mapping step). */
export function kindLabel(field: Pick<TargetField, 'kind' | 'decimalPlaces' | 'maxLength' | 'required'>, locale: Locale): string {
  let label = KIND_TEXT[field.kind][locale]
  if ((field.kind === 'number' || field.kind === 'money') && field.decimalPlaces !== undefined) {
    label += locale === 'zh-CN' ? `，${field.decimalPlaces} 位小数` : `, ${field.decimalPlaces} decimals`
  }
  if (field.kind === 'text' && field.maxLength !== undefined) {
    label += locale === 'zh-CN' ? `，≤ ${field.maxLength} 字` : `, ≤ ${field.maxLength} chars`
  }
  if (field.required) label += locale === 'zh-CN' ? '，必填' : ', required'
  return label
}
