import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { PayrollDatasource } from '../../src/api/payroll'
import type { CellValue } from '../../src/domain/target'
import { diffRecords, fileSchema, identifiersToResolve, prepareRecords, type EmployeeResolution, type ExportedRow, type IdentifyBy } from '../../src/domain/payroll-diff'
import { ImportSession } from '../../src/import/session'
import { openXlsx, readSheet } from '../../src/import/xlsx-read'
import { sandboxEmployees, setKnobs, type SandboxEmployee } from './harness'
import { api, signIn, startReal, type RealServer } from './real-server'

// The template pre-filled with Feishu's current values (issue 16), over real HTTP against the
// sandbox: downloaded, read by the app's own import reader, compared as the app compares — an
// untouched file is all unchanged.

const SOURCE = 'sales_commission__c'
const PERIOD = '2024-09'
let server: RealServer
let wangfang: string
let datasource: PayrollDatasource
let everyone: SandboxEmployee[]
beforeAll(async () => {
  server = await startReal()
  wangfang = await signIn(server, 'wangfang')
  datasource = ((await api(server, 'GET', '/api/payroll/datasources', wangfang)).json.datasources as PayrollDatasource[]).find((d) => d.code === SOURCE)!
  everyone = await sandboxEmployees(server.sandbox, { limit: 1000 })
}, 60_000)
afterAll(async () => { await server.close() })

async function download(cookie: string, body: Record<string, unknown>): Promise<Response> {
  return fetch(`${server.url}/api/payroll/prefilled.xlsx`, {
    method: 'POST', headers: { 'X-Requested-With': 'XMLHttpRequest', 'Content-Type': 'application/json', Cookie: cookie },
    body: JSON.stringify({ source_code: SOURCE, payroll_period: PERIOD, locale: 'en-US', ...body }),
  })
}

async function sheetRows(bytes: Uint8Array, sheet: number): Promise<CellValue[][]> {
  const { store } = await readSheet(await openXlsx(new Blob([bytes.slice().buffer])), sheet)
  const out: CellValue[][] = []
  for (let r = 0; r < store.rowCount; r++) out.push(store.row(r))
  return out
}

/** What the payroll page does with a file: read, map, export, resolve, read Feishu, diff. */
async function compareAsTheApp(cookie: string, bytes: Uint8Array, by: IdentifyBy) {
  const session = new ImportSession({ progress: () => undefined, isCancelled: () => false })
  const schema = fileSchema(datasource.schema, by)
  const opened = await session.open({ file: new Blob([bytes.slice().buffer]), fileName: 'prefilled.xlsx', schema, saved: null })
  const sheet = opened.sheet ?? await session.chooseSheet({ index: 0 })
  // Our own template maps itself exactly: no mapping step.
  expect(sheet.proposal.allExact).toBe(true)
  const summary = session.applyMapping({ matches: sheet.proposal.matches })
  const rows = JSON.parse(new TextDecoder().decode(session.exportValues({ includeInvalid: false }).json)) as ExportedRow[]
  let resolutions: Record<string, EmployeeResolution> = {}
  if (by !== 'employment_id') {
    const res = await api(server, 'POST', '/api/payroll/resolve', cookie, { by, values: identifiersToResolve(rows, by) })
    expect(res.status).toBe(200)
    resolutions = res.json.results as Record<string, EmployeeResolution>
  }
  const { records, excluded } = prepareRecords(rows, by, resolutions, datasource.schema)
  const read = await api(server, 'POST', '/api/payroll/period-records', cookie, { source_code: SOURCE, payroll_period: PERIOD })
  expect(read.status).toBe(200)
  expect(read.json.cursor).toBeNull()
  const { counts } = diffRecords(schema, records, read.json.current as Record<string, { active_status: number; values: Record<string, string> }>)
  return { summary, rows, counts, excluded }
}

async function editAs(userId: string, records: Array<{ employment_id: string; active_status?: number; values: Record<string, string> }>) {
  const res = await fetch(`${server.sandbox}/sandbox/payroll/edit`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ user_id: userId, source_code: SOURCE, records: records.map((r) => ({ active_status: r.active_status ?? 1, field_values: [{ field_code: 'employment_id', value: r.employment_id }, { field_code: 'payroll_period', value: PERIOD }, ...Object.entries(r.values).map(([field_code, value]) => ({ field_code, value }))] })) }),
  })
  expect(res.status).toBe(200)
}

