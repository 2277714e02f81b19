// What the e2e tests know about the sandbox seed and the sizes they run at.

export type Locale = 'zh-CN' | 'en-US'
export interface Viewport { width: number; height: number }
export interface Combo extends Viewport { locale: Locale }

/** Both languages at a desktop and a phone width. */
export const COMBOS: readonly Combo[] = [
  { locale: 'zh-CN', width: 1280, height: 900 },
  { locale: 'zh-CN', width: 375, height: 800 },
  { locale: 'en-US', width: 1280, height: 900 },
  { locale: 'en-US', width: 375, height: 800 },
]

/** A person of the sandbox (GET /sandbox/inspect/employees). */
export interface Employee { user_id: string; employee_no: string; employment_id: string; department: string; status: string }

/** A payroll record as the sandbox holds it (GET /sandbox/inspect/payroll). */
export interface SandboxRecord { employment_id: string; period: string; active_status: number; values: Record<string, string> }

/** The seed's sales commission datasource: 30 Sales records in 2024-09, the "previous values". */
export const SALES_COMMISSION = 'sales_commission__c'
export const SEEDED_PERIOD = '2024-09'
