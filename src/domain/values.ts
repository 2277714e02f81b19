/**
 * One raw cell → the exact Feishu wire string, or null (= leave the field alone; never '').
 * Pure ECMAScript: this file is compiled into the server and runs in the import worker, where it
 * is called ~3 million times for a 100k × 30 sheet, so common inputs take a fast path.
 *
 * Wire formats (reference/feishu-api.md, datasource_records/save and upload_report):
 * amount/number rounded to the configured precision, percent with ≤ 2 decimals, date yyyy-mm-dd,
 * period yyyy-mm, attendance month yyyyMM / dates yyyyMMdd, text ≤ 500 per field.
 */
import { READING_TEXT, type Issue } from './issues'
import type { CellValue, FieldKind, TargetField } from './target'

export type ValueIssue = Pick<Issue, 'severity' | 'code' | 'params'>
export interface NormalisedValue { value: string | null; issues: ValueIssue[] }

/** Shared empty list for the fast path; treat every returned `issues` as read-only. */
const NONE: ValueIssue[] = Object.freeze([]) as unknown as ValueIssue[]
/**
 * What checkValue gives (no issues, like NONE) for a cell whose normalised value is the cell
 * itself: the key pass (validate.ts checkRange) then takes the cell as it is.
 */
export const AS_IS: ValueIssue[] = Object.freeze([]) as unknown as ValueIssue[]

/** Excel shows and stores 15 significant digits; beyond that a double is noise (0.1 + 0.2). */
const EXCEL_DIGITS = 15
/** Integer digits beyond this cannot be carried exactly as a double on Feishu's side. */
export const MAX_INTEGER_DIGITS = 15
/** Excel's last date, 9999-12-31. */
const MAX_SERIAL = 2958465

// ---------------------------------------------------------------- text helpers

/** Full-width ASCII (U+FF01–FF5E) and the ideographic space → half-width. Leaves CJK alone. */
export function toHalfWidth(s: string): string {
  let needs = false
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i)
    if ((c >= 0xff01 && c <= 0xff5e) || c === 0x3000) { needs = true; break }
  }
  if (!needs) return s
  let out = ''
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i)
    if (c >= 0xff01 && c <= 0xff5e) out += String.fromCharCode(c - 0xfee0)
    else if (c === 0x3000) out += ' '
    else out += s[i]
  }
  return out
}

/** Length in characters as people count them (a CJK extension character or emoji is one). */
export function textLength(s: string): number {
  let n = s.length
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i)
    if (c >= 0xd800 && c <= 0xdbff) { n--; i++ }
  }
  return n
}

function isBlank(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i)
    if (!(c === 32 || (c >= 9 && c <= 13) || c === 0xa0 || c === 0x3000 || c === 0xfeff)) return false
  }
  return true
}

// ---------------------------------------------------------------- decimal strings

/** A finite number as a plain decimal string (no exponent), cut to Excel's 15 significant digits. */
export function numberToPlain(n: number): string {
  if (Number.isInteger(n) && Math.abs(n) < 1e15) return String(n === 0 ? 0 : n)
  // Fast path: the shortest round-trip text already has ≤ 15 digits (16 chars with the point).
  const short = String(n)
  if (short.length <= 16 && short.indexOf('e') < 0) return short
  const precise = Number(n.toPrecision(EXCEL_DIGITS))
  const s = String(precise)
  const e = s.indexOf('e')
  if (e < 0) return s
  return expandExponent(s.slice(0, e), Number(s.slice(e + 1)))
}

function expandExponent(mantissa: string, exp: number): string {
  let sign = ''
  if (mantissa.startsWith('-')) { sign = '-'; mantissa = mantissa.slice(1) }
  else if (mantissa.startsWith('+')) mantissa = mantissa.slice(1)
  const dot = mantissa.indexOf('.')
  const digits = dot < 0 ? mantissa : mantissa.slice(0, dot) + mantissa.slice(dot + 1)
  const point = (dot < 0 ? mantissa.length : dot) + exp
  let body: string
  if (point <= 0) body = '0.' + '0'.repeat(-point) + digits
  else if (point >= digits.length) body = digits + '0'.repeat(point - digits.length)
  else body = digits.slice(0, point) + '.' + digits.slice(point)
  return sign + stripZeros(body)
}

