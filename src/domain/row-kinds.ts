/**
 * Rows of an HR sheet that are not employees: total rows (合计 / 小计 / Total, a column-total
 * formula such as =SUM(C3:C9), or numbers that are the sums of the rows above) and block labels (a department name alone between blocks). They are left out of an
 * import and said once; the person can take any of them back by hand.
 *
 * Never a real employee: a row whose key (employee number, ID) holds a value other than a total
 * word is always an employee, and a name only counts when the whole cell is a total word, or a
 * unit's total such as "研发部小计" — "张合计" or "Totalis Ltd" are names, not totals.
 */
import type { CellValue } from './target'
import { toHalfWidth } from './values'

export type RowKind = 'total' | 'label'

const TOTAL_WORDS = new Set([
  '合计', '总计', '小计', '共计', '总合计', '合计数', '总额', '汇总', '總計', '合計', '小計',
  'total', 'totals', 'subtotal', 'sub-total', 'grandtotal', 'sum', 'sumtotal',
])

/** Units a subtotal is named after: "研发部小计", "华东区合计". */
const UNIT_SUFFIX = /(?:部|部门|组|小组|中心|科|处|室|队|团队|区|片区|公司|分公司|事业部|门店|店|车间|班组|项目)$/

/** The cell as a word: half-width, lower-case, without spaces, colons and brackets ("合 计：" → "合计"). */
function word(s: string): string {
  return toHalfWidth(s).toLowerCase().replace(/[\s:：()（）[\]【】*#]+/g, '')
}

/** A cell that says "total": the whole cell is a total word, or a unit's name followed by one. */
export function isTotalText(s: string): boolean {
  if (s.length > 40) return false
  const w = word(s)
  if (TOTAL_WORDS.has(w)) return true
  for (const t of ['合计', '总计', '小计']) {
    if (w.endsWith(t) && w.length > t.length && UNIT_SUFFIX.test(w.slice(0, -t.length))) return true
  }
  // "Total HR", "Sales subtotal", "Grand total:"
  return /^(?:grand\s?total|sub-?total|total)\s+\S.{0,30}$/i.test(s.trim()) || /^\S.{0,30}\s(?:sub-?total|total)$/i.test(s.trim())
}

/** Half- or full-width digit anywhere (a loop: this runs on every row's key in mayBeNonEmployee). */
function hasDigit(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i)
    if ((c >= 48 && c <= 57) || (c >= 0xff10 && c <= 0xff19)) return true
  }
  return false
}

function empty(v: CellValue | undefined): boolean {
  return v === null || v === undefined || (typeof v === 'string' && v.trim() === '')
}

/**
 * Whether a row may be a total or a label at all, from its key cells alone: every key cell empty,
 * a total word, or a text without digits. Cheap: the detector runs it for every row and looks at
 * the rest of a row only when this says yes (nearly never in an employee sheet).
 */
export function mayBeNonEmployee(keyCells: readonly CellValue[]): boolean {
  for (const v of keyCells) {
    if (empty(v)) continue
    if (typeof v !== 'string' || hasDigit(v) || v.includes('@')) return false
  }
  return true
}

export interface RowContext {
  /** Every cell of the row, by sheet column. */
  cells: readonly CellValue[]
  /** The sheet columns holding the row's key (employee number, ID); may be empty. */
  keyColumns: readonly number[]
  /** The leftmost column under the header. */
  firstColumn: number
  /** Sums per column of the number cells of the rows above, back to the last total, label or the header; null = not known. */
  sumsAbove: ((col: number) => { sum: number; count: number }) | null
  /** The row holds a column-total formula (=SUM(C3:C9)): with no key, that makes it a total whatever the numbers. */
  columnSum?: boolean
}

/** 'total', 'label' or null (an employee, or anything else: kept). */
export function classifyRow(ctx: RowContext): RowKind | null {
  const { cells, keyColumns } = ctx
  if (!mayBeNonEmployee(keyColumns.map((c) => cells[c] ?? null))) return null
  // A key cell holding anything but a total word, or anything but a label-like text, is an ID.
  let filled = 0
  let only = -1
  let numbers = 0
  let totalCell = false
  for (let c = 0; c < cells.length; c++) {
    const v = cells[c] ?? null
    if (empty(v)) continue
    filled++
    only = c
    if (typeof v === 'number') numbers++
    else if (typeof v === 'string' && isTotalText(v)) totalCell = true
  }
  if (filled === 0) return null
  if (totalCell) {
    // A key cell must be empty or the total word itself ("合计" written in the 工号 column).
    const keysOk = keyColumns.every((c) => { const v = cells[c] ?? null; return empty(v) || (typeof v === 'string' && isTotalText(v)) })
    if (keysOk) return 'total'
  }
  if (filled === 1) {
    const v = cells[only]
    if (typeof v === 'string') return !hasDigit(v) && !v.includes('@') && only <= ctx.firstColumn + 1 && v.trim().length <= 40 ? 'label' : null
  }
  const keyless = keyColumns.length > 0 && keyColumns.every((c) => empty(cells[c] ?? null))
  // No word: a row without key that sums a column with a formula (=SUM(C3:C9), =SUBTOTAL(9,C3:C9)).
  if (ctx.columnSum && numbers >= 1 && keyless) return 'total'
  // …or whose every number is the sum of its column above (a total typed in, or pasted as values).
  if (ctx.sumsAbove && numbers >= 1 && keyless) {
    for (let c = 0; c < cells.length; c++) {
      const v = cells[c]
      if (typeof v !== 'number') continue
      const { sum, count } = ctx.sumsAbove(c)
      if (count < 2 || Math.abs(sum - v) > 1e-6 * Math.max(1, Math.abs(v))) return null
    }
    return 'total'
  }
  return null
}
