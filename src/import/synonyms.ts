/**
 * Words HR files use for the same thing, in both languages. A header is matched to a field after
 * each word is replaced by its group's first word, so "加班时长 / 周末" meets "休息日加班时长" and
 * "Meal subsidy" meets "餐补"'s English title "Meal allowance". Add a group where people write a
 * field's name in more than one way; order inside a group does not matter beyond the first word.
 */
import { toHalfWidth } from '../domain/values'

/** "基本工资（元）*" → "基本工资"; "Base  Salary" → "basesalary". */
export function normaliseTitle(s: string): string {
  return toHalfWidth(s)
    .toLowerCase()
    .replace(/[(（[【][^)）\]】]*[)）\]】]/g, '')
    .replace(/[\s_\-/\\:：*·.,，、|'"`]+/g, '')
}

export const SYNONYM_GROUPS: readonly (readonly string[])[] = [
  ['休息日', '周末', '双休日', '公休日', 'restday', 'weekend', 'dayoff'],
  ['法定节假日', '节假日', '法定假日', 'publicholiday', 'statutoryholiday', 'holiday', 'holidays'],
  ['工作日', '平日', 'workday', 'weekday', 'workingday'],
  ['事假', '个人假', '私事假', 'personalleave', 'casualleave'],
  ['病假', '病休', 'sickleave', 'medicalleave'],
  ['年假', '年休假', '带薪年假', 'annualleave', 'paidleave'],
  ['调休', '调休假', '补休', 'compensatoryleave', 'timeoffinlieu'],
  ['餐费补贴', '餐补', '餐费', '伙食补贴', '饭补', 'mealallowance', 'mealsubsidy'],
  ['交通补贴', '车补', '交通费', '交通补助', 'transportallowance', 'transportationallowance', 'commutingallowance', 'carallowance'],
  ['通讯补贴', '话补', '通讯费', '电话补贴', 'phoneallowance', 'communicationallowance'],
  ['住房补贴', '房补', '租房补贴', 'housingallowance', 'rentallowance'],
  ['工号', '员工编号', '人员编号', '员工工号', '职工编号', '员工号', 'employeeno', 'employeenumber', 'employeeid', 'staffno', 'staffid', 'empno', 'empid'],
  ['邮箱', '工作邮箱', '企业邮箱', '公司邮箱', '电子邮箱', 'email', 'workemail', 'emailaddress'],
  ['姓名', '员工姓名', 'employeename', 'fullname'],
  ['所属部门', '部门名称', 'department', 'dept'],
  ['加班时长', '加班时间', '加班小时数', 'overtimehours', 'othours'],
  ['实际出勤天数', '实际出勤', '实出勤天数', 'attendancedays', 'daysworked'],
  ['应出勤天数', '应出勤', '应到天数', 'scheduleddays', 'requireddays'],
  ['基本工资', '底薪', '基本薪资', '基础工资', 'basesalary', 'basicsalary', 'basepay'],
  ['算薪期间', '薪资期间', '工资月份', '发薪月份', 'payrollperiod', 'paymonth'],
]

/** Normalised word → its group's first (normalised) word, longest words first for replacing. */
const CANON = new Map<string, string>()
const WORDS: string[] = []
for (const group of SYNONYM_GROUPS) {
  const head = normaliseTitle(group[0] as string)
  for (const w of group) {
    const n = normaliseTitle(w)
    if (!CANON.has(n)) { CANON.set(n, head); WORDS.push(n) }
  }
}
WORDS.sort((a, b) => b.length - a.length)

/**
 * A normalised title with every synonym replaced by its group's first word. Chinese words are
 * replaced inside the title (加班时长周末 → 加班时长休息日); Latin words only as whole titles, since
 * "ot" inside "total" is not overtime.
 */
export function canonicalTitle(normalised: string): string {
  const whole = CANON.get(normalised)
  if (whole !== undefined) return whole
  let out = ''
  for (let i = 0; i < normalised.length;) {
    let hit = ''
    if (normalised.charCodeAt(i) > 0x2e7f) {
      for (const w of WORDS) {
        if (w.charCodeAt(0) > 0x2e7f && normalised.startsWith(w, i)) { hit = w; break }
      }
    }
    if (hit) { out += CANON.get(hit) as string; i += hit.length }
    else { out += normalised[i]; i++ }
  }
  return out
}

/** The ways one header may be said after synonyms: its parts joined in either order (加班时长 / 周末 ↔ 周末加班时长). */
export function canonicalForms(parts: readonly string[]): string[] {
  const n = parts.map(normaliseTitle).filter(Boolean)
  const out = new Set<string>()
  if (n.length === 0) return []
  out.add(canonicalTitle(n.join('')))
  if (n.length > 1) out.add(canonicalTitle([...n].reverse().join('')))
  out.add(canonicalTitle(n[n.length - 1] as string))
  return [...out]
}
