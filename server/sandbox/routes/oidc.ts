// Legacy sign-in endpoints that take an app_access_token: v1 OIDC (§2.5, wrapped, HTTP 200 errors,
// `u-` / `ur-` tokens), the older v1 pair with the profile in the answer, and code2session `mina/v2/tokenLoginValidate` (§2.7).
import { randomUUID } from 'node:crypto'
import { APIS } from '../platform/apis'
import { FeishuError, ok } from '../platform/envelope'
import { mountApi, type ApiContext, type SandboxApp } from '../platform/pipeline'
import { issueV1, secondsLeft } from '../platform/user-tokens'
import { str } from '../platform/params'
import type { SandboxState } from '../state'
import { profileOf } from './user-info'

function fail(code: number, msg: string): never {
  throw new FeishuError(200, code, msg)
}

/** The app of a valid app_access_token, or the API's own error code. */
function checkAppToken(ctx: ApiContext, code: number, msg: string): string {
  const rec = ctx.bearer ? ctx.state.tokens.findTenantToken(ctx.bearer) : undefined
  if (!rec || rec.expiresAt <= ctx.state.now()) fail(code, msg)
  return rec.appId
}

type Issued = ReturnType<typeof issueV1>

/** The token half of every v1 answer. */
function tokensOf(state: SandboxState, issued: Issued) {
  return {
    access_token: issued.access.token,
    refresh_token: issued.refresh.token,
    token_type: 'Bearer',
    expires_in: secondsLeft(state, issued.access.expiresAt),
    refresh_expires_in: secondsLeft(state, issued.refresh.expiresAt),
    scope: issued.access.scopes.join(' '),
  }
}

/**
 * The older `/authen/v1/access_token` pair (§2.5, end; what the SDK's `authen.v1.accessToken` calls):
 * the same checks and codes as OIDC v1, with the person's profile (as user_info gives it) and a
 * session id in `data`.
 */
function withProfile(ctx: ApiContext, userId: string, issued: Issued) {
  const user = ctx.state.byUserId.get(userId)
  if (!user) fail(20008, 'User not exist')
  return ok({ ...tokensOf(ctx.state, issued), ...profileOf(ctx.state, user, new URL(ctx.c.req.url).origin), sid: randomUUID().replace(/-/g, '') })
}

function oidcAccessToken(ctx: ApiContext) {
  const { issued } = exchangeCode(ctx)
  return ok(tokensOf(ctx.state, issued))
}

function oidcRefresh(ctx: ApiContext) {
  const { issued } = refreshToken(ctx)
  return ok(tokensOf(ctx.state, issued))
}

function legacyAccessToken(ctx: ApiContext) {
  const { userId, issued } = exchangeCode(ctx)
  return withProfile(ctx, userId, issued)
}

function legacyRefresh(ctx: ApiContext) {
  const { userId, issued } = refreshToken(ctx)
  return withProfile(ctx, userId, issued)
}

function exchangeCode(ctx: ApiContext): { userId: string; issued: Issued } {
  const { state, body } = ctx
  const appId = checkAppToken(ctx, 20014, 'app access token invalid')
  const grantType = str(body.grant_type)
  if (!grantType) fail(20001, 'Invalid request: grant_type is required')
  if (grantType !== 'authorization_code') fail(20036, 'grant_type not supported')
  const code = str(body.code)
  if (!code) fail(20001, 'Invalid request: code is required')
  const rec = state.tokens.codes.get(code)
  if (!rec || rec.kind === 'login' || rec.used) fail(20003, 'code invalid')
  if (rec.appId !== appId) fail(20024, 'app id mismatch')
  if (rec.expiresAt <= state.now()) fail(20004, 'code expired')
  rec.used = true
  const user = state.byUserId.get(rec.userId)
  if (!user) fail(20008, 'User not exist')
  if (user.status !== 'hired') fail(20021, 'User resigned')
  ctx.setCallUser(rec.userId)
  return { userId: rec.userId, issued: issueV1(state, appId, rec.userId, state.tokens.granted(appId, rec.userId)) }
}

function refreshToken(ctx: ApiContext): { userId: string; issued: Issued } {
  const { state, body } = ctx
  const appId = checkAppToken(ctx, 20014, 'app access token invalid')
  const grantType = str(body.grant_type)
  if (!grantType) fail(20001, 'Invalid request: grant_type is required')
  if (grantType !== 'refresh_token') fail(20036, 'grant_type not supported')
  const rt = str(body.refresh_token)
  if (!rt) fail(20001, 'Invalid request: refresh_token is required')
  const rec = state.tokens.refreshTokens.get(rt)
  if (!rec || rec.version !== 'v1' || rec.state === 'revoked') fail(20026, 'refresh token invalid')
  if (rec.appId !== appId) fail(20024, 'app id mismatch')
  // Not in the v1 table; the refresh-disabled persona gets v2's 20074 here too (harder, UNCONFIRMED).
  if (state.byUserId.get(rec.userId)?.rights.refreshAllowed === false) fail(20074, 'The specified app is not allowed to refresh token.')
  if (rec.state === 'used') fail(20038, 'refresh token not found: an older refresh_token was used')
  if (rec.expiresAt <= state.now()) fail(20037, 'refresh token expired')
  rec.state = 'used'
  ctx.setCallUser(rec.userId)
  return { userId: rec.userId, issued: issueV1(state, appId, rec.userId, rec.scopes) }
}

function code2session(ctx: ApiContext) {
  const { state, body } = ctx
  const appId = checkAppToken(ctx, 10202, 'access token invalid')
  const code = str(body.code)
  if (!code) fail(10226, 'invalid code')
  const rec = state.tokens.codes.get(code)
  if (!rec || rec.kind !== 'login') fail(10226, 'invalid code')
  // §2.7: a wrong app, a reused or an expired code all answer 10213.
  if (rec.appId !== appId || rec.used || rec.expiresAt <= state.now()) fail(10213, 'code appid not match')
  rec.used = true
  const user = state.byUserId.get(rec.userId)
  if (!user || user.status !== 'hired') fail(10228, 'user to app has no visibility')
  ctx.setCallUser(user.user_id)
  const issued = issueV1(state, appId, user.user_id, state.tokens.granted(appId, user.user_id))
  return ok({
    open_id: user.open_id,
    ...(state.knobs.appScopes.includes('contact:user.employee_id:readonly') ? { employee_id: user.user_id } : {}),
    session_key: `sk_${issued.access.token.slice(2, 34)}`,
    tenant_key: state.tenantKey,
    access_token: issued.access.token,
    // UNCONFIRMED (§2.7): documented as an expiry *timestamp* (unix seconds), as the example value
    // suggests — a client reading it as a duration never refreshes and meets 99991677.
    expires_in: Math.floor(issued.access.expiresAt / 1000),
    refresh_token: issued.refresh.token,
    // The doc calls this union_id deprecated and not the real Union ID: deliberately different.
    union_id: `on_mina_${user.union_id.slice(3, 27)}`,
  })
}

export function mountOidcRoutes(app: SandboxApp, state: SandboxState): void {
  mountApi(app, state, APIS['oidc.access_token'], oidcAccessToken)
  mountApi(app, state, APIS['oidc.refresh_access_token'], oidcRefresh)
  mountApi(app, state, APIS['authen.access_token'], legacyAccessToken)
  mountApi(app, state, APIS['authen.refresh_access_token'], legacyRefresh)
  mountApi(app, state, APIS['mina.token_login_validate'], code2session)
}
