import * as XLSX from '@e965/xlsx'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { COMMISSION_HEADER, COMMISSION_TITLE, DOC_TOKENS, commissionRows, serialOf, type SheetCell } from '../../server/sandbox/seed/documents'
import type { TargetSchema } from '../../src/domain/target'
import { FileError } from '../../src/import/errors'
import { ImportSession } from '../../src/import/session'
import { apiLabel } from '../../server/feishu/observed-http'
import { lastCallSeq, sandboxCalls, startStack } from './harness'

let stack: Awaited<ReturnType<typeof startStack>>
let schema: TargetSchema
beforeAll(async () => {
  stack = await startStack()
  const list = (await (await stack.signedIn('wangfang')).request('GET', '/api/payroll/datasources')).json.datasources as Array<{ code: string; schema: TargetSchema }>
  schema = list.find((d) => d.code === 'sales_commission__c')!.schema
})
afterAll(async () => { await stack.close() })

const ENDPOINT = '/api/sources/feishu/read'
const sheetLink = (token: string, sheet?: string) => `https://sandbox.feishu.cn/sheets/${token}${sheet ? `?sheet=${sheet}` : ''}`

/** The import worker's session, reading through the app's route with the person's cookie (as the browser's worker does). */
async function sessionAs(userId: string, opts: { cancelAfterRows?: number } = {}) {
  const c = await stack.signedIn(userId)
  let cancelled = false
  const progress: number[] = []
  const session = new ImportSession({
    progress: (p) => { progress.push(p.done); if (opts.cancelAfterRows && p.done >= opts.cancelAfterRows) cancelled = true },
    isCancelled: () => cancelled,
    fetch: ((url: string, init: RequestInit) => stack.app.request(`http://localhost${url}`, { ...init, headers: { ...(init.headers as Record<string, string>), Cookie: c.cookie } })) as typeof fetch,
  })
  return { session, progress }
}

async function failure(run: () => Promise<unknown>): Promise<FileError> {
  try { await run() } catch (e) { if (e instanceof FileError) return e; throw e }
  throw new Error('expected a FileError')
}

/** What the import sends for every row (the normalised values), after mapping as proposed. */
function sentValues(session: ImportSession, matches: Parameters<ImportSession['applyMapping']>[0]['matches']) {
  session.applyMapping({ matches })
  const { json } = session.exportValues({ includeInvalid: true })
  return JSON.parse(new TextDecoder().decode(json)) as Array<{ sheetRow: number; values: Record<string, unknown> }>
}

/** The same commission data as an .xlsx: merged title, header, numbers, formula value, dates as date cells. */
function commissionXlsx(): Uint8Array {
  const rows = commissionRows(stack.sandbox.state.employees)
  const aoa: unknown[][] = [[COMMISSION_TITLE], [...COMMISSION_HEADER], ...rows.map((r) => r.map((c: SheetCell) => (c && typeof c === 'object' ? ('v' in c ? c.v : 'd' in c ? c.d : c.n) : c)))]
  const ws = XLSX.utils.aoa_to_sheet(aoa)
  rows.forEach((r, i) => {
    const d = r[4] as { d: string }
    ws[XLSX.utils.encode_cell({ r: i + 2, c: 4 })] = { t: 'n', v: serialOf(d.d), z: 'yyyy/mm/dd' }
  })
  ws['!merges'] = [{ s: { r: 0, c: 0 }, e: { r: 0, c: 5 } }]
  const wb = XLSX.utils.book_new()
  XLSX.utils.book_append_sheet(wb, ws, '提成明细')
  return new Uint8Array(XLSX.write(wb, { type: 'array', bookType: 'xlsx' }) as ArrayBuffer)
}

