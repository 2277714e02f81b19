import type { PayrollKey } from '../../../src/domain/jobs'
import { payrollKeyText, payrollTarget } from '../../../src/domain/payroll'
import { ACTIVE_STATUS_FIELD, fileSchema, type IdentifyBy } from '../../../src/domain/payroll-diff'
import type { Locale, TargetField } from '../../../src/domain/target'
import { templateSheet } from '../../../src/import/template'
import { CellStyle, concatChunks, writeXlsx, type WriteCell, type WriteRow, type WriteSheet } from '../../../src/import/xlsx-write'
import { AppError } from '../../errors'
import type { FeishuClient } from '../../feishu/client'
import type { RecordState } from '../../jobs/job-context'
import type { Pacer } from '../../jobs/pacer'
import { findDatasource } from './datasources'
import { readCurrentRecords, recordsOfKey } from './records'
import { employeeIdentifiers, type IdentifierKind, type Resolution } from './resolve-employees'

/** Everyone the person may see is read in one request: beyond this many records, a list is asked for. */
export const PREFILL_MAX_RECORDS = 5000

const NOTES = {
  'zh-CN': {
    sheet: '说明', headers: ['行', '员工', '雇佣 ID', '姓名', '说明'],
    not_found: '飞书人事中找不到这个雇佣 ID 对应的员工：请填写工号或邮箱，或改用雇佣 ID 列。',
    no_identifier: '飞书人事中这个员工没有工号或邮箱：请填写，或改用雇佣 ID 列。',
    list_not_found: '飞书人事中没有这个工号或邮箱。',
    list_ambiguous: '多名员工共用这个工号：请改用雇佣 ID 列。',
    list_no_employment_id: '飞书人事返回的这名员工没有雇佣 ID，不会写入。',
    list_no_record: '飞书在该期间没有此人的记录（或你无权查看）：按需填写。',
  },
  'en-US': {
    sheet: 'Notes', headers: ['Row', 'Employee', 'Employment ID', 'Name', 'Note'],
    not_found: 'Feishu People has no employee for this employment ID: fill in the employee number or email, or use the employment ID column.',
    no_identifier: 'This employee has no employee number or email in Feishu People: fill it in, or use the employment ID column.',
    list_not_found: 'Feishu People has no employee with this number or email.',
    list_ambiguous: 'Several employees share this employee number: use the employment ID column.',
    list_no_employment_id: 'Feishu People gave no employment ID for this person: nothing is written for them.',
    list_no_record: 'Feishu has no record of this person in the period (or you may not see it): fill it in as needed.',
  },
} as const
type NoteKey = Exclude<keyof (typeof NOTES)['en-US'], 'sheet' | 'headers'>

interface Line { identifier: string; employmentId: string; name: string; record: RecordState | null; note: NoteKey | null }

export interface PrefillInput {
  sourceCode: string
  key: PayrollKey
  by: IdentifyBy
  /** The uploaded list of identifiers (by `by`); null for everyone the person may see. */
  people: string[] | null
  locale: Locale
}

export interface PrefillDeps {
  feishu: FeishuClient
  pacer: Pacer
  /** The import's own resolver (cached): what a listed identifier maps to. */
  resolve: (by: IdentifierKind, values: string[]) => Promise<Record<string, Resolution>>
}

const periodTypeOf = (k: PayrollKey) => (k.custom_start !== undefined ? 3 : k.occur_day !== undefined ? 2 : 1)

/**
 * The datasource's template pre-filled with what Feishu holds for the key (issue 16), read with the
 * person's own token (their row-level permission): for everyone they may see, or for the people of
 * their list. The ID column holds what the import resolves back (the list's own identifiers, or the
 * employee number / email CoreHR gives for each employment); an employee whose identifier cannot be
 * found keeps their row, with an empty ID and a line on the notes sheet. Values are written as
 * Feishu stores them, so uploading the untouched file again compares as all unchanged.
 */
export async function prefilledTemplate(deps: PrefillDeps, token: string, input: PrefillInput): Promise<Uint8Array> {
  const ds = await findDatasource(deps.feishu, deps.pacer, token, input.sourceCode)
  if (periodTypeOf(input.key) !== (ds.data_period_type ?? 1)) {
    throw new AppError(400, 'invalid_request', 'The period does not fit the datasource\'s period type.', { field: 'payroll_period' })
  }
  const schema = fileSchema(payrollTarget(ds), input.by)
  const lines = input.people ? await listLines(deps, token, input) : await everyoneLines(deps, token, input)
  return workbook(schema.fields.filter((f) => f.writable), templateSheet(schema, input.locale), lines, input.locale)
}

