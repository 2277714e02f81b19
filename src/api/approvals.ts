import type { JobRowResult, JobSummary } from '../domain/jobs'
import { request } from './http'

/**
 * `GET /api/approvals/:id` (server/routes/approvals.ts): a job as the person Feishu asked to approve
 * it may see it. `now[i]`: what Feishu holds for row i as the approver may see it (null: not visible
 * or no record); `now` is null when reading failed (`now_error`).
 */
export interface ApprovalReview {
  job: JobSummary
  rows: JobRowResult[]
  next_cursor: number | null
  now: Array<{ active_status: number; values: Record<string, string> } | null> | null
  now_error: string | null
}

export function getApprovalReview(id: string, params: { cursor?: number; limit?: number } = {}): Promise<ApprovalReview> {
  return request<ApprovalReview>({ method: 'GET', url: `/api/approvals/${encodeURIComponent(id)}`, params })
}
