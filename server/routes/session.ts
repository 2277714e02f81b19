import { Hono } from 'hono'
import { z } from 'zod'
import { signIn } from '../auth/sign-in'
import { ownerOf, type SessionService } from '../auth/sessions'
import type { UserTokens } from '../auth/user-tokens'
import { AppError } from '../errors'
import type { FeishuClient } from '../feishu/client'
import { bodyOf, validateJson } from '../middleware/validate'
import { clearSessionCookie, readSessionCookie, requireSession, writeSessionCookie, type CookieOptions } from '../middleware/session'
import { probeCapabilities } from '../auth/capabilities'

const createSession = z.object({
  code: z.string().min(1).max(512).regex(/^[A-Za-z0-9._~-]+$/, 'not a Feishu code'),
  source: z.enum(['oauth', 'request_access', 'request_auth_code', 'gadget']),
  redirect_uri: z.string().max(1000).optional(),
})

export function sessionRoutes(deps: { sessions: SessionService; tokens: UserTokens; feishu: FeishuClient; cookie: CookieOptions; redirectUris: string[]; onSignedIn?: (owner: { tenantKey: string; openId: string }) => Promise<void> }) {
  const { sessions, tokens, feishu, cookie } = deps
  const auth = requireSession(sessions, cookie)
  const meOf = (s: { user: { name: string; enName: string | null; avatarUrl: string | null; openId: string; userId: string | null; tenantKey: string } }) => ({
    name: s.user.name, en_name: s.user.enName, avatar_url: s.user.avatarUrl, open_id: s.user.openId, user_id: s.user.userId, tenant_key: s.user.tenantKey,
  })

  return new Hono()
    .post('/session', validateJson(createSession), async (c) => {
      const body = bodyOf(c, createSession)
      if (body.source === 'oauth' && (!body.redirect_uri || !deps.redirectUris.includes(body.redirect_uri))) {
        throw new AppError(400, 'redirect_uri_mismatch', 'The sign-in came back to an address this app does not use.')
      }
      const previous = readSessionCookie(c, cookie)
      const { sid, session } = await signIn({ feishu, sessions, tokens }, { code: body.code, source: body.source, redirectUri: body.redirect_uri })
      // Rotate at sign-in: the old session (if any) ends, the browser gets a fresh id.
      if (previous) await sessions.destroy(previous)
      writeSessionCookie(c, cookie, sid)
      // Jobs that waited for this person to sign in again continue now.
      await deps.onSignedIn?.(ownerOf(session))
      return c.json({ user: meOf(session) })
    })
    .get('/me', auth, (c) => c.json({ user: meOf(c.get('session')) }))
    .get('/capabilities', auth, async (c) => c.json(await probeCapabilities(feishu, await tokens.get(ownerOf(c.get('session'))))))
    .delete('/session', async (c) => {
      const sid = readSessionCookie(c, cookie)
      if (sid) await sessions.destroy(sid)
      clearSessionCookie(c, cookie)
      return c.body(null, 204)
    })
}
