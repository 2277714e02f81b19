import type { JobSummary } from '../domain/jobs'
import type { EmployeeType } from '../domain/jobs'
import type { I18nText, TargetSchema } from '../domain/target'
import { request } from './http'

// Attendance archive reports (reference/feishu-api.md §3) and undoing an archive report job.

export interface ArchiveRule {
  archive_rule_id: string
  names: I18nText
  report_names: I18nText | null
}

export interface ReportField {
  code: string
  title: I18nText
  /** Header hierarchy, outermost first (e.g. 请假 › 带薪假). */
  upper_titles: I18nText[]
}

export interface ReportFields {
  fields: ReportField[]
  /** The import target: member_id, start_time, end_time, then one text field per report field. */
  schema: TargetSchema
}

/** Every archive rule the person can see (the server reads all of Feishu's pages). */
export async function listArchiveRules(): Promise<ArchiveRule[]> {
  return (await request<{ rules: ArchiveRule[] }>({ method: 'GET', url: '/api/attendance/rules' })).rules
}

/** The rule's report fields for a month (yyyyMM), in both languages. */
export function getReportFields(ruleId: string, month: string, employeeType: EmployeeType): Promise<ReportFields> {
  return request<ReportFields>({
    method: 'GET',
    url: `/api/attendance/rules/${encodeURIComponent(ruleId)}/fields`,
    params: { month, employee_type: employeeType },
  })
}

/** How many members' rows undoing a job would delete. */
export async function planUndo(jobId: string): Promise<{ members: number }> {
  return (await request<{ plan: { members: number } }>({ method: 'POST', url: `/api/jobs/${encodeURIComponent(jobId)}/undo`, data: { dry_run: true } })).plan
}

/** Starts the job that deletes exactly the rows `jobId` wrote; a second call answers the same job. */
export async function undoJob(jobId: string): Promise<JobSummary> {
  return (await request<{ job: JobSummary }>({ method: 'POST', url: `/api/jobs/${encodeURIComponent(jobId)}/undo`, data: {} })).job
}
