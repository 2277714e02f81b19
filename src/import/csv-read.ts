/**
 * CSV/TXT reader: encoding detected (encoding.ts), delimiter detected, RFC 4180 quotes, CR/LF/CRLF.
 * Every field stays text — "007" stays "007" — but canonical numbers are stored compactly
 * (Tag.NumericText) and read back as the very same text.
 */
import { CellStore, Tag } from './cells'
import { Cancelled, FileError, LIMITS } from './errors'
import { decodeText, detectEncoding, type DetectedEncoding } from './encoding'
import { columnName } from './xml'

export type Delimiter = ',' | '\t' | ';' | '|'
const CANDIDATES: Delimiter[] = [',', '\t', ';', '|']

export interface CsvResult { store: CellStore; encoding: DetectedEncoding; delimiter: Delimiter }

export interface CsvOptions {
  maxRows?: number
  isCancelled?: () => boolean
  onProgress?: (p: { done: number; total: number; rows: number }) => void
}

/** Counts delimiters per line outside quotes over the first lines; the one that is steady and present wins. */
export function detectDelimiter(text: string): Delimiter {
  const lines: string[] = []
  let inQuote = false
  let start = 0
  for (let i = 0; i < text.length && lines.length < 50; i++) {
    const c = text.charCodeAt(i)
    if (c === 34) inQuote = !inQuote
    else if (!inQuote && (c === 10 || c === 13)) {
      if (i > start) lines.push(text.slice(start, i))
      start = i + 1
    }
  }
  if (lines.length < 50 && start < text.length) lines.push(text.slice(start, Math.min(text.length, start + 100_000)))
  let best: Delimiter = ','
  let bestScore = -1
  for (const d of CANDIDATES) {
    const counts = lines.map((l) => countOutsideQuotes(l, d))
    const present = counts.filter((c) => c > 0)
    if (present.length === 0) continue
    const freq = new Map<number, number>()
    for (const c of present) freq.set(c, (freq.get(c) ?? 0) + 1)
    const [mode, modeCount] = [...freq.entries()].sort((a, b) => b[1] - a[1])[0] as [number, number]
    // Consistency across lines matters most; more columns breaks ties.
    const score = (modeCount / lines.length) * 1000 + Math.min(mode, 100)
    if (score > bestScore) { bestScore = score; best = d }
  }
  return best
}

function countOutsideQuotes(line: string, d: string): number {
  let n = 0
  let q = false
  const dc = d.charCodeAt(0)
  for (let i = 0; i < line.length; i++) {
    const c = line.charCodeAt(i)
    if (c === 34) q = !q
    else if (!q && c === dc) n++
  }
  return n
}

function looksBinary(b: Uint8Array, enc: DetectedEncoding): boolean {
  if (enc.encoding.startsWith('utf-16')) return false
  const n = Math.min(b.length, 65536)
  let control = 0
  for (let i = 0; i < n; i++) {
    const c = b[i] as number
    if (c === 0) return true
    if (c < 9 || (c > 13 && c < 32 && c !== 26 && c !== 27)) control++
  }
  return control > n * 0.01
}

const NUMERIC_START = /^-?\d/

export async function readCsv(blob: Blob, options: CsvOptions = {}): Promise<CsvResult> {
  const bytes = new Uint8Array(await blob.arrayBuffer())
  const encoding = detectEncoding(bytes)
  if (looksBinary(bytes, encoding)) throw new FileError('not_a_spreadsheet', { detail: 'binary data' })
  let text = decodeText(bytes, encoding)
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1)
  // Excel's "sep=;" first line names the delimiter.
  let delimiter: Delimiter
  const sep = /^sep=(.)\r?\n/.exec(text)
  if (sep && CANDIDATES.includes(sep[1] as Delimiter)) { delimiter = sep[1] as Delimiter; text = text.slice(sep[0].length) }
  else delimiter = detectDelimiter(text)
  const store = parseCsvText(text, delimiter, options, bytes.length)
  return { store, encoding, delimiter }
}

export function parseCsvText(text: string, delimiter: Delimiter, options: CsvOptions = {}, totalBytes = text.length): CellStore {
  const maxRows = options.maxRows ?? Infinity
  const n = text.length
  const store = new CellStore(Math.min(1 << 20, Math.max(1024, Math.floor(n / 200))))
  const d = delimiter.charCodeAt(0)
  let i = 0
  let line = 1
  let nextReport = 50_000
  while (i < n && store.rowCount < maxRows) {
    const row = store.addRow(line)
    let col = 0
    let hasValue = false
    for (;;) {
      let value: string
      if (text.charCodeAt(i) === 34) {
        // Quoted field: "" is a quote; may span lines.
        let out = ''
        let from = i + 1
        for (;;) {
          const q = text.indexOf('"', from)
          if (q < 0) { out += text.slice(from); i = n; break }
          if (text.charCodeAt(q + 1) === 34) { out += text.slice(from, q + 1); from = q + 2; continue }
          out += text.slice(from, q)
          i = q + 1
          break
        }
        // Text after the closing quote up to the delimiter is kept, as Excel does.
        let j = i
        while (j < n) { const c = text.charCodeAt(j); if (c === d || c === 10 || c === 13) break; j++ }
        if (j > i) out += text.slice(i, j)
        for (let k = 0; k < out.length; k++) if (out.charCodeAt(k) === 10) line++
        i = j
        value = out
      } else {
        let j = i
        while (j < n) { const c = text.charCodeAt(j); if (c === d || c === 10 || c === 13) break; j++ }
        value = text.slice(i, j)
        i = j
      }
      if (value !== '') {
        if (value.length > LIMITS.maxCellChars) throw new FileError('cell_too_large', { cell: `${columnName(col)}${line}`, limit: LIMITS.maxCellChars })
        if (col >= LIMITS.maxColumns) throw new FileError('too_many_columns', { limit: LIMITS.maxColumns })
        hasValue = true
        if (value.length <= 15 && NUMERIC_START.test(value)) {
          const num = Number(value)
          if (String(num) === value) store.set(row, col, Tag.NumericText, num)
          else store.set(row, col, Tag.String, store.addString(value))
        } else store.set(row, col, Tag.String, store.addString(value))
      }
      const c = text.charCodeAt(i)
      if (c === d) { i++; col++; continue }
      // End of line (CRLF, LF or CR) or of text.
      if (c === 13 && text.charCodeAt(i + 1) === 10) i += 2
      else if (i < n) i++
      line++
      break
    }
    if (!hasValue) store.dropLastRow()
    else if (store.rowCount > LIMITS.maxRows) throw new FileError('too_many_rows', { limit: LIMITS.maxRows })
    if (store.rowCount >= nextReport) {
      nextReport += 50_000
      if (options.isCancelled?.()) throw new Cancelled()
      options.onProgress?.({ done: Math.round((i / n) * totalBytes), total: totalBytes, rows: store.rowCount })
    }
  }
  options.onProgress?.({ done: totalBytes, total: totalBytes, rows: store.rowCount })
  return store
}
