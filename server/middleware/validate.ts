import type { Context, MiddlewareHandler } from 'hono'
import type { z } from 'zod'
import { AppError } from '../errors'

declare module 'hono' {
  interface ContextVariableMap { body: unknown; query: unknown; params: unknown }
}

/**
 * Validate at the door: the body must be JSON and match the schema. Handlers read the typed value
 * with `bodyOf(c, schema)`. `allowEmpty`: a request without a body is read as `{}` (an action whose
 * options are all optional).
 */
export function validateJson(schema: z.ZodType, opts: { allowEmpty?: boolean } = {}): MiddlewareHandler {
  return async function validateBody(c, next) {
    if (opts.allowEmpty && (c.req.header('content-length') === '0' || (!c.req.header('content-type') && !c.req.header('transfer-encoding')))) {
      c.set('body', parsedOrThrow(schema, {}))
      return next()
    }
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
    c.set('body', parsedOrThrow(schema, raw))
    await next()
  }
}

/** The query string (one value per key), checked the same way; handlers read it with `queryOf(c, schema)`. */
export function validateQuery(schema: z.ZodType): MiddlewareHandler {
  return async function validateQueryString(c, next) {
    c.set('query', parsedOrThrow(schema, c.req.query()))
    await next()
  }
}

/** The path parameters, checked the same way; handlers read them with `paramsOf(c, schema)`. */
export function validateParams(schema: z.ZodType): MiddlewareHandler {
  return async function validatePathParams(c, next) {
    c.set('params', parsedOrThrow(schema, c.req.param()))
    await next()
  }
}

export function paramsOf<S extends z.ZodType>(c: Context, _schema: S): z.infer<S> {
  return c.get('params') as z.infer<S>
}

function parsedOrThrow(schema: z.ZodType, raw: unknown): unknown {
  const parsed = schema.safeParse(raw)
  if (!parsed.success) {
    const details = parsed.error.issues.slice(0, 50).map((i) => ({ path: i.path.join('.'), message: i.message }))
    throw new AppError(400, 'invalid_request', 'Some fields are missing or wrong.', details)
  }
  return parsed.data
}

export function queryOf<S extends z.ZodType>(c: Context, _schema: S): z.infer<S> {
  return c.get('query') as z.infer<S>
}

export function bodyOf<S extends z.ZodType>(c: Context, _schema: S): z.infer<S> {
  return c.get('body') as z.infer<S>
}
