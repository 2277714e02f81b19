import { Hono } from 'hono'
import { z } from 'zod'
import type { SessionService } from '../auth/sessions'
import type { Clock } from '../clock'
import { requireSession, type CookieOptions } from '../middleware/session'
import { bodyOf, validateJson } from '../middleware/validate'
import type { NotifyRepo } from './repo'

export const notifySettingsBody = z.strictObject({ enabled: z.boolean() })

/** The signed-in person's choice whether the app's bot messages them about their jobs (on by default). */
export function notifyRoutes(deps: { repo: NotifyRepo; sessions: SessionService; cookie: CookieOptions; clock: Clock }) {
  const auth = requireSession(deps.sessions, deps.cookie)
  return new Hono()
    .get('/settings', auth, async (c) => {
      const { tenantKey, openId } = c.get('session').user
      return c.json({ settings: { enabled: await deps.repo.enabled({ tenantKey, openId }) } })
    })
    .put('/settings', auth, validateJson(notifySettingsBody), async (c) => {
      const { tenantKey, openId } = c.get('session').user
      const { enabled } = bodyOf(c, notifySettingsBody)
      await deps.repo.setEnabled({ tenantKey, openId }, enabled, deps.clock.now())
      return c.json({ settings: { enabled } })
    })
}