/** "007.500" → "7.5", "-0" → "0". Input is a plain decimal. */
function stripZeros(s: string): string {
  let sign = ''
  if (s.startsWith('-')) { sign = '-'; s = s.slice(1) }
  let [int = '0', frac = ''] = s.split('.')
  int = int.replace(/^0+(?=\d)/, '') || '0'
  frac = frac.replace(/0+$/, '')
  const out = frac ? `${int}.${frac}` : int
  return out === '0' ? '0' : sign + out
}

const PLAIN_NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)$/
const GROUPED_NUMBER = /^[+-]?\d{1,3}(?:,\d{3})+(?:\.\d*)?$/
const EXP_NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)[eE][+-]?\d+$/

/**
 * How a number text was read beyond its plain digits; each one is said to the person as a warning
 * (the value sent is not what the cell literally shows).
 * - parentheses: (12.00) read as -12 (accounting negative)
 * - currency: a ¥ / $ / RMB / 元 dropped
 * - grouping: "1,234" read as 1234 — in de-DE or fr-FR that comma is a decimal point
 * - percent: "10%" read as 10 (percent fields only)
 */
export type NumberReading = 'parentheses' | 'currency' | 'grouping' | 'percent'

/** A number text read: the plain decimal, its decimal places, and what was reinterpreted. */
export interface ParsedNumber { plain: string; places: number; how: NumberReading[] }

/**
 * Parses what people type for an amount: "1,234.50", "１２３４", "¥1234", "-12", "(12.00)",
 * "1234元", "1.2E+3", and with `percent` "10%". The one text-number parser: values, fixes and the
 * payroll diff all read numbers through it. null = not a number.
 */
export function parseNumberText(input: string, percent = false): ParsedNumber | null {
  let s = toHalfWidth(input).trim()
  if (s === '') return null
  const how: NumberReading[] = []
  if (percent && s.endsWith('%')) { s = s.slice(0, -1).trim(); how.push('percent') }
  let negative = false
  if (s.startsWith('(') && s.endsWith(')')) { negative = true; s = s.slice(1, -1).trim(); how.push('parentheses') }
  if (s.startsWith('-') || s.startsWith('−')) { negative = !negative; s = s.slice(1).trim() }
  else if (s.startsWith('+')) s = s.slice(1).trim()
  if (s.startsWith('¥') || s.startsWith('￥') || s.startsWith('$')) { s = s.slice(1).trim(); how.push('currency') }
  else if (/^(?:RMB|CNY)/i.test(s)) { s = s.slice(3).trim(); how.push('currency') }
  if (s.endsWith('元')) { s = s.slice(0, -1).trim(); if (!how.includes('currency')) how.push('currency') }
  if (s.includes(' ') || s.includes('\u00a0')) s = s.replace(/[ \u00a0]/g, '')
  if (s.startsWith('-') || s.startsWith('+')) return null
  let plain: string
  if (PLAIN_NUMBER.test(s)) plain = s
  else if (GROUPED_NUMBER.test(s)) {
    plain = s.replace(/,/g, '')
    // "1,234.5" can only be grouping; "1,234" could be 1.234 where a comma is the decimal point.
    if (!s.includes('.')) how.push('grouping')
  } else if (EXP_NUMBER.test(s)) {
    const e = s.search(/[eE]/)
    const exp = Number(s.slice(e + 1))
    if (!Number.isFinite(exp) || Math.abs(exp) > 400) return null
    plain = expandExponent(s.slice(0, e), exp)
  } else return null
  if (plain.endsWith('.')) plain = plain.slice(0, -1)
  if (plain.startsWith('.')) plain = '0' + plain
  const out = stripZeros(plain)
  const dot = out.indexOf('.')
  return { plain: negative && out !== '0' ? '-' + out : out, places: dot < 0 ? 0 : out.length - dot - 1, how }
}

/** parseNumberText's plain decimal string, or null. */
export function parseDecimalText(input: string): string | null {
  return parseNumberText(input)?.plain ?? null
}

/**
 * Half-up rounding on the decimal digits themselves, so 1.005 → 1.01 as the person sees it
 * (binary floating point would give 1.00). Always returns exactly `places` decimals.
 */
