// @vitest-environment node
// Runs in Node: the readers use Blob streams and DecompressionStream as in a worker.
import { describe, expect, it } from 'vitest'
import type { ImportSession } from '../../../src/import/session'
import { exceljsHr, findSoffice, hrSchema, KEPT, LEFT_OUT, libreOfficeResave, sheetjsHr } from './fixtures/hr-sheet'
import { openFile } from './harness'

const office = findSoffice()

/** Each writer's file is made once (LibreOffice takes seconds to start) and handed out as a copy. */
function once(make: () => Promise<Uint8Array> | Uint8Array): () => Promise<Uint8Array> {
  let made: Promise<Uint8Array> | null = null
  return async () => (await (made ??= Promise.resolve(make()))).slice()
}

/** The same sheet from each writer; LibreOffice re-saves the exceljs file in its own writer (.xlsx and Excel 97 .xls). */
const writers: Array<[string, string, () => Promise<Uint8Array>]> = ([
  ['exceljs', 'hr.xlsx', () => exceljsHr()],
  ['SheetJS', 'hr.xlsx', () => sheetjsHr('xlsx')],
  ['SheetJS as Excel 97 (.xls)', 'hr.xls', () => sheetjsHr('biff8')],
  ...(office ? [
    ['LibreOffice', 'hr.xlsx', async () => libreOfficeResave(office, await exceljsHr(), 'xlsx', 'xlsx')],
    ['LibreOffice as Excel 97 (.xls)', 'hr.xls', async () => libreOfficeResave(office, await exceljsHr(), 'xlsx', 'xls')],
  ] as Array<[string, string, () => Promise<Uint8Array>]> : []),
] as Array<[string, string, () => Promise<Uint8Array> | Uint8Array]>).map(([w, name, make]) => [w, name, once(make)])

async function review(bytes: Uint8Array, name: string): Promise<{ session: ImportSession; summary: ReturnType<ImportSession['summary']>; hiddenColumns: number[] }> {
  const { session, opened } = await openFile(bytes, name, hrSchema)
  const sheet = opened.sheet!
  const summary = session.applyMapping({ matches: sheet.proposal.matches })
  return { session, summary, hiddenColumns: sheet.hiddenColumns }
}

function employees(session: ImportSession): Array<[number, string | null]> {
  return session.rows({ filter: 'all', order: 'sheet', start: 0, count: 50 }).rows.map((r) => [r.sheetRow, r.values.employee_no ?? null])
}

describe.each(writers)('an HR sheet written by %s', (_writer, name, write) => {
  it('reads employee numbers formatted 000000 as Excel shows them (007123, not 7123)', async () => {
    const { session } = await review(await write(), name)
    expect(employees(session)).toEqual(KEPT)
    // Nothing is an error: the numbers are found as the person typed them.
    expect(session.summary()).toMatchObject({ errors: 0, rows: KEPT.length })
  })

  it('leaves total and block-label rows out, lists each once, and keeps employees named 合计 or 张合计', async () => {
    const { summary } = await review(await write(), name)
    expect(summary.left.map((l) => [l.sheetRow, l.kind])).toEqual(LEFT_OUT)
    expect(summary.leftOut).toBe(LEFT_OUT.length)
    expect(summary.left.find((l) => l.sheetRow === 6)?.text).toBe('合计 · 350')
  })
})

describe.each(writers.filter(([w]) => !w.startsWith('SheetJS as')))('hidden rows and columns in a sheet written by %s', (_writer, name, write) => {
  // (SheetJS's Excel 97 writer does not write hidden rows or columns at all, so its file has none.)
  it('flags each hidden row with a warning, tags the hidden column, and leaves hidden rows out on request', async () => {
    const { session, summary, hiddenColumns } = await review(await write(), name)
    expect(hiddenColumns).toEqual([3])
    expect(summary.hiddenRows).toBe(1)
    const warned = session.rows({ filter: 'issues', order: 'sheet', start: 0, count: 50 }).rows.map((r) => [r.sheetRow, r.issues.map((i) => `${i.severity}:${i.code}`)])
    expect(warned).toEqual([[8, ['warning:hidden_row']]])
    const fixed = session.bulkFix({ fix: { kind: 'skipHidden' } })
    expect(fixed.changed).toBe(1)
    expect(fixed.summary).toMatchObject({ rows: KEPT.length - 1, deleted: 1, hiddenRows: 0, warnings: 0 })
    expect(employees(session).map(([row]) => row)).toEqual([2, 4, 5, 9])
  })
})

describe('a left-out row can be taken back by hand', () => {
  it('the label row 研发部 comes back as a row of the import', async () => {
    const { session } = await review(await exceljsHr(), 'hr.xlsx')
    const dataRow = session.summary().left.find((l) => l.sheetRow === 3)!.row
    const summary = session.includeRow({ row: dataRow })
    expect(summary.leftOut).toBe(LEFT_OUT.length - 1)
    expect(summary.rows).toBe(KEPT.length + 1)
    expect(employees(session)).toEqual([[2, '007123'], [3, '研发部'], ...KEPT.slice(1)])
    // A new mapping keeps the person's choice.
    const again = session.applyMapping({ matches: [{ column: 0, field: 'employee_no', confidence: 1, kind: 'manual' }, { column: 2, field: 'amount', confidence: 1, kind: 'manual' }] })
    expect(again.left.map((l) => l.sheetRow)).toEqual([6, 7, 10, 11])
  })

  it('an export never carries a left-out row', async () => {
    const { session } = await review(await exceljsHr(), 'hr.xlsx')
    const { json, count } = session.exportValues({ includeInvalid: true })
    const rows = JSON.parse(new TextDecoder().decode(json)) as Array<{ sheetRow: number; values: Record<string, string | null> }>
    expect(count).toBe(KEPT.length)
    expect(rows.map((r) => [r.sheetRow, r.values.employee_no])).toEqual(KEPT)
  })
})

