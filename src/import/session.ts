/**
 * The import as it lives in the worker: the sheet (CellStore), the header layout, the mapping,
 * the person's edits and deletions, and the validation state. The main thread only ever sees
 * small results (summaries, a page of rows, a transferred buffer), so it never blocks.
 */
import type { Issue } from '../domain/issues'
import { issueMessage } from '../domain/issues'
import type { CellValue, TargetSchema, TargetField } from '../domain/target'
import { fieldTitle } from '../domain/target'
import { checkColumns, checkRow, duplicateParams, hashString, sameKeyGroups, validateRow, type RawRow, type WireRow } from '../domain/validate'
import { StoreColumn, type CellStore } from './cells'
import { readCsv } from './csv-read'
import type { ChosenEncoding } from './encoding'
import type { LegacyWorkbook } from './xls-read'
import { Cancelled, FileError } from './errors'
import { columnLetterCase } from '../domain/values'
import { dateFormatValue, halfWidthValue, trimValue } from './fixes'
import { detectHeader, fillHeaderMerges, HEADER_SCAN_ROWS, layoutAt, type HeaderLayout } from './header'
import { autoMap, type ColumnMatch, type SavedMapping } from './mapping'
import { classifyRow, mayBeNonEmployee } from '../domain/row-kinds'
import type {
  BulkFix, LeftOutRow, OpenResult, Progress, ReadTuning, ResultLabels, RowFilter, RowOrder, RowResult, RowsPage, RowView, SheetResult, Summary,
} from './protocol'
import { sniffFile } from './sniff'
import { templateSheet } from './template'
import { openXlsx, previewSheets, readSheet, type Merge, type XlsxBook } from './xlsx-read'
import { CellStyle, concatChunks, writeXlsx, type WriteCell, type WriteRow } from './xlsx-write'
import type { Locale } from '../domain/target'
import type { HelperPort, Inflater } from './zip'

export interface SessionHooks {
  progress: (p: Progress) => void
  isCancelled: () => boolean
  inflater?: Inflater
  /** Starts the inflate helper worker (the real worker passes one; tests usually do not). */
  startHelper?: () => HelperPort
  /** The fetch a Feishu link is read with (default: the global one, same-origin with the cookie). */
  fetch?: typeof fetch
}

function now(): number {
  return typeof performance !== 'undefined' ? performance.now() : Date.now()
}

class ProgressMeter {
  private start = now()
  private last = 0
  constructor(private readonly hooks: SessionHooks) {}
  report(phase: Progress['phase'], done: number, total: number, rows: number, force = false): void {
    const t = now()
    if (!force && t - this.last < 100) return
    this.last = t
    const elapsedMs = t - this.start
    const rate = elapsedMs > 0 ? (rows / elapsedMs) * 1000 : 0
    const etaMs = done > 0 && total > done ? (elapsedMs / done) * (total - done) : total > 0 && done >= total ? 0 : null
    this.hooks.progress({ phase, done, total, rows, elapsedMs, rate, etaMs })
  }
}

/** Left-out rows listed in a summary (the count covers them all). */
const MAX_LEFT_LISTED = 100

/**
 * One loaded sheet and all the state that belongs to it: the cells, the header layout, the
 * mapping, the person's edits and deletions, the rows left out, and the validation results.
 * Reading another sheet, or the same file in another encoding, makes a new one, so nothing of the
 * previous sheet (an edit, a row taken back by hand, a cached view) can leak into the next.
 */
class LoadedSheet {
  constructor(
    readonly store: CellStore | null = null,
    readonly merges: Merge[] = [],
    readonly sheetIndex = 0,
  ) {}

  layout: HeaderLayout | null = null
  /**
   * The schema validation uses for this sheet: the target's, with the letter case of an ID column
   * set where the file shows one (columnLetterCase). null until a mapping is applied.
   */
  schema: TargetSchema | null = null
  /** Field code → sheet column. */
  fieldColumn = new Map<string, number>()
  /** Sheet column per schema field (-1 = not mapped), in schema order; rebuilt with the mapping. */
  columnsByField: number[] = []
  edits = new Map<number, Map<string, CellValue>>()
  deleted = new Uint8Array(0)
  /** Rows left out as not employees (RowKind per row: 0 kept, 1 total, 2 label); see domain/row-kinds.ts. */
  skipped = new Uint8Array(0)
  /** Rows the person took back after they were left out (kept across a new mapping). */
  includedByHand = new Set<number>()
  rowIssues = new Map<number, Issue[]>()
  keys: Array<string | null> = []
  /**
   * Rows by key, for re-checking duplicates when a row is edited or deleted: a row number while
   * the key has one row, a Set once a second row shares it. Built on the first edit, not by
   * validateAll (which finds duplicates with sameKeyGroups): for 100,000 keys the Map costs more
   * than the rest of the check, and most files are never edited. null = not built.
   */
  keyGroups: Map<string, number | Set<number>> | null = null
  validated = false
  validateMs = 0
  /** Bumped on every change of rows or issues (the view cache checks it). */
  version = 0
  viewCache = new Map<string, { version: number; rows: Int32Array }>()
}