export function roundHalfUp(plain: string, places: number): { text: string; changed: boolean } {
  let sign = ''
  let s = plain
  if (s.startsWith('-')) { sign = '-'; s = s.slice(1) }
  const dot = s.indexOf('.')
  const int = dot < 0 ? s : s.slice(0, dot)
  const frac = dot < 0 ? '' : s.slice(dot + 1)
  if (frac.length <= places) {
    const text = places > 0 ? `${int}.${frac.padEnd(places, '0')}` : int
    return { text: sign && !/^[0.]+$/.test(text) ? sign + text : text, changed: false }
  }
  const rest = frac.slice(places)
  const changed = /[1-9]/.test(rest)
  let digits = int + frac.slice(0, places)
  if (rest.charCodeAt(0) >= 53 /* '5' */) {
    const arr = digits.split('')
    let i = arr.length - 1
    for (; i >= 0; i--) {
      if (arr[i] === '9') arr[i] = '0'
      else { arr[i] = String.fromCharCode((arr[i] as string).charCodeAt(0) + 1); break }
    }
    digits = (i < 0 ? '1' : '') + arr.join('')
  }
  const intLen = digits.length - places
  const text = places > 0 ? `${digits.slice(0, intLen)}.${digits.slice(intLen)}` : digits
  return { text: sign && !/^[0.]+$/.test(text) ? sign + text : text, changed }
}

function integerDigits(plain: string): number {
  const s = plain.startsWith('-') ? plain.slice(1) : plain
  const dot = s.indexOf('.')
  const int = (dot < 0 ? s : s.slice(0, dot)).replace(/^0+/, '')
  return int.length
}

function displayRaw(raw: CellValue): string {
  if (typeof raw === 'number') return numberToPlain(raw)
  if (typeof raw === 'boolean') return raw ? 'TRUE' : 'FALSE'
  const s = String(raw)
  return s.length > 60 ? s.slice(0, 57) + '…' : s
}

// ---------------------------------------------------------------- dates

export interface DateParts { y: number; m: number; d: number }

function daysInMonth(y: number, m: number): number {
  return m === 2 ? ((y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 29 : 28) : [4, 6, 9, 11].includes(m) ? 30 : 31
}

function validDate(y: number, m: number, d: number): DateParts | null {
  if (y < 1900 || y > 9999 || m < 1 || m > 12 || d < 1 || d > daysInMonth(y, m)) return null
  return { y, m, d }
}

/**
 * Excel serial day → date. `date1904` for workbooks saved with the 1904 system (old Mac Excel).
 * In the 1900 system Excel counts a 29 Feb 1900 that never existed (serial 60), kept from Lotus.
 */
export function serialToDate(serial: number, date1904 = false): DateParts | null {
  if (!Number.isFinite(serial)) return null
  let days = Math.floor(serial + 1e-9)
  if (date1904) days += 1462
  else {
    if (days === 60 || days < 1) return null
    if (days < 60) days += 1
  }
  if (days > MAX_SERIAL + 1462) return null
  return civilDate(days - 25_569) // 1899-12-30 is 25,569 days before 1970-01-01
}

/**
 * Days since 1970-01-01 → proleptic Gregorian date, in integer arithmetic (H. Hinnant's
 * civil_from_days): the same as new Date(days × 86,400,000)'s UTC parts, without building a Date
 * for each of the thousands of distinct dates a sheet holds (a test compares the two).
 */
function civilDate(days: number): DateParts | null {
  const z = days + 719_468
  const era = Math.floor(z / 146_097)
  const doe = z - era * 146_097
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365)
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100))
  const mp = Math.floor((5 * doy + 2) / 153)
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1
  const m = mp < 10 ? mp + 3 : mp - 9
  return validDate(yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
}

export function isoDate(p: DateParts): string {
  return `${p.y}-${p.m < 10 ? '0' : ''}${p.m}-${p.d < 10 ? '0' : ''}${p.d}`
}

