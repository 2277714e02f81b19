import { attendanceTarget, operatorId, OPERATOR_SCOPES, type ReportFieldView } from '../../../src/domain/attendance'
import type { EmployeeType } from '../../../src/domain/jobs'
import { allPages } from '../../../src/domain/paging'
import type { I18nText, TargetSchema } from '../../../src/domain/target'
import type { Session } from '../../auth/sessions'
import { AppError } from '../../errors'
import type { FeishuClient } from '../../feishu/client'
import type { Pacer } from '../../jobs/pacer'

export interface RuleView { archive_rule_id: string; names: I18nText; report_names: I18nText | null }

const text = (m: Record<string, string> | undefined, fallback: string): I18nText => ({ 'zh-CN': m?.zh || m?.en || fallback, 'en-US': m?.en || m?.zh || fallback })

/** Every archive rule the person can see, all pages (§3.1). */
export async function listRules(feishu: FeishuClient, pacer: Pacer, token: string): Promise<RuleView[]> {
  const all = await allPages('attendance.archive_rule.list', (page) => pacer.schedule('attendance.archive_rule.list', () => feishu.listArchiveRules(token, page)))
  return all.map((r) => ({ archive_rule_id: r.archive_rule_id, names: text(r.archive_rule_name, r.archive_rule_id), report_names: r.report_name ? text(r.report_name, '') : null }))
}

/**
 * The signed-in person's own ID of the given type, for operator_id (src/domain/attendance.ts
 * operatorId): the user ID is in the session; the employee number is asked of Feishu with their
 * token. Missing → null (the scope that tells it was not granted).
 */
export async function ownOperatorIds(feishu: FeishuClient, token: string, session: Session, employeeType: EmployeeType): Promise<{ user_id: string | null; employee_no: string | null }> {
  const employeeNo = employeeType === 'employee_no' ? ((await feishu.userInfo(token)).employee_no ?? null) : null
  return { user_id: session.user.userId ?? null, employee_no: employeeNo }
}

/**
 * The report's headers in both UI languages (two calls, §3.2), and the import target built from
 * them (attendanceTarget). The headers are read as the person, who is the operator.
 */
export async function reportTarget(feishu: FeishuClient, pacer: Pacer, token: string, session: Session, q: { ruleId: string; month: string; employeeType: EmployeeType }): Promise<{ fields: ReportFieldView[]; schema: TargetSchema }> {
  const operator = operatorId(q.employeeType, await ownOperatorIds(feishu, token, session, q.employeeType))
  if (!operator) throw new AppError(403, 'scope_missing', 'Feishu did not tell the app your user ID or employee number.', { scopes: [OPERATOR_SCOPES[q.employeeType]] })
  const body = (locale: 'zh' | 'en') => ({ locale, month: q.month, archive_rule_id: q.ruleId, operator_id: operator })
  const [zh, en] = await Promise.all([
    pacer.schedule('attendance.archive_rule.fields', () => feishu.reportFields(token, q.employeeType, body('zh'))),
    pacer.schedule('attendance.archive_rule.fields', () => feishu.reportFields(token, q.employeeType, body('en'))),
  ])
  const enByCode = new Map(en.map((f) => [f.code, f]))
  const fields: ReportFieldView[] = zh.map((f) => {
    const e = enByCode.get(f.code)
    return {
      code: f.code,
      title: { 'zh-CN': f.title, 'en-US': e?.title || f.title },
      upper_titles: (f.upper_titles ?? []).map((t, i) => ({ 'zh-CN': t, 'en-US': e?.upper_titles?.[i] || t })),
    }
  })
  if (!fields.length) throw new AppError(400, 'unknown_target', 'This archive report has no fields for that month.')
  return { fields, schema: attendanceTarget(q.ruleId, q.employeeType, fields) }
}
