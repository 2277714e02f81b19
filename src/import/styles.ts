/**
 * Which cell styles are dates, times or percentages. A date in .xlsx is a plain number whose
 * number format says "date", so this decides whether 45292 is a count or 2024-01-01.
 */
import { tags } from './xml'

/**
 * Shown: a whole-number format that writes digits the value does not hold — zero padding
 * (000000 shows 7123 as 007123) or literal text ("E"0000). Such a cell is read as the text Excel
 * shows, because that is the ID the person means; a number field still reads "007123" as 7123.
 */
export const StyleKind = { Plain: 0, Date: 1, DateTime: 2, Time: 3, Percent: 4, Shown: 5 } as const
export type StyleKind = (typeof StyleKind)[keyof typeof StyleKind]

/**
 * Built-in format ids (ECMA-376 §18.8.30). 27–36 and 50–58 are the CJK date formats that
 * Chinese Excel and WPS write without a <numFmt> (e.g. 31 = yyyy"年"m"月"d"日").
 */
const BUILTIN: Record<number, StyleKind> = {
  9: StyleKind.Percent, 10: StyleKind.Percent,
  14: StyleKind.Date, 15: StyleKind.Date, 16: StyleKind.Date, 17: StyleKind.Date,
  18: StyleKind.Time, 19: StyleKind.Time, 20: StyleKind.Time, 21: StyleKind.Time, 22: StyleKind.DateTime,
  27: StyleKind.Date, 28: StyleKind.Date, 29: StyleKind.Date, 30: StyleKind.Date, 31: StyleKind.Date,
  32: StyleKind.Time, 33: StyleKind.Time, 34: StyleKind.Time, 35: StyleKind.Time, 36: StyleKind.Date,
  45: StyleKind.Time, 46: StyleKind.Time, 47: StyleKind.Time,
  50: StyleKind.Date, 51: StyleKind.Date, 52: StyleKind.Date, 53: StyleKind.Date, 54: StyleKind.Date,
  55: StyleKind.Date, 56: StyleKind.Date, 57: StyleKind.Date, 58: StyleKind.Date,
}

/** Classifies a custom format code such as 'yyyy"年"m"月"', '[$-409]d-mmm-yy;@' or '0.0%'. */
export function classifyFormat(code: string): StyleKind {
  // Drop quoted literals, escaped characters and [..] sections (colours, locales), keep elapsed [h].
  const first = code.split(';')[0] ?? ''
  const bare = first
    .replace(/"[^"]*"/g, '')
    .replace(/\\./g, '')
    .replace(/\[(?:h+|m+|s+)\]/gi, 'h')
    .replace(/\[[^\]]*\]/g, '')
  if (bare.includes('%')) return StyleKind.Percent
  if (shownFormat(first)) return StyleKind.Shown
  if (/general/i.test(bare) || bare.trim() === '@') return StyleKind.Plain
  const letters = bare.replace(/E[+-]/gi, '')
  const hasTime = /[hs]/i.test(letters) || /AM\/PM|A\/P|上午\/下午/i.test(first)
  // 'm' is minutes next to h or s, months otherwise; 'e' is the year in CJK formats.
  const hasDate = /[yde]/i.test(letters) || (/m/i.test(letters) && !hasTime)
  if (hasDate && hasTime) return StyleKind.DateTime
  if (hasDate) return StyleKind.Date
  if (hasTime) return StyleKind.Time
  return StyleKind.Plain
}

/** A format's pieces: digit placeholders (0 # ?) and literal text. */
type FormatPart = { digit: '0' | '#' | '?' } | { text: string }

/**
 * The pieces of a whole-number format such as 000000, "E"0000 or 000-0000, or null when the
 * format is anything else (decimals, grouping, exponent, dates, text @, General, a single 0).
 */
function shownFormat(section: string): FormatPart[] | null {
  const parts: FormatPart[] = []
  let zeros = 0
  let literal = false
  for (let i = 0; i < section.length; i++) {
    const c = section[i] as string
    if (c === '"') {
      const end = section.indexOf('"', i + 1)
      if (end < 0) return null
      if (end > i + 1) { parts.push({ text: section.slice(i + 1, end) }); literal = true }
      i = end
    } else if (c === '\\') {
      if (i + 1 < section.length) { parts.push({ text: section[i + 1] as string }); literal = true }
      i++
    } else if (c === '[') {
      // Colours and conditions ([Red], [<=9999999]) do not change the digits; a locale or currency tag does.
      const end = section.indexOf(']', i)
      if (end < 0 || section[i + 1] === '$') return null
      i = end
    } else if (c === '0' || c === '#' || c === '?') {
      parts.push({ digit: c })
      if (c === '0') zeros++
    } else if (c === '-' || c === ' ' || c === '(' || c === ')' || c === '/' || c === ':') {
      parts.push({ text: c })
    } else if (c === '_' || c === '*') {
      i++ // padding to the width of the next character: nothing shown
    } else return null
  }
  const digits = parts.filter((p) => 'digit' in p).length
  return digits > 0 && (zeros >= 2 || literal) ? parts : null
}

/**
 * A whole number written as a Shown format writes it (007123 for 7123 in 000000), or null when the
 * format does not apply to it (a fraction or a negative: the cell keeps its number).
 */
export function formatShown(n: number, code: string): string | null {
  if (!Number.isInteger(n) || n < 0 || n > Number.MAX_SAFE_INTEGER) return null
  const parts = shownFormat(code.split(';')[0] ?? '')
  if (!parts) return null
  let digits = String(n)
  const first = parts.findIndex((p) => 'digit' in p)
  let out = ''
  // Placeholders take digits from the right; the leftmost takes whatever is left (Excel's rule).
  for (let k = parts.length - 1; k >= 0; k--) {
    const p = parts[k] as FormatPart
    if ('text' in p) { out = p.text + out; continue }
    if (k === first) { out = (digits === '' ? (p.digit === '0' ? '0' : p.digit === '?' ? ' ' : '') : digits) + out; digits = ''; continue }
    if (digits !== '') { out = digits.slice(-1) + out; digits = digits.slice(0, -1) }
    else out = (p.digit === '0' ? '0' : p.digit === '?' ? ' ' : '') + out
  }
  return out
}

export interface Styles {
  /** One StyleKind per cellXfs index (the `s` attribute of a cell). */
  kinds: Uint8Array
  /** The format code of each Shown style, by cellXfs index. */
  shown: Map<number, string>
}

export function parseStyles(xml: string): Styles {
  const custom = new Map<number, { kind: StyleKind; code: string }>()
  for (const f of tags(xml, 'numFmt')) {
    const id = Number(f.numFmtId)
    const code = f.formatCode ?? ''
    if (Number.isFinite(id)) custom.set(id, { kind: classifyFormat(code), code })
  }
  const shown = new Map<number, string>()
  const start = xml.search(/<(?:\w+:)?cellXfs\b/)
  const end = xml.search(/<\/(?:\w+:)?cellXfs>/)
  if (start < 0) return { kinds: new Uint8Array(0), shown }
  const section = xml.slice(start, end < 0 ? undefined : end)
  const xfs = tags(section, 'xf')
  const out = new Uint8Array(xfs.length)
  xfs.forEach((xf, i) => {
    const id = Number(xf.numFmtId ?? 0)
    const own = custom.get(id)
    out[i] = own?.kind ?? BUILTIN[id] ?? StyleKind.Plain
    if (own?.kind === StyleKind.Shown) shown.set(i, own.code)
  })
  return { kinds: out, shown }
}
