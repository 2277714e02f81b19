import type { MiddlewareHandler } from 'hono'
import { AppError } from '../errors'

const SAFE = new Set(['GET', 'HEAD', 'OPTIONS'])

/**
 * State-changing API calls must come from our own page: they carry X-Requested-With (a header a
 * cross-site form cannot send, and cross-site fetch cannot send without a CORS preflight we never
 * answer) and, when the browser sends Origin, it is one of ours.
 */
export function csrfGuard(opts: { allowedOrigins: string[] }): MiddlewareHandler {
  const allowed = new Set(opts.allowedOrigins)
  return async function csrf(c, next) {
    if (!SAFE.has(c.req.method)) {
      const origin = c.req.header('origin')
      const selfOrigin = new URL(c.req.url).origin
      if (origin && origin !== selfOrigin && !allowed.has(origin)) {
        throw new AppError(403, 'csrf_failed', 'This request came from another site and was refused.')
      }
      if (c.req.header('x-requested-with') !== 'XMLHttpRequest') {
        throw new AppError(403, 'csrf_failed', 'Missing X-Requested-With header: requests must come from the app.')
      }
    }
    await next()
  }
}
