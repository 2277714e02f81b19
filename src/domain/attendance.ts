/**
 * Archive report (归档报表) rules that need no server: the month and its days, which kind of member
 * ID a column holds, which unmatched headers are field codes, and the job rows built from the
 * import pipeline's validated values (reference/feishu-api.md §3.3). Pure.
 */
import { ATTENDANCE_DELETE_MAX_MEMBERS, ATTENDANCE_UPLOAD_MAX_FIELDS, ATTENDANCE_UPLOAD_MAX_MEMBERS } from './feishu-limits'
import type { PersonAs } from './feishu-source'
import type { AttendanceRowInput, AttendanceTarget, EmployeeType } from './jobs'
import type { I18nText, Locale, TargetField, TargetSchema } from './target'
import { toHalfWidth } from './values'

/**
 * Attendance's job kinds (write-targets.ts): an upload writes ≤ 50 members × ≤ 200 field codes a
 * call (§3.3), a wider report in slices of fields; an undo deletes exactly the members an upload
 * wrote (§3.4: earlier values cannot be read back).
 */
export const ATTENDANCE_JOB_KINDS = {
  attendance_upload: { target: 'attendance', keyField: 'member_id', rowsPerCall: ATTENDANCE_UPLOAD_MAX_MEMBERS, fieldsPerCall: ATTENDANCE_UPLOAD_MAX_FIELDS, countsAffect: false, takeBack: { kind: 'attendance_delete', action: 'undo' }, takesBack: null },
  attendance_delete: { target: 'attendance', keyField: 'member_id', rowsPerCall: ATTENDANCE_DELETE_MAX_MEMBERS, fieldsPerCall: null, countsAffect: false, takeBack: null, takesBack: 'attendance_upload' },
} as const

/** The pseudo-fields of an attendance schema; every other field code is a report field. */
export const MEMBER_FIELD = 'member_id'
export const START_FIELD = 'start_time'
export const END_FIELD = 'end_time'
export const PSEUDO_FIELDS: readonly string[] = [MEMBER_FIELD, START_FIELD, END_FIELD]

const MONTH = /^(\d{4})(0[1-9]|1[0-2])$/

export function isMonth(value: string): boolean {
  return MONTH.test(value)
}

/** The month before `now`'s month, yyyyMM, in the person's own calendar (local time). */
export function previousMonth(now: Date): string {
  const y = now.getFullYear()
  const m = now.getMonth() // 0-based: this month − 1 in 1-based terms
  return m === 0 ? `${y - 1}12` : `${y}${String(m).padStart(2, '0')}`
}

/** First and last day of a yyyyMM month as yyyyMMdd. */
export function monthBounds(month: string): { first: string; last: string } {
  const m = MONTH.exec(month)
  if (!m) throw new Error(`not a yyyyMM month: ${month}`)
  const days = new Date(Date.UTC(Number(m[1]), Number(m[2]), 0)).getUTCDate()
  return { first: `${month}01`, last: `${month}${String(days).padStart(2, '0')}` }
}

/** yyyyMM ↔ the yyyy-mm of `<input type="month">`. */
export function monthToInput(month: string): string {
  return isMonth(month) ? `${month.slice(0, 4)}-${month.slice(4)}` : ''
}

export function inputToMonth(value: string): string | null {
  const m = /^(\d{4})-(\d{2})$/.exec(value)
  if (!m) return null
  const month = `${m[1]}${m[2]}`
  return isMonth(month) ? month : null
}

/** What an attendance job's target is called where people read it (jobs.target.attendance). */
export function attendanceTargetParams(t: AttendanceTarget): Record<string, string> {
  return { rule: t.archive_rule_id, month: t.month }
}

// ------------------------------------------------------------ operator

/** The scope that lets the app know the signed-in person's ID of each type. */
export const OPERATOR_SCOPES: Record<EmployeeType, string> = {
  employee_id: 'contact:user.employee_id:readonly',
  employee_no: 'contact:user.employee:readonly',
}

