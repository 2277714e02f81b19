import type { JobsRepo } from '../store/jobs-repo'
import { eventOf } from './events'
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
      // Only a change that raises an event waits for it to be recorded; others pass straight through.
      if (ok && patch.status && eventOf(patch.status, patch.pause_reason)) await notify.jobChanged(jobId, patch.status, patch.pause_reason, now)
      return ok
    },
  }
}