export class ImportSession {
  private fileName = ''
  private schema: TargetSchema | null = null
  private saved: SavedMapping | null = null
  private book: XlsxBook | null = null
  /** A legacy .xls/.et workbook, read whole by SheetJS (xls-read.ts). */
  private legacy: LegacyWorkbook | null = null
  /** The CSV file, kept to read it again in another encoding. */
  private csvFile: Blob | null = null
  /** Everything about the sheet being imported; replaced whole when another sheet, or the file in another encoding, is read. */
  private sheet = new LoadedSheet()

  constructor(private readonly hooks: SessionHooks) {}

  // ------------------------------------------------------------ reading

  async open(args: { file: Blob; fileName: string; schema: TargetSchema; saved: SavedMapping | null; tuning?: ReadTuning }): Promise<OpenResult> {
    if (args.tuning?.inflater) this.hooks.inflater = args.tuning.inflater
    // In a worker, performance.now() counts from the worker's start: how long it took to be ready
    // (for a worker warmed before the file came: how long it had been up).
    this.bootMs = now()
    this.fileName = args.fileName
    this.schema = args.schema
    this.saved = args.saved
    const kind = await sniffFile(args.file, args.fileName)
    const base = { kind, fileName: args.fileName, fileSize: args.file.size }
    if (kind === 'csv') {
      this.csvFile = args.file
      return { ...base, sheets: [], ...(await this.readCsvAs(args.file, undefined)) }
    }
    if (kind === 'xls') {
      // Excel 97–2003 / WPS .et: the maintained SheetJS build, fetched only now (its own chunk).
      const t0 = now()
      const { readLegacyWorkbook } = await import('./xls-read')
      const legacy = await readLegacyWorkbook(args.file, this.hooks.isCancelled)
      this.checkCancelled()
      this.legacy = legacy
      const readable = legacy.sheets.filter((s) => s.store !== null)
      if (readable.length === 0) throw new FileError('no_sheets')
      const visible = readable.filter((s) => !s.hidden)
      const sheets = legacy.sheets.map((s) => ({ index: s.index, name: s.name, hidden: s.hidden, readable: s.store !== null, preview: s.preview }))
      if (readable.length === 1 || visible.length === 1) {
        const only = (visible[0] ?? readable[0])!
        const sheet = this.adopt(only.store as CellStore, only.merges, only.index, only.name, now() - t0)
        return { ...base, sheets, encoding: null, encodingExact: true, delimiter: null, sheet }
      }
      return { ...base, sheets, encoding: null, encodingExact: true, delimiter: null, sheet: null }
    }
    const tBook = now()
    const book = await openXlsx(args.file, { inflater: this.hooks.inflater })
    this.book = book
    this.bookMs = now() - tBook
    const readable = book.sheets.filter((s) => s.readable)
    if (readable.length === 0) throw new FileError('no_sheets')
    const visible = readable.filter((s) => !s.hidden)
    if (readable.length === 1 || visible.length === 1) {
      const only = (visible[0] ?? readable[0])!
      const sheet = await this.chooseSheet({ index: only.index })
      const sheets = book.sheets.map((s) => ({ index: s.index, name: s.name, hidden: s.hidden, readable: s.readable, preview: [] }))
      return { ...base, sheets, encoding: null, encodingExact: true, delimiter: null, sheet }
    }
    const previews = await previewSheets(book, 6, { inflater: this.hooks.inflater, isCancelled: this.hooks.isCancelled })
    const sheets = book.sheets.map((s) => ({
      index: s.index, name: s.name, hidden: s.hidden, readable: s.readable,
      preview: previews.find((p) => p.index === s.index)?.rows ?? [],
    }))
    return { ...base, sheets, encoding: null, encodingExact: true, delimiter: null, sheet: null }
  }

  /**
   * A pasted Feishu Sheet or Base link, read by the server with the person's token and streamed
   * into the same CellStore a file fills; then the same header detection, merges, mapping.
   */
  async openFeishu(args: { link: string; endpoint: string; schema: TargetSchema; saved: SavedMapping | null }): Promise<OpenResult> {
    this.bootMs = now()
    this.schema = args.schema
    this.saved = args.saved
    const meter = new ProgressMeter(this.hooks)
    const t0 = now()
    const { readFeishuDoc } = await import('./feishu-read')
    const doc = await readFeishuDoc({
      link: args.link, endpoint: args.endpoint, fetch: this.hooks.fetch, isCancelled: this.hooks.isCancelled, people: args.schema.people,
      onProgress: (read, total, rows) => meter.report('cells', read, total, rows),
    })
    this.checkCancelled()
    const name = [doc.title, doc.part].filter(Boolean).join(' · ') || 'Feishu'
    this.fileName = name
    const sheet = this.adopt(doc.store, doc.merges, 0, name, now() - t0)
    return { kind: 'feishu', fileName: name, fileSize: 0, sheets: [], encoding: null, encodingExact: true, delimiter: null, sheet }
  }

