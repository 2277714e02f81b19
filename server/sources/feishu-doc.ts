// Reads a pasted Feishu Sheet / Base link with the person's own token, in slices within Feishu's
// limits, as SourceLines (src/domain/feishu-source.ts). The route streams them; when the browser
// goes away the consumer stops pulling and no further slice is asked for.
import type { FeishuDocLink } from '../../src/domain/feishu-link'
import { sourceCellOf, type PersonAs, type SourceCell, type SourceErrorCode, type SourceLine, type SourceMerge } from '../../src/domain/feishu-source'
import { BITABLE_SEARCH_MAX_PAGE, CONTACT_BATCH_MAX_IDS, SHEET_SLICE_ROWS, type FeishuApi } from '../../src/domain/feishu-limits'
import { LIMITS } from '../../src/import/errors'
import { firstRowsOf } from '../../src/import/values-scan'
import { columnName } from '../../src/import/xml'
import { AppError } from '../errors'
import { isTransient } from '../feishu/classify'
import { FeishuError } from '../feishu/http'
import { withRetries } from '../feishu/retry'
import type { Pacer } from '../jobs/pacer'
import { baseCell, basePeopleIds, byEmail, type BasePerson, type PersonText } from './base-values'
import type { BaseField, FeishuDocApi, SheetMeta } from './feishu-doc-api'

/**
 * What the reader yields: SourceLines, and a sheet's rows as Feishu's answer bytes (the route writes
 * them into a `rows` line as they are; the worker takes the rows out and reads cells with sourceCellOf).
 */
export type ReaderLine = SourceLine | { type: 'rows-answer'; start: number; answer: Uint8Array }

/** A part of a sheet read by one values call: its first row (0-based) and Feishu's answer bytes. */
interface AnswerPart { r0: number; answer: Uint8Array }

/** The rows of a values answer (a range with nothing in it may come without `values`). */
function valuesOf(answer: Uint8Array): unknown[][] {
  const body = JSON.parse(new TextDecoder().decode(answer)) as { data?: { valueRange?: { values?: unknown[][] } } }
  return body.data?.valueRange?.values ?? []
}

export class SourceError extends Error {
  constructor(readonly code: SourceErrorCode, readonly feishuCode?: number, readonly scopes?: string[]) {
    super(`source ${code}${feishuCode ? ` (${feishuCode})` : ''}`)
    this.name = 'SourceError'
  }
}

export interface ReadDeps {
  api: FeishuDocApi
  pacer: Pacer
  /** The person's current user token (refreshed when near its end; 401 when gone). */
  token(): Promise<string>
  /** Feishu refused the token: the next token() refreshes it. */
  expire(): Promise<void>
  /** Slices of a sheet read at once (a small window keeps Feishu, not our code, the bound). */
  inFlight?: number
  sliceRows?: number
}

// Codes by what they mean to the person. Sheets answer the cloud-docs table's 902.. codes (older) or
// 13102.. (current); the api gateway 914..; Base 1254...; wiki 1310.. (server/sandbox/README.md "Documents").
const NO_ACCESS = new Set([90213, 1310213, 91403, 1254302, 131006, 99991676])
const NOT_FOUND = new Set([90214, 1310214, 91402, 1254040, 131005, 1310249])
const PART_NOT_FOUND = new Set([90215, 1310215, 1254041, 1254042])
const TOO_LARGE = new Set([90221, 1310221, 90219, 1310219, 90222, 1310222])
const LOCKED = new Set([90218, 1310218])

