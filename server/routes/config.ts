import { Hono } from 'hono'
import type { Config } from '../config'
import { requestedScopes } from '../auth/capabilities'

export interface SandboxUser { user_id: string; name: string; en_name: string; avatar_url: string; role: Record<string, string> }

/** Public facts the app needs before sign-in. In sandbox mode, also who one may sign in as. */
export function configRoutes(deps: { config: Config; sandboxUsers?: () => Promise<SandboxUser[]> }) {
  const { config } = deps
  return new Hono().get('/config', async (c) => {
    // publicUrl: a page opened on another host goes there first (sign-in's redirect URIs and the cookie belong to it).
    const base = { mode: config.mode, appId: config.feishu.appId, scopes: requestedScopes, redirectPath: '/auth/callback', publicUrl: config.publicUrl, approvals: Object.keys(config.approval.codes) }
    if (config.mode !== 'sandbox' || !deps.sandboxUsers) return c.json(base)
    return c.json({
      ...base,
      sandbox: { authorizeUrl: `${config.feishu.baseUrl}/open-apis/authen/v1/authorize`, users: await deps.sandboxUsers() },
    })
  })
}
