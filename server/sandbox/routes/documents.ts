// Reading Feishu documents with a person's token (issue 17): sheets v3 metadata, v2 value ranges,
// wiki get_node, Base fields and records search. Who may read what is in seed/documents.ts; the
// contracts relied on are listed in server/sandbox/README.md "Documents".
import { APIS } from '../platform/apis'
import { FeishuError, ok } from '../platform/envelope'
import { mountApi, registerRoute, type ApiContext, type SandboxApp } from '../platform/pipeline'
import { idOfType, userIdTypeOf } from '../platform/user-ids'
import { documentLinks, documentsPage } from '../pages/documents'
import { decodePageToken, encodePageToken, parseIntParam } from '../platform/params'
import { canRead, serialOf, type SandboxBase, type SandboxSheet, type SandboxSpreadsheet, type SheetCell } from '../seed/documents'
import type { SandboxState } from '../state'

const who = (ctx: ApiContext): string | null => (ctx.principal?.kind === 'user' ? ctx.principal.userId : null)

// Sheets error codes (the cloud-docs error table lists them as 902xx; the current per-API tables
// as 13102xx — the sandbox answers the latter). HTTP statuses are the sandbox's pick (UNCONFIRMED).
const SHEET_FORBIDDEN = () => new FeishuError(403, 1310213, 'permission fail')
const SHEET_NOT_FOUND = () => new FeishuError(404, 1310214, 'spreadsheet not found')
const SHEET_ID_NOT_FOUND = () => new FeishuError(404, 1310215, 'sheetId not found')
const TOO_LARGE = () => new FeishuError(400, 1310221, 'too large response')
const WRONG_RANGE = (d: string) => new FeishuError(400, 1310202, `wrong range: ${d}`)

function spreadsheetFor(ctx: ApiContext, token: string): SandboxSpreadsheet {
  const s = ctx.state.documents.spreadsheets.get(token)
  // A document someone without access asks about answers "no permission" whether it exists or not
  // only when it does exist; an unknown token is "not found" (Feishu does not hide existence here).
  if (!s || s.deleted) throw SHEET_NOT_FOUND()
  if (!canRead(s.readers, who(ctx)) && ctx.principal?.kind === 'user') throw SHEET_FORBIDDEN()
  if (ctx.principal?.kind === 'tenant') throw SHEET_FORBIDDEN() // the app itself was never shared these documents
  return s
}

/** A date as Feishu shows it in the cell's format (yyyy/MM/dd or yyyy-MM-dd). */
function showDate(iso: string, fmt = 'yyyy/MM/dd'): string {
  const [y, m, d] = iso.split('-')
  return fmt.replace('yyyy', y!).replace('MM', m!).replace('dd', d!)
}

function showNumber(n: number, fmt: string): string {
  if (/^0+$/.test(fmt)) return String(Math.round(n)).padStart(fmt.length, '0')
  const places = /\.(0+)/.exec(fmt)?.[1]?.length ?? 0
  const text = n.toFixed(places)
  return fmt.includes(',') ? text.replace(/\B(?=(\d{3})+(?!\d))/, ',') : text
}

type RenderOption = 'ToString' | 'FormattedValue' | 'Formula' | 'UnformattedValue'

/**
 * One cell as valueRenderOption / dateTimeRenderOption ask (读取单个范围): ToString plain text
 * (numbers stay numbers), FormattedValue as shown, Formula the formula of a formula cell,
 * UnformattedValue computed but not formatted; dates are serial numbers unless
 * dateTimeRenderOption=FormattedString, which gives them as shown.
 */
export function renderCell(cell: SheetCell, opt: RenderOption, datesFormatted: boolean): unknown {
  if (cell === null || typeof cell !== 'object') return cell
  if ('d' in cell) {
    if (opt === 'FormattedValue' || opt === 'ToString' || datesFormatted) return showDate(cell.d, cell.fmt)
    return serialOf(cell.d)
  }
  if ('f' in cell) {
    if (opt === 'Formula') return cell.f
    return typeof cell.v === 'number' && opt === 'FormattedValue' ? String(cell.v) : cell.v
  }
  return opt === 'FormattedValue' ? showNumber(cell.n, cell.fmt) : cell.n
}

const colIndex = (letters: string) => [...letters.toUpperCase()].reduce((n, ch) => n * 26 + ch.charCodeAt(0) - 64, 0) - 1
const colLetters = (i: number): string => { let s = ''; for (let n = i + 1; n > 0; n = Math.floor((n - 1) / 26)) s = String.fromCharCode(65 + ((n - 1) % 26)) + s; return s }

