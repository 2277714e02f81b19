import type { Kysely, Selectable } from 'kysely'
import type { Database, SessionsTable, UserGrantsTable } from './schema'

export type SessionRow = Selectable<SessionsTable>
export type GrantRow = Selectable<UserGrantsTable>
export type GrantTokens = Pick<GrantRow, 'access_token_enc' | 'access_expires_at' | 'refresh_token_enc' | 'refresh_expires_at' | 'refresh_disabled' | 'scope'>
export interface Owner { tenantKey: string; openId: string }

/** Storage of sessions and of each person's Feishu grant. Grants hold only encrypted tokens. */
export interface SessionsRepo {
  insertSession(row: SessionRow): Promise<void>
  getSession(idHash: string): Promise<SessionRow | undefined>
  touchSession(idHash: string, lastSeenAt: number, expiresAt: number): Promise<void>
  deleteSession(idHash: string): Promise<void>
  deleteExpiredSessions(now: number): Promise<number>
  /** Replaces the person's grant (a fresh sign-in); returns the new version. */
  putGrant(row: Omit<GrantRow, 'token_version'>): Promise<void>
  getGrant(owner: Owner): Promise<GrantRow | undefined>
  /** Writes new tokens only if nobody changed them since `expectedVersion`. */
  updateGrantTokens(owner: Owner, expectedVersion: number, tokens: GrantTokens & { updated_at: number }): Promise<boolean>
}

export function sessionsRepo(db: Kysely<Database>): SessionsRepo {
  return {
    async insertSession(row) {
      await db.insertInto('sessions').values(row).execute()
    },
    async getSession(idHash) {
      const row = await db.selectFrom('sessions').selectAll().where('id_hash', '=', idHash).executeTakeFirst()
      return row && { ...row, created_at: Number(row.created_at), last_seen_at: Number(row.last_seen_at), expires_at: Number(row.expires_at) }
    },
    async touchSession(idHash, lastSeenAt, expiresAt) {
      await db.updateTable('sessions').set({ last_seen_at: lastSeenAt, expires_at: expiresAt }).where('id_hash', '=', idHash).execute()
    },
    async deleteSession(idHash) {
      await db.deleteFrom('sessions').where('id_hash', '=', idHash).execute()
    },
    async deleteExpiredSessions(now) {
      const res = await db.deleteFrom('sessions').where('expires_at', '<', now).executeTakeFirst()
      return Number(res.numDeletedRows)
    },
    async putGrant(row) {
      const { tenant_key: _t, open_id: _o, ...rest } = row
      await db
        .insertInto('user_grants')
        .values({ ...row, token_version: 0 })
        .onConflict((oc) => oc.columns(['tenant_key', 'open_id']).doUpdateSet((eb) => ({ ...rest, token_version: eb('user_grants.token_version', '+', 1) })))
        .execute()
    },
    async getGrant(owner) {
      const row = await db.selectFrom('user_grants').selectAll().where('tenant_key', '=', owner.tenantKey).where('open_id', '=', owner.openId).executeTakeFirst()
      return row && {
        ...row,
        access_expires_at: Number(row.access_expires_at),
        refresh_expires_at: row.refresh_expires_at == null ? null : Number(row.refresh_expires_at),
        refresh_disabled: Number(row.refresh_disabled),
        token_version: Number(row.token_version),
        updated_at: Number(row.updated_at),
      }
    },
    async updateGrantTokens(owner, expectedVersion, tokens) {
      const res = await db
        .updateTable('user_grants')
        .set({ ...tokens, token_version: expectedVersion + 1 })
        .where('tenant_key', '=', owner.tenantKey)
        .where('open_id', '=', owner.openId)
        .where('token_version', '=', expectedVersion)
        .executeTakeFirst()
      return Number(res.numUpdatedRows) === 1
    },
  }
}
