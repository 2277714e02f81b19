// What the payroll pages show, decided without mounting: who may write, which datasource can be
// written, the period, how the comparison's rows read in the result workbook.
import { ApiError } from '../../api'
import type { PayrollDatasource, PayrollField } from '../../api/payroll'
import { feishuErrorText } from '../../domain/feishu-errors'
import type { JobRowResult, PayrollKey } from '../../domain/jobs'
import { payrollKeyProblem, payrollPeriodType, type PayrollPeriodType } from '../../domain/payroll'
import type { ComparisonResult } from '../../stores/payroll'
import type { RowResult } from '../../import/protocol'
import type { AppLocale } from '../../i18n'
import type { Reconciliation } from '../../domain/payroll-diff'

/** The user scopes the payroll pages use (app.json); named on the no-access page. */
export const PAYROLL_SCOPES = [
  'payroll:external_datasource_configuration:read',
  'payroll:external_datasource_record:read',
  'payroll:external_datasource_record:write',
] as const

export type AccessProblem =
  | { code: 'no_role' }
  | { code: 'scope_missing' | 'app_scope_missing'; scopes: string[] }

/** A 403 from GET /api/payroll/datasources that says the person (or the app) may not do this. */
export function accessProblem(err: unknown): AccessProblem | null {
  if (!(err instanceof ApiError) || err.status !== 403) return null
  if (err.code === 'no_role') return { code: 'no_role' }
  if (err.code === 'scope_missing' || err.code === 'app_scope_missing') {
    const details = err.details as { scopes?: unknown; scope?: unknown } | null | undefined
    const list = Array.isArray(details?.scopes) ? details.scopes.filter((s): s is string => typeof s === 'string') : []
    if (!list.length && typeof details?.scope === 'string') list.push(details.scope)
    return { code: err.code, scopes: list.length ? list : [...PAYROLL_SCOPES] }
  }
  return null
}

/** The datasource's dimension: 1 payroll period · 2 occur day · 3 custom period (null = 1). */
export function periodTypeOf(ds: Pick<PayrollDatasource, 'period_type'>): PayrollPeriodType {
  return payrollPeriodType({ data_period_type: ds.period_type })
}

/** Why a datasource cannot be written now, as an i18n key; null when it can. */
export function blockedReason(ds: Pick<PayrollDatasource, 'active' | 'period_type'>): string | null {
  if (!ds.active) return 'payroll.blocked.stopped'
  return null
}

export function fieldTypeKey(field: Pick<PayrollField, 'field_type'>): string {
  return `payroll.fieldType.${field.field_type}`
}

/** Decimal places shown for a field: money/number use theirs (Feishu's default is 2), percent at most 2. */
export function decimalsOf(field: Pick<PayrollField, 'field_type' | 'decimal_places'>): number | null {
  if (field.field_type === 1 || field.field_type === 2) return field.decimal_places ?? 2
  if (field.field_type === 5) return 2
  return null
}

const PERIOD = /^\d{4}-(0[1-9]|1[0-2])$/

/** yyyy-mm, and not before 1970-01 (2500016). */
export function periodProblem(period: string): 'format' | 'too_early' | null {
  if (!PERIOD.test(period)) return 'format'
  if (period < '1970-01') return 'too_early'
  return null
}

/** This month, as yyyy-mm in local time. */
export function currentPeriod(now: Date = new Date()): string {
  return `${now.getFullYear()}-${String(now.getMonth() + 1).padStart(2, '0')}`
}

/** Today, as yyyy-mm-dd in local time. */
export function currentDay(now: Date = new Date()): string {
  return `${currentPeriod(now)}-${String(now.getDate()).padStart(2, '0')}`
}

/** What the picker starts with: this month; today; or this month's first to last day. */
export function defaultKey(type: PayrollPeriodType, now: Date = new Date()): PayrollKey {
  if (type === 2) return { occur_day: currentDay(now) }
  if (type === 3) {
    const last = new Date(now.getFullYear(), now.getMonth() + 1, 0).getDate()
    return { custom_start: `${currentPeriod(now)}-01`, custom_end: `${currentPeriod(now)}-${String(last).padStart(2, '0')}` }
  }
  return { payroll_period: currentPeriod(now) }
}

