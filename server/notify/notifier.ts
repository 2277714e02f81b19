import { randomUUID } from 'node:crypto'
import type { JobApproval } from '../../src/domain/approval'
import type { Clock } from '../clock'
import type { FeishuClient } from '../feishu/client'
import { FeishuError } from '../feishu/http'
import type { Logger } from '../logger'
import type { JobsRepo } from '../store/jobs-repo'
import type { Pacer } from '../jobs/pacer'
import { jobCard, webAppLink } from './card'
import { eventKey, eventOf, NOTIFY_EVENTS, type NotifyEventKind } from './events'
import type { NotificationRow, NotifyRepo } from './repo'

export interface NotifierDeps {
  repo: NotifyRepo
  /** The plain job store (not the observed one): reads only. */
  jobs: Pick<JobsRepo, 'get' | 'counts'>
  feishu: Pick<FeishuClient, 'sendMessage'>
  /**
   * The app's pacer (shared through Redis in scale-out): every send keeps im's documented limits —
   * 1000/min and 50/s per app, 5/s to one person — so a burst of job endings draws no 429 / 230020.
   */
  pacer?: Pacer
  clock: Clock
  logger: Logger
  app: { appId: string; feishuBaseUrl: string }
  /** Sends before giving up (the first one included). */
  maxAttempts?: number
  /** Wait before attempt n+1 after n failed (n ≥ 1). */
  backoffMs?: (failed: number) => number
  /** A process sending a card holds it this long; if it dies meanwhile another process sends it. */
  leaseMs?: number
  /** How often to look for due cards besides the timer of the next one (other processes' work). */
  scanEveryMs?: number
}

export interface Notifier {
  /** A job's status changed (after it was stored): records the card its event calls for, then sends it in the background. Never throws. */
  jobChanged(jobId: string, status: string, pauseReason: string | null | undefined, at: number): Promise<void>
  /** An approval event of a job (events.ts entries with `approval`): recorded once per job and event, then sent. Never throws. */
  approvalChanged(jobId: string, kind: NotifyEventKind, at: number): Promise<void>
  /** Sends every card that is due now; resolves when done (tests call it after moving their clock). */
  drain(): Promise<void>
  start(): void
  /** Resolves when no send is in progress (tests, shutdown). */
  idle(): Promise<void>
  shutdown(): Promise<void>
}

export const DEFAULT_MAX_ATTEMPTS = 6
/** 5 s, 15 s, 45 s, 2¼ min, 6¾ min: about ten minutes in all, then the card is given up. */
export const defaultBackoffMs = (failed: number) => Math.min(30 * 60_000, 5000 * 3 ** (failed - 1))

/** What a failed send means (IM error codes of im-v1/message/create; the gateway's of §1.5). */
type Verdict = { retry: true; atLeastMs: number; reason: string } | { retry: false; reason: string }

export function sendVerdict(e: unknown): Verdict {
  if (!(e instanceof FeishuError)) return { retry: true, atLeastMs: 0, reason: e instanceof Error ? e.message : String(e) }
  const code = e.code
  // 230013: the person is not in the bot's availability, or has left — nothing a retry changes.
  if (code === 230013) return { retry: false, reason: `recipient_unreachable (${code})` }
  // 230006: the bot ability is off; an admin may switch it on, so it is retried within the limit.
  if (code === 230006) return { retry: true, atLeastMs: 0, reason: `bot_not_enabled (${code})` }
  // 230020: 5 messages a second to one person; HTTP 429 / 99991400: the app's 50/s, 1000/min.
  if (code === 230020) return { retry: true, atLeastMs: 1000, reason: `rate_limited (${code})` }
  const f = e.failure
  if (f.kind === 'rate_limited') return { retry: true, atLeastMs: f.retryAfterMs, reason: `rate_limited (${code ?? 429})` }
  if (f.kind === 'server_error' || f.kind === 'network' || f.kind === 'token_invalid' || f.kind === 'token_expired') return { retry: true, atLeastMs: 0, reason: `${f.kind} (${code ?? '-'})` }
  // The app lacks the scope, or is unavailable: an admin can fix it, so retried within the limit.
  if (f.kind === 'app_scope_missing' || f.kind === 'app_unavailable') return { retry: true, atLeastMs: 0, reason: `${f.kind} (${code ?? '-'})` }
  return { retry: false, reason: `${f.kind} (${code ?? '-'})` }
}

/**
 * Messages a job's owner in Feishu when their job reaches an event of events.ts. Each event is stored
 * once (unique per job and event) before anything is sent, and marked sent after; the send carries
 * the row's id as Feishu's `uuid`, so a process that dies between the two never makes a second card
 * (Feishu drops a repeated uuid within an hour). A person who turned messages off gets none. Failures
 * are retried with backoff up to a limit and are only logged: a job's outcome never depends on them.
 */
