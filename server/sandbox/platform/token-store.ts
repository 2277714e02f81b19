// Every credential the sandbox issues: app/tenant tokens (§2.2), authorization codes (§2.4, §2.3),
// user access tokens and refresh tokens (v2 §2.4, legacy v1 §2.5), and each user's accumulated grants.
import { randomBytes } from 'node:crypto'

export type TokenVersion = 'v1' | 'v2'

export interface TenantTokenRecord { token: string; appId: string; issuedAt: number; expiresAt: number }

export interface UserTokenRecord {
  token: string
  appId: string
  userId: string
  scopes: readonly string[]
  expiresAt: number
  revoked: boolean
  version: TokenVersion
}

export interface RefreshTokenRecord {
  token: string
  appId: string
  userId: string
  scopes: readonly string[]
  expiresAt: number
  state: 'active' | 'used' | 'revoked'
  version: TokenVersion
}

export type CodeKind = 'oauth' | 'request_access' | 'login'

export interface CodeRecord {
  code: string
  kind: CodeKind
  appId: string
  userId: string
  scopes: readonly string[]
  redirectUri?: string
  challenge?: { value: string; method: 'S256' | 'plain' }
  expiresAt: number
  used: boolean
}

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'
function alnum(length: number): string {
  const bytes = randomBytes(length)
  let s = ''
  for (const b of bytes) s += ALNUM[b % ALNUM.length]
  return s
}
const b64url = (s: string) => Buffer.from(s).toString('base64url')

/** A v2 token: opaque, JWT-looking (`eyJ…`), around 1 KB like the real ones (§1.2). */
function jwtLike(kind: 'access' | 'refresh'): string {
  const header = b64url(JSON.stringify({ alg: 'ES256', kid: 'sandbox-2024', typ: 'JWT' }))
  const payload = b64url(JSON.stringify({ v: 2, k: kind, jti: randomBytes(16).toString('hex'), x: randomBytes(kind === 'access' ? 560 : 300).toString('base64url') }))
  return `${header}.${payload}.${randomBytes(64).toString('base64url')}`
}

export class TokenStore {
  private readonly tenantTokens = new Map<string, TenantTokenRecord>()
  private readonly currentTenant = new Map<string, TenantTokenRecord>()
  readonly userTokens = new Map<string, UserTokenRecord>()
  readonly refreshTokens = new Map<string, RefreshTokenRecord>()
  readonly codes = new Map<string, CodeRecord>()
  private readonly grants = new Map<string, Set<string>>()

  /**
   * §2.2: with less than a quarter of the lifetime left (30 min of 2 h) a new token is issued and
   * the old one stays valid until it expires; otherwise the same token comes back with less time.
   */
  tenantToken(appId: string, now: number, ttlSec: number): TenantTokenRecord {
    const cur = this.currentTenant.get(appId)
    if (cur && cur.expiresAt - now >= ttlSec * 1000 * 0.25) return cur
    const rec: TenantTokenRecord = { token: `t-g1${alnum(38)}`, appId, issuedAt: now, expiresAt: now + ttlSec * 1000 }
    this.tenantTokens.set(rec.token, rec)
    this.currentTenant.set(appId, rec)
    return rec
  }

  findTenantToken(token: string): TenantTokenRecord | undefined {
    return this.tenantTokens.get(token)
  }

  mintCode(rec: Omit<CodeRecord, 'code' | 'used'>): CodeRecord {
    // ≥64 chars of [A-Za-z0-9-_] (§2.4).
    const full: CodeRecord = { ...rec, code: randomBytes(48).toString('base64url'), used: false }
    this.codes.set(full.code, full)
    return full
  }

  issueUserToken(rec: Omit<UserTokenRecord, 'token' | 'revoked'>): UserTokenRecord {
    const token = rec.version === 'v2' ? jwtLike('access') : `u-${alnum(42)}`
    const full: UserTokenRecord = { ...rec, token, revoked: false }
    this.userTokens.set(token, full)
    return full
  }

  issueRefreshToken(rec: Omit<RefreshTokenRecord, 'token' | 'state'>): RefreshTokenRecord {
    const token = rec.version === 'v2' ? jwtLike('refresh') : `ur-${alnum(42)}`
    const full: RefreshTokenRecord = { ...rec, token, state: 'active' }
    this.refreshTokens.set(token, full)
    return full
  }

  /** Grants accumulate: a new token carries every scope the user ever granted the app (§2.4). */
  grant(appId: string, userId: string, scopes: readonly string[]): string[] {
    const key = `${appId}|${userId}`
    const set = this.grants.get(key) ?? new Set<string>()
    for (const s of scopes) set.add(s)
    this.grants.set(key, set)
    return [...set]
  }

  granted(appId: string, userId: string): string[] {
    return [...(this.grants.get(`${appId}|${userId}`) ?? [])]
  }

  /** The user withdrew the authorization: every token dies (99991668 / 20064). */
  revokeUser(userId: string): void {
    for (const t of this.userTokens.values()) if (t.userId === userId) t.revoked = true
    for (const r of this.refreshTokens.values()) if (r.userId === userId && r.state === 'active') r.state = 'revoked'
    for (const key of [...this.grants.keys()]) if (key.endsWith(`|${userId}`)) this.grants.delete(key)
  }

  /** Make a user's access (or refresh) tokens expire now, to exercise the refresh path. */
  expireUser(userId: string, kind: 'access' | 'refresh', now: number): number {
    let n = 0
    const map = kind === 'access' ? this.userTokens : this.refreshTokens
    for (const t of map.values()) {
      if (t.userId === userId && t.expiresAt > now) { t.expiresAt = now; n++ }
    }
    return n
  }

  clear(): void {
    this.tenantTokens.clear()
    this.currentTenant.clear()
    this.userTokens.clear()
    this.refreshTokens.clear()
    this.codes.clear()
    this.grants.clear()
  }
}
