/**
 * Payroll batch controls (issue 16): the period guard, control totals, and the comparisons a
 * payroll team makes before and after a write. Pure: the app and the server use the same rules.
 */
import type { CheckedField, PayrollKey, PayrollRowInput } from './jobs'
import type { I18nText } from './target'

// ------------------------------------------------------------------------------ period guard

/**
 * Payment activity states (payroll-v1/payment_activity/list `activity_status`): 100 awaiting the
 * list, 150 awaiting submission, 200 in approval, 300 rejected, 350 withdrawn, 360 revoked,
 * 375 approved, 400 archived.
 */
export const PAYMENT_ACTIVITY_APPROVED = 375
export const PAYMENT_ACTIVITY_ARCHIVED = 400

export interface PaymentActivityView { activity_id: string; name: I18nText; pay_date: string; status: number }

const pad = (n: number) => String(n).padStart(2, '0')
function lastDayOf(year: number, month: number): string {
  return `${year}-${pad(month)}-${pad(new Date(Date.UTC(year, month, 0)).getUTCDate())}`
}
function nextMonth(ym: string): { y: number; m: number } {
  const [y, m] = ym.split('-').map(Number) as [number, number]
  return m === 12 ? { y: y + 1, m: 1 } : { y, m: m + 1 }
}

/**
 * The pay-date window whose payment activities may pay out a key's data. The list API filters by
 * pay date only (发薪日) and says nothing of which period an activity pays, so the window is the
 * key's first month through the end of the month after its last month: a period is usually paid
 * in that month or the next. Wider rather than narrower — the guard only warns, and a missed
 * approved activity would let values land that are never paid.
 */
export function periodGuardWindow(key: PayrollKey): { start: string; end: string } {
  const first = key.payroll_period ?? (key.occur_day ?? key.custom_start ?? '').slice(0, 7)
  const last = key.payroll_period ?? (key.occur_day ?? key.custom_end ?? key.custom_start ?? '').slice(0, 7)
  if (!/^\d{4}-\d{2}$/.test(first) || !/^\d{4}-\d{2}$/.test(last)) throw new Error('a payroll key needs a period or days')
  const n = nextMonth(last)
  return { start: `${first}-01`, end: lastDayOf(n.y, n.m) }
}

export type PeriodGuard =
  /** No approved or archived activity pays this period (as far as Feishu shows this person). */
  | { state: 'open'; activities: PaymentActivityView[] }
  /** Values written now would land in Feishu but never be paid by these activities. */
  | { state: 'closed'; activities: PaymentActivityView[]; closing: PaymentActivityView[] }
  /** The app could not read the activities: the scope is missing, or Feishu refused. */
  | { state: 'unknown'; reason: 'scope_missing' | 'no_permission' | 'unavailable'; scopes?: string[] }

export function periodGuardOf(activities: PaymentActivityView[]): PeriodGuard {
  const closing = activities.filter((a) => a.status === PAYMENT_ACTIVITY_APPROVED || a.status === PAYMENT_ACTIVITY_ARCHIVED)
  return closing.length ? { state: 'closed', activities, closing } : { state: 'open', activities }
}

// ---------------------------------------------------------------------------- control totals

export type ControlFigureProblem = 'empty' | 'not_a_number' | 'ambiguous_separator' | 'not_whole' | 'negative' | 'too_many_decimals'

/** Currency signs and words a source system prints beside a total. */
const CURRENCY = /(?:RMB|CNY|USD|HKD|EUR|元|人民币|[¥￥$€£])/giu
const FULL_WIDTH = /[０-９，．－（）]/g

/**
 * A figure as a person typed it from a source system's printout → a plain decimal string
 * ("-1234.5"). Thousands separators (",", "，", spaces, "'", "_") and currency signs are dropped;
 * accounting parentheses mean negative. A comma that cannot be a thousands separator ("12,34",
 * "1.234,56") is refused rather than guessed: a wrong guess would let a wrong total pass.
 */
