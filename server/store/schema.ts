import type { ColumnType } from 'kysely'

/** Row types of the app's database (SQLite by default; PostgreSQL for scale-out). */

/** bigint columns: numbers in, numbers or strings out (PostgreSQL answers int8 as string). */
type Millis = ColumnType<number, number, number>

export interface UserGrantsTable {
  tenant_key: string
  open_id: string
  user_id: string | null
  /** 'v2' tokens refresh at /authen/v2/oauth/token; 'v1' (gadget code2session) at the v1 OIDC refresh. */
  token_kind: 'v2' | 'v1'
  scope: string
  /** AES-256-GCM ciphertexts; see server/auth/crypto.ts. */
  access_token_enc: string
  access_expires_at: Millis
  refresh_token_enc: string | null
  refresh_expires_at: Millis | null
  /** 1 once Feishu said this app may not refresh (20074): use the access token until it ends. */
  refresh_disabled: number
  /** Increments on every token change; a refresh writes only if nobody changed the row meanwhile. */
  token_version: number
  updated_at: Millis
}

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
  created_at: Millis
  last_seen_at: Millis
  expires_at: Millis
}

export interface Database {
  user_grants: UserGrantsTable
  sessions: SessionsTable
}
