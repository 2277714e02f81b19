// External payroll datasources (§4.1). The first five use data_period_type 1 (算薪期间); together
// they cover the five field types and several decimal places; one datasource and one field are
// stopped. The first one carries the codes of the official save request example ("yache19_8680__c" …).
// The last two use the dimensions in Feishu's rollout: occur day (2) and custom period (3).
import type { Employee } from './employees'
import type { Rng } from './prng'

export type FieldType = 1 | 2 | 3 | 4 | 5 // money · number · text · date · percent
export type ActiveStatus = 1 | 2 // enabled · stopped

export interface I18nContent { locale: string; value: string; id?: string }

export interface DatasourceField {
  code: string
  i18n_names: I18nContent[]
  field_type: FieldType
  active_status: ActiveStatus
  i18n_description?: I18nContent[]
  decimal_places?: number
  /** System fields (employment_id and the time fields of the key) do not count toward the 3000-char text total. */
  system?: boolean
}

export interface Datasource {
  code: string
  i18n_names: I18nContent[]
  active_status: ActiveStatus
  fields: DatasourceField[]
  i18n_description?: I18nContent[]
  data_period_type: 1 | 2 | 3
}

let entityCounter = 0
const names = (zh: string, en: string): I18nContent[] => {
  entityCounter++
  const id = `7401000000000${String(entityCounter).padStart(6, '0')}`
  return [{ locale: 'zh_cn', value: zh, id }, { locale: 'en_us', value: en, id }]
}
const desc = (zh: string, en: string): I18nContent[] => [{ locale: 'zh_cn', value: zh }, { locale: 'en_us', value: en }]

function field(code: string, zh: string, en: string, field_type: FieldType, extra: Partial<DatasourceField> = {}): DatasourceField {
  return { code, i18n_names: names(zh, en), field_type, active_status: 1, ...extra }
}

const systemFields = (): DatasourceField[] => [
  field('employment_id', '雇佣 ID', 'Employment ID', 3, { system: true, i18n_description: desc('飞书人事雇佣 ID', 'Feishu People employment ID') }),
  field('payroll_period', '算薪期间', 'Payroll period', 4, { system: true, i18n_description: desc('格式 yyyy-mm', 'Format yyyy-mm') }),
]