describe('a pasted Feishu link as the rows of an import', () => {
  it('reads a Sheet with the person’s own token into the same values the same data gives from an .xlsx', async () => {
    const { session } = await sessionAs('wangfang')
    const opened = await session.openFeishu({ link: sheetLink(DOC_TOKENS.payrollSheet, DOC_TOKENS.payrollSheetId), endpoint: ENDPOINT, schema, saved: null })
    expect(opened.kind).toBe('feishu')
    expect(opened.sheet!.layout).toMatchObject({ headerRow: 1 })
    const fromFeishu = sentValues(session, opened.sheet!.proposal.matches)

    const file = new ImportSession({ progress: () => undefined, isCancelled: () => false })
    const bytes = commissionXlsx()
    const fromFile = await file.open({ file: new Blob([bytes.slice().buffer]), fileName: 'commission.xlsx', schema, saved: null })
    const fromXlsx = sentValues(file, fromFile.sheet!.proposal.matches)

    expect(fromFeishu.length).toBe(9)
    expect(fromFeishu).toEqual(fromXlsx)
    // The formula cell arrives as its value; the dates as the day the person sees.
    expect(fromFeishu[2]!.values).toMatchObject({ commission_amount__c: '752.50', settle_date__c: '2024-10-07' })
  })

  it('reads a merged two-row header the way the .xlsx reader reads the same sheet', async () => {
    const { session } = await sessionAs('zhangwei')
    const fromFeishu = (await session.openFeishu({ link: sheetLink(DOC_TOKENS.oddSheet, 'odd001'), endpoint: ENDPOINT, schema, saved: null })).sheet!
    const sheet = stack.sandbox.state.documents.spreadsheets.get(DOC_TOKENS.oddSheet)!.sheets[0]!
    const ws: XLSX.WorkSheet = {}
    for (let r = 0; r < sheet.rowCount; r++) {
      for (let c = 0; c < sheet.columnCount; c++) {
        const v = sheet.cell(r, c)
        if (v === null) continue
        const at = XLSX.utils.encode_cell({ r, c })
        if (typeof v === 'object') ws[at] = 'd' in v ? { t: 'n', v: serialOf(v.d), z: 'yyyy/mm/dd' } : 'f' in v ? { t: 'n', v: v.v, f: v.f.slice(1) } : { t: 'n', v: v.n, z: v.fmt }
        else ws[at] = typeof v === 'number' ? { t: 'n', v } : typeof v === 'boolean' ? { t: 'b', v } : { t: 's', v }
      }
    }
    ws['!ref'] = XLSX.utils.encode_range({ s: { r: 0, c: 0 }, e: { r: sheet.rowCount - 1, c: sheet.columnCount - 1 } })
    ws['!merges'] = sheet.merges.map((m) => ({ s: { r: m.start_row_index, c: m.start_column_index }, e: { r: m.end_row_index, c: m.end_column_index } }))
    const wb = XLSX.utils.book_new()
    XLSX.utils.book_append_sheet(wb, ws, sheet.title)
    const bytes = new Uint8Array(XLSX.write(wb, { type: 'array', bookType: 'xlsx' }) as ArrayBuffer)
    const file = new ImportSession({ progress: () => undefined, isCancelled: () => false })
    const fromXlsx = (await file.open({ file: new Blob([bytes.slice().buffer]), fileName: 'odd.xlsx', schema, saved: null })).sheet!
    expect(fromFeishu.layout).toEqual(fromXlsx.layout)
    expect(fromFeishu.head).toEqual(fromXlsx.head)
    expect(fromFeishu.proposal.matches).toEqual(fromXlsx.proposal.matches)
  })

  it('finds the sheet a wiki page holds and reads the same rows', async () => {
    const { session } = await sessionAs('lina')
    const opened = await session.openFeishu({ link: `https://sandbox.feishu.cn/wiki/${DOC_TOKENS.wikiPayroll}`, endpoint: ENDPOINT, schema, saved: null })
    expect(opened.sheet!.rowCount).toBe(9)
  })

  it('tells a person the document was not shared with them, and reads nothing', async () => {
    const since = await lastCallSeq(stack.sandbox.url)
    const { session } = await sessionAs('liuyang')
    const e = await failure(() => session.openFeishu({ link: sheetLink(DOC_TOKENS.payrollSheet), endpoint: ENDPOINT, schema, saved: null }))
    expect(e.code).toBe('feishu_no_access')
    const calls = await sandboxCalls(stack.sandbox.url, { sinceSeq: since })
    expect(calls.filter((c) => c.api === 'sheets.values.get')).toHaveLength(0)
    expect(calls.filter((c) => c.api.startsWith('sheets.')).every((c) => c.user === 'liuyang' && c.code === 1310213)).toBe(true)
  })

  it('says which link is not a sheet or table, which document is gone, and which is not a link', async () => {
    const { session } = await sessionAs('wangfang')
    expect((await failure(() => session.openFeishu({ link: `https://sandbox.feishu.cn/wiki/${DOC_TOKENS.wikiDoc}`, endpoint: ENDPOINT, schema, saved: null }))).code).toBe('feishu_not_a_sheet_or_table')
    expect((await failure(() => session.openFeishu({ link: sheetLink(DOC_TOKENS.deletedSheet), endpoint: ENDPOINT, schema, saved: null }))).code).toBe('feishu_not_found')
    expect((await failure(() => session.openFeishu({ link: 'https://example.com/sheets/abcdefgh', endpoint: ENDPOINT, schema, saved: null }))).code).toBe('feishu_not_a_link')
    expect((await failure(() => session.openFeishu({ link: sheetLink(DOC_TOKENS.payrollSheet, 'nosuch'), endpoint: ENDPOINT, schema, saved: null }))).code).toBe('feishu_part_not_found')
  })

  it('reads a merged two-row header, keeps numbers typed as text, and reads a protected sheet (protection limits editing, not reading)', async () => {
    const { session } = await sessionAs('zhangwei')
    const opened = await session.openFeishu({ link: sheetLink(DOC_TOKENS.oddSheet, 'odd001'), endpoint: ENDPOINT, schema, saved: null })
    expect(opened.sheet!.layout).toMatchObject({ headerRow: 0, depth: 2 })
    expect(opened.sheet!.head[2]).toEqual(['FS00001', '王芳', '22', '21', '2021-03-15', '007123'])
    // 456 shown through the format 000000 is the ID the person sees, as in an .xlsx.
    expect(opened.sheet!.head[3]?.[5]).toBe('000456')
    const empty = await failure(async () => (await sessionAs('zhangwei')).session.openFeishu({ link: sheetLink(DOC_TOKENS.oddSheet, 'odd002'), endpoint: ENDPOINT, schema, saved: null }))
    expect(empty.code).toBe('sheet_empty')
    const prot = await (await sessionAs('zhangwei')).session.openFeishu({ link: sheetLink(DOC_TOKENS.oddSheet, 'odd003'), endpoint: ENDPOINT, schema, saved: null })
    expect(prot.sheet!.rowCount).toBe(2)
  })

  it('reads a sheet larger than one read in slices within Feishu’s limits, showing rows read', async () => {
    const since = await lastCallSeq(stack.sandbox.url)
    const { session, progress } = await sessionAs('wangfang')
    const opened = await session.openFeishu({ link: sheetLink(DOC_TOKENS.bigSheet), endpoint: ENDPOINT, schema, saved: null })
    expect(opened.sheet!.rowCount).toBe(100_000)
    const reads = (await sandboxCalls(stack.sandbox.url, { sinceSeq: since, api: 'sheets.values.get' }))
    expect(reads.length).toBeGreaterThanOrEqual(20)
    expect(reads.every((c) => c.code === 0)).toBe(true)
    expect(progress.length).toBeGreaterThan(1)
  }, 120_000)

  it('stops asking Feishu for slices once the person cancels', async () => {
    const since = await lastCallSeq(stack.sandbox.url)
    const { session } = await sessionAs('wangfang', { cancelAfterRows: 5000 })
    await expect(session.openFeishu({ link: sheetLink(DOC_TOKENS.bigSheet), endpoint: ENDPOINT, schema, saved: null })).rejects.toThrow('cancelled')
    await new Promise((ok) => setTimeout(ok, 500))
    const reads = await sandboxCalls(stack.sandbox.url, { sinceSeq: since, api: 'sheets.values.get' })
    expect(reads.length).toBeLessThan(20)
  }, 60_000)

  it('follows a Base table’s pages of 500 records, and a view’s records only', async () => {
    const since = await lastCallSeq(stack.sandbox.url)
    const base = `https://sandbox.feishu.cn/base/${DOC_TOKENS.payrollBase}?table=${DOC_TOKENS.pagingBaseTable}`
    const all = await (await sessionAs('wangfang')).session.openFeishu({ link: base, endpoint: ENDPOINT, schema, saved: null })
    expect(all.sheet!.rowCount).toBe(1234)
    const pages = await sandboxCalls(stack.sandbox.url, { sinceSeq: since, api: 'bitable.record.search' })
    expect(pages).toHaveLength(3)
    const view = await (await sessionAs('wangfang')).session.openFeishu({ link: `${base}&view=${DOC_TOKENS.salesView}`, endpoint: ENDPOINT, schema, saved: null })
    expect(view.sheet!.rowCount).toBe(1111)
  })

  it('finds the Base a wiki page holds, named by the page', async () => {
    const { session } = await sessionAs('lina')
    const opened = await session.openFeishu({ link: `https://sandbox.feishu.cn/wiki/${DOC_TOKENS.wikiBase}?table=${DOC_TOKENS.payrollBaseTable}`, endpoint: ENDPOINT, schema, saved: null })
    expect(opened.fileName).toBe(`提成台账 · ${DOC_TOKENS.payrollBaseTable}`)
    expect(opened.sheet!.rowCount).toBe(8)
    const noTable = await failure(async () => (await sessionAs('lina')).session.openFeishu({ link: `https://sandbox.feishu.cn/base/${DOC_TOKENS.payrollBase}`, endpoint: ENDPOINT, schema, saved: null }))
    expect(noTable.code).toBe('feishu_part_not_found')
  })

  it('maps Base field types to the same values as the Sheet: numbers, dates from timestamps, single select, people as their work email', async () => {
    const { session } = await sessionAs('wangfang')
    const opened = await session.openFeishu({ link: `https://sandbox.feishu.cn/base/${DOC_TOKENS.payrollBase}?table=${DOC_TOKENS.payrollBaseTable}`, endpoint: ENDPOINT, schema, saved: null })
    const fromBase = sentValues(session, opened.sheet!.proposal.matches)
    const other = (await sessionAs('wangfang')).session
    const sheet = await other.openFeishu({ link: sheetLink(DOC_TOKENS.payrollSheet), endpoint: ENDPOINT, schema, saved: null })
    const fromSheet = sentValues(other, sheet.sheet!.proposal.matches)
    // The Base has no title row, so its rows sit one sheet row higher; the values are the same.
    expect(fromBase.map((r) => r.values)).toEqual(fromSheet.slice(0, 8).map((r) => r.values))
    expect(fromBase).toHaveLength(8)
    expect(fromBase[2]!.values).toMatchObject({ commission_amount__c: '752.50', deals_closed__c: '5', settle_date__c: '2024-10-07' })
    expect(opened.sheet!.head[1]![6]).toMatch(/@corp\.example\.com$/)
    // A person field gives the work email, which the payroll resolver turns into the employment.
    const c = await stack.signedIn('wangfang')
    const emails = opened.sheet!.head.slice(1, 9).map((r) => String(r[6]))
    const resolved = await c.request('POST', '/api/payroll/resolve', { by: 'work_email', values: emails })
    const people = stack.sandbox.state.employees.filter((e) => emails.includes(e.email))
    const results = resolved.json.results as Record<string, { status: string; employment_id?: string }>
    for (const e of people) expect(results[e.email]).toMatchObject({ status: 'found', employment_id: e.employment_id })
    expect(people).toHaveLength(8)
  })
})

