import type { Context, ErrorHandler, NotFoundHandler } from 'hono'
import { HTTPException } from 'hono/http-exception'
import { AppError } from '../errors'
import type { Logger } from '../logger'

/**
 * The one error edge: every failure leaves as `{ "error": { "code", "message", "details"? } }`.
 * Unexpected errors are logged once with the request id; their messages never reach the client.
 */
export function errorEdge(logger: Logger): ErrorHandler {
  return function renderError(err: Error, c: Context) {
    if (err instanceof AppError) {
      return c.json({ error: { code: err.code, message: err.message, ...(err.details !== undefined ? { details: err.details } : {}) } }, err.status)
    }
    if (err instanceof HTTPException) {
      const status = err.status
      const code = status === 413 ? 'payload_too_large' : status === 400 ? 'bad_request' : `http_${status}`
      return c.json({ error: { code, message: status >= 500 ? 'Internal error' : err.message || 'Bad request' } }, status)
    }
    logger.error('unexpected error', { requestId: c.get('requestId'), method: c.req.method, path: c.req.path, error: err })
    return c.json({ error: { code: 'internal_error', message: 'Something went wrong on our side. Try again; if it persists, quote the request id.', details: { requestId: c.get('requestId') } } }, 500)
  }
}

export const apiNotFound: NotFoundHandler = (c) =>
  c.json({ error: { code: 'not_found', message: `No such endpoint: ${c.req.method} ${c.req.path}` } }, 404)
