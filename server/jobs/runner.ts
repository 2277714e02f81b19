import { FINAL_JOB_STATUSES, type JobProgress, type JobStatus, type PauseReason } from '../../src/domain/jobs'
import type { FeishuApi } from '../../src/domain/feishu-limits'
import { isLastSlice, jobKindSpec } from '../../src/domain/write-targets'
import type { UserTokens } from '../auth/user-tokens'
import type { Clock } from '../clock'
import type { FeishuClient } from '../feishu/client'
import type { Logger } from '../logger'
import type { BatchRow, JobsRepo, Owner, RowUpdate } from '../store/jobs-repo'
import { FeishuError } from '../feishu/http'
import { jobModule, targetModule } from '../targets'
import type { BatchLookAhead } from '../targets/types'
import type { TargetKind } from '../../src/domain/jobs'
import { callFeishu, DEFAULT_RETRY, GaveUp, NeedsSignIn, StopRequested, type RetryPolicy } from './call'
import { JobFailure, loadRow, parseJob, type BatchContext, type ParsedJob } from './job-context'
import type { KeyedSerialiser, Pacer } from './pacer'
import { RateMeter, type ProgressBus } from './progress'
import { ServiceUnavailable } from '../scale/redis'

export interface JobRunnerDeps {
  repo: JobsRepo
  tokens: UserTokens
  feishu: FeishuClient
  pacer: Pacer
  serialiser: KeyedSerialiser
  bus: ProgressBus
  clock: Clock
  logger: Logger
  sleep?: (ms: number) => Promise<void>
  retry?: RetryPolicy
  /** This process, for job leases. */
  processId?: string
  /**
   * Several processes share the store (scale-out): respect other processes' leases and take over
   * jobs whose lease ran out. A lone process takes every unfinished job on start.
   */
  shared?: boolean
  leaseMs?: number
  /** How often to look for orphaned jobs and for paused jobs that may continue. */
  scanEveryMs?: number
  /** A job paused because Feishu or a shared service was unavailable is retried after this long. */
  autoResumeAfterMs?: number
  /**
   * A draft whose parts stopped arriving this long ago (the page was closed during the upload) is
   * cancelled, saying so, instead of waiting in the person's history for ever. Nothing was written.
   */
  abandonDraftsAfterMs?: number
}

export interface JobRunner {
  /** Starts running a queued or running job in this process (no-op if it already runs). */
  kick(jobId: string): void
  /** On start: jobs that were running (or queued) continue; batches caught in flight are resent. */
  recover(): Promise<void>
  pause(jobId: string): Promise<boolean>
  resume(jobId: string): Promise<boolean>
  cancel(jobId: string): Promise<boolean>
  /** The owner signed in again: their jobs waiting for it continue. */
  resumeAfterSignIn(owner: Owner): Promise<void>
  progress(jobId: string): Promise<JobProgress | null>
  /** Resolves when no job runs in this process (tests, shutdown). */
  idle(): Promise<void>
  /** Stops taking new batches; in-flight calls finish and are recorded. */
  shutdown(): Promise<void>
  /** One pass of the scanner (also run on a timer once started): orphaned and auto-resumable jobs. */
  scan(): Promise<void>
}

