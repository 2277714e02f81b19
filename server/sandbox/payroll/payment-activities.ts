// `GET /open-apis/payroll/v1/payment_activitys` — 查询发薪活动列表 (not in the reference; contract
// from the public page payroll-v1/payment_activity/list, updateTime 1741609549000, see README):
// pay-date window [pay_period_start_date, pay_period_end_date] inclusive (YYYY-MM-dd, both
// required), page_size 1–100 required, page_token, statuses (int[], 0–100 entries, repeated keys);
// answers data.payment_activitys[] {activity_id, activity_names, pay_date, total_number_of_payroll,
// number_of_calculation_activities, calculation_activities, activity_status}, page_token, has_more.
import type { Principal } from '../platform/auth-gate'
import { FeishuError } from '../platform/envelope'
import { decodePageToken, encodePageToken } from '../platform/params'
import type { SandboxState } from '../state'
import { hasPayrollRole } from './access'

/** The documented states: 100 待确认名单 … 375 审批通过, 400 已封存. */
export const PAYMENT_ACTIVITY_STATUSES = [100, 150, 200, 300, 350, 360, 375, 400] as const
export type PaymentActivityStatus = (typeof PAYMENT_ACTIVITY_STATUSES)[number]

export interface PaymentActivity {
  activity_id: string
  activity_names: Array<{ locale: string; value: string }>
  pay_date: string
  total_number_of_payroll: number
  calculation_activities: Array<{ calculation_activity_id: string; calculation_activity_names: Array<{ locale: string; value: string }> }>
  activity_status: PaymentActivityStatus
}

function activity(n: number, payDate: string, month: string, status: PaymentActivityStatus): PaymentActivity {
  return {
    activity_id: `72020769886670${String(19300 + n)}`,
    activity_names: [{ locale: 'zh_cn', value: `${month} 月度发薪` }, { locale: 'en_us', value: `${month} monthly pay` }],
    pay_date: payDate,
    total_number_of_payroll: 2280,
    calculation_activities: [{ calculation_activity_id: `73718283198370${String(12000 + n)}`, calculation_activity_names: [{ locale: 'zh_cn', value: `${month} 月度算薪` }, { locale: 'en_us', value: `${month} monthly payroll run` }] }],
    activity_status: status,
  }
}

/**
 * The seeded activities: each month of 2024 is paid on the 10th of the next month. July and August
 * are archived (400), September's is approved (375), October's awaits submission (150).
 */
export function seedPaymentActivities(): PaymentActivity[] {
  return [
    activity(7, '2024-08-10', '2024-07', 400),
    activity(8, '2024-09-10', '2024-08', 400),
    activity(9, '2024-10-10', '2024-09', 375),
    activity(10, '2024-11-10', '2024-10', 150),
  ]
}

const paramInvalid = (detail: string) => new FeishuError(400, 2500002, `param is invalid: ${detail}`)
const DAY = /^\d{4}-\d{2}-\d{2}$/

function validDay(s: string): boolean {
  if (!DAY.test(s)) return false
  const d = new Date(`${s}T00:00:00Z`)
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s
}

export function listPaymentActivities(state: SandboxState, principal: Principal, query: URLSearchParams) {
  const start = query.get('pay_period_start_date') ?? ''
  const end = query.get('pay_period_end_date') ?? ''
  if (!validDay(start)) throw paramInvalid('pay_period_start_date must be YYYY-MM-dd')
  if (!validDay(end)) throw paramInvalid('pay_period_end_date must be YYYY-MM-dd')
  // UNCONFIRMED: a window that ends before it starts is refused rather than answered empty.
  if (end < start) throw paramInvalid('pay_period_end_date is before pay_period_start_date')
  const rawSize = query.get('page_size')
  const pageSize = rawSize !== null && /^\d+$/.test(rawSize) ? Number(rawSize) : NaN
  if (!(pageSize >= 1 && pageSize <= 100)) throw paramInvalid('page_size must be 1-100')
  const offset = decodePageToken(query.get('page_token') ?? undefined)
  if (offset === null) throw paramInvalid('page_token invalid')
  const rawStatuses = query.getAll('statuses')
  if (rawStatuses.length > 100) throw paramInvalid('statuses has more than 100 entries')
  const statuses = rawStatuses.map((s) => (/^\d+$/.test(s) ? Number(s) : NaN))
  if (statuses.some((s) => !PAYMENT_ACTIVITY_STATUSES.includes(s as PaymentActivityStatus))) throw paramInvalid('statuses has an unknown status')
  // UNCONFIRMED: the page documents only the scope; like the datasource list, a person without any
  // payroll role gets the gateway's "token no permission" rather than an empty list.
  if (!hasPayrollRole(state, principal)) throw new FeishuError(400, 99991676, 'token no permission')
  const matched = state.paymentActivities
    .filter((a) => a.pay_date >= start && a.pay_date <= end && (statuses.length === 0 || statuses.includes(a.activity_status)))
    .sort((a, b) => (a.pay_date < b.pay_date ? -1 : a.pay_date > b.pay_date ? 1 : 0))
  const page = matched.slice(offset, offset + pageSize)
  const hasMore = offset + pageSize < matched.length
  return {
    payment_activitys: page.map((a) => ({ ...a, number_of_calculation_activities: a.calculation_activities.length })),
    has_more: hasMore,
    ...(hasMore ? { page_token: encodePageToken(offset + pageSize) } : {}),
  }
}