describe('the template pre-filled with Feishu\'s values', () => {
  it('round-trips: the untouched download, read and compared as the app does, is all unchanged — negative, long-decimal, dated and stopped records included', async () => {
    const seeded = everyone.filter((e) => e.status === 'hired').slice(200, 203)
    await editAs('wangfang', [
      { employment_id: seeded[0]!.employment_id, values: { commission_amount__c: '-120.50', unit_price__c: '0.000123', fx_amount__c: '1234567.891', settle_date__c: '2024-09-30', client_note__c: 'net of refunds, 2 deals' } },
      { employment_id: seeded[1]!.employment_id, active_status: 2, values: { commission_amount__c: '0.00', deals_closed__c: '0' } },
      { employment_id: seeded[2]!.employment_id, values: { commission_rate__c: '12.5' } },
    ])
    const res = await download(wangfang, { by: 'employee_no' })
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toContain('spreadsheetml')
    expect(res.headers.get('content-disposition')).toContain(`${SOURCE}-${PERIOD}.xlsx`)
    const bytes = new Uint8Array(await res.arrayBuffer())
    const stored = (await api(server, 'POST', '/api/payroll/period-records', wangfang, { source_code: SOURCE, payroll_period: PERIOD })).json.current as Record<string, unknown>

    const { summary, rows, counts, excluded } = await compareAsTheApp(wangfang, bytes, 'employee_no')
    expect(summary.rowsWithErrors).toBe(0)
    expect(rows).toHaveLength(Object.keys(stored).length)
    expect(excluded).toEqual([])
    expect(counts).toEqual({ new: 0, changed: 0, unchanged: Object.keys(stored).length })
    // The ID column holds employee numbers (what the import resolves), not employment IDs.
    const main = await sheetRows(bytes, 0)
    expect(main[0]![0]).toBe('Employee number')
    expect(main.slice(4).map((r) => r[0])).toContain(seeded[0]!.employee_no)
    expect(main.flat()).not.toContain(seeded[0]!.employment_id)
  })

  it('gives the HRBP (Li Na, Sales only) only the rows of her department', async () => {
    const lina = await signIn(server, 'lina')
    const res = await download(lina, { by: 'employee_no' })
    expect(res.status).toBe(200)
    const rows = (await sheetRows(new Uint8Array(await res.arrayBuffer()), 0)).slice(4)
    const department = new Map(everyone.map((e) => [e.employee_no, e.department]))
    expect(rows.length).toBeGreaterThan(0)
    expect(new Set(rows.map((r) => department.get(String(r[0]))))).toEqual(new Set(['SAL']))
    // Wang Fang sees Customer Service as well.
    const all = (await sheetRows(new Uint8Array(await (await download(wangfang, { by: 'employee_no' })).arrayBuffer()), 0)).slice(4)
    expect(all.length).toBeGreaterThan(rows.length)
  })

  it('fills the people of an uploaded list in its order, and says on a notes sheet who is unknown or has no record', async () => {
    const withRecord = (await api(server, 'POST', '/api/payroll/period-records', wangfang, { source_code: SOURCE, payroll_period: PERIOD })).json.current as Record<string, { values: Record<string, string> }>
    const known = everyone.find((e) => withRecord[e.employment_id])!
    const noRecord = everyone.find((e) => e.status === 'hired' && !withRecord[e.employment_id])!
    const res = await download(wangfang, { by: 'employee_no', people: [known.employee_no, 'FS99999', noRecord.employee_no], locale: 'zh-CN' })
    expect(res.status).toBe(200)
    const bytes = new Uint8Array(await res.arrayBuffer())
    const main = await sheetRows(bytes, 0)
    expect(main[0]![0]).toBe('工号')
    const data = main.slice(4)
    expect(data.map((r) => r[0])).toEqual([known.employee_no, 'FS99999', noRecord.employee_no])
    expect(data[0]).toContain(Number(withRecord[known.employment_id]!.values.commission_amount__c))
    expect(data[1]!.slice(1).every((v) => v === null || v === '')).toBe(true)
    const notes = await sheetRows(bytes, 1)
    expect(notes[0]).toEqual(['行', '员工', '雇佣 ID', '姓名', '说明'])
    expect(notes.slice(1).map((r) => [r[0], r[1], r[4]])).toEqual([
      [6, 'FS99999', '飞书人事中没有这个工号或邮箱。'],
      [7, noRecord.employee_no, '飞书在该期间没有此人的记录（或你无权查看）：按需填写。'],
    ])
  })

  it('keeps the row of an employee whose number cannot be found, with an empty ID and the reason, instead of dropping it', async () => {
    const withRecord = (await api(server, 'POST', '/api/payroll/period-records', wangfang, { source_code: SOURCE, payroll_period: PERIOD })).json.current as Record<string, unknown>
    const broken = everyone.find((e) => withRecord[e.employment_id])!
    await setKnobs(server.sandbox, { corehrIdConversionFails: [broken.employee_no] })
    try {
      const res = await download(wangfang, { by: 'employee_no' })
      expect(res.status).toBe(200)
      const bytes = new Uint8Array(await res.arrayBuffer())
      const data = (await sheetRows(bytes, 0)).slice(4)
      expect(data).toHaveLength(Object.keys(withRecord).length)
      expect(data[0]![0]).toBeNull()
      expect(data.map((r) => r[0])).not.toContain(broken.employee_no)
      const notes = await sheetRows(bytes, 1)
      expect(notes.slice(1)).toEqual([[5, null, broken.employment_id, null, expect.stringContaining('no employee for this employment ID')]])
    } finally {
      await setKnobs(server.sandbox, { corehrIdConversionFails: [] })
    }
  })

  it('refuses a period that does not fit the datasource, a bad list and a stranger, with a clear error', async () => {
    expect((await download(wangfang, { by: 'employee_no', payroll_period: '2024-13' })).status).toBe(400)
    expect((await download(wangfang, { by: 'employee_no', payroll_period: undefined, occur_day: '2024-09-01' })).status).toBe(400)
    expect((await download(wangfang, { by: 'employee_no', people: [] })).status).toBe(400)
    expect((await download(wangfang, { by: 'employee_no', people: Array.from({ length: 1001 }, (_, i) => `FS${i}`) })).status).toBe(400)
    expect((await download(wangfang, { by: 'user_id' })).status).toBe(400)
    const stranger = await fetch(`${server.url}/api/payroll/prefilled.xlsx`, { method: 'POST', headers: { 'X-Requested-With': 'XMLHttpRequest', 'Content-Type': 'application/json' }, body: JSON.stringify({ source_code: SOURCE, payroll_period: PERIOD, by: 'employee_no', locale: 'en-US' }) })
    expect(stranger.status).toBe(401)
  })
})
