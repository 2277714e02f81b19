import type { MiddlewareHandler } from 'hono'
import { routePath } from 'hono/route'
import type { Logger } from '../logger'
import type { Metrics } from '../metrics'

/** Probes hit these every few seconds per load balancer: counted, but logged only at debug. */
const PROBES = new Set(['/healthz', '/readyz', '/metrics'])

/**
 * One line per request: method, route pattern, path (never the query: it can carry OAuth codes),
 * status, duration, request id and the signed-in person's open_id. Never headers, cookies or
 * bodies. A progress stream is logged when it starts (its duration is the time to its first byte).
 */
export function accessLog(logger: Logger, metrics?: Metrics): MiddlewareHandler {
  return async function logAccess(c, next) {
    const started = performance.now()
    await next()
    const route = routePath(c) || '*'
    const status = c.res.status
    metrics?.httpRequests.inc({ method: c.req.method, route, status: String(status) })
    const session = c.get('session') as { user?: { openId?: string } } | undefined
    const line = {
      method: c.req.method, route, path: c.req.path, status,
      ms: Math.round((performance.now() - started) * 10) / 10,
      requestId: c.get('requestId'), userId: session?.user?.openId ?? null,
    }
    if (PROBES.has(c.req.path)) logger.debug('request', line)
    else logger[status >= 500 ? 'warn' : 'info']('request', line)
  }
}
