/** Small XML helpers for the parts of .xlsx that are read as strings (all but the sheet data). */

const ENTITY = /&(?:(lt|gt|amp|quot|apos)|#(\d+)|#x([0-9a-fA-F]+));/g
const NAMED: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" }
/** Excel writes control characters as _xHHHH_ (ECMA-376 §22.9.2.19). */
const EXCEL_ESCAPE = /_x([0-9A-Fa-f]{4})_/g

export function unescapeXml(s: string): string {
  if (s.indexOf('&') >= 0) {
    s = s.replace(ENTITY, (_, name: string | undefined, dec: string | undefined, hex: string | undefined) =>
      name ? (NAMED[name] as string) : String.fromCodePoint(dec ? Number(dec) : parseInt(hex as string, 16)))
  }
  if (s.indexOf('_x') >= 0) s = s.replace(EXCEL_ESCAPE, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)))
  return s
}

export function escapeXml(s: string): string {
  let out = ''
  let last = 0
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i)
    let rep: string | null = null
    if (c === 60) rep = '&lt;'
    else if (c === 62) rep = '&gt;'
    else if (c === 38) rep = '&amp;'
    else if (c === 34) rep = '&quot;'
    else if (c < 32 && c !== 9 && c !== 10 && c !== 13) rep = `_x${c.toString(16).padStart(4, '0').toUpperCase()}_`
    else if (c === 95 && /^_x[0-9A-Fa-f]{4}_/.test(s.slice(i, i + 7))) rep = '_x005F_' // a literal "_x0041_" must survive
    else if (c >= 0xd800 && c <= 0xdfff) {
      // Keep valid surrogate pairs, drop lone halves (invalid XML).
      const next = s.charCodeAt(i + 1)
      if (c <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) { i++; continue }
      rep = ''
    }
    if (rep !== null) { out += s.slice(last, i) + rep; last = i + 1 }
  }
  return last === 0 ? s : out + s.slice(last)
}

/** Attributes of the first tag in `tag` ("<sheet name=... r:id=...>"). */
export function attributes(tag: string): Record<string, string> {
  const out: Record<string, string> = {}
  const re = /([\w:.-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g
  let m: RegExpExecArray | null
  while ((m = re.exec(tag))) out[m[1] as string] = unescapeXml(m[2] ?? m[3] ?? '')
  return out
}

/** Every start tag named `name` (with or without a namespace prefix) in an XML string. */
export function tags(xml: string, name: string): Array<Record<string, string>> {
  const re = new RegExp(`<(?:\\w+:)?${name}\\b[^>]*>`, 'g')
  return Array.from(xml.matchAll(re), (m) => attributes(m[0]))
}

/** "AB12" → { col: 27, row: 12 } (0-based column, 1-based row). */
export function parseRef(ref: string): { col: number; row: number } | null {
  const m = /^\$?([A-Za-z]{1,3})\$?(\d+)$/.exec(ref)
  if (!m) return null
  let col = 0
  for (const ch of (m[1] as string).toUpperCase()) col = col * 26 + (ch.charCodeAt(0) - 64)
  return { col: col - 1, row: Number(m[2]) }
}

export function columnName(col: number): string {
  let s = ''
  let n = col + 1
  while (n > 0) {
    const r = (n - 1) % 26
    s = String.fromCharCode(65 + r) + s
    n = Math.floor((n - 1) / 26)
  }
  return s
}
