import { randomUUID } from 'node:crypto'
import type { MiddlewareHandler } from 'hono'

declare module 'hono' {
  interface ContextVariableMap { requestId: string }
}

/** Every response carries X-Request-Id, quoted in error details and logs. */
export function requestId(): MiddlewareHandler {
  return async function assignRequestId(c, next) {
    const id = randomUUID()
    c.set('requestId', id)
    c.header('X-Request-Id', id)
    await next()
  }
}
