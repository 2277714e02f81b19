import type { Kysely, Selectable } from 'kysely'
import type { ApprovalInstancesTable, Database } from './schema'

export type ApprovalInstanceRow = Selectable<ApprovalInstancesTable>

/** The only code that reads and writes the approval tables (migration 004). */
export interface ApprovalsRepo {
  insert(row: ApprovalInstanceRow): Promise<void>
  byInstance(instanceCode: string): Promise<ApprovalInstanceRow | undefined>
  latestForJob(jobId: string): Promise<ApprovalInstanceRow | undefined>
  /** Instances still waiting for a decision, oldest first. */
  pending(limit: number): Promise<ApprovalInstanceRow[]>
  /** Records the decision once (from `from`, 'pending' unless told): false when another caller already did. */
  decide(instanceCode: string, state: string, now: number, from?: string): Promise<boolean>
  /** True the first time an event id is seen (Feishu may deliver an event more than once). */
  firstSighting(eventId: string, now: number): Promise<boolean>
  /** The name a person signed in with, when they ever signed in to the app (to show who approved). */
  nameOf(tenantKey: string, openId: string): Promise<{ name: string; en_name: string | null } | undefined>
}

export function approvalsRepo(db: Kysely<Database>): ApprovalsRepo {
  return {
    async insert(row) {
      await db.insertInto('approval_instances').values(row).execute()
    },
    async byInstance(instanceCode) {
      return db.selectFrom('approval_instances').selectAll().where('instance_code', '=', instanceCode).executeTakeFirst()
    },
    async latestForJob(jobId) {
      return db.selectFrom('approval_instances').selectAll().where('job_id', '=', jobId).orderBy('created_at', 'desc').limit(1).executeTakeFirst()
    },
    async pending(limit) {
      return db.selectFrom('approval_instances').selectAll().where('state', '=', 'pending').orderBy('created_at').limit(limit).execute()
    },
    async decide(instanceCode, state, now, from = 'pending') {
      const res = await db.updateTable('approval_instances').set({ state, decided_at: now }).where('instance_code', '=', instanceCode).where('state', '=', from).executeTakeFirst()
      return Number(res.numUpdatedRows) === 1
    },
    async firstSighting(eventId, now) {
      const res = await db.insertInto('approval_events').values({ event_id: eventId, received_at: now }).onConflict((oc) => oc.column('event_id').doNothing()).executeTakeFirst()
      return Number(res.numInsertedOrUpdatedRows ?? 0n) === 1
    },
    async nameOf(tenantKey, openId) {
      return db.selectFrom('sessions').select(['name', 'en_name']).where('tenant_key', '=', tenantKey).where('open_id', '=', openId).orderBy('last_seen_at', 'desc').limit(1).executeTakeFirst()
    },
  }
}
