/**
 * Whole-file validation: per-cell rules, required, stopped fields, the record text total and
 * duplicate keys across the file. Same code in the import worker and on the server.
 *
 * validateRow (values for one row), checkRow (issues and key of one row) and checkColumns /
 * checkRange (the whole file, column-wise) read a cell's rules from one table, KIND_RULES in
 * values.ts, and turn a cell's issues into row issues with one function (fieldIssues).
 */
import type { Issue } from './issues'
import type { CellValue, TargetField, TargetSchema } from './target'
import { AS_IS, checkValue, KIND_RULES, normaliseValue, textLength, type KindRules, type ValueIssue } from './values'

export type RawRow = Record<string, CellValue | undefined>
export type WireRow = Record<string, string | null>

export interface ValidationResult { values: WireRow[]; issues: Issue[] }

/**
 * A writable field's cell issues onto a row: pushes them with `push` and says whether one was an
 * error (then `required` is not added: the cell is not empty, it is wrong).
 */
function fieldIssues(found: readonly ValueIssue[], row: number, code: string, push: (issue: Issue) => void): boolean {
  let hasError = false
  for (const it of found) {
    if (it.severity === 'error') hasError = true
    push(it.params ? { row, field: code, severity: it.severity, code: it.code, params: it.params } : { row, field: code, severity: it.severity, code: it.code })
  }
  return hasError
}

/** The part of validation that needs only one row. `row` is the index put on the issues. */
export function validateRow(schema: TargetSchema, raw: RawRow, row: number, issues: Issue[]): WireRow {
  const out: WireRow = {}
  let textTotal = 0
  const fields = schema.fields
  for (let i = 0; i < fields.length; i++) {
    const field = fields[i] as TargetField
    const code = field.code
    const cell = raw[code]
    const n = cell === undefined ? null : normaliseValue(field, cell)
    if (!field.writable) {
      out[code] = null
      if (n && n.value !== null) issues.push({ row, field: code, severity: 'warning', code: 'field_stopped', params: stoppedParams(field) })
      continue
    }
    const value = n ? n.value : null
    out[code] = value
    const found = n ? n.issues : null
    const hasError = found !== null && found.length > 0 && fieldIssues(found, row, code, (it) => issues.push(it))
    if (value === null) {
      if (field.required && !hasError) {
        issues.push({ row, field: code, severity: 'error', code: 'required' })
      }
    } else if (field.kind === 'text') textTotal += textLength(value)
  }
  if (schema.recordTextLimit !== undefined && textTotal > schema.recordTextLimit) {
    issues.push({ row, field: null, severity: 'error', code: 'record_text_too_long', params: { length: textTotal, limit: schema.recordTextLimit } })
  }
  return out
}

/**
 * Issues of one row and its key, without building the row's wire values: what the worker runs
 * over a whole file. Must report exactly what validateRow reports (a test holds them together).
 */
export function checkRow(schema: TargetSchema, raw: RawRow, row: number, issues: Issue[]): string | null {
  let textTotal = 0
  const fields = schema.fields
  for (let i = 0; i < fields.length; i++) {
    const field = fields[i] as TargetField
    const code = field.code
    const cell = raw[code]
    const found = cell === undefined ? null : checkValue(field, cell)
    if (!field.writable) {
      if (found !== null && !found.some((it) => it.severity === 'error')) issues.push({ row, field: code, severity: 'warning', code: 'field_stopped', params: stoppedParams(field) })
      continue
    }
    const hasError = found !== null && found.length > 0 && fieldIssues(found, row, code, (it) => issues.push(it))
    if (found === null || hasError) {
      if (field.required && !hasError) issues.push({ row, field: code, severity: 'error', code: 'required' })
    } else if (field.kind === 'text') {
      textTotal += typeof cell === 'string' ? textLength(cell) : textLength(normaliseValue(field, cell as CellValue).value ?? '')
    }
  }
  if (schema.recordTextLimit !== undefined && textTotal > schema.recordTextLimit) {
    issues.push({ row, field: null, severity: 'error', code: 'record_text_too_long', params: { length: textTotal, limit: schema.recordTextLimit } })
  }
  let key = ''
  for (let i = 0; i < schema.keyFields.length; i++) {
    const code = schema.keyFields[i] as string
    const field = fields.find((f) => f.code === code)
    const cell = raw[code]
    if (!field || !field.writable || cell === undefined) return null
    const v = normaliseValue(field, cell).value
    if (v === null) return null
    key += i === 0 ? v : '\u0000' + v
  }
  return schema.keyFields.length ? key : null
}

