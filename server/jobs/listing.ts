import { z } from 'zod'
import type { CheckedField, JobRowResult, JobSummary, RowCheckState, RowStatus } from '../../src/domain/jobs'
import { AppError } from '../errors'
import type { JobRow, JobsRepo, Owner } from '../store/jobs-repo'
import { toSummary } from './create'

/** `GET /api/jobs`: an opaque cursor (what next_cursor said) and a page size. */
export const listQuery = z.object({ cursor: z.string().max(200).optional(), limit: z.coerce.number().int().min(1).max(100).default(20) })

/** `GET /api/jobs/:id`: row results, filtered by status, after a row cursor. */
export const rowsQuery = z.object({
  status: z.enum(['pending', 'succeeded', 'partial', 'failed', 'cancelled']).optional(),
  cursor: z.coerce.number().int().min(-1).default(-1),
  limit: z.coerce.number().int().min(1).max(500).default(100),
})

export const summaryOf = async (repo: JobsRepo, j: JobRow): Promise<JobSummary> => {
  const [counts, checks] = await Promise.all([repo.counts(j.id), repo.checkCounts(j.id)])
  const summary = toSummary(j, counts)
  return Object.keys(checks).length ? { ...summary, checks } : summary
}

/** The person's jobs, newest first, a page at a time. */
export async function listJobs(repo: JobsRepo, owner: Owner, q: z.infer<typeof listQuery>): Promise<{ jobs: JobSummary[]; next_cursor: string | null }> {
  const before = q.cursor ? decodeCursor(q.cursor) : null
  const jobs = await repo.listOwned(owner, before, q.limit + 1)
  const page = jobs.slice(0, q.limit)
  const last = page[page.length - 1]
  return { jobs: await Promise.all(page.map((j) => summaryOf(repo, j))), next_cursor: jobs.length > q.limit && last ? encodeCursor(Number(last.created_at), last.id) : null }
}

/** A job with a page of its row results, as the job page shows them (before-values where captured). */
export async function jobWithRows(repo: JobsRepo, job: JobRow, q: z.infer<typeof rowsQuery>): Promise<{ job: JobSummary; rows: JobRowResult[]; next_cursor: number | null }> {
  const rows = await repo.listRows(job.id, (q.status ?? null) as RowStatus | null, q.cursor, q.limit + 1)
  const page = rows.slice(0, q.limit)
  const results: JobRowResult[] = page.map((r) => ({
    row: r.row, status: r.status as RowStatus, feishu_code: r.feishu_code, message: r.message,
    field_errors: r.field_errors_json ? JSON.parse(r.field_errors_json) : [], input: JSON.parse(r.input_json),
    ...(r.before_json !== null ? { before: JSON.parse(r.before_json) } : {}),
    ...(r.check_state !== null ? { check: { state: r.check_state as RowCheckState, fields: ((r.check_json ? JSON.parse(r.check_json) : {}) as { fields?: CheckedField[] }).fields ?? [] } } : {}),
  }))
  return { job: await summaryOf(repo, job), rows: results, next_cursor: rows.length > q.limit ? page[page.length - 1]!.idx : null }
}

function encodeCursor(createdAt: number, id: string): string {
  return Buffer.from(JSON.stringify([createdAt, id])).toString('base64url')
}

function decodeCursor(cursor: string): { createdAt: number; id: string } {
  try {
    const [createdAt, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString()) as [number, string]
    if (typeof createdAt === 'number' && typeof id === 'string') return { createdAt, id }
  } catch { /* fall through */ }
  throw new AppError(400, 'invalid_request', 'Bad cursor.')
}
