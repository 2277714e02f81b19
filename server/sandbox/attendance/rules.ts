// Attendance helpers: ID resolution by employee_type and the data-permission check (§3).
import { FeishuError } from '../platform/envelope'
import type { Principal } from '../platform/auth-gate'
import type { ArchiveRule } from '../seed/archive-rules'
import type { Employee } from '../seed/employees'
import type { SandboxState } from '../state'

export type EmployeeType = 'employee_id' | 'employee_no'

export const paramInvalid = (what: string) => new FeishuError(400, 1220001, what)
export const generic = (msg: string) => new FeishuError(400, 1220600, msg)

export function readEmployeeType(v: string | undefined): EmployeeType {
  if (v !== 'employee_id' && v !== 'employee_no') throw paramInvalid('employee_type invalid')
  return v
}

/**
 * A reused 工号 matches several people; the sandbox refuses to guess and treats it as unresolvable
 * (§5 "复用工号": never treat 工号 as unique) — harder on the app, which must then use employee_id.
 */
export function resolveEmployee(state: SandboxState, type: EmployeeType, id: string): Employee | undefined {
  if (type === 'employee_id') return state.byUserId.get(id)
  const matches = state.byEmployeeNo.get(id) ?? []
  return matches.length === 1 ? matches[0] : undefined
}

export function idOf(e: Employee, type: EmployeeType): string {
  return type === 'employee_id' ? e.user_id : e.employee_no
}

export function ruleInScope(e: Employee, ruleId: string): boolean {
  const r = e.rights.attendanceRules
  return r === 'all' || (r !== 'none' && r.includes(ruleId))
}

export function findRule(state: SandboxState, id: string): ArchiveRule {
  const rule = state.rules.get(id)
  if (!rule) throw generic('archive_rule_id not exist')
  return rule
}

/**
 * The operator acts on the rule. With a user token the operator must be that user (UNCONFIRMED §3,
 * the harder choice) and the user needs the rule in their data scope; with a tenant token the named
 * operator needs it. Otherwise 1220600 "auth no permission".
 */
export function checkOperator(state: SandboxState, principal: Principal, type: EmployeeType, operatorId: string, rule: ArchiveRule): Employee {
  const operator = resolveEmployee(state, type, operatorId)
  if (!operator) throw paramInvalid('operator_id invalid')
  if (principal.kind === 'user' && operator.user_id !== principal.userId) {
    throw paramInvalid('operator_id invalid: it must be the user of the user_access_token')
  }
  if (!ruleInScope(operator, rule.archive_rule_id)) throw generic('auth no permission')
  return operator
}

export const MONTH_RE = /^\d{4}(0[1-9]|1[0-2])$/

export function isYmd(v: string): boolean {
  const m = /^(\d{4})(\d{2})(\d{2})$/.exec(v)
  if (!m) return false
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])]
  const date = new Date(Date.UTC(y, mo - 1, d))
  return date.getUTCFullYear() === y && date.getUTCMonth() === mo - 1 && date.getUTCDate() === d
}
