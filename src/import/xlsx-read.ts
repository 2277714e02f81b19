/**
 * Streaming .xlsx reader. The sheet XML is inflated chunk by chunk and scanned byte by byte
 * (no DOM, no SAX events, no per-cell objects); cells go straight into a CellStore. Shared
 * strings are decoded once. This is what makes 100k × 30 readable in about a second where
 * DOM/SAX-based readers take 10 s and gigabytes (design.md §4).
 */
import { CellStore, Tag, UNKNOWN_PLACES } from './cells'
import { Cancelled, FileError, LIMITS } from './errors'
import { parseAsciiNumber, ScannedNumber } from './number'
import { formatShown, StyleKind, parseStyles } from './styles'
import { attributes, columnName, parseRef, tags, unescapeXml } from './xml'
import { streamEntry, type EntryStream, type HelperFigures } from './inflate-helper'
import { PrefixFilter } from './xml-prefix'
import { checkEntrySize, inflateEntry, readEntryText, readZipDirectory, type InflateOptions, type ZipEntry } from './zip'

export interface SheetInfo {
  index: number
  name: string
  hidden: boolean
  /** Rows and columns the sheet declares (may be absent or wrong; only a hint). */
  dimension: string | null
  readable: boolean
}

export interface XlsxBook {
  blob: Blob
  entries: Map<string, ZipEntry>
  sheets: Array<SheetInfo & { path: string }>
  date1904: boolean
  styles: Uint8Array
  /** Format codes of the styles whose cells are read as shown (StyleKind.Shown), by style index. */
  shownFormats: Map<number, string>
  sharedStringsPath: string | null
  /** Read once, shared by every sheet read from this book. */
  shared?: { strings: string[]; oversized: Set<number> }
}

export interface Merge { top: number; left: number; bottom: number; right: number }

export interface ReadProgress { phase: 'strings' | 'cells'; done: number; total: number; rows: number }

export interface ReadSheetOptions extends InflateOptions {
  /** Stop after this many stored rows (previews). */
  maxRows?: number
  onProgress?: (p: ReadProgress) => void
}

/** Where a sheet's read went (bench:import prints them). */
export interface ReadStats { chunks: number; scanMs: number; stringsMs: number; waitMs: number; helperFirstMs: number; helperMs: number; helperStalledMs: number; totalMs: number }

export interface ReadSheetResult { store: CellStore; merges: Merge[]; truncated: boolean; stats: ReadStats }

function resolveTarget(base: string, target: string): string {
  if (target.startsWith('/')) return target.slice(1)
  const parts = base.split('/').slice(0, -1)
  for (const seg of target.split('/')) {
    if (seg === '..') parts.pop()
    else if (seg !== '.') parts.push(seg)
  }
  return parts.join('/')
}

function relsPath(part: string): string {
  const i = part.lastIndexOf('/')
  return `${part.slice(0, i + 1)}_rels/${part.slice(i + 1)}.rels`
}

