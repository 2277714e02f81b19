import type { ContentfulStatusCode } from 'hono/utils/http-status'

/**
 * The one error type handlers throw. The error edge renders it as
 * `{ "error": { "code", "message", "details" } }`; 5xx messages are replaced by a generic one.
 */
export class AppError extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message)
    this.name = 'AppError'
  }
}

export const sessionRequired = () =>
  new AppError(401, 'session_required', 'Sign in to continue.')

export const reauthRequired = () =>
  new AppError(401, 'reauth_required', 'Your Feishu authorization has ended; sign in again.')
