/**
 * A Feishu Sheet or Base table, read by the server with the person's own token and streamed here
 * as NDJSON (src/domain/feishu-source.ts), into the same CellStore a file fills: numbers as numbers,
 * text as text (007123 stays text), dates Feishu shows (yyyy/MM/dd) as date cells, merged ranges as
 * merges. Everything after reading (header, mapping, validation, fixes) is the file's code.
 */
import { SOURCE_ERROR_CODES, sourceCellOf, type PersonAs, type SourceCell, type SourceErrorCode, type SourceLine } from '../domain/feishu-source'
import { CellStore, Tag } from './cells'
import { Cancelled, FileError, LIMITS, type FileErrorCode } from './errors'
import { answerLineHead, placesOf, scanAnswerLine, type ValuesSink } from './values-scan'
import type { Merge } from './xlsx-read'
import { concatChunks } from './xlsx-write'

export interface FeishuReadOptions {
  link: string
  /** POST endpoint of the server's reader (src/api builds it). */
  endpoint: string
  /** The fetch to use (the worker's own; tests pass one carrying a session cookie). */
  fetch?: typeof fetch
  isCancelled: () => boolean
  /** How Base person fields are written for the target (its schema's `people`). */
  people?: PersonAs
  onProgress?: (rowsRead: number, totalRows: number, storedRows: number) => void
}

export interface FeishuReadResult { store: CellStore; merges: Merge[]; title: string; part: string; kind: 'sheet' | 'base' }

const DAY_MS = 86_400_000
const EPOCH_1900 = Date.UTC(1899, 11, 30)
const DATE = /^(\d{4})[/-](\d{1,2})[/-](\d{1,2})(?: (\d{1,2}):(\d{2})(?::(\d{2}))?)?$/

/** The serial day (1900 system) of a date Feishu shows, or null when the text is not one. */
export function serialOfShown(text: string): { serial: number; time: boolean } | null {
  const m = DATE.exec(text)
  if (!m) return null
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])]
  const ms = Date.UTC(y, mo - 1, d)
  const back = new Date(ms)
  if (mo < 1 || mo > 12 || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d) return null
  const day = (ms - EPOCH_1900) / DAY_MS
  if (m[4] === undefined) return { serial: day, time: false }
  const secs = Number(m[4]) * 3600 + Number(m[5]) * 60 + Number(m[6] ?? 0)
  return { serial: day + secs / 86_400, time: true }
}

/** A text cell: a date when it is one Feishu shows (yyyy/MM/dd), text otherwise. */
function putText(store: CellStore, row: number, col: number, v: string): boolean {
  if (v === '') return false
  // Only text starting with four digits can be a date Feishu shows (yyyy/MM/dd): skip the pattern otherwise.
  const c0 = v.charCodeAt(0)
  const date = c0 >= 48 && c0 <= 57 && v.length >= 8 ? serialOfShown(v) : null
  if (date) {
    store.set(row, col, date.time ? Tag.DateTime : Tag.Date, date.serial)
    return true
  }
  if (v.length > LIMITS.maxCellChars) throw new FileError('cell_too_large', { cell: `R${store.sheetRows[row]}C${col + 1}`, limit: LIMITS.maxCellChars })
  store.set(row, col, Tag.String, store.addString(v))
  return true
}

/**
 * Writes rows into the store as they are read (by values-scan, or from rows already parsed): a row
 * with no value is dropped again; too many columns or rows end the read with the file's errors.
 */
class RowWriter implements ValuesSink {
  private start = 0
  private storeRow = -1
  private any = false
  constructor(private readonly store: CellStore) {}
  /** The 1-based sheet row of the next rows' first. */
  from(start: number): this { this.start = start; return this }
  row(index: number): void {
    this.storeRow = this.store.addRow(this.start + index)
    this.any = false
  }
  private column(col: number): void {
    if (col >= LIMITS.maxColumns) throw new FileError('too_many_columns', { limit: LIMITS.maxColumns })
  }
  number(col: number, value: number, places: number): void {
    this.column(col)
    if (!Number.isFinite(value)) return
    this.store.set(this.storeRow, col, Tag.Number, value, places)
    this.any = true
  }
  text(col: number, value: string): void {
    this.column(col)
    if (putText(this.store, this.storeRow, col, value)) this.any = true
  }
  other(col: number, value: unknown): void {
    this.column(col)
    // Rows come as Feishu wrote them: rich text, mentions and links as objects.
    const v = value !== null && typeof value === 'object' ? sourceCellOf(value) : (value as SourceCell | undefined) ?? null
    if (typeof v === 'number') this.number(col, v, placesOf(v))
    else if (typeof v === 'string') this.text(col, v)
    else if (typeof v === 'boolean') { this.store.set(this.storeRow, col, Tag.Bool, v ? 1 : 0); this.any = true }
  }
  endRow(): void {
    if (!this.any) this.store.dropLastRow()
    else if (this.store.rowCount > LIMITS.maxRows) throw new FileError('too_many_rows', { limit: LIMITS.maxRows })
  }
  /** Rows already parsed (a Base page, or a sheet's rows the server rewrote). */
  rows(rows: readonly unknown[]): void {
    rows.forEach((cells, i) => {
      if (!Array.isArray(cells) || cells.length === 0) return
      this.row(i)
      for (let c = 0; c < cells.length; c++) {
        const v = cells[c] as unknown
        if (typeof v === 'number') this.number(c, v, placesOf(v))
        else if (typeof v === 'string') this.text(c, v)
        else this.other(c, v)
      }
      this.endRow()
    })
  }
}

