// §5 `POST /open-apis/corehr/v2/employees/search` (tenant token only, 100/min): the way to map 工号 /
// work email / user_id to the payroll employment_id (`user_id_type=people_corehr_id`).
import { APIS } from '../platform/apis'
import { FeishuError, ok } from '../platform/envelope'
import { mountApi, type ApiContext, type SandboxApp } from '../platform/pipeline'
import { decodePageToken, encodePageToken, isStringArray, parseIntParam } from '../platform/params'
import { departmentByKey } from '../seed/departments'
import type { Employee } from '../seed/employees'
import type { SandboxState } from '../state'

const USER_ID_TYPES = ['open_id', 'union_id', 'user_id', 'people_corehr_id'] as const
type UserIdType = (typeof USER_ID_TYPES)[number]
const DEPT_ID_TYPES = ['open_department_id', 'department_id', 'people_corehr_department_id'] as const
type DeptIdType = (typeof DEPT_ID_TYPES)[number]

const invalid = (detail: string) => new FeishuError(400, 1160102, `Param is invalid: ${detail}`)

function idOf(e: Employee, type: UserIdType): string {
  switch (type) {
    case 'open_id': return e.open_id
    case 'union_id': return e.union_id
    case 'user_id': return e.user_id
    case 'people_corehr_id': return e.employment_id
  }
}

function deptIdOf(e: Employee, type: DeptIdType): string {
  const d = departmentByKey(e.department)
  if (type === 'department_id') return d.department_id
  if (type === 'people_corehr_department_id') return d.corehr_department_id
  return d.open_department_id
}

function optionalList(body: Record<string, unknown>, key: string, max: number): string[] | undefined {
  const v = body[key]
  if (v === undefined) return undefined
  if (!isStringArray(v) || v.length > max) throw invalid(`${key} must be a list of at most ${max} strings`)
  return v
}

/** The modelled `fields`; others are accepted and simply not returned (the real API has hundreds). */
function item(e: Employee, fields: ReadonlySet<string>, userIdType: UserIdType, deptIdType: DeptIdType, conversionFails: boolean) {
  const want = (f: string) => fields.has(f) || [...fields].some((x) => x.startsWith(`${f}.`))
  const hired = e.status === 'hired'
  return {
    // Both typed by user_id_type; employment_id_v2 is the preferred one (§5). When the conversion
    // fails (knob), employment_id falls back to the Feishu user_id and employment_id_v2 is empty.
    employment_id: conversionFails ? e.user_id : idOf(e, userIdType),
    employment_id_v2: conversionFails ? '' : idOf(e, userIdType),
    ...(want('employee_number') ? { employee_number: e.employee_no } : {}),
    ...(want('email_address') ? { email_address: e.email } : {}),
    ...(want('work_email_list') ? { work_email_list: [{ email: e.email, email_usage: { enum_name: 'work' } }] } : {}),
    ...(want('employment_status') ? {
      employment_status: {
        enum_name: e.status,
        display: [{ lang: 'zh-CN', value: hired ? '在职' : '离职' }, { lang: 'en-US', value: hired ? 'Active' : 'Terminated' }],
      },
    } : {}),
    ...(want('department_id') ? { department_id: deptIdOf(e, deptIdType) } : {}),
    ...(want('user_name') ? { user_name: e.en_name } : {}),
    ...(want('person_info') ? {
      person_info: { person_id: e.person_id, preferred_name: e.name, preferred_local_full_name: e.name, preferred_english_full_name: e.en_name },
    } : {}),
  }
}

function search(ctx: ApiContext) {
  const { c, state, body } = ctx
  const pageSize = parseIntParam(c.req.query('page_size'))
  if (pageSize === undefined || pageSize < 1 || pageSize > 100) throw invalid('page_size must be 1-100')
  const offset = decodePageToken(c.req.query('page_token'))
  if (offset === null) throw invalid('page_token invalid')
  const userIdType = (c.req.query('user_id_type') ?? 'open_id') as UserIdType
  if (!USER_ID_TYPES.includes(userIdType)) throw invalid('user_id_type')
  const deptIdType = (c.req.query('department_id_type') ?? 'open_department_id') as DeptIdType
  if (!DEPT_ID_TYPES.includes(deptIdType)) throw invalid('department_id_type')

  const fields = optionalList(body, 'fields', 100) ?? []
  const employmentIds = optionalList(body, 'employment_id_list', 100)
  const numbers = optionalList(body, 'employee_number_list', 100)
  const emails = optionalList(body, 'email_address_list', 100)
  const workEmail = body.work_email
  if (workEmail !== undefined && typeof workEmail !== 'string') throw invalid('work_email')
  const status = body.employment_status
  if (status !== undefined && status !== 'hired' && status !== 'terminated') throw invalid('employment_status must be hired or terminated')

  const lower = (s: string) => s.toLowerCase()
  const matched = state.employees.filter((e) =>
    (!employmentIds || employmentIds.includes(idOf(e, userIdType)))
    && (!numbers || numbers.includes(e.employee_no))
    && (!emails || emails.map(lower).includes(lower(e.email)))
    && (workEmail === undefined || lower(workEmail) === lower(e.email))
    && (status === undefined || e.status === status))
  const page = matched.slice(offset, offset + pageSize)
  const hasMore = offset + pageSize < matched.length
  const fieldSet = new Set(fields)
  return ok({
    items: page.map((e) => item(e, fieldSet, userIdType, deptIdType, state.knobs.corehrIdConversionFails.includes(e.employee_no))),
    has_more: hasMore,
    ...(hasMore ? { page_token: encodePageToken(offset + pageSize) } : {}),
  })
}

export function mountCoreHrRoutes(app: SandboxApp, state: SandboxState): void {
  mountApi(app, state, APIS['corehr.employee.search'], search)
}
