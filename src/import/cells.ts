/**
 * A sheet held column by column in typed arrays: one tag byte and one double per cell, strings
 * as indexes into a string table. 100k × 30 cells fit in ~27 MB instead of ~150 MB of row
 * objects, which keeps the worker within a few times the file size.
 */
import type { CellValue } from '../domain/target'
import { isoDate, numberToPlain, serialToDate } from '../domain/values'

export const Tag = {
  Empty: 0,
  Number: 1,
  String: 2,
  Bool: 3,
  /** Excel serial with a date format; read back as 'yyyy-mm-dd'. */
  Date: 4,
  /** Serial with a date-and-time format; 'yyyy-mm-dd hh:mm:ss'. */
  DateTime: 5,
  /** Fraction of a day with a time-only format; 'hh:mm:ss'. */
  Time: 6,
  /** Number with a percent format; read back as the text people see, e.g. '12.5%'. */
  Percent: 7,
  /** CSV text that is a canonical number ("12.5", not "012" or "1.50"): stored as a number, read back as the same text. */
  NumericText: 8,
} as const
export type Tag = (typeof Tag)[keyof typeof Tag]

class Column {
  tags: Uint8Array
  nums: Float64Array
  constructor(capacity: number) {
    this.tags = new Uint8Array(capacity)
    this.nums = new Float64Array(capacity)
  }
  grow(capacity: number): void {
    const tags = new Uint8Array(capacity)
    tags.set(this.tags)
    const nums = new Float64Array(capacity)
    nums.set(this.nums)
    this.tags = tags
    this.nums = nums
  }
}

export class CellStore {
  columns: Column[] = []
  strings: string[] = []
  /** 1-based row number in the sheet/file for each stored row (blank rows are not stored). */
  sheetRows: Int32Array
  rowCount = 0
  private capacity: number
  date1904 = false
  private dateCache = new Map<number, string | null>()

  constructor(capacityHint = 1024) {
    this.capacity = Math.max(16, capacityHint)
    this.sheetRows = new Int32Array(this.capacity)
  }

  get columnCount(): number { return this.columns.length }

  /** Starts a row; returns its index. */
  addRow(sheetRow: number): number {
    if (this.rowCount === this.capacity) this.resize(this.capacity * 2)
    this.sheetRows[this.rowCount] = sheetRow
    return this.rowCount++
  }

  /** Drops a row that turned out to be blank (only the last row can be dropped). */
  dropLastRow(): void {
    const r = --this.rowCount
    for (const col of this.columns) { col.tags[r] = Tag.Empty; col.nums[r] = 0 }
  }

  /** Grows storage once to hold `rows` (avoids repeated doubling when the size is known). */
  reserve(rows: number): void {
    if (rows > this.capacity) this.resize(rows)
  }

  private resize(capacity: number): void {
    this.capacity = capacity
    const rows = new Int32Array(capacity)
    rows.set(this.sheetRows)
    this.sheetRows = rows
    for (const col of this.columns) col.grow(capacity)
  }

  private column(c: number): Column {
    while (this.columns.length <= c) this.columns.push(new Column(this.capacity))
    return this.columns[c] as Column
  }

  set(row: number, col: number, tag: Tag, num: number): void {
    const column = this.column(col)
    column.tags[row] = tag
    column.nums[row] = num
  }

  addString(s: string): number {
    this.strings.push(s)
    return this.strings.length - 1
  }

  tag(row: number, col: number): Tag {
    const column = this.columns[col]
    return column ? (column.tags[row] as Tag) : Tag.Empty
  }

  get(row: number, col: number): CellValue {
    const column = this.columns[col]
    if (!column || row >= this.rowCount) return null
    const num = column.nums[row] as number
    switch (column.tags[row] as Tag) {
      default: return null
      case Tag.Empty: return null
      case Tag.Number: return num
      case Tag.String: return this.strings[num] ?? null
      case Tag.Bool: return num !== 0
      case Tag.Date: {
        // Dates repeat a lot (one month of days); converting each once saves a Date per cell.
        let iso = this.dateCache.get(num)
        if (iso === undefined) {
          const d = serialToDate(num, this.date1904)
          iso = d ? isoDate(d) : null
          this.dateCache.set(num, iso)
        }
        return iso ?? num
      }
      case Tag.DateTime: {
        const d = serialToDate(num, this.date1904)
        return d ? `${isoDate(d)} ${timeOfDay(num)}` : num
      }
      case Tag.Time: return timeOfDay(num)
      case Tag.Percent: return `${numberToPlain(num * 100)}%`
      case Tag.NumericText: return numberToPlain(num)
    }
  }

  /** Like get, but canonical numeric CSV text comes back as its number (same normalised result, no string). */
  getRaw(row: number, col: number): CellValue {
    const column = this.columns[col]
    if (column && column.tags[row] === Tag.NumericText) return column.nums[row] as number
    return this.get(row, col)
  }

  row(row: number): CellValue[] {
    const out: CellValue[] = new Array(this.columns.length)
    for (let c = 0; c < this.columns.length; c++) out[c] = this.get(row, c)
    return out
  }

  /** Approximate bytes held, for the memory figure in progress events. */
  byteSize(): number {
    let strings = 0
    for (const s of this.strings) strings += 16 + s.length * 2
    return this.columns.length * this.capacity * 9 + this.capacity * 4 + strings
  }
}

function timeOfDay(serial: number): string {
  const secs = Math.round((serial - Math.floor(serial)) * 86400) % 86400
  const h = Math.floor(secs / 3600)
  const m = Math.floor((secs % 3600) / 60)
  const s = secs % 60
  return `${h < 10 ? '0' : ''}${h}:${m < 10 ? '0' : ''}${m}:${s < 10 ? '0' : ''}${s}`
}
