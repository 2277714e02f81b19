/** Bulk fixes offered in the grid. Each returns the new value, or the same value when nothing changes. */
import type { CellValue, FieldKind } from '../domain/target'
import { isoDate, parseDate, parseDateWithOrder, parseMonth, toHalfWidth } from '../domain/values'

/** Removes leading/trailing spaces, including full-width and non-breaking ones, and zero-width characters. */
export function trimValue(v: CellValue): CellValue {
  if (typeof v !== 'string') return v
  const t = v.replace(/^[\s\u00a0\u3000\u200b\ufeff]+|[\s\u00a0\u3000\u200b\ufeff]+$/g, '')
  return t === '' ? null : t
}

/** Full-width digits, letters and punctuation → half-width; Chinese decimal point and minus too. */
export function halfWidthValue(v: CellValue): CellValue {
  if (typeof v !== 'string') return v
  return toHalfWidth(v).replace(/。(?=\d)/g, '.').replace(/[−—](?=\d)/g, '-')
}

const OUT: Partial<Record<FieldKind, (iso: string) => string>> = {
  date: (iso) => iso,
  compact_date: (iso) => iso.replace(/-/g, ''),
  month: (iso) => iso.slice(0, 7),
  compact_month: (iso) => iso.slice(0, 7).replace('-', ''),
}

/**
 * Rewrites a recognisable date in the field's own format (2024/1/5 → 2024-01-05, Excel serials
 * too); with an order, d/m/yyyy or m/d/yyyy is resolved as the person said.
 */
export function dateFormatValue(v: CellValue, kind: FieldKind, order?: 'dmy' | 'mdy'): CellValue {
  const out = OUT[kind]
  if (!out || v === null || typeof v === 'boolean') return v
  if (kind === 'month' || kind === 'compact_month') {
    const m = parseMonth(v)
    return m ? out(`${m.y}-${m.m < 10 ? '0' : ''}${m.m}-01`) : v
  }
  const p = order ? parseDateWithOrder(v, order) : parseDate(v)
  if (!p || p === 'ambiguous') return v
  return out(isoDate(p))
}
