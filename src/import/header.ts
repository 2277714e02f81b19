/**
 * Finds the header in the first rows of a sheet: skips title rows ("2024年1月工资表" merged across),
 * recognises two-row headers ("补贴" over "交通 | 餐费") and joins them as "parent / child", and
 * skips the types and example rows of our own template.
 */
import type { CellValue, TargetSchema } from '../domain/target'
import { kindLabel } from '../domain/target'
import type { CellStore } from './cells'
import type { Merge } from './xlsx-read'
import { exampleValue } from './template'
import { canonicalTitle, normaliseTitle } from './synonyms'

export interface HeaderColumn {
  /** Column index in the sheet (0 = A). */
  index: number
  /** "parent / child" for two-row headers. */
  title: string
  parts: string[]
}

export interface HeaderLayout {
  /** Stored row index of the (first) header row. */
  headerRow: number
  depth: 1 | 2
  columns: HeaderColumn[]
  /** Stored row index of the first data row. */
  dataStart: number
  /** Stored rows between the header and the data that were recognised as template rows. */
  skipped: number[]
}

export const HEADER_SCAN_ROWS = 30

function text(v: CellValue): string {
  return v === null ? '' : typeof v === 'string' ? v.trim() : String(v)
}

function isTextual(v: CellValue): boolean {
  if (typeof v !== 'string') return false
  const s = v.trim()
  return s !== '' && !/^[-+]?[\d,.]+%?$/.test(s) && !/^\d{4}[-/年.]\d{1,2}([-/月.]\d{1,2})?/.test(s)
}

/** Copies a merged range's value into every cell of the range, for ranges that start within the first rows. */
export function fillHeaderMerges(store: CellStore, merges: Merge[], scanRows = HEADER_SCAN_ROWS): void {
  const index = new Map<number, number>()
  for (let r = 0; r < Math.min(store.rowCount, scanRows + 5); r++) index.set(store.sheetRows[r] as number, r)
  for (const m of merges) {
    const top = index.get(m.top)
    if (top === undefined || top >= scanRows) continue
    const tag = store.tag(top, m.left)
    const num = store.num(top, m.left)
    if (tag === 0) continue
    for (let sr = m.top; sr <= m.bottom; sr++) {
      const r = index.get(sr)
      if (r === undefined) continue
      for (let c = m.left; c <= m.right; c++) if (store.tag(r, c) === 0) store.set(r, c, tag, num)
    }
  }
}

function fieldKeys(schema: TargetSchema | undefined): Set<string> {
  const keys = new Set<string>()
  for (const f of schema?.fields ?? []) {
    keys.add(normaliseTitle(f.code))
    keys.add(normaliseTitle(f.title['zh-CN']))
    keys.add(normaliseTitle(f.title['en-US']))
    for (const a of f.aliases ?? []) keys.add(normaliseTitle(a))
    for (const p of f.path ?? []) { keys.add(normaliseTitle(p['zh-CN'])); keys.add(normaliseTitle(p['en-US'])) }
  }
  // Synonyms too: a header row saying 工号 / 员工编号 / 周末 is as much a header as one saying the field's own title.
  for (const k of [...keys]) keys.add(canonicalTitle(k))
  keys.delete('')
  return keys
}

function isKey(keys: Set<string>, t: string): boolean {
  const n = normaliseTitle(t)
  return keys.has(n) || keys.has(canonicalTitle(n))
}

function rowScore(row: CellValue[], keys: Set<string>): number {
  const distinct = new Set<string>()
  let textual = 0
  let nonEmpty = 0
  let matches = 0
  for (const v of row) {
    const t = text(v)
    if (t === '') continue
    nonEmpty++
    if (isTextual(v)) textual++
    if (!distinct.has(t) && isKey(keys, t)) matches++
    distinct.add(t)
  }
  if (distinct.size <= 1) return nonEmpty === 0 ? -Infinity : -100 // blank or a title merged across
  return matches * 10 + textual * 2 + (textual === nonEmpty ? 3 : 0) - (nonEmpty - textual) * 2
}

function matchCount(row: CellValue[], keys: Set<string>): number {
  let n = 0
  for (const v of row) if (isKey(keys, text(v))) n++
  return n
}