/**
 * One field's cells down the rows, for checkColumns. `type` says how to read a cell without
 * building a value: 0 = empty or not mapped, 1 = a number (read it with `number`), 2 = anything
 * else (read it with `value`).
 */
export interface ColumnCells {
  type(row: number): number
  number(row: number): number
  value(row: number): CellValue
  /**
   * A number that two cells share only when they hold the same value (a string-table index,
   * say), only ever for type-2 cells; NaN for any other cell (empty, a number) or none to give. Lets a value that repeats down a column (a department, a
   * date, a period) be checked once.
   */
  memoKey?(row: number): number
  /** Memo keys ≥ 0 are below this (the size of a string table, say): lets them be kept in a typed array. */
  memoLimit?(): number
  /**
   * How many rows from `row` on (consecutive row numbers) are known without looking to be
   * non-empty numbers under 1e15 with at most `places` decimal places (0 = look at this one).
   */
  plainNumbers?(row: number, places: number): number
  /**
   * How many rows from `row` on (consecutive row numbers) are known without looking to be
   * non-empty dates that read back as a valid yyyy-mm-dd (0 = look at this one).
   */
  plainDates?(row: number): number
}

/**
 * A checked value, kept per memoKey; `text` is its length for the record text limit (-1 = not yet
 * known); `key` its normalised value for a key field (undefined = not yet known).
 */
interface Checked { found: ValueIssue[] | null; text: number; key: string | null | undefined }

/** plainNumbers' `places` for a number field without decimal places: any (readers give at most 15). */
const ANY_PLACES = 126

/** Memoising stops for a column once this many cells have shown mostly distinct values (employee numbers). */
const MEMO_PROBE = 4096

export interface ColumnsCheck {
  /** Issues of rows[i], or undefined when it has none. */
  issues: Array<Issue[] | undefined>
  /** Key of rows[i] (as checkRow returns it). */
  keys: Array<string | null>
  /** hashString of keys[i] (0 for a null key), for sameKeyGroups: taken from the key's parts, so a joined key is never flattened. */
  hashes: Int32Array
}

/**
 * checkRow for many rows at once (the worker's whole-file pass): each field's rules are looked up
 * once, a number cell is checked without boxing it, and nothing is allocated for a cell that is
 * fine. `columns[i]` holds schema.fields[i] (null = not mapped); `rows` are the row indexes put on
 * the issues and passed to the columns, in ascending order. Gives, for every row, exactly the
 * issues (in the same order) and the key that checkRow gives for the row { [field.code]: cell } (a
 * test holds the two together). `afterChunk` is called after each chunk of rows with the rows
 * done so far (progress, cancel: it may throw).
 */