export function parseControlFigure(text: string, opts: { whole?: boolean; maxDecimals?: number } = {}): { value: string } | { problem: ControlFigureProblem } {
  let s = text.replace(FULL_WIDTH, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0)).replace(CURRENCY, '').replace(/[\s\u00a0\u2009\u202f'_]/g, '')
  if (s === '') return { problem: 'empty' }
  let negative = false
  if (/^\(.*\)$/.test(s)) { negative = true; s = s.slice(1, -1) }
  if (s.startsWith('-')) { negative = !negative; s = s.slice(1) } else if (s.startsWith('+')) s = s.slice(1)
  if (s.endsWith('-')) { negative = !negative; s = s.slice(0, -1) }
  if (!/^[\d.,]+$/.test(s) || !/\d/.test(s)) return { problem: 'not_a_number' }
  const dots = s.split('.').length - 1
  if (dots > 1) return { problem: s.includes(',') ? 'ambiguous_separator' : 'not_a_number' }
  const [int = '', frac = ''] = s.split('.')
  if (int.includes(',')) {
    // Thousands groups only: 1,234 or 12,345,678 (never 12,34 — a decimal comma, or a typo).
    if (!/^\d{1,3}(,\d{3})+$/.test(int)) return { problem: 'ambiguous_separator' }
  }
  if (frac.includes(',')) return { problem: 'ambiguous_separator' }
  const digits = int.replace(/,/g, '')
  if (digits === '' && frac === '') return { problem: 'not_a_number' }
  if (opts.whole && frac !== '' && !/^0*$/.test(frac)) return { problem: 'not_whole' }
  const trimmedFrac = frac.replace(/0+$/, '')
  if (opts.maxDecimals !== undefined && trimmedFrac.length > opts.maxDecimals) return { problem: 'too_many_decimals' }
  const intPart = digits.replace(/^0+(?=\d)/, '') || '0'
  const body = opts.whole ? intPart : trimmedFrac ? `${intPart}.${trimmedFrac}` : intPart
  if (negative && opts.whole) return { problem: 'negative' }
  return { value: negative && !/^0(\.0*)?$/.test(body) ? `-${body}` : body }
}

/** Exact decimal arithmetic on wire values ("12.23"): floats would lose cents over 100,000 rows. */
const SCALE = 6
function toScaled(v: string): bigint | null {
  const m = /^(-)?(\d+)(?:\.(\d+))?$/.exec(v.trim())
  if (!m) return null
  const frac = (m[3] ?? '').slice(0, SCALE).padEnd(SCALE, '0')
  const n = BigInt(m[2]!) * 10n ** BigInt(SCALE) + BigInt(frac)
  return m[1] ? -n : n
}
function fromScaled(n: bigint): string {
  const neg = n < 0n
  const a = neg ? -n : n
  const int = a / 10n ** BigInt(SCALE)
  const frac = (a % 10n ** BigInt(SCALE)).toString().padStart(SCALE, '0').replace(/0+$/, '')
  return `${neg ? '-' : ''}${int}${frac ? `.${frac}` : ''}`
}

/** The sum of decimal strings; values that are not numbers are skipped (they failed validation). */
export function decimalSum(values: Iterable<string>): string {
  let total = 0n
  for (const v of values) total += toScaled(v) ?? 0n
  return fromScaled(total)
}

export function decimalEquals(a: string, b: string): boolean {
  const x = toScaled(a)
  const y = toScaled(b)
  return x !== null && y !== null && x === y
}

/** a − b as a decimal string (both must be numbers). */
export function decimalDiff(a: string, b: string): string {
  return fromScaled((toScaled(a) ?? 0n) - (toScaled(b) ?? 0n))
}

/** What the preparer typed: the headcount and totals per field code, as printed by the source system. */
export interface ControlInput { headcount: string; totals: Record<string, string> }

export interface ControlLine {
  /** `headcount` or a field code. */
  field: string
  typed: string
  /** The typed figure as a number, when it reads as one. */
  expected: string | null
  /** The file's own figure (records that would be written). */
  actual: string
  state: 'match' | 'mismatch' | 'invalid' | 'blank'
  problem?: ControlFigureProblem
}

export interface ControlCheck { lines: ControlLine[]; mismatches: number; invalid: number; blocking: boolean }

/** The minimum length of an override reason: a word or two is not a reason. */
export const OVERRIDE_REASON_MIN = 10
export const OVERRIDE_REASON_MAX = 500

/**
 * The preparer's control figures beside the file's own. A mismatch or a figure that does not read
 * as a number blocks the write; a blank figure is simply not checked. `records` are the rows that
 * would be written (their values by field code, null = empty cell).
 */
export function checkControls(
  input: ControlInput,
  records: ReadonlyArray<{ values: Readonly<Record<string, string | null>> }>,
  numericFields: ReadonlyArray<{ code: string; decimals: number | null }>,
): ControlCheck {
  const lines: ControlLine[] = []
  const line = (field: string, typed: string, actual: string, parse: ReturnType<typeof parseControlFigure>) => {
    if (typed.trim() === '') lines.push({ field, typed, expected: null, actual, state: 'blank' })
    else if ('problem' in parse) lines.push({ field, typed, expected: null, actual, state: 'invalid', problem: parse.problem })
    else lines.push({ field, typed, expected: parse.value, actual, state: decimalEquals(parse.value, actual) ? 'match' : 'mismatch' })
  }
  line('headcount', input.headcount, String(records.length), parseControlFigure(input.headcount, { whole: true }))
  for (const f of numericFields) {
    const typed = input.totals[f.code] ?? ''
    const actual = decimalSum(records.map((r) => r.values[f.code]).filter((v): v is string => typeof v === 'string' && v !== ''))
    line(f.code, typed, actual, parseControlFigure(typed, { maxDecimals: 6 }))
  }
  const mismatches = lines.filter((l) => l.state === 'mismatch').length
  const invalid = lines.filter((l) => l.state === 'invalid').length
  return { lines, mismatches, invalid, blocking: mismatches + invalid > 0 }
}

/** A written override reason that may release a blocked write. */
export function overrideReasonProblem(reason: string): 'too_short' | 'too_long' | null {
  const r = reason.trim()
  if (r.length < OVERRIDE_REASON_MIN) return 'too_short'
  if (r.length > OVERRIDE_REASON_MAX) return 'too_long'
  return null
}

/**
 * Whether the write may go: nothing blocks, or only mismatches block and the preparer wrote a
 * reason. A figure that does not read as a number is never overridden: it has to be fixed.
 */
export function controlsReleased(check: ControlCheck, overrideReason: string): boolean {
  if (!check.blocking) return true
  return check.invalid === 0 && overrideReasonProblem(overrideReason) === null
}

/** What is kept with the job (audit): the figures, the outcome and any override reason. */
export interface JobControls {
  lines: Array<{ field: string; typed: string; expected: string | null; actual: string; state: ControlLine['state'] }>
  override_reason: string | null
}

// ---------------------------------------------------------------- a revert that respects edits

export interface RecordNow { active_status: number; values: Record<string, string> }

/**
 * A revert row against what Feishu holds now (read right before the revert's save). A field is
 * reverted only while it still holds what the job wrote; a field someone changed since is kept,
 * and reported with both values. A field already back at its earlier value (a resent batch) counts
 * as reverted. A record the job created is stopped only while every value is still the job's: a
 * record someone has worked on since stays active, and its changed fields are reported.
 * Returns the row to send (null = nothing left to send) and the kept fields.
 */
export function respectLaterEdits(row: PayrollRowInput, now: RecordNow | null): { send: PayrollRowInput | null; kept: CheckedField[] } {
  const expect = row.expect
  if (!expect) return { send: row, kept: [] }
  const kept: CheckedField[] = []
  if (now === null) {
    // The record is gone (Feishu has no delete; treat it as changed by someone): nothing to revert.
    for (const [field, v] of Object.entries(expect.values)) kept.push({ field, expected: v, actual: null })
    return { send: null, kept }
  }
  const stop = row.active_status === 2 && expect.active_status !== 2 && Object.keys(row.values).length === 0
  if (stop) {
    if (now.active_status === 2) return { send: null, kept: [] }
    for (const [field, v] of Object.entries(expect.values)) if (now.values[field] !== v) kept.push({ field, expected: v, actual: now.values[field] ?? null })
    return kept.length ? { send: null, kept } : { send: row, kept: [] }
  }
  const values: Record<string, string | null> = {}
  let pending = 0
  for (const [field, old] of Object.entries(row.values)) {
    const current = now.values[field]
    if (old !== null && current === old) continue // already back
    if (current !== expect.values[field]) { kept.push({ field, expected: expect.values[field] ?? null, actual: current ?? null }); continue }
    values[field] = old
    pending++
  }
  const wantStatus = row.active_status ?? 1
  const statusPending = now.active_status !== wantStatus && now.active_status === expect.active_status
  if (pending === 0 && !statusPending) return { send: null, kept }
  return { send: { ...row, values, ...(statusPending ? {} : { active_status: now.active_status === 2 ? 2 : 1 }) }, kept }
}

// ------------------------------------------------------------------------------- read-back

/** Equal as Feishu stores them: numbers by amount ("12.2" = "12.20"), everything else exactly. */
function sameStored(a: string, b: string): boolean {
  return a === b || decimalEquals(a, b)
}

/**
 * A saved row against what Feishu holds right after the save: `confirmed` when every value sent
 * (and the status) is there, `differs` with each field's sent and stored value otherwise — Feishu
 * accepted the save but holds something else (someone else's save in between, or a rounding it
 * applied). A missing record differs in every field.
 */
export function readBackRow(row: PayrollRowInput, now: RecordNow | null): { state: 'confirmed' | 'differs'; fields: CheckedField[] } {
  const fields: CheckedField[] = []
  for (const [field, sent] of Object.entries(row.values)) {
    if (sent === null || sent === '') continue
    const stored = now?.values[field]
    if (stored === undefined || !sameStored(sent, stored)) fields.push({ field, expected: sent, actual: stored ?? null })
  }
  const status = String(row.active_status ?? 1)
  if (!now || String(now.active_status) !== status) fields.push({ field: 'active_status', expected: status, actual: now ? String(now.active_status) : null })
  return { state: fields.length ? 'differs' : 'confirmed', fields }
}

// ------------------------------------------------------------------- variance against last period

const DAY_MS = 86_400_000
const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10)
const dayMs = (d: string) => Date.parse(`${d}T00:00:00Z`)

