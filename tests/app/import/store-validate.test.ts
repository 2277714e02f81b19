// @vitest-environment node
// The column-wise validation passes whole blocks of plain numbers without looking at them, on the
// decimal places the readers saw in the file. This holds it to checkRow on files read for real
// (CSV and .xlsx), with the numbers that must not pass planted in otherwise clean blocks.
import { describe, expect, it } from 'vitest'
import type { Issue } from '../../../src/domain/issues'
import type { CellValue, TargetSchema } from '../../../src/domain/target'
import { checkColumns, checkRow } from '../../../src/domain/validate'
import { StoreColumn, type CellStore } from '../../../src/import/cells'
import { readCsv } from '../../../src/import/csv-read'
import { CellStyle, concatChunks, writeXlsx, type WriteRow } from '../../../src/import/xlsx-write'
import { openXlsx, readSheet } from '../../../src/import/xlsx-read'
import { blobOf } from './harness'

const t = (zh: string, en: string) => ({ 'zh-CN': zh, 'en-US': en })
const schema: TargetSchema = {
  kind: 'payroll',
  id: 'P',
  title: t('薪资', 'Pay'),
  keyFields: [],
  fields: [
    { code: 'pay', title: t('工资', 'Pay'), kind: 'money', required: true, writable: true },
    { code: 'count', title: t('次数', 'Count'), kind: 'number', decimalPlaces: 0, required: false, writable: true },
    { code: 'days', title: t('天数', 'Days'), kind: 'number', decimalPlaces: 1, required: true, writable: true },
    { code: 'free', title: t('自由', 'Free'), kind: 'number', required: false, writable: true },
    { code: 'fine', title: t('精确', 'Fine'), kind: 'money', decimalPlaces: 4, required: false, writable: true },
    { code: 'old', title: t('旧', 'Old'), kind: 'money', required: false, writable: false, stoppedReason: t('已停用', 'Stopped') },
  ],
}

const ROWS = 13_000 // a header row and just over three blocks of 4,096 rows
/** Numbers that must be reported (or looked at), each planted once in an otherwise clean block: [row, column, value]. */
const PLANTED: Array<[number, number, number | string | null]> = [
  [5000, 0, 12.345], // three places in money
  [6000, 0, null], // empty required money
  [9000, 1, 0.5], // a fraction in a whole number
  [9100, 2, 12.25], // two places where one is allowed
  [12_500, 3, 1234567890123456], // 16 digits: no places from the reader, checked as usual (≥ 1e15)
  [12_600, 4, 0.1 + 0.2], // 17 significant digits
  [12_700, 1, -0],
]

function cells(): Array<Array<number | string | null>> {
  const rows: Array<Array<number | string | null>> = []
  for (let r = 0; r < ROWS; r++) rows.push([(r % 977) * 3.25 + 0.01, r % 13, (r % 31) / 2, r * 7.125, (r % 89) / 8, r % 3])
  for (const [r, c, v] of PLANTED) (rows[r] as Array<number | string | null>)[c] = v
  return rows
}

function csvText(): string {
  const head = schema.fields.map((f) => f.code).join(',')
  return [head, ...cells().map((row) => row.map((v) => (v === null ? '' : String(v))).join(','))].join('\n')
}

function xlsxBytes(): Uint8Array {
  const rows: WriteRow[] = [schema.fields.map((f) => f.code), ...cells()]
  return concatChunks(writeXlsx([{ name: 'S', rows }]))
}

function compare(store: CellStore) {
  const offset = 1
  const n = store.rowCount - offset
  const rows = Array.from({ length: n }, (_, i) => i).filter((i) => i % 2000 !== 7) // a deleted row here and there
  const columns = schema.fields.map((_, c) => new StoreColumn(store, c, offset))
  const got = checkColumns(schema, columns, rows)
  let issues = 0
  rows.forEach((d, i) => {
    const raw: Record<string, CellValue> = {}
    schema.fields.forEach((f, c) => { raw[f.code] = store.getRaw(d + offset, c) })
    const want: Issue[] = []
    checkRow(schema, raw, d, want)
    expect(got.issues[i] ?? [], `row ${d}: ${JSON.stringify(raw)}`).toEqual(want)
    issues += want.length
  })
  return { columns, issues }
}

