import type { Selectable } from 'kysely'
import type { ColumnType, Kysely } from 'kysely'
import type { Database } from '../store/schema'

type Millis = ColumnType<number, number, number>

/** Tables of migration 006 (server/store/migrations/006-notifications.ts). */
export interface NotificationsTable {
  id: string
  tenant_key: string
  open_id: string
  job_id: string
  event: string
  kind: string
  state: NotificationState
  attempts: number
  next_attempt_at: Millis
  lease_until: Millis | null
  last_error: string | null
  message_id: string | null
  created_at: Millis
  sent_at: Millis | null
}
export interface NotifySettingsTable { tenant_key: string; open_id: string; enabled: number; updated_at: Millis }
// A type alias (not an interface) so it satisfies Kysely's table-record constraint.
export type NotifyTables = { notifications: NotificationsTable; notify_settings: NotifySettingsTable }

export type NotificationState = 'pending' | 'sending' | 'sent' | 'skipped' | 'given_up'

export interface NotificationRow {
  id: string
  tenantKey: string
  openId: string
  jobId: string
  event: string
  kind: string
  state: NotificationState
  attempts: number
  nextAttemptAt: number
  lastError: string | null
  messageId: string | null
  sentAt: number | null
}

export interface Person { tenantKey: string; openId: string }

export interface NotifyRepo {
  /** Records an event once: false when this (job, event) was recorded before (by any process). */
  add(n: { id: string; tenantKey: string; openId: string; jobId: string; event: string; kind: string }, now: number): Promise<boolean>
  /** Takes due notifications for sending until `leaseUntil`; a crashed sender's lease runs out and they are due again. */
  claimDue(now: number, leaseUntil: number, limit: number): Promise<NotificationRow[]>
  sent(id: string, messageId: string, now: number): Promise<void>
  retryAt(id: string, attempts: number, at: number, error: string): Promise<void>
  end(id: string, state: 'skipped' | 'given_up', attempts: number, error: string | null): Promise<void>
  /** When the next one is due (for the timer), or null. */
  nextDue(): Promise<number | null>
  ofJob(jobId: string): Promise<NotificationRow[]>
  enabled(p: Person): Promise<boolean>
  setEnabled(p: Person, enabled: boolean, now: number): Promise<void>
}

const rowOf = (r: Selectable<NotificationsTable>): NotificationRow => ({
  id: r.id, tenantKey: r.tenant_key, openId: r.open_id, jobId: r.job_id, event: r.event, kind: r.kind, state: r.state,
  attempts: Number(r.attempts), nextAttemptAt: Number(r.next_attempt_at), lastError: r.last_error, messageId: r.message_id,
  sentAt: r.sent_at === null ? null : Number(r.sent_at),
})

export function notifyRepo(base: Kysely<Database>): NotifyRepo {
  const db = base.withTables<NotifyTables>()
  return {
    async add(n, now) {
      const res = await db.insertInto('notifications')
        .values({ id: n.id, tenant_key: n.tenantKey, open_id: n.openId, job_id: n.jobId, event: n.event, kind: n.kind, state: 'pending', attempts: 0, next_attempt_at: now, lease_until: null, last_error: null, message_id: null, created_at: now, sent_at: null })
        .onConflict((oc) => oc.columns(['job_id', 'event']).doNothing())
        .executeTakeFirst()
      return Number(res.numInsertedOrUpdatedRows ?? 0) > 0
    },
    async claimDue(now, leaseUntil, limit) {
      const candidates = await db.selectFrom('notifications').selectAll()
        .where((eb) => eb.or([
          eb.and([eb('state', '=', 'pending'), eb('next_attempt_at', '<=', now)]),
          eb.and([eb('state', '=', 'sending'), eb('lease_until', '<', now)]),
        ]))
        .orderBy('next_attempt_at').limit(limit).execute()
      const mine: NotificationRow[] = []
      for (const c of candidates) {
        // Conditional update: of several processes, exactly one takes it.
        const res = await db.updateTable('notifications').set({ state: 'sending', lease_until: leaseUntil })
          .where('id', '=', c.id).where('state', '=', c.state)
          .where((eb) => (c.lease_until === null ? eb('lease_until', 'is', null) : eb('lease_until', '=', Number(c.lease_until))))
          .executeTakeFirst()
        if (Number(res.numUpdatedRows) > 0) mine.push(rowOf({ ...c, state: 'sending' }))
      }
      return mine
    },
    async sent(id, messageId, now) {
      await db.updateTable('notifications').set((eb) => ({ state: 'sent', message_id: messageId, sent_at: now, lease_until: null, last_error: null, attempts: eb('attempts', '+', 1) })).where('id', '=', id).execute()
    },
    async retryAt(id, attempts, at, error) {
      await db.updateTable('notifications').set({ state: 'pending', attempts, next_attempt_at: at, lease_until: null, last_error: error }).where('id', '=', id).execute()
    },
    async end(id, state, attempts, error) {
      await db.updateTable('notifications').set({ state, attempts, lease_until: null, last_error: error }).where('id', '=', id).execute()
    },
    async nextDue() {
      const r = await db.selectFrom('notifications').select((eb) => eb.fn.min('next_attempt_at').as('at')).where('state', '=', 'pending').executeTakeFirst()
      const s = await db.selectFrom('notifications').select((eb) => eb.fn.min('lease_until').as('at')).where('state', '=', 'sending').executeTakeFirst()
      const all = [r?.at, s?.at].filter((v) => v !== null && v !== undefined).map(Number)
      return all.length ? Math.min(...all) : null
    },
    async ofJob(jobId) {
      return (await db.selectFrom('notifications').selectAll().where('job_id', '=', jobId).orderBy('created_at').execute()).map(rowOf)
    },
    async enabled(p) {
      const r = await db.selectFrom('notify_settings').select('enabled').where('tenant_key', '=', p.tenantKey).where('open_id', '=', p.openId).executeTakeFirst()
      // On unless the person turned messages off.
      return r ? Number(r.enabled) === 1 : true
    },
    async setEnabled(p, enabled, now) {
      const v = enabled ? 1 : 0
      await db.insertInto('notify_settings').values({ tenant_key: p.tenantKey, open_id: p.openId, enabled: v, updated_at: now })
        .onConflict((oc) => oc.columns(['tenant_key', 'open_id']).doUpdateSet({ enabled: v, updated_at: now }))
        .execute()
    },
  }
}
