import { AppError } from '../errors'
import type { FeishuClient } from '../feishu/client'
import { feishuToAppError } from '../feishu/errors-to-app'
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

/** Sign-in answers the one mapping's errors that say what to do; any other refusal is "Feishu refused the sign-in". */
const SIGN_IN_ERRORS = new Set(['code_invalid', 'user_not_allowed', 'scope_missing', 'app_scope_missing', 'feishu_unavailable'])

function signInError(e: unknown): unknown {
  const mapped = feishuToAppError(e)
  if (!(mapped instanceof AppError) || !(e instanceof FeishuError) || SIGN_IN_ERRORS.has(mapped.code)) return mapped
  return new AppError(502, 'feishu_rejected', 'Feishu refused the sign-in.', { feishuCode: e.code, logId: e.logId })
}