export function checkColumns(
  schema: TargetSchema,
  columns: ReadonlyArray<ColumnCells | null>,
  rows: ArrayLike<number>,
  afterChunk?: (done: number, total: number) => void,
): ColumnsCheck {
  const n = rows.length
  const issues: Array<Issue[] | undefined> = new Array(n)
  const fields = schema.fields
  const limit = schema.recordTextLimit
  const textTotal = limit !== undefined ? new Float64Array(n) : null
  // Each key field's normalised values, taken while its cells are checked (no second pass over
  // them). No keys at all when a key field is unmapped or stopped (checkRow gives null then).
  const keyIndex = schema.keyFields.map((code) => fields.findIndex((f) => f.code === code))
  const keyed = keyIndex.length > 0 && keyIndex.every((f) => f >= 0 && (fields[f] as TargetField).writable && columns[f])
  const keyParts = keyIndex.map((f, k) => (!keyed ? null : keyIndex.indexOf(f) < k ? null : new Array<string | null>(n).fill(null)))
  keyIndex.forEach((f, k) => { if (keyParts[k] === null && keyed) keyParts[k] = keyParts[keyIndex.indexOf(f)] ?? null })
  const checks = fields.map((field, f) => {
    const k = keyed ? keyIndex.indexOf(f) : -1
    return new FieldCheck(field, columns[f] ?? null, k >= 0 ? keyParts[k] ?? null : null)
  })
  // Chunk by chunk of rows, every field in each: the first chunk takes every path of checkRange
  // (every kind of field), so V8 optimises it once with what it needs. Field after field over all
  // rows had it optimise for the first fields' paths, then throw that code away (deoptimise) at each
  // field that took a new path, and compile again — seven times in one pass, 35–160 ms of compiling each.
  for (let from = 0; from < n;) {
    const to = Math.min(n, from === 0 ? FIRST_CHUNK_ROWS : from + CHUNK_ROWS)
    for (let f = 0; f < checks.length; f++) checkRange(checks[f] as FieldCheck, rows, from, to, issues, textTotal)
    afterChunk?.(to, n)
    from = to
  }
  if (textTotal !== null && limit !== undefined) {
    for (let i = 0; i < n; i++) {
      const length = textTotal[i] as number
      if (length > limit) pushIssue(issues, i, { row: rows[i] as number, field: null, severity: 'error', code: 'record_text_too_long', params: { length, limit } })
    }
  }
  if (!keyed) return { issues, keys: new Array(n).fill(null), hashes: new Int32Array(n) }
  return { issues, ...joinKeys(keyParts as Array<Array<string | null>>) }
}

/**
 * Rows checked per field before going on to the next field (see checkColumns). The first chunk is
 * small, so that every field has been through checkRange before V8 finds it hot.
 */
const CHUNK_ROWS = 4096
const FIRST_CHUNK_ROWS = 256

/** checkRow's keys from each key field's values (null where any part is null), and their hashes. */
function joinKeys(parts: Array<Array<string | null>>): { keys: Array<string | null>; hashes: Int32Array } {
  // A copy when there is more than one part: a field named twice in keyFields shares its array.
  const keys = parts.length > 1 ? (parts[0] as Array<string | null>).slice() : (parts[0] as Array<string | null>)
  const n = keys.length
  const hashes = new Int32Array(n)
  for (let i = 0; i < n; i++) {
    const a = keys[i] as string | null
    if (a !== null) hashes[i] = hashAdd(FNV_START, a)
  }
  for (let k = 1; k < parts.length; k++) {
    const part = parts[k] as Array<string | null>
    for (let i = 0; i < n; i++) {
      const a = keys[i] as string | null
      const b = part[i] as string | null
      if (a === null || b === null) keys[i] = null
      else {
        keys[i] = a + '\u0000' + b
        hashes[i] = hashAdd(Math.imul(hashes[i] as number, FNV_PRIME), b) // the '\u0000' (xor 0) then b
      }
    }
  }
  for (let i = 0; i < n; i++) hashes[i] = keys[i] === null ? 0 : hashEnd(hashes[i] as number)
  return { keys, hashes }
}

function pushIssue(issues: Array<Issue[] | undefined>, i: number, issue: Issue): void {
  const list = issues[i]
  if (list) list.push(issue)
  else issues[i] = [issue]
}

/**
 * How many of rows[i], rows[i + 1], … (up to rows[end - 1]) are row numbers rows[i], rows[i] + 1,
 * … below rows[i] + run.
 */
function runInRows(rows: ArrayLike<number>, i: number, end: number, run: number): number {
  const row = rows[i] as number
  const last = Math.min(end, i + run) - 1
  // Rows only go up (no repeats), so when the last one is in step, so is every one between.
  if (rows[last] === row + (last - i)) return last - i + 1
  let k = i + 1
  while (k <= last && rows[k] === row + (k - i)) k++
  return k - i
}

/**
 * One field's rules and what checkRange has learnt of its column so far. A class, so that every
 * field's state has one shape (checkRange reads it for every cell).
 */
