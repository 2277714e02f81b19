// Issuing user credentials, shared by the v2 OAuth endpoint (§2.4), legacy v1 OIDC (§2.5) and
// code2session (§2.7).
import type { Employee } from '../seed/employees'
import type { SandboxState } from '../state'
import type { RefreshTokenRecord, UserTokenRecord } from './token-store'

export interface IssuedTokens { access: UserTokenRecord; refresh?: RefreshTokenRecord }

/** v2: a refresh token only when offline_access is enabled for the app and granted by the user. */
export function issueV2(state: SandboxState, appId: string, userId: string, scopes: readonly string[]): IssuedTokens {
  const now = state.now()
  const ttl = state.knobs.tokenTtl
  const access = state.tokens.issueUserToken({ appId, userId, scopes, expiresAt: now + ttl.accessSec * 1000, version: 'v2' })
  if (!scopes.includes('offline_access') || !state.knobs.appScopes.includes('offline_access')) return { access }
  const refresh = state.tokens.issueRefreshToken({ appId, userId, scopes, expiresAt: now + ttl.refreshSec * 1000, version: 'v2' })
  return { access, refresh }
}

/** v1 (`u-` / `ur-`): always with a refresh token, which lives 30 days (refreshSec × 30/7). */
export function issueV1(state: SandboxState, appId: string, userId: string, scopes: readonly string[]): Required<IssuedTokens> {
  const now = state.now()
  const ttl = state.knobs.tokenTtl
  const access = state.tokens.issueUserToken({ appId, userId, scopes, expiresAt: now + ttl.accessSec * 1000, version: 'v1' })
  const refresh = state.tokens.issueRefreshToken({ appId, userId, scopes, expiresAt: now + Math.round(ttl.refreshSec * 1000 * 30 / 7), version: 'v1' })
  return { access, refresh }
}

/** Lifetime of a token just issued, in whole seconds (rounded: a millisecond spent since is not a second lost). */
export function secondsLeft(state: SandboxState, expiresAt: number): number {
  return Math.max(0, Math.round((expiresAt - state.now()) / 1000))
}

export function avatarUrl(origin: string, userId: string): string {
  return `${origin}/sandbox/avatar/${encodeURIComponent(userId)}.svg`
}

export interface SandboxUser {
  user_id: string
  name: string
  en_name: string
  avatar_url: string
  role: { 'zh-CN': string; 'en-US': string }
}

/** The sign-in personas (README), in README order. */
export function sandboxUsers(state: SandboxState, origin: string, personas: readonly { user_id: string; role: SandboxUser['role']; persona: boolean }[]): SandboxUser[] {
  return personas.filter((p) => p.persona).flatMap((p) => {
    const e: Employee | undefined = state.byUserId.get(p.user_id)
    return e ? [{ user_id: e.user_id, name: e.name, en_name: e.en_name, avatar_url: avatarUrl(origin, e.user_id), role: p.role }] : []
  })
}