const MONTH_NAMES = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec']
const YMD = /^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*[日号]?(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/
const COMPACT_YMD = /^(\d{4})(\d{2})(\d{2})$/
const AB_Y = /^(\d{1,2})\s*[-/.]\s*(\d{1,2})\s*[-/.]\s*(\d{4})(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?$/
const D_MON_Y = /^(\d{1,2})[-\s]([A-Za-z]{3})[a-z]*\.?[-\s,]+(\d{4})$/
const MON_D_Y = /^([A-Za-z]{3})[a-z]*\.?\s+(\d{1,2}),?\s+(\d{4})$/
const INTEGER = /^\d+$/

export type DateParse = DateParts | 'ambiguous' | null

/** A date from what a sheet may hold. Day/month order is only guessed when one part is > 12. */
function digits(s: string, from: number, to: number): number {
  let n = 0
  for (let i = from; i < to; i++) {
    const c = s.charCodeAt(i) - 48
    if (c < 0 || c > 9) return -1
    n = n * 10 + c
  }
  return n
}

export function parseDate(raw: CellValue): DateParse {
  if (typeof raw === 'number') return numberToDate(raw)
  if (typeof raw !== 'string') return null
  // Fast path: already yyyy-mm-dd (every date cell read from .xlsx arrives like this).
  if (raw.length === 10 && raw.charCodeAt(4) === 45 && raw.charCodeAt(7) === 45) {
    const y = digits(raw, 0, 4)
    const m = digits(raw, 5, 7)
    const d = digits(raw, 8, 10)
    if (y >= 0 && m >= 0 && d >= 0) return validDate(y, m, d)
  }
  const s = toHalfWidth(raw).trim()
  let m = YMD.exec(s)
  if (m) return validDate(Number(m[1]), Number(m[2]), Number(m[3]))
  m = COMPACT_YMD.exec(s)
  if (m) return validDate(Number(m[1]), Number(m[2]), Number(m[3]))
  m = AB_Y.exec(s)
  if (m) {
    const a = Number(m[1])
    const b = Number(m[2])
    const y = Number(m[3])
    if (a > 12 && b <= 12) return validDate(y, b, a)
    if (b > 12 && a <= 12) return validDate(y, a, b)
    if (a === b) return validDate(y, a, b)
    return a <= 12 && b <= 12 ? 'ambiguous' : null
  }
  m = D_MON_Y.exec(s)
  if (m) {
    const mon = MONTH_NAMES.indexOf((m[2] as string).toLowerCase()) + 1
    return mon ? validDate(Number(m[3]), mon, Number(m[1])) : null
  }
  m = MON_D_Y.exec(s)
  if (m) {
    const mon = MONTH_NAMES.indexOf((m[1] as string).toLowerCase()) + 1
    return mon ? validDate(Number(m[3]), mon, Number(m[2])) : null
  }
  if (INTEGER.test(s) && s.length <= 7) return numberToDate(Number(s))
  return null
}

function numberToDate(n: number): DateParts | null {
  if (!Number.isFinite(n) || n < 0) return null
  // 20240105 as a number: a compact date typed without a separator.
  if (Number.isInteger(n) && n >= 19000101 && n <= 99991231) {
    return validDate(Math.floor(n / 10000), Math.floor(n / 100) % 100, n % 100)
  }
  return n <= MAX_SERIAL ? serialToDate(n) : null
}

/** Reorders an a/b/yyyy date with an order chosen by the person (bulk fix "date format"). */
export function parseDateWithOrder(raw: CellValue, order: 'dmy' | 'mdy'): DateParts | null {
  if (typeof raw === 'string') {
    const m = AB_Y.exec(toHalfWidth(raw).trim())
    if (m) {
      const a = Number(m[1])
      const b = Number(m[2])
      return order === 'dmy' ? validDate(Number(m[3]), b, a) : validDate(Number(m[3]), a, b)
    }
  }
  const p = parseDate(raw)
  return p === 'ambiguous' ? null : p
}

const YM = /^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*月?$/
const COMPACT_YM = /^(\d{4})(\d{2})$/

export function parseMonth(raw: CellValue): { y: number; m: number } | null {
  if (typeof raw === 'string' && raw.length === 7 && raw.charCodeAt(4) === 45) {
    const y = digits(raw, 0, 4)
    const m = digits(raw, 5, 7)
    if (y >= 1900 && m >= 1 && m <= 12) return { y, m }
  }
  if (typeof raw === 'number') {
    if (Number.isInteger(raw) && raw >= 190001 && raw <= 999912 && raw % 100 >= 1 && raw % 100 <= 12) {
      return { y: Math.floor(raw / 100), m: raw % 100 }
    }
    const d = numberToDate(raw)
    return d ? { y: d.y, m: d.m } : null
  }
  if (typeof raw !== 'string') return null
  const s = toHalfWidth(raw).trim()
  let m = YM.exec(s) ?? COMPACT_YM.exec(s)
  if (m) {
    const y = Number(m[1])
    const mo = Number(m[2])
    return y >= 1900 && y <= 9999 && mo >= 1 && mo <= 12 ? { y, m: mo } : null
  }
  // A full date in a month column (a date cell formatted as yyyy-mm reads as its first day).
  m = YMD.exec(s) ?? COMPACT_YMD.exec(s)
  if (m) {
    const d = validDate(Number(m[1]), Number(m[2]), Number(m[3]))
    return d ? { y: d.y, m: d.m } : null
  }
  return null
}

// ---------------------------------------------------------------- per kind

const FORMATS: Partial<Record<FieldKind, { format: string; example: string }>> = {
  date: { format: 'yyyy-mm-dd', example: '2024-01-31' },
  compact_date: { format: 'yyyyMMdd', example: '20240131' },
  month: { format: 'yyyy-mm', example: '2024-01' },
  compact_month: { format: 'yyyyMM', example: '202401' },
}

function one(severity: ValueIssue['severity'], code: ValueIssue['code'], params?: ValueIssue['params']): ValueIssue[] {
  return [params ? { severity, code, params } : { severity, code }]
}

const POW10 = [1, 10, 100, 1000, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10]
const ZEROS = ['', '0', '00', '000', '0000', '00000', '000000', '0000000', '00000000', '000000000', '0000000000']

function decimal(field: TargetField, raw: CellValue): NormalisedValue {
  // Fast path for the common case: a number cell that already fits the field's precision.
  if (typeof raw === 'number' && field.kind !== 'percent' && Number.isFinite(raw) && Math.abs(raw) < 1e15) {
    const places = field.decimalPlaces ?? (field.kind === 'money' ? 2 : undefined)
    if (places !== undefined && places < ZEROS.length) {
      // Integer arithmetic when the value has at most `places` decimals (within 4 ulps): no number→text
      // conversion of a double, which is the slowest step of a 100k-row validation. Anything
      // closer to a rounding boundary takes the exact decimal path below.
      const scale = POW10[places] as number
      const m = raw * scale
      const r = Math.round(m)
      if (Math.abs(m) < 9e15 && Math.abs(m - r) <= Math.abs(m) * 8.9e-16) {
        const neg = r < 0
        const a = neg ? -r : r
        const ip = Math.floor(a / scale)
        if (places === 0) return { value: neg && a !== 0 ? `-${ip}` : String(ip), issues: NONE }
        const fp = String(a - ip * scale)
        return { value: `${neg ? '-' : ''}${ip}.${ZEROS[places - fp.length]}${fp}`, issues: NONE }
      }
    }
    const plain = numberToPlain(raw)
    if (places === undefined) return { value: plain, issues: NONE }
    const dot = plain.indexOf('.')
    const frac = dot < 0 ? 0 : plain.length - dot - 1
    if (frac <= places && places < ZEROS.length) {
      if (places === 0) return { value: plain, issues: NONE }
      return { value: dot < 0 ? `${plain}.${ZEROS[places]}` : plain + ZEROS[places - frac], issues: NONE }
    }
  }
  let plain: string | null
  let how: NumberReading[] = []
  if (typeof raw === 'number') plain = Number.isFinite(raw) ? numberToPlain(raw) : null
  else if (typeof raw === 'string') {
    // "10%" and 10 both mean ten percent on the wire.
    const parsed = parseNumberText(raw, field.kind === 'percent')
    plain = parsed ? parsed.plain : null
    if (parsed) how = parsed.how
  } else plain = null
  if (plain === null) return { value: null, issues: one('error', 'not_a_number', { value: displayRaw(raw) }) }
  if (integerDigits(plain) > MAX_INTEGER_DIGITS) {
    return { value: null, issues: one('error', 'out_of_range', { value: displayRaw(raw), max: '1' + '0'.repeat(MAX_INTEGER_DIGITS) }) }
  }
  let value: string
  let rounded: ValueIssue | null = null
  if (field.kind === 'percent') {
    const places = Math.min(field.decimalPlaces ?? 2, 2)
    const r = roundHalfUp(plain, places)
    value = stripZeros(r.text)
    if (r.changed) rounded = { severity: 'warning', code: 'rounded', params: { from: plain, to: value, places } }
  } else {
    const places = field.decimalPlaces ?? (field.kind === 'money' ? 2 : undefined)
    if (places === undefined) value = plain
    else {
      const r = roundHalfUp(plain, places)
      value = r.text
      if (r.changed) rounded = { severity: 'warning', code: 'rounded', params: { from: plain, to: r.text, places } }
    }
  }
  if (how.length === 0) return { value, issues: rounded ? [rounded] : NONE }
  const issues: ValueIssue[] = [{ severity: 'warning', code: 'reinterpreted', params: readingParams(raw as string, value, how) }]
  if (rounded) issues.push(rounded)
  return { value, issues }
}

/** Params of a 'reinterpreted' warning: the cell as written, the value sent, and how it was read, in both languages. */
function readingParams(raw: string, to: string, how: readonly string[]): Record<string, string> {
  return {
    value: displayRaw(raw),
    to,
    'how_zh-CN': how.map((h) => READING_TEXT[h]?.['zh-CN'] ?? h).join('、'),
    'how_en-US': how.map((h) => READING_TEXT[h]?.['en-US'] ?? h).join(', '),
  }
}

/**
 * Whether a date was guessed rather than read: a d/m/yyyy or m/d/yyyy told apart only because one
 * part is over 12, or a bare number taken as an Excel serial day (a cell not formatted as a date).
 */
function dateGuessed(raw: CellValue): boolean {
  if (typeof raw === 'number') return !(Number.isInteger(raw) && raw >= 19000101 && raw <= 99991231)
  if (typeof raw !== 'string') return false
  const s = toHalfWidth(raw).trim()
  if (INTEGER.test(s)) return s.length <= 7
  const m = AB_Y.exec(s)
  return !!m && m[1] !== m[2]
}

function dateKind(field: TargetField, raw: CellValue): NormalisedValue {
  const fmt = FORMATS[field.kind] as { format: string; example: string }
  if (field.kind === 'date' || field.kind === 'compact_date') {
    const p = parseDate(raw)
    if (p === 'ambiguous') return { value: null, issues: one('error', 'ambiguous_date', { value: displayRaw(raw) }) }
    if (!p) return { value: null, issues: one('error', 'bad_date', { value: displayRaw(raw), ...fmt }) }
    const iso = isoDate(p)
    const value = field.kind === 'date' ? iso : iso.replace(/-/g, '')
    // The ISO text every dated .xlsx cell arrives as is read, not guessed.
    if (typeof raw === 'string' && raw.length === 10 && raw.charCodeAt(4) === 45) return { value, issues: NONE }
    return { value, issues: dateGuessed(raw) ? one('warning', 'date_guessed', { value: displayRaw(raw), to: iso }) : NONE }
  }
  const p = parseMonth(raw)
  if (!p) return { value: null, issues: one('error', 'bad_month', { value: displayRaw(raw), ...fmt }) }
  const mm = p.m < 10 ? `0${p.m}` : String(p.m)
  if (field.kind === 'month' && p.y < 1970) {
    return { value: null, issues: one('error', 'month_too_early', { value: `${p.y}-${mm}` }) }
  }
  return { value: field.kind === 'month' ? `${p.y}-${mm}` : `${p.y}${mm}`, issues: NONE }
}

function text(field: TargetField, raw: CellValue): NormalisedValue {
  const s = typeof raw === 'string' ? raw : typeof raw === 'number' ? numberToPlain(raw) : raw ? 'TRUE' : 'FALSE'
  if (field.maxLength !== undefined) {
    const length = textLength(s)
    if (length > field.maxLength) {
      return { value: null, issues: one('error', 'text_too_long', { length, limit: field.maxLength }) }
    }
  }
  return { value: s, issues: NONE }
}

const ID_BAD_CHAR = /[\s\u0000-\u001f]/ // eslint-disable-line no-control-regex
/** Spaces people paste around an ID, including full-width, no-break and zero-width ones. */
const ID_EDGES = /^(?:[\s\u00a0\u3000\u200b\u200c\ufeff]|\u200d)+|(?:[\s\u00a0\u3000\u200b\u200c\ufeff]|\u200d)+$/g

/**
 * An ID as Feishu matches it: full-width → half-width, trimmed, and the field's letter case
 * (work emails are matched case-blind, so lower case; an employee-number field may say upper).
 * A changed cell is said as a warning, so "ｅ００１ " does not pass silently as fine and fail later as "not found".
 */
function identifier(field: TargetField, raw: CellValue): NormalisedValue {
  if (typeof raw === 'number') {
    if (!Number.isFinite(raw) || raw < 0 || !Number.isInteger(raw)) {
      return { value: null, issues: one('error', 'bad_identifier', { value: displayRaw(raw) }) }
    }
    if (raw > Number.MAX_SAFE_INTEGER) {
      return { value: null, issues: one('error', 'identifier_precision_lost', { value: numberToPlain(raw) }) }
    }
    return { value: String(raw), issues: NONE }
  }
  if (typeof raw === 'boolean') return { value: null, issues: one('error', 'bad_identifier', { value: displayRaw(raw) }) }
  let s = toHalfWidth(raw as string).replace(ID_EDGES, '')
  if (field.letterCase === 'upper') s = s.toUpperCase()
  else if (field.letterCase === 'lower') s = s.toLowerCase()
  if (s === '') return { value: null, issues: NONE }
  if (ID_BAD_CHAR.test(s)) return { value: null, issues: one('error', 'bad_identifier', { value: displayRaw(raw) }) }
  // "1.23457E+17" is what a long ID becomes when the column was not formatted as text.
  if (/^\d(?:\.\d+)?E\+\d+$/i.test(s)) return { value: null, issues: one('error', 'identifier_precision_lost', { value: s }) }
  if (s !== raw) return { value: s, issues: one('warning', 'identifier_normalised', { value: displayRaw(raw), to: s }) }
  return { value: s, issues: NONE }
}

/**
 * The letter case a column of IDs is kept in, from its own values: Feishu matches employee numbers
 * exactly, and a file exported from the HR system shows the tenant's case in nearly every row. A
 * column whose IDs with letters are all one case but for a few (at most 1 in 10) gives that case;
 * anything else (mixed-case IDs like "Ab12", or no clear majority) gives null: leave the case alone.
 */
export function columnLetterCase(values: Iterable<string>): 'upper' | 'lower' | null {
  let upper = 0
  let lower = 0
  for (const v of values) {
    const s = toHalfWidth(v)
    const hasUpper = /[A-Z]/.test(s)
    const hasLower = /[a-z]/.test(s)
    if (hasUpper && hasLower) return null
    if (hasUpper) upper++
    else if (hasLower) lower++
  }
  const lettered = upper + lower
  if (lettered === 0 || Math.min(upper, lower) === 0) return null
  if (upper >= lettered * 0.9) return 'upper'
  if (lower >= lettered * 0.9) return 'lower'
  return null
}

function plainIdentifier(s: string, letterCase: TargetField['letterCase']): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i)
    if (c <= 32 || c >= 127 || c === 69 /* E */ || c === 101 /* e */) return false
    if (letterCase === 'upper' ? c >= 97 && c <= 122 : letterCase === 'lower' ? c >= 65 && c <= 90 : false) return false
  }
  return true
}