/** `<sheetId>!A1:F100`, `<sheetId>!A:F` or `<sheetId>` (the whole sheet). */
function parseRange(range: string, sheets: SandboxSheet[]): { sheet: SandboxSheet; r0: number; r1: number; c0: number; c1: number } {
  const [sheetId, cells] = range.split('!') as [string, string | undefined]
  const sheet = sheets.find((s) => s.sheet_id === sheetId)
  if (!sheet) throw SHEET_ID_NOT_FOUND()
  if (cells === undefined) return { sheet, r0: 0, r1: sheet.rowCount - 1, c0: 0, c1: sheet.columnCount - 1 }
  const m = /^([A-Za-z]{1,3})(\d{0,7}):([A-Za-z]{1,3})(\d{0,7})$/.exec(cells)
  if (!m) throw WRONG_RANGE(cells)
  const r0 = m[2] ? Number(m[2]) - 1 : 0
  const r1 = m[4] ? Number(m[4]) - 1 : sheet.rowCount - 1
  const c0 = colIndex(m[1]!)
  const c1 = colIndex(m[3]!)
  if (r0 < 0 || r1 < r0 || c1 < c0) throw WRONG_RANGE(cells)
  return { sheet, r0, r1: Math.min(r1, sheet.rowCount - 1), c0, c1: Math.min(c1, sheet.columnCount - 1) }
}

function sheetJson(s: SandboxSheet, index: number) {
  return {
    sheet_id: s.sheet_id, title: s.title, index, hidden: s.hidden ?? false, resource_type: 'sheet',
    grid_properties: { frozen_row_count: 0, frozen_column_count: 0, row_count: s.rowCount, column_count: s.columnCount },
    merges: s.merges,
  }
}

function baseFor(ctx: ApiContext, appToken: string, tableId: string): { base: SandboxBase; table: SandboxBase['tables'][number] } {
  const base = ctx.state.documents.bases.get(appToken)
  if (!base || base.deleted) throw new FeishuError(404, 1254040, 'BaseTokenNotFound')
  if (ctx.principal?.kind !== 'user' || !canRead(base.readers, who(ctx))) throw new FeishuError(403, 1254302, 'Permission denied.')
  const table = base.tables.find((t) => t.table_id === tableId)
  if (!table) throw new FeishuError(404, 1254041, 'TableIdNotFound')
  return { base, table }
}

function pageOf(ctx: ApiContext, token: string | undefined, max: number, fallback: number): { offset: number; size: number } {
  const offset = decodePageToken(token)
  if (offset === null) throw new FeishuError(400, ctx.spec.paramInvalid.code, 'page_token invalid')
  const raw = ctx.c.req.query('page_size')
  const size = raw === undefined ? fallback : parseIntParam(raw)
  if (size === undefined || size < 1 || size > max) throw new FeishuError(400, ctx.spec.paramInvalid.code, `page_size must be 1…${max}`)
  return { offset, size }
}

