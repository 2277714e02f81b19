import { ENDING_STATUSES, preparerIsApprover, type ApprovalPerson, type JobApproval } from '../../src/domain/approval'
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

/** What submitting needs of a job that is about to be stored (or a draft about to start). */
export interface SubmitInput {
  jobId: string
  kind: JobKind
  target: JobTarget
  owner: Owner & { userId: string | null }
  fields: string[]
  source: JobSummary['source']
  rows: Array<{ idx: number; input: JobRowInput }>
}

export interface Submitted {
  instanceCode: string
  approvalCode: string
  before: Array<{ idx: number; before: RecordState | null }>
  submittedAt: number
}

/** Job creation asks this (server/jobs/create.ts); the rest of the app never branches on a target. */
export interface ApprovalGate {
  /** True when jobs of this kind wait for an approval in this deployment. */
  gated(kind: JobKind): boolean
  /** Reads the records as they are and creates the approval instance; stores nothing. */
  submit(input: SubmitInput): Promise<Submitted>
  /** Stores a submission once its job exists: the rows' before-values (the approved diff) and the approval. */
  commit(job: JobRow, s: Submitted): Promise<void>
  /** Withdraws an instance whose job could not be stored, so nobody approves a job that does not exist. */
  abandon(s: Submitted, owner: Owner): Promise<void>
}

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
  /** Resolves when no refresh runs (tests, shutdown). */
  idle(): Promise<void>
  /** The job as its approver may see it, or a 404 for anyone Feishu did not ask to approve it. */
  forApprover(jobId: string, who: Owner): Promise<JobRow>
}

export interface ApprovalDeps {
  codes: Record<string, string>
  pollMs: number
  link: { mode: 'sandbox' | 'live'; appId: string; publicUrl: string }
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

  async function submit(input: SubmitInput): Promise<Submitted> {
    const code = codeFor(input.kind)
    if (!code) throw new Error(`job kind ${input.kind} does not wait for an approval here`)
    try {
      const ctx = { feishu, pacer: deps.pacer, token: await deps.tokens.get(input.owner) }
      const snap = await hooksOf(input.target).snapshot(ctx, input.target, input.fields, input.rows)
      const form = approvalForm(snap.summary, input.source, reviewLink(deps.link, input.jobId))
      await ensureSubscribed(code)
      // uuid = the job id (+ the attempt): a retried request answers the instance it created.
      const uuid = `${input.jobId}:${input.rows.length}:${clock.now()}`
      const res = await feishu.createApprovalInstance({ approval_code: code, open_id: input.owner.openId, form, uuid })
      return { instanceCode: res.instanceCode, approvalCode: code, before: snap.before, submittedAt: clock.now() }
    } catch (e) {
      throw feishuToAppError(e, input.target.type)
    }
  }

  async function commit(job: JobRow, s: Submitted, drift: JobApproval['drift'] = null) {
    await approvals.insert({ instance_code: s.instanceCode, job_id: job.id, tenant_key: job.tenant_key, approval_code: s.approvalCode, state: 'pending', created_at: s.submittedAt, decided_at: null })
    await (drift ? repo.replaceBefore(job.id, s.before) : repo.setBefore(job.id, s.before))
    await saveView(job.id, { state: 'pending', instance_code: s.instanceCode, submitted_at: s.submittedAt, approvers: [], decided_by: null, decided_at: null, comment: null, drift })
    // Who Feishu asks is known from the instance at once; a preparer named as approver is refused now.
    await refresh(s.instanceCode).catch((e: unknown) => logger.warn('approval instance could not be read after submitting; polling retries', { jobId: job.id, error: e }))
  }

  async function abandon(s: Submitted, owner: Owner) {
    await feishu.cancelApprovalInstance({ approval_code: s.approvalCode, instance_code: s.instanceCode, user_id: owner.openId })
      .catch((e: unknown) => logger.warn('could not withdraw an approval instance of a job that was not stored', { instanceCode: s.instanceCode, error: e }))
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
    if (!job || job.status !== 'awaiting_approval') {
      await approvals.decide(code, 'stale', clock.now())
      return 'done'
    }
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
      // Drift: the records must still be what the approver saw. Read with the preparer's token.
      const rows = await allRows(job.id)
      const ctx = { feishu, pacer: deps.pacer, token: await deps.tokens.get({ tenantKey: job.tenant_key, openId: job.owner_open_id }) }
      const target = JSON.parse(job.target_json) as JobTarget
      const fields = JSON.parse(job.fields_json) as string[]
      const moved = await hooksOf(target).drift(ctx, target, fields, rows)
      if (!(await approvals.decide(code, moved.length ? 'stale' : 'approved', clock.now()))) return 'done'
      if (moved.length) {
        logger.info('approved job drifted in Feishu; a new approval is asked for', { jobId: job.id, moved: moved.length })
        const source = job.source_json ? (JSON.parse(job.source_json) as JobSummary['source']) : null
        const again = await submit({ jobId: job.id, kind: job.kind as JobKind, target, owner: { tenantKey: job.tenant_key, openId: job.owner_open_id, userId: job.owner_user_id }, fields, source, rows })
        await commit(job, again, { items: moved.slice(0, 200), total: moved.length, noticed_at: clock.now() })
        await deps.onChanged(job.id)
        return 'done'
      }
      await saveView(job.id, { ...decided, state: 'approved' })
      if (await repo.setStatus(job.id, { status: 'queued' }, clock.now(), ['awaiting_approval'])) deps.onApproved(job.id)
      return 'done'
    }
    const ending = ENDING_STATUSES[inst.status as keyof typeof ENDING_STATUSES]
    if (!ending) return 'done'
    if (!(await approvals.decide(code, ending, clock.now()))) return 'done'
    // 'approval_rejected' / '_canceled' / '_deleted' name catalogue entries shown in both languages.
    await end(job, { ...decided, state: ending, ...(ending === 'rejected' ? {} : { decided_by: ending === 'canceled' ? { user_id: job.owner_user_id ?? '', open_id: job.owner_open_id, name: null } : null }) }, { code: `approval_${ending}`, message: last?.comment ?? ending })
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
    submit,
    commit: (job, s) => commit(job, s),
    abandon,
    refresh,
    async poll() {
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
      void service.poll().catch((e: unknown) => logger.warn('approval poll failed', { error: e }))
      timer = setInterval(() => { void service.poll().catch((e: unknown) => logger.warn('approval poll failed', { error: e })) }, deps.pollMs)
      timer.unref()
    },
    stop() {
      if (timer) clearInterval(timer)
      timer = null
    },
    async idle() {
      while (running.size) await Promise.all([...running.values()].map((p) => p.catch(() => undefined)))
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