  /** Reads the CSV again in the encoding the person chose (or the detected one). */
  async reread(args: { encoding: ChosenEncoding }): Promise<Pick<OpenResult, 'encoding' | 'encodingExact' | 'delimiter' | 'sheet'>> {
    if (!this.csvFile) throw new FileError('no_sheets')
    return this.readCsvAs(this.csvFile, args.encoding)
  }

  private async readCsvAs(file: Blob, encoding: ChosenEncoding | undefined): Promise<Pick<OpenResult, 'encoding' | 'encodingExact' | 'delimiter' | 'sheet'>> {
    const meter = new ProgressMeter(this.hooks)
    const t0 = now()
    const csv = await readCsv(file, {
      isCancelled: this.hooks.isCancelled,
      onProgress: (p) => meter.report('cells', p.done, p.total, p.rows),
      encoding,
    })
    this.checkCancelled()
    const sheet = this.adopt(csv.store, [], 0, this.fileName.replace(/\.[^.]+$/, ''), now() - t0)
    return { encoding: csv.encoding.encoding, encodingExact: csv.encoding.exact, delimiter: csv.delimiter, sheet }
  }

  async chooseSheet(args: { index: number }): Promise<SheetResult> {
    const legacySheet = this.legacy?.sheets[args.index]
    if (legacySheet) {
      if (!legacySheet.store) throw new FileError('no_sheets')
      return this.adopt(legacySheet.store, legacySheet.merges, args.index, legacySheet.name, 0)
    }
    if (!this.book) throw new FileError('no_sheets')
    const meter = new ProgressMeter(this.hooks)
    const t0 = now()
    const { store, merges, stats } = await readSheet(this.book, args.index, {
      inflater: this.hooks.inflater,
      startHelper: this.hooks.startHelper,
      isCancelled: this.hooks.isCancelled,
      onProgress: (p) => meter.report(p.phase, p.done, p.total, p.rows),
    })
    this.checkCancelled()
    this.readStats = { ...stats, bootMs: this.bootMs, bookMs: this.bookMs }
    return this.adopt(store, merges, args.index, this.book.sheets[args.index]?.name ?? '', now() - t0)
  }

  private adopt(store: CellStore, merges: Merge[], index: number, name: string, readMs: number): SheetResult {
    if (store.rowCount === 0) throw new FileError('sheet_empty', { sheet: name })
    fillHeaderMerges(store, merges)
    this.sheet = new LoadedSheet(store, merges, index)
    const head = this.headRows()
    const layout = detectHeader(head, { schema: this.schema ?? undefined, merges, sheetRows: store.sheetRows })
    if (!layout) throw new FileError('no_header', { sheet: name })
    return this.useLayout(layout, name, readMs)
  }

  private headRows(): CellValue[][] {
    const store = this.sheet.store as CellStore
    const out: CellValue[][] = []
    for (let r = 0; r < Math.min(store.rowCount, HEADER_SCAN_ROWS); r++) out.push(store.row(r))
    return out
  }

  setHeader(args: { headerRow: number; depth: 1 | 2 }): SheetResult {
    const head = this.headRows()
    const headerRow = Math.max(0, Math.min(args.headerRow, head.length - 1))
    return this.useLayout(layoutAt(head, headerRow, args.depth, this.schema ?? undefined), this.sheetName(), 0)
  }

  private sheetName(): string {
    return this.book?.sheets[this.sheet.sheetIndex]?.name ?? this.legacy?.sheets[this.sheet.sheetIndex]?.name ?? this.fileName.replace(/\.[^.]+$/, '')
  }

  private useLayout(layout: HeaderLayout, name: string, readMs: number): SheetResult {
    const store = this.sheet.store as CellStore
    this.sheet.layout = layout
    this.resetEdits()
    const head = this.headRows()
    const proposal = autoMap(layout.columns, this.schema as TargetSchema, this.saved)
    return {
      sheetIndex: this.sheet.sheetIndex,
      sheetName: name,
      rowCount: this.dataRowCount(),
      columnCount: store.columnCount,
      layout,
      head: head.map((r) => r.map((v) => (v === null ? '' : String(v)))),
      headRows: Array.from(store.sheetRows.subarray(0, head.length)),
      proposal,
      hiddenColumns: [...store.hiddenColumns].sort((a, b) => a - b),
      readMs,
      readStats: this.readStats,
    }
  }

  private resetEdits(): void {
    this.sheet.edits.clear()
    this.sheet.deleted = new Uint8Array(this.dataRowCount())
    this.sheet.skipped = new Uint8Array(this.dataRowCount())
    this.sheet.includedByHand.clear()
    this.sheet.rowIssues.clear()
    this.sheet.keys = []
    this.sheet.keyGroups = null
    this.sheet.validated = false
    this.sheet.version++
  }

  private dataRowCount(): number {
    return this.sheet.store && this.sheet.layout ? Math.max(0, this.sheet.store.rowCount - this.sheet.layout.dataStart) : 0
  }

  private checkCancelled(): void {
    if (this.hooks.isCancelled()) throw new Cancelled()
  }

  // ------------------------------------------------------------ mapping and validation