function errorOf(code: string, extra: { feishuCode?: number; scopes?: string[] } = {}): FileError {
  const known = (SOURCE_ERROR_CODES as readonly string[]).includes(code) ? (code as SourceErrorCode) : 'rejected'
  return new FileError(`feishu_${known}` as FileErrorCode, {
    feishuCode: extra.feishuCode ?? '—',
    scopes: extra.scopes?.length ? extra.scopes.join(', ') : 'sheets:spreadsheet:readonly, bitable:app:readonly, wiki:wiki:readonly',
  })
}

export async function readFeishuDoc(opts: FeishuReadOptions): Promise<FeishuReadResult> {
  const doFetch = opts.fetch ?? fetch
  const abort = new AbortController()
  // A cancelled read stops the request, which stops the server reading Feishu.
  const watch = setInterval(() => { if (opts.isCancelled()) abort.abort() }, 100)
  try {
    let res: Response
    try {
      res = await doFetch(opts.endpoint, {
        method: 'POST',
        credentials: 'same-origin',
        headers: { 'Content-Type': 'application/json', 'X-Requested-With': 'XMLHttpRequest', Accept: 'application/x-ndjson' },
        body: JSON.stringify({ link: opts.link, ...(opts.people ? { people: opts.people } : {}) }),
        signal: abort.signal,
      })
    } catch {
      if (opts.isCancelled()) throw new Cancelled()
      throw errorOf('unavailable')
    }
    if (!res.ok || !res.body) {
      const body = (await res.json().catch(() => null)) as { error?: { code?: string; details?: { scopes?: string[]; feishuCode?: number } } } | null
      const code = body?.error?.code ?? ''
      if (res.status === 401) throw errorOf('reauth')
      if (code === 'not_a_link' || code === 'not_a_sheet_or_table') throw errorOf(code)
      if (code === 'scope_missing' || code === 'app_scope_missing') throw errorOf('scope_missing', { scopes: body?.error?.details?.scopes })
      throw errorOf(res.status >= 500 ? 'unavailable' : 'rejected', { feishuCode: body?.error?.details?.feishuCode })
    }
    const store = new CellStore(4096)
    let merges: Merge[] = []
    let title = ''
    let part = ''
    let kind: 'sheet' | 'base' = 'sheet'
    let done = false
    const reader = res.body.getReader()
    const decoder = new TextDecoder()
    // A line (one slice, ~1 MB) arrives in many chunks: only each new chunk is searched for the line
    // end, and the pieces are joined once, so a long line is never rescanned or recopied per chunk.
    let pieces: Uint8Array[] = []
    const handle = (l: SourceLine) => {
      switch (l.type) {
        case 'meta':
          title = l.title
          part = l.part
          kind = l.kind
          merges = l.merges
          store.reserve(Math.min(l.totalRows, LIMITS.maxRows))
          break
        case 'rows':
          writer.from(l.start).rows('rows' in l ? l.rows : l.answer.data?.valueRange?.values ?? [])
          break
        case 'progress':
          opts.onProgress?.(l.rowsRead, l.totalRows, store.rowCount)
          break
        case 'error':
          throw errorOf(l.code, { feishuCode: l.feishuCode, scopes: l.scopes })
        case 'done':
          done = true
          break
      }
    }
    const writer = new RowWriter(store)
    const line = (bytes: Uint8Array) => {
      // A sheet's slice as Feishu answered it is read straight from its bytes (the bulk of a big sheet).
      const head = answerLineHead(bytes)
      if (head) { scanAnswerLine(bytes, head.at, writer.from(head.start)); return }
      const text = decoder.decode(bytes)
      if (text.trim()) handle(JSON.parse(text) as SourceLine)
    }
    const joined = (last: Uint8Array): Uint8Array => {
      if (pieces.length === 0) return last
      const out = concatChunks([...pieces, last])
      pieces = []
      return out
    }
    for (;;) {
      if (opts.isCancelled()) { abort.abort(); throw new Cancelled() }
      let chunk: ReadableStreamReadResult<Uint8Array>
      try {
        chunk = await reader.read()
      } catch {
        if (opts.isCancelled()) throw new Cancelled()
        throw errorOf('unavailable')
      }
      // Lines end at a newline byte (never inside a UTF-8 character).
      const bytes = chunk.value ?? new Uint8Array(0)
      let from = 0
      let nl = bytes.indexOf(10)
      while (nl >= 0) {
        line(joined(bytes.subarray(from, nl)))
        from = nl + 1
        nl = bytes.indexOf(10, from)
      }
      if (from < bytes.length) pieces.push(bytes.subarray(from))
      if (chunk.done) break
    }
    if (pieces.length) line(joined(new Uint8Array(0)))
    // The stream ended without its last line: the connection broke mid-read.
    if (!done) throw errorOf('unavailable')
    return { store, merges, title, part, kind }
  } finally {
    clearInterval(watch)
  }
}