export type KeyProblem = 'format' | 'too_early' | 'bad_date' | 'end_before_start'

/** What is wrong with the chosen key for this dimension (the server checks the same), and where. */
export function keyProblem(type: PayrollPeriodType, key: PayrollKey): { field: keyof PayrollKey; problem: KeyProblem } | null {
  const p = payrollKeyProblem(type, key)
  if (!p) return null
  if (p.code === 'too_early') return { field: p.field, problem: 'too_early' }
  if (p.code === 'end_before_start') return { field: p.field, problem: 'end_before_start' }
  return { field: p.field, problem: type === 1 ? 'format' : 'bad_date' }
}

/** The sentences that explain the reconciliation, as i18n keys with their parameters. */
export function reconcileLines(r: Reconciliation): Array<{ key: string; params: Record<string, number> }> {
  const lines: Array<{ key: string; params: Record<string, number> }> = []
  if (r.failed > 0) lines.push({ key: 'payroll.reconcile.failed', params: { count: r.failed } })
  if (r.notWritten > 0) lines.push({ key: 'payroll.reconcile.notWritten', params: { count: r.notWritten } })
  if (r.unchangedAtWrite > 0) lines.push({ key: 'payroll.reconcile.unchangedAtWrite', params: { count: r.unchangedAtWrite } })
  if (r.gap > 0) lines.push({ key: 'payroll.reconcile.fewer', params: { count: r.gap } })
  else if (r.gap < 0) lines.push({ key: 'payroll.reconcile.more', params: { count: -r.gap } })
  return lines
}

/** Rows that the job wrote but Feishu already held (the server answers them with message 'unchanged'). */
export function unchangedAtWrite(rows: readonly JobRowResult[]): number {
  return rows.filter((r) => r.status === 'succeeded' && r.message === 'unchanged').length
}

export interface ResultTexts {
  unchanged: string
  notFound: string
  noEmploymentId: string
  ambiguous: string
  badActiveStatus: string
  sameEmployee: string
  notWritten: string
  /** Read-back (issue 16): the written row as Feishu holds it. Optional: absent = not said. */
  confirmed?: string
  differs?: (fields: string) => string
}

/**
 * Every compared row's outcome for the result workbook (keyed by 0-based data row, as the pipeline
 * writes it). Rows with file errors are not listed: the workbook shows their validation issues.
 */
export function workbookResults(c: ComparisonResult, rows: readonly JobRowResult[], texts: ResultTexts, locale: AppLocale): RowResult[] {
  const bySheetRow = new Map(rows.map((r) => [r.row, r]))
  const out: RowResult[] = []
  for (const d of c.diffs) {
    if (d.status === 'unchanged') {
      out.push({ row: d.dataRow, status: 'skipped', message: texts.unchanged })
      continue
    }
    const r = bySheetRow.get(d.row)
    if (!r || r.status === 'pending' || r.status === 'cancelled') out.push({ row: d.dataRow, status: 'skipped', message: texts.notWritten })
    else if (r.status === 'succeeded' || r.status === 'partial') {
      // Accepted and confirmed are told apart: a written row says what the read-back found.
      const c = r.check
      const message = c?.state === 'confirmed' ? texts.confirmed : c?.state === 'differs' && texts.differs ? texts.differs(c.fields.map((f) => `${f.field}: ${f.expected ?? ''} → ${f.actual ?? ''}`).join('; ')) : undefined
      out.push({ row: d.dataRow, status: 'written', ...(message ? { message } : {}) })
    }
    else if (r.feishu_code !== null) {
      const text = feishuErrorText(r.feishu_code, locale, r.message ?? undefined)
      out.push({ row: d.dataRow, status: 'failed', code: r.feishu_code, message: text.message, hint: text.hint })
    } else out.push({ row: d.dataRow, status: 'failed', message: r.message ?? '' })
  }
  for (const e of c.excluded) {
    const message = e.reason === 'not_found' ? texts.notFound : e.reason === 'ambiguous' ? texts.ambiguous : e.reason === 'no_employment_id' ? texts.noEmploymentId : e.reason === 'bad_active_status' ? texts.badActiveStatus : texts.sameEmployee
    out.push({ row: e.dataRow, status: 'failed', message })
  }
  return out.sort((a, b) => a.row - b.row)
}
