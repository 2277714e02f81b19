import { ENDING_STATUSES, preparerIsApprover, type ApprovalPerson, type DriftItem, type JobApproval } from '../../src/domain/approval'
import type { JobKind, JobRowInput, JobSummary, JobTarget, TargetKind } from '../../src/domain/jobs'
import { approvalOf } from '../../src/domain/write-targets'
import type { UserTokens } from '../auth/user-tokens'
import type { Clock } from '../clock'
import { AppError } from '../errors'
import type { ApprovalInstance, FeishuClient } from '../feishu/client'
import { feishuToAppError } from '../feishu/errors-to-app'
import { FeishuError } from '../feishu/http'
import type { RecordState } from '../jobs/job-context'
import type { Pacer } from '../jobs/pacer'
import type { Logger } from '../logger'
import type { ApprovalsRepo } from '../store/approvals-repo'
import type { JobRow, JobsRepo, Owner } from '../store/jobs-repo'
import { targetModule } from '../targets'
import type { ApprovalHooks } from '../targets/types'
import { approvalForm, reviewLink } from './form'
import { randomUUID } from 'node:crypto'

/**
 * A submission under way (jobs.submission_json): the form as frozen from the records read, and the
 * `uuid` — Feishu's idempotency key of instance create ("审批实例 uuid, 用于幂等操作") — both stored
 * before the call, so a process that dies mid-call resumes with the same uuid and form and Feishu
 * answers the instance it already made: never two instances for one submission.
 */
interface Submission {
  approval_code: string
  uuid: string | null
  form: string | null
  /** When this submission follows a drift: what moved (shown with the new approval). */
  drift: JobApproval['drift']
  /** The last failure that will be retried (Feishu unavailable, the preparer must sign in again). */
  waiting: 'feishu_unavailable' | 'needs_signin' | null
}

/** Job creation asks this (server/jobs/create.ts); the rest of the app never branches on a target. */
export interface ApprovalGate {
  /** True when jobs of this kind wait for an approval in this deployment. */
  gated(kind: JobKind): boolean
  /**
   * One cheap call before a gated job is stored: an approval Feishu cannot take at all (definition
   * missing, approval scope not granted) refuses the request with a clear error and stores nothing.
   */
  precheck(kind: JobKind): Promise<void>
  /** A job entered 'submitting': reads its records and creates the instance in the background. */
  kick(jobId: string): void
}

/** Approval events that message the preparer (server/notify/events.ts names their cards). */
export type ApprovalNotice = 'approval_submitted' | 'approval_approved' | 'approval_rejected' | 'approval_canceled' | 'approval_drift' | 'approval_self_approved'

export interface ApprovalService extends ApprovalGate {
  /** Learns an instance's state from Feishu and acts on it (events and polling both end here). */
  refresh(instanceCode: string): Promise<'unknown' | 'done'>
  /** Looks at every instance still pending (the fallback when events are off or missed). */
  poll(): Promise<void>
  /** The owner cancels a job that waits: its instance is withdrawn in Feishu (best effort). */
  withdraw(job: JobRow): Promise<void>
  /** Starts polling every `pollMs` (and once at once: decisions made while the app was down). */
  start(): void
  stop(): void
  /** Resolves when no refresh or submission runs (tests, shutdown). */
  idle(): Promise<void>
  /** Submits every job left in 'submitting' (a crash, Feishu unavailable, an expired sign-in). */
  resumeSubmissions(force?: boolean): Promise<void>
  /** The owner signed in again: their approved jobs waiting for it, and submissions waiting for it, go on. */
  resumeAfterSignIn(owner: Owner): Promise<void>
  /** The job as its approver may see it, or a 404 for anyone Feishu did not ask to approve it. */
  forApprover(jobId: string, who: Owner): Promise<JobRow>
}

export interface ApprovalDeps {
  codes: Record<string, string>
  pollMs: number
  link: { mode: 'sandbox' | 'live'; appId: string; publicUrl: string; feishuBaseUrl?: string }
  repo: JobsRepo
  approvals: ApprovalsRepo
  feishu: FeishuClient
  tokens: UserTokens
  pacer: Pacer
  clock: Clock
  logger: Logger
  /** The job may run now (it is queued): the runner takes it. */
  onApproved(jobId: string): void
  /** The job's status changed outside the runner (progress streams and lists refresh). */
  onChanged(jobId: string): Promise<void>
  /** A card for the preparer (server/notify): recorded once per job and event, whoever calls it. */
  notify?(jobId: string, notice: ApprovalNotice, at: number): Promise<void>
  /** Submissions are claimed with the job's lease (as the runner claims a run): one process submits. */
  processId?: string
  leaseMs?: number
  /** Several processes share the store: a live lease of another process is respected even on start. */
  shared?: boolean
}