async function everyoneLines(deps: PrefillDeps, token: string, input: PrefillInput): Promise<Line[]> {
  const records = await recordsOfKey(deps.feishu, deps.pacer, token, input.sourceCode, input.key, PREFILL_MAX_RECORDS)
  if (records.size > PREFILL_MAX_RECORDS) {
    throw new AppError(400, 'too_many_records', `More than ${PREFILL_MAX_RECORDS} records in this period: upload a list of the people you need.`, { max: PREFILL_MAX_RECORDS })
  }
  const ids = [...records.keys()]
  const names = input.by === 'employment_id' ? null : await employeeIdentifiers(deps.feishu, deps.pacer, input.by, ids)
  const lines = ids.map((id): Line => {
    const found = names?.get(id)
    if (!found) return { identifier: id, employmentId: id, name: '', record: records.get(id)!, note: null }
    return found.status === 'found'
      ? { identifier: found.value, employmentId: id, name: found.name, record: records.get(id)!, note: null }
      : { identifier: '', employmentId: id, name: found.name, record: records.get(id)!, note: found.status }
  })
  // Those the import cannot resolve first (they need a hand), then by identifier.
  return lines.sort((a, b) => Number(a.note === null) - Number(b.note === null) || a.identifier.localeCompare(b.identifier))
}

async function listLines(deps: PrefillDeps, token: string, input: PrefillInput): Promise<Line[]> {
  const people = [...new Set(input.people)]
  const resolved: Record<string, Resolution> = input.by === 'employment_id'
    ? Object.fromEntries(people.map((p) => [p, { status: 'found' as const, employment_id: p }]))
    : await deps.resolve(input.by, people)
  const ids = people.flatMap((p) => (resolved[p]?.status === 'found' ? [resolved[p].employment_id!] : []))
  const records = ids.length ? await readCurrentRecords(deps.feishu, deps.pacer, token, input.sourceCode, input.key, ids) : {}
  return people.map((p): Line => {
    const r = resolved[p] ?? { status: 'not_found' as const }
    if (r.status !== 'found') return { identifier: p, employmentId: '', name: r.name ?? '', record: null, note: `list_${r.status}` }
    const record = records[r.employment_id!] ?? null
    return { identifier: p, employmentId: r.employment_id!, name: r.name ?? '', record, note: record ? null : 'list_no_record' }
  })
}

/** A value as the import reads it back to the same thing: numbers as numbers where that is exact, the rest as text. */
function cellOf(field: TargetField, value: string | undefined): WriteCell | string | number | null {
  if (value === undefined || value === '') return null
  if (field.kind === 'money' || field.kind === 'number' || field.kind === 'percent') {
    const n = Number(value)
    if (Number.isFinite(n) && Math.abs(n) < 1e15) return n
  }
  return value
}

function workbook(fields: TargetField[], sheet: WriteSheet, lines: Line[], locale: Locale): Uint8Array {
  const head = [...(sheet.rows as WriteRow[])]
  const firstDataRow = head.length + 1
  const data: WriteRow[] = lines.map((l) => fields.map((f, col) => {
    if (col === 0) return l.identifier === '' ? { v: '', style: CellStyle.Error } : { v: l.identifier, style: CellStyle.Text }
    if (f.code === ACTIVE_STATUS_FIELD) return l.record ? l.record.active_status : null
    return cellOf(f, l.record?.values[f.code])
  }))
  const text = NOTES[locale]
  const notes = lines.flatMap((l, i): WriteRow[] => (l.note ? [[firstDataRow + i, l.identifier, l.employmentId, l.name, text[l.note]]] : []))
  const sheets: WriteSheet[] = [{ ...sheet, rows: [...head, ...data] }]
  if (notes.length) sheets.push({ name: text.sheet, rows: [text.headers.map((v) => ({ v, style: CellStyle.Header })), ...notes], freezeRows: 1, colStyles: [CellStyle.Default, CellStyle.Text, CellStyle.Text], colWidths: [8, 24, 24, 16, 80] })
  return concatChunks(writeXlsx(sheets))
}

/** The file name the workbook is offered under: datasource and key, nothing else. */
export function prefillFileName(sourceCode: string, key: PayrollKey): string {
  return `${sourceCode}-${payrollKeyText(key)}`.replace(/[^\w-]+/g, '_') + '.xlsx'
}
