// ≥2,000 deterministic employees of the one sandbox tenant. Every ID family the APIs use is here:
// user_id (attendance employee_id), employee_no (工号, one of them reused — §5 "复用工号"), open_id,
// union_id and the CoreHR employment_id (19 digits, §4/§5).
import { DEPARTMENTS, type DepartmentKey } from './departments'
import { GIVEN, SURNAMES } from './names'
import { NO_RIGHTS, PERSONAS, type Rights } from './personas'
import type { Rng } from './prng'

export interface Employee {
  user_id: string
  open_id: string
  union_id: string
  employee_no: string
  employment_id: string
  person_id: string
  name: string
  en_name: string
  department: DepartmentKey
  /** Work email; CoreHR `email_address` and `work_email_list`. */
  email: string
  mobile: string
  status: 'hired' | 'terminated'
  hired_on: string
  rights: Rights
  persona: boolean
}

export const EMPLOYEE_COUNT = 2400
export const EMAIL_DOMAIN = 'corp.example.com'
/** The employment_id of the official datasource_records/save request example. */
export const DOC_EXAMPLE_EMPLOYMENT_ID = '6993242233201853965'
/** The 工号 that two people share (a terminated one and a hired one). */
export const REUSED_EMPLOYEE_NO = 'FS10086'

export function generateEmployees(rng: Rng): Employee[] {
  const employees: Employee[] = []
  const usedUserIds = new Set<string>()
  const usedEmploymentIds = new Set<string>([DOC_EXAMPLE_EMPLOYMENT_ID])
  const usedEmails = new Set<string>()
  const uniq = (used: Set<string>, make: () => string): string => {
    for (;;) {
      const v = make()
      if (!used.has(v)) { used.add(v); return v }
    }
  }
  const ids = () => ({
    open_id: `ou_${rng.hex(32)}`,
    union_id: `on_${rng.hex(32)}`,
    person_id: `70${rng.digits(17)}`,
    mobile: `+86 13${rng.digits(9)}`,
    hired_on: `20${rng.int(12, 24)}-${String(rng.int(1, 12)).padStart(2, '0')}-${String(rng.int(1, 28)).padStart(2, '0')}`,
  })

  for (const p of PERSONAS) {
    usedUserIds.add(p.user_id)
    usedEmploymentIds.add(p.employment_id)
    const email = `${p.email_local}@${EMAIL_DOMAIN}`
    usedEmails.add(email)
    employees.push({
      ...ids(), user_id: p.user_id, employee_no: p.employee_no, employment_id: p.employment_id,
      name: p.name, en_name: p.en_name, department: p.department, email, status: 'hired',
      rights: p.rights, persona: p.persona,
    })
  }

  const totalWeight = DEPARTMENTS.reduce((s, d) => s + d.weight, 0)
  const pickDepartment = (): DepartmentKey => {
    let r = rng.next() * totalWeight
    for (const d of DEPARTMENTS) {
      r -= d.weight
      if (r < 0) return d.key
    }
    return 'RND'
  }

  for (let i = employees.length; i < EMPLOYEE_COUNT; i++) {
    const [sz, se] = rng.pick(SURNAMES)
    const parts = rng.chance(0.6) ? [rng.pick(GIVEN), rng.pick(GIVEN)] : [rng.pick(GIVEN)]
    const givenZh = parts.map((g) => g[0]).join('')
    const givenPinyin = parts.map((g) => g[1]).join('')
    const givenEn = givenPinyin.charAt(0).toUpperCase() + givenPinyin.slice(1)
    const user_id = uniq(usedUserIds, () => rng.hex(8))
    const employment_id = i === 100 ? DOC_EXAMPLE_EMPLOYMENT_ID : uniq(usedEmploymentIds, () => `69${rng.digits(17)}`)
    let n = 0
    const email = uniq(usedEmails, () => `${givenPinyin}.${se.toLowerCase()}${n++ === 0 ? '' : n}@${EMAIL_DOMAIN}`)
    employees.push({
      ...ids(), user_id, employment_id, email,
      employee_no: `FS${10000 + i}`,
      name: `${sz}${givenZh}`, en_name: `${givenEn} ${se}`,
      department: i === 100 ? 'RND' : pickDepartment(),
      status: rng.chance(0.05) ? 'terminated' : 'hired',
      rights: NO_RIGHTS, persona: false,
    })
  }

  // "复用工号": the 工号 of a terminated employee was given to a new hire (§5: never treat 工号 as unique).
  const reusedA = employees.find((e) => e.employee_no === REUSED_EMPLOYEE_NO)
  const reusedB = employees[employees.length - 1]
  if (!reusedA || !reusedB) throw new Error('seed: reused employee_no holders missing')
  reusedA.status = 'terminated'
  reusedB.employee_no = REUSED_EMPLOYEE_NO
  reusedB.status = 'hired'
  // Both in Marketing (archive rule "1"), so only the ambiguity makes the 工号 unusable there.
  reusedA.department = 'MKT'
  reusedB.department = 'MKT'
  return employees
}