export function mountDocumentRoutes(app: SandboxApp, state: SandboxState): void {
  mountApi(app, state, APIS['sheets.spreadsheet.get'], (ctx) => {
    const s = spreadsheetFor(ctx, ctx.c.req.param('spreadsheet_token') ?? '')
    const owner = ctx.state.byUserId.get(s.owner)
    return ok({ spreadsheet: { title: s.title, owner_id: owner?.open_id ?? '', token: s.token, url: `https://sandbox.feishu.cn/sheets/${s.token}` } })
  })

  mountApi(app, state, APIS['sheets.sheet.query'], (ctx) => {
    const s = spreadsheetFor(ctx, ctx.c.req.param('spreadsheet_token') ?? '')
    return ok({ sheets: s.sheets.map(sheetJson) })
  })

  mountApi(app, state, APIS['sheets.values.get'], (ctx) => {
    const s = spreadsheetFor(ctx, ctx.c.req.param('spreadsheet_token') ?? '')
    const rangeText = decodeURIComponent(ctx.c.req.param('range') ?? '')
    const { sheet, r0, r1, c0, c1 } = parseRange(rangeText, s.sheets)
    const optRaw = ctx.c.req.query('valueRenderOption') ?? 'ToString'
    if (!['ToString', 'FormattedValue', 'Formula', 'UnformattedValue'].includes(optRaw)) throw new FeishuError(400, 1310202, 'valueRenderOption invalid')
    const datesFormatted = ctx.c.req.query('dateTimeRenderOption') === 'FormattedString'
    // UNCONFIRMED when Feishu refuses a read with LockedCell; a knob lets tests see the app explain it.
    if (who(ctx) && ctx.state.knobs.sheetLockedFor.includes(who(ctx)!)) throw new FeishuError(400, 1310218, 'locked cell')
    const maxBytes = ctx.state.knobs.sheetValuesMaxBytes
    const values: unknown[][] = []
    let bytes = 0
    for (let r = r0; r <= r1; r++) {
      const row: unknown[] = []
      for (let c = c0; c <= c1; c++) {
        const v = renderCell(sheet.cell(r, c), optRaw as RenderOption, datesFormatted)
        row.push(v)
        // The answer's JSON size, estimated per cell (UTF-8 worst case for text) without building it twice.
        bytes += typeof v === 'string' ? v.length * 3 + 3 : v === null ? 5 : 22
      }
      // The documented 10 MB cap on one answer: the caller reads a smaller range.
      if (bytes > maxBytes) throw TOO_LARGE()
      values.push(row)
    }
    const range = `${sheet.sheet_id}!${colLetters(c0)}${r0 + 1}:${colLetters(c1)}${r1 + 1}`
    return ok({ revision: 1, spreadsheetToken: s.token, valueRange: { majorDimension: 'ROWS', range, revision: 1, values } })
  })

  // wiki get_node: the node's document (obj_token / obj_type); a docs token may be asked with its obj_type.
  mountApi(app, state, APIS['wiki.node.get'], (ctx) => {
    const token = ctx.c.req.query('token') ?? ''
    const objType = ctx.c.req.query('obj_type') ?? 'wiki'
    const node = objType === 'wiki'
      ? ctx.state.documents.wiki.get(token)
      : [...ctx.state.documents.wiki.values()].find((n) => n.obj_token === token && n.obj_type === objType)
    if (!node) throw new FeishuError(404, 131005, 'not found')
    if (ctx.principal?.kind !== 'user' || !canRead(node.readers, who(ctx))) throw new FeishuError(403, 131006, 'permission denied')
    return ok({ node: { space_id: '7034502641455497244', node_token: node.node_token, obj_token: node.obj_token, obj_type: node.obj_type, parent_node_token: '', node_type: 'origin', origin_node_token: node.node_token, title: node.title, has_child: false } })
  })

  mountApi(app, state, APIS['bitable.field.list'], (ctx) => {
    const { table } = baseFor(ctx, ctx.c.req.param('app_token') ?? '', ctx.c.req.param('table_id') ?? '')
    const viewId = ctx.c.req.query('view_id')
    if (viewId && !table.views.some((v) => v.view_id === viewId)) throw new FeishuError(404, 1254042, 'ViewIdNotFound')
    const { offset, size } = pageOf(ctx, ctx.c.req.query('page_token'), 100, 20)
    const items = table.fields.slice(offset, offset + size).map((f) => ({ ...f, property: f.property ?? null, is_primary: f.is_primary ?? false }))
    const more = offset + size < table.fields.length
    return ok({ has_more: more, ...(more ? { page_token: encodePageToken(offset + size) } : {}), total: table.fields.length, items })
  })

  mountApi(app, state, APIS['bitable.record.search'], (ctx) => {
    const { table } = baseFor(ctx, ctx.c.req.param('app_token') ?? '', ctx.c.req.param('table_id') ?? '')
    const viewId = typeof ctx.body.view_id === 'string' ? ctx.body.view_id : undefined
    if (viewId && !table.views.some((v) => v.view_id === viewId)) throw new FeishuError(404, 1254042, 'ViewIdNotFound')
    // 查询记录: page_size ≤ 500 (default 20), page_token from the previous page.
    const { offset, size } = pageOf(ctx, ctx.c.req.query('page_token'), 500, 20)
    const rows = viewId ? table.records.filter((r) => r.views.includes(viewId)) : table.records
    // People (人员, 创建人, 修改人) are stored by open_id and given by the user_id_type asked (default open_id).
    const idType = userIdTypeOf(ctx)
    const peopleFields = new Set(table.fields.filter((f) => f.type === 11 || f.type === 1003 || f.type === 1004).map((f) => f.field_name))
    const person = (p: unknown) => {
      const o = p as { id?: string }
      const e = typeof o?.id === 'string' ? ctx.state.byOpenId.get(o.id) : undefined
      if (e) return { ...o, id: idOfType(e, idType) }
      // Someone outside the directory has no id of the kind asked: given without one (UNCONFIRMED).
      const { id: _open, ...rest } = o as Record<string, unknown>
      return rest
    }
    const fieldsOf = (fields: Record<string, unknown>) => idType === 'open_id' || peopleFields.size === 0 ? fields
      : Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, peopleFields.has(k) && Array.isArray(v) ? v.map(person) : v]))
    const items = rows.slice(offset, offset + size).map((r) => ({ record_id: r.record_id, fields: fieldsOf(r.fields) }))
    const more = offset + size < rows.length
    return ok({ has_more: more, ...(more ? { page_token: encodePageToken(offset + size) } : {}), total: rows.length, items })
  })

  // Sandbox-only: the documents to paste into the app (never on real Feishu).
  registerRoute(app, 'GET', '/sandbox/documents')
  app.get('/sandbox/documents', (c) => {
    const user = c.req.query('user')
    return c.html(documentsPage(state, c.req.query('lang') === 'en-US' ? 'en-US' : 'zh-CN', user && state.byUserId.has(user) ? user : null))
  })
  registerRoute(app, 'GET', '/sandbox/documents.json')
  app.get('/sandbox/documents.json', (c) => c.json({ documents: documentLinks(state) }))
}
