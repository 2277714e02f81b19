// @vitest-environment node
// Runs in Node: the readers use Blob streams and DecompressionStream as in a worker.
import * as XLSX from '@e965/xlsx'
import { afterEach, describe, expect, it } from 'vitest'
import { LIMITS } from '../../../src/import/errors'
import { hrSchema } from './fixtures/hr-sheet'
import { fileErrorOf, nodeModule, openFile } from './harness'

function xls(rows: unknown[][], sheets: string[] = ['考勤']): Uint8Array {
  const wb = XLSX.utils.book_new()
  for (const name of sheets) XLSX.utils.book_append_sheet(wb, XLSX.utils.aoa_to_sheet(rows), name)
  return new Uint8Array(XLSX.write(wb, { type: 'array', bookType: 'biff8' }) as ArrayBuffer)
}

const savedRows = LIMITS.maxRows
afterEach(() => { LIMITS.maxRows = savedRows })

describe('legacy .xls (Excel 97–2003)', () => {
  it('is read like any workbook: text, numbers, dates as ISO, and a sheet chooser when there are several', async () => {
    const ws = XLSX.utils.aoa_to_sheet([['工号', '姓名', '金额', '日期'], ['000123', '张三', 1234.5, 45292]])
    ws.D2!.z = 'yyyy-mm-dd'
    const wb = XLSX.utils.book_new()
    XLSX.utils.book_append_sheet(wb, ws, '一月')
    const bytes = new Uint8Array(XLSX.write(wb, { type: 'array', bookType: 'biff8' }) as ArrayBuffer)
    const { session, opened } = await openFile(bytes, 'old.xls', hrSchema)
    expect(opened.kind).toBe('xls')
    expect(opened.sheet?.sheetName).toBe('一月')
    session.applyMapping({ matches: opened.sheet!.proposal.matches })
    const row = session.rows({ filter: 'all', order: 'sheet', start: 0, count: 5 }).rows[0]!
    expect([row.sheetRow, row.cells]).toEqual([2, { employee_no: '000123', name: '张三', amount: 1234.5 }])
    expect(opened.sheet?.head[1]).toEqual(['000123', '张三', '1234.5', '2024-01-01'])

    const two = await openFile(xls([['工号', '姓名'], ['1', '张三']], ['A', 'B']), 'two.xls', hrSchema)
    expect(two.opened.sheet).toBeNull()
    expect(two.opened.sheets.map((s) => [s.name, s.readable, s.preview[0]?.[0]])).toEqual([['A', true, '工号'], ['B', true, '工号']])
    const chosen = await two.session.chooseSheet({ index: 1 })
    expect(chosen.sheetName).toBe('B')
  })

  it('a file named .et (WPS keeps its sheets in the same BIFF container) reads too', async () => {
    const { opened } = await openFile(xls([['工号', '姓名'], ['E1', '张三']]), 'wps.et', hrSchema)
    expect([opened.kind, opened.sheet?.rowCount]).toEqual(['xls', 1])
  })

  // WPS saves .et as an OLE compound file with the cells in a BIFF "Workbook" stream, beside
  // streams of its own; the reader must not care what else the container holds. (The names of
  // WPS's own streams are not documented; these stand for any extra stream or storage.)
  it('an .et whose container holds WPS\'s own streams beside the Workbook stream reads the same cells', async () => {
    const ws = XLSX.utils.aoa_to_sheet([['工号', '姓名', '金额'], ['007123', '张三', 1234.5], ['E2', '李四', -7]])
    const wb = XLSX.utils.book_new()
    XLSX.utils.book_append_sheet(wb, ws, 'Sheet1')
    const plain = new Uint8Array(XLSX.write(wb, { type: 'array', bookType: 'biff8' }) as ArrayBuffer)
    const cfb = XLSX.CFB.read(plain, { type: 'array' })
    XLSX.CFB.utils.cfb_add(cfb, '/ETExtData', new Uint8Array(600).fill(7))
    XLSX.CFB.utils.cfb_add(cfb, '/KSOProductBuildVer', new TextEncoder().encode('2052-12.1.0.16929'))
    XLSX.CFB.utils.cfb_add(cfb, '/WpsCustomData/Item0', new Uint8Array(5000).fill(1))
    const et = new Uint8Array(XLSX.CFB.write(cfb, { type: 'array' }) as ArrayBuffer)
    expect(XLSX.CFB.find(XLSX.CFB.read(et, { type: 'array' }), 'ETExtData')).toBeTruthy()

    const { session, opened } = await openFile(et, '工资.et', hrSchema)
    expect(opened.kind).toBe('xls')
    session.applyMapping({ matches: opened.sheet!.proposal.matches })
    const rows = session.rows({ filter: 'all', order: 'sheet', start: 0, count: 5 }).rows
    expect(rows.map((r) => r.cells)).toEqual([
      { employee_no: '007123', name: '张三', amount: 1234.5 },
      { employee_no: 'E2', name: '李四', amount: -7 },
    ])
  })

  it('an .et that is really an .xlsx (newer WPS saves OOXML under any name) goes to the .xlsx reader', async () => {
    const wb = XLSX.utils.book_new()
    XLSX.utils.book_append_sheet(wb, XLSX.utils.aoa_to_sheet([['工号', '姓名'], ['E1', '张三'], ['E2', '李四']]), 'S')
    const bytes = new Uint8Array(XLSX.write(wb, { type: 'array', bookType: 'xlsx' }) as ArrayBuffer)
    const { opened } = await openFile(bytes, 'wps.et', hrSchema)
    expect([opened.kind, opened.sheet?.rowCount]).toEqual(['xlsx', 2])
  })

  it('an Excel 95 / early WPS workbook (BIFF5, a "Book" stream) reads too', async () => {
    // BIFF5 keeps text in a code page; SheetJS writes it in Latin-1, so the headers here are English.
    const wb = XLSX.utils.book_new()
    XLSX.utils.book_append_sheet(wb, XLSX.utils.aoa_to_sheet([['Employee No.', 'Name', 'Amount'], ['E1', 'Ann', 12.5]]), 'S')
    const bytes = new Uint8Array(XLSX.write(wb, { type: 'array', bookType: 'biff5' }) as ArrayBuffer)
    const { session, opened } = await openFile(bytes, 'old.et', hrSchema)
    expect(opened.kind).toBe('xls')
    session.applyMapping({ matches: opened.sheet!.proposal.matches })
    expect(session.rows({ filter: 'all', order: 'sheet', start: 0, count: 5 }).rows.map((r) => r.cells)).toEqual([{ employee_no: 'E1', name: 'Ann', amount: 12.5 }])
  })

  it('keeps the same row limit as .xlsx and CSV', async () => {
    LIMITS.maxRows = 3
    const e = await fileErrorOf(() => openFile(xls([['工号', '姓名'], ['1', 'a'], ['2', 'b'], ['3', 'c'], ['4', 'd']]), 'big.xls', hrSchema))
    expect(e.code).toBe('too_many_rows')
  })

  it('a damaged .xls gets a clear reason, not a crash', async () => {
    const bytes = xls([['工号'], ['1']])
    const damaged = bytes.slice(0, 1200)
    const e = await fileErrorOf(() => openFile(damaged, 'cut.xls', hrSchema))
    expect(['not_a_spreadsheet', 'legacy_xls', 'corrupt_zip']).toContain(e.code)
  })
})

const { existsSync, readdirSync, readFileSync } = nodeModule<{ existsSync(p: string): boolean; readdirSync(p: string): string[]; readFileSync(p: string, e: string): string }>('node:fs')

describe('the built app (npm run build)', () => {
  it('loads the .xls reader only when such a file is picked: SheetJS is in a chunk of its own', () => {
    // npm test builds first; run alone, build the app before this test (as tests/server/security.test.ts asks).
    expect(existsSync('dist/index.html'), 'run `npm run build` first (npm test does)').toBe(true)
    const files = readdirSync('dist/assets').filter((f) => f.endsWith('.js'))
    const withSheetJs = files.filter((f) => readFileSync(`dist/assets/${f}`, 'utf8').includes('SheetJS'))
    expect(withSheetJs.length).toBeGreaterThan(0)
    // Neither the entry, nor the import worker, nor the page chunks hold it.
    const html = readFileSync('dist/index.html', 'utf8')
    for (const f of withSheetJs) {
      expect(html).not.toContain(f)
      expect(f).not.toMatch(/^(index|worker)/)
    }
  })
})
