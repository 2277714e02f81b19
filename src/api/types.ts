// Shapes of the server API (server/routes/README.md).

export type LocaleText = Record<'zh-CN' | 'en-US', string>

export interface SandboxUser {
  user_id: string
  name: string
  en_name: string
  avatar_url: string
  role: LocaleText
}

export interface AppConfig {
  mode: 'sandbox' | 'live'
  appId: string
  scopes: string[]
  redirectPath: string
  /** Where people open the app (PUBLIC_URL); sign-in works only there. */
  publicUrl?: string
  sandbox?: { authorizeUrl: string; users: SandboxUser[] }
  /** The approvals this deployment configured (job kinds whose spec names one wait for it). */
  approvals?: string[]
}

/** The signed-in person. Never carries a token. */
export interface Me {
  name: string
  en_name: string | null
  avatar_url: string | null
  open_id: string
  user_id?: string | null
  tenant_key: string
}

export type CapabilityReasonCode = 'ok' | 'no_role' | 'scope_missing' | 'app_scope_missing' | 'feishu_unavailable'

export interface Capability {
  available: boolean
  /** `code` may grow new values on the server; the UI falls back for unknown ones. */
  reason?: { code: CapabilityReasonCode | (string & {}); scope?: string; role?: string }
}

export interface Capabilities {
  payroll: Capability
  attendance: Capability
}

export type SessionSource = 'oauth' | 'request_access' | 'request_auth_code' | 'gadget'

export interface CreateSessionBody {
  code: string
  source: SessionSource
  redirect_uri?: string
}
