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
/** Decimal places of a number whose text was not seen (set's default): never passes a block check. */
export const UNKNOWN_PLACES = 127

const BLOCK_BITS = 12
const BLOCK = 1 << BLOCK_BITS
const MASK = BLOCK - 1

/**
 * A block's values start as 32-bit integers (string indexes, booleans: what most text columns
 * hold) and become doubles the first time a number, date or the like is stored in the block.
 * A block whose first value is a number, date or the like starts as doubles with no tag bytes
 * (tags[b] = null): every cell has the tag only[b] and NaN marks an empty cell (a cell's number
 * is never NaN). It gets tag bytes the first time anything else is stored in it. Most numeric
 * columns never do, which saves one byte a cell.
 */
type Nums = Int32Array | Float64Array

class Column {
  tags: Array<Uint8Array | null> = []
  nums: Nums[] = []
  /** Whether nums[b] is a Float64Array. */
  wide: boolean[] = []
  /** The tag of every non-empty cell of a block without tag bytes. */
  only: number[] = []
  /**
   * Per block without tag bytes: how many cells hold a value, and the most decimal places any of
   * them was written with (UNKNOWN_PLACES when a reader did not say). Lets validation pass a whole
   * block of money at once (StoreColumn.plainNumbers).
   */
  filled: number[] = []
  places: number[] = []
  /** Makes sure the block holding `row` exists; new blocks suit a first value tagged `tag`. */
  ensure(row: number, tag: Tag): void {
    const b = row >>> BLOCK_BITS
    const uniform = tag !== Tag.String && tag !== Tag.Bool && tag !== Tag.Empty
    while (this.tags.length <= b) {
      if (uniform) {
        this.tags.push(null)
        this.nums.push(new Float64Array(BLOCK).fill(NaN))
        this.wide.push(true)
      } else {
        this.tags.push(new Uint8Array(BLOCK))
        this.nums.push(new Int32Array(BLOCK))
        this.wide.push(false)
      }
      this.only.push(tag)
      this.filled.push(0)
      this.places.push(0)
    }
  }

  widen(b: number): void {
    const wide = new Float64Array(BLOCK)
    wide.set(this.nums[b] as Int32Array)
    this.nums[b] = wide
    this.wide[b] = true
  }

  /** Gives a block without tag bytes its tag bytes (empty cells back to 0). */
  mix(b: number): Uint8Array {
    const tags = new Uint8Array(BLOCK)
    const nums = this.nums[b] as Float64Array
    const tag = this.only[b] as number
    for (let i = 0; i < BLOCK; i++) {
      if (Number.isNaN(nums[i])) nums[i] = 0
      else tags[i] = tag
    }
    this.tags[b] = tags
    return tags
  }

  /** The tag of cell i of block b (Empty where the block does not exist). */
  tagAt(b: number, i: number): Tag {
    const tags = this.tags[b]
    if (tags === undefined) return Tag.Empty
    if (tags === null) return Number.isNaN((this.nums[b] as Float64Array)[i]) ? Tag.Empty : (this.only[b] as Tag)
    return tags[i] as Tag
  }