describe('the result workbook', () => {
  it('lists the left-out rows as not imported, with why, after the rows to fix', async () => {
    const { session } = await review(await exceljsHr(), 'hr.xlsx')
    const labels = { status: '状态', code: '码', message: '说明', hint: '建议', written: '已写入', failed: '失败', skipped: '已跳过', error: '错误', warning: '提醒', ok: '可导入', sheetName: '结果', notImported: '未导入', leftKind: { total: '合计行', label: '分组标题行' } }
    const { xlsx } = session.resultWorkbook({ locale: 'zh-CN', labels, results: null })
    const { readAll } = await import('./harness')
    const rows = await readAll(new Uint8Array(xlsx))
    const status = rows.slice(1).map((r) => [r[1], r[4], r[6]])
    expect(status.filter((s) => s[1] === '未导入')).toEqual([[null, '未导入', '分组标题行'], ['合计', '未导入', '合计行'], [null, '未导入', '分组标题行'], [null, '未导入', '合计行'], [null, '未导入', '合计行']])
    expect(rows.length - 1).toBe(KEPT.length + LEFT_OUT.length)
  })
})

describe('an employee number in the wrong letter case', () => {
  it('takes the case the rest of its column uses, with a warning, and then meets its twin as a duplicate', async () => {
    const rows = ['工号,姓名,金额', ...Array.from({ length: 18 }, (_, i) => `FS${10100 + i},员工${i},1`), 'fs10199,小写,2', 'fs10101,又一个,3']
    const { session, opened } = await openFile(rows.join('\n'), 'case.csv', hrSchema)
    const summary = session.applyMapping({ matches: opened.sheet!.proposal.matches })
    expect(summary).toMatchObject({ rows: 20, rowsWithErrors: 2, warnings: 2 })
    const said = session.rows({ filter: 'issues', order: 'sheet', start: 0, count: 50 }).rows.map((r) => [r.sheetRow, r.values.employee_no, r.issues.map((i) => i.code).sort()])
    expect(said).toEqual([
      [3, 'FS10101', ['duplicate_key']],
      [20, 'FS10199', ['identifier_normalised']],
      [21, 'FS10101', ['duplicate_key', 'identifier_normalised']],
    ])
  })
})

describe('a total made with a formula', () => {
  // Row 4 totals with SUBTOTAL over rows 2–3 but its cached value is off (a stale file); row 5 is an
  // employee whose number is missing, with a row-wise SUM of their own amounts: an employee, not a total.
  const rows: Array<Array<string | number | null>> = [['工号', '姓名', '金额', '备注'], ['E1', '张三', 10, 'a'], ['E2', '李四', 20, 'b'], [null, null, 999, null], [null, '王五', 7, null]]
  const formulas: Record<string, string> = { C4: 'SUBTOTAL(9,C2:C3)', C5: 'SUM(A5:B5)' }

  async function exceljsFile(): Promise<Uint8Array> {
    const ExcelJS = (await import('exceljs')).default
    const wb = new ExcelJS.Workbook()
    const ws = wb.addWorksheet('S')
    rows.forEach((r, i) => ws.addRow(r.map((v, c) => { const f = formulas[`${'ABCD'[c]}${i + 1}`]; return f ? { formula: f, result: v } : v ?? undefined })))
    return new Uint8Array(await wb.xlsx.writeBuffer())
  }

  async function sheetjsFile(bookType: 'xlsx'): Promise<Uint8Array> {
    const XLSX = await import('@e965/xlsx')
    const ws = XLSX.utils.aoa_to_sheet(rows)
    for (const [ref, f] of Object.entries(formulas)) (ws[ref] as { f?: string }).f = f
    const wb = XLSX.utils.book_new()
    XLSX.utils.book_append_sheet(wb, ws, 'S')
    return new Uint8Array(XLSX.write(wb, { type: 'array', bookType }) as ArrayBuffer)
  }

  // (SheetJS's Excel 97 writer writes values without formulas, so LibreOffice writes the .xls here.)
  const makers: Array<[string, string, () => Promise<Uint8Array>]> = [['exceljs', 'f.xlsx', exceljsFile], ['SheetJS', 'f.xlsx', () => sheetjsFile('xlsx')]]
  if (office) makers.push(['LibreOffice as Excel 97', 'f.xls', async () => libreOfficeResave(office, await exceljsFile(), 'xlsx', 'xls')])
  it.each(makers)('is left out when written by %s, and a row-wise SUM stays an employee row', async (_w, name, make) => {
    const { summary, session } = await review(await make(), name)
    expect(summary.left.map((l) => [l.sheetRow, l.kind])).toEqual([[4, 'total']])
    expect(employees(session).map(([row]) => row)).toEqual([2, 3, 5])
  })
})
