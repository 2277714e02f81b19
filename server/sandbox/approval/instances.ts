// Approval instances (审批实例) of the sandbox tenant: created by an app with its tenant token,
// decided by approvers (the sandbox page / endpoint stands for the Feishu client), and pushed to
// subscribed apps as `approval_instance` events.
import { randomBytes, randomUUID } from 'node:crypto'
import type { SandboxState } from '../state'
import { APPROVAL_DEFINITIONS, type ApprovalDefinition } from './definitions'
import { post, wireRequest, type Delivery } from './events'

export type InstanceStatus = 'PENDING' | 'APPROVED' | 'REJECTED' | 'CANCELED' | 'DELETED'
export type TaskStatus = 'PENDING' | 'APPROVED' | 'REJECTED' | 'DONE'

export interface Task { id: string; user_id: string; status: TaskStatus; start_time: number; end_time: number }
export interface TimelineEntry { type: 'START' | 'PASS' | 'REJECT' | 'CANCEL'; create_time: number; user_id: string; comment?: string }

export interface Instance {
  instance_code: string
  approval_code: string
  /** The app that created it (its events go to that app's subscription). */
  app_id: string
  uuid: string | null
  user_id: string
  form: string
  status: InstanceStatus
  start_time: number
  end_time: number
  tasks: Task[]
  timeline: TimelineEntry[]
  serial_number: string
}

const uuidCode = () => randomUUID().toUpperCase()

export class ApprovalStore {
  readonly definitions = new Map<string, ApprovalDefinition>()
  readonly instances = new Map<string, Instance>()
  /** `${app_id}|${approval_code}`: definitions whose events an app subscribed to. */
  readonly subscriptions = new Set<string>()
  readonly deliveries: Delivery[] = []
  /** Event deliveries still on their way (the delay knob), so tests and shutdown can wait for them. */
  readonly inFlight = new Set<Promise<void>>()
  private serial = 0
  private deliverySeq = 0

  constructor(private readonly state: SandboxState) {
    this.reset()
  }

  reset(): void {
    this.definitions.clear()
    for (const d of APPROVAL_DEFINITIONS) this.definitions.set(d.approval_code, d)
    this.instances.clear()
    this.subscriptions.clear()
    this.deliveries.length = 0
    this.serial = 0
  }

  create(appId: string, def: ApprovalDefinition, userId: string, form: string, uuid: string | null): Instance {
    const now = this.state.now()
    const approvers = def.approvers.map((a) => (a === 'initiator' ? userId : a))
    const inst: Instance = {
      instance_code: uuidCode(), approval_code: def.approval_code, app_id: appId, uuid, user_id: userId, form,
      status: 'PENDING', start_time: now, end_time: 0, serial_number: String(202400000 + ++this.serial),
      tasks: approvers.map((u) => ({ id: String(7_000_000_000 + this.serial * 10 + approvers.indexOf(u)), user_id: u, status: 'PENDING' as const, start_time: now, end_time: 0 })),
      timeline: [{ type: 'START', create_time: now, user_id: userId }],
    }
    this.instances.set(inst.instance_code, inst)
    this.emit(inst)
    return inst
  }

  /** One approval node, "or-sign": the first approver who decides decides the instance. */
  decide(inst: Instance, userId: string, action: 'approve' | 'reject', comment: string): void {
    const now = this.state.now()
    const task = inst.tasks.find((t) => t.user_id === userId && t.status === 'PENDING')
    if (!task || inst.status !== 'PENDING') throw new Error('no pending task of this user')
    task.status = action === 'approve' ? 'APPROVED' : 'REJECTED'
    task.end_time = now
    for (const t of inst.tasks) if (t !== task && t.status === 'PENDING') { t.status = 'DONE'; t.end_time = now }
    inst.timeline.push({ type: action === 'approve' ? 'PASS' : 'REJECT', create_time: now, user_id: userId, ...(comment ? { comment } : {}) })
    inst.status = action === 'approve' ? 'APPROVED' : 'REJECTED'
    inst.end_time = now
    this.emit(inst)
  }

  cancel(inst: Instance, userId: string): void {
    const now = this.state.now()
    inst.status = 'CANCELED'
    inst.end_time = now
    for (const t of inst.tasks) if (t.status === 'PENDING') { t.status = 'DONE'; t.end_time = now }
    inst.timeline.push({ type: 'CANCEL', create_time: now, user_id: userId })
    this.emit(inst)
  }

  /** The administrator deleted a definition: its pending instances end DELETED. */
  deleteDefinition(approvalCode: string): number {
    let n = 0
    for (const inst of this.instances.values()) {
      if (inst.approval_code !== approvalCode || inst.status !== 'PENDING') continue
      inst.status = 'DELETED'
      inst.end_time = this.state.now()
      for (const t of inst.tasks) if (t.status === 'PENDING') t.status = 'DONE'
      this.emit(inst)
      n++
    }
    return n
  }

  /** The app's request URL answers the console's "verify" with the challenge? */
  async verifyUrl(): Promise<{ ok: boolean; status: number | null; body: string }> {
    const s = this.state.knobs.approvalEvents
    if (!s.requestUrl) return { ok: false, status: null, body: 'no request URL set' }
    const challenge = randomBytes(12).toString('hex')
    const res = await post(s.requestUrl, wireRequest(s, { challenge, token: s.verificationToken, type: 'url_verification' }, this.state.now()))
    let answer: unknown = null
    try { answer = JSON.parse(res.text) } catch { /* not JSON */ }
    return { ok: res.status === 200 && (answer as { challenge?: string } | null)?.challenge === challenge, status: res.status, body: res.text }
  }

  /** Resolves when every delivery under way has been attempted. */
  async settled(): Promise<void> {
    while (this.inFlight.size) await Promise.all([...this.inFlight])
  }

  /** Pushes the instance's new status to the app that subscribed its definition (knobs: delay, drop, duplicate). */
  private emit(inst: Instance): void {
    const s = this.state.knobs.approvalEvents
    if (!s.requestUrl || !this.subscriptions.has(`${inst.app_id}|${inst.approval_code}`)) return
    const now = this.state.now()
    const payload = {
      ts: (now / 1000).toFixed(7), uuid: randomBytes(16).toString('hex'), token: s.verificationToken, type: 'event_callback',
      event: {
        app_id: inst.app_id, tenant_key: this.state.tenantKey, type: 'approval_instance',
        approval_code: inst.approval_code, instance_code: inst.instance_code, status: inst.status,
        operate_time: String(now), instance_operate_time: String(now), uuid: inst.uuid ?? '',
      },
    }
    const record: Delivery = { seq: ++this.deliverySeq, uuid: payload.uuid, type: 'approval_instance', instance_code: inst.instance_code, status: inst.status, outcome: 'pending', httpStatus: null, atMs: now }
    this.deliveries.push(record)
    if (s.drop) { record.outcome = 'dropped'; return }
    const url = s.requestUrl
    const times = s.duplicate ? 2 : 1
    const p = (async () => {
      if (s.delayMs > 0) await new Promise((ok) => setTimeout(ok, s.delayMs))
      for (let i = 0; i < times; i++) {
        // A duplicate is the same event (same uuid) sent again, as Feishu's retries are.
        const res = await post(url, wireRequest(s, payload, this.state.now()))
        record.httpStatus = res.status
        record.outcome = res.status === 200 ? 'delivered' : 'failed'
      }
    })()
    this.inFlight.add(p)
    void p.finally(() => this.inFlight.delete(p))
  }
}
