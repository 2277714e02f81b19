/**
 * A sheet held column by column in typed arrays: one tag byte and one double per cell (4 bytes
 * where a block holds only text and booleans), strings as indexes into a string table. 100k × 30
 * cells fit in ~24 MB instead of ~150 MB of row objects, which keeps the worker within a few
 * times the file size.
 */
import type { CellValue } from '../domain/target'
import type { ColumnCells } from '../domain/validate'
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

/**
 * Cells are kept in blocks of BLOCK rows per column: growing the sheet adds blocks instead of
 * doubling and copying whole columns (which at 100k rows held the old and the new arrays at once,
 * and left up to half of the last doubling unused).
 */
const BLOCK_BITS = 12
const BLOCK = 1 << BLOCK_BITS
const MASK = BLOCK - 1

/**
 * A block's values start as 32-bit integers (string indexes, booleans: what most text columns
 * hold) and become doubles the first time a number, date or the like is stored in the block.
 */
type Nums = Int32Array | Float64Array

class Column {
  tags: Uint8Array[] = []
  nums: Nums[] = []
  /** Whether nums[b] is a Float64Array. */
  wide: boolean[] = []
  /** Makes sure the block holding `row` exists. */
  ensure(row: number): void {
    const b = row >>> BLOCK_BITS
    while (this.tags.length <= b) {
      this.tags.push(new Uint8Array(BLOCK))
      this.nums.push(new Int32Array(BLOCK))
      this.wide.push(false)
    }
  }

  widen(b: number): void {
    const wide = new Float64Array(BLOCK)
    wide.set(this.nums[b] as Int32Array)
    this.nums[b] = wide
    this.wide[b] = true
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
    const b = r >>> BLOCK_BITS
    for (const col of this.columns) {
      const tags = col.tags[b]
      if (tags) { tags[r & MASK] = Tag.Empty; (col.nums[b] as Nums)[r & MASK] = 0 }
    }
  }

  /** Grows row storage once to hold `rows` (avoids repeated doubling when the size is known). */
  reserve(rows: number): void {
    if (rows > this.capacity) this.resize(rows)
  }

  private resize(capacity: number): void {
    this.capacity = capacity
    const rows = new Int32Array(capacity)
    rows.set(this.sheetRows)
    this.sheetRows = rows
  }

  private column(c: number): Column {
    while (this.columns.length <= c) this.columns.push(new Column())
    return this.columns[c] as Column
  }

  set(row: number, col: number, tag: Tag, num: number): void {
    const column = this.column(col)
    const b = row >>> BLOCK_BITS
    if (b >= column.tags.length) column.ensure(row)
    if (!column.wide[b] && tag !== Tag.String && tag !== Tag.Bool && tag !== Tag.Empty) column.widen(b)
    ;(column.tags[b] as Uint8Array)[row & MASK] = tag
    ;(column.nums[b] as Nums)[row & MASK] = num
  }

  addString(s: string): number {
    this.strings.push(s)
    return this.strings.length - 1
  }

  tag(row: number, col: number): Tag {
    const tags = this.columns[col]?.tags[row >>> BLOCK_BITS]
    return tags ? (tags[row & MASK] as Tag) : Tag.Empty
  }

  /** The stored number of a cell (a string's index for Tag.String); 0 when empty. */
  num(row: number, col: number): number {
    return this.columns[col]?.nums[row >>> BLOCK_BITS]?.[row & MASK] ?? 0
  }

  get(row: number, col: number): CellValue {
    const column = this.columns[col]
    if (!column || row >= this.rowCount) return null
    const b = row >>> BLOCK_BITS
    const tags = column.tags[b]
    if (!tags) return null
    const num = (column.nums[b] as Nums)[row & MASK] as number
    switch (tags[row & MASK] as Tag) {
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
    if (this.tag(row, col) === Tag.NumericText) return this.num(row, col)
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
    let cells = 0
    for (const col of this.columns) for (const n of col.nums) cells += BLOCK * (1 + n.BYTES_PER_ELEMENT)
    return cells + this.capacity * 4 + strings
  }
}

function timeOfDay(serial: number): string {
  const secs = Math.round((serial - Math.floor(serial)) * 86400) % 86400
  const h = Math.floor(secs / 3600)
  const m = Math.floor((secs % 3600) / 60)
  const s = secs % 60
  return `${h < 10 ? '0' : ''}${h}:${m < 10 ? '0' : ''}${m}:${s < 10 ? '0' : ''}${s}`
}

/**
 * One stored column as the column-wise validation reads it (domain/validate checkColumns): data
 * row d is stored row d + offset. Numbers (and canonical numeric CSV text, as getRaw gives it)
 * are handed over unboxed; everything else as getRaw gives it.
 */
export class StoreColumn implements ColumnCells {
  private readonly tags: Uint8Array[]
  private readonly nums: Nums[]
  constructor(private readonly store: CellStore, private readonly col: number, private readonly offset: number) {
    const column = store.columns[col]
    this.tags = column ? column.tags : []
    this.nums = column ? column.nums : []
  }

  type(row: number): number {
    const r = row + this.offset
    if (r >= this.store.rowCount) return 0
    const tags = this.tags[r >>> BLOCK_BITS]
    if (tags === undefined) return 0
    const tag = tags[r & MASK]
    if (tag === Tag.Number || tag === Tag.NumericText) return 1
    return tag === Tag.Empty ? 0 : 2
  }

  number(row: number): number {
    const r = row + this.offset
    return (this.nums[r >>> BLOCK_BITS] as Nums)[r & MASK] as number
  }

  value(row: number): CellValue {
    return this.store.get(row + this.offset, this.col)
  }
}