describe('a Base person field as an attendance member', () => {
  const link = `https://sandbox.feishu.cn/base/${DOC_TOKENS.attendanceBase}?table=${DOC_TOKENS.attendanceBaseTable}`
  /** The attendance report's import schema (as the app's attendance page gets it) for this member identity. */
  async function attendanceSchema(employeeType: 'employee_id' | 'employee_no'): Promise<TargetSchema> {
    const res = await (await stack.signedIn('zhangwei')).request('GET', `/api/attendance/rules/1/fields?month=202409&employee_type=${employeeType}`)
    return res.json.schema as TargetSchema
  }
  /** The member column of every row read (the Base's first column), and the rows' day counts. */
  async function members(employeeType: 'employee_id' | 'employee_no') {
    const { session } = await sessionAs('zhangwei')
    const opened = await session.openFeishu({ link, endpoint: ENDPOINT, schema: await attendanceSchema(employeeType), saved: null })
    // head: the first rows as the review grid shows them (text).
    return opened.sheet!.head.slice(1).map((r) => [r[0], r[2]])
  }
  const hrPeople = () => stack.sandbox.state.employees.filter((e) => e.department === 'HR' && e.status === 'hired' && !e.persona).slice(0, 5)

  it('writes each person as the report identifies members: user ID, or employee number asked of the contact directory', async () => {
    const since = await lastCallSeq(stack.sandbox.url)
    expect(await members('employee_id')).toEqual([...hrPeople().map((e, i) => [e.user_id, String(22 - (i % 3))]), ['外部顾问', '20']])
    expect(await sandboxCalls(stack.sandbox.url, { sinceSeq: since, api: 'contact.user.batch' })).toHaveLength(0)
    expect(await members('employee_no')).toEqual([...hrPeople().map((e, i) => [e.employee_no, String(22 - (i % 3))]), ['外部顾问', '20']])
    // One batch for the six people; the one outside the directory keeps their name (an unknown member at upload).
    expect(await sandboxCalls(stack.sandbox.url, { sinceSeq: since, api: 'contact.user.batch' })).toHaveLength(1)
  })

  it('names the contact permission the app lacks instead of writing names as members', async () => {
    const before = stack.sandbox.state.knobs.appScopes
    const { session } = await sessionAs('zhangwei')
    const schema = await attendanceSchema('employee_no')
    stack.sandbox.setKnobs({ appScopes: before.filter((x) => x !== 'contact:contact.base:readonly') })
    try {
      const e = await failure(() => session.openFeishu({ link, endpoint: ENDPOINT, schema, saved: null }))
      expect(e.code).toBe('feishu_scope_missing')
      expect(String(e.params.scopes)).toContain('contact:contact.base:readonly')
    } finally {
      stack.sandbox.setKnobs({ appScopes: before })
    }
  })

  it('leaves payroll’s people as their work email', async () => {
    const { session } = await sessionAs('zhangwei')
    const opened = await session.openFeishu({ link, endpoint: ENDPOINT, schema: { ...schema, people: undefined }, saved: null })
    expect(opened.sheet!.head[1]![0]).toBe(hrPeople()[0]!.email)
  })
})

