/**
 * Which cell styles are dates, times or percentages. A date in .xlsx is a plain number whose
 * number format says "date", so this decides whether 45292 is a count or 2024-01-01.
 */
import { tags } from './xml'

export const StyleKind = { Plain: 0, Date: 1, DateTime: 2, Time: 3, Percent: 4 } as const
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

/** One StyleKind per cellXfs index (the `s` attribute of a cell). */
export function parseStyles(xml: string): Uint8Array {
  const custom = new Map<number, StyleKind>()
  for (const f of tags(xml, 'numFmt')) {
    const id = Number(f.numFmtId)
    if (Number.isFinite(id)) custom.set(id, classifyFormat(f.formatCode ?? ''))
  }
  const start = xml.search(/<(?:\w+:)?cellXfs\b/)
  const end = xml.search(/<\/(?:\w+:)?cellXfs>/)
  if (start < 0) return new Uint8Array(0)
  const section = xml.slice(start, end < 0 ? undefined : end)
  const xfs = tags(section, 'xf')
  const out = new Uint8Array(xfs.length)
  xfs.forEach((xf, i) => {
    const id = Number(xf.numFmtId ?? 0)
    out[i] = custom.get(id) ?? BUILTIN[id] ?? StyleKind.Plain
  })
  return out
}
