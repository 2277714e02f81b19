/**
 * The template workbook for a target: a title row and a code row (so a filled template maps
 * itself exactly and the mapping step is skipped), a types row and an example row (both
 * recognised and skipped when the template comes back), ID columns formatted as text.
 */
import type { Locale, TargetField, TargetSchema } from '../domain/target'
import { fieldFullTitle, kindLabel } from '../domain/target'
import { CellStyle, type WriteCell, type WriteSheet } from './xlsx-write'

/** The example value written for a field; a row holding exactly these values is skipped on import. */
export function exampleValue(field: TargetField): string {
  const dp = field.decimalPlaces
  switch (field.kind) {
    case 'identifier': return '00123'
    case 'text': return '示例 Example'
    case 'number': return (12.5).toFixed(dp ?? 1)
    case 'money': return (1234.5).toFixed(dp ?? 2)
    case 'percent': return '10'
    case 'date': return '2024-01-31'
    case 'month': return '2024-01'
    case 'compact_date': return '20240131'
    case 'compact_month': return '202401'
  }
}

function width(s: string): number {
  let w = 0
  for (const ch of s) w += ch.charCodeAt(0) > 0x2e80 ? 2 : 1
  return Math.min(50, Math.max(10, w + 2))
}

export function templateSheet(schema: TargetSchema, locale: Locale): WriteSheet {
  const fields = schema.fields.filter((f) => f.writable)
  const titles = fields.map((f) => fieldFullTitle(f, locale))
  const rows: Array<Array<WriteCell>> = [
    titles.map((t) => ({ v: t, style: CellStyle.Header })),
    fields.map((f) => ({ v: f.code, style: CellStyle.Code })),
    fields.map((f) => ({ v: kindLabel(f, locale), style: CellStyle.Muted })),
    fields.map((f) => ({ v: exampleValue(f), style: CellStyle.Muted })),
  ]
  return {
    name: (schema.title[locale] || schema.id).replace(/[\\/?*[\]:]/g, ' ').slice(0, 31),
    rows,
    freezeRows: 2,
    colWidths: fields.map((f, i) => Math.max(width(titles[i] ?? ''), width(f.code), width(kindLabel(f, locale)) - 4)),
    colStyles: fields.map((f) => (f.kind === 'identifier' || f.kind === 'text' ? CellStyle.Text : CellStyle.Default)),
  }
}
