import type { JobStatus, PauseReason } from '../../src/domain/jobs'

/**
 * The job events that message their owner, one entry per kind. A new kind (e.g. the approval
 * issue's "awaiting your decision" / "decided") is one more entry here: which status change raises
 * it, whether it can happen more than once in a job's life, and its card's words — no new plumbing.
 */
export interface NotifyEventSpec {
  /** The status change that raises it (and, for a pause, why). None: the approval service raises it by name. */
  status?: JobStatus
  pauseReason?: PauseReason
  /** An approval event (server/approval/service.ts ApprovalNotice): the card names who decided and what they said. */
  approval?: true
  /** Can happen again later in the same job (a resumed job may pause again): each occurrence is its own card. */
  repeatable: boolean
  /** Card header colour (Feishu card templates). */
  template: 'green' | 'orange' | 'red' | 'blue'
  title: { zh: string; en: string }
  lead: { zh: string; en: string }
}

export const NOTIFY_EVENTS = {
  succeeded: {
    status: 'succeeded', repeatable: false, template: 'green',
    title: { zh: '导入已完成', en: 'Your import is done' },
    lead: { zh: '所有行都已写入飞书。', en: 'Every row was written to Feishu.' },
  },
  finished_with_errors: {
    status: 'finished_with_errors', repeatable: false, template: 'orange',
    title: { zh: '导入已结束，有行未写入', en: 'Your import ended with rows not written' },
    lead: { zh: '部分行没有写入飞书，打开任务查看原因并下载结果。', en: 'Some rows were not written to Feishu. Open the job to see why and download the result.' },
  },
  failed: {
    status: 'failed', repeatable: true, template: 'red',
    title: { zh: '导入已停止：飞书拒绝了请求', en: 'Your import stopped: Feishu refused it' },
    lead: { zh: '飞书拒绝了这个任务，剩下的行没有写入。打开任务查看原因，处理后可以继续。', en: 'Feishu refused this job and the remaining rows were not written. Open the job to see why; you can continue once it is fixed.' },
  },
  needs_signin: {
    status: 'needs_signin', pauseReason: 'needs_signin', repeatable: true, template: 'orange',
    title: { zh: '导入已暂停：需要你重新登录', en: 'Your import is paused: please sign in again' },
    lead: { zh: '你的飞书授权已结束。打开任务重新登录，任务会从暂停处继续。', en: 'Your Feishu authorization has ended. Open the job and sign in again; it continues where it paused.' },
  },
  // Approval in Feishu (issue 15 / issue 17 item 3): raised by the approval service, once per job each
  // (a drift may happen again after a new approval, so each drift is its own card).
  approval_submitted: {
    approval: true, repeatable: false, template: 'blue',
    title: { zh: '已提交审批，等待审批人决定', en: 'Submitted for approval: waiting for the approver' },
    lead: { zh: '你的变更已在飞书审批中提交。审批人批准之前，不会写入任何数据。', en: 'Your change was submitted in Feishu Approval. Nothing is written until the approver approves it.' },
  },
  approval_approved: {
    approval: true, repeatable: false, template: 'green',
    title: { zh: '审批已通过', en: 'Your change was approved' },
    lead: { zh: '审批人已批准这份变更。应用会用你的飞书授权写入；如需重新登录，打开任务即可。', en: 'The approver approved this change. The app writes it with your Feishu authorization; if you are asked to sign in again, open the job.' },
  },
  approval_rejected: {
    approval: true, repeatable: false, template: 'red',
    title: { zh: '审批被拒绝，未写入', en: 'Your change was rejected: nothing was written' },
    lead: { zh: '审批人拒绝了这份变更，没有写入任何数据。', en: 'The approver rejected this change; nothing was written.' },
  },
  approval_canceled: {
    approval: true, repeatable: false, template: 'orange',
    title: { zh: '审批已撤回，未写入', en: 'The approval was withdrawn: nothing was written' },
    lead: { zh: '这份变更的审批已在飞书撤回或删除，没有写入任何数据。', en: 'The approval of this change was withdrawn or deleted in Feishu; nothing was written.' },
  },
  approval_drift: {
    approval: true, repeatable: true, template: 'orange',
    title: { zh: '飞书数据已变化，已重新提交审批', en: 'Feishu changed after approval: a new approval was asked for' },
    lead: { zh: '审批通过后，飞书中的记录被他人修改，所以没有写入。应用已按现在的数据重新提交审批，打开任务查看变化。', en: 'Records changed in Feishu after the approval, so nothing was written. The app asked for a new approval of the records as they are now; open the job to see what moved.' },
  },
  approval_self_approved: {
    approval: true, repeatable: false, template: 'red',
    title: { zh: '已拒绝：审批人是你本人', en: 'Refused: you were named as your own approver' },
    lead: { zh: '飞书把你（提交人）列为这份变更的审批人。薪酬数据需要另一个人批准，所以没有写入。', en: 'Feishu named you, the preparer, as an approver of your own change. Payroll data needs a second person, so nothing was written.' },
  },
} as const satisfies Record<string, NotifyEventSpec>

export type NotifyEventKind = keyof typeof NOTIFY_EVENTS
export const NOTIFY_EVENT_KINDS = Object.keys(NOTIFY_EVENTS) as NotifyEventKind[]

/** The event a status change raises, if any. */
export function eventOf(status: string, pauseReason: string | null | undefined): NotifyEventKind | null {
  for (const kind of NOTIFY_EVENT_KINDS) {
    const spec: NotifyEventSpec = NOTIFY_EVENTS[kind]
    if (spec.status !== undefined && spec.status === status && (spec.pauseReason === undefined || spec.pauseReason === pauseReason)) return kind
  }
  return null
}

/** The key that makes the card unique for its job: once per job, or once per occurrence (its time). */
export function eventKey(kind: NotifyEventKind, at: number): string {
  return NOTIFY_EVENTS[kind].repeatable ? `${kind}@${at}` : kind
}