  applyMapping(args: { matches: ColumnMatch[] }): Summary {
    const schema = this.requireSchema()
    const codes = new Set(schema.fields.map((f) => f.code))
    this.sheet.fieldColumn.clear()
    for (const m of args.matches) {
      if (m.field === null || !codes.has(m.field)) continue
      if (this.sheet.fieldColumn.has(m.field)) throw new FileError('no_header', { detail: `field ${m.field} mapped twice` })
      this.sheet.fieldColumn.set(m.field, m.column)
    }
    this.sheet.columnsByField = schema.fields.map((f) => this.sheet.fieldColumn.get(f.code) ?? -1)
    this.sheet.schema = this.schemaForSheet(this.schema as TargetSchema)
    this.findNonEmployees()
    this.validateAll()
    return this.summary()
  }

  /**
   * Marks total and label rows (left out, said once in the summary). Looks at a row's other cells
   * only when its key cells allow it (mayBeNonEmployee), so an employee sheet costs one key check per row.
   */
  private findNonEmployees(): void {
    const schema = this.requireSchema()
    const store = this.sheet.store as CellStore
    const layout = this.sheet.layout as HeaderLayout
    const start = layout.dataStart
    const n = this.dataRowCount()
    this.sheet.skipped = new Uint8Array(n)
    const keyFields = schema.keyFields.map((code) => schema.fields.find((f) => f.code === code)).filter((f): f is TargetField => !!f)
    const idKeys = keyFields.filter((f) => f.kind === 'identifier')
    const keyColumns = (idKeys.length ? idKeys : keyFields).map((f) => this.sheet.fieldColumn.get(f.code)).filter((c): c is number => c !== undefined)
    const firstColumn = layout.columns.length ? Math.min(...layout.columns.map((c) => c.index)) : 0
    const keyCells: CellValue[] = new Array(keyColumns.length)
    let boundary = 0 // the first data row after the last total or label
    for (let d = 0; d < n; d++) {
      const r = d + start
      for (let k = 0; k < keyColumns.length; k++) keyCells[k] = store.get(r, keyColumns[k] as number)
      if (!mayBeNonEmployee(keyCells)) continue
      const from = boundary
      const kind = classifyRow({
        cells: store.row(r),
        keyColumns,
        firstColumn,
        columnSum: store.sumRows.has(store.sheetRows[r] as number),
        sumsAbove: (col) => {
          let sum = 0
          let count = 0
          // Back to the block's start, at most a few thousand rows (a candidate is rare; this keeps a file of keyless rows linear).
          for (let e = Math.max(from, d - 5000); e < d; e++) {
            if (this.sheet.skipped[e]) continue
            const v = store.get(e + start, col)
            if (typeof v === 'number') { sum += v; count++ }
          }
          return { sum, count }
        },
      })
      if (kind === null) continue
      boundary = d + 1
      if (this.sheet.includedByHand.has(d)) continue
      this.sheet.skipped[d] = kind === 'total' ? 1 : 2
    }
  }

  /** Takes a left-out row (total, label) back into the import. */
  includeRow(args: { row: number }): Summary {
    this.requireSchema()
    const d = args.row
    if (d >= 0 && d < this.sheet.skipped.length && this.sheet.skipped[d]) {
      this.sheet.skipped[d] = 0
      this.sheet.includedByHand.add(d)
      this.revalidate(d)
      this.sheet.version++
    }
    return this.summary()
  }

  /** Whether a data row is out of the import (deleted by the person, or a total/label row). */
  private isOut(d: number): boolean {
    return this.sheet.deleted[d] === 1 || this.sheet.skipped[d] !== 0
  }

  /** Row-level notes that do not come from the cells: a row hidden in Excel. */
  private rowNotes(d: number, into: Issue[]): void {
    const store = this.sheet.store as CellStore
    if (store.hiddenRows.size && store.hiddenRows.has(store.sheetRows[d + (this.sheet.layout as HeaderLayout).dataStart] as number)) {
      into.push({ row: d, field: null, severity: 'warning', code: 'hidden_row' })
    }
  }

  private requireSchema(): TargetSchema {
    if (!this.schema || !this.sheet.store || !this.sheet.layout) throw new FileError('no_sheets')
    return this.sheet.schema ?? this.schema
  }

  /** The schema the rows are checked with (see LoadedSheet.schema). */
  private checkSchema(): TargetSchema {
    return this.sheet.schema ?? (this.schema as TargetSchema)
  }

  /**
   * The target's schema with each mapped ID field that has no letter case of its own given the
   * case its column shows (a sample of up to 2,000 distinct IDs), so "fs10013" among "FS…" numbers
   * becomes FS10013 with a warning instead of failing later as "not found".
   */
  private schemaForSheet(base: TargetSchema): TargetSchema {
    const store = this.sheet.store as CellStore
    const start = (this.sheet.layout as HeaderLayout).dataStart
    let changed = false
    const fields = base.fields.map((f) => {
      const col = this.sheet.fieldColumn.get(f.code)
      if (f.kind !== 'identifier' || f.letterCase || col === undefined) return f
      const sample = new Set<string>()
      for (let r = start; r < store.rowCount && sample.size < 2000; r++) {
        const v = store.get(r, col)
        if (typeof v === 'string') sample.add(v)
      }
      const letterCase = columnLetterCase(sample)
      if (!letterCase) return f
      changed = true
      return { ...f, letterCase }
    })
    return changed ? { ...base, fields } : base
  }

