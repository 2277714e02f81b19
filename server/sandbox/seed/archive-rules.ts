// Archive rules (归档规则) and their report headers (§3.1, §3.2). Headers follow the real 归档报表
// layout: 基本信息 / 出勤统计 / 加班 / 请假 (with 带薪假 / 无薪假 sub-groups) / 异常 / 其他, 40+ columns,
// with zh, en and ja titles. Field codes are 8 hex chars like the doc example "abd754f7".
import type { DepartmentKey } from './departments'
import { createRng, type Rng } from './prng'

export interface I18nText { zh: string; en: string; ja: string }

export interface ArchiveField {
  code: string
  title: I18nText
  upper_titles: readonly I18nText[]
}

export interface ArchiveRule {
  archive_rule_id: string
  report_id: string
  archive_rule_name: I18nText
  report_name: I18nText
  departments: readonly DepartmentKey[]
  fields: ArchiveField[]
}

const G = {
  basic: { zh: '基本信息', en: 'Basic info', ja: '基本情報' },
  attendance: { zh: '出勤统计', en: 'Attendance', ja: '出勤統計' },
  overtime: { zh: '加班', en: 'Overtime', ja: '残業' },
  leave: { zh: '请假', en: 'Leave', ja: '休暇' },
  paid: { zh: '带薪假', en: 'Paid leave', ja: '有給休暇' },
  unpaid: { zh: '无薪假', en: 'Unpaid leave', ja: '無給休暇' },
  exception: { zh: '异常', en: 'Exceptions', ja: '異常' },
  other: { zh: '其他', en: 'Others', ja: 'その他' },
} satisfies Record<string, I18nText>

type Template = readonly [groups: readonly I18nText[], zh: string, en: string, ja: string]

const COMMON: readonly Template[] = [
  [[G.basic], '姓名', 'Name', '氏名'],
  [[G.basic], '工号', 'Employee No.', '社員番号'],
  [[G.basic], '部门', 'Department', '部署'],
  [[G.basic], '职务', 'Position', '役職'],
  [[G.basic], '考勤组', 'Attendance group', '勤怠グループ'],
  [[G.basic], '入职日期', 'Hire date', '入社日'],
  [[G.attendance], '应出勤天数', 'Required attendance days', '所定出勤日数'],
  [[G.attendance], '实际出勤天数', 'Actual attendance days', '実出勤日数'],
  [[G.attendance], '应出勤时长(小时)', 'Required hours', '所定労働時間'],
  [[G.attendance], '实际出勤时长(小时)', 'Actual hours', '実労働時間'],
  [[G.attendance], '休息天数', 'Rest days', '休日数'],
  [[G.attendance], '出差天数', 'Business trip days', '出張日数'],
  [[G.attendance], '外出时长(小时)', 'Out-of-office hours', '外出時間'],
  [[G.attendance], '计薪天数', 'Paid days', '給与計算日数'],
  [[G.overtime], '工作日加班时长(小时)', 'Weekday overtime hours', '平日残業時間'],
  [[G.overtime], '休息日加班时长(小时)', 'Rest-day overtime hours', '休日残業時間'],
  [[G.overtime], '节假日加班时长(小时)', 'Holiday overtime hours', '祝日残業時間'],
  [[G.overtime], '加班总时长(小时)', 'Total overtime hours', '残業合計時間'],
  [[G.overtime], '加班转调休时长(小时)', 'Overtime to time off (hours)', '代休振替時間'],
  [[G.overtime], '加班费计算时长(小时)', 'Paid overtime hours', '残業手当対象時間'],
  [[G.leave, G.paid], '年假(天)', 'Annual leave (days)', '年次有給休暇(日)'],
  [[G.leave, G.paid], '调休假(小时)', 'Compensatory leave (hours)', '代休(時間)'],
  [[G.leave, G.paid], '病假(天)', 'Sick leave (days)', '病気休暇(日)'],
  [[G.leave, G.paid], '婚假(天)', 'Marriage leave (days)', '結婚休暇(日)'],
  [[G.leave, G.paid], '产假(天)', 'Maternity leave (days)', '産前産後休暇(日)'],
  [[G.leave, G.paid], '陪产假(天)', 'Paternity leave (days)', '配偶者出産休暇(日)'],
  [[G.leave, G.paid], '丧假(天)', 'Bereavement leave (days)', '忌引休暇(日)'],
  [[G.leave, G.paid], '育儿假(天)', 'Childcare leave (days)', '育児休暇(日)'],
  [[G.leave, G.unpaid], '事假(天)', 'Personal leave (days)', '私用休暇(日)'],
  [[G.leave], '请假总天数', 'Total leave days', '休暇合計日数'],
  [[G.exception], '迟到次数', 'Late arrivals', '遅刻回数'],
  [[G.exception], '迟到时长(分钟)', 'Late minutes', '遅刻時間(分)'],
  [[G.exception], '严重迟到次数', 'Serious late arrivals', '重大遅刻回数'],
  [[G.exception], '早退次数', 'Early departures', '早退回数'],
  [[G.exception], '早退时长(分钟)', 'Early departure minutes', '早退時間(分)'],
  [[G.exception], '上班缺卡次数', 'Missed clock-ins', '出勤打刻漏れ回数'],
  [[G.exception], '下班缺卡次数', 'Missed clock-outs', '退勤打刻漏れ回数'],
  [[G.exception], '旷工天数', 'Absent days', '無断欠勤日数'],
  [[G.exception], '旷工次数', 'Absences', '無断欠勤回数'],
  [[G.exception], '补卡次数', 'Clock corrections', '打刻修正回数'],
  [[G.other], '餐补次数', 'Meal allowance count', '食事手当回数'],
  [[G.other], '备注', 'Remarks', '備考'],
]

