import type { Clock } from '../clock'
import { sessionRequired } from '../errors'
import type { FeishuUserInfo } from '../feishu/client'
import type { SessionRow, SessionsRepo } from '../store/sessions-repo'
import { hashSessionId, newSessionId } from './crypto'

/** Sessions last 30 days from the last visit; Feishu's own limits on the grant still apply. */
export const SESSION_IDLE_MS = 30 * 24 * 3600 * 1000

/** What the rest of the server may know about the signed-in person. Never a token. */
export interface SessionUser {
  tenantKey: string
  openId: string
  userId: string | null
  unionId: string | null
  name: string
  enName: string | null
  avatarUrl: string | null
}

export interface Session { idHash: string; user: SessionUser }

export interface SessionService {
  create(info: FeishuUserInfo): Promise<{ sid: string; session: Session }>
  resolve(sid: string | undefined): Promise<Session>
  destroy(sid: string): Promise<void>
}

export function sessionService(deps: { repo: SessionsRepo; clock: Clock }): SessionService {
  const { repo, clock } = deps
  const toSession = (row: SessionRow): Session => ({
    idHash: row.id_hash,
    user: { tenantKey: row.tenant_key, openId: row.open_id, userId: row.user_id, unionId: row.union_id, name: row.name, enName: row.en_name, avatarUrl: row.avatar_url },
  })

  return {
    async create(info) {
      const sid = newSessionId()
      const now = clock.now()
      const row: SessionRow = {
        id_hash: hashSessionId(sid),
        tenant_key: info.tenant_key,
        open_id: info.open_id,
        user_id: info.user_id ?? null,
        union_id: info.union_id ?? null,
        name: info.name,
        en_name: info.en_name ?? null,
        avatar_url: info.avatar_url ?? info.avatar_thumb ?? null,
        created_at: now,
        last_seen_at: now,
        expires_at: now + SESSION_IDLE_MS,
      }
      await repo.insertSession(row)
      return { sid, session: toSession(row) }
    },

    async resolve(sid) {
      if (!sid || sid.length > 128) throw sessionRequired()
      const idHash = hashSessionId(sid)
      const row = await repo.getSession(idHash)
      const now = clock.now()
      if (!row) throw sessionRequired()
      if (row.expires_at <= now) {
        await repo.deleteSession(idHash)
        throw sessionRequired()
      }
      // Sliding expiry, written at most once an hour to keep reads cheap.
      if (now - row.last_seen_at > 3600_000) await repo.touchSession(idHash, now, now + SESSION_IDLE_MS)
      return toSession(row)
    },

    async destroy(sid) {
      await repo.deleteSession(hashSessionId(sid))
    },
  }
}

export const ownerOf = (s: Session) => ({ tenantKey: s.user.tenantKey, openId: s.user.openId })
