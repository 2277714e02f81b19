/**
 * A write job's approval in Feishu (审批, Approval v4): what the job page and job list show, and
 * the pure rules of the four-eyes check. Shared by the server and the app.
 */

/**
 * pending: waiting for the approver · approved: the job runs · rejected / canceled / deleted: the
 * job ended unwritten · self_approved: Feishu named the preparer as an approver, so the app refused
 * · drift: Feishu's records changed after the approval; a new approval was asked for.
 */
export type ApprovalState = 'pending' | 'approved' | 'rejected' | 'canceled' | 'deleted' | 'self_approved'

/** `name` / `en_name`: as Feishu's contacts (or the person's own sign-in) give them; null when unknown. */
export interface ApprovalPerson { user_id: string; open_id: string; name: string | null; en_name?: string | null }

/** One record that moved in Feishu between the approved diff and the start of the write. */
export interface DriftItem {
  key: string
  field: string
  /** As in the approved diff (null: no record / no value). */
  approved: string | null
  now: string | null
}

export interface JobApproval {
  state: ApprovalState
  instance_code: string
  submitted_at: number
  /** Who Feishu asks to approve (from the instance's task list; empty until Feishu says). */
  approvers: ApprovalPerson[]
  /** Who decided, when decided. */
  decided_by: ApprovalPerson | null
  decided_at: number | null
  comment: string | null
  /** Set when an earlier approval went stale: what moved in Feishu, and when it was noticed. */
  drift: { items: DriftItem[]; total: number; noticed_at: number } | null
  /**
   * Approved, but the preparer's Feishu sign-in has ended (their token is refused): the job runs with
   * their token once they sign in again. Their name as they signed in, for the approver's page.
   */
  signin_needed?: { name: string | null; en_name: string | null; since: number } | null
}

/** Feishu's instance statuses that end a job without writing anything. */
export const ENDING_STATUSES = { REJECTED: 'rejected', CANCELED: 'canceled', DELETED: 'deleted' } as const satisfies Record<string, ApprovalState>

/**
 * Four eyes: the preparer may not approve their own change. Any task or approval entry of the
 * preparer's counts — even on an "or" node where someone else approved, Feishu still named them, and
 * the safer reading is to refuse (issue 15).
 */
export function preparerIsApprover(preparer: { user_id: string | null; open_id: string }, approvers: ReadonlyArray<{ user_id?: string; open_id?: string }>): boolean {
  return approvers.some((a) => (a.open_id !== undefined && a.open_id !== '' && a.open_id === preparer.open_id) || (preparer.user_id !== null && a.user_id !== undefined && a.user_id !== '' && a.user_id === preparer.user_id))
}

/** What the approver reads in the Feishu form: the target, counts and totals of the frozen diff. */
export interface ApprovalSummary {
  /** The datasource and period (or the target's own words), as people read them. */
  target: string
  counts: { new: number; changed: number; unchanged: number }
  /** Per money or number field the job writes: the sum before → after over the job's records. */
  totals: Array<{ field: string; title: { 'zh-CN': string; 'en-US': string }; before: string; after: string }>
}

/**
 * Sums decimal strings exactly (no binary floating point: a payroll total must match to the cent).
 * Values that are not plain decimals are skipped.
 */
export function sumDecimals(values: ReadonlyArray<string | null | undefined>): string {
  const nums = values.filter((v): v is string => typeof v === 'string' && /^-?\d+(\.\d+)?$/.test(v.trim())).map((v) => v.trim())
  const scale = Math.max(0, ...nums.map((v) => (v.split('.')[1] ?? '').length))
  let total = 0n
  for (const v of nums) {
    const neg = v.startsWith('-')
    const [int, frac = ''] = (neg ? v.slice(1) : v).split('.')
    const n = BigInt(int! + frac.padEnd(scale, '0'))
    total += neg ? -n : n
  }
  const neg = total < 0n
  const digits = (neg ? -total : total).toString().padStart(scale + 1, '0')
  const text = scale ? `${digits.slice(0, -scale)}.${digits.slice(-scale)}` : digits
  return neg ? `-${text}` : text
}
