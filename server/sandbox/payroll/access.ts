// Row-level data permission of payroll records (§4: 「外部数据源 - 数据明细」 / 薪资组 data auth).
import type { Principal } from '../platform/auth-gate'
import type { Employee } from '../seed/employees'
import type { SandboxState } from '../state'

/** A tenant token acts as the app, which holds data auth over every 薪资组 in the sandbox. */
export function canSeeEmployee(state: SandboxState, principal: Principal, employee: Employee): boolean {
  if (principal.kind === 'tenant') return true
  const scope = state.byUserId.get(principal.userId)?.rights.payroll ?? 'none'
  if (scope === 'all') return true
  if (scope === 'none') return false
  return scope.includes(employee.department)
}

export function hasPayrollRole(state: SandboxState, principal: Principal): boolean {
  if (principal.kind === 'tenant') return true
  return (state.byUserId.get(principal.userId)?.rights.payroll ?? 'none') !== 'none'
}