class FieldCheck {
  readonly code: string
  readonly writable: boolean
  readonly required: boolean
  readonly isText: boolean
  /** The field kind's rules (KIND_RULES): the same ones validateRow and checkRow apply. */
  readonly rules: KindRules
  /** Checked values by memo key (see find); false once the column showed mostly distinct values, or has no keys. */
  memo: boolean
  looked = 0
  /** Memo keys below memoLimit → 1 + their place in `known` (typed: no Map lookups); other keys in `byKey`. */
  private ids: Int32Array | null = null
  private readonly known: Checked[] = []
  private readonly byKey = new Map<number, Checked>()
  private readonly memoLimit: number
  /** plainNumbers' `places` (-1: not a number field). */
  readonly places: number
  /** The column, when whole runs of plain numbers pass unseen; whole runs of valid dates. */
  readonly runs: ColumnCells | null
  readonly dates: ColumnCells | null
  constructor(
    readonly field: TargetField,
    readonly col: ColumnCells | null,
    /** For a key field: its normalised values by row index (left null for an empty cell). */
    readonly keyPart: Array<string | null> | null,
  ) {
    this.code = field.code
    this.writable = field.writable
    this.required = field.required
    this.isText = field.kind === 'text'
    this.rules = KIND_RULES[field.kind]
    this.memo = !!(col && col.memoKey)
    this.memoLimit = col && col.memoLimit ? col.memoLimit() : 0
    // A writable number or money field passes whole runs of rows that the store knows hold plain
    // numbers with few enough decimals: checkNumber finds nothing in them (a test holds the two together).
    // (checkNumber looks at places up to 10; a number field without places takes any.) Not for a
    // key field: its values are wanted.
    this.places = field.kind === 'money' ? field.decimalPlaces ?? 2 : field.kind === 'number' ? field.decimalPlaces ?? ANY_PLACES : -1
    const plain = col !== null && field.writable && keyPart === null
    this.runs = plain && ((this.places >= 0 && this.places <= 10) || this.places === ANY_PLACES) && col.plainNumbers ? col : null
    // Likewise a date field passes runs of valid dates: checkValue finds nothing in a yyyy-mm-dd date.
    this.dates = plain && (field.kind === 'date' || field.kind === 'compact_date') && col.plainDates ? col : null
  }

  find(key: number): Checked | undefined {
    if (key >= 0 && key < this.memoLimit) {
      const ids = this.ids ?? (this.ids = new Int32Array(this.memoLimit))
      const at = ids[key] as number
      return at === 0 ? undefined : this.known[at - 1]
    }
    return this.byKey.get(key)
  }

  remember(key: number, checked: Checked): void {
    if (key >= 0 && key < this.memoLimit) {
      this.known.push(checked)
      ;(this.ids as Int32Array)[key] = this.known.length
    } else this.byKey.set(key, checked)
  }

  /** Counts a lookup; after MEMO_PROBE of them, stops memoising a column of mostly distinct values. */
  looks(): void {
    if (++this.looked === MEMO_PROBE && this.known.length + this.byKey.size > MEMO_PROBE * 0.9) {
      this.memo = false
      this.ids = null
    }
  }
}

/**
 * One field over rows[from..to): its issues onto `issues`, its text length onto `textTotal`, and
 * for a key field its normalised values onto its keyPart.
 */