// ---------------------------------------------------------------- the rule table

/**
 * The rules of one field kind. validateRow (normalise), checkRow (check) and checkColumns /
 * checkRange (check, number) all read this one table, so the three cannot drift apart: `check`
 * and `number` are only fast ways to the issues `normalise` reports (a test holds them equal).
 * normalise is never given an empty or blank cell (normaliseValue handles those); check and number may be.
 */
export interface KindRules {
  /** The wire value and issues of a non-empty cell. */
  normalise(field: TargetField, raw: CellValue): NormalisedValue
  /** normalise(field, raw).issues, or AS_IS when the wire value is the cell itself; null = the cell counts as empty (blank text too). */
  check(field: TargetField, raw: CellValue): ValueIssue[] | null
  /** check(field, n) for a number, taking it unboxed. */
  number(field: TargetField, n: number): ValueIssue[] | null
}

/** Issues through normalise, for the cases no fast path covers (a blank cell counts as empty). */
function slowCheck(field: TargetField, raw: CellValue): ValueIssue[] | null {
  const n = normaliseValue(field, raw)
  return n.value === null && n.issues.length === 0 ? null : n.issues
}

/** The decimal places a number/money field keeps (undefined = any). */
function placesOf(field: TargetField): number | undefined {
  return field.decimalPlaces ?? (field.kind === 'money' ? 2 : undefined)
}

