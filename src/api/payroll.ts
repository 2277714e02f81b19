import type { JobSummary, PayrollKey } from '../domain/jobs'
import type { CurrentRecord, EmployeeResolution } from '../domain/payroll-diff'
import type { I18nText, TargetSchema } from '../domain/target'
import { request } from './http'

export type { CurrentRecord, EmployeeResolution, ResolveCandidate } from '../domain/payroll-diff'

// Payroll external datasources (server/routes: /api/payroll/*) and the revert of a payroll job.

/** 1 money · 2 number · 3 text · 4 date · 5 percent (reference §4.1). */
export type PayrollFieldType = 1 | 2 | 3 | 4 | 5

export interface PayrollField {
  code: string
  names: I18nText
  field_type: PayrollFieldType
  decimal_places: number | null
  active: boolean
}

export interface PayrollDatasource {
  code: string
  names: I18nText
  active: boolean
  /** 1 payroll period · 2 occur day · 3 custom period; null when Feishu does not say (= 1). */
  period_type: number | null
  description: I18nText | null
  fields: PayrollField[]
  /** payrollTarget(ds) from src/domain/payroll.ts, built by the server. */
  schema: TargetSchema
}

/** 403 answers: `no_role` (details.role), `scope_missing` / `app_scope_missing` (details.scopes). */
export async function listDatasources(signal?: AbortSignal): Promise<PayrollDatasource[]> {
  return (await request<{ datasources: PayrollDatasource[] }>({ method: 'GET', url: '/api/payroll/datasources', signal })).datasources
}

export type ResolveBy = 'employee_no' | 'work_email'

export type Resolution = EmployeeResolution

/** The server resolves at most this many distinct identifiers per call. */
export const RESOLVE_MAX_VALUES = 1000

/** Employee numbers or work emails → employment IDs (corehr search with the app's identity, read-only). */
export async function resolveEmployees(by: ResolveBy, values: string[], signal?: AbortSignal): Promise<Record<string, Resolution>> {
  // 1,000 identifiers can take several paced corehr calls (100/min): allow more than the default 30 s.
  return (await request<{ results: Record<string, Resolution> }>({ method: 'POST', url: '/api/payroll/resolve', data: { by, values }, signal, timeout: 180_000 })).results
}

/** One part of a period's records and of the period just before it (server/routes: POST /api/payroll/period-records). */
export interface PeriodRecordsPart {
  key: PayrollKey
  previous_key: PayrollKey
  current: Record<string, CurrentRecord>
  previous: Record<string, CurrentRecord>
  /** Pass it back for the next part; null after the last. */
  cursor: string | null
}

/**
 * Every record the person may see of a key and of the period just before it (same length), read
 * by the server in one query family, a part (≤ 2,000 records) per call so the read shows progress
 * and can be stopped: the diff and the variance warnings come from it.
 */
export async function periodRecords(body: { source_code: string; cursor?: string } & PayrollKey, signal?: AbortSignal): Promise<PeriodRecordsPart> {
  return request<PeriodRecordsPart>({ method: 'POST', url: '/api/payroll/period-records', data: body, signal, timeout: 120_000 })
}

/** What a revert would do: restore before-values, stop records the job created, fields Feishu cannot empty. */
export interface RevertPlan {
  restore: number
  stop: number
  cannot_clear: number
}

export async function planRevert(jobId: string): Promise<RevertPlan> {
  return (await request<{ plan: RevertPlan }>({ method: 'POST', url: `/api/jobs/${encodeURIComponent(jobId)}/revert`, data: { dry_run: true } })).plan
}

/** Starts the revert job (the same job again when it was already started). */
export async function revertJob(jobId: string): Promise<JobSummary> {
  return (await request<{ job: JobSummary }>({ method: 'POST', url: `/api/jobs/${encodeURIComponent(jobId)}/revert`, data: {} })).job
}

/** Where the person's own payroll jobs download as an audit workbook (a link, not a request: the browser saves it). */
export function auditWorkbookUrl(locale: string): string {
  return `/api/payroll/audit.xlsx?locale=${encodeURIComponent(locale)}`
}

/** What the pre-filled template holds: everyone the person may see (no `people`), or the listed people. */
export type PrefillRequest = { source_code: string; by: 'employee_no' | 'work_email' | 'employment_id'; people?: string[]; locale: 'zh-CN' | 'en-US' } & PayrollKey

/**
 * The datasource's template filled with Feishu's current values for the key (server/routes: POST
 * /api/payroll/prefilled.xlsx). The workbook arrives as bytes; an error answer is JSON and is read
 * as JSON, so it becomes an ApiError with its code like every other call.
 */
export async function prefilledTemplate(body: PrefillRequest, signal?: AbortSignal): Promise<Blob> {
  const bytes = await request<ArrayBuffer>({
    method: 'POST', url: '/api/payroll/prefilled.xlsx', data: body, signal, responseType: 'arraybuffer',
    // Everyone's records plus their employee numbers (CoreHR allows 100 searches a minute) can take minutes.
    timeout: 300_000,
    transformResponse: (data: unknown, headers) => (String(headers['content-type'] ?? '').includes('json') && data instanceof ArrayBuffer ? JSON.parse(new TextDecoder().decode(data)) as unknown : data),
  })
  return new Blob([bytes], { type: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' })
}
