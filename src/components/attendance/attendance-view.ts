// What the attendance page shows, decided without mounting: the missing permission, the columns of
// the file, the job's rejected members and fields on their cells, and the result workbook's rows.
import { ApiError } from '../../api'
import { detectMemberType, looksLikeFieldCode, memberTypeFromHeader, MEMBER_FIELD, type MemberTypeGuess } from '../../domain/attendance'
import { feishuErrorText } from '../../domain/feishu-errors'
import type { EmployeeType, JobRowResult } from '../../domain/jobs'
import { fieldFullTitle, type Locale, type TargetSchema } from '../../domain/target'
import type { ColumnMatch } from '../../import/mapping'
import type { RowResult, SheetResult } from '../../import/protocol'

// ------------------------------------------------------------ permissions

export type DeniedKind = 'role' | 'rule_scope' | 'scope' | 'app_scope'

export interface DeniedView {
  kind: DeniedKind
  /** Feishu scopes that are missing (scope / app_scope). */
  scopes: string[]
}

/**
 * A 403 from the attendance endpoints, as the permission the person lacks. `forRule`: the answer was
 * about one archive rule's fields, so a missing role there means the rule is outside their data scope.
 */
export function deniedView(err: unknown, forRule = false): DeniedView | null {
  if (!(err instanceof ApiError) || err.status !== 403) return null
  const details = (err.details ?? {}) as { scopes?: unknown; scope?: unknown }
  const scopes = Array.isArray(details.scopes) ? details.scopes.filter((s): s is string => typeof s === 'string') : typeof details.scope === 'string' ? [details.scope] : []
  switch (err.code) {
    case 'scope_missing':
      return { kind: 'scope', scopes: scopes.length ? scopes : ['attendance:task'] }
    case 'app_scope_missing':
      return { kind: 'app_scope', scopes: scopes.length ? scopes : ['attendance:task'] }
    case 'no_role':
    case 'no_permission':
    case 'no_data_permission':
      return { kind: forRule ? 'rule_scope' : 'role', scopes: [] }
    default:
      return null
  }
}

// ------------------------------------------------------------ the file's columns

export interface ColumnsView {
  /** Title of the column that identifies members, if one is mapped or recognisable. */
  memberColumn: string | null
  guess: MemberTypeGuess | null
  /** Unmatched headers written like field codes. */
  unknownCodes: string[]
  /** Unmatched columns that are neither: listed and not imported. */
  ignored: string[]
}

/** Reads the sheet's header and first rows: which column holds members and what kind of IDs, which columns match nothing. */
export function columnsView(sheet: SheetResult, matches: readonly ColumnMatch[], extraCodes: readonly string[]): ColumnsView {
  const fieldOf = new Map(matches.map((m) => [m.column, m.field]))
  const extra = new Set(extraCodes)
  const columns = sheet.layout.columns.filter((c) => c.title.trim() !== '')
  const member = columns.find((c) => fieldOf.get(c.index) === MEMBER_FIELD) ?? columns.find((c) => fieldOf.get(c.index) == null && memberTypeFromHeader(c.title) !== null) ?? null
  const samples = member ? sheet.head.slice(sheet.layout.dataStart).map((r) => r[member.index] ?? '') : []
  const unknownCodes: string[] = []
  const ignored: string[] = []
  for (const c of columns) {
    const field = fieldOf.get(c.index) ?? null
    if (c === member) continue
    const title = c.title.trim()
    if (field !== null && !extra.has(field)) continue
    if (field !== null || looksLikeFieldCode(title)) unknownCodes.push(title)
    else ignored.push(title)
  }
  return { memberColumn: member?.title ?? null, guess: member ? detectMemberType(member.title, samples) : null, unknownCodes, ignored }
}

// ------------------------------------------------------------ job results on the file's cells

export interface ResultCell {
  code: string
  title: string
  value: string
  message: string
  hint: string
}

export interface ResultRowView {
  /** Sheet row number. */
  row: number
  member: string
  status: JobRowResult['status']
  /** The member was rejected (invalid_member_id) or the row failed as a whole. */
  memberError: { message: string; hint: string; code: string | null } | null
  /** Fields Feishu did not take, with the value that was sent. */
  cells: ResultCell[]
}

