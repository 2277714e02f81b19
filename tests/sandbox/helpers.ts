// Shared helpers for the sandbox tests: real HTTP against a sandbox started on port 0.
import { afterAll, beforeAll, beforeEach } from 'vitest'
import { SANDBOX_APP_ID, SANDBOX_APP_SECRET, startSandbox, type RunningSandbox, type StartOptions } from '../../server/sandbox/index'

export { SANDBOX_APP_ID, SANDBOX_APP_SECRET }

export interface Reply<T> { status: number; headers: Headers; body: T }

/** The common Feishu body shape; `data` is typed per call. */
export interface FeishuBody<D = Record<string, unknown>> {
  code: number
  msg: string
  data?: D
  error?: {
    message?: string
    logid?: string
    log_id?: string
    troubleshooter?: string
    permission_violations?: { type: string; subject: string }[]
  }
}

export async function start(opts: StartOptions = {}): Promise<RunningSandbox> {
  return startSandbox({ port: 0, ...opts })
}

/**
 * One sandbox for a test file: started before its tests, closed after them, reset before each
 * test, which then gets a fresh tenant token. `ready` hands both to the file (and may add more).
 */
export function sandboxPerFile(ready: (sb: RunningSandbox, tenantToken: string) => void | Promise<void>): void {
  let sb: RunningSandbox | undefined
  beforeAll(async () => { sb = await start() })
  afterAll(async () => { await sb?.close() })
  beforeEach(async () => {
    sb!.reset()
    await ready(sb!, await tenantToken(sb!))
  })
}

export interface CallOptions {
  token?: string
  body?: unknown
  /** Raw body text, sent as is (malformed JSON tests). */
  raw?: string
  query?: Record<string, string | number>
  headers?: Record<string, string>
}

export async function call<T = FeishuBody>(sb: RunningSandbox, method: string, path: string, opts: CallOptions = {}): Promise<Reply<T>> {
  const url = new URL(sb.url + path)
  for (const [k, v] of Object.entries(opts.query ?? {})) url.searchParams.set(k, String(v))
  const headers: Record<string, string> = { ...opts.headers }
  if (opts.token !== undefined) headers.authorization = `Bearer ${opts.token}`
  let body: string | undefined
  if (opts.raw !== undefined) body = opts.raw
  else if (opts.body !== undefined) body = JSON.stringify(opts.body)
  if (body !== undefined && !('content-type' in headers)) headers['content-type'] = 'application/json; charset=utf-8'
  const res = await fetch(url, { method, headers, body, redirect: 'manual' })
  const text = await res.text()
  let parsed: unknown = text
  try {
    parsed = JSON.parse(text)
  } catch {
    // HTML pages, SVG, empty bodies stay text
  }
  return { status: res.status, headers: res.headers, body: parsed as T }
}

export async function tenantToken(sb: RunningSandbox, appId = SANDBOX_APP_ID, appSecret = SANDBOX_APP_SECRET): Promise<string> {
  const r = await call<{ code: number; tenant_access_token: string }>(sb, 'POST', '/open-apis/auth/v3/tenant_access_token/internal', { body: { app_id: appId, app_secret: appSecret } })
  if (r.body.code !== 0) throw new Error(`tenant token: ${JSON.stringify(r.body)}`)
  return r.body.tenant_access_token
}

export const ALL_USER_SCOPES = [
  'offline_access',
  'attendance:task',
  'attendance:task:readonly',
  'payroll:external_datasource_configuration:read',
  'payroll:external_datasource_record:read',
  'payroll:external_datasource_record:write',
]

export interface V2Tokens { code: number; access_token: string; expires_in: number; refresh_token?: string; refresh_token_expires_in?: number; token_type: string; scope: string }

/** A tt.requestAccess-style code for a persona, minted by the sandbox. */
export async function clientCode(sb: RunningSandbox, userId: string, scopes: string[] = ALL_USER_SCOPES, kind: 'request_access' | 'login' = 'request_access', appId?: string): Promise<string> {
  const r = await call<{ code: string }>(sb, 'POST', '/sandbox/codes', { body: { user_id: userId, kind, scopes, ...(appId ? { app_id: appId } : {}) } })
  if (r.status !== 200) throw new Error(`codes: ${JSON.stringify(r.body)}`)
  return r.body.code
}

export async function exchangeCode(sb: RunningSandbox, code: string, extra: Record<string, string> = {}): Promise<Reply<V2Tokens & { error?: string; error_description?: string }>> {
  return call(sb, 'POST', '/open-apis/authen/v2/oauth/token', {
    body: { grant_type: 'authorization_code', client_id: SANDBOX_APP_ID, client_secret: SANDBOX_APP_SECRET, code, ...extra },
  })
}

export async function refresh(sb: RunningSandbox, refreshToken: string, extra: Record<string, string> = {}): Promise<Reply<V2Tokens & { error?: string; error_description?: string }>> {
  return call(sb, 'POST', '/open-apis/authen/v2/oauth/token', {
    body: { grant_type: 'refresh_token', client_id: SANDBOX_APP_ID, client_secret: SANDBOX_APP_SECRET, refresh_token: refreshToken, ...extra },
  })
}

/** A v2 user_access_token (and refresh token) for a persona with the given scopes. */
export async function userTokens(sb: RunningSandbox, userId: string, scopes: string[] = ALL_USER_SCOPES): Promise<V2Tokens> {
  const r = await exchangeCode(sb, await clientCode(sb, userId, scopes))
  if (r.status !== 200 || r.body.code !== 0) throw new Error(`exchange: ${JSON.stringify(r.body)}`)
  return r.body
}

export async function userToken(sb: RunningSandbox, userId: string, scopes?: string[]): Promise<string> {
  return (await userTokens(sb, userId, scopes)).access_token
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms))