export function joinHeader(rows: CellValue[][], headerRow: number, depth: 1 | 2): HeaderColumn[] {
  const top = rows[headerRow] ?? []
  const below = depth === 2 ? (rows[headerRow + 1] ?? []) : []
  const width = Math.max(top.length, below.length)
  const columns: HeaderColumn[] = []
  let carry = ''
  for (let c = 0; c < width; c++) {
    let parent = text(top[c] ?? null)
    const child = depth === 2 ? text(below[c] ?? null) : ''
    // A CSV two-row header writes the parent once, over the first of its children.
    if (depth === 2) {
      if (parent !== '') carry = child !== '' ? parent : ''
      else if (child !== '') parent = carry
      else carry = ''
    }
    if (parent === '' && child === '') continue
    if (child === '' || child === parent) columns.push({ index: c, title: parent, parts: [parent] })
    else if (parent === '') columns.push({ index: c, title: child, parts: [child] })
    else columns.push({ index: c, title: `${parent} / ${child}`, parts: [parent, child] })
  }
  return columns
}

function isTwoRow(rows: CellValue[][], r: number, merges: Merge[], sheetRows: ArrayLike<number>, keys: Set<string>): boolean {
  const top = rows[r] ?? []
  const below = rows[r + 1]
  if (!below) return false
  // A title merged across the sheet is one value, not a row of parents.
  if (new Set(top.map(text).filter((t) => t !== '')).size < 2) return false
  const nonEmpty = below.filter((v) => text(v) !== '')
  if (nonEmpty.length === 0) return false
  const textual = nonEmpty.filter(isTextual).length
  if (textual < nonEmpty.length * 0.8) return false
  const sheetRow = sheetRows[r] as number
  // A merged cell spanning columns (or rows) in the header row is the clearest sign.
  if (merges.some((m) => m.top === sheetRow && (m.right > m.left || m.bottom > m.top))) return true
  // Without merges (CSV): the parent row has gaps exactly where the child row goes on.
  let gapsUnderChildren = 0
  for (let c = 0; c < below.length; c++) if (text(top[c] ?? null) === '' && text(below[c] ?? null) !== '') gapsUnderChildren++
  if (gapsUnderChildren > 0 && text(top[0] ?? null) !== '') return true
  // Our template: titles over codes.
  const m = matchCount(below, keys)
  return m >= 2 && m >= nonEmpty.length * 0.5 && matchCount(top, keys) >= 1
}

function isTypesRow(row: CellValue[], schema: TargetSchema | undefined): boolean {
  if (!schema) return false
  const labels = new Set<string>()
  for (const f of schema.fields) { labels.add(kindLabel(f, 'zh-CN')); labels.add(kindLabel(f, 'en-US')) }
  const cells = row.map(text).filter((t) => t !== '')
  return cells.length > 0 && cells.filter((t) => labels.has(t)).length >= cells.length * 0.6
}

function isExampleRow(row: CellValue[], columns: HeaderColumn[], schema: TargetSchema | undefined): boolean {
  if (!schema) return false
  let compared = 0
  for (const col of columns) {
    const v = text(row[col.index] ?? null)
    if (v === '') continue
    const field = schema.fields.find((f) => col.parts.some((p) => p === f.code || p === f.title['zh-CN'] || p === f.title['en-US']))
    if (!field || exampleValue(field) !== v) return false
    compared++
  }
  return compared > 0
}

/** `rows` are the first stored rows of the sheet (merges already filled). */
export function detectHeader(
  rows: CellValue[][],
  options: { schema?: TargetSchema; merges?: Merge[]; sheetRows?: ArrayLike<number> } = {},
): HeaderLayout | null {
  const keys = fieldKeys(options.schema)
  let best = -1
  let bestScore = -Infinity
  const limit = Math.min(rows.length, HEADER_SCAN_ROWS)
  for (let r = 0; r < limit; r++) {
    const score = rowScore(rows[r] ?? [], keys)
    if (score > bestScore) { bestScore = score; best = r }
  }
  if (best < 0 || bestScore === -Infinity || bestScore <= -100) return null
  const sheetRows = options.sheetRows ?? rows.map((_, i) => i + 1)
  const merges = options.merges ?? []
  // The best-matching row may be the lower half of a two-row header (its parents are above it).
  if (best > 0 && isTwoRow(rows, best - 1, merges, sheetRows, keys)) return layoutAt(rows, best - 1, 2, options.schema)
  const depth: 1 | 2 = isTwoRow(rows, best, merges, sheetRows, keys) ? 2 : 1
  return layoutAt(rows, best, depth, options.schema)
}

/** The layout for a header row and depth the person chose. */
export function layoutAt(rows: CellValue[][], headerRow: number, depth: 1 | 2, schema?: TargetSchema): HeaderLayout {
  const columns = joinHeader(rows, headerRow, depth)
  let dataStart = headerRow + depth
  const skipped: number[] = []
  for (let k = 0; k < 2 && dataStart < rows.length; k++) {
    const row = rows[dataStart] ?? []
    if (isTypesRow(row, schema) || isExampleRow(row, columns, schema)) { skipped.push(dataStart); dataStart++ }
    else break
  }
  return { headerRow, depth, columns, dataStart, skipped }
}