const RND_EXTRA: readonly Template[] = [
  [[G.attendance], '弹性工时达标天数', 'Flexible-hours days met', 'フレックス達成日数'],
  [[G.overtime], '夜间加班时长(小时)', 'Late-night overtime hours', '深夜残業時間'],
]
/**
 * The R&D report is the wide one (62 headers), so an import of 60+ fields can be tried against the
 * sandbox. Its codes come from their own fixed-seed generator, so adding them shifts no other seeded
 * value (the codes of the other rules, the payroll records drawn after the rules).
 */
const RND_WIDE: readonly Template[] = [
  [[G.attendance], '远程办公天数', 'Remote work days', '在宅勤務日数'],
  [[G.attendance], '驻场天数', 'On-site days', '客先常駐日数'],
  [[G.attendance], '培训天数', 'Training days', '研修日数'],
  [[G.attendance], '值班天数', 'On-call days', '当番日数'],
  [[G.attendance], '值班时长(小时)', 'On-call hours', '当番時間'],
  [[G.overtime], '发布保障加班时长(小时)', 'Release support overtime hours', 'リリース対応残業時間'],
  [[G.overtime], '线上故障处理时长(小时)', 'Incident response hours', '障害対応時間'],
  [[G.overtime], '加班餐次数', 'Overtime meals', '残業食事回数'],
  [[G.overtime], '加班打车次数', 'Overtime taxi rides', '残業タクシー回数'],
  [[G.leave, G.paid], '年假余额(天)', 'Annual leave balance (days)', '年次有給残日数'],
  [[G.leave, G.paid], '调休余额(小时)', 'Time-off balance (hours)', '代休残時間'],
  [[G.leave, G.paid], '哺乳假(小时)', 'Nursing leave (hours)', '育児時間(時間)'],
  [[G.leave, G.paid], '产检假(天)', 'Prenatal check-up leave (days)', '妊婦健診休暇(日)'],
  [[G.leave, G.unpaid], '长病假(天)', 'Long-term sick leave (days)', '長期病気休暇(日)'],
  [[G.exception], '弹性时间不足次数', 'Flexible hours short', 'フレックス不足回数'],
  [[G.exception], '弹性时间不足时长(分钟)', 'Flexible hours short (minutes)', 'フレックス不足時間(分)'],
  [[G.other], '门禁记录异常次数', 'Access record anomalies', '入退室記録異常回数'],
  [[G.other], '工位调整说明', 'Desk change note', '座席変更メモ'],
]
const RND_WIDE_SEED = 0x52d0652

const SALES_EXTRA: readonly Template[] = [
  [[G.attendance], '外勤打卡次数', 'Field clock-ins', '外勤打刻回数'],
  [[G.attendance], '客户拜访天数', 'Client visit days', '顧客訪問日数'],
]
const MFG_EXTRA: readonly Template[] = [
  [[G.attendance], '夜班天数', 'Night shifts', '夜勤日数'],
  [[G.attendance], '倒班次数', 'Shift rotations', '交代勤務回数'],
  [[G.overtime], '停工待料时长(小时)', 'Idle hours (material shortage)', '材料待ち時間'],
]

function fields(rng: Rng, templates: readonly Template[], used: Set<string>): ArchiveField[] {
  return templates.map(([groups, zh, en, ja]) => {
    let code = rng.hex(8)
    while (used.has(code)) code = rng.hex(8)
    used.add(code)
    return { code, title: { zh, en, ja }, upper_titles: groups }
  })
}

export function generateArchiveRules(rng: Rng): ArchiveRule[] {
  const used = new Set<string>(['abd754f7']) // keep the doc example's code unknown on purpose
  const rules: ArchiveRule[] = [
    {
      // Id "1" is the one the official request example uses.
      archive_rule_id: '1', report_id: '7341290237441600001',
      archive_rule_name: { zh: '总部职能月度归档', en: 'HQ functions monthly archive', ja: '本社部門月次締め' },
      report_name: { zh: '总部月度考勤报表', en: 'HQ monthly attendance report', ja: '本社月次勤怠レポート' },
      departments: ['HR', 'FIN', 'ADM', 'MKT'],
      fields: fields(rng, COMMON, used),
    },
    {
      archive_rule_id: '7341290237441605652', report_id: '7341290237441600002',
      archive_rule_name: { zh: '研发中心月度归档', en: 'R&D Center monthly archive', ja: '研究開発センター月次締め' },
      report_name: { zh: '研发中心考勤报表', en: 'R&D Center attendance report', ja: '研究開発センター勤怠レポート' },
      departments: ['RND'],
      fields: fields(rng, [...COMMON, ...RND_EXTRA], used),
    },
    {
      archive_rule_id: '7341290237441605653', report_id: '7341290237441600003',
      archive_rule_name: { zh: '销售与客服月度归档', en: 'Sales & Service monthly archive', ja: '営業・サービス月次締め' },
      report_name: { zh: '销售与客服考勤报表', en: 'Sales & Service attendance report', ja: '営業・サービス勤怠レポート' },
      departments: ['SAL', 'CS'],
      fields: fields(rng, [...COMMON, ...SALES_EXTRA], used),
    },
    {
      archive_rule_id: '7341290237441605654', report_id: '7341290237441600004',
      archive_rule_name: { zh: '生产部月度归档', en: 'Manufacturing monthly archive', ja: '製造部月次締め' },
      report_name: { zh: '生产部考勤报表', en: 'Manufacturing attendance report', ja: '製造部勤怠レポート' },
      departments: ['MFG'],
      fields: fields(rng, [...COMMON, ...MFG_EXTRA], used),
    },
  ]
  rules[1]!.fields.push(...fields(createRng(RND_WIDE_SEED), RND_WIDE, used))
  return rules
}
