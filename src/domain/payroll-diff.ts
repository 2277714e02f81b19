/**
 * Payroll import, after the pipeline has validated the file: which employment each row is, and what
 * saving it would change in Feishu (new record, changed fields before → after, or unchanged).
 * Unchanged records are not sent. Pure: no I/O, so the page and its tests share it.
 */
import type { JobCounts, PayrollRowInput } from './jobs'
import { PAYROLL_SYSTEM_FIELDS } from './payroll'
import type { TargetField, TargetSchema } from './target'
import { parseDecimalText } from './values'

/** How the file names its employees: employment_id as is, or resolved through corehr search (reference §5). */
export type IdentifyBy = 'employment_id' | 'employee_no' | 'work_email'
export const IDENTIFY_BY: readonly IdentifyBy[] = ['employee_no', 'work_email', 'employment_id']

/** The optional column that sets a record's active_status (1 active, 2 stopped; default 1). */
export const ACTIVE_STATUS_FIELD = 'active_status'

const ID_FIELDS: Record<Exclude<IdentifyBy, 'employment_id'>, TargetField> = {
  employee_no: {
    code: 'employee_no',
    title: { 'zh-CN': '工号', 'en-US': 'Employee number' },
    kind: 'identifier',
    required: true,
    writable: true,
    aliases: ['工号', '员工工号', '员工编号', 'employee no', 'employee number', 'emp no', 'employee_no'],
  },
  work_email: {
    code: 'work_email',
    title: { 'zh-CN': '工作邮箱', 'en-US': 'Work email' },
    kind: 'identifier',
    required: true,
    writable: true,
    aliases: ['邮箱', '企业邮箱', '工作邮箱', 'email', 'work email', 'e-mail', 'work_email'],
    // Feishu finds an employee by email whatever its case (corehr employees/search): lower-case
    // is one form for duplicate checks and the diff. Employee numbers are matched exactly, so their case is kept.
    letterCase: 'lower',
  },
}

const ACTIVE_STATUS: TargetField = {
  code: ACTIVE_STATUS_FIELD,
  title: { 'zh-CN': '启用状态（1 启用，2 停用）', 'en-US': 'Active status (1 active, 2 stopped)' },
  kind: 'number',
  decimalPlaces: 0,
  required: false,
  writable: true,
  aliases: ['启用状态', '状态', 'active status', 'status', 'active_status'],
}

/**
 * The schema the file is read with: the identifying column, the datasource's value fields and the
 * optional active status. The time part of the key (payroll period, occur day or custom period) is
 * chosen on the page, not read from the file, so the key within a file is the identifier alone
 * (one period per import).
 */
/**
 * Rows of the file the import step leaves out before the comparison: rows with errors, rows the
 * person removed (by hand, or hidden rows skipped in one go) and total/label rows left out.
 */
export interface FileLeftOut { errors: number; removed: number; totals: number }

/**
 * Every row of the file that will not be written: those the comparison leaves out (not found,
 * ambiguous, …) plus those the import step left out. The diff's header, its filter chip, the job's
 * `source.excluded` and the approval form's "excluded" all show this one number (issue 15).
 */
export function notWrittenCount(excluded: number, file: FileLeftOut): number {
  return excluded + file.errors + file.removed + file.totals
}

export function fileSchema(target: TargetSchema, by: IdentifyBy): TargetSchema {
  const employment = target.fields.find((f) => f.code === 'employment_id')
  const open = employment?.writable ?? false
  const id: TargetField = by === 'employment_id'
    ? { ...(employment ?? { code: 'employment_id', title: { 'zh-CN': '雇佣 ID', 'en-US': 'Employment ID' }, kind: 'identifier', required: true }), required: true, writable: open }
    : { ...ID_FIELDS[by], writable: open }
  const values = target.fields.filter((f) => !PAYROLL_SYSTEM_FIELDS.has(f.code))
  return {
    ...target,
    fields: [id, ...values, { ...ACTIVE_STATUS, writable: open }],
    keyFields: [id.code],
  }
}

export function identifierField(by: IdentifyBy): string {
  return by === 'employment_id' ? 'employment_id' : ID_FIELDS[by].code
}

// ------------------------------------------------------------------------------------ who is who

/** One row as the pipeline exports it (import/session exportValues). */
export interface ExportedRow {
  /** 0-based data row. */
  row: number
  /** The row number the person sees in the sheet. */
  sheetRow: number
  values: Record<string, string | null>
}

export interface ResolveCandidate { employment_id: string; name: string; terminated: boolean }

