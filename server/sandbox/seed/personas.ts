// The five sign-in personas of README.md, plus one non-persona attendance specialist ("ax11d") that
// exists so the official upload_report request example (operator_id "ax11d") is accepted verbatim.
import type { DepartmentKey } from './departments'

export interface Rights {
  /** Payroll row-level scope (「外部数据源 - 数据明细」, §4): every department, some, or none. */
  payroll: 'all' | 'none' | readonly DepartmentKey[]
  /** Archive rules inside the person's attendance data scope (§3 "auth no permission" otherwise). */
  attendanceRules: 'all' | 'none' | readonly string[]
  /** False → the v2/v1 refresh grant answers 20074 for this person (§2.4). */
  refreshAllowed: boolean
}

export const NO_RIGHTS: Rights = { payroll: 'none', attendanceRules: 'none', refreshAllowed: true }

export interface PersonaSpec {
  user_id: string
  name: string
  en_name: string
  department: DepartmentKey
  employee_no: string
  employment_id: string
  email_local: string
  rights: Rights
  role: { 'zh-CN': string; 'en-US': string }
  /** Shown on the "sign in as…" page; false for helper identities that are not personas. */
  persona: boolean
}

/** The rule ids in zhangwei's data scope: every seeded rule except the Manufacturing one. */
export const ZHANGWEI_RULES = ['1', '7341290237441605652', '7341290237441605653'] as const

export const PERSONAS: readonly PersonaSpec[] = [
  {
    user_id: 'wangfang', name: '王芳', en_name: 'Wang Fang', department: 'HR', employee_no: 'FS00001',
    employment_id: '7041234567890120001', email_local: 'wang.fang', persona: true,
    rights: { payroll: 'all', attendanceRules: 'none', refreshAllowed: true },
    role: {
      'zh-CN': '薪酬管理员：可读写所有部门的外部算薪数据；无考勤权限',
      'en-US': 'Payroll admin: external payroll data of every department; no attendance rights',
    },
  },
  {
    user_id: 'lina', name: '李娜', en_name: 'Li Na', department: 'SAL', employee_no: 'FS00002',
    employment_id: '7041234567890120002', email_local: 'li.na', persona: true,
    rights: { payroll: ['SAL'], attendanceRules: 'none', refreshAllowed: true },
    role: {
      'zh-CN': '销售部 HRBP：只能读写销售部员工的外部算薪数据；无考勤权限',
      'en-US': 'HRBP of Sales: external payroll data of the Sales department only; no attendance rights',
    },
  },
  {
    user_id: 'zhangwei', name: '张伟', en_name: 'Zhang Wei', department: 'HR', employee_no: 'FS00003',
    employment_id: '7041234567890120003', email_local: 'zhang.wei', persona: true,
    rights: { payroll: 'none', attendanceRules: ZHANGWEI_RULES, refreshAllowed: true },
    role: {
      'zh-CN': '考勤管理员：可写入其数据范围内 3 条归档规则的归档报表；无薪酬权限',
      'en-US': 'Attendance admin: archive reports of the 3 archive rules in their data scope; no payroll rights',
    },
  },
  {
    user_id: 'liuyang', name: '刘洋', en_name: 'Liu Yang', department: 'RND', employee_no: 'FS00004',
    employment_id: '7041234567890120004', email_local: 'liu.yang', persona: true,
    rights: NO_RIGHTS,
    role: {
      'zh-CN': '普通员工：无薪酬和考勤权限',
      'en-US': 'Ordinary employee: no payroll or attendance rights',
    },
  },
  {
    user_id: 'chenjing', name: '陈静', en_name: 'Chen Jing', department: 'FIN', employee_no: 'FS00005',
    employment_id: '7041234567890120005', email_local: 'chen.jing', persona: true,
    rights: { payroll: 'all', attendanceRules: 'none', refreshAllowed: false },
    role: {
      'zh-CN': '薪酬管理员（所有部门）；但不允许刷新访问凭证（刷新返回 20074）',
      'en-US': 'Payroll admin (every department), but refreshing her token is not allowed (refresh answers 20074)',
    },
  },
  {
    user_id: 'sunli', name: '孙丽', en_name: 'Sun Li', department: 'FIN', employee_no: 'FS00007',
    employment_id: '7041234567890120007', email_local: 'sun.li', persona: true,
    rights: { payroll: 'all', attendanceRules: 'none', refreshAllowed: true },
    role: {
      'zh-CN': '薪酬审批人：审批外部算薪数据的写入（审批定义「薪酬数据写入审批」）；可查看所有部门的外部算薪数据',
      'en-US': 'Payroll approver: approves writes of external payroll data (the "Payroll data release" approval); reads every department',
    },
  },
  {
    user_id: 'ax11d', name: '赵敏', en_name: 'Zhao Min', department: 'HR', employee_no: 'FS00006',
    employment_id: '7041234567890120006', email_local: 'zhao.min', persona: false,
    rights: { payroll: 'none', attendanceRules: 'all', refreshAllowed: true },
    role: {
      'zh-CN': '考勤专员（非登录身份）：官方 upload_report 示例中的 operator_id',
      'en-US': 'Attendance specialist (not a sign-in persona): the operator_id of the official upload_report example',
    },
  },
]
