import type { Context, MiddlewareHandler } from 'hono'
import type { z } from 'zod'
import { AppError } from '../errors'

declare module 'hono' {
  interface ContextVariableMap { body: unknown }
}

/**
 * Validate at the door: the body must be JSON and match the schema. Handlers read the typed value
 * with `bodyOf(c, schema)`.
 */
export function validateJson(schema: z.ZodType): MiddlewareHandler {
  return async function validateBody(c, next) {
    const type = c.req.header('content-type') ?? ''
    if (!/^application\/json\b/i.test(type)) {
      throw new AppError(415, 'unsupported_media_type', 'Send the body as JSON (Content-Type: application/json).')
    }
    let raw: unknown
    try {
      raw = JSON.parse(await c.req.text())
    } catch {
      throw new AppError(400, 'invalid_json', 'The body is not valid JSON.')
    }
    const parsed = schema.safeParse(raw)
    if (!parsed.success) {
      const details = parsed.error.issues.slice(0, 50).map((i) => ({ path: i.path.join('.'), message: i.message }))
      throw new AppError(400, 'invalid_request', 'Some fields are missing or wrong.', details)
    }
    c.set('body', parsed.data)
    await next()
  }
}

export function bodyOf<S extends z.ZodType>(c: Context, _schema: S): z.infer<S> {
  return c.get('body') as z.infer<S>
}
