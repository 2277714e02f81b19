import type { Clock } from '../clock'
import { AppError, reauthRequired, sessionRequired } from '../errors'
import type { FeishuClient, FeishuUserInfo, UserTokenGrant } from '../feishu/client'
import { FeishuError } from '../feishu/http'
import type { Logger } from '../logger'
import type { SessionRow, SessionsRepo } from '../store/sessions-repo'
import { hashSessionId, newSessionId, type TokenCipher } from './crypto'

/** Sessions last 30 days from the last visit; Feishu's own refresh limit (365 days) is enforced by Feishu. */
export const SESSION_IDLE_MS = 30 * 24 * 3600 * 1000
/** Refresh a user token when less than this remains, so a request never starts with a dying token. */
export const REFRESH_AHEAD_MS = 5 * 60 * 1000

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
  create(grant: UserTokenGrant, info: FeishuUserInfo, kind: 'v2' | 'v1'): Promise<{ sid: string; session: Session }>
  resolve(sid: string | undefined): Promise<Session>
  destroy(sid: string): Promise<void>
  /** The person's current user_access_token, refreshed first when it is about to end. */
  userToken(session: Session): Promise<string>
}

export function sessionService(deps: { repo: SessionsRepo; cipher: TokenCipher; feishu: FeishuClient; clock: Clock; logger: Logger }): SessionService {
  const { repo, cipher, feishu, clock, logger } = deps
  // Single-flight per session: Feishu refresh tokens are single use (reference §2.1), so two
  // concurrent requests must share one refresh instead of spending the token twice.
  const refreshing = new Map<string, Promise<string>>()

  const toSession = (row: SessionRow): Session => ({
    idHash: row.id_hash,
    user: { tenantKey: row.tenant_key, openId: row.open_id, userId: row.user_id, unionId: row.union_id, name: row.name, enName: row.en_name, avatarUrl: row.avatar_url },
  })

  async function refresh(row: SessionRow): Promise<string> {
    const now = clock.now()
    const access = cipher.open(row.access_token_enc, row.id_hash)
    const accessAlive = row.access_expires_at > now
    const canRefresh = row.refresh_token_enc && !row.refresh_disabled && (row.refresh_expires_at ?? 0) > now
    if (!canRefresh) {
      if (accessAlive) return access
      throw reauthRequired()
    }
    let grant: UserTokenGrant
    try {
      const refreshToken = cipher.open(row.refresh_token_enc!, row.id_hash)
      grant = row.token_kind === 'v1' ? await feishu.refreshLegacyToken(refreshToken) : await feishu.refreshUserToken(refreshToken)
    } catch (e) {
      if (e instanceof FeishuError && e.failure.kind === 'refresh_not_allowed') {
        // 20074: this app may not refresh. Keep using the token until it ends, then ask for sign-in.
        await repo.updateTokens(row.id_hash, row.token_version, { ...tokenColumns(row), refresh_disabled: 1 })
        if (accessAlive) return access
        throw reauthRequired()
      }
      if (e instanceof FeishuError && (e.failure.kind === 'reauth_needed' || e.failure.kind === 'token_invalid')) {
        logger.warn('refresh refused; sign-in needed', { code: e.code, logId: e.logId })
        await repo.updateTokens(row.id_hash, row.token_version, { ...tokenColumns(row), refresh_token_enc: null, refresh_expires_at: null })
        if (accessAlive) return access
        throw reauthRequired()
      }
      // Transient (network, 5xx): the still-valid token is good enough for this request.
      if (accessAlive) return access
      throw new AppError(503, 'feishu_unavailable', 'Feishu could not be reached to renew your sign-in. Try again shortly.')
    }
    const next = {
      access_token_enc: cipher.seal(grant.access_token, row.id_hash),
      access_expires_at: now + grant.expires_in * 1000,
      // A rotated refresh token replaces the old one, which Feishu has already invalidated.
      refresh_token_enc: grant.refresh_token ? cipher.seal(grant.refresh_token, row.id_hash) : null,
      refresh_expires_at: grant.refresh_token ? now + (grant.refresh_token_expires_in ?? 0) * 1000 : null,
      refresh_disabled: 0,
      scope: grant.scope ?? row.scope,
    }
    if (!(await repo.updateTokens(row.id_hash, row.token_version, next))) {
      logger.warn('session tokens changed during a refresh; keeping the newer ones', { session: row.id_hash.slice(0, 8) })
    }
    return grant.access_token
  }

  return {
    async create(grant, info, kind) {
      const sid = newSessionId()
      const idHash = hashSessionId(sid)
      const now = clock.now()
      const row: SessionRow = {
        id_hash: idHash,
        tenant_key: info.tenant_key,
        open_id: info.open_id,
        user_id: info.user_id ?? null,
        union_id: info.union_id ?? null,
        name: info.name,
        en_name: info.en_name ?? null,
        avatar_url: info.avatar_url ?? info.avatar_thumb ?? null,
        scope: grant.scope ?? '',
        token_kind: kind,
        access_token_enc: cipher.seal(grant.access_token, idHash),
        access_expires_at: now + grant.expires_in * 1000,
        refresh_token_enc: grant.refresh_token ? cipher.seal(grant.refresh_token, idHash) : null,
        refresh_expires_at: grant.refresh_token ? now + (grant.refresh_token_expires_in ?? 0) * 1000 : null,
        refresh_disabled: 0,
        token_version: 0,
        created_at: now,
        last_seen_at: now,
        expires_at: now + SESSION_IDLE_MS,
      }
      await repo.insert(row)
      return { sid, session: toSession(row) }
    },

    async resolve(sid) {
      if (!sid || sid.length > 128) throw sessionRequired()
      const idHash = hashSessionId(sid)
      const row = await repo.get(idHash)
      const now = clock.now()
      if (!row) throw sessionRequired()
      if (row.expires_at <= now) {
        await repo.delete(idHash)
        throw sessionRequired()
      }
      // Sliding expiry, written at most once an hour to keep reads cheap.
      if (now - row.last_seen_at > 3600_000) await repo.touch(idHash, now, now + SESSION_IDLE_MS)
      return toSession(row)
    },

    async destroy(sid) {
      await repo.delete(hashSessionId(sid))
    },

    async userToken(session) {
      const row = await repo.get(session.idHash)
      if (!row) throw sessionRequired()
      if (row.access_expires_at - clock.now() > REFRESH_AHEAD_MS) return cipher.open(row.access_token_enc, row.id_hash)
      let inFlight = refreshing.get(row.id_hash)
      if (!inFlight) {
        inFlight = refresh(row).finally(() => refreshing.delete(row.id_hash))
        refreshing.set(row.id_hash, inFlight)
      }
      return inFlight
    },
  }
}

function tokenColumns(row: SessionRow) {
  return {
    access_token_enc: row.access_token_enc,
    access_expires_at: row.access_expires_at,
    refresh_token_enc: row.refresh_token_enc,
    refresh_expires_at: row.refresh_expires_at,
    refresh_disabled: row.refresh_disabled,
    scope: row.scope,
  }
}