describe('whole blocks of plain numbers pass validation exactly when checkRow passes every cell', () => {
  it('for a CSV file', async () => {
    const { store } = await readCsv(blobOf(csvText()))
    const { columns, issues } = compare(store)
    expect(issues).toBeGreaterThan(ROWS / 3) // the stopped field warns on every row, the planted cells on theirs
    // The fast path is taken for clean blocks and refused for the ones with a planted number.
    expect(columns[0]?.plainNumbers(4096 * 3, 2)).toBeGreaterThan(0)
    expect(columns[0]?.plainNumbers(4096, 2)).toBe(0)
    expect(columns[0]?.plainNumbers(4096 * 3, 1)).toBe(0)
  })

  it('for an .xlsx workbook', async () => {
    const { store } = await readSheet(await openXlsx(blobOf(xlsxBytes())), 0)
    const { columns } = compare(store)
    expect(columns[0]?.plainNumbers(100, 2)).toBe(0) // the block with the header text
    expect(columns[2]?.plainNumbers(4096, 1)).toBeGreaterThan(0)
    expect(columns[2]?.plainNumbers(9000, 1)).toBe(0)
    expect(columns[3]?.plainNumbers(4096 * 3, 126)).toBe(0) // the 16-digit number
  })
})

describe('whole blocks of dates pass validation exactly when checkRow passes every cell', () => {
  const dateSchema: TargetSchema = {
    kind: 'attendance',
    id: 'A',
    title: t('考勤', 'Attendance'),
    keyFields: [],
    fields: [
      { code: 'hired', title: t('入职', 'Hired'), kind: 'date', required: true, writable: true },
      { code: 'day', title: t('日', 'Day'), kind: 'compact_date', required: false, writable: true },
      { code: 'month', title: t('月', 'Month'), kind: 'month', required: false, writable: true },
      { code: 'old', title: t('旧', 'Old'), kind: 'date', required: false, writable: false, stoppedReason: t('已停用', 'Stopped') },
    ],
  }
  /** Serials that must not pass unseen, each planted once in an otherwise clean block: [row, column, serial]. */
  const planted: Array<[number, number, number | null]> = [
    [5000, 0, 60], // the 1900 system's 29 February that never was
    [6000, 0, null], // empty, and required
    [9000, 1, 45292.5], // noon: read back as the day, but not a whole day
    [9100, 1, 3_000_000], // past 9999-12-31
    [12_500, 0, 30], // a real date before 1900-03-01 (the fast path leaves it to the usual check)
    [12_600, 1, -1],
  ]

  function dateRows(): WriteRow[] {
    const rows: WriteRow[] = [dateSchema.fields.map((f) => f.code)]
    for (let r = 1; r < ROWS; r++) {
      const serial = 36_000 + ((r * 37) % 9000)
      rows.push([serial, serial + 1, serial + 2, serial + 3].map((v) => ({ v, style: CellStyle.Date })))
    }
    for (const [r, c, v] of planted) (rows[r] as WriteRow)[c] = v === null ? null : { v, style: CellStyle.Date }
    return rows
  }

  for (const date1904 of [false, true]) {
    it(`in an .xlsx workbook (${date1904 ? '1904' : '1900'} date system)`, async () => {
      const bytes = concatChunks(writeXlsx([{ name: 'S', rows: dateRows() }], { date1904 }))
      const { store } = await readSheet(await openXlsx(blobOf(bytes)), 0)
      const columns = dateSchema.fields.map((_, c) => new StoreColumn(store, c, 1))
      const rows = Array.from({ length: store.rowCount - 1 }, (_, i) => i).filter((i) => i % 2000 !== 7)
      const got = checkColumns(dateSchema, columns, rows)
      let issues = 0
      rows.forEach((d, i) => {
        const raw: Record<string, CellValue> = {}
        dateSchema.fields.forEach((f, c) => { raw[f.code] = store.getRaw(d + 1, c) })
        const want: Issue[] = []
        checkRow(dateSchema, raw, d, want)
        expect(got.issues[i] ?? [], `row ${d}: ${JSON.stringify(raw)}`).toEqual(want)
        issues += want.filter((it) => it.code !== 'field_stopped').length
      })
      expect(issues).toBeGreaterThanOrEqual(2) // the empty required date and the one past 9999 at least
      // The fast path is taken for clean blocks and refused for the ones with a planted serial.
      expect(columns[0]?.plainDates(4096 * 2)).toBeGreaterThan(0)
      expect(columns[0]?.plainDates(4096)).toBe(0)
      expect(columns[1]?.plainDates(8192)).toBe(0)
      expect(columns[0]?.plainDates(100)).toBe(0) // the block with the header text
    })
  }
})
