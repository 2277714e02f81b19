// @vitest-environment node
// Runs in Node: the readers use Blob streams and DecompressionStream as in a worker.
import { describe, expect, it } from 'vitest'
import { EXPECTED, HEADER, exceljsWorkbook, mergedHeaderWorkbook, ourWorkbook, sheetjsWorkbook } from './fixtures/corpus'
import { blobOf, nodeModule, readAll } from './harness'
import { openXlsx } from '../../../src/import/xlsx-read'
import { concatChunks, writeXlsx } from '../../../src/import/xlsx-write'

const writers: Array<[string, (date1904: boolean) => Promise<Uint8Array> | Uint8Array]> = [
  ['our writer', (d) => ourWorkbook(d)],
  ['exceljs', (d) => exceljsWorkbook(d)],
  ['SheetJS (shared strings)', (d) => sheetjsWorkbook(d, true)],
  ['SheetJS (inline strings)', (d) => sheetjsWorkbook(d, false)],
]

describe.each(writers)('an .xlsx written by %s reads back cell by cell', (_name, write) => {
  for (const date1904 of [false, true]) {
    it(`text stays text, numbers stay numbers, dates become ISO, formulas give cached values (${date1904 ? '1904' : '1900'} date system)`, async () => {
      const rows = await readAll(await write(date1904))
      expect(rows[0]).toEqual(HEADER)
      expect(rows.slice(1)).toEqual(EXPECTED)
    })
  }
})

const { execFileSync } = nodeModule<{ execFileSync(cmd: string, args: string[], o?: object): unknown }>('node:child_process')
const { mkdtempSync, readFileSync, writeFileSync } = nodeModule<{ mkdtempSync(p: string): string; readFileSync(p: string): Uint8Array; writeFileSync(p: string, d: string): void }>('node:fs')
const { tmpdir } = nodeModule<{ tmpdir(): string }>('node:os')
const join = (...parts: string[]) => parts.join('/')

function soffice(): string | null {
  for (const bin of ['soffice', 'libreoffice']) {
    try {
      execFileSync(bin, ['--version'], { stdio: 'ignore', timeout: 20_000 })
      return bin
    } catch { /* not installed */ }
  }
  return null
}

const office = soffice()
describe.skipIf(!office)('LibreOffice converting CSV to .xlsx (when installed)', () => {
  it('keeps every cell of the CSV', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lo-'))
    writeFileSync(join(dir, 'in.csv'), '工号,姓名,金额,入职日期\n="000123",张三,1234.5,2024-01-05\nE2,李四,-7,2023-12-31\n')
    // The CSV import filter is told the file is UTF-8 (76) with comma (44) and double quote (34), in
    // US English (1033), detecting dates: left to guess, LibreOffice reads it in the system's 8-bit charset.
    execFileSync(office as string, ['--headless', '--infilter=CSV:44,34,76,1,,1033,false,true', '--convert-to', 'xlsx', '--outdir', dir, join(dir, 'in.csv')], { timeout: 60_000 })
    const rows = await readAll(new Uint8Array(readFileSync(join(dir, 'in.xlsx'))))
    // Dates arrive as date-formatted serial numbers, the leading zeros as text.
    expect(rows).toEqual([['工号', '姓名', '金额', '入职日期'], ['000123', '张三', 1234.5, '2024-01-05'], ['E2', '李四', -7, '2023-12-31']])
  })
})

describe('workbook structure', () => {
  it('lists every sheet with its name and whether it is hidden', async () => {
    const bytes = concatChunks(writeXlsx([{ name: '一月', rows: [['a']] }, { name: 'Feb', rows: [['b']] }]))
    const book = await openXlsx(blobOf(bytes))
    expect(book.sheets.map((s) => [s.name, s.hidden, s.readable])).toEqual([['一月', false, true], ['Feb', false, true]])
    expect(await readAll(bytes, 1)).toEqual([['b']])
  })

  it('merged cells come back with their ranges so headers can be filled', async () => {
    const rows = await readAll(await mergedHeaderWorkbook())
    expect(rows[0]?.[0]).toBe('2024年1月工资表')
    expect(rows[3]).toEqual(['000123', '张三', 100, 200, 5, 300])
  })

  it('skips blank rows but remembers each row’s number in the sheet', async () => {
    const bytes = concatChunks(writeXlsx([{ name: 'S', rows: [['h'], [], [null, null], ['x']] }]))
    const book = await openXlsx(blobOf(bytes))
    const { readSheet } = await import('../../../src/import/xlsx-read')
    const { store } = await readSheet(book, 0)
    expect(store.rowCount).toBe(2)
    expect(Array.from(store.sheetRows.subarray(0, 2))).toEqual([1, 4])
  })

  it('reads the same with the JS inflater (fallback where DecompressionStream is missing)', async () => {
    const bytes = await exceljsWorkbook(false)
    const book = await openXlsx(blobOf(bytes), { inflater: 'fflate' })
    const { readSheet } = await import('../../../src/import/xlsx-read')
    const { store } = await readSheet(book, 0, { inflater: 'fflate' })
    expect(store.row(1)).toEqual(EXPECTED[0])
  })
})