function checkRange(
  c: FieldCheck,
  rows: ArrayLike<number>,
  from: number,
  to: number,
  issues: Array<Issue[] | undefined>,
  textTotal: Float64Array | null,
): void {
  const field = c.field
  const code = c.code
  const col = c.col
  if (col === null) {
    if (c.writable && c.required) for (let i = from; i < to; i++) pushIssue(issues, i, { row: rows[i] as number, field: code, severity: 'error', code: 'required' })
    return
  }
  const keyPart = c.keyPart
  const runs = c.runs
  const dates = c.dates
  for (let i = from; i < to; i++) {
    const row = rows[i] as number
    if (runs !== null) {
      const run = (runs.plainNumbers as (row: number, places: number) => number)(row, c.places)
      if (run > 0) {
        i += runInRows(rows, i, to, run) - 1
        continue
      }
    } else if (dates !== null) {
      const run = (dates.plainDates as (row: number) => number)(row)
      if (run > 0) {
        i += runInRows(rows, i, to, run) - 1
        continue
      }
    }
    // A memo key means a non-empty, non-number cell: its type need not be asked for.
    const key = c.memo ? (col.memoKey as (row: number) => number)(row) : NaN
    const type = key === key ? 2 : col.type(row)
    let found: ValueIssue[] | null
    let cell: CellValue = null
    let checked: Checked | undefined
    if (type === 0) found = null
    else if (type === 1) found = c.rules.number(field, col.number(row))
    else {
      if (key === key) {
        checked = c.find(key)
        if (checked === undefined) {
          cell = col.value(row)
          checked = { found: c.rules.check(field, cell), text: -1, key: undefined }
          c.remember(key, checked)
        }
        c.looks()
        found = checked.found
      } else {
        cell = col.value(row)
        found = c.rules.check(field, cell)
      }
    }
    if (!c.writable) {
      if (found !== null && !found.some((it) => it.severity === 'error')) pushIssue(issues, i, { row, field: code, severity: 'warning', code: 'field_stopped', params: stoppedParams(field) })
      continue
    }
    if (found === null) {
      if (c.required) pushIssue(issues, i, { row, field: code, severity: 'error', code: 'required' })
      continue
    }
    if (keyPart !== null) {
      if (checked) {
        if (checked.key === undefined) checked.key = checked.found === AS_IS ? col.value(row) as string : normaliseValue(field, col.value(row)).value
        keyPart[i] = checked.key
      } else if (found === AS_IS) keyPart[i] = cell as string
      else keyPart[i] = normaliseValue(field, type === 1 ? col.number(row) : cell).value
    }
    const hasError = found.length > 0 && fieldIssues(found, row, code, (it) => pushIssue(issues, i, it))
    if (!hasError && c.isText && textTotal !== null) {
      let length = checked ? checked.text : -1
      if (length < 0) {
        if (type === 1) cell = col.number(row)
        else if (checked) cell = col.value(row)
        length = typeof cell === 'string' ? textLength(cell) : textLength(normaliseValue(field, cell).value ?? '')
        if (checked) checked.text = length
      }
      textTotal[i] = (textTotal[i] as number) + length
    }
  }
}

function stoppedParams(field: TargetField): Record<string, string> {
  const zh = field.stoppedReason?.['zh-CN']
  const en = field.stoppedReason?.['en-US']
  return { 'reason_zh-CN': zh ? `${zh.replace(/[。.]$/, '')}。` : '', 'reason_en-US': en ? `${en.replace(/\.$/, '')}. ` : '' }
}

/** Key of a row on schema.keyFields, or null when any key part is empty (reported as required). */
export function rowKey(schema: TargetSchema, values: WireRow): string | null {
  let key = ''
  for (let i = 0; i < schema.keyFields.length; i++) {
    const v = values[schema.keyFields[i] as string]
    if (v === null || v === undefined) return null
    key += i === 0 ? v : '\u0000' + v
  }
  return key
}

/** Issues for every row whose key appears more than once. Rows are listed by index in `values`. */
export function duplicateIssues(schema: TargetSchema, values: ArrayLike<WireRow | undefined>, rowIndex: (i: number) => number = (i) => i): Issue[] {
  if (schema.keyFields.length === 0) return []
  const keys: Array<string | null> = new Array(values.length)
  for (let i = 0; i < values.length; i++) {
    const v = values[i]
    keys[i] = v ? rowKey(schema, v) : null
  }
  return duplicateIssuesFromKeys(schema, keys, rowIndex)
}

/** The duplicate_key params for a key shared by `count` rows (same for every row of the group). */
export function duplicateParams(schema: TargetSchema, key: string, count: number): Record<string, string | number> {
  const titles = schema.keyFields.map((code) => schema.fields.find((f) => f.code === code)?.title)
  return {
    key: key.split('\u0000').join(' / '),
    count,
    'fields_zh-CN': titles.map((t, i) => t?.['zh-CN'] ?? schema.keyFields[i]).join(' + '),
    'fields_en-US': titles.map((t, i) => t?.['en-US'] ?? schema.keyFields[i]).join(' + '),
  }
}

