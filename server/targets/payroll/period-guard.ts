import { periodGuardOf, periodGuardWindow, type PaymentActivityView, type PeriodGuard } from '../../../src/domain/payroll-checks'
import type { PayrollKey } from '../../../src/domain/jobs'
import { allPages } from '../../../src/domain/paging'
import { i18nText } from '../../../src/domain/payroll'
import type { FeishuClient } from '../../feishu/client'
import { FeishuError } from '../../feishu/http'
import type { Pacer } from '../../jobs/pacer'

/**
 * The period guard: the payment activities (发薪活动) that may pay this key's data, read with the
 * person's own token (payroll-v1/payment_activity/list, scope payroll:payment_activity:read, 5/s).
 * An approved (375) or archived (400) one means values written now land but are never paid. The
 * guard only warns: without the scope, the role, or an answer it says `unknown` with the reason
 * and the import goes on; only an ended sign-in is thrown.
 */
export async function readPeriodGuard(feishu: FeishuClient, pacer: Pacer, token: string, key: PayrollKey): Promise<PeriodGuard> {
  const window = periodGuardWindow(key)
  try {
    const items = await allPages('payroll.payment_activity.list', (page) => pacer.schedule('payroll.payment_activity.list', () => feishu.listPaymentActivities(token, window, page)))
    const activities: PaymentActivityView[] = items
      .filter((a) => typeof a.activity_status === 'number')
      .map((a) => ({ activity_id: a.activity_id ?? '', name: i18nText(a.activity_names, a.activity_id ?? ''), pay_date: a.pay_date ?? '', status: a.activity_status! }))
    return periodGuardOf(activities)
  } catch (e) {
    if (e instanceof FeishuError) {
      const f = e.failure
      if (f.kind === 'scope_missing' || f.kind === 'app_scope_missing') return { state: 'unknown', reason: 'scope_missing', scopes: f.scopes.length ? f.scopes : ['payroll:payment_activity:read'] }
      if (f.kind === 'no_permission') return { state: 'unknown', reason: 'no_permission' }
      // An ended sign-in goes to the person (sign in again); any other refusal only means the
      // guard could not look, which is said and does not stop the import.
      if (f.kind !== 'token_expired' && f.kind !== 'token_invalid' && f.kind !== 'reauth_needed') return { state: 'unknown', reason: 'unavailable' }
    }
    throw e
  }
}