/**
 * The period just before a key, of the same length: the month before a payroll period, the day
 * before an occur day, and for a custom period the same number of days ending the day before it.
 */
export function previousKey(key: PayrollKey): PayrollKey {
  if (key.payroll_period !== undefined) {
    const [y, m] = key.payroll_period.split('-').map(Number) as [number, number]
    return { payroll_period: m === 1 ? `${y - 1}-12` : `${y}-${pad(m - 1)}` }
  }
  if (key.occur_day !== undefined) return { occur_day: isoDay(dayMs(key.occur_day) - DAY_MS) }
  if (key.custom_start !== undefined && key.custom_end !== undefined) {
    const len = Math.round((dayMs(key.custom_end) - dayMs(key.custom_start)) / DAY_MS) + 1
    return { custom_start: isoDay(dayMs(key.custom_start) - len * DAY_MS), custom_end: isoDay(dayMs(key.custom_start) - DAY_MS) }
  }
  throw new Error('a payroll key needs a period or days')
}

/** A change is flagged when it is more than `percent` % AND more than `amount` of the field's unit. */
export interface VarianceThreshold { percent: number; amount: number }
export const DEFAULT_VARIANCE: VarianceThreshold = { percent: 50, amount: 1000 }

export type ThresholdProblem = 'not_a_number' | 'not_positive'