export function duplicateIssuesFromKeys(schema: TargetSchema, keys: ArrayLike<string | null>, rowIndex: (i: number) => number = (i) => i): Issue[] {
  if (schema.keyFields.length === 0) return []
  const issues: Issue[] = []
  const firstKey = schema.keyFields[0] as string
  for (const list of sameKeyGroups(keys)) {
    const params = duplicateParams(schema, keys[list[0] as number] as string, list.length)
    for (const i of list) issues.push({ row: rowIndex(i), field: firstKey, severity: 'error', code: 'duplicate_key', params })
  }
  return issues
}

/**
 * The indexes that share a key, for every key held more than once: groups in the order their key
 * first appears, indexes ascending (null keys are in no group). An open-addressing table over the
 * keys' own hash: for 100,000 keys that are nearly all distinct (the usual file) it is ~3× a Map,
 * which spends its time growing and hashing for keys it never sees again. `hashes[i]`, when
 * given, must be hashString(keys[i]) (checkColumns gives them).
 */
export function sameKeyGroups(keys: ArrayLike<string | null | undefined>, hashes?: ArrayLike<number>): number[][] {
  const n = keys.length
  let size = 1024
  while (size < n * 2) size *= 2
  const mask = size - 1
  const slots = new Int32Array(size) // 1 + the first index holding a key; 0 = free
  const next = new Int32Array(n).fill(-1) // the next index with the same key
  const last = new Int32Array(n) // for a first index: the last index with its key so far
  const own = new Int32Array(n) // each index's hash
  const firsts: number[] = []
  for (let i = 0; i < n; i++) {
    const key = keys[i]
    if (key === null || key === undefined) continue
    const hash = hashes ? (hashes[i] as number) : hashString(key)
    own[i] = hash
    let slot = hash & mask
    for (;;) {
      const entry = slots[slot] as number
      if (entry === 0) { slots[slot] = i + 1; last[i] = i; break }
      const first = entry - 1
      // The hashes first: a joined key is then compared (and flattened) only when it may be equal.
      if (own[first] === hash && keys[first] === key) {
        if (last[first] === first) firsts.push(first)
        next[last[first] as number] = i
        last[first] = i
        break
      }
      slot = (slot + 1) & mask
    }
  }
  firsts.sort((a, b) => a - b)
  return firsts.map((first) => {
    const list: number[] = []
    for (let i = first; i >= 0; i = next[i] as number) list.push(i)
    return list
  })
}

/** FNV-1a over the UTF-16 units, then a final mix; hashAdd and hashEnd give it in parts. */
export function hashString(s: string): number {
  return hashEnd(hashAdd(FNV_START, s))
}

const FNV_START = 0x811c9dc5
const FNV_PRIME = 0x01000193

function hashAdd(h: number, s: string): number {
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), FNV_PRIME)
  return h
}

function hashEnd(h: number): number {
  h ^= h >>> 16
  h = Math.imul(h, 0x85ebca6b)
  h ^= h >>> 13
  return h
}

export function validateRows(schema: TargetSchema, rows: RawRow[]): ValidationResult {
  const issues: Issue[] = []
  const values: WireRow[] = new Array(rows.length)
  for (let r = 0; r < rows.length; r++) values[r] = validateRow(schema, rows[r] as RawRow, r, issues)
  for (const it of duplicateIssues(schema, values)) issues.push(it)
  return { values, issues }
}

export interface IssueSummary { errors: number; warnings: number; rowsWithErrors: number; rowsWithWarnings: number }

export function summariseIssues(issues: readonly Issue[]): IssueSummary {
  const errRows = new Set<number>()
  const warnRows = new Set<number>()
  let errors = 0
  let warnings = 0
  for (const it of issues) {
    if (it.severity === 'error') { errors++; errRows.add(it.row) } else { warnings++; warnRows.add(it.row) }
  }
  return { errors, warnings, rowsWithErrors: errRows.size, rowsWithWarnings: warnRows.size }
}