export function sourceErrorOf(e: unknown): unknown {
  if (e instanceof SourceError) return e
  if (e instanceof AppError) return e.status === 401 ? new SourceError('reauth') : e
  if (!(e instanceof FeishuError)) return e
  const code = e.code ?? undefined
  const f = e.failure
  if (code !== undefined && NO_ACCESS.has(code)) return new SourceError('no_access', code)
  if (code !== undefined && NOT_FOUND.has(code)) return new SourceError('not_found', code)
  if (code !== undefined && PART_NOT_FOUND.has(code)) return new SourceError('part_not_found', code)
  if (code !== undefined && TOO_LARGE.has(code)) return new SourceError('too_large', code)
  if (code !== undefined && LOCKED.has(code)) return new SourceError('protected', code)
  if (f.kind === 'scope_missing' || f.kind === 'app_scope_missing') return new SourceError('scope_missing', code, f.scopes)
  if (f.kind === 'no_permission' || f.kind === 'no_data_permission') return new SourceError('no_access', code)
  if (f.kind === 'token_expired' || f.kind === 'token_invalid' || f.kind === 'reauth_needed') return new SourceError('reauth', code)
  if (isTransient(f) || f.kind === 'refresh_not_allowed') return new SourceError('unavailable', code)
  return new SourceError('rejected', code)
}


const isEmpty = (v: unknown) => v === null || v === undefined || v === ''

/**
 * A row without its trailing empty cells (fewer bytes to the browser). A row of plain values with a
 * last cell (most rows of a filled sheet) is passed on as Feishu sent it, without a copy.
 */
function trimRow(values: unknown[]): SourceCell[] {
  let end = values.length
  while (end > 0 && isEmpty(values[end - 1])) end--
  let plain = end === values.length
  for (let i = 0; plain && i < end; i++) {
    const v = values[i]
    if ((v !== null && typeof v === 'object') || v === undefined || v === '') plain = false
  }
  if (plain) return values as SourceCell[]
  const row: SourceCell[] = new Array<SourceCell>(end)
  for (let i = 0; i < end; i++) row[i] = sourceCellOf(values[i])
  return row
}

/** Rows read as shown to find zero-padded number columns (IDs are padded in every row, or none). */
const PADDED_PROBE_ROWS = 200

/** The first rows of a slice (read as one part or, over the answer cap, as several), each at its row. */
function probeRows(parts: AnswerPart[], r0: number): unknown[][] {
  const rows: unknown[][] = []
  for (const p of parts) {
    const at = p.r0 - r0
    if (at >= PADDED_PROBE_ROWS) break
    firstRowsOf(p.answer, PADDED_PROBE_ROWS - at).forEach((row, i) => { rows[at + i] = row })
  }
  return rows
}

/** "007123" shown for 7123: the zero padding a number format (000000) gives an ID. */
function isPadded(value: unknown, shown: unknown): boolean {
  return typeof value === 'number' && typeof shown === 'string' && /^0\d+$/.test(shown) && Number(shown) === value
}

/** The columns where some number is shown zero-padded, or null when none is. */
function paddedColumns(values: unknown[][], shown: unknown[][]): { c0: number; c1: number; cols: number[] } | null {
  const cols = new Set<number>()
  shown.forEach((s, r) => {
    const row = values[r]
    if (!Array.isArray(row) || !Array.isArray(s)) return
    s.forEach((text, c) => { if (isPadded(row[c], text)) cols.add(c) })
  })
  if (cols.size === 0) return null
  const list = [...cols].sort((a, b) => a - b)
  return { c0: list[0]!, c1: list[list.length - 1]!, cols: list }
}

/** Numbers in the padded columns become the text the person sees (`shown` starts at column c0). */
function overlay(values: unknown[][], shown: unknown[][], cols: number[], c0: number): void {
  values.forEach((row, r) => {
    const s = shown[r]
    if (!Array.isArray(row) || !Array.isArray(s)) return
    for (const c of cols) {
      const v = row[c]
      const text = s[c - c0]
      if (typeof v === 'number' && typeof text === 'string' && Number(text) === v) row[c] = text
    }
  })
}

