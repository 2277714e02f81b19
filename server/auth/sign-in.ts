import { AppError } from '../errors'
import type { FeishuClient } from '../feishu/client'
import { FeishuError } from '../feishu/http'
import type { SessionService } from './sessions'
import type { UserTokens } from './user-tokens'

export type CodeSource = 'oauth' | 'request_access' | 'request_auth_code' | 'gadget'

/**
 * Turns a one-time Feishu code into a server-side session (reference §2.3–§2.7):
 * web-app codes at the v2 OAuth token endpoint, gadget `tt.login` codes through code2session.
 * Then user_info with the new token tells who signed in.
 */
export async function signIn(deps: { feishu: FeishuClient; sessions: SessionService; tokens: UserTokens }, input: { code: string; source: CodeSource; redirectUri?: string }) {
  const { feishu, sessions, tokens } = deps
  const start = async (grant: Parameters<UserTokens['save']>[2], kind: 'v2' | 'v1') => {
    const info = await feishu.userInfo(grant.access_token)
    await tokens.save({ tenantKey: info.tenant_key, openId: info.open_id }, info.user_id ?? null, grant, kind)
    return sessions.create(info)
  }
  try {
    if (input.source === 'gadget') {
      const g = await feishu.code2session(input.code)
      // tokenLoginValidate documents expires_in as an expiry timestamp (reference §2.7, UNCONFIRMED):
      // a value larger than a year of seconds is read as a unix time, anything else as a duration.
      const expiresIn = g.expires_in > 365 * 24 * 3600 ? Math.max(0, g.expires_in - Math.floor(Date.now() / 1000)) : g.expires_in
      const grant = { access_token: g.access_token, expires_in: expiresIn, refresh_token: g.refresh_token, refresh_token_expires_in: g.refresh_token ? 30 * 24 * 3600 : undefined }
      return await start(grant, 'v1')
    }
    const grant = await feishu.exchangeCode({ code: input.code, redirectUri: input.source === 'oauth' ? input.redirectUri : undefined })
    return await start(grant, 'v2')
  } catch (e) {
    throw signInError(e)
  }
}

function signInError(e: unknown): unknown {
  if (!(e instanceof FeishuError)) return e
  const f = e.failure
  if (f.kind === 'reauth_needed' && f.reason === 'code_invalid') {
    return new AppError(400, 'code_invalid', 'This sign-in code has expired or was already used. Sign in again.', { feishuCode: e.code })
  }
  if (f.kind === 'reauth_needed' && f.reason === 'user_invalid') {
    return new AppError(403, 'user_not_allowed', 'Feishu says this account may not use the app (not in its availability range, resigned or frozen).', { feishuCode: e.code })
  }
  if (f.kind === 'scope_missing' || f.kind === 'app_scope_missing') {
    return new AppError(403, f.kind, 'A Feishu permission the app needs was not granted.', { feishuCode: e.code, scopes: f.scopes })
  }
  if (f.kind === 'network' || f.kind === 'server_error' || f.kind === 'rate_limited') {
    return new AppError(503, 'feishu_unavailable', 'Feishu could not be reached. Try again shortly.', { feishuCode: e.code, logId: e.logId })
  }
  return new AppError(502, 'feishu_rejected', 'Feishu refused the sign-in.', { feishuCode: e.code, logId: e.logId })
}