/**
 * operator_id of every archive report call (§3.2): the signed-in person, typed like the members
 * (employee_type) — their user ID or their employee number, never an ID from a request. null =
 * Feishu did not tell the app (the scope in OPERATOR_SCOPES is missing).
 */
export function operatorId(employeeType: EmployeeType, person: { user_id: string | null; employee_no: string | null }): string | null {
  return (employeeType === 'employee_no' ? person.employee_no : person.user_id) || null
}

export function operatorMissingMessage(employeeType: EmployeeType): string {
  return employeeType === 'employee_no'
    ? `Feishu did not tell the app your employee number, which the report needs as operator_id. Grant the scope ${OPERATOR_SCOPES.employee_no} and sign in again.`
    : `Feishu did not tell the app your user ID, which the report needs as operator_id. Grant the scope ${OPERATOR_SCOPES.employee_id} and sign in again.`
}

// ------------------------------------------------------------ the report as a target

const MEMBER_FIELD_OF: Record<EmployeeType, Pick<TargetField, 'title' | 'aliases'>> = {
  employee_no: { title: { 'zh-CN': '工号', 'en-US': 'Employee number' }, aliases: ['工号', 'employee no', 'employee_no', '员工工号'] },
  employee_id: { title: { 'zh-CN': '用户 ID', 'en-US': 'User ID' }, aliases: ['用户id', 'user id', 'user_id', 'employee_id'] },
}

/**
 * The archive report of a rule and month as an import target: the member and the dates, then one
 * text field per report column with its upper titles as the path (matched as "parent / child" by
 * the pipeline). The report's own identity columns (工号, 姓名…) are not values to write.
 */
export function attendanceTarget(ruleId: string, employeeType: EmployeeType, report: readonly ReportFieldView[]): TargetSchema {
  const fields: TargetField[] = [
    { code: MEMBER_FIELD, ...MEMBER_FIELD_OF[employeeType], kind: 'identifier', required: true, writable: true },
    { code: START_FIELD, title: { 'zh-CN': '考勤开始日期', 'en-US': 'Start date' }, kind: 'compact_date', required: false, writable: true, aliases: ['开始日期', 'start_time'] },
    { code: END_FIELD, title: { 'zh-CN': '考勤结束日期', 'en-US': 'End date' }, kind: 'compact_date', required: false, writable: true, aliases: ['结束日期', 'end_time'] },
    ...report
      .filter((f) => !PSEUDO_FIELDS.includes(f.code))
      .map((f): TargetField => ({ code: f.code, title: f.title, path: f.upper_titles, kind: 'text', required: false, writable: true })),
  ]
  return { kind: 'attendance', id: ruleId, title: { 'zh-CN': ruleId, 'en-US': ruleId }, fields, keyFields: [MEMBER_FIELD], people: peopleAs(employeeType) }
}

/** A real day of a yyyyMM month written yyyyMMdd. */
export function isDayOfMonth(compact: string, month: string): boolean {
  if (!/^\d{8}$/.test(compact) || !isMonth(month)) return false
  const { first, last } = monthBounds(month)
  return compact >= first && compact <= last
}

// ------------------------------------------------------------ member IDs

const norm = (s: string) => toHalfWidth(s).toLowerCase().replace(/[\s_\-/\\:：*·.,，、()（）]+/g, '')

const EMPLOYEE_NO_HEADERS = ['工号', '员工工号', '员工编号', '人员编号', '职工号', 'employeeno', 'employeenumber', 'empno', 'staffno', 'staffnumber', 'jobnumber']
const EMPLOYEE_ID_HEADERS = ['用户id', '飞书用户id', '员工id', 'userid', 'employeeid', 'larkuserid', 'feishuuserid']

/** What a header alone says about the IDs under it. */
export function memberTypeFromHeader(header: string): EmployeeType | null {
  const n = norm(header)
  if (!n) return null
  if (EMPLOYEE_ID_HEADERS.includes(n)) return 'employee_id'
  if (EMPLOYEE_NO_HEADERS.includes(n)) return 'employee_no'
  return null
}

