import type { JobStatus, PauseReason } from '../../src/domain/jobs'

/**
 * The job events that message their owner, one entry per kind. A new kind (e.g. the approval
 * issue's "awaiting your decision" / "decided") is one more entry here: which status change raises
 * it, whether it can happen more than once in a job's life, and its card's words — no new plumbing.
 */
export interface NotifyEventSpec {
  /** The status change that raises it (and, for a pause, why). */
  status: JobStatus
  pauseReason?: PauseReason
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
} as const satisfies Record<string, NotifyEventSpec>

export type NotifyEventKind = keyof typeof NOTIFY_EVENTS
export const NOTIFY_EVENT_KINDS = Object.keys(NOTIFY_EVENTS) as NotifyEventKind[]

/** The event a status change raises, if any. */
export function eventOf(status: string, pauseReason: string | null | undefined): NotifyEventKind | null {
  for (const kind of NOTIFY_EVENT_KINDS) {
    const spec: NotifyEventSpec = NOTIFY_EVENTS[kind]
    if (spec.status === status && (spec.pauseReason === undefined || spec.pauseReason === pauseReason)) return kind
  }
  return null
}

/** The key that makes the card unique for its job: once per job, or once per occurrence (its time). */
export function eventKey(kind: NotifyEventKind, at: number): string {
  return NOTIFY_EVENTS[kind].repeatable ? `${kind}@${at}` : kind
}