export async function openXlsx(blob: Blob, options: InflateOptions = {}): Promise<XlsxBook> {
  const entries = await readZipDirectory(blob)
  // Refuse a bomb before inflating anything, whichever part it hides in.
  for (const entry of entries.values()) checkEntrySize(entry)
  const text = async (path: string): Promise<string | null> => {
    const entry = entries.get(path)
    return entry ? readEntryText(blob, entry, options) : null
  }
  // The workbook part is named by the package relationships; 'xl/workbook.xml' is only the usual name.
  const rootRels = (await text('_rels/.rels')) ?? ''
  const officeDoc = tags(rootRels, 'Relationship').find((r) => /officeDocument$/.test(r.Type ?? ''))
  const workbookPath = officeDoc?.Target ? resolveTarget('', officeDoc.Target) : 'xl/workbook.xml'
  const workbook = await text(workbookPath)
  if (workbook === null) {
    if (entries.has('EncryptionInfo') || entries.has('EncryptedPackage')) throw new FileError('password_protected')
    throw new FileError('not_a_spreadsheet', { detail: 'no workbook part' })
  }
  const rels = new Map<string, { target: string; type: string }>()
  for (const r of tags((await text(relsPath(workbookPath))) ?? '', 'Relationship')) {
    if (r.Id && r.Target) rels.set(r.Id, { target: resolveTarget(workbookPath, r.Target), type: r.Type ?? '' })
  }
  const pr = tags(workbook, 'workbookPr')[0]
  const date1904 = pr?.date1904 === '1' || pr?.date1904 === 'true'
  const sheets: XlsxBook['sheets'] = []
  for (const s of tags(workbook, 'sheet')) {
    const rid = s['r:id'] ?? Object.entries(s).find(([k]) => k.endsWith(':id'))?.[1] ?? ''
    const rel = rels.get(rid)
    const path = rel?.target ?? ''
    sheets.push({
      index: sheets.length,
      name: s.name ?? `Sheet${sheets.length + 1}`,
      hidden: s.state === 'hidden' || s.state === 'veryHidden',
      dimension: null,
      readable: !!rel && /\/worksheet$/.test(rel.type) && entries.has(path),
      path,
    })
  }
  if (sheets.length === 0) throw new FileError('no_sheets')
  let sharedStringsPath: string | null = null
  let stylesPath: string | null = null
  for (const r of rels.values()) {
    if (/\/sharedStrings$/.test(r.type)) sharedStringsPath = r.target
    if (/\/styles$/.test(r.type)) stylesPath = r.target
  }
  if (!sharedStringsPath && entries.has('xl/sharedStrings.xml')) sharedStringsPath = 'xl/sharedStrings.xml'
  const stylesXml = stylesPath ? await text(stylesPath) : null
  const styles = stylesXml ? parseStyles(stylesXml) : { kinds: new Uint8Array(0), shown: new Map<number, string>() }
  return { blob, entries, sheets, date1904, styles: styles.kinds, shownFormats: styles.shown, sharedStringsPath }
}

/**
 * Shared strings into `into` (index = shared string index). Rich text runs are joined; phonetic
 * runs (<rPh>) are left out. Strings over Excel's cell limit are kept short and remembered, so the
 * cell that uses one can be named in the error.
 */
export async function readSharedStrings(
  book: XlsxBook,
  into: string[],
  oversized: Set<number>,
  options: ReadSheetOptions = {},
): Promise<void> {
  if (!book.sharedStringsPath) return
  const entry = book.entries.get(book.sharedStringsPath)
  if (!entry) return
  const decoder = new TextDecoder()
  let pending = ''
  let searchFrom = 0
  let done = 0
  const take = (final: boolean): void => {
    let pos = 0
    for (;;) {
      const start = pending.indexOf('<si', pos)
      // Keep a tail that may be the start of a cut-off "<si".
      if (start < 0) { pos = Math.max(pos, pending.length - 3); break }
      const open = pending.indexOf('>', start)
      if (open < 0) { pos = start; break }
      if (pending.charCodeAt(open - 1) === 47 /* <si/> */) { into.push(''); pos = open + 1; continue }
      const end = pending.indexOf('</si>', Math.max(open, searchFrom))
      if (end < 0) {
        pos = start
        searchFrom = Math.max(open, pending.length - 5)
        break
      }
      searchFrom = 0
      const body = pending.slice(open + 1, end)
      const text = siText(body)
      if (text.length > LIMITS.maxCellChars) {
        oversized.add(into.length)
        into.push(text.slice(0, 100))
      } else into.push(text)
      pos = end + 5
    }
    if (pos > 0) {
      pending = pending.slice(pos)
      searchFrom = Math.max(0, searchFrom - pos)
    }
    if (final) pending = ''
  }
  // A very long string (a 10 MB cell) is collected as parts, or skipped once it is clearly too
  // long, instead of growing `pending` and searching it again for every chunk.
  let collecting = false
  let skipping = false
  let parts: string[] = []
  let partsLen = 0
  let tail = ''
  const feed = (text: string): void => {
    if (collecting) {
      const probe = tail + text
      const endAt = probe.indexOf('</si>')
      if (endAt < 0) {
        if (!skipping) {
          parts.push(text)
          partsLen += text.length
          if (partsLen > LIMITS.maxCellChars * 8) { skipping = true; parts = [] }
        }
        tail = probe.slice(-5)
        return
      }
      if (skipping) {
        oversized.add(into.length)
        into.push('')
        pending = probe.slice(endAt + 5)
      } else pending = parts.join('') + text
      collecting = false
      skipping = false
      parts = []
      partsLen = 0
    } else pending += text
    take(false)
    if (pending.length > 64 * 1024) {
      collecting = true
      parts = [pending]
      partsLen = pending.length
      tail = pending.slice(-5)
      pending = ''
      searchFrom = 0
    }
  }
  const unprefixed = new PrefixFilter()
  await inflateEntry(book.blob, entry, (chunk) => {
    feed(decoder.decode(unprefixed.push(chunk), { stream: true }))
    done += chunk.length
    options.onProgress?.({ phase: 'strings', done, total: entry.size, rows: 0 })
  }, options)
  feed(decoder.decode(unprefixed.flush()))
  if (collecting && !skipping) pending = parts.join('')
  take(true)
}