export function generateDatasources(): Datasource[] {
  entityCounter = 0
  return [
    {
      code: 'yache19_8680__c', i18n_names: names('外部奖金数据', 'External bonus data'), active_status: 1, data_period_type: 1,
      i18n_description: desc('季度奖金与绩效系数', 'Quarterly bonus and performance score'),
      fields: [
        ...systemFields(),
        field('yache41_8680__c', '发放日期', 'Payment date', 4),
        field('yache11_8680__c', '备注', 'Remarks', 3),
        field('yache22_8680__c', '绩效系数', 'Performance score', 2, { decimal_places: 2 }),
        field('yache33_8680__c', '季度奖金', 'Quarterly bonus', 1, { decimal_places: 2 }),
        field('yache55_8680__c', '奖金比例', 'Bonus ratio', 5),
      ],
    },
    {
      code: 'attendance_deduction__c', i18n_names: names('考勤扣款', 'Attendance deductions'), active_status: 1, data_period_type: 1,
      fields: [
        ...systemFields(),
        field('late_deduction__c', '迟到扣款', 'Late deduction', 1, { decimal_places: 2 }),
        field('absence_hours__c', '缺勤时长', 'Absence hours', 2, { decimal_places: 1 }),
        field('absence_deduction__c', '缺勤扣款', 'Absence deduction', 1, { decimal_places: 2 }),
        field('meal_allowance__c', '餐补', 'Meal allowance', 1, { decimal_places: 0 }),
        field('deduction_note__c', '扣款说明', 'Deduction note', 3),
        field('legacy_penalty__c', '旧罚款项（已停用）', 'Legacy penalty (stopped)', 1, { decimal_places: 2, active_status: 2 }),
      ],
    },
    {
      code: 'sales_commission__c', i18n_names: names('销售提成', 'Sales commission'), active_status: 1, data_period_type: 1,
      i18n_description: desc('销售部与客服部的月度提成', 'Monthly commission of Sales and Customer Service'),
      fields: [
        ...systemFields(),
        field('commission_amount__c', '提成金额', 'Commission amount', 1, { decimal_places: 2 }),
        field('commission_rate__c', '提成比例', 'Commission rate', 5),
        field('deals_closed__c', '成交单数', 'Deals closed', 2, { decimal_places: 0 }),
        field('unit_price__c', '平均单价', 'Average unit price', 2, { decimal_places: 6 }),
        field('fx_amount__c', '外币折算金额', 'FX converted amount', 1, { decimal_places: 3 }),
        field('settle_date__c', '结算日期', 'Settlement date', 4),
        field('client_note__c', '客户备注', 'Client note', 3),
      ],
    },
    {
      // Eight text fields: enough text per record to reach the 3000-character record limit (2500012).
      code: 'performance_review__c', i18n_names: names('绩效评语', 'Performance review notes'), active_status: 1, data_period_type: 1,
      fields: [
        ...systemFields(),
        field('review_score__c', '绩效得分', 'Review score', 2, { decimal_places: 1 }),
        field('self_review__c', '自评', 'Self review', 3),
        field('manager_comment__c', '上级评语', 'Manager comment', 3),
        field('peer_feedback__c', '同事反馈', 'Peer feedback', 3),
        field('strengths__c', '优势', 'Strengths', 3),
        field('improvements__c', '待改进', 'Areas to improve', 3),
        field('goals__c', '下期目标', 'Next goals', 3),
        field('hr_note__c', 'HR 备注', 'HR note', 3),
        field('calibration_note__c', '校准说明', 'Calibration note', 3),
      ],
    },
    {
      code: 'legacy_allowance__c', i18n_names: names('旧版津贴（已停用）', 'Legacy allowance (stopped)'), active_status: 2, data_period_type: 1,
      fields: [
        ...systemFields(),
        field('allowance_amount__c', '津贴金额', 'Allowance amount', 1, { decimal_places: 2 }),
      ],
    },    {
      // data_period_type 2: keyed by employment_id + occur_day (yyyy-mm-dd).
      code: 'overtime_daily__c', i18n_names: names('每日加班', 'Daily overtime'), active_status: 1, data_period_type: 2,
      i18n_description: desc('按数据发生日期记录的加班', 'Overtime recorded by the day it happened'),
      fields: [
        field('employment_id', '雇佣 ID', 'Employment ID', 3, { system: true, i18n_description: desc('飞书人事雇佣 ID', 'Feishu People employment ID') }),
        field('occur_day', '数据发生日期', 'Occur day', 4, { system: true, i18n_description: desc('格式 yyyy-mm-dd', 'Format yyyy-mm-dd') }),
        field('overtime_hours__c', '加班时长', 'Overtime hours', 2, { decimal_places: 1 }),
        field('overtime_pay__c', '加班费', 'Overtime pay', 1, { decimal_places: 2 }),
        field('overtime_note__c', '加班说明', 'Overtime note', 3),
      ],
    },
    {
      // data_period_type 3: keyed by employment_id + custom_start + custom_end (yyyy-mm-dd).
      code: 'project_bonus__c', i18n_names: names('项目奖金', 'Project bonus'), active_status: 1, data_period_type: 3,
      i18n_description: desc('按项目周期结算的奖金', 'Bonus settled per project period'),
      fields: [
        field('employment_id', '雇佣 ID', 'Employment ID', 3, { system: true, i18n_description: desc('飞书人事雇佣 ID', 'Feishu People employment ID') }),
        field('custom_start', '自定义周期开始', 'Custom period start', 4, { system: true, i18n_description: desc('格式 yyyy-mm-dd', 'Format yyyy-mm-dd') }),
        field('custom_end', '自定义周期结束', 'Custom period end', 4, { system: true, i18n_description: desc('格式 yyyy-mm-dd', 'Format yyyy-mm-dd') }),
        field('project_bonus_amount__c', '项目奖金', 'Project bonus', 1, { decimal_places: 2 }),
        field('project_rate__c', '达成率', 'Completion rate', 5),
        field('project_name__c', '项目名称', 'Project name', 3),
      ],
    },
  ]
}

export interface SeedRecord {
  source_code: string
  active_status: ActiveStatus
  values: [string, string][]
}

/** A month of existing commission records for 30 Sales employees, so query / compare have data. */
export function generateRecords(rng: Rng, employees: readonly Employee[]): SeedRecord[] {
  return employees
    .filter((e) => e.department === 'SAL' && e.status === 'hired')
    .slice(0, 30)
    .map((e) => ({
      source_code: 'sales_commission__c',
      active_status: 1,
      values: [
        ['employment_id', e.employment_id],
        ['payroll_period', '2024-09'],
        ['commission_amount__c', `${rng.int(500, 20000)}.${String(rng.int(0, 99)).padStart(2, '0')}`],
        ['commission_rate__c', `${rng.int(1, 8)}.5`],
        ['deals_closed__c', String(rng.int(0, 25))],
        ['settle_date__c', '2024-10-05'],
      ],
    }))
}