  /** The raw value of a mapped field in a data row, after the person's edits. */
  private cell(row: number, field: string): CellValue {
    const edit = this.sheet.edits.get(row)
    if (edit && edit.has(field)) return edit.get(field) ?? null
    const col = this.sheet.fieldColumn.get(field)
    if (col === undefined) return null
    return (this.sheet.store as CellStore).get(row + (this.sheet.layout as HeaderLayout).dataStart, col)
  }

  private rawRow(row: number, into: RawRow): RawRow {
    const fields = this.checkSchema().fields
    const store = this.sheet.store as CellStore
    const r = row + (this.sheet.layout as HeaderLayout).dataStart
    const cols = this.sheet.columnsByField
    for (let i = 0; i < fields.length; i++) {
      const col = cols[i] as number
      into[(fields[i] as TargetField).code] = col >= 0 ? store.getRaw(r, col) : undefined
    }
    const edit = this.sheet.edits.get(row)
    if (edit) for (const [code, v] of edit) into[code] = v
    return into
  }

  private readStats: SheetResult['readStats'] = null
  private bootMs = 0
  private bookMs = 0

  private validateAll(): void {
    const schema = this.requireSchema()
    const t0 = now()
    const meter = new ProgressMeter(this.hooks)
    const n = this.dataRowCount()
    this.sheet.rowIssues.clear()
    this.sheet.keyGroups = null
    // Rows as read are checked column by column (checkColumns); rows the person edited, row by row.
    const rows = new Int32Array(n)
    let count = 0
    const edited: number[] = []
    for (let d = 0; d < n; d++) {
      if (this.isOut(d)) continue
      if (this.sheet.edits.has(d)) edited.push(d)
      else rows[count++] = d
    }
    const store = this.sheet.store as CellStore
    const start = (this.sheet.layout as HeaderLayout).dataStart
    const columns = schema.fields.map((_, i) => {
      const col = this.sheet.columnsByField[i] ?? -1
      return col >= 0 ? new StoreColumn(store, col, start) : null
    })
    const checked = checkColumns(schema, columns, rows.subarray(0, count), (done, total) => {
      const d = Math.round((n * done) / total)
      meter.report('validate', d, n, d)
      this.checkCancelled()
    })
    let hashes = checked.hashes
    if (count === n) {
      // Every row as read (the usual first check): the keys are the check's own, row for row.
      this.sheet.keys = checked.keys
      checked.issues.forEach((list, d) => { if (list) this.sheet.rowIssues.set(d, list) })
    } else {
      this.sheet.keys = new Array(n).fill(null)
      hashes = new Int32Array(n)
      for (let i = 0; i < count; i++) {
        const d = rows[i] as number
        const list = checked.issues[i]
        if (list) this.sheet.rowIssues.set(d, list)
        this.sheet.keys[d] = checked.keys[i] ?? null
        hashes[d] = checked.hashes[i] as number
      }
      const raw: RawRow = {}
      for (const d of edited) {
        const issues: Issue[] = []
        const key = checkRow(schema, this.rawRow(d, raw), d, issues)
        if (issues.length) this.sheet.rowIssues.set(d, issues)
        this.sheet.keys[d] = key
        if (key !== null) hashes[d] = hashString(key)
      }
    }
    const store0 = this.sheet.store as CellStore
    if (store0.hiddenRows.size) {
      for (let d = 0; d < n; d++) {
        if (this.isOut(d)) continue
        const notes: Issue[] = []
        this.rowNotes(d, notes)
        if (notes.length) this.sheet.rowIssues.set(d, [...(this.sheet.rowIssues.get(d) ?? []), ...notes])
      }
    }
    for (const group of sameKeyGroups(this.sheet.keys, hashes)) this.markDuplicates(this.sheet.keys[group[0] as number] as string, group)
    this.sheet.validated = true
    this.sheet.validateMs = now() - t0
    this.sheet.version++
  }

  private groups(): Map<string, number | Set<number>> {
    if (this.sheet.keyGroups === null) {
      this.sheet.keyGroups = new Map()
      this.sheet.keys.forEach((key, d) => { if (key !== null && key !== undefined && !this.isOut(d)) this.groupAdd(key, d) })
    }
    return this.sheet.keyGroups
  }

  private groupAdd(key: string, d: number): void {
    const groups = this.groups()
    const g = groups.get(key)
    if (g === undefined) groups.set(key, d)
    else if (typeof g === 'number') { if (g !== d) groups.set(key, new Set([g, d])) }
    else g.add(d)
  }

  private groupDelete(key: string, d: number): void {
    const groups = this.groups()
    const g = groups.get(key)
    if (g === d) groups.delete(key)
    else if (typeof g === 'object') g.delete(d)
  }