function siText(body: string): string {
  // Fast path: <t>plain</t> or <t xml:space="preserve">…</t>
  if (body.indexOf('<r>') < 0 && body.indexOf('<r ') < 0 && body.indexOf('<rPh') < 0) {
    const t = body.indexOf('<t')
    if (t < 0) return ''
    const gt = body.indexOf('>', t)
    if (body.charCodeAt(gt - 1) === 47 /* / */) return ''
    const end = body.indexOf('</t>', gt)
    return unescapeXml(body.slice(gt + 1, end < 0 ? undefined : end))
  }
  const clean = body.replace(/<rPh\b[\s\S]*?<\/rPh>/g, '')
  let out = ''
  const re = /<t(?:\s[^>]*)?>([\s\S]*?)<\/t>/g
  let m: RegExpExecArray | null
  while ((m = re.exec(clean))) out += m[1]
  return unescapeXml(out)
}

// ---------------------------------------------------------------- the sheet scanner

const LT = 60
const GT = 62
const SLASH = 47
const QUOTE = 34
const APOS = 39
const latin1 = new TextDecoder('latin1')
const utf8 = new TextDecoder()

function isNameEnd(b: number | undefined): boolean {
  return b === 32 || b === GT || b === SLASH || b === 9 || b === 10 || b === 13
}

/**
 * Whether a formula starts as a column total: SUM or SUBTOTAL over one column's rows (=SUM(C3:C9),
 * =SUBTOTAL(9,C3:C9)). A row-wise SUM (=SUM(C5:H5), an employee's own total) is not one.
 */
