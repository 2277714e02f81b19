import type { Kysely, Selectable } from 'kysely'
import type { Database, SessionsTable } from './schema'

export type SessionRow = Selectable<SessionsTable>

/** Storage of server-side sessions. Rows hold only encrypted tokens; see auth/crypto.ts. */
export interface SessionsRepo {
  insert(row: SessionRow): Promise<void>
  get(idHash: string): Promise<SessionRow | undefined>
  /** Replaces the token columns only if nobody else changed them since `expectedVersion`. */
  updateTokens(idHash: string, expectedVersion: number, tokens: Pick<SessionRow, 'access_token_enc' | 'access_expires_at' | 'refresh_token_enc' | 'refresh_expires_at' | 'refresh_disabled' | 'scope'>): Promise<boolean>
  touch(idHash: string, lastSeenAt: number, expiresAt: number): Promise<void>
  delete(idHash: string): Promise<void>
  deleteExpired(now: number): Promise<number>
}

export function sessionsRepo(db: Kysely<Database>): SessionsRepo {
  return {
    async insert(row) {
      await db.insertInto('sessions').values(row).execute()
    },
    async get(idHash) {
      const row = await db.selectFrom('sessions').selectAll().where('id_hash', '=', idHash).executeTakeFirst()
      return row ? normalise(row) : undefined
    },
    async updateTokens(idHash, expectedVersion, tokens) {
      const res = await db
        .updateTable('sessions')
        .set({ ...tokens, token_version: expectedVersion + 1 })
        .where('id_hash', '=', idHash)
        .where('token_version', '=', expectedVersion)
        .executeTakeFirst()
      return Number(res.numUpdatedRows) === 1
    },
    async touch(idHash, lastSeenAt, expiresAt) {
      await db.updateTable('sessions').set({ last_seen_at: lastSeenAt, expires_at: expiresAt }).where('id_hash', '=', idHash).execute()
    },
    async delete(idHash) {
      await db.deleteFrom('sessions').where('id_hash', '=', idHash).execute()
    },
    async deleteExpired(now) {
      const res = await db.deleteFrom('sessions').where('expires_at', '<', now).executeTakeFirst()
      return Number(res.numDeletedRows)
    },
  }
}

// bigint columns come back as numbers from SQLite and as strings from PostgreSQL.
function normalise(row: SessionRow): SessionRow {
  return {
    ...row,
    access_expires_at: Number(row.access_expires_at),
    refresh_expires_at: row.refresh_expires_at == null ? null : Number(row.refresh_expires_at),
    created_at: Number(row.created_at),
    last_seen_at: Number(row.last_seen_at),
    expires_at: Number(row.expires_at),
    refresh_disabled: Number(row.refresh_disabled),
    token_version: Number(row.token_version),
  }
}
