// What the job pages show, decided without mounting: which buttons work, the bar, row explanations.
import { feishuErrorText, isKnownFeishuError } from '../../domain/feishu-errors'
import type { JobCounts, JobRowResult, JobStatus, JobSummary, JobTarget, RowStatus } from '../../domain/jobs'
import { targetParams } from '../../domain/write-targets'
import type { AppLocale } from '../../i18n'

export interface JobActionsView {
  pause: boolean
  resume: boolean
  cancel: boolean
}

/** Pause while it runs or waits; resume when paused; cancel until it is final. */
export function jobActions(status: JobStatus): JobActionsView {
  return {
    pause: status === 'queued' || status === 'running',
    resume: status === 'paused',
    cancel: status === 'draft' || status === 'submitting' || status === 'awaiting_approval' || status === 'queued' || status === 'running' || status === 'paused' || status === 'needs_signin',
  }
}

/** Arco tag colours. */
export function statusColor(status: JobStatus): string {
  switch (status) {
    case 'succeeded':
      return 'green'
    case 'finished_with_errors':
      return 'orangered'
    case 'failed':
      return 'red'
    case 'draft':
    case 'running':
    case 'queued':
      return 'arcoblue'
    case 'paused':
    case 'needs_signin':
      return 'orange'
    case 'submitting':
    case 'awaiting_approval':
      return 'purple'
    case 'cancelled':
      return 'gray'
  }
}

export function rowStatusColor(status: RowStatus): string {
  switch (status) {
    case 'succeeded':
      return 'green'
    case 'partial':
      return 'orange'
    case 'failed':
      return 'red'
    case 'pending':
      return 'arcoblue'
    case 'cancelled':
      return 'gray'
  }
}

/** Rows that are done (anything but pending), as a whole percentage. */
export function donePercent(counts: JobCounts): number {
  if (counts.total <= 0) return 0
  return Math.floor(((counts.total - counts.pending) / counts.total) * 100)
}

export interface BarSegment {
  status: Exclude<RowStatus, 'pending'>
  /** Percentage of the whole bar. */
  width: number
}

export function barSegments(counts: JobCounts): BarSegment[] {
  if (counts.total <= 0) return []
  const statuses = ['succeeded', 'partial', 'failed', 'cancelled'] as const
  return statuses
    .filter((status) => counts[status] > 0)
    .map((status) => ({ status, width: (counts[status] / counts.total) * 100 }))
}

export interface MessageView {
  key: string
  params?: Record<string, string | number>
}

/** "3 min 20 s"-style time left, as an i18n key and its parameters. */
export function durationMessage(seconds: number): MessageView {
  const total = Math.max(0, Math.round(seconds))
  if (total < 60) return { key: 'jobs.duration.seconds', params: { s: total } }
  if (total < 3600) return { key: 'jobs.duration.minutes', params: { m: Math.floor(total / 60), s: total % 60 } }
  return { key: 'jobs.duration.hours', params: { h: Math.floor(total / 3600), m: Math.floor((total % 3600) / 60) } }
}

export function formatRate(value: number, locale: AppLocale): string {
  return new Intl.NumberFormat(locale, { maximumFractionDigits: 1, minimumFractionDigits: value > 0 && value < 10 ? 1 : 0 }).format(value)
}

export function formatTime(ms: number, locale: AppLocale): string {
  return new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(ms))
}

export function targetMessage(target: JobTarget): MessageView {
  return { key: `jobs.target.${target.type}`, params: targetParams(target) }
}

export interface Explanation {
  message: string
  hint: string
  /** Feishu's own words, when the plain message above replaced them. */
  detail: string | null
  /** The code to quote to support, if any. */
  code: string | null
}

/** A Feishu code in plain words (with Feishu's own message kept), or the server's message as is. */
export function explain(code: number | string | null, message: string | null, locale: AppLocale): Explanation | null {
  // 0 is Feishu's "success": a written row has nothing to explain.
  if (code !== null && code !== '' && code !== 0 && code !== '0') {
    const text = feishuErrorText(code, locale, message ?? undefined)
    const known = isKnownFeishuError(code)
    return { ...text, detail: known && message && message !== text.message ? message : null, code: String(code) }
  }
  // Server-side outcomes named by a catalogue key rather than a Feishu code.
  if (message && isKnownFeishuError(message)) return { ...feishuErrorText(message, locale), detail: null, code: null }
  if (message) return { message, hint: '', detail: null, code: null }
  return null
}

export interface FieldErrorView extends Explanation {
  field: string
}

export interface RowView {
  row: number
  status: RowStatus
  explanation: Explanation | null
  fieldErrors: FieldErrorView[]
}

export function describeRow(row: JobRowResult, locale: AppLocale): RowView {
  return {
    row: row.row,
    status: row.status,
    explanation: explain(row.feishu_code, row.message, locale),
    fieldErrors: row.field_errors.map((fe) => {
      const known = isKnownFeishuError(fe.code)
      const text = known ? feishuErrorText(fe.code, locale, fe.message) : { message: fe.message || fe.code, hint: '' }
      return { field: fe.field, ...text, detail: known && fe.message && fe.message !== text.message ? fe.message : null, code: fe.code }
    }),
  }
}

const FAILURE_RANK: Record<RowStatus, number> = { failed: 0, partial: 1, pending: 2, cancelled: 3, succeeded: 4 }

/** For the phone cards: what needs attention first, otherwise in row order. */
export function failuresFirst<T extends { status: RowStatus; row: number }>(rows: readonly T[]): T[] {
  return [...rows].sort((a, b) => FAILURE_RANK[a.status] - FAILURE_RANK[b.status] || a.row - b.row)
}

/** Rows done out of all, for a job in the history list. */
export function historyCounts(job: Pick<JobSummary, 'counts'>): { done: number; total: number; failed: number } {
  const { counts } = job
  return { done: counts.total - counts.pending, total: counts.total, failed: counts.failed }
}