export function jobRunner(deps: JobRunnerDeps): JobRunner {
  const { repo, bus, clock, logger } = deps
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((ok) => setTimeout(ok, ms)))
  const retry = deps.retry ?? DEFAULT_RETRY
  const active = new Map<string, Promise<void>>()
  const stopRequests = new Map<string, 'pause' | 'cancel' | 'shutdown' | 'lost'>()
  /** Jobs whose run is ending because one batch failed: calls still waiting for their turn are not sent. */
  const halted = new Set<string>()
  const meters = new Map<string, RateMeter>()
  let shuttingDown = false
  const processId = deps.processId ?? `p-${process.pid}-${Math.random().toString(36).slice(2, 8)}`
  const leaseMs = deps.leaseMs ?? 30_000
  const autoResumeAfterMs = deps.autoResumeAfterMs ?? 60_000
  const abandonDraftsAfterMs = deps.abandonDraftsAfterMs ?? 24 * 3_600_000
  let scanTimer: ReturnType<typeof setInterval> | null = null

  const meterOf = (id: string) => {
    let m = meters.get(id)
    if (!m) { m = new RateMeter(); meters.set(id, m) }
    return m
  }

  async function progress(jobId: string): Promise<JobProgress | null> {
    const job = await repo.get(jobId)
    if (!job) return null
    const counts = await repo.counts(jobId)
    const status = job.status as JobStatus
    const { callsPerSecond, rowsPerSecond } = meterOf(jobId).rates(clock.now())
    const eta = status === 'running' && rowsPerSecond > 0 ? Math.ceil(counts.pending / rowsPerSecond) : status === 'succeeded' || status === 'finished_with_errors' ? 0 : null
    return { id: jobId, status, pause_reason: job.pause_reason as PauseReason | null, counts, calls_per_second: callsPerSecond, rows_per_second: rowsPerSecond, eta_seconds: eta }
  }

  // Progress is published at most every 250 ms per job, plus at every status change.
  const lastPublished = new Map<string, number>()
  async function publish(jobId: string, force = false) {
    const now = clock.now()
    if (!force && now - (lastPublished.get(jobId) ?? 0) < 250) return
    lastPublished.set(jobId, now)
    const p = await progress(jobId)
    if (p) bus.publish(p)
  }

  async function setStatus(jobId: string, status: JobStatus, extra: { pause_reason?: PauseReason | null; error?: { code: string; feishu_code: number | null; message: string } | null } = {}, onlyIf?: JobStatus[]) {
    const now = clock.now()
    const ok = await repo.setStatus(jobId, {
      status,
      ...(extra.pause_reason !== undefined ? { pause_reason: extra.pause_reason } : {}),
      ...(extra.error !== undefined ? { error_json: extra.error ? JSON.stringify(extra.error) : null } : {}),
      ...(FINAL_JOB_STATUSES.includes(status) ? { finished_at: now } : {}),
    }, now, onlyIf)
    if (ok) await publish(jobId, true)
    return ok
  }

  /**
   * A job's Feishu call: paced, retried, with the owner's token (call.ts). A refusal that the job's
   * target says ends the job (its module's endsJob) becomes a JobFailure here, so executors only
   * ever see record-level refusals.
   */
  const callerFor = (job: ParsedJob, onAttempt: () => void) => {
    const endsJob = targetModule(job.target.type as TargetKind).endsJob
    return async <T,>(api: FeishuApi, fn: (token: string) => Promise<T>, serialKey?: string): Promise<T> => {
      try {
        return await callFeishu(
          { tokens: deps.tokens, pacer: deps.pacer, serialiser: deps.serialiser, clock, sleep, retry },
          job.owner, api, fn,
          { serialKey, onAttempt: () => { onAttempt(); meterOf(job.id).add(clock.now(), 1, 0) }, stillWanted: () => !stopRequests.has(job.id) && !halted.has(job.id) },
        )
      } catch (e) {
        if (e instanceof FeishuError && endsJob.has(e.failure.kind)) throw new JobFailure('feishu_refused', e.code, e.feishuMessage)
        throw e
      }
    }
  }

  /** Work the job's module runs beside its batches (payroll saves read before-values ahead). */
  function lookAheadFor(job: ParsedJob, batches: BatchRow[]): BatchLookAhead | undefined {
    const start = jobModule(job.kind).lookAhead
    if (!start) return undefined
    return start({
      job, batches, feishu: deps.feishu, logger, sleep,
      pendingRows: async (b) => (await repo.rowsInRange(job.id, b.idx_from, b.idx_to)).map((r) => loadRow(r)).filter((r) => r.status === 'pending'),
      call: async (api, fn, serialKey) => {
        let calls = 0
        try {
          return await callerFor(job, () => { calls++ })(api, fn, serialKey)
        } finally {
          await repo.addCalls(job.id, calls).catch(() => undefined)
        }
      },
      saveBefore: (captured) => repo.setBefore(job.id, captured),
      batchRows: async (b) => (await repo.rowsInRange(job.id, b.idx_from, b.idx_to)).map((r) => loadRow(r)),
      setChecks: (checks) => repo.setChecks(job.id, checks),
      uncheckedBatches: () => repo.uncheckedBatches(job.id),
    })
  }

  async function runBatch(job: ParsedJob, batch: BatchRow, isLastChunk: boolean, before?: BatchLookAhead) {
    await before?.ready(batch)
    const rows = (await repo.rowsInRange(job.id, batch.idx_from, batch.idx_to)).map(loadRow)
    // Committed before the call: after a crash this batch is known to need resending.
    await repo.markInFlight(job.id, batch.seq, clock.now())
    let calls = 0
    const ctx: BatchContext = {
      job, batch, rows, feishu: deps.feishu, isLastChunk,
      call: callerFor(job, () => { calls++ }),
      saveBefore: (captured) => repo.setBefore(job.id, captured),
      failRows: async (updates: RowUpdate[]) => {
        await repo.updateRows(job.id, updates)
        meterOf(job.id).add(clock.now(), 0, updates.length)
      },
    }
    try {
      const outcome = await jobModule(job.kind).execute(ctx)
      await repo.completeBatch(job.id, batch.seq, outcome.updates, { affect: outcome.affect, calls }, clock.now())
      meterOf(job.id).add(clock.now(), 0, outcome.updates.filter((u) => u.status !== 'pending').length)
    } catch (e) {
      await repo.addCalls(job.id, calls)
      throw e
    }
    await publish(job.id)
  }

  async function finish(job: ParsedJob) {
    // Rows of a job sent in slices of fields are settled with their last slice; any left pending
    // here (slices finished out of order) are settled now from what was recorded.
    if (jobKindSpec(job.kind).fieldsPerCall !== null) {
      const leftovers = await repo.listRows(job.id, 'pending', -1, 1_000_000)
      await repo.updateRows(job.id, leftovers.map(loadRow).map((r) => ({ idx: r.idx, status: r.fieldErrors.length ? 'partial' as const : 'succeeded' as const, feishu_code: 0, message: null })))
    }
    const c = await repo.counts(job.id)
    const status: JobStatus = c.pending > 0 ? 'finished_with_errors' : c.failed + c.partial + c.cancelled > 0 ? 'finished_with_errors' : 'succeeded'
    await setStatus(job.id, status, { pause_reason: null }, ['running'])
  }

  async function run(jobId: string, force: boolean) {
    const row = await repo.get(jobId)
    if (!row || (row.status !== 'queued' && row.status !== 'running')) return
    if (!(await repo.claim(jobId, processId, clock.now(), clock.now() + leaseMs, force && !deps.shared))) return
    // The lease is renewed while the job runs here; if another process took it over, stop.
    const renew = setInterval(() => {
      repo.renew(jobId, processId, clock.now() + leaseMs).then((ok) => { if (!ok) stopRequests.set(jobId, 'lost') }, () => undefined)
    }, leaseMs / 3)
    try {
      await runClaimed(jobId)
    } finally {
      clearInterval(renew)
      await repo.release(jobId, processId).catch(() => undefined)
    }
  }

  async function runClaimed(jobId: string) {
    const row = (await repo.get(jobId))!
    const job = parseJob(row)
    const now = clock.now()
    await repo.setStatus(jobId, { status: 'running', pause_reason: null, error_json: null, ...(row.started_at ? {} : { started_at: now }) }, now)
    await publish(jobId, true)

    const open = await repo.openBatches(jobId)
    const lastField = job.fields.length
    // A member group's slices run in order in one worker, so their field errors accumulate safely.
    const groups = new Map<number, BatchRow[]>()
    for (const b of open) groups.set(b.idx_from, [...(groups.get(b.idx_from) ?? []), b])
    const queue = [...groups.values()]
    let stopped: Error | null = null
    const before = lookAheadFor(job, open)
    const worker = async () => {
      while (!stopped) {
        const group = queue.shift()
        if (!group) return
        for (const b of group) {
          if (stopped || stopRequests.has(jobId)) { stopped ??= new StopRequested(); return }
          // Pause and cancel may come through another process: the stored status decides.
          const current = await repo.get(jobId).catch(() => null)
          if (current && current.status !== 'running') { stopRequests.set(jobId, current.status === 'cancelled' ? 'cancel' : 'pause'); stopped ??= new StopRequested(); return }
          const lastChunk = isLastSlice(job.kind, b, lastField)
          try {
            await runBatch(job, b, lastChunk, before)
            before?.saved(b)
          } catch (e) {
            stopped ??= e instanceof Error ? e : new Error(String(e))
            halted.add(jobId)
            return
          }
        }
      }
    }
    try {
      await Promise.all(Array.from({ length: jobModule(job.kind).workers }, worker))
      await before?.stop()
    } finally {
      halted.delete(jobId)
    }

    const request = stopRequests.get(jobId)
    stopRequests.delete(jobId)
    // Assigned inside the workers; TypeScript cannot see that through the closures.
    const ended = stopped as Error | null
    if (ended instanceof NeedsSignIn) {
      await setStatus(jobId, 'needs_signin', { pause_reason: 'needs_signin' }, ['running'])
    } else if (ended instanceof GaveUp) {
      logger.warn('job paused: Feishu unavailable', { jobId, code: ended.last.code, logId: ended.last.logId })
      await setStatus(jobId, 'paused', { pause_reason: 'feishu_unavailable', error: { code: 'feishu_unavailable', feishu_code: ended.last.code, message: ended.last.feishuMessage } }, ['running'])
    } else if (ended instanceof ServiceUnavailable) {
      logger.warn('job paused: shared service unavailable', { jobId, error: ended.message })
      await setStatus(jobId, 'paused', { pause_reason: 'service_unavailable' }, ['running']).catch(() => undefined)
    } else if (ended instanceof JobFailure) {
      await setStatus(jobId, 'failed', { pause_reason: null, error: { code: ended.code, feishu_code: ended.feishuCode, message: ended.message } }, ['running'])
    } else if (request === 'cancel') {
      await repo.cancelPendingRows(jobId)
      await publish(jobId, true)
    } else if (request === 'pause' || request === 'shutdown' || request === 'lost') {
      // pause(): the status is already written. shutdown: left 'running' so the next start (or another
      // process) resumes it. lost: another process holds the job now.
    } else if (ended && !(ended instanceof StopRequested)) {
      logger.error('job stopped by an unexpected error', { jobId, error: ended })
      await setStatus(jobId, 'paused', { pause_reason: 'feishu_unavailable', error: { code: 'internal_error', feishu_code: null, message: 'The job stopped unexpectedly; resume it to continue.' } }, ['running'])
    } else {
      await finish(job)
    }
  }

  /** Cancels a job in one of the `from` states, with the reason shown on its page if one is given. */
  async function cancelFrom(jobId: string, from: JobStatus[], error?: { code: string; feishu_code: number | null; message: string }) {
    const ok = await setStatus(jobId, 'cancelled', { pause_reason: null, ...(error ? { error } : {}) }, from)
    if (!ok) return false
    if (active.has(jobId)) stopRequests.set(jobId, 'cancel')
    // Rows not yet written are cancelled at once, wherever the job runs; a batch in flight
    // elsewhere still records its rows as written when it completes.
    await repo.cancelPendingRows(jobId)
    await publish(jobId, true)
    return true
  }

  function kickJob(jobId: string, force: boolean) {
    if (shuttingDown || active.has(jobId)) return
    const p = run(jobId, force)
      .catch((e) => logger.error('job runner crashed', { jobId, error: e }))
      .finally(() => { active.delete(jobId) })
    active.set(jobId, p)
  }

  const runner: JobRunner = {
    kick(jobId) {
      kickJob(jobId, false)
    },
    async scan() {
      if (shuttingDown) return
      const now = clock.now()
      if (deps.shared) for (const j of await repo.orphaned(now)) kickJob(j.id, false)
      for (const reason of ['feishu_unavailable', 'service_unavailable'] as const) {
        for (const j of await repo.pausedWith(reason)) {
          if (now - Number(j.updated_at) >= autoResumeAfterMs) await runner.resume(j.id)
        }
      }
      for (const j of await repo.withStatus(['draft'])) {
        if (now - Number(j.updated_at) < abandonDraftsAfterMs) continue
        // 'upload_abandoned' names a catalogue entry (src/domain/feishu-errors.ts) shown in both languages.
        await cancelFrom(j.id, ['draft'], { code: 'upload_abandoned', feishu_code: null, message: 'upload_abandoned' })
      }
    },
    async recover() {
      // A lone process owns everything unfinished; in scale-out, only jobs whose lease ran out.
      for (const j of await repo.withStatus(['running', 'queued'])) kickJob(j.id, !deps.shared)
      if (deps.scanEveryMs && !scanTimer) {
        scanTimer = setInterval(() => { runner.scan().catch((e: unknown) => logger.warn('job scan failed', { error: e })) }, deps.scanEveryMs)
        scanTimer.unref()
      }
    },
    async pause(jobId) {
      const ok = await setStatus(jobId, 'paused', { pause_reason: 'by_owner' }, ['queued', 'running'])
      if (ok && active.has(jobId)) stopRequests.set(jobId, 'pause')
      return ok
    },
    async resume(jobId) {
      const ok = await setStatus(jobId, 'queued', { pause_reason: null, error: null }, ['paused', 'needs_signin', 'failed'])
      if (ok) {
        // A stop asked of the previous run must not stop this one.
        if (active.has(jobId)) await active.get(jobId)
        stopRequests.delete(jobId)
        runner.kick(jobId)
      }
      return ok
    },
    cancel(jobId) {
      return cancelFrom(jobId, ['draft', 'submitting', 'awaiting_approval', 'queued', 'running', 'paused', 'needs_signin', 'failed'])
    },
    async resumeAfterSignIn(owner) {
      for (const j of await repo.ownedWithStatus(owner, ['needs_signin'])) await runner.resume(j.id)
    },
    progress,
    async idle() {
      while (active.size) await Promise.all([...active.values()])
    },
    async shutdown() {
      shuttingDown = true
      if (scanTimer) clearInterval(scanTimer)
      for (const id of active.keys()) stopRequests.set(id, 'shutdown')
      await runner.idle()
    },
  }
  return runner
}
