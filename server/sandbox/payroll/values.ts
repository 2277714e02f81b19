// Value formats of datasource fields (§4.2 "Value formats by field_type"). Numbers are handled as
// decimal strings — never floats — so rounding is exact.
import type { DatasourceField } from '../seed/datasources'

export type ValueCheck = { ok: true; value: string } | { ok: false; code: 2500010 | 2500011 | 2500016 }

export const TEXT_MAX = 500
export const RECORD_TEXT_MAX = 3000

/** Characters, not UTF-16 units: "我" and "😀" count as one each. */
export const charLength = (s: string) => [...s].length

function incrementDigits(digits: string): string {
  const a = digits.split('')
  for (let i = a.length - 1; i >= 0; i--) {
    if (a[i] !== '9') { a[i] = String(Number(a[i]) + 1); return a.join('') }
    a[i] = '0'
  }
  return `1${a.join('')}`
}

/**
 * 四舍五入 to `places` decimals (half away from zero). A value already within the precision is
 * stored as sent — "超过设置的精度会被四舍五入" only rounds what exceeds it; UNCONFIRMED whether
 * Feishu also re-formats ("12.2" vs "12.20"); the sandbox keeps the caller's string.
 */
export function roundDecimal(v: string, places: number): string | null {
  const m = /^(-?)(\d+)(?:\.(\d+))?$/.exec(v)
  if (!m) return null
  const sign = m[1] ?? ''
  const int = m[2] ?? '0'
  const frac = m[3] ?? ''
  if (frac.length <= places) return v
  let digits = int + frac.slice(0, places)
  if ((frac[places] ?? '0') >= '5') digits = incrementDigits(digits)
  const newInt = digits.slice(0, digits.length - places).replace(/^0+(?=\d)/, '') || '0'
  const newFrac = digits.slice(digits.length - places)
  const body = places > 0 ? `${newInt}.${newFrac}` : newInt
  return /^[0.]+$/.test(body) ? body : `${sign}${body}`
}

export function isIsoDate(v: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(v)
  if (!m) return false
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])]
  const date = new Date(Date.UTC(y, mo - 1, d))
  return date.getUTCFullYear() === y && date.getUTCMonth() === mo - 1 && date.getUTCDate() === d
}

export const PERIOD_RE = /^\d{4}-(0[1-9]|1[0-2])$/

export function checkValue(field: DatasourceField, value: string): ValueCheck {
  switch (field.field_type) {
    case 1:
    case 2: {
      const r = roundDecimal(value, field.decimal_places ?? 2)
      return r === null ? { ok: false, code: 2500010 } : { ok: true, value: r }
    }
    case 5: {
      // "10" means 10 %; at most two decimals, rounded beyond that.
      const r = roundDecimal(value, 2)
      return r === null ? { ok: false, code: 2500010 } : { ok: true, value: r }
    }
    case 3:
      return charLength(value) > TEXT_MAX ? { ok: false, code: 2500011 } : { ok: true, value }
    case 4:
      if (field.code === 'payroll_period') {
        if (!PERIOD_RE.test(value)) return { ok: false, code: 2500010 }
        return value < '1970-01' ? { ok: false, code: 2500016 } : { ok: true, value }
      }
      return isIsoDate(value) ? { ok: true, value } : { ok: false, code: 2500010 }
  }
}