export function isColumnSum(formula: string): boolean {
  const m = /^\s*(?:_xlfn\.)?(?:SUM|SUBTOTAL)\(\s*(?:\d+\s*,\s*)?\$?([A-Z]{1,3})\$?(\d+):\$?([A-Z]{1,3})\$?(\d+)/i.exec(formula)
  return !!m && (m[1] as string).toUpperCase() === (m[3] as string).toUpperCase() && m[2] !== m[4]
}

function parseInt10(buf: Uint8Array, start: number, end: number): number {
  let n = 0
  for (let i = start; i < end; i++) {
    const b = buf[i] as number
    if (b < 48 || b > 57) return -1
    n = n * 10 + (b - 48)
  }
  return n
}

class SheetScanner {
  row = -1
  sheetRow = 0
  col = -1
  rowHasValue = false
  inData = false
  done = false
  merges: Merge[] = []
  /** The last number read (value and places): the scanner's own, never shared. */
  readonly scanned = new ScannedNumber()
  constructor(
    readonly store: CellStore,
    readonly styles: Uint8Array,
    readonly shownFormats: Map<number, string>,
    readonly sharedCount: () => number,
    readonly oversized: Set<number>,
    readonly maxRows: number,
    readonly hardLimit: number,
  ) {}

  /** Scans buf[0..end); returns the offset of the first incomplete element (to carry over). */
  scan(buf: Uint8Array, end: number): number {
    let i = 0
    while (i < end) {
      let lt = i
      while (lt < end && buf[lt] !== LT) lt++
      if (lt >= end) return end
      if (lt + 12 > end) return lt
      const b1 = buf[lt + 1]
      if (b1 === 99 /* c */ && isNameEnd(buf[lt + 2])) {
        const next = this.cell(buf, lt, end)
        if (next < 0) return lt
        i = next
        continue
      }
      if (b1 === 114 /* r */ && buf[lt + 2] === 111 && buf[lt + 3] === 119 && isNameEnd(buf[lt + 4])) {
        const gt = buf.indexOf(GT, lt)
        if (gt < 0 || gt >= end) return lt
        this.startRow(buf, lt + 4, gt)
        if (buf[gt - 1] === SLASH) this.endRow()
        if (this.done) return end
        i = gt + 1
        continue
      }
      if (b1 === SLASH && buf[lt + 2] === 114 && buf[lt + 3] === 111 && buf[lt + 4] === 119 && buf[lt + 5] === GT) {
        this.endRow()
        if (this.done) return end
        i = lt + 6
        continue
      }
      if (b1 === 99 /* c */ && buf[lt + 2] === 111 && buf[lt + 3] === 108 && isNameEnd(buf[lt + 4])) { // <col …/> (before the rows)
        const gt = buf.indexOf(GT, lt)
        if (gt < 0 || gt >= end) return lt
        const a = attributes(latin1.decode(buf.subarray(lt, gt + 1)))
        if (a.hidden === '1' || a.hidden === 'true') {
          const min = Number(a.min)
          const max = Math.min(Number(a.max), min + LIMITS.maxColumns)
          for (let c = min; c <= max; c++) if (c >= 1) this.store.hiddenColumns.add(c - 1)
        }
        i = gt + 1
        continue
      }
      if (b1 === 109 /* m */ && buf[lt + 6] === 67 && buf[lt + 9] === 108 && isNameEnd(buf[lt + 10])) { // <mergeCell 
        const gt = buf.indexOf(GT, lt)
        if (gt < 0 || gt >= end) return lt
        const ref = attributes(latin1.decode(buf.subarray(lt, gt + 1))).ref ?? ''
        const [a, b] = ref.split(':')
        const tl = a ? parseRef(a) : null
        const br = b ? parseRef(b) : tl
        if (tl && br) this.merges.push({ top: tl.row, left: tl.col, bottom: br.row, right: br.col })
        i = gt + 1
        continue
      }
      let gt = lt
      while (gt < end && buf[gt] !== GT) gt++
      if (gt >= end) return lt
      i = gt + 1
    }
    return end
  }

  private startRow(buf: Uint8Array, from: number, gt: number): void {
    let r = -1
    let hidden = false
    this.attrs(buf, from, gt, (name, vs, ve, ns) => {
      if (name === 114) r = parseInt10(buf, vs, ve)
      // hidden="1" (Excel, exceljs, SheetJS) or hidden="true" (LibreOffice)
      else if (name === 0 && vs - ns === 8 && buf[ns] === 104 && buf[ns + 1] === 105 && buf[ns + 2] === 100) hidden = buf[vs] === 49 || buf[vs] === 116
    })
    this.sheetRow = r > 0 ? r : this.sheetRow + 1
    if (hidden) this.store.hiddenRows.add(this.sheetRow)
    if (this.store.rowCount >= this.hardLimit) throw new FileError('too_many_rows', { limit: LIMITS.maxRows })
    this.row = this.store.addRow(this.sheetRow)
    this.col = -1
    this.rowHasValue = false
  }

  private endRow(): void {
    if (this.row < 0) return
    if (!this.rowHasValue) this.store.dropLastRow()
    this.row = -1
    if (this.store.rowCount >= this.maxRows) this.done = true
  }

  /** Calls back for each attribute of a start tag: first letter of a 1-letter name (0 for longer names), value range. */
  private attrs(buf: Uint8Array, from: number, gt: number, each: (name: number, vs: number, ve: number, nameStart: number) => void): void {
    let i = from
    while (i < gt) {
      const b = buf[i] as number
      if (b === 32 || b === 9 || b === 10 || b === 13 || b === SLASH) { i++; continue }
      const nameStart = i
      while (i < gt && buf[i] !== 61 /* = */) i++
      const nameLen = i - nameStart
      i++
      const q = buf[i]
      if (q !== QUOTE && q !== APOS) return
      const vs = i + 1
      const ve = buf.indexOf(q, vs)
      if (ve < 0 || ve > gt) return
      each(nameLen === 1 ? (buf[nameStart] as number) : 0, vs, ve, nameStart)
      i = ve + 1
    }
  }

  /**
   * Parses one <c …>…</c> or <c …/>; returns the offset after it, or -1 if incomplete.
   * Hand-written byte loops: this runs 3 million times for 100k × 30, and builtin calls
   * (indexOf) or closures per cell cost more than the scan itself.
   */
  private cell(buf: Uint8Array, lt: number, end: number): number {
    let j = lt + 2
    let col = -1
    let style = 0
    let type = 0
    let typeLen = 0
    for (;;) {
      if (j >= end) return -1
      const b = buf[j] as number
      if (b === 32 || b === 9 || b === 10 || b === 13) { j++; continue }
      if (b === GT) { j++; break }
      if (b === SLASH) {
        if (j + 1 >= end) return -1
        this.col = col < 0 ? this.col + 1 : col
        return j + 2 // <c …/>: no value
      }
      const ns = j
      while (j < end && buf[j] !== 61) j++
      if (j + 1 >= end) return -1
      const nameLen = j - ns
      const q = buf[j + 1]
      const vs = j + 2
      let ve = vs
      while (ve < end && buf[ve] !== q) ve++
      if (ve >= end) return -1
      if (nameLen === 1) {
        const n = buf[ns]
        if (n === 114 /* r */) {
          let c = 0
          for (let k = vs; k < ve; k++) {
            const ch = buf[k] as number
            if (ch >= 65 && ch <= 90) c = c * 26 + (ch - 64)
            else break
          }
          col = c - 1
        } else if (n === 115 /* s */) {
          let st = 0
          for (let k = vs; k < ve; k++) st = st * 10 + ((buf[k] as number) - 48)
          style = st
        } else if (n === 116 /* t */) { type = buf[vs] as number; typeLen = ve - vs }
      }
      j = ve + 1
    }
    // Children: find <v>…</v> and the closing </c>; skip <f>…</f>, <is>…</is> and anything else.
    let v = -1
    let vEnd = -1
    let k = j
    let close: number
    for (;;) {
      while (k < end && buf[k] !== LT) k++
      if (k + 3 >= end) return -1
      const c1 = buf[k + 1]
      if (c1 === SLASH && buf[k + 2] === 99 && buf[k + 3] === GT) { close = k; break }
      if (c1 === 118 /* v */ && (buf[k + 2] === GT || buf[k + 2] === 32)) {
        // <v> or <v xml:space="preserve"> (SheetJS)
        k += 2
        while (k < end && buf[k] !== GT) k++
        if (k >= end) return -1
        v = k + 1
        k = v
        while (k < end && buf[k] !== LT) k++
        if (k >= end) return -1
        vEnd = k
        continue
      }
      if (c1 === 102 /* f */ && (buf[k + 2] === GT || buf[k + 2] === 32)) {
        // A formula: only its start is looked at, for a column total (=SUM(C3:C9)); rare, so not hand-tuned.
        let gt = k + 2
        while (gt < end && buf[gt] !== GT) gt++
        if (gt >= end) return -1
        if (buf[gt - 1] !== SLASH && isColumnSum(latin1.decode(buf.subarray(gt + 1, Math.min(end, gt + 80))))) this.store.sumRows.add(this.sheetRow)
        k = gt + 1
        continue
      }
      while (k < end && buf[k] !== GT) k++
      k++
    }
    if (col < 0) col = this.col + 1
    this.col = col
    const after = close + 4
    if (this.row < 0) return after // a cell outside any row: ignore
    if (col >= LIMITS.maxColumns) throw new FileError('too_many_columns', { limit: LIMITS.maxColumns })
    if (type === 105 /* inlineStr */) {
      const text = this.inline(buf, j, close)
      if (text !== '') this.putString(col, text)
      return after
    }
    if (v < 0) return after
    if (type === 0 || type === 110 /* n */) {
      const scanned = this.scanned
      parseAsciiNumber(buf, v, vEnd, scanned)
      const num = scanned.value
      if (Number.isNaN(num)) return after
      const kind = this.styles[style] ?? StyleKind.Plain
      if (kind === StyleKind.Shown) {
        const text = formatShown(num, this.shownFormats.get(style) ?? '')
        if (text !== null) { this.putString(col, text); return after }
        this.put(col, Tag.Number, num, scanned.places)
        return after
      }
      const tag = kind === StyleKind.Plain ? Tag.Number : kind === StyleKind.Date ? Tag.Date : kind === StyleKind.DateTime ? Tag.DateTime
        : kind === StyleKind.Time ? Tag.Time : Tag.Percent
      this.put(col, tag, num, tag === Tag.Number ? scanned.places : UNKNOWN_PLACES)
    } else if (type === 115 /* s */ && typeLen === 1) {
      let idx = 0
      for (let p = v; p < vEnd; p++) idx = idx * 10 + ((buf[p] as number) - 48)
      if (idx < 0 || idx >= this.sharedCount() || vEnd === v) throw new FileError('corrupt_zip', { detail: `shared string ${idx} missing` })
      if (this.oversized.size > 0 && this.oversized.has(idx)) throw this.tooLarge(col)
      if (this.store.strings[idx] !== '') this.put(col, Tag.String, idx)
    } else if (type === 98 /* b */) {
      this.put(col, Tag.Bool, buf[v] === 49 ? 1 : 0)
    } else if (type === 100 /* d */) {
      const iso = latin1.decode(buf.subarray(v, vEnd))
      this.putString(col, /^\d{4}-\d{2}-\d{2}T00:00:00/.test(iso) || /^\d{4}-\d{2}-\d{2}$/.test(iso) ? iso.slice(0, 10) : iso.replace('T', ' ').replace(/(\.\d+)?Z$/, ''))
    } else {
      // t="str" (formula text result) or t="e" (error such as #N/A): the cached text.
      const text = unescapeXml(utf8.decode(buf.subarray(v, vEnd)))
      if (text !== '') this.putString(col, text)
    }
    return after
  }

  private inline(buf: Uint8Array, from: number, to: number): string {
    const xml = utf8.decode(buf.subarray(from, to)).replace(/<rPh\b[\s\S]*?<\/rPh>/g, '')
    let out = ''
    const re = /<t(?:\s[^>]*)?>([\s\S]*?)<\/t>/g
    let m: RegExpExecArray | null
    while ((m = re.exec(xml))) out += m[1]
    return unescapeXml(out)
  }

  private put(col: number, tag: Tag, num: number, places = UNKNOWN_PLACES): void {
    this.store.set(this.row, col, tag, num, places)
    this.rowHasValue = true
  }

  private putString(col: number, text: string): void {
    if (text.length > LIMITS.maxCellChars) throw this.tooLarge(col)
    this.put(col, Tag.String, this.store.addString(text))
  }

  tooLarge(col: number): FileError {
    return new FileError('cell_too_large', { cell: `${columnName(col)}${this.sheetRow}`, limit: LIMITS.maxCellChars })
  }
}

function hasCloseTag(buf: Uint8Array, from: number, to: number): boolean {
  for (let i = buf.indexOf(LT, from); i >= 0 && i + 3 < to; i = buf.indexOf(LT, i + 1)) {
    if (buf[i + 1] === SLASH && buf[i + 2] === 99 && buf[i + 3] === GT) return true
  }
  return false
}

/** A row of Excel's maximum width of maximum-length cells is far below this; more is a broken file. */
const MAX_CARRY = 8 * 1024 * 1024

export async function readSheet(book: XlsxBook, sheetIndex: number, options: ReadSheetOptions = {}): Promise<ReadSheetResult> {
  const sheet = book.sheets[sheetIndex]
  if (!sheet || !sheet.readable) throw new FileError('no_sheets')
  const entry = book.entries.get(sheet.path) as ZipEntry
  const store = new CellStore(options.maxRows ? options.maxRows + 1 : 1024)
  store.date1904 = book.date1904
  const t0 = performance.now()
  // Started before the shared strings are read: a helper inflates the sheet's first window meanwhile.
  const source = streamEntry(book.blob, entry, options)
  try {
    if (!book.shared) {
      const shared = { strings: [] as string[], oversized: new Set<number>() }
      await readSharedStrings(book, shared.strings, shared.oversized, options)
      book.shared = shared
    }
    return await scanSheet(book, entry, store, source, t0, options)
  } finally {
    source.close()
  }
}

async function scanSheet(book: XlsxBook, entry: ZipEntry, store: CellStore, source: EntryStream, t0: number, options: ReadSheetOptions): Promise<ReadSheetResult> {
  const shared = book.shared as NonNullable<XlsxBook['shared']>
  const oversized = shared.oversized
  store.strings = shared.strings.slice()
  const sharedCount = store.strings.length
  const stringsMs = performance.now() - t0
  let chunks = 0
  let scanMs = 0
  const maxRows = options.maxRows ?? Infinity
  const scanner = new SheetScanner(store, book.styles, book.shownFormats, () => sharedCount, oversized, maxRows, LIMITS.maxRows)
  let carry = new Uint8Array(256 * 1024)
  let carryLen = 0
  let done = 0
  let lastReport = 0
  let sized = false
  let waitingForClose = false
  const unprefixed = new PrefixFilter()
  const onChunk = (raw: Uint8Array, last = false): boolean => {
    done += raw.length
    const chunk = last ? raw : unprefixed.push(raw)
    if (chunk.length === 0) return true
    if (!sized) {
      sized = true
      sizeFromDimension(chunk, store, maxRows, entry.size)
    }
    let buf: Uint8Array
    let len: number
    if (carryLen === 0) { buf = chunk; len = chunk.length }
    else {
      if (carryLen + chunk.length > carry.length) {
        const next = new Uint8Array(Math.max(carry.length * 2, carryLen + chunk.length))
        next.set(carry.subarray(0, carryLen))
        carry = next
      }
      carry.set(chunk, carryLen)
      buf = carry
      len = carryLen + chunk.length
    }
    chunks++
    // A huge incomplete cell cannot finish before a "</c>" arrives: do not rescan it for every chunk.
    if (waitingForClose && !hasCloseTag(buf, Math.max(0, carryLen - 3), len)) {
      if (len > MAX_CARRY) throw scanner.tooLarge(Math.max(0, scanner.col + 1))
      carryLen = len
      return true
    }
    const ts = performance.now()
    const used = scanner.scan(buf, len)
    scanMs += performance.now() - ts
    if (scanner.done) return false
    const rest = len - used
    if (rest > MAX_CARRY) throw scanner.tooLarge(Math.max(0, scanner.col + 1))
    if (buf === carry) carry.copyWithin(0, used, len)
    else if (rest > 0) {
      if (rest > carry.length) carry = new Uint8Array(rest * 2)
      carry.set(buf.subarray(used, len), 0)
    }
    carryLen = rest
    waitingForClose = rest > 64 * 1024
    if (done - lastReport > 2 * 1024 * 1024) {
      lastReport = done
      options.onProgress?.({ phase: 'cells', done, total: entry.size, rows: store.rowCount })
    }
    return true
  }
  let stopped = false
  await source.pump((chunk) => {
    if (onChunk(chunk)) return true
    stopped = true
    return false
  })
  if (!stopped) onChunk(unprefixed.flush(), true)
  if (options.isCancelled?.()) throw new Cancelled()
  options.onProgress?.({ phase: 'cells', done: entry.size, total: entry.size, rows: store.rowCount })
  return { store, merges: scanner.merges, truncated: scanner.done, stats: { chunks, scanMs, stringsMs, ...helperStats(source.figures()), totalMs: performance.now() - t0 } }
}

function helperStats(f: HelperFigures): Omit<ReadStats, 'chunks' | 'scanMs' | 'stringsMs' | 'totalMs'> {
  return { waitMs: f.waitMs, helperFirstMs: f.firstMs, helperMs: f.helperMs, helperStalledMs: f.stalledMs }
}

/** Reserves room for the rows the sheet declares, within what its size can really hold. */
function sizeFromDimension(chunk: Uint8Array, store: CellStore, maxRows: number, xmlBytes: number): void {
  const head = latin1.decode(chunk.subarray(0, Math.min(chunk.length, 4096)))
  const m = /<dimension\s+ref="([A-Z]+\d+)(?::([A-Z]+)(\d+))?"/.exec(head)
  if (!m || !m[3]) return
  const rows = Number(m[3])
  const cols = (parseRef(`${m[2]}1`)?.col ?? 0) + 1
  const plausible = Math.floor(xmlBytes / Math.max(1, cols * 12))
  store.reserve(Math.min(rows + 1, maxRows + 1, plausible, 1 << 21))
}

/** First rows of every readable sheet, for the sheet chooser. */
export async function previewSheets(book: XlsxBook, rows: number, options: InflateOptions = {}): Promise<Array<{ index: number; rows: string[][]; rowCount: number }>> {
  const out: Array<{ index: number; rows: string[][]; rowCount: number }> = []
  for (const sheet of book.sheets) {
    if (!sheet.readable) continue
    const { store } = await readSheet(book, sheet.index, { ...options, maxRows: rows })
    const preview: string[][] = []
    for (let r = 0; r < store.rowCount; r++) preview.push(store.row(r).map((v) => (v === null ? '' : String(v))))
    out.push({ index: sheet.index, rows: preview, rowCount: store.rowCount })
  }
  return out
}
