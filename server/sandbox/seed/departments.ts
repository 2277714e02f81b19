// The sandbox tenant's departments. Archive rules take their members by department (§3) and the
// HRBP persona's payroll data scope is one department (§4 row-level auth).

export type DepartmentKey = 'HR' | 'FIN' | 'ADM' | 'MKT' | 'RND' | 'SAL' | 'CS' | 'MFG'

export interface Department {
  key: DepartmentKey
  /** open_department_id (default department_id_type of CoreHR search). */
  open_department_id: string
  /** Custom department_id. */
  department_id: string
  /** people_corehr_department_id. */
  corehr_department_id: string
  name: { zh: string; en: string; ja: string }
  /** Share of the generated workforce. */
  weight: number
}

export const DEPARTMENTS: readonly Department[] = [
  { key: 'HR', open_department_id: 'od-4e6ac4d14bcd5071a37a39de902c7141', department_id: 'D001', corehr_department_id: '7012345678901230001', name: { zh: '人力资源部', en: 'Human Resources', ja: '人事部' }, weight: 4 },
  { key: 'FIN', open_department_id: 'od-8a2c1f0b7e6d4c3b2a1908f7e6d5c4b3', department_id: 'D002', corehr_department_id: '7012345678901230002', name: { zh: '财务部', en: 'Finance', ja: '財務部' }, weight: 5 },
  { key: 'ADM', open_department_id: 'od-1b2c3d4e5f60718293a4b5c6d7e8f901', department_id: 'D003', corehr_department_id: '7012345678901230003', name: { zh: '行政部', en: 'Administration', ja: '総務部' }, weight: 4 },
  { key: 'MKT', open_department_id: 'od-2c3d4e5f60718293a4b5c6d7e8f9012a', department_id: 'D004', corehr_department_id: '7012345678901230004', name: { zh: '市场部', en: 'Marketing', ja: 'マーケティング部' }, weight: 7 },
  { key: 'RND', open_department_id: 'od-3d4e5f60718293a4b5c6d7e8f9012a3b', department_id: 'D005', corehr_department_id: '7012345678901230005', name: { zh: '研发中心', en: 'R&D Center', ja: '研究開発センター' }, weight: 30 },
  { key: 'SAL', open_department_id: 'od-4e5f60718293a4b5c6d7e8f9012a3b4c', department_id: 'D006', corehr_department_id: '7012345678901230006', name: { zh: '销售部', en: 'Sales', ja: '営業部' }, weight: 20 },
  { key: 'CS', open_department_id: 'od-5f60718293a4b5c6d7e8f9012a3b4c5d', department_id: 'D007', corehr_department_id: '7012345678901230007', name: { zh: '客户服务部', en: 'Customer Service', ja: 'カスタマーサービス部' }, weight: 10 },
  { key: 'MFG', open_department_id: 'od-60718293a4b5c6d7e8f9012a3b4c5d6e', department_id: 'D008', corehr_department_id: '7012345678901230008', name: { zh: '生产部', en: 'Manufacturing', ja: '製造部' }, weight: 20 },
]

export function departmentByKey(key: DepartmentKey): Department {
  const d = DEPARTMENTS.find((x) => x.key === key)
  if (!d) throw new Error(`unknown department ${key}`)
  return d
}