export interface EmployeeResolution {
  /** no_employment_id: Feishu People knows the person but has no employment ID for them (§5). */
  status: 'found' | 'not_found' | 'ambiguous' | 'no_employment_id'
  employment_id?: string
  terminated?: boolean
  name?: string
  candidates?: ResolveCandidate[]
  /** The employee number as Feishu stores it, when the file wrote it in another letter case. */
  employee_number?: string
}

export interface PreparedRecord {
  dataRow: number
  row: number
  /** What the file said (employee number, email or employment ID). */
  identifier: string
  employment_id: string
  name: string | null
  terminated: boolean
  /** The employee number as Feishu stores it, when the file wrote it in another letter case. */
  storedAs?: string
  active_status: 1 | 2
  /** Datasource field → wire value; null = the cell was empty (leave the field alone). */
  values: Record<string, string | null>
}

export type ExcludeReason = 'not_found' | 'ambiguous' | 'no_employment_id' | 'bad_active_status' | 'same_employee'

export interface ExcludedRow {
  dataRow: number
  row: number
  identifier: string
  reason: ExcludeReason
  candidates?: ResolveCandidate[]
  /** same_employee: the other rows naming the same employment. */
  otherRows?: number[]
  employment_id?: string
}

/** The distinct identifiers to resolve, in file order. */
export function identifiersToResolve(rows: readonly ExportedRow[], by: IdentifyBy): string[] {
  const code = identifierField(by)
  const seen = new Set<string>()
  for (const r of rows) {
    const v = r.values[code]
    if (v) seen.add(v)
  }
  return [...seen]
}

/**
 * Rows → records keyed by employment_id. Unresolved and ambiguous identifiers (a reused employee
 * number), a bad active status and two rows naming the same employment are left out with a reason;
 * terminated employees stay in (a last salary is normal) and carry a flag.
 */
export function prepareRecords(
  rows: readonly ExportedRow[],
  by: IdentifyBy,
  resolutions: Readonly<Record<string, EmployeeResolution>>,
  target: TargetSchema,
): { records: PreparedRecord[]; excluded: ExcludedRow[] } {
  const idCode = identifierField(by)
  const valueCodes = target.fields.filter((f) => !PAYROLL_SYSTEM_FIELDS.has(f.code)).map((f) => f.code)
  const records: PreparedRecord[] = []
  const excluded: ExcludedRow[] = []
  for (const r of rows) {
    const identifier = r.values[idCode]
    if (!identifier) continue // reported as `required` by the pipeline; such rows are not exported
    const status = r.values[ACTIVE_STATUS_FIELD] ?? null
    if (status !== null && status !== '1' && status !== '2') {
      excluded.push({ dataRow: r.row, row: r.sheetRow, identifier, reason: 'bad_active_status' })
      continue
    }
    let employment: string
    let name: string | null = null
    let terminated = false
    let storedAs: string | undefined
    if (by === 'employment_id') employment = identifier
    else {
      const found = resolutions[identifier]
      if (!found || found.status === 'not_found' || (found.status === 'found' && !found.employment_id)) {
        excluded.push({ dataRow: r.row, row: r.sheetRow, identifier, reason: 'not_found' })
        continue
      }
      if (found.status === 'no_employment_id') {
        excluded.push({ dataRow: r.row, row: r.sheetRow, identifier, reason: 'no_employment_id' })
        continue
      }
      if (found.status === 'ambiguous') {
        excluded.push({ dataRow: r.row, row: r.sheetRow, identifier, reason: 'ambiguous', candidates: found.candidates ?? [] })
        continue
      }
      employment = found.employment_id as string
      name = found.name ?? null
      terminated = found.terminated === true
      storedAs = found.employee_number
    }
    const values: Record<string, string | null> = {}
    for (const code of valueCodes) values[code] = r.values[code] ?? null
    records.push({ dataRow: r.row, row: r.sheetRow, identifier, employment_id: employment, name, terminated, ...(storedAs ? { storedAs } : {}), active_status: status === '2' ? 2 : 1, values })
  }
  // Two employee numbers (or emails) of one person would write one record twice.
  const byEmployment = new Map<string, PreparedRecord[]>()
  for (const rec of records) {
    const list = byEmployment.get(rec.employment_id)
    if (list) list.push(rec)
    else byEmployment.set(rec.employment_id, [rec])
  }
  const kept: PreparedRecord[] = []
  for (const rec of records) {
    const group = byEmployment.get(rec.employment_id) as PreparedRecord[]
    if (group.length === 1) kept.push(rec)
    else {
      excluded.push({
        dataRow: rec.dataRow, row: rec.row, identifier: rec.identifier, reason: 'same_employee', employment_id: rec.employment_id,
        otherRows: group.filter((g) => g !== rec).map((g) => g.row),
      })
    }
  }
  excluded.sort((a, b) => a.dataRow - b.dataRow)
  return { records: kept, excluded }
}