  private groupRows(key: string): number[] {
    const g = this.groups().get(key)
    return g === undefined ? [] : typeof g === 'number' ? [g] : [...g]
  }

  private markDuplicates(key: string, rows: number[]): void {
    const schema = this.checkSchema()
    const field = schema.keyFields[0] as string
    const params = rows.length > 1 ? duplicateParams(schema, key, rows.length) : null
    for (const d of rows) {
      const list = (this.sheet.rowIssues.get(d) ?? []).filter((i) => i.code !== 'duplicate_key')
      if (params) list.push({ row: d, field, severity: 'error', code: 'duplicate_key', params })
      if (list.length) this.sheet.rowIssues.set(d, list)
      else this.sheet.rowIssues.delete(d)
    }
  }

  /** Re-validates one row and the duplicate groups it leaves and joins. */
  private revalidate(d: number): void {
    const schema = this.checkSchema()
    const oldKey = this.sheet.keys[d] ?? null
    if (oldKey !== null) this.groupDelete(oldKey, d)
    if (this.isOut(d)) {
      this.sheet.rowIssues.delete(d)
      this.sheet.keys[d] = null
      if (oldKey !== null) this.markDuplicates(oldKey, this.groupRows(oldKey))
      return
    }
    const issues: Issue[] = []
    const key = checkRow(schema, this.rawRow(d, {}), d, issues)
    this.rowNotes(d, issues)
    if (issues.length) this.sheet.rowIssues.set(d, issues)
    else this.sheet.rowIssues.delete(d)
    this.sheet.keys[d] = key
    if (key !== null) {
      this.groupAdd(key, d)
      this.markDuplicates(key, this.groupRows(key))
    }
    if (oldKey !== null && oldKey !== key) this.markDuplicates(oldKey, this.groupRows(oldKey))
  }

  summary(): Summary {
    const byCode: Record<string, number> = {}
    const byField: Record<string, number> = {}
    let errors = 0
    let warnings = 0
    let rowsWithErrors = 0
    let rowsWithWarnings = 0
    for (const list of this.sheet.rowIssues.values()) {
      let hasError = false
      let hasWarning = false
      const errorFields = new Set<string>()
      for (const i of list) {
        byCode[i.code] = (byCode[i.code] ?? 0) + 1
        if (i.severity === 'error') { errors++; hasError = true; errorFields.add(i.field ?? '') } else { warnings++; hasWarning = true }
      }
      for (const f of errorFields) byField[f] = (byField[f] ?? 0) + 1
      if (hasError) rowsWithErrors++
      if (hasWarning) rowsWithWarnings++
    }
    let deleted = 0
    let leftOut = 0
    let hiddenRows = 0
    const left: LeftOutRow[] = []
    const store = this.sheet.store as CellStore
    const start = (this.sheet.layout as HeaderLayout | null)?.dataStart ?? 0
    for (let d = 0; d < this.sheet.deleted.length; d++) {
      deleted += this.sheet.deleted[d] as number
      const kind = this.sheet.skipped[d] as number
      if (kind && !this.sheet.deleted[d]) {
        leftOut++
        if (left.length < MAX_LEFT_LISTED) left.push({ row: d, sheetRow: store.sheetRows[d + start] as number, kind: kind === 1 ? 'total' : 'label', text: this.rowText(d) })
      } else if (store && store.hiddenRows.size && !this.sheet.deleted[d] && store.hiddenRows.has(store.sheetRows[d + start] as number)) hiddenRows++
    }
    const rows = this.dataRowCount() - deleted - leftOut
    return { rows, deleted, leftOut, left, hiddenRows, errors, warnings, rowsWithErrors, rowsWithWarnings, validRows: rows - rowsWithErrors, byCode, byField, validateMs: this.sheet.validateMs }
  }

  /** A left-out row as the person would recognise it: its first few texts. */
  private rowText(d: number): string {
    const row = (this.sheet.store as CellStore).row(d + (this.sheet.layout as HeaderLayout).dataStart)
    return row.filter((v) => v !== null && v !== '').slice(0, 3).map(String).join(' · ').slice(0, 60)
  }

  private hasError(d: number): boolean {
    const list = this.sheet.rowIssues.get(d)
    return !!list && list.some((i) => i.severity === 'error')
  }

  // ------------------------------------------------------------ the grid

  private view(filter: RowFilter, order: RowOrder): Int32Array {
    const key = `${filter}:${order}`
    const cached = this.sheet.viewCache.get(key)
    if (cached && cached.version === this.sheet.version) return cached.rows
    const n = this.dataRowCount()
    const keep = (d: number): boolean => !this.isOut(d) && (filter === 'all' || (filter === 'errors' ? this.hasError(d) : this.sheet.rowIssues.has(d)))
    let out: number[] = []
    if (order === 'errorsFirst') {
      const rest: number[] = []
      for (let d = 0; d < n; d++) if (keep(d)) (this.hasError(d) ? out : rest).push(d)
      out = out.concat(rest)
    } else for (let d = 0; d < n; d++) if (keep(d)) out.push(d)
    const rows = Int32Array.from(out)
    this.sheet.viewCache.set(key, { version: this.sheet.version, rows })
    return rows
  }

