/**
 * Whole-file validation: per-cell normaliseValue, required, stopped fields, the record text total
 * and duplicate keys across the file. Same code in the import worker and on the server.
 */
import type { Issue } from './issues'
import type { CellValue, TargetField, TargetSchema } from './target'
import { checkValue, normaliseValue, textLength } from './values'

export type RawRow = Record<string, CellValue | undefined>
export type WireRow = Record<string, string | null>

export interface ValidationResult { values: WireRow[]; issues: Issue[] }

/** The part of validation that needs only one row. `row` is the index put on the issues. */
export function validateRow(schema: TargetSchema, raw: RawRow, row: number, issues: Issue[]): WireRow {
  const out: WireRow = {}
  let textTotal = 0
  const fields = schema.fields
  for (let i = 0; i < fields.length; i++) {
    const field = fields[i] as TargetField
    const code = field.code
    const cell = raw[code]
    const n = cell === undefined ? null : normaliseValue(field, cell)
    if (!field.writable) {
      out[code] = null
      if (n && n.value !== null) issues.push({ row, field: code, severity: 'warning', code: 'field_stopped', params: stoppedParams(field) })
      continue
    }
    const value = n ? n.value : null
    out[code] = value
    const found = n ? n.issues : null
    if (found && found.length) for (const it of found) issues.push(it.params ? { row, field: code, severity: it.severity, code: it.code, params: it.params } : { row, field: code, severity: it.severity, code: it.code })
    if (value === null) {
      if (field.required && !(found && found.some((it) => it.severity === 'error'))) {
        issues.push({ row, field: code, severity: 'error', code: 'required' })
      }
    } else if (field.kind === 'text') textTotal += textLength(value)
  }
  if (schema.recordTextLimit !== undefined && textTotal > schema.recordTextLimit) {
    issues.push({ row, field: null, severity: 'error', code: 'record_text_too_long', params: { length: textTotal, limit: schema.recordTextLimit } })
  }
  return out
}

/**
 * Issues of one row and its key, without building the row's wire values: what the worker runs
 * over a whole file. Must report exactly what validateRow reports (a test holds them together).
 */
export function checkRow(schema: TargetSchema, raw: RawRow, row: number, issues: Issue[]): string | null {
  let textTotal = 0
  const fields = schema.fields
  for (let i = 0; i < fields.length; i++) {
    const field = fields[i] as TargetField
    const code = field.code
    const cell = raw[code]
    const found = cell === undefined ? null : checkValue(field, cell)
    if (!field.writable) {
      if (found !== null && !found.some((it) => it.severity === 'error')) issues.push({ row, field: code, severity: 'warning', code: 'field_stopped', params: stoppedParams(field) })
      continue
    }
    let hasError = false
    if (found !== null && found.length) {
      for (const it of found) {
        if (it.severity === 'error') hasError = true
        issues.push(it.params ? { row, field: code, severity: it.severity, code: it.code, params: it.params } : { row, field: code, severity: it.severity, code: it.code })
      }
    }
    if (found === null || hasError) {
      if (field.required && !hasError) issues.push({ row, field: code, severity: 'error', code: 'required' })
    } else if (field.kind === 'text') {
      textTotal += typeof cell === 'string' ? textLength(cell) : textLength(normaliseValue(field, cell as CellValue).value ?? '')
    }
  }
  if (schema.recordTextLimit !== undefined && textTotal > schema.recordTextLimit) {
    issues.push({ row, field: null, severity: 'error', code: 'record_text_too_long', params: { length: textTotal, limit: schema.recordTextLimit } })
  }
  let key = ''
  for (let i = 0; i < schema.keyFields.length; i++) {
    const code = schema.keyFields[i] as string
    const field = fields.find((f) => f.code === code)
    const cell = raw[code]
    if (!field || !field.writable || cell === undefined) return null
    const v = normaliseValue(field, cell).value
    if (v === null) return null
    key += i === 0 ? v : '\u0000' + v
  }
  return schema.keyFields.length ? key : null
}

function stoppedParams(field: TargetField): Record<string, string> {
  const zh = field.stoppedReason?.['zh-CN']
  const en = field.stoppedReason?.['en-US']
  return { 'reason_zh-CN': zh ? `${zh.replace(/[。.]$/, '')}。` : '', 'reason_en-US': en ? `${en.replace(/\.$/, '')}. ` : '' }
}

/** Key of a row on schema.keyFields, or null when any key part is empty (reported as required). */
export function rowKey(schema: TargetSchema, values: WireRow): string | null {
  let key = ''
  for (let i = 0; i < schema.keyFields.length; i++) {
    const v = values[schema.keyFields[i] as string]
    if (v === null || v === undefined) return null
    key += i === 0 ? v : '\u0000' + v
  }
  return key
}

/** Issues for every row whose key appears more than once. Rows are listed by index in `values`. */
export function duplicateIssues(schema: TargetSchema, values: ArrayLike<WireRow | undefined>, rowIndex: (i: number) => number = (i) => i): Issue[] {
  if (schema.keyFields.length === 0) return []
  const keys: Array<string | null> = new Array(values.length)
  for (let i = 0; i < values.length; i++) {
    const v = values[i]
    keys[i] = v ? rowKey(schema, v) : null
  }
  return duplicateIssuesFromKeys(schema, keys, rowIndex)
}

/** The duplicate_key params for a key shared by `count` rows (same for every row of the group). */
export function duplicateParams(schema: TargetSchema, key: string, count: number): Record<string, string | number> {
  const titles = schema.keyFields.map((code) => schema.fields.find((f) => f.code === code)?.title)
  return {
    key: key.split('\u0000').join(' / '),
    count,
    'fields_zh-CN': titles.map((t, i) => t?.['zh-CN'] ?? schema.keyFields[i]).join(' + '),
    'fields_en-US': titles.map((t, i) => t?.['en-US'] ?? schema.keyFields[i]).join(' + '),
  }
}

export function duplicateIssuesFromKeys(schema: TargetSchema, keys: ArrayLike<string | null>, rowIndex: (i: number) => number = (i) => i): Issue[] {
  if (schema.keyFields.length === 0) return []
  const seen = new Map<string, number[]>()
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]
    if (key === null || key === undefined) continue
    const list = seen.get(key)
    if (list) list.push(i)
    else seen.set(key, [i])
  }
  const issues: Issue[] = []
  const firstKey = schema.keyFields[0] as string
  for (const [key, list] of seen) {
    if (list.length < 2) continue
    const params = duplicateParams(schema, key, list.length)
    for (const i of list) issues.push({ row: rowIndex(i), field: firstKey, severity: 'error', code: 'duplicate_key', params })
  }
  return issues
}

export function validateRows(schema: TargetSchema, rows: RawRow[]): ValidationResult {
  const issues: Issue[] = []
  const values: WireRow[] = new Array(rows.length)
  for (let r = 0; r < rows.length; r++) values[r] = validateRow(schema, rows[r] as RawRow, r, issues)
  for (const it of duplicateIssues(schema, values)) issues.push(it)
  return { values, issues }
}

export interface IssueSummary { errors: number; warnings: number; rowsWithErrors: number; rowsWithWarnings: number }

export function summariseIssues(issues: readonly Issue[]): IssueSummary {
  const errRows = new Set<number>()
  const warnRows = new Set<number>()
  let errors = 0
  let warnings = 0
  for (const it of issues) {
    if (it.severity === 'error') { errors++; errRows.add(it.row) } else { warnings++; warnRows.add(it.row) }
  }
  return { errors, warnings, rowsWithErrors: errRows.size, rowsWithWarnings: warnRows.size }
}