const hooksOf = (target: JobTarget): ApprovalHooks => {
  const h = targetModule(target.type as TargetKind).approval
  if (!h) throw new Error(`target ${target.type} has job kinds that wait for an approval but no approval hooks`)
  return h
}

export function approvalService(deps: ApprovalDeps): ApprovalService {
  const { repo, approvals, feishu, clock, logger } = deps
  const running = new Map<string, Promise<unknown>>()
  let timer: ReturnType<typeof setInterval> | null = null

  const codeFor = (kind: JobKind): string | null => {
    const name = approvalOf(kind)
    return name ? (deps.codes[name] ?? null) : null
  }

  /**
   * Before every submission (cheap: "already subscribed" is success): a subscription an administrator
   * removed comes back. A failure is logged; polling still finds the decisions.
   */
  async function ensureSubscribed(code: string) {
    try {
      await feishu.subscribeApproval(code)
    } catch (e) {
      logger.warn('approval event subscription failed; decisions are found by polling', { approvalCode: code, error: e })
    }
  }

  async function people(tenantKey: string, list: Array<{ user_id?: string; open_id?: string }>): Promise<ApprovalPerson[]> {
    const out: ApprovalPerson[] = []
    for (const p of list) {
      if (out.some((o) => (p.open_id && o.open_id === p.open_id) || (p.user_id && o.user_id === p.user_id))) continue
      // Who signed in to the app is known; anyone else is asked of Feishu's contacts (a failure leaves the id shown).
      const known = p.open_id ? (await approvals.nameOf(tenantKey, p.open_id)) ?? (await feishu.contactName(p.open_id).catch(() => undefined)) : undefined
      out.push({ user_id: p.user_id ?? '', open_id: p.open_id ?? '', name: known?.name || null, en_name: known?.en_name || null })
    }
    return out
  }

  const viewOf = (job: JobRow): JobApproval | null => (job.approval_json ? (JSON.parse(job.approval_json) as JobApproval) : null)
  const saveView = (jobId: string, view: JobApproval) => repo.setApproval(jobId, JSON.stringify(view), clock.now())

  async function allRows(jobId: string) {
    const out: Array<{ idx: number; input: JobRowInput; before: RecordState | null }> = []
    for (let after = -1; ;) {
      const page = await repo.listRows(jobId, null, after, 1000)
      for (const r of page) out.push({ idx: r.idx, input: JSON.parse(r.input_json) as JobRowInput, before: r.before_json ? (JSON.parse(r.before_json) as RecordState | null) : null })
      if (page.length < 1000) return out
      after = page[page.length - 1]!.idx
    }
  }

  const processId = deps.processId ?? `approvals-${randomUUID()}`
  const leaseMs = deps.leaseMs ?? 60_000
  const submitting = new Map<string, Promise<void>>()
  const notify = (jobId: string, notice: ApprovalNotice) => (deps.notify ? deps.notify(jobId, notice, clock.now()).catch(() => undefined) : Promise.resolve())
  const submissionOf = (job: JobRow): Submission | null => (job.submission_json ? (JSON.parse(job.submission_json) as Submission) : null)
  /** Waiting on something that passes (Feishu unavailable) or on the preparer (sign in again): retried, not ended. */
  const waitingOn = (e: unknown): Submission['waiting'] => {
    const app = feishuToAppError(e)
    if (app instanceof AppError && app.code === 'reauth_required') return 'needs_signin'
    if (app instanceof AppError && app.code === 'feishu_unavailable') return 'feishu_unavailable'
    return null
  }

  /**
   * One job's submission, claimed with the job's lease: the records read (they become the rows'
   * before-values: what is approved is exactly what is written), the form and uuid stored, then the
   * instance created with them. A resumed submission that already stored its form sends the same
   * form and uuid again, so Feishu answers the instance it made before.
   */
  async function submitJob(jobId: string, force: boolean) {
    const first = await repo.get(jobId)
    if (!first || first.status !== 'submitting') return
    if (!(await repo.claim(jobId, processId, clock.now(), clock.now() + leaseMs, force && !deps.shared))) return
    const renew = setInterval(() => { void repo.renew(jobId, processId, clock.now() + leaseMs).catch(() => undefined) }, leaseMs / 3)
    try {
      const job = (await repo.get(jobId))!
      if (job.status !== 'submitting') return
      const kind = job.kind as JobKind
      const target = JSON.parse(job.target_json) as JobTarget
      let sub = submissionOf(job) ?? { approval_code: codeFor(kind) ?? '', uuid: null, form: null, drift: null, waiting: null }
      if (!sub.approval_code) {
        await fail(job, { code: 'approval_not_configured', message: 'This deployment no longer asks for an approval of this kind of job; nothing was written.' })
        return
      }
      try {
        if (!sub.form || !sub.uuid) {
          const owner = { tenantKey: job.tenant_key, openId: job.owner_open_id }
          const ctx = { feishu, pacer: deps.pacer, token: await deps.tokens.get(owner) }
          const rows = await allRows(job.id)
          const snap = await hooksOf(target).snapshot(ctx, target, JSON.parse(job.fields_json) as string[], rows)
          await repo.replaceBefore(job.id, snap.before)
          const source = job.source_json ? (JSON.parse(job.source_json) as JobSummary['source']) : null
          sub = { ...sub, form: approvalForm(snap.summary, source, reviewLink(deps.link, job.id)), uuid: randomUUID(), waiting: null }
          // Stored before the call: a crash from here on resends this very form and uuid.
          await repo.setSubmission(job.id, JSON.stringify(sub), clock.now())
        }
        await ensureSubscribed(sub.approval_code)
        const { form, uuid } = sub
        const res = await deps.pacer.schedule('approval.instance.create', () => feishu.createApprovalInstance({ approval_code: sub.approval_code, open_id: job.owner_open_id, form: form!, uuid: uuid! }))
        await recordInstance(job, sub, res.instanceCode)
      } catch (e) {
        const waiting = waitingOn(e)
        if (waiting) {
          logger.warn('approval submission will be retried', { jobId, waiting, error: e })
          if (sub.waiting !== waiting) {
            await repo.setSubmission(job.id, JSON.stringify({ ...sub, waiting }), clock.now())
            await deps.onChanged(job.id)
          }
          return
        }
        const app = feishuToAppError(e, target.type)
        if (!(app instanceof AppError)) throw e
        await fail(job, { code: app.code, message: app.message, feishu_code: (app.details as { feishuCode?: number } | undefined)?.feishuCode ?? null })
      }
    } finally {
      clearInterval(renew)
      await repo.release(jobId, processId).catch(() => undefined)
    }
  }

  /** The instance exists: recorded, the job waits for it (unless it was cancelled meanwhile: then it is withdrawn). */
  async function recordInstance(job: JobRow, sub: Submission, instanceCode: string) {
    const now = clock.now()
    if (!(await approvals.byInstance(instanceCode))) {
      await approvals.insert({ instance_code: instanceCode, job_id: job.id, tenant_key: job.tenant_key, approval_code: sub.approval_code, state: 'pending', created_at: now, decided_at: null })
    }
    // Who Feishu asks, shown as soon as the job waits (a failed read leaves it to the refresh below).
    const approvers = await feishu.getApprovalInstance(instanceCode).then((i) => people(job.tenant_key, i.task_list ?? []), () => [])
    const view: JobApproval = { state: 'pending', instance_code: instanceCode, submitted_at: now, approvers, decided_by: null, decided_at: null, comment: null, drift: sub.drift }
    await saveView(job.id, view)
    if (!(await repo.setSubmission(job.id, null, now, { status: 'awaiting_approval', onlyIf: ['submitting'] }))) {
      // Cancelled while it was being submitted: nobody may approve a job that will not run.
      await saveView(job.id, { ...view, state: 'canceled', decided_at: now })
      await approvals.decide(instanceCode, 'canceled', now)
      await feishu.cancelApprovalInstance({ approval_code: sub.approval_code, instance_code: instanceCode, user_id: job.owner_open_id })
        .catch((e: unknown) => logger.warn('could not withdraw the approval instance of a job cancelled while submitting', { jobId: job.id, error: e }))
      return
    }
    await deps.onChanged(job.id)
    if (!sub.drift) await notify(job.id, 'approval_submitted')
    // Who Feishu asks is known from the instance at once; a preparer named as approver is refused now.
    await refresh(instanceCode).catch((e: unknown) => logger.warn('approval instance could not be read after submitting; polling retries', { jobId: job.id, error: e }))
  }

  /** A submission Feishu refused for good: the job ends unwritten, saying why. */
  async function fail(job: JobRow, error: { code: string; message: string; feishu_code?: number | null }) {
    const now = clock.now()
    await repo.setSubmission(job.id, null, now)
    if (await repo.setStatus(job.id, { status: 'cancelled', pause_reason: null, error_json: JSON.stringify({ feishu_code: null, ...error }), finished_at: now }, now, ['submitting'])) {
      await repo.cancelPendingRows(job.id)
    }
    await deps.onChanged(job.id)
  }

  /**
   * A job still waiting whose latest instance went stale (its drift was claimed, then the process
   * died before the job moved to submitting): it is submitted again, with what moved if it was kept.
   */
  async function resubmitStale() {
    for (const job of await repo.withStatus(['awaiting_approval'])) {
      const latest = await approvals.latestForJob(job.id)
      // A lease's length after it went stale: the process that claimed it has had all the time it needs.
      if (latest?.state !== 'stale' || Number(latest.decided_at ?? 0) > clock.now() - leaseMs) continue
      // Claimed once more on the instance row (stale → superseded), so two pollers never both resubmit.
      if (!(await approvals.decide(latest.instance_code, 'superseded', clock.now(), 'stale'))) continue
      const sub: Submission = { approval_code: latest.approval_code, uuid: null, form: null, drift: viewOf(job)?.drift ?? null, waiting: null }
      if (await repo.setSubmission(job.id, JSON.stringify(sub), clock.now(), { status: 'submitting', onlyIf: ['awaiting_approval'] })) {
        logger.info('a waiting job whose approval went stale is submitted again', { jobId: job.id })
        kick(job.id)
      }
    }
  }

  function kick(jobId: string, force = false) {
    if (submitting.has(jobId)) return
    const p = submitJob(jobId, force)
      .catch((e: unknown) => logger.error('approval submission crashed; retried at the next poll', { jobId, error: e }))
      .finally(() => { submitting.delete(jobId) })
    submitting.set(jobId, p)
  }

  /** Ends a waiting job unwritten, saying why (the approver's decision, or the four-eyes refusal). */
  async function end(job: JobRow, view: JobApproval, error: { code: string; message: string }) {
    await saveView(job.id, view)
    const now = clock.now()
    if (await repo.setStatus(job.id, { status: 'cancelled', pause_reason: null, error_json: JSON.stringify({ ...error, feishu_code: null }), finished_at: now }, now, ['awaiting_approval'])) {
      await repo.cancelPendingRows(job.id)
    }
    await deps.onChanged(job.id)
  }

  async function decideNow(code: string): Promise<'unknown' | 'done'> {
    const rec = await approvals.byInstance(code)
    if (!rec) {
      logger.info('approval instance unknown to the app; ignored', { instanceCode: code })
      return 'unknown'
    }
    if (rec.state !== 'pending') return 'done'
    const job = await repo.get(rec.job_id)
    // A job no longer waiting, or an instance a newer submission of the job superseded (a drift), is stale.
    if (!job || (job.status !== 'awaiting_approval' && job.status !== 'submitting') || (await approvals.latestForJob(job.id))?.instance_code !== code) {
      await approvals.decide(code, 'stale', clock.now())
      return 'done'
    }
    // Recorded but the job has not moved to waiting yet: the submission's own refresh decides next.
    if (job.status === 'submitting') return 'done'
    let inst: ApprovalInstance
    try {
      inst = await feishu.getApprovalInstance(code)
    } catch (e) {
      // Feishu no longer knows the instance (1390003): it can never be approved; end the job unwritten.
      if (!(e instanceof FeishuError && e.failure.kind === 'not_found')) throw e
      if (!(await approvals.decide(code, 'deleted', clock.now()))) return 'done'
      const gone = viewOf(job)
      await end(job, { ...(gone ?? { instance_code: code, submitted_at: Number(rec.created_at), approvers: [], decided_by: null, comment: null, drift: null }), state: 'deleted', decided_at: clock.now() }, { code: 'approval_deleted', message: 'The approval instance no longer exists in Feishu.' })
      return 'done'
    }
    const prev = viewOf(job)
    const tasks = inst.task_list ?? []
    const actions = (inst.timeline ?? []).filter((t) => t.type === 'PASS' || t.type === 'REJECT')
    const view: JobApproval = {
      state: 'pending', instance_code: code, submitted_at: Number(rec.created_at), approvers: await people(job.tenant_key, tasks),
      decided_by: null, decided_at: null, comment: null, drift: prev?.instance_code === code ? prev.drift : null,
    }
    const preparer = { user_id: job.owner_user_id, open_id: job.owner_open_id }
    if (preparerIsApprover(preparer, [...tasks, ...actions])) {
      if (!(await approvals.decide(code, 'self_approved', clock.now()))) return 'done'
      if (inst.status === 'PENDING') await feishu.cancelApprovalInstance({ approval_code: rec.approval_code, instance_code: code, user_id: job.owner_open_id }).catch(() => undefined)
      // 'approval_self_approved' names a catalogue entry shown in both languages (src/i18n).
      await end(job, { ...view, state: 'self_approved', decided_at: clock.now() }, { code: 'approval_self_approved', message: 'Feishu named the preparer as an approver of their own change; the job was not run.' })
      await notify(job.id, 'approval_self_approved')
      return 'done'
    }
    const last = actions[actions.length - 1]
    const decider = last ? (await people(job.tenant_key, [last]))[0] ?? null : null
    const decided = { ...view, decided_by: decider, decided_at: clock.now(), comment: last?.comment ?? null }
    if (inst.status === 'PENDING') {
      await saveView(job.id, view)
      await deps.onChanged(job.id)
      return 'done'
    }
    if (inst.status === 'APPROVED') {
      // Drift: the records must still be what the approver saw. Read with the preparer's token; when
      // their sign-in has ended the job waits, approved, until they sign in again (then this runs again).
      const rows = await allRows(job.id)
      const target = JSON.parse(job.target_json) as JobTarget
      const fields = JSON.parse(job.fields_json) as string[]
      let moved: DriftItem[]
      try {
        const ctx = { feishu, pacer: deps.pacer, token: await deps.tokens.get({ tenantKey: job.tenant_key, openId: job.owner_open_id }) }
        moved = await hooksOf(target).drift(ctx, target, fields, rows)
      } catch (e) {
        if (waitingOn(e) !== 'needs_signin') throw e
        if (!prev?.signin_needed) {
          const preparer = await approvals.nameOf(job.tenant_key, job.owner_open_id)
          await saveView(job.id, { ...decided, state: 'approved', signin_needed: { name: preparer?.name ?? null, en_name: preparer?.en_name ?? null, since: clock.now() } })
          await deps.onChanged(job.id)
          await notify(job.id, 'approval_approved')
          logger.info('approved job waits for its preparer to sign in again', { jobId: job.id })
        }
        return 'done'
      }
      if (moved.length) {
        // Claim once: of several processes noticing the drift, only the one whose conditional UPDATE
        // marks this instance stale (pending → stale, once per instance, so a job that went back to
        // waiting on a newer instance cannot be claimed again) moves the job to submitting.
        const sub: Submission = { approval_code: rec.approval_code, uuid: null, form: null, drift: { items: moved.slice(0, 200), total: moved.length, noticed_at: clock.now() }, waiting: null }
        if (!(await approvals.decide(code, 'stale', clock.now()))) return 'done'
        // A crash right here leaves the job waiting on a stale instance: poll() resubmits it (resubmitStale).
        if (!(await repo.setSubmission(job.id, JSON.stringify(sub), clock.now(), { status: 'submitting', onlyIf: ['awaiting_approval'] }))) return 'done'
        await saveView(job.id, { ...decided, state: 'approved', signin_needed: null, drift: sub.drift })
        logger.info('approved job drifted in Feishu; a new approval is asked for', { jobId: job.id, moved: moved.length })
        await deps.onChanged(job.id)
        await notify(job.id, 'approval_drift')
        kick(job.id)
        return 'done'
      }
      if (!(await approvals.decide(code, 'approved', clock.now()))) return 'done'
      await saveView(job.id, { ...decided, state: 'approved', signin_needed: null })
      if (!prev?.signin_needed) await notify(job.id, 'approval_approved')
      if (await repo.setStatus(job.id, { status: 'queued' }, clock.now(), ['awaiting_approval'])) deps.onApproved(job.id)
      return 'done'
    }
    const ending = ENDING_STATUSES[inst.status as keyof typeof ENDING_STATUSES]
    if (!ending) return 'done'
    if (!(await approvals.decide(code, ending, clock.now()))) return 'done'
    // 'approval_rejected' / '_canceled' / '_deleted' name catalogue entries shown in both languages.
    await end(job, { ...decided, state: ending, ...(ending === 'rejected' ? {} : { decided_by: ending === 'canceled' ? { user_id: job.owner_user_id ?? '', open_id: job.owner_open_id, name: null } : null }) }, { code: `approval_${ending}`, message: last?.comment ?? ending })
    await notify(job.id, ending === 'rejected' ? 'approval_rejected' : 'approval_canceled')
    return 'done'
  }

  /** One decision at a time per instance in this process; the store's conditional updates cover several processes. */
  function refresh(code: string): Promise<'unknown' | 'done'> {
    const prev = running.get(code) ?? Promise.resolve()
    const p = prev.catch(() => undefined).then(() => decideNow(code))
    running.set(code, p)
    void p.catch(() => undefined).finally(() => { if (running.get(code) === p) running.delete(code) })
    return p
  }

  const service: ApprovalService = {
    gated: (kind) => codeFor(kind) !== null,
    async precheck(kind) {
      const code = codeFor(kind)
      if (!code) return
      try {
        await feishu.subscribeApproval(code)
      } catch (e) {
        // Feishu unavailable for a moment: the background submission retries; anything else refuses now.
        if (waitingOn(e) === 'feishu_unavailable') return
        throw feishuToAppError(e, 'approval')
      }
    },
    kick: (jobId) => kick(jobId),
    refresh,
    async resumeSubmissions(force = false) {
      for (const j of await repo.withStatus(['submitting'])) kick(j.id, force)
    },
    async resumeAfterSignIn(owner) {
      for (const j of await repo.ownedWithStatus(owner, ['submitting', 'awaiting_approval'])) {
        if (j.status === 'submitting') { kick(j.id); continue }
        const rec = await approvals.latestForJob(j.id)
        if (rec?.state === 'pending' && viewOf(j)?.signin_needed) await refresh(rec.instance_code).catch((e: unknown) => logger.warn('approved job could not start after sign-in; polling retries', { jobId: j.id, error: e }))
      }
    },
    async poll() {
      await resubmitStale()
      await service.resumeSubmissions()
      for (const rec of await approvals.pending(200)) {
        await refresh(rec.instance_code).catch((e: unknown) => logger.warn('approval poll failed for an instance', { instanceCode: rec.instance_code, error: e }))
      }
    },
    async withdraw(job) {
      const rec = await approvals.latestForJob(job.id)
      if (!rec || rec.state !== 'pending') return
      await approvals.decide(rec.instance_code, 'canceled', clock.now())
      await feishu.cancelApprovalInstance({ approval_code: rec.approval_code, instance_code: rec.instance_code, user_id: job.owner_open_id })
        .catch((e: unknown) => logger.warn('could not withdraw the approval instance of a cancelled job', { jobId: job.id, error: e }))
      const view = viewOf(job)
      if (view) await saveView(job.id, { ...view, state: 'canceled', decided_at: clock.now() })
    },
    start() {
      if (timer || !Object.keys(deps.codes).length) return
      // A lone process owns every submission left by a crash (a dead process's lease is ignored).
      void service.resumeSubmissions(true).catch((e: unknown) => logger.warn('approval submissions could not be resumed', { error: e }))
      void service.poll().catch((e: unknown) => logger.warn('approval poll failed', { error: e }))
      timer = setInterval(() => { void service.poll().catch((e: unknown) => logger.warn('approval poll failed', { error: e })) }, deps.pollMs)
      timer.unref()
    },
    stop() {
      if (timer) clearInterval(timer)
      timer = null
    },
    async idle() {
      while (running.size || submitting.size) await Promise.all([...running.values(), ...submitting.values()].map((p) => p.catch(() => undefined)))
    },
    async forApprover(jobId, who) {
      const job = await repo.get(jobId)
      const view = job ? viewOf(job) : null
      if (!job || !view || job.tenant_key !== who.tenantKey || !view.approvers.some((a) => a.open_id === who.openId)) throw new AppError(404, 'job_not_found', 'No such job.')
      return job
    },
  }
  return service
}
