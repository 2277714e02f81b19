// The gateway's token checks, run before any business logic (§1.5, §8.1). HTTP 400 for all of them:
// observed in the wild, not documented (UNCONFIRMED, §1.5).
import type { SandboxState } from '../state'
import type { ApiAuth } from './apis'
import { FeishuError } from './envelope'

export type Principal =
  | { kind: 'tenant'; appId: string; tenantKey: string; token: string }
  | { kind: 'user'; appId: string; tenantKey: string; userId: string; scopes: readonly string[]; token: string }

const INVALID_TOKEN_MSG = 'Invalid access token for authorization. Please make a request with token attached.'

/** The bearer token of the Authorization header, or the gateway's 99991661 / 99991671. */
export function readBearer(header: string | undefined): string {
  const m = /^Bearer\s+(\S*)\s*$/i.exec(header?.trim() ?? '')
  if (!m?.[1]) throw new FeishuError(400, 99991661, 'Missing access token for authorization. Please make a request with token attached.')
  const token = m[1]
  // 99991671's text says "t-/u-", yet v2 UATs start with "eyJ" (§1.2): accept both forms, and "a-".
  if (!/^(t-|u-|a-|eyJ)/.test(token)) throw new FeishuError(400, 99991671, 'Invalid token: must start with t-/u-')
  return token
}

export function isTenantTokenForm(token: string): boolean {
  return token.startsWith('t-') || token.startsWith('a-')
}

export function authenticate(state: SandboxState, header: string | undefined, auth: Extract<ApiAuth, { mode: 'token' }>): Principal {
  const token = readBearer(header)
  const now = state.now()
  let principal: Principal
  if (isTenantTokenForm(token)) {
    // 99991663 covers both "invalid TAT" and "this API does not accept a TAT" (§1.5).
    if (!auth.tokens.includes('tenant')) throw new FeishuError(400, 99991663, `${INVALID_TOKEN_MSG} This API does not support tenant_access_token.`)
    const rec = state.tokens.findTenantToken(token)
    if (!rec || rec.expiresAt <= now) throw new FeishuError(400, 99991663, INVALID_TOKEN_MSG)
    principal = { kind: 'tenant', appId: rec.appId, tenantKey: state.tenantKey, token }
  } else {
    if (!auth.tokens.includes('user')) throw new FeishuError(400, 99991668, 'user access token not support')
    const rec = state.tokens.userTokens.get(token)
    if (!rec || rec.revoked) throw new FeishuError(400, 99991668, INVALID_TOKEN_MSG)
    if (rec.expiresAt <= now) throw new FeishuError(400, 99991677, 'Authentication token expired. Please refresh it and try again.')
    principal = { kind: 'user', appId: rec.appId, tenantKey: state.tenantKey, userId: rec.userId, scopes: rec.scopes, token }
  }
  checkScopes(state, principal, auth.scopes)
  return principal
}

function checkScopes(state: SandboxState, principal: Principal, scopes: readonly string[]): void {
  if (scopes.length === 0) return
  const list = `[${scopes.join(', ')}]`
  if (!scopes.some((s) => state.knobs.appScopes.includes(s))) {
    throw new FeishuError(400, 99991672,
      `Access denied. One of the following scopes is required: ${list}. 应用尚未开通所需的应用身份权限：${list}，点击链接申请并开通任一权限即可：https://open.feishu.cn/app/${state.appId}/auth?q=${encodeURIComponent(scopes.join(','))}&op_from=openapi&token_type=${principal.kind}`,
      { permission_violations: scopes.map((subject) => ({ type: 'action_scope_required', subject })) })
  }
  if (principal.kind === 'user' && !scopes.some((s) => principal.scopes.includes(s))) {
    throw new FeishuError(400, 99991679,
      `Unauthorized. You do not have permission to perform the requested operation on the resource. Please request user re-authorization and try again. required one of these privileges: ${list}`,
      { permission_violations: scopes.map((subject) => ({ type: 'action_privilege_required', subject })), withLogIdAlias: true })
  }
}