/** True when n is a number that already has at most `places` decimals (within 4 ulps): nothing to round or say. */
function fitsPlaces(n: number, places: number | undefined): boolean {
  if (!(Number.isFinite(n) && Math.abs(n) < 1e15)) return false
  if (places === undefined) return true
  if (places >= POW10.length) return false
  const m = n * (POW10[places] as number)
  return Math.abs(m) < 9e15 && Math.abs(m - Math.round(m)) <= Math.abs(m) * 8.9e-16
}

const decimalRules: KindRules = {
  normalise: (field, raw) => (typeof raw === 'boolean' ? { value: null, issues: one('error', 'not_a_number', { value: displayRaw(raw) }) } : decimal(field, raw)),
  check(field, raw) {
    if (typeof raw === 'number' && field.kind !== 'percent' && fitsPlaces(raw, placesOf(field))) return NONE
    return slowCheck(field, raw)
  },
  number(field, n) {
    if (field.kind !== 'percent' && fitsPlaces(n, placesOf(field))) return NONE
    return slowCheck(field, n)
  },
}

const dateRules: KindRules = {
  normalise: dateKind,
  check(field, raw) {
    if ((field.kind === 'date' || field.kind === 'compact_date') && typeof raw === 'string' && raw.length === 10 && raw.charCodeAt(4) === 45) {
      const p = parseDate(raw)
      if (p && p !== 'ambiguous') return NONE
    } else if (field.kind === 'month' && typeof raw === 'string' && raw.length === 7) {
      const p = parseMonth(raw)
      if (p && p.y >= 1970) return NONE
    }
    return slowCheck(field, raw)
  },
  number: (field, n) => slowCheck(field, n),
}

