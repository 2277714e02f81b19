import type { EmployeeType } from '../../src/domain/jobs'
import type { I18nText, TargetField, TargetSchema } from '../../src/domain/target'
import { AppError } from '../errors'
import type { ArchiveRule, FeishuClient } from '../feishu/client'
import type { Pacer } from '../jobs/pacer'

export interface RuleView { archive_rule_id: string; names: I18nText; report_names: I18nText | null }
export interface ReportFieldView { code: string; title: I18nText; upper_titles: I18nText[] }

const text = (m: Record<string, string> | undefined, fallback: string): I18nText => ({ 'zh-CN': m?.zh || m?.en || fallback, 'en-US': m?.en || m?.zh || fallback })

/** Every archive rule the person can see, all pages (§3.1: page_size ≤ 50). */
export async function listRules(feishu: FeishuClient, pacer: Pacer, token: string): Promise<RuleView[]> {
  const all: ArchiveRule[] = []
  let pageToken: string | undefined
  for (let page = 0; page < 200; page++) {
    const res = await pacer.schedule('attendance.archive_rule.list', () => feishu.listArchiveRules(token, { pageSize: 50, pageToken }))
    all.push(...res.items)
    if (!res.has_more || !res.page_token) break
    pageToken = res.page_token
  }
  return all.map((r) => ({ archive_rule_id: r.archive_rule_id, names: text(r.archive_rule_name, r.archive_rule_id), report_names: r.report_name ? text(r.report_name, '') : null }))
}

/**
 * The report's headers in both UI languages (two calls, §3.2), and the import target built from
 * them: the member and the dates, then one text field per report column with its upper titles as
 * the path (matched as "parent / child" by the pipeline).
 */
export async function reportTarget(feishu: FeishuClient, pacer: Pacer, token: string, q: { ruleId: string; month: string; employeeType: EmployeeType; operatorId: string }): Promise<{ fields: ReportFieldView[]; schema: TargetSchema }> {
  const body = (locale: 'zh' | 'en') => ({ locale, month: q.month, archive_rule_id: q.ruleId, operator_id: q.operatorId })
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
  const memberTitle: I18nText = q.employeeType === 'employee_no' ? { 'zh-CN': '工号', 'en-US': 'Employee number' } : { 'zh-CN': '用户 ID', 'en-US': 'User ID' }
  const schemaFields: TargetField[] = [
    { code: 'member_id', title: memberTitle, kind: 'identifier', required: true, writable: true, aliases: q.employeeType === 'employee_no' ? ['工号', 'employee no', 'employee_no', '员工工号'] : ['用户id', 'user id', 'user_id', 'employee_id'] },
    { code: 'start_time', title: { 'zh-CN': '考勤开始日期', 'en-US': 'Start date' }, kind: 'compact_date', required: false, writable: true, aliases: ['开始日期', 'start_time'] },
    { code: 'end_time', title: { 'zh-CN': '考勤结束日期', 'en-US': 'End date' }, kind: 'compact_date', required: false, writable: true, aliases: ['结束日期', 'end_time'] },
    ...fields
      // The report's own identity columns (工号, 姓名…) are not values to write.
      .filter((f) => !['member_id', 'start_time', 'end_time'].includes(f.code))
      .map((f): TargetField => ({ code: f.code, title: f.title, path: f.upper_titles, kind: 'text', required: false, writable: true })),
  ]
  if (!fields.length) throw new AppError(400, 'unknown_target', 'This archive report has no fields for that month.')
  return { fields, schema: { kind: 'attendance', id: q.ruleId, title: { 'zh-CN': q.ruleId, 'en-US': q.ruleId }, fields: schemaFields, keyFields: ['member_id'] } }
}
