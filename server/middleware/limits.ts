import type { MiddlewareHandler } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import { AppError } from '../errors'

/** Caps request bodies; an oversized one is refused before it is read into memory. */
export function maxBody(bytes: number, hint = ''): MiddlewareHandler {
  return bodyLimit({
    maxSize: bytes,
    onError: () => {
      throw new AppError(413, 'payload_too_large', `The request body is larger than ${Math.round(bytes / 1024)} KB.${hint ? ` ${hint}` : ''}`)
    },
  })
}