  private rowView(d: number): RowView {
    const cells: Record<string, CellValue> = {}
    for (const f of this.checkSchema().fields) {
      if (this.sheet.fieldColumn.has(f.code) || this.sheet.edits.get(d)?.has(f.code)) cells[f.code] = this.cell(d, f.code)
    }
    const store = this.sheet.store as CellStore
    // What will be sent, for the grid to show (the raw cell on hover): a page is at most 500 rows.
    const wire = validateRow(this.checkSchema(), this.rawRow(d, {}), d, [])
    const values: Record<string, string | null> = {}
    for (const code of Object.keys(cells)) values[code] = wire[code] ?? null
    return { row: d, sheetRow: store.sheetRows[d + (this.sheet.layout as HeaderLayout).dataStart] as number, cells, values, issues: this.sheet.rowIssues.get(d) ?? [] }
  }

  rows(args: { filter: RowFilter; order: RowOrder; start: number; count: number }): RowsPage {
    this.requireSchema()
    const view = this.view(args.filter, args.order)
    const start = Math.max(0, Math.min(args.start, view.length))
    const end = Math.min(view.length, start + Math.max(0, Math.min(args.count, 500)))
    const rows: RowView[] = []
    for (let i = start; i < end; i++) rows.push(this.rowView(view[i] as number))
    return { total: view.length, start, rows }
  }

  editCell(args: { row: number; field: string; value: CellValue }): { summary: Summary; rows: RowView[] } {
    const schema = this.requireSchema()
    if (!schema.fields.some((f) => f.code === args.field) || args.row < 0 || args.row >= this.dataRowCount()) {
      throw new FileError('no_header', { detail: 'no such cell' })
    }
    const value = typeof args.value === 'string' && args.value === '' ? null : args.value
    let edit = this.sheet.edits.get(args.row)
    if (!edit) { edit = new Map(); this.sheet.edits.set(args.row, edit) }
    edit.set(args.field, value)
    const before = new Set(this.groupOf(args.row))
    this.revalidate(args.row)
    this.sheet.version++
    const touched = new Set([args.row, ...before, ...this.groupOf(args.row)])
    return { summary: this.summary(), rows: [...touched].filter((d) => !this.isOut(d)).map((d) => this.rowView(d)) }
  }

  private groupOf(d: number): number[] {
    const key = this.sheet.keys[d]
    return key ? this.groupRows(key) : []
  }

  bulkFix(args: { fix: BulkFix }): { changed: number; summary: Summary } {
    const schema = this.requireSchema()
    const fix = args.fix
    if (fix.kind === 'skipHidden') return this.deleteHidden()
    const fields = schema.fields.filter((f) => (fix.fields ? fix.fields.includes(f.code) : true) && this.sheet.fieldColumn.has(f.code))
    const apply = (f: TargetField, v: CellValue): CellValue => {
      if (fix.kind === 'trim') return trimValue(v)
      if (fix.kind === 'halfWidth') return halfWidthValue(v)
      return dateFormatValue(v, f.kind, fix.kind === 'dateFormat' ? fix.order : undefined)
    }
    const targets = fix.kind === 'dateFormat' ? fields.filter((f) => ['date', 'month', 'compact_date', 'compact_month'].includes(f.kind)) : fields
    let changed = 0
    const n = this.dataRowCount()
    for (let d = 0; d < n; d++) {
      if (this.isOut(d)) continue
      for (const f of targets) {
        const v = this.cell(d, f.code)
        const next = apply(f, v)
        if (next !== v) {
          let edit = this.sheet.edits.get(d)
          if (!edit) { edit = new Map(); this.sheet.edits.set(d, edit) }
          edit.set(f.code, next)
          changed++
        }
      }
    }
    if (changed) this.validateAll()
    return { changed, summary: this.summary() }
  }

  /** The bulk fix "leave hidden rows out": deletes every row hidden in Excel. */
  private deleteHidden(): { changed: number; summary: Summary } {
    const store = this.sheet.store as CellStore
    const start = (this.sheet.layout as HeaderLayout).dataStart
    const rows: number[] = []
    for (let d = 0; d < this.dataRowCount(); d++) {
      if (!this.isOut(d) && store.hiddenRows.has(store.sheetRows[d + start] as number)) rows.push(d)
    }
    return { changed: rows.length, summary: this.deleteRows({ rows }) }
  }

  deleteRows(args: { rows: number[] }): Summary {
    this.requireSchema()
    for (const d of args.rows) {
      if (d < 0 || d >= this.sheet.deleted.length || this.sheet.deleted[d]) continue
      this.sheet.deleted[d] = 1
      this.revalidate(d)
    }
    this.sheet.version++
    return this.summary()
  }

  // ------------------------------------------------------------ out