// ------------------------------------------------------------------------------------ the diff

export interface CurrentRecord {
  active_status: number
  values: Record<string, string>
}

export type DiffStatus = 'new' | 'changed' | 'unchanged'

export interface FieldChange {
  /** A datasource field code, or 'active_status'. */
  field: string
  before: string | null
  after: string
}

export interface RecordDiff extends PreparedRecord {
  status: DiffStatus
  changes: FieldChange[]
  before: CurrentRecord | null
}

export interface DiffCounts { new: number; changed: number; unchanged: number }

/** Canonical text of a decimal, so 12.2 and 12.20 are the same amount. */
function canonicalDecimal(s: string): string | null {
  return parseDecimalText(s)
}

/** Whether Feishu already holds this value: numbers by amount, everything else exactly. */
export function sameValue(field: Pick<TargetField, 'kind'> | undefined, before: string | null | undefined, after: string): boolean {
  if (before === null || before === undefined) return false
  if (before === after) return true
  if (field && (field.kind === 'money' || field.kind === 'number' || field.kind === 'percent')) {
    const a = canonicalDecimal(before)
    return a !== null && a === canonicalDecimal(after)
  }
  return false
}

export function diffRecord(fields: ReadonlyMap<string, TargetField>, rec: PreparedRecord, current: CurrentRecord | null | undefined): RecordDiff {
  const changes: FieldChange[] = []
  if (!current) {
    for (const [field, after] of Object.entries(rec.values)) if (after !== null) changes.push({ field, before: null, after })
    if (rec.active_status === 2) changes.push({ field: ACTIVE_STATUS_FIELD, before: null, after: '2' })
    return { ...rec, status: 'new', changes, before: null }
  }
  for (const [field, after] of Object.entries(rec.values)) {
    if (after === null) continue // empty cell: the field is left alone
    const before = current.values[field]
    if (!sameValue(fields.get(field), before, after)) changes.push({ field, before: before ?? null, after })
  }
  if (current.active_status !== rec.active_status) changes.push({ field: ACTIVE_STATUS_FIELD, before: String(current.active_status), after: String(rec.active_status) })
  return { ...rec, status: changes.length ? 'changed' : 'unchanged', changes, before: current }
}

export function diffRecords(
  target: TargetSchema,
  records: readonly PreparedRecord[],
  current: Readonly<Record<string, CurrentRecord>>,
): { diffs: RecordDiff[]; counts: DiffCounts } {
  const fields = new Map(target.fields.map((f) => [f.code, f]))
  const counts: DiffCounts = { new: 0, changed: 0, unchanged: 0 }
  const diffs = records.map((rec) => {
    const d = diffRecord(fields, rec, Object.hasOwn(current, rec.employment_id) ? current[rec.employment_id] : null)
    counts[d.status]++
    return d
  })
  return { diffs, counts }
}

/**
 * What the job sends: new records with every filled value, changed records with only the fields that
 * change (so a value someone else wrote since the comparison is not overwritten with the same one).
 * Unchanged records are not sent.
 */
export function jobRows(diffs: readonly RecordDiff[]): PayrollRowInput[] {
  const out: PayrollRowInput[] = []
  for (const d of diffs) {
    if (d.status === 'unchanged') continue
    const values: Record<string, string | null> = {}
    if (d.status === 'new') {
      for (const [code, v] of Object.entries(d.values)) if (v !== null) values[code] = v
    } else {
      for (const c of d.changes) if (c.field !== ACTIVE_STATUS_FIELD) values[c.field] = c.after
    }
    out.push({ row: d.row, employment_id: d.employment_id, active_status: d.active_status, values })
  }
  return out
}

// ------------------------------------------------------------------------------------ after the job

export interface Reconciliation {
  /** Records the job was given (new + changed in the comparison). */
  sent: number
  written: number
  failed: number
  /** Rows still pending or cancelled. */
  notWritten: number
  /** Written rows Feishu already held the same values for when the job reached them. */
  unchangedAtWrite: number
  /** Records Feishu should have counted as changed. */
  expected: number
  /** Feishu's affect_counts, summed over the job's saves. */
  affect: number
  /** expected − affect: > 0 when Feishu counted fewer changes, < 0 when more. */
  gap: number
}

/** Holds Feishu's affect_counts against the comparison, so every difference can be explained. */
export function reconcile(sent: number, counts: JobCounts, affect: number, unchangedAtWrite: number): Reconciliation {
  const written = counts.succeeded + counts.partial
  const expected = Math.max(0, written - unchangedAtWrite)
  return {
    sent,
    written,
    failed: counts.failed,
    notWritten: counts.pending + counts.cancelled,
    unchangedAtWrite,
    expected,
    affect,
    gap: expected - affect,
  }
}