export function fieldLabel(schema: TargetSchema | null, code: string, locale: Locale): string {
  const f = schema?.fields.find((x) => x.code === code)
  if (!f || f.title['zh-CN'] === code) return code
  return `${fieldFullTitle(f, locale)} (${code})`
}

export function resultRows(rows: readonly JobRowResult[], schema: TargetSchema | null, locale: Locale): ResultRowView[] {
  return rows.map((r) => {
    const input = r.input as { member_id?: string; values?: Record<string, string> }
    let memberError: ResultRowView['memberError'] = null
    if (r.status === 'failed') {
      const code = r.feishu_code ?? (r.message === 'invalid_member_id' ? 'invalid_member_id' : null)
      const text = code !== null ? feishuErrorText(code, locale, r.message ?? undefined) : { message: r.message ?? '', hint: '' }
      memberError = { ...text, code: code === null ? null : String(code) }
    }
    const cells = r.field_errors.map((fe) => {
      const text = feishuErrorText(fe.code, locale, fe.message)
      return { code: fe.field, title: fieldLabel(schema, fe.field, locale), value: input.values?.[fe.field] ?? '', message: text.message, hint: text.hint }
    })
    return { row: r.row, member: input.member_id ?? '', status: r.status, memberError, cells }
  })
}

/** The distinct rejected field codes, in the order they first appear: the columns of the result grid. */
export function rejectedCodes(views: readonly ResultRowView[]): string[] {
  const out: string[] = []
  for (const v of views) for (const c of v.cells) if (!out.includes(c.code)) out.push(c.code)
  return out
}

export interface WorkbookLabels {
  memberRejected: (member: string) => string
  fieldRejected: (field: string) => string
  notWritten: string
  problem: (row: number) => { message: string; hint: string } | null
}

/**
 * Results per file row for the pipeline's result workbook: rows the job wrote, partly wrote (with the
 * rejected fields named), failed, or never wrote; rows the app left out carry their reason.
 */
export function workbookResults(
  dataRowBySheetRow: ReadonlyMap<number, number>,
  submitted: readonly number[],
  problems: readonly JobRowResult[],
  schema: TargetSchema | null,
  locale: Locale,
  labels: WorkbookLabels,
): RowResult[] {
  const byRow = new Map(problems.map((p) => [p.row, p]))
  const submittedSet = new Set(submitted)
  const out: RowResult[] = []
  for (const [sheetRow, d] of dataRowBySheetRow) {
    if (!submittedSet.has(sheetRow)) {
      const p = labels.problem(sheetRow)
      out.push(p ? { row: d, status: 'skipped', message: p.message, hint: p.hint } : { row: d, status: 'skipped', message: labels.notWritten })
      continue
    }
    const r = byRow.get(sheetRow)
    if (!r) {
      out.push({ row: d, status: 'written' })
      continue
    }
    const view = resultRows([r], schema, locale)[0]!
    if (r.status === 'failed') {
      const member = (r.input as { member_id?: string }).member_id ?? ''
      out.push({ row: d, status: 'failed', code: view.memberError?.code ?? undefined, message: `${labels.memberRejected(member)} ${view.memberError?.message ?? ''}`.trim(), hint: view.memberError?.hint })
    } else if (r.status === 'partial') {
      out.push({
        row: d,
        status: 'written',
        code: 'invalid_code',
        message: view.cells.map((c) => `${labels.fieldRejected(c.title)} ${c.message}`).join('\n'),
        hint: [...new Set(view.cells.map((c) => c.hint))].join('\n'),
      })
    } else {
      out.push({ row: d, status: 'skipped', message: labels.notWritten })
    }
  }
  return out
}

export { MEMBER_FIELD }

/**
 * Rejected employee numbers with lower-case letters: Feishu matches employee numbers exactly, and
 * a tenant that writes them in capitals rejects "fs10013". Said to the person, never changed silently.
 */
export function lowerCaseRejectedNumbers(views: readonly ResultRowView[], employeeType: EmployeeType): string[] {
  if (employeeType !== 'employee_no') return []
  return views.filter((v) => v.memberError && v.member !== v.member.toUpperCase()).map((v) => v.member)
}