export function documentReader(deps: ReadDeps) {
  /** Set when the browser went away: no further call goes to Feishu (those in flight just end). */
  let stopped = false

  /** One Feishu call at the pacer's pace: a passing failure is retried, an ended token refreshed once. */
  async function call<T>(api: FeishuApi, fn: (token: string) => Promise<T>): Promise<T> {
    const stopCheck = () => { if (stopped) throw new SourceError('unavailable') }
    const once = async () => { const token = await deps.token(); return deps.pacer.schedule(api, () => fn(token)) }
    try {
      try {
        return await withRetries(once, 6, stopCheck)
      } catch (e) {
        // An ended token is refreshed once, then the read tried again.
        if (!(e instanceof FeishuError) || (e.failure.kind !== 'token_expired' && e.failure.kind !== 'token_invalid')) throw e
        await deps.expire()
        return await withRetries(once, 6, stopCheck)
      }
    } catch (e) {
      throw sourceErrorOf(e)
    }
  }

  async function* readSheet(spreadsheet: string, sheetId: string | null): AsyncGenerator<ReaderLine> {
    const [book, sheets] = await Promise.all([
      call('sheets.spreadsheet.get', (t) => deps.api.spreadsheet(t, spreadsheet)),
      call('sheets.sheet.query', (t) => deps.api.sheets(t, spreadsheet)),
    ])
    const ordered = [...sheets].sort((a, b) => (a.index ?? 0) - (b.index ?? 0))
    const sheet: SheetMeta | undefined = sheetId
      ? ordered.find((s) => s.sheet_id === sheetId)
      : ordered.find((s) => !s.hidden && (s.resource_type ?? 'sheet') === 'sheet') ?? ordered.find((s) => (s.resource_type ?? 'sheet') === 'sheet')
    if (!sheet) throw new SourceError('part_not_found')
    // A Base embedded in a spreadsheet (resource_type bitable) is read through its own link.
    if ((sheet.resource_type ?? 'sheet') !== 'sheet') throw new SourceError('not_a_sheet_or_table')
    const rows = sheet.grid_properties?.row_count ?? 0
    const cols = sheet.grid_properties?.column_count ?? 0
    if (rows > LIMITS.maxRows + 1 || cols > LIMITS.maxColumns) throw new SourceError('too_large')
    const merges: SourceMerge[] = (sheet.merges ?? []).map((m) => ({ top: m.start_row_index + 1, left: m.start_column_index, bottom: m.end_row_index + 1, right: m.end_column_index }))
    yield { type: 'meta', kind: 'sheet', title: book.title, part: sheet.title, totalRows: rows, columns: cols, merges }
    if (rows === 0 || cols === 0) { yield { type: 'done', rowsRead: 0 }; return }

    let size = deps.sliceRows ?? Math.max(50, Math.min(SHEET_SLICE_ROWS, Math.floor(200_000 / cols)))
    const lastCol = columnName(cols - 1)
    // A slice's rows as Feishu's answer bytes, passed on undecoded and unparsed (decoding, parsing and
    // writing ~1 MB a slice again was most of the server's work). A slice over the 10 MB answer cap
    // is read again in halves (two parts); later slices keep the smaller size.
    const readRange = async (r0: number, r1: number): Promise<AnswerPart[]> => {
      try {
        return [{ r0, answer: await call('sheets.values.get', (t) => deps.api.valuesAnswer(t, spreadsheet, `${sheet.sheet_id}!A${r0 + 1}:${lastCol}${r1 + 1}`)) }]
      } catch (e) {
        if (!(e instanceof SourceError) || e.code !== 'too_large' || r0 === r1) throw e
        const mid = r0 + Math.floor((r1 - r0) / 2)
        size = Math.min(size, mid - r0 + 1)
        return [...(await readRange(r0, mid)), ...(await readRange(mid + 1, r1))]
      }
    }
    // Up to 8 slices in flight (each ≤ 5,000 rows, ~1 MB here): Feishu's 100 reads/s, not one
    // round trip after another, is then what bounds a large sheet.
    const window = Math.max(1, deps.inFlight ?? 8)
    // Columns of numbers shown zero-padded (an employee number 7123 formatted 000000 reads 007123):
    // found in the first rows read as shown; those columns are then read as shown too, narrowly, so
    // an ID is what the person sees, as the .xlsx reader keeps it (src/import/styles.ts).
    const shownRange = (r0: number, r1: number, c0: number, c1: number) =>
      call('sheets.values.get', (t) => deps.api.values(t, spreadsheet, `${sheet.sheet_id}!${columnName(c0)}${r0 + 1}:${columnName(c1)}${r1 + 1}`, true))
    const head = shownRange(0, Math.min(rows - 1, PADDED_PROBE_ROWS - 1), 0, cols - 1)
    head.catch(() => undefined)
    let padded: { c0: number; c1: number; cols: number[] } | null | undefined
    const pending: Array<{ r0: number; r1: number; read: Promise<AnswerPart[]>; shown?: Promise<unknown[][]> }> = []
    const withShown = (p: (typeof pending)[number]) => {
      if (!padded || p.shown) return
      p.shown = shownRange(p.r0, p.r1, padded.c0, padded.c1)
      p.shown.catch(() => undefined)
    }
    let next = 0
    // Slices in flight, and read but not yet passed on: a new read starts as soon as any read ends
    // (not only when the oldest was passed on, which let one slow answer hold the window half empty),
    // with at most 2 × window slices (~1 MB each) held at once.
    let inFlight = 0
    const fill = () => {
      while (!stopped && inFlight < window && pending.length < window * 2 && next < rows) {
        const r0 = next
        const r1 = Math.min(rows - 1, r0 + size - 1)
        next = r1 + 1
        inFlight++
        const read = readRange(r0, r1)
        // Awaited in order below; a later slice's failure must not go unhandled meanwhile.
        read.then(() => { inFlight--; fill() }, () => { inFlight-- })
        const entry = { r0, r1, read }
        withShown(entry)
        pending.push(entry)
      }
    }
    try {
      fill()
      while (pending.length) {
        // Held in `pending` until read, so it counts towards the slices held.
        const entry = pending[0]!
        const { r0, r1 } = entry
        const parts = await entry.read
        pending.shift()
        if (padded === undefined) {
          // A first read too large to show whole is no reason to fail the import: no padding is then found.
          padded = paddedColumns(probeRows(parts, r0), await head.catch((e: unknown) => { if (e instanceof SourceError && e.code === 'too_large') return []; throw e }))
          withShown(entry)
          for (const p of pending) withShown(p)
        }
        fill()
        const shown = padded && entry.shown ? await entry.shown : null
        for (const part of parts) {
          if (padded && shown) {
            // Only a slice with zero-padded IDs is parsed, to put the shown IDs in.
            const values = valuesOf(part.answer)
            overlay(values, shown.slice(part.r0 - r0), padded.cols, padded.c0)
            yield { type: 'rows', start: part.r0 + 1, rows: values.map((r) => (Array.isArray(r) ? trimRow(r) : [])) }
          } else yield { type: 'rows-answer', start: part.r0 + 1, answer: part.answer }
        }
        yield { type: 'progress', rowsRead: r1 + 1, totalRows: rows }
      }
    } finally {
      // A stopped reader (the browser went away) asks for no further slice; those in flight just end.
      pending.length = 0
      next = rows
    }
    yield { type: 'done', rowsRead: rows }
  }

  /**
   * Employee numbers of the people of these records (by user ID), asked of contact v3 in batches of 50
   * and kept for the read. A person Feishu does not give (outside the person's contact range, or the
   * batch refused) keeps no number: the cell then shows their name. A missing scope ends the read
   * with the scope named (every member would be unknown otherwise).
   */
  async function employeeNumbers(known: Map<string, string | null>, ids: Iterable<string>): Promise<void> {
    const missing = [...new Set(ids)].filter((id) => !known.has(id))
    for (let i = 0; i < missing.length; i += CONTACT_BATCH_MAX_IDS) {
      const chunk = missing.slice(i, i + CONTACT_BATCH_MAX_IDS)
      for (const id of chunk) known.set(id, null)
      try {
        const users = await call('contact.user.batch.minute', (t) => deps.pacer.schedule('contact.user.batch', () => deps.api.users(t, chunk)))
        for (const u of users) if (u.user_id && u.employee_no && known.has(u.user_id)) known.set(u.user_id, u.employee_no)
      } catch (e) {
        if (!(e instanceof SourceError) || !['no_access', 'not_found', 'rejected'].includes(e.code)) throw e
      }
    }
  }

  /**
   * `title`: the wiki page's title when the Base came through one (records search names no Base or
   * table). `people`: how person fields are written (PersonAs).
   */
  async function* readBase(appToken: string, tableId: string | null, viewId: string | null, title = '', people: PersonAs = 'email'): AsyncGenerator<SourceLine> {
    if (!tableId) throw new SourceError('part_not_found')
    const fields: BaseField[] = []
    let pageToken: string | undefined
    for (let i = 0; i < 50; i++) {
      const page = await call('bitable.field.list', (t) => deps.api.fields(t, appToken, tableId, viewId, pageToken))
      fields.push(...(page.items ?? []))
      if (!page.has_more || !page.page_token) break
      pageToken = page.page_token
    }
    if (fields.length > LIMITS.maxColumns) throw new SourceError('too_large')
    // People come by user ID when the target identifies them by user ID or employee number.
    const idType = people === 'email' ? 'open_id' : 'user_id'
    const fetchPage = (token?: string) => call('bitable.record.search', (t) => deps.api.records(t, appToken, tableId, viewId, BITABLE_SEARCH_MAX_PAGE, token, idType))
    const numbers = new Map<string, string | null>()
    const nameOf = (p: BasePerson) => (typeof p.name === 'string' ? p.name : '')
    const idOf = (p: BasePerson) => (typeof p.id === 'string' ? p.id : '')
    const person: PersonText = people === 'email' ? byEmail
      : people === 'user_id' ? (p) => idOf(p) || nameOf(p)
      : (p) => numbers.get(idOf(p)) || nameOf(p)
    let page = await fetchPage()
    const total = page.total ?? page.items?.length ?? 0
    if (total > LIMITS.maxRows) throw new SourceError('too_large')
    yield { type: 'meta', kind: 'base', title, part: viewId ? `${tableId} · ${viewId}` : tableId, totalRows: total + 1, columns: fields.length, merges: [] }
    yield { type: 'rows', start: 1, rows: [fields.map((f) => f.field_name)] }
    let rowsRead = 0
    // Pages follow page_token; the next page is asked for while this one goes to the browser.
    for (let n = 0; n < Math.ceil(LIMITS.maxRows / BITABLE_SEARCH_MAX_PAGE) + 1; n++) {
      const items = page.items ?? []
      const more = page.has_more && page.page_token ? fetchPage(page.page_token) : null
      more?.catch(() => undefined)
      if (people === 'employee_no') await employeeNumbers(numbers, items.flatMap((r) => fields.flatMap((f) => basePeopleIds(f.type, r.fields[f.field_name]))))
      const rows = items.map((r) => fields.map((f) => baseCell(f.type, r.fields[f.field_name], person)))
      yield { type: 'rows', start: 2 + rowsRead, rows: rows.map((r) => { let end = r.length; while (end > 0 && r[end - 1] === null) end--; return r.slice(0, end) }) }
      rowsRead += items.length
      yield { type: 'progress', rowsRead: rowsRead + 1, totalRows: Math.max(total, rowsRead) + 1 }
      if (!more) break
      page = await more
    }
    yield { type: 'done', rowsRead: rowsRead + 1 }
  }

  /** Every line of the document the link names (`people`: how Base person fields are written); failures are thrown as SourceError. */
  async function* read(link: FeishuDocLink, people: PersonAs = 'email'): AsyncGenerator<ReaderLine> {
    if (link.kind === 'sheet') { yield* readSheet(link.token, link.sheetId); return }
    if (link.kind === 'base') { yield* readBase(link.token, link.tableId, link.viewId, '', people); return }
    const node = await call('wiki.node.get', (t) => deps.api.wikiNode(t, link.token))
    if (node.obj_type === 'sheet') { yield* readSheet(node.obj_token, link.sheetId); return }
    if (node.obj_type === 'bitable') { yield* readBase(node.obj_token, link.tableId, link.viewId, node.title ?? '', people); return }
    throw new SourceError('not_a_sheet_or_table')
  }

  return { read, stop: () => { stopped = true } }
}
