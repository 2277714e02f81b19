/** The target used by the import bench: 30 payroll-like fields matching the generated sheet. */
import type { TargetField, TargetSchema } from '../../domain/target'

const t = (zh: string, en: string) => ({ 'zh-CN': zh, 'en-US': en })

export const BENCH_COLUMNS: Array<{ zh: string; en: string; field: Omit<TargetField, 'title'> }> = [
  { zh: '工号', en: 'Employee No.', field: { code: 'employee_no', kind: 'identifier', required: true, writable: true } },
  { zh: '姓名', en: 'Name', field: { code: 'name', kind: 'text', required: true, writable: true, maxLength: 500 } },
  { zh: '部门', en: 'Department', field: { code: 'department', kind: 'text', required: false, writable: true, maxLength: 500 } },
  { zh: '职位', en: 'Position', field: { code: 'position', kind: 'text', required: false, writable: true, maxLength: 500 } },
  { zh: '入职日期', en: 'Hire date', field: { code: 'hire_date', kind: 'date', required: false, writable: true } },
  { zh: '算薪期间', en: 'Payroll period', field: { code: 'payroll_period', kind: 'month', required: true, writable: true } },
  ...Array.from({ length: 20 }, (_, i) => ({
    zh: `薪资项${i + 1}`, en: `Pay item ${i + 1}`,
    field: { code: `pay_${i + 1}`, kind: (i % 5 === 4 ? 'number' : 'money') as TargetField['kind'], decimalPlaces: i % 5 === 4 ? 0 : 2, required: false, writable: true },
  })),
  { zh: '备注', en: 'Note', field: { code: 'note', kind: 'text', required: false, writable: true, maxLength: 500 } },
  { zh: '出勤天数', en: 'Days worked', field: { code: 'days', kind: 'number', decimalPlaces: 1, required: false, writable: true } },
  { zh: '生日', en: 'Birthday', field: { code: 'birthday', kind: 'date', required: false, writable: true } },
  { zh: '城市', en: 'City', field: { code: 'city', kind: 'text', required: false, writable: true, maxLength: 500 } },
]

export const benchSchema: TargetSchema = {
  kind: 'payroll',
  id: 'bench',
  title: t('基准测试', 'Bench'),
  fields: BENCH_COLUMNS.map((c) => ({ ...c.field, title: t(c.zh, c.en) })),
  keyFields: ['employee_no', 'payroll_period'],
  recordTextLimit: 3000,
}