  /** The number of cell i of block b; 0 when empty. */
  numAt(b: number, i: number): number {
    const v = this.nums[b]?.[i] ?? 0
    return v === v ? v : 0
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
  /** Sheet row numbers of rows hidden in the spreadsheet program (the reader's note; rows are still read). */
  hiddenRows = new Set<number>()
  /** 0-based columns hidden in the spreadsheet program. */
  hiddenColumns = new Set<number>()
  /** Sheet row numbers of rows with a column-total formula (=SUM(C3:C9)): a sign of a total row. */
  sumRows = new Set<number>()
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
      else if (tags === null) {
        const nums = col.nums[b] as Float64Array
        if (nums[r & MASK] === nums[r & MASK]) col.filled[b] = (col.filled[b] as number) - 1
        nums[r & MASK] = NaN
      }
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

  /**
   * Stores a cell. `places`: for a number read from text, how many decimal places the text had
   * (readers know it for free; validation uses it to pass whole blocks, see plainNumbers).
   */
  set(row: number, col: number, tag: Tag, num: number, places = UNKNOWN_PLACES): void {
    const column = this.column(col)
    const b = row >>> BLOCK_BITS
    if (b >= column.tags.length) column.ensure(row, tag)
    let tags = column.tags[b] as Uint8Array | null
    if (tags === null) {
      const nums = column.nums[b] as Float64Array
      const i = row & MASK
      if (tag === column.only[b] && num === num) {
        if (nums[i] !== nums[i]) column.filled[b] = (column.filled[b] as number) + 1
        if (places > (column.places[b] as number)) column.places[b] = places
        nums[i] = num
        return
      }
      if (tag === Tag.Empty) {
        if (nums[i] === nums[i]) column.filled[b] = (column.filled[b] as number) - 1
        nums[i] = NaN
        return
      }
      tags = column.mix(b)
    }
    if (!column.wide[b] && tag !== Tag.String && tag !== Tag.Bool && tag !== Tag.Empty) column.widen(b)
    tags[row & MASK] = tag
    ;(column.nums[b] as Nums)[row & MASK] = num
  }

  addString(s: string): number {
    this.strings.push(s)
    return this.strings.length - 1
  }

  tag(row: number, col: number): Tag {
    const column = this.columns[col]
    return column ? column.tagAt(row >>> BLOCK_BITS, row & MASK) : Tag.Empty
  }

  /** The stored number of a cell (a string's index for Tag.String); 0 when empty. */
  num(row: number, col: number): number {
    const column = this.columns[col]
    return column ? column.numAt(row >>> BLOCK_BITS, row & MASK) : 0
  }

  get(row: number, col: number): CellValue {
    const column = this.columns[col]
    if (!column || row >= this.rowCount) return null
    const b = row >>> BLOCK_BITS
    const tag = column.tagAt(b, row & MASK)
    if (tag === Tag.Empty) return null
    const num = (column.nums[b] as Nums)[row & MASK] as number
    switch (tag) {
      default: return null
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
    for (const col of this.columns) col.nums.forEach((n, b) => { cells += BLOCK * ((col.tags[b] ? 1 : 0) + n.BYTES_PER_ELEMENT) })
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
  private readonly column: Column
  private readonly nums: Nums[]
  constructor(private readonly store: CellStore, private readonly col: number, private readonly offset: number) {
    this.column = store.columns[col] ?? new Column()
    this.nums = this.column.nums
  }

  type(row: number): number {
    const r = row + this.offset
    if (r >= this.store.rowCount) return 0
    const tag = this.column.tagAt(r >>> BLOCK_BITS, r & MASK)
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

  /**
   * How many data rows from `row` on (to the end of its block) hold numbers with at most `places`
   * decimal places, as the reader saw them written, and under 1e15 (readers only give places
   * for numbers of ≤ 15 digits): 0 unless the whole block is such numbers, no cell empty.
   */
  plainNumbers(row: number, places: number): number {
    const r = row + this.offset
    const b = r >>> BLOCK_BITS
    const column = this.column
    if (column.tags[b] !== null) return 0 // mixed block, or past the last one (undefined)
    const only = column.only[b]
    if ((only !== Tag.Number && only !== Tag.NumericText) || (column.places[b] as number) > places) return 0
    const first = b << BLOCK_BITS
    const end = Math.min(first + BLOCK, this.store.rowCount)
    return column.filled[b] === end - first && r < end ? end - r : 0
  }

  /**
   * How many data rows from `row` on (to the end of its block) hold dates that read back as a
   * valid yyyy-mm-dd: 0 unless the whole block is whole-day Date cells, none empty, from serial
   * 61 (1900-03-01, past the 1900 system's fictitious 29 February) to 2,900,000 (year 9839, still
   * in range with the 1904 system's offset). Each block is looked at once.
   */
  plainDates(row: number): number {
    const r = row + this.offset
    const b = r >>> BLOCK_BITS
    const column = this.column
    if (column.tags[b] !== null || column.only[b] !== Tag.Date) return 0
    const first = b << BLOCK_BITS
    const end = Math.min(first + BLOCK, this.store.rowCount)
    if (column.filled[b] !== end - first || r >= end) return 0
    let known = this.datesKnown[b]
    if (known === undefined) {
      const nums = this.nums[b] as Float64Array
      known = true
      for (let i = 0; i < end - first; i++) {
        const v = nums[i] as number
        if (!(v >= 61 && v <= 2_900_000 && Math.floor(v) === v)) { known = false; break }
      }
      this.datesKnown[b] = known
    }
    return known ? end - r : 0
  }

  private readonly datesKnown: boolean[] = []

  /** memoKey's string indexes are below this. */
  memoLimit(): number {
    return this.store.strings.length
  }

  /** Strings by their string-table index (≥ 0), whole-day dates by their serial (≤ -1); NaN otherwise. */
  memoKey(row: number): number {
    const r = row + this.offset
    if (r >= this.store.rowCount) return NaN
    const b = r >>> BLOCK_BITS
    const tag = this.column.tagAt(b, r & MASK)
    const num = (this.nums[b] as Nums)[r & MASK] as number
    if (tag === Tag.String) return num
    if (tag === Tag.Date && num >= 0 && Math.floor(num) === num) return -1 - num
    return NaN
  }
}
