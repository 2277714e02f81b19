import type { PayrollKey } from '../domain/jobs'
import type { PeriodGuard } from '../domain/payroll-checks'
import { request } from './http'

export type { PeriodGuard } from '../domain/payroll-checks'

/**
 * The period guard (server/routes: POST /api/payroll/period-guard): the payment activities that may
 * pay this key's data, and whether one of them is approved or archived. `unknown` when the app could
 * not look (scope or role missing, Feishu unavailable) — the import goes on.
 */
export async function periodGuard(key: PayrollKey, signal?: AbortSignal): Promise<PeriodGuard> {
  return (await request<{ guard: PeriodGuard }>({ method: 'POST', url: '/api/payroll/period-guard', data: key, signal })).guard
}
