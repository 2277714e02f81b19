import type { Generated } from 'kysely'

/** Row types of the app's database (SQLite by default; PostgreSQL for scale-out, issue 7). */
export interface SessionsTable {
  /** sha-256 of the cookie value, so a copy of the database cannot be replayed as cookies. */
  id_hash: string
  tenant_key: string
  open_id: string
  user_id: string | null
  union_id: string | null
  name: string
  en_name: string | null
  avatar_url: string | null
  scope: string
  /** 'v2' tokens refresh at /authen/v2/oauth/token; 'v1' (gadget code2session) at the v1 OIDC refresh. */
  token_kind: 'v2' | 'v1'
  /** AES-256-GCM ciphertexts; see server/auth/crypto.ts. */
  access_token_enc: string
  access_expires_at: number
  refresh_token_enc: string | null
  refresh_expires_at: number | null
  /** 1 once Feishu said this app may not refresh (20074): keep the access token until it expires. */
  refresh_disabled: number
  /** Increments on every token change; guards against two refreshes writing over each other. */
  token_version: number
  created_at: number
  last_seen_at: number
  expires_at: number
}

export interface MigrationsMeta { id: Generated<number> }

export interface Database {
  sessions: SessionsTable
}
