/**
 * The payroll diff as a workbook (issue 16): every row of the file as new, changed (before →
 * after, one line per field), unchanged or not written (and why), then the variance warnings
 * against the previous period with their reason. Written by the shared streaming writer, so text
 * that begins with = + - @ is escaped as in every workbook the app hands out (design.md §6).
 * The words come from the caller's i18n: the workbook is in the person's language.
 */
import type { ExcludedRow, FileLeftOut, RecordDiff } from '../domain/payroll-diff'
import type { VarianceFlag, VarianceThreshold } from '../domain/payroll-checks'
import { CellStyle, type WriteCell, type WriteRow, type WriteSheet } from './xlsx-write'

export type Translate = (key: string, params?: Record<string, unknown>) => string

export interface DiffWorkbookInput {
  diffs: readonly RecordDiff[]
  excluded: readonly ExcludedRow[]
  /** Rows the import step left out (file errors, removed by hand or as hidden, totals): a line each kind. */
  fileLeftOut: FileLeftOut
  /** null: the previous period was not compared (nothing to list). */
  variance: readonly VarianceFlag[] | null
  threshold: VarianceThreshold
  /** "2024-09": the period compared with. */
  previousPeriod: string
  /** Feishu had no record at all in the previous period: nothing was compared. */
  previousEmpty: boolean
  t: Translate
  /** A field's title in the person's language. */
  label: (field: string) => string
  /** A value as the diff shows it ("(empty)", "Active"). */
  shown: (field: string, value: string | null) => string
}

const K = 'payrollBooks.diff'
const header = (cells: string[]): WriteCell[] => cells.map((v) => ({ v, style: CellStyle.Header }))
const STATUS_STYLE = { new: CellStyle.Ok, changed: CellStyle.Warning, unchanged: CellStyle.Muted } as const

function* recordRows(input: DiffWorkbookInput): Generator<WriteRow> {
  const { t, label, shown } = input
  yield header(['row', 'employee', 'name', 'employment', 'status', 'field', 'before', 'after', 'note'].map((c) => t(`${K}.columns.${c}`)))
  for (const d of input.diffs) {
    const head = [d.row, d.identifier, d.name ?? '', d.employment_id, { v: t(`payroll.diff.status.${d.status}`), style: STATUS_STYLE[d.status] }]
    const note = d.terminated ? t('payroll.diff.terminated') : ''
    if (d.changes.length === 0) {
      yield [...head, '', '', '', d.status === 'unchanged' ? t('payroll.diff.sameValues') : [t('payroll.diff.keyOnly'), note].filter(Boolean).join(' · ')]
      continue
    }
    for (const c of d.changes) yield [...head, label(c.field), d.status === 'changed' ? shown(c.field, c.before) : '', shown(c.field, c.after), note]
  }
  const notWritten = { v: t('payroll.diff.status.excluded'), style: CellStyle.Error }
  for (const e of input.excluded) {
    const why = t(`payroll.excluded.${e.reason}.message`, { rows: (e.otherRows ?? []).join(', '), id: e.employment_id ?? '' })
    const candidates = (e.candidates ?? []).map((c) => `${c.name} (${c.employment_id})`).join(', ')
    yield [e.row, e.identifier, '', e.employment_id ?? '', notWritten, '', '', '', candidates ? `${why} ${candidates}` : why]
  }
  const left = input.fileLeftOut
  if (left.errors > 0) yield ['', '', '', '', notWritten, '', '', '', t('payroll.diff.noteFileErrors', { count: left.errors })]
  if (left.removed > 0) yield ['', '', '', '', notWritten, '', '', '', t('approvalSteps.notWritten.removed', { count: left.removed })]
  if (left.totals > 0) yield ['', '', '', '', notWritten, '', '', '', t('approvalSteps.notWritten.totals', { count: left.totals })]
}

function* varianceRows(input: DiffWorkbookInput): Generator<WriteRow> {
  const { t, label } = input
  yield header(['employee', 'name', 'employment', 'flag', 'field', 'previous', 'current', 'percent', 'reason'].map((c) => t(`${K}.columns.${c}`)))
  const people = new Map(input.diffs.map((d) => [d.employment_id, d]))
  const flags = input.variance ?? []
  if (input.variance === null) yield [t(`${K}.notCompared`)]
  else if (input.previousEmpty) yield [t('payroll.checks.variance.noPrevious', { period: input.previousPeriod })]
  else if (flags.length === 0) yield [t(`${K}.noFlags`, { period: input.previousPeriod })]
  for (const f of flags) {
    const who = people.get(f.employment_id)
    const head = [who?.identifier ?? '', who?.name ?? '', f.employment_id, { v: t(`payroll.checks.variance.filters.${f.kind}`), style: CellStyle.Warning }]
    if (f.kind === 'big_change') {
      const reason = t(`${K}.reason.big_change`, { percent: input.threshold.percent, amount: input.threshold.amount, period: input.previousPeriod })
      yield [...head, label(f.field), f.previous, f.current, f.percent === null ? '' : f.percent, reason]
    } else {
      yield [...head, '', '', '', '', t(`${K}.reason.${f.kind}`, { period: input.previousPeriod })]
    }
  }
}

/** The two sheets of the diff workbook; rows are produced as the writer asks for them. */
export function payrollDiffSheets(input: DiffWorkbookInput): WriteSheet[] {
  const text = [CellStyle.Default, CellStyle.Text, CellStyle.Default, CellStyle.Text]
  return [
    { name: input.t(`${K}.sheetRecords`), rows: recordRows(input), freezeRows: 1, colStyles: text, colWidths: [8, 18, 14, 22, 12, 24, 16, 16, 40] },
    { name: input.t(`${K}.sheetVariance`), rows: varianceRows(input), freezeRows: 1, colStyles: [CellStyle.Text, CellStyle.Default, CellStyle.Text], colWidths: [18, 14, 22, 16, 24, 16, 16, 10, 48] },
  ]
}
