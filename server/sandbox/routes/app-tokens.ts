// §2.2 `auth/v3/tenant_access_token/internal` and `auth/v3/app_access_token/internal` (custom app).
// Also accepted with GET + query parameters, as the official JSSDK sample calls them.
import { APIS } from '../platform/apis'
import { FeishuError } from '../platform/envelope'
import { mountApi, type ApiContext, type SandboxApp } from '../platform/pipeline'
import { str } from '../platform/params'
import type { SandboxState } from '../state'

function checkApp(ctx: ApiContext): string {
  const { state, body, c } = ctx
  const appId = str(body.app_id) ?? c.req.query('app_id')
  const appSecret = str(body.app_secret) ?? c.req.query('app_secret')
  if (!appId || !appSecret) throw new FeishuError(400, 10003, 'invalid param')
  const secret = state.apps.get(appId)
  if (secret === undefined) throw new FeishuError(400, 10003, 'invalid param: app_id not found')
  // UNCONFIRMED (§1.5): 10014 "app secret invalid" (what the official CLI saw) rather than 10015;
  // HTTP 400 so a client that only checks the status still notices.
  if (appSecret !== secret) throw new FeishuError(400, 10014, 'app secret invalid')
  return appId
}

export function mountAppTokenRoutes(app: SandboxApp, state: SandboxState): void {
  mountApi(app, state, APIS['auth.tenant_access_token'], (ctx) => {
    const now = state.now()
    const rec = state.tokens.tenantToken(checkApp(ctx), now, state.knobs.tokenTtl.tenantSec)
    ctx.setCallUser('tenant')
    return { status: 200, body: { code: 0, msg: 'ok', tenant_access_token: rec.token, expire: Math.floor((rec.expiresAt - now) / 1000) } }
  }, { alsoMethods: ['GET'] })

  mountApi(app, state, APIS['auth.app_access_token'], (ctx) => {
    // A custom app's app_access_token is the same `t-` value as its tenant_access_token (§2.2).
    const now = state.now()
    const rec = state.tokens.tenantToken(checkApp(ctx), now, state.knobs.tokenTtl.tenantSec)
    ctx.setCallUser('tenant')
    return {
      status: 200,
      body: { code: 0, msg: 'ok', app_access_token: rec.token, expire: Math.floor((rec.expiresAt - now) / 1000), tenant_access_token: rec.token },
    }
  }, { alsoMethods: ['GET'] })
}
