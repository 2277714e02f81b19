import type { JobsRepo } from '../store/jobs-repo'
import type { Notifier } from './notifier'

/**
 * Sees every stored change of a job's status — whoever makes it (a run, the owner, the scanner,
 * another process) — and hands it to the notifier, like the lifecycle log lines (jobs/job-events.ts).
 * The change is already stored; the notifier never throws, so a job never depends on its messages.
 */
export function notifyingJobsRepo(repo: JobsRepo, notify: Pick<Notifier, 'jobChanged'>): JobsRepo {
  return {
    ...repo,
    async setStatus(jobId, patch, now, onlyIf) {
      const ok = await repo.setStatus(jobId, patch, now, onlyIf)
      if (ok && patch.status) await notify.jobChanged(jobId, patch.status, patch.pause_reason, now)
      return ok
    },
  }
}