describe('Feishu’s limits and refusals while reading', () => {
  it('reads a slice over the answer cap again in halves, and gets every row', async () => {
    stack.sandbox.setKnobs({ sheetValuesMaxBytes: 400 })
    try {
      const since = await lastCallSeq(stack.sandbox.url)
      const { session } = await sessionAs('wangfang')
      const opened = await session.openFeishu({ link: sheetLink(DOC_TOKENS.payrollSheet), endpoint: ENDPOINT, schema, saved: null })
      expect(opened.sheet!.rowCount).toBe(9)
      const reads = await sandboxCalls(stack.sandbox.url, { sinceSeq: since, api: 'sheets.values.get' })
      expect(reads.some((c) => c.code === 1310221)).toBe(true)
      expect(reads.filter((c) => c.code === 0).length).toBeGreaterThan(1)
    } finally {
      stack.sandbox.setKnobs({ sheetValuesMaxBytes: 10 * 1024 * 1024 })
    }
  })

  it('refuses a sheet over what an import takes from its size alone, and a row over Feishu’s answer cap, reading nothing more', async () => {
    const since = await lastCallSeq(stack.sandbox.url)
    const { session } = await sessionAs('wangfang')
    expect((await failure(() => session.openFeishu({ link: sheetLink(DOC_TOKENS.hugeSheet), endpoint: ENDPOINT, schema, saved: null }))).code).toBe('feishu_too_large')
    expect(await sandboxCalls(stack.sandbox.url, { sinceSeq: since, api: 'sheets.values.get' })).toHaveLength(0)
    stack.sandbox.setKnobs({ sheetValuesMaxBytes: 20 })
    try {
      expect((await failure(async () => (await sessionAs('wangfang')).session.openFeishu({ link: sheetLink(DOC_TOKENS.payrollSheet), endpoint: ENDPOINT, schema, saved: null }))).code).toBe('feishu_too_large')
    } finally {
      stack.sandbox.setKnobs({ sheetValuesMaxBytes: 10 * 1024 * 1024 })
    }
  })

  it('names the document permission the app lacks in the developer console', async () => {
    const before = stack.sandbox.state.knobs.appScopes
    // Signed in while it was enabled; switched off in the console since.
    const { session } = await sessionAs('wangfang')
    stack.sandbox.setKnobs({ appScopes: before.filter((x) => !x.startsWith('sheets:')) })
    try {
      const e = await failure(() => session.openFeishu({ link: sheetLink(DOC_TOKENS.payrollSheet), endpoint: ENDPOINT, schema, saved: null }))
      expect(e.code).toBe('feishu_scope_missing')
      expect(String(e.params.scopes)).toContain('sheets:spreadsheet:readonly')
    } finally {
      stack.sandbox.setKnobs({ appScopes: before })
    }
  })

  it('explains a range Feishu refuses as protected', async () => {
    stack.sandbox.setKnobs({ sheetLockedFor: ['wangfang'] })
    try {
      const { session } = await sessionAs('wangfang')
      expect((await failure(() => session.openFeishu({ link: sheetLink(DOC_TOKENS.payrollSheet), endpoint: ENDPOINT, schema, saved: null }))).code).toBe('feishu_protected')
    } finally {
      stack.sandbox.setKnobs({ sheetLockedFor: [] })
    }
  })

  it('rides out a passing rate limit and a refused token mid-read', async () => {
    stack.sandbox.setKnobs({ failNext: [{ api: 'sheets.values.get', kind: 'rateLimit429' }, { api: 'sheets.values.get', kind: 'tokenExpired' }] })
    const { session } = await sessionAs('wangfang')
    const opened = await session.openFeishu({ link: sheetLink(DOC_TOKENS.payrollSheet), endpoint: ENDPOINT, schema, saved: null })
    expect(opened.sheet!.rowCount).toBe(9)
  })
})

describe('what the server logs and counts about a read', () => {
  it('labels document calls without their tokens or ranges', () => {
    expect(apiLabel('/open-apis/sheets/v2/spreadsheets/shtcnAbc/values/a1b2c3!A1%3AF11')).toBe('sheets/v2/spreadsheets/:id/values/:id')
    expect(apiLabel('/open-apis/bitable/v1/apps/bascnX/tables/tblY/records/search')).toBe('bitable/v1/apps/:id/tables/:id/records/search')
    expect(apiLabel('/open-apis/payroll/v1/datasource_records/save')).toBe('payroll/v1/datasource_records/save')
  })

  it('never puts the pasted link in a log line', () => {
    expect(stack.logs.join('\n')).not.toContain('shtcnSalesCommission202409')
  })
})
