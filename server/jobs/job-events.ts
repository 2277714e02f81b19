import { FINAL_JOB_STATUSES, type JobStatus } from '../../src/domain/jobs'
import type { Logger } from '../logger'
import type { Metrics } from '../metrics'
import type { JobsRepo, RowUpdate } from '../store/jobs-repo'

/**
 * Job lifecycle lines and row counters, taken where every change of a job is written: the job
 * store. The runner and the job creation stay free of logging; whatever path changes a job (a run,
 * the owner's pause, another instance's cancel, the scanner) is seen the same way. One line each:
 * created, queued, started, paused (and why), and finished with its counts.
 */
export function observedJobsRepo(repo: JobsRepo, deps: { logger: Logger; metrics?: Metrics }): JobsRepo {
  const { logger, metrics } = deps
  const countRows = (updates: RowUpdate[]) => {
    if (!metrics) return
    for (const u of updates) if (u.status !== 'pending' && u.status !== 'cancelled') metrics.jobRows.inc({ outcome: u.status })
  }
  return {
    ...repo,
    async insert(job, rows, batches) {
      await repo.insert(job, rows, batches)
      logger.info('job created', { jobId: job.id, kind: job.kind, status: job.status, rows: rows.length, batches: batches.length, userId: job.owner_open_id })
    },
    async startDraft(jobId, batches, now, status) {
      // The status is passed on: a draft of a kind that waits for an approval must not be queued.
      const ok = await repo.startDraft(jobId, batches, now, status)
      if (ok) logger.info(status === 'submitting' ? 'job submitting for approval' : 'job queued', { jobId, batches: batches.length })
      return ok
    },
    async setStatus(jobId, patch, now, onlyIf) {
      const ok = await repo.setStatus(jobId, patch, now, onlyIf)
      const status = patch.status as JobStatus | undefined
      if (!ok || !status) return ok
      if (status === 'running') logger.info('job started', { jobId })
      else if (status === 'queued') logger.info('job queued', { jobId })
      else if (status === 'paused' || status === 'needs_signin') {
        logger.info('job paused', { jobId, status, reason: patch.pause_reason ?? null, error: patch.error_json ? JSON.parse(patch.error_json) : undefined })
      } else if (FINAL_JOB_STATUSES.includes(status)) {
        const job = await repo.get(jobId)
        const counts = await repo.counts(jobId)
        logger.info('job finished', {
          jobId, status, counts, calls: job?.calls, affected: job?.affect_count,
          durationMs: job?.started_at != null ? now - Number(job.started_at) : null,
          ...(patch.error_json ? { error: JSON.parse(patch.error_json) } : {}),
        })
      }
      return ok
    },
    async updateRows(jobId, updates) {
      await repo.updateRows(jobId, updates)
      countRows(updates)
    },
    async completeBatch(jobId, seq, updates, delta, now) {
      await repo.completeBatch(jobId, seq, updates, delta, now)
      countRows(updates)
    },
  }
}