/**
 * Employee numbers are set by the company: all digits ("000123"), or a capitalised prefix and digits
 * ("FS10086", "E-2024-001"). Feishu user IDs are lower-case letters and digits ("ax11d", "3fa85f64").
 */
function idKind(value: string): EmployeeType | null {
  const v = value.trim()
  if (!v || /\s/.test(v)) return null
  if (/^\d+$/.test(v) || /[A-Z]/.test(v)) return 'employee_no'
  if (/^[a-z0-9]{3,64}$/.test(v) && /[a-z]/.test(v)) return 'employee_id'
  return null
}

export interface MemberTypeGuess {
  type: EmployeeType
  /** What decided it: the values themselves, or only the header. */
  by: 'values' | 'header'
}

/**
 * Employee numbers or user IDs, from a column's sample values (when ≥ 80 % of them agree) or else its
 * header; null when neither says.
 */
export function detectMemberType(header: string, samples: readonly string[]): MemberTypeGuess | null {
  let no = 0
  let id = 0
  let seen = 0
  for (const s of samples) {
    if (!s.trim()) continue
    seen++
    const k = idKind(s)
    if (k === 'employee_no') no++
    else if (k === 'employee_id') id++
  }
  if (seen > 0) {
    if (no / seen >= 0.8) return { type: 'employee_no', by: 'values' }
    if (id / seen >= 0.8) return { type: 'employee_id', by: 'values' }
  }
  const fromHeader = memberTypeFromHeader(header)
  return fromHeader ? { type: fromHeader, by: 'header' } : null
}

// ------------------------------------------------------------ field codes

/**
 * A header that is written like a report field code (the doc's "abd754f7"): one ASCII token with
 * letters and digits, no spaces. Titles people write ("Late minutes", "迟到次数") never are.
 */
export function looksLikeFieldCode(header: string): boolean {
  const h = header.trim()
  return /^[A-Za-z0-9][A-Za-z0-9_.-]{3,63}$/.test(h) && /\d/.test(h) && /[A-Za-z]/.test(h)
}

const MEMBER_TITLES: Record<EmployeeType, I18nText> = {
  employee_no: { 'zh-CN': '工号', 'en-US': 'Employee No.' },
  employee_id: { 'zh-CN': '用户 ID', 'en-US': 'User ID' },
}
const MEMBER_ALIASES = ['工号', '员工工号', '员工编号', '人员编号', 'Employee No.', 'Employee number', 'employee_no', '用户 ID', '用户ID', '员工 ID', 'User ID', 'employee_id', 'user_id', 'member_id', '成员', 'Member']

/**
 * The schema the import flow runs on: the server's, with the member column titled for the chosen ID
 * kind (so a "工号" column identifies the member rather than filling the report's own 工号 field) and
 * one text field per extra code the file has as a header but the report does not list — sent as they
 * are, so Feishu itself says whether it knows them (invalid_code, §3.3).
 */
export function importSchema(base: TargetSchema, employeeType: EmployeeType, extraCodes: readonly string[] = []): TargetSchema {
  const known = new Set(base.fields.map((f) => f.code))
  const fields: TargetField[] = base.fields.map((f) =>
    f.code === MEMBER_FIELD ? { ...f, title: MEMBER_TITLES[employeeType], aliases: [...new Set([...(f.aliases ?? []), ...MEMBER_ALIASES])], required: true } : f,
  )
  for (const code of extraCodes) {
    if (known.has(code)) continue
    known.add(code)
    fields.push({ code, title: { 'zh-CN': code, 'en-US': code }, kind: 'text', required: false, writable: true, path: [] })
  }
  return { ...base, fields, people: peopleAs(employeeType) }
}