export function notifier(deps: NotifierDeps): Notifier {
  const { repo, jobs, feishu, clock, logger } = deps
  const maxAttempts = deps.maxAttempts ?? DEFAULT_MAX_ATTEMPTS
  const backoff = deps.backoffMs ?? defaultBackoffMs
  const leaseMs = deps.leaseMs ?? 60_000
  let running: Promise<void> | null = null
  let again = false
  let timer: ReturnType<typeof setTimeout> | null = null
  let scan: ReturnType<typeof setInterval> | null = null
  let stopped = false

  async function sendOne(n: NotificationRow) {
    const attempt = n.attempts + 1
    try {
      if (!(await repo.enabled({ tenantKey: n.tenantKey, openId: n.openId }))) {
        await repo.end(n.id, 'skipped', n.attempts, null)
        return
      }
      const job = await jobs.get(n.jobId)
      if (!job) { await repo.end(n.id, 'given_up', n.attempts, 'job_missing'); return }
      const counts = await jobs.counts(n.jobId)
      const source = job.source_json ? (JSON.parse(job.source_json) as { file_name?: string }) : null
      const link = webAppLink(deps.app.appId, `/jobs/${n.jobId}`, deps.app.feishuBaseUrl)
      const approval = job.approval_json ? (JSON.parse(job.approval_json) as JobApproval) : null
      const card = jobCard(n.kind as NotifyEventKind, { id: n.jobId, fileName: source?.file_name ?? null, counts, createdAt: Number(job.created_at), approval }, link)
      const send = () => feishu.sendMessage({ receiveId: n.openId, msgType: 'interactive', content: JSON.stringify(card), uuid: n.id })
      // App-wide windows first, the recipient's own last (closest to the call), so sends to one person stay 5/s apart.
      const pacer = deps.pacer
      const { messageId } = pacer
        ? await pacer.schedule('im.message.create.minute', () => pacer.schedule('im.message.create', () => pacer.schedule('im.message.user', send, n.openId)))
        : await send()
      await repo.sent(n.id, messageId, clock.now())
      logger.info('job message sent', { jobId: n.jobId, event: n.event, attempts: attempt })
    } catch (e) {
      const v = sendVerdict(e)
      const logFields = { jobId: n.jobId, event: n.event, attempts: attempt, reason: v.reason, ...(e instanceof FeishuError ? { feishuCode: e.code, logId: e.logId } : {}) }
      if (v.retry && attempt < maxAttempts) {
        const at = clock.now() + Math.max(backoff(attempt), v.atLeastMs)
        logger.warn('job message not sent; will retry', { ...logFields, retryAt: at })
        await repo.retryAt(n.id, attempt, at, v.reason).catch(() => undefined)
      } else {
        logger.warn('job message given up', logFields)
        await repo.end(n.id, 'given_up', attempt, v.reason).catch(() => undefined)
      }
    }
  }

  async function drainOnce() {
    for (;;) {
      const now = clock.now()
      const due = await repo.claimDue(now, now + leaseMs, 20)
      if (!due.length) return
      for (const n of due) await sendOne(n)
    }
  }

  async function schedule() {
    if (stopped) return
    if (timer) { clearTimeout(timer); timer = null }
    const next = await repo.nextDue()
    if (next === null) return
    // Bounded: a clock that does not move (tests) or a far-off retry still gets looked at.
    const wait = Math.min(60_000, Math.max(50, next - clock.now()))
    timer = setTimeout(() => { timer = null; void drain() }, wait)
    timer.unref()
  }

  function drain(): Promise<void> {
    if (stopped) return Promise.resolve()
    if (running) { again = true; return running }
    running = (async () => {
      try {
        do { again = false; await drainOnce() } while (again)
        await schedule()
      } catch (e) {
        logger.warn('job messages: sending pass failed', { error: e })
      } finally {
        running = null
      }
    })()
    return running
  }

  async function record(jobId: string, kind: NotifyEventKind, at: number) {
    try {
      const job = await jobs.get(jobId)
      if (!job) return
      const added = await repo.add({ id: randomUUID(), tenantKey: job.tenant_key, openId: job.owner_open_id, jobId, event: eventKey(kind, at), kind }, clock.now())
      if (added) void drain()
    } catch (e) {
      logger.warn('job message not recorded', { jobId, event: kind, error: e })
    }
  }

  return {
    async approvalChanged(jobId, kind, at) {
      await record(jobId, kind, at)
    },
    async jobChanged(jobId, status, pauseReason, at) {
      const kind = eventOf(status, pauseReason)
      if (kind) await record(jobId, kind, at)
    },
    drain,
    start() {
      if (scan || stopped) return
      void drain()
      scan = setInterval(() => { void drain() }, deps.scanEveryMs ?? 30_000)
      scan.unref()
    },
    async idle() {
      while (running) await running
    },
    async shutdown() {
      stopped = true
      if (timer) clearTimeout(timer)
      if (scan) clearInterval(scan)
      while (running) await running
    },
  }
}

export { NOTIFY_EVENTS }
