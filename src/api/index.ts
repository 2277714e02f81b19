export { ApiError, http, isReauthError, request, setUnauthorizedHandler, toApiError } from './http'
export type { UnauthorizedHandler } from './http'
export { createSession, deleteSession, getCapabilities, getConfig, getMe } from './session'
export type * from './types'
