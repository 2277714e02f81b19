import axios, { type AxiosRequestConfig } from 'axios'

/** Same origin, cookie session; the header marks our XHRs for the server's CSRF check. */
export const http = axios.create({
  withCredentials: true,
  timeout: 30_000,
  headers: { 'X-Requested-With': 'XMLHttpRequest', Accept: 'application/json' },
})

/** Every failed call becomes this, from the server's `{ error: { code, message, details } }`. */
export class ApiError extends Error {
  readonly status: number
  readonly code: string
  readonly details: unknown

  constructor(status: number, code: string, message: string, details?: unknown) {
    super(message)
    this.name = 'ApiError'
    this.status = status
    this.code = code
    this.details = details
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null
}

export function toApiError(err: unknown): ApiError {
  if (err instanceof ApiError) return err
  if (axios.isAxiosError(err)) {
    const status = err.response?.status ?? 0
    if (!err.response) {
      const code = err.code === 'ECONNABORTED' || err.code === 'ETIMEDOUT' ? 'timeout' : 'network_error'
      return new ApiError(0, code, err.message)
    }
    const body: unknown = err.response.data
    const e = isRecord(body) && isRecord(body.error) ? body.error : null
    return new ApiError(
      status,
      typeof e?.code === 'string' ? e.code : `http_${status}`,
      typeof e?.message === 'string' ? e.message : err.message,
      e?.details,
    )
  }
  return new ApiError(0, 'client_error', err instanceof Error ? err.message : String(err))
}

/** 401 codes that mean "sign in again" (server/routes/README.md). */
export function isReauthError(err: unknown): err is ApiError {
  return err instanceof ApiError && err.status === 401 && (err.code === 'session_required' || err.code === 'reauth_required')
}

/** Resolves true when the person is signed in again and the call may be retried. */
export type UnauthorizedHandler = () => Promise<boolean>
let unauthorizedHandler: UnauthorizedHandler | null = null

/**
 * The session store registers how to sign in again quietly. This hook is the only thing kept here;
 * it lets every endpoint share one re-sign-in instead of each caller handling 401.
 */
export function setUnauthorizedHandler(handler: UnauthorizedHandler | null): void {
  unauthorizedHandler = handler
}

export async function request<T>(config: AxiosRequestConfig, options: { reauth?: boolean } = {}): Promise<T> {
  try {
    return (await http.request<T>(config)).data
  } catch (first) {
    const err = toApiError(first)
    if (options.reauth === false || !isReauthError(err) || !unauthorizedHandler) throw err
    if (!(await unauthorizedHandler())) throw err
    try {
      return (await http.request<T>(config)).data
    } catch (second) {
      throw toApiError(second)
    }
  }
}