/** A Base person field becomes the member as the report identifies members: user ID or employee number. */
function peopleAs(employeeType: EmployeeType): PersonAs {
  return employeeType === 'employee_no' ? 'employee_no' : 'user_id'
}

/** Report field codes of a schema (everything but the member and date pseudo-fields). */
export function reportCodes(schema: TargetSchema): string[] {
  return schema.fields.filter((f) => !PSEUDO_FIELDS.includes(f.code)).map((f) => f.code)
}

// ------------------------------------------------------------ fields for display

export interface ReportFieldView { code: string; title: I18nText; upper_titles: I18nText[] }

export interface FieldGroup { key: string; title: string; fields: Array<{ code: string; title: string }> }

/** Fields grouped by their upper titles ("请假 / 带薪假"), groups in the order Feishu lists them. */
export function groupFields(fields: readonly ReportFieldView[], locale: Locale): FieldGroup[] {
  const groups = new Map<string, FieldGroup>()
  for (const f of fields) {
    const parts = f.upper_titles.map((t) => t[locale] || t['zh-CN'])
    const key = f.upper_titles.map((t) => t['zh-CN']).join('\u0000')
    let g = groups.get(key)
    if (!g) {
      g = { key, title: parts.join(' / '), fields: [] }
      groups.set(key, g)
    }
    g.fields.push({ code: f.code, title: f.title[locale] || f.title['zh-CN'] || f.code })
  }
  return [...groups.values()]
}

// ------------------------------------------------------------ job rows

/** One row as the pipeline exports it: 0-based data row, the row number in the sheet, wire values. */
export interface ExportedRow { row: number; sheetRow: number; values: Record<string, string | null> }

export type RowProblemCode = 'date_outside_month' | 'end_before_start' | 'no_member'

export interface RowProblem {
  /** Row number in the sheet. */
  row: number
  field: string
  code: RowProblemCode
  params: Record<string, string>
}

export interface BuiltRows { rows: AttendanceRowInput[]; problems: RowProblem[] }

/**
 * Job rows from validated values: `row` is the sheet row the person sees, start/end default to the
 * month's first and last day and must lie inside it, and only non-empty report values are sent.
 * Rows with a problem are left out and reported.
 */
export function buildAttendanceRows(exported: readonly ExportedRow[], month: string, codes: readonly string[]): BuiltRows {
  const { first, last } = monthBounds(month)
  const rows: AttendanceRowInput[] = []
  const problems: RowProblem[] = []
  for (const e of exported) {
    const member = e.values[MEMBER_FIELD]
    if (!member) {
      problems.push({ row: e.sheetRow, field: MEMBER_FIELD, code: 'no_member', params: {} })
      continue
    }
    const start = e.values[START_FIELD] ?? first
    const end = e.values[END_FIELD] ?? last
    let bad = false
    for (const [field, v] of [[START_FIELD, start], [END_FIELD, end]] as const) {
      if (v < first || v > last) {
        problems.push({ row: e.sheetRow, field, code: 'date_outside_month', params: { value: v, first, last } })
        bad = true
      }
    }
    if (!bad && start > end) {
      problems.push({ row: e.sheetRow, field: END_FIELD, code: 'end_before_start', params: { start, end } })
      bad = true
    }
    if (bad) continue
    const values: Record<string, string> = {}
    for (const code of codes) {
      const v = e.values[code]
      if (v !== null && v !== undefined) values[code] = v
    }
    rows.push({ row: e.sheetRow, member_id: member, start_time: start, end_time: end, values })
  }
  return { rows, problems }
}

/** upload_report calls a job needs: ≤ 50 members × ≤ 200 field codes each (§3.3). */
export function uploadCalls(members: number, fields: number, maxMembers = ATTENDANCE_UPLOAD_MAX_MEMBERS, maxFields = ATTENDANCE_UPLOAD_MAX_FIELDS): number {
  if (members <= 0) return 0
  return Math.ceil(members / maxMembers) * Math.max(1, Math.ceil(fields / maxFields))
}
