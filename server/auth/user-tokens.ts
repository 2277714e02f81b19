import type { Clock } from '../clock'
import { AppError, reauthRequired } from '../errors'
import type { FeishuClient, UserTokenGrant } from '../feishu/client'
import { FeishuError } from '../feishu/http'
import type { Logger } from '../logger'
import type { GrantRow, Owner, SessionsRepo } from '../store/sessions-repo'
import type { TokenCipher } from './crypto'
import type { KeyedSerialiser } from '../jobs/pacer'

/** Refresh a user token when less than this remains, so a call never starts with a dying token. */
export const REFRESH_AHEAD_MS = 5 * 60 * 1000

/**
 * Each person's Feishu user token, kept server-side (encrypted) per tenant + open_id, so that their
 * sessions on several devices and their background jobs share one refresh chain.
 */
export interface UserTokens {
  /** Stores a fresh grant from a sign-in. */
  save(owner: Owner, userId: string | null, grant: UserTokenGrant, kind: 'v2' | 'v1'): Promise<void>
  /** The person's current user_access_token, refreshed first when about to end; 401 reauth_required when gone. */
  get(owner: Owner): Promise<string>
  /** Feishu refused the token mid-way (99991677 / 99991668): the next get() refreshes it. */
  expire(owner: Owner): Promise<void>
}

const contextOf = (o: Owner) => `${o.tenantKey}/${o.openId}`

/**
 * `lock` makes the refresh single-flight across processes too (scale-out: a Redis lock); whoever
 * gets it re-reads the grant first, since another process may have refreshed it meanwhile.
 */
export function userTokens(deps: { repo: SessionsRepo; cipher: TokenCipher; feishu: FeishuClient; clock: Clock; logger: Logger; lock?: KeyedSerialiser }): UserTokens {
  const { repo, cipher, feishu, clock, logger } = deps
  // Single-flight per person: Feishu refresh tokens are single use (reference §2.1), so concurrent
  // callers (requests, jobs) share one refresh instead of spending the token twice.
  const refreshing = new Map<string, Promise<string>>()

  async function refresh(owner: Owner, row: GrantRow): Promise<string> {
    const ctx = contextOf(owner)
    const now = clock.now()
    const access = cipher.open(row.access_token_enc, ctx)
    const accessAlive = row.access_expires_at > now
    const keep = { access_token_enc: row.access_token_enc, access_expires_at: row.access_expires_at, refresh_token_enc: row.refresh_token_enc, refresh_expires_at: row.refresh_expires_at, refresh_disabled: row.refresh_disabled, scope: row.scope, updated_at: now }
    const canRefresh = row.refresh_token_enc && !row.refresh_disabled && (row.refresh_expires_at ?? 0) > now
    if (!canRefresh) {
      if (accessAlive) return access
      throw reauthRequired()
    }
    let grant: UserTokenGrant
    try {
      const refreshToken = cipher.open(row.refresh_token_enc!, ctx)
      grant = row.token_kind === 'v1' ? await feishu.refreshLegacyToken(refreshToken) : await feishu.refreshUserToken(refreshToken)
    } catch (e) {
      if (e instanceof FeishuError && e.failure.kind === 'refresh_not_allowed') {
        // 20074: this app may not refresh. Use the token until it ends, then ask for sign-in.
        await repo.updateGrantTokens(owner, row.token_version, { ...keep, refresh_disabled: 1 })
        if (accessAlive) return access
        throw reauthRequired()
      }
      if (e instanceof FeishuError && (e.failure.kind === 'reauth_needed' || e.failure.kind === 'token_invalid')) {
        logger.warn('refresh refused; sign-in needed', { code: e.code, logId: e.logId })
        await repo.updateGrantTokens(owner, row.token_version, { ...keep, refresh_token_enc: null, refresh_expires_at: null })
        if (accessAlive) return access
        throw reauthRequired()
      }
      // Transient (network, 5xx, rate limit): a still-valid token is good enough for now.
      if (accessAlive) return access
      throw new AppError(503, 'feishu_unavailable', 'Feishu could not be reached to renew your sign-in. Try again shortly.')
    }
    const next = {
      access_token_enc: cipher.seal(grant.access_token, ctx),
      access_expires_at: now + grant.expires_in * 1000,
      // The rotated refresh token replaces the old one, which Feishu has already invalidated.
      refresh_token_enc: grant.refresh_token ? cipher.seal(grant.refresh_token, ctx) : null,
      refresh_expires_at: grant.refresh_token ? now + (grant.refresh_token_expires_in ?? 0) * 1000 : null,
      refresh_disabled: 0,
      scope: grant.scope ?? row.scope,
      updated_at: now,
    }
    if (!(await repo.updateGrantTokens(owner, row.token_version, next))) {
      // A sign-in stored a newer grant meanwhile; this refresh result is still valid to use once.
      logger.warn('grant changed during a refresh; keeping the newer one', { tenant: owner.tenantKey })
    }
    return grant.access_token
  }

  return {
    async save(owner, userId, grant, kind) {
      const ctx = contextOf(owner)
      const now = clock.now()
      await repo.putGrant({
        tenant_key: owner.tenantKey,
        open_id: owner.openId,
        user_id: userId,
        token_kind: kind,
        scope: grant.scope ?? '',
        access_token_enc: cipher.seal(grant.access_token, ctx),
        access_expires_at: now + grant.expires_in * 1000,
        refresh_token_enc: grant.refresh_token ? cipher.seal(grant.refresh_token, ctx) : null,
        refresh_expires_at: grant.refresh_token ? now + (grant.refresh_token_expires_in ?? 0) * 1000 : null,
        refresh_disabled: 0,
        updated_at: now,
      })
    },

    async expire(owner) {
      const row = await repo.getGrant(owner)
      if (!row) return
      await repo.updateGrantTokens(owner, row.token_version, {
        access_token_enc: row.access_token_enc, access_expires_at: 0, refresh_token_enc: row.refresh_token_enc,
        refresh_expires_at: row.refresh_expires_at, refresh_disabled: row.refresh_disabled, scope: row.scope, updated_at: clock.now(),
      })
    },

    async get(owner) {
      const row = await repo.getGrant(owner)
      if (!row) throw reauthRequired()
      if (row.access_expires_at - clock.now() > REFRESH_AHEAD_MS) return cipher.open(row.access_token_enc, contextOf(owner))
      const key = contextOf(owner)
      let inFlight = refreshing.get(key)
      if (!inFlight) {
        const latest = async () => {
          const now = await repo.getGrant(owner)
          if (!now) throw reauthRequired()
          if (now.access_expires_at - clock.now() > REFRESH_AHEAD_MS) return cipher.open(now.access_token_enc, key)
          return refresh(owner, now)
        }
        inFlight = (deps.lock ? deps.lock.run(`grant:${key}`, latest) : refresh(owner, row)).finally(() => refreshing.delete(key))
        refreshing.set(key, inFlight)
      }
      return inFlight
    },
  }
}
