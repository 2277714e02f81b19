// §2.6 `GET /open-apis/authen/v1/user_info`. Its own error table answers HTTP 200 with 20005 for a
// bad user token (20006 when expired, from the general table); contact fields appear only when the
// app has the matching scope enabled.
import { APIS } from '../platform/apis'
import { isTenantTokenForm } from '../platform/auth-gate'
import { FeishuError, ok } from '../platform/envelope'
import { mountApi, type ApiContext, type SandboxApp } from '../platform/pipeline'
import { avatarUrl } from '../platform/user-tokens'
import type { Employee } from '../seed/employees'
import type { SandboxState } from '../state'

/**
 * What Feishu tells of a signed-in person: user_info's `data`, and the profile half of the legacy
 * v1 token answers. Contact fields only where the app has the matching scope enabled.
 */
export function profileOf(state: SandboxState, user: Employee, origin: string) {
  const has = (s: string) => state.knobs.appScopes.includes(s)
  const avatar = avatarUrl(origin, user.user_id)
  return {
    name: user.name,
    en_name: user.en_name,
    avatar_url: avatar,
    avatar_thumb: `${avatar}?size=72`,
    avatar_middle: `${avatar}?size=240`,
    avatar_big: `${avatar}?size=640`,
    open_id: user.open_id,
    union_id: user.union_id,
    ...(has('contact:user.email:readonly') ? { email: user.email } : {}),
    ...(has('contact:user.employee:readonly') ? { enterprise_email: user.email } : {}),
    ...(has('contact:user.employee_id:readonly') ? { user_id: user.user_id } : {}),
    ...(has('contact:user.phone:readonly') ? { mobile: user.mobile } : {}),
    tenant_key: state.tenantKey,
    ...(has('contact:user.employee:readonly') ? { employee_no: user.employee_no } : {}),
  }
}

function userInfo(ctx: ApiContext) {
  const { state, bearer, c } = ctx
  if (!bearer || isTenantTokenForm(bearer)) throw new FeishuError(400, 99991663, 'Invalid access token for authorization. This API only accepts a user_access_token.')
  const rec = state.tokens.userTokens.get(bearer)
  if (!rec || rec.revoked) throw new FeishuError(200, 20005, 'The user access token passed is invalid')
  if (rec.expiresAt <= state.now()) throw new FeishuError(200, 20006, 'The user access token passed has expired')
  const user = state.byUserId.get(rec.userId)
  if (!user) throw new FeishuError(200, 20008, 'User not exist')
  if (user.status !== 'hired') throw new FeishuError(200, 20021, 'User resigned')
  ctx.setCallUser(user.user_id)
  return ok(profileOf(state, user, new URL(c.req.url).origin))
}

export function mountUserInfoRoute(app: SandboxApp, state: SandboxState): void {
  mountApi(app, state, APIS['authen.user_info'], userInfo)
}