const textRules: KindRules = {
  normalise: text,
  check(field, raw) {
    if (typeof raw === 'string' && !isBlank(raw) && (field.maxLength === undefined || raw.length <= field.maxLength)) return NONE
    return slowCheck(field, raw)
  },
  number: (field, n) => slowCheck(field, n),
}

const identifierRules: KindRules = {
  normalise: identifier,
  check(field, raw) {
    // Printable ASCII without spaces or an exponent, in the field's case: no rule applies, the cell is its own value.
    if (typeof raw === 'string' && raw !== '' && plainIdentifier(raw, field.letterCase)) return AS_IS
    return slowCheck(field, raw)
  },
  number: (field, n) => slowCheck(field, n),
}

export const KIND_RULES: Record<FieldKind, KindRules> = {
  number: decimalRules,
  money: decimalRules,
  percent: decimalRules,
  date: dateRules,
  month: dateRules,
  compact_date: dateRules,
  compact_month: dateRules,
  text: textRules,
  identifier: identifierRules,
}

/**
 * The issues normaliseValue would report, without building the wire string where a cell is
 * plainly fine (the whole-file pass in the worker checks 3 million cells). null = empty cell.
 */
export function checkValue(field: TargetField, raw: CellValue): ValueIssue[] | null {
  if (raw === null || raw === undefined || raw === '') return null
  if (typeof raw === 'string' && isBlank(raw)) return null
  return KIND_RULES[field.kind].check(field, raw)
}

/** checkValue for a number cell, taking the number unboxed. Same result as checkValue(field, n) for every n. */
export function checkNumber(field: TargetField, n: number): ValueIssue[] | null {
  return KIND_RULES[field.kind].number(field, n)
}

/**
 * Turns one raw cell into the exact Feishu wire string, or null for an empty cell.
 * `required` and stopped fields are checked by validateRows, which sees the whole row.
 */
export function normaliseValue(field: TargetField, raw: CellValue): NormalisedValue {
  if (raw === null || raw === undefined) return { value: null, issues: NONE }
  if (typeof raw === 'string' && (raw === '' || isBlank(raw))) return { value: null, issues: NONE }
  return KIND_RULES[field.kind].normalise(field, raw)
}
