import type { Context, MiddlewareHandler } from 'hono'
import { deleteCookie, getCookie, setCookie } from 'hono/cookie'
import type { Session, SessionService } from '../auth/sessions'
import { SESSION_IDLE_MS } from '../auth/sessions'

declare module 'hono' {
  interface ContextVariableMap { session: Session }
}

export interface CookieOptions { secure: boolean }

/** `__Host-` pins the cookie to our origin over HTTPS; plain `sid` on http://localhost. */
export const cookieName = (o: CookieOptions) => (o.secure ? '__Host-sid' : 'sid')

export function readSessionCookie(c: Context, o: CookieOptions): string | undefined {
  return getCookie(c, cookieName(o))
}

export function writeSessionCookie(c: Context, o: CookieOptions, sid: string): void {
  setCookie(c, cookieName(o), sid, { httpOnly: true, secure: o.secure, sameSite: 'Lax', path: '/', maxAge: SESSION_IDLE_MS / 1000 })
}

export function clearSessionCookie(c: Context, o: CookieOptions): void {
  deleteCookie(c, cookieName(o), { path: '/', secure: o.secure })
}

/** Routes behind this see `c.get('session')`; the operator always comes from here, never from a body. */
export function requireSession(sessions: SessionService, o: CookieOptions): MiddlewareHandler {
  return async function loadSession(c, next) {
    c.set('session', await sessions.resolve(readSessionCookie(c, o)))
    await next()
  }
}