/** A threshold as typed: a positive number (0 would flag every change; negative means nothing). */
export function parseThreshold(text: string): { value: number } | { problem: ThresholdProblem } {
  const p = parseControlFigure(text)
  if ('problem' in p) return { problem: 'not_a_number' }
  const n = Number(p.value)
  return n > 0 ? { value: n } : { problem: 'not_positive' }
}

export type VarianceFlag =
  | { kind: 'big_change'; employment_id: string; field: string; previous: string; current: string; percent: number | null }
  | { kind: 'missing_now'; employment_id: string }
  | { kind: 'new_now'; employment_id: string }

/**
 * Warnings against the previous period (never blocking): per employee and money/number field, a
 * change beyond the threshold; people with a record last period who are not in the file; people in
 * the file without a record last period. `previous` holds every record of the previous period the
 * person may see. With no previous record at all there is nothing to compare: no flags.
 */
export function varianceFlags(
  records: ReadonlyArray<{ employment_id: string; values: Readonly<Record<string, string | null>> }>,
  previous: Readonly<Record<string, RecordNow>>,
  numericFields: readonly string[],
  threshold: VarianceThreshold,
): VarianceFlag[] {
  const flags: VarianceFlag[] = []
  if (Object.keys(previous).length === 0) return flags
  const inFile = new Set(records.map((r) => r.employment_id))
  for (const r of records) {
    const before = previous[r.employment_id]
    if (!before) { flags.push({ kind: 'new_now', employment_id: r.employment_id }); continue }
    for (const field of numericFields) {
      const now = r.values[field]
      const was = before.values[field]
      if (now == null || now === '' || was === undefined) continue
      const a = Number(was)
      const b = Number(now)
      if (!Number.isFinite(a) || !Number.isFinite(b)) continue
      const diff = Math.abs(b - a)
      const percent = a === 0 ? null : (diff / Math.abs(a)) * 100
      if (diff > threshold.amount && (percent === null || percent > threshold.percent)) {
        flags.push({ kind: 'big_change', employment_id: r.employment_id, field, previous: was, current: now, percent: percent === null ? null : Math.round(percent) })
      }
    }
  }
  for (const id of Object.keys(previous)) if (!inFile.has(id) && previous[id]!.active_status !== 2) flags.push({ kind: 'missing_now', employment_id: id })
  return flags
}