  /** Normalised wire values as JSON: [{ row, sheetRow, values }]. Built here so the main thread never stringifies 100k rows. */
  exportValues(args: { includeInvalid: boolean }): { json: ArrayBuffer; count: number } {
    const schema = this.requireSchema()
    if (!this.sheet.validated) this.validateAll()
    const store = this.sheet.store as CellStore
    const start = (this.sheet.layout as HeaderLayout).dataStart
    const parts: string[] = []
    let count = 0
    const raw: RawRow = {}
    for (let d = 0; d < this.dataRowCount(); d++) {
      if (this.isOut(d) || (!args.includeInvalid && this.hasError(d))) continue
      const values: WireRow = validateRow(schema, this.rawRow(d, raw), d, [])
      parts.push(JSON.stringify({ row: d, sheetRow: store.sheetRows[d + start], values }))
      count++
    }
    const bytes = new TextEncoder().encode(`[${parts.join(',')}]`)
    return { json: bytes.buffer as ArrayBuffer, count }
  }

  /**
   * The original columns plus status, Feishu code, message and hint; rows with errors first so the
   * person fixes from the top and uploads the same file again.
   */
  resultWorkbook(args: { locale: Locale; labels: ResultLabels; results: RowResult[] | null }): { xlsx: ArrayBuffer } {
    const schema = this.requireSchema()
    const store = this.sheet.store as CellStore
    const layout = this.sheet.layout as HeaderLayout
    const { labels, locale } = args
    const byRow = new Map((args.results ?? []).map((r) => [r.row, r]))
    const fieldByColumn = new Map<number, string>()
    for (const [field, col] of this.sheet.fieldColumn) fieldByColumn.set(col, field)
    const titles = new Map(schema.fields.map((f) => [f.code, fieldTitle(f, locale)]))
    const header: WriteCell[] = layout.columns.map((c) => ({ v: c.title, style: CellStyle.Header }))
    for (const h of [labels.status, labels.code, labels.message, labels.hint]) header.push({ v: h, style: CellStyle.Header })
    // Rows left out as totals or labels are in the report too, as not imported (nothing is lost from the file).
    const leftKind = (d: number): 'total' | 'label' | null => (this.sheet.deleted[d] ? null : this.sheet.skipped[d] === 1 ? 'total' : this.sheet.skipped[d] === 2 ? 'label' : null)
    const rank = (d: number): number => {
      const r = byRow.get(d)
      if (leftKind(d)) return 1
      if (r) return r.status === 'failed' ? 0 : r.status === 'skipped' ? 1 : 3
      return this.hasError(d) ? 0 : this.sheet.rowIssues.has(d) ? 2 : 3
    }
    const order: number[] = []
    for (let d = 0; d < this.dataRowCount(); d++) if (!this.isOut(d) || leftKind(d)) order.push(d)
    order.sort((a, b) => rank(a) - rank(b) || a - b)
    const cellOf = (d: number, field: string) => this.cell(d, field)
    const issuesOf = (d: number) => this.sheet.rowIssues.get(d) ?? []
    const hasError = (d: number) => this.hasError(d)
    function* rows(): Generator<WriteRow> {
      yield header
      for (const d of order) {
        const row: WriteRow = layout.columns.map((c) => {
          const field = fieldByColumn.get(c.index)
          const v = field !== undefined ? cellOf(d, field) : store.get(d + layout.dataStart, c.index)
          return { v, date: typeof v === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v) }
        })
        const result = byRow.get(d)
        const issues = issuesOf(d)
        const messages = issues.map((i) => {
          const m = issueMessage(i, locale)
          return { text: `${i.field ? `${titles.get(i.field) ?? i.field}: ` : ''}${m.message}`, hint: m.hint }
        })
        let status: string
        let style: CellStyle
        const kind = leftKind(d)
        if (kind) {
          status = labels.notImported ?? labels.skipped
          style = CellStyle.Warning
          row.push({ v: status, style }, null, labels.leftKind?.[kind] ?? '', '')
          yield row
          continue
        }
        if (result) {
          status = labels[result.status]
          style = result.status === 'failed' ? CellStyle.Error : result.status === 'skipped' ? CellStyle.Warning : CellStyle.Ok
        } else if (hasError(d)) { status = labels.error; style = CellStyle.Error }
        else if (issues.length) { status = labels.warning; style = CellStyle.Warning }
        else { status = labels.ok; style = CellStyle.Ok }
        const message = [result?.message, ...messages.map((m) => m.text)].filter(Boolean).join('\n')
        const hint = [...new Set([result?.hint, ...messages.map((m) => m.hint)].filter(Boolean))].join('\n')
        row.push({ v: status, style }, result?.code === undefined ? null : String(result.code), message, hint)
        yield row
      }
    }
    const chunks = writeXlsx([{
      name: labels.sheetName,
      rows: rows(),
      freezeRows: 1,
      colWidths: [...layout.columns.map((c) => Math.min(40, Math.max(10, c.title.length * 2))), 10, 12, 50, 50],
    }])
    return { xlsx: concatChunks(chunks).buffer as ArrayBuffer }
  }
}

export function templateWorkbook(args: { schema: TargetSchema; locale: Locale }): { xlsx: ArrayBuffer } {
  return { xlsx: concatChunks(writeXlsx([templateSheet(args.schema, args.locale)])).buffer as ArrayBuffer }
}
