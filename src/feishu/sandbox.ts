// The stand-in for Feishu's in-client sign-in when the app runs outside Feishu against the
// sandbox (server/sandbox): a plain OAuth authorization-code round trip through the sandbox's
// authorize page, protected by a `state` kept in sessionStorage (reference/feishu-api.md §2.4).

const PENDING_KEY = 'feishu-oauth-pending'

export interface PendingAuthorization {
  state: string
  /** The app path to land on after sign-in. */
  returnTo: string
  /** Sent again with the code, so the server's token exchange matches the authorize request. */
  redirectUri: string
}

export type OAuthCallbackErrorCode = 'state_mismatch' | 'access_denied' | 'missing_code' | 'authorize_failed'

export class OAuthCallbackError extends Error {
  readonly code: OAuthCallbackErrorCode
  readonly messageKey: string

  constructor(code: OAuthCallbackErrorCode, detail?: string) {
    super(detail ? `${code}: ${detail}` : code)
    this.name = 'OAuthCallbackError'
    this.code = code
    this.messageKey = `callback.errors.${code}`
  }
}

/** Only same-app paths; anything else (`//evil`, `https://…`, the sign-in pages) returns home. */
export function safeReturnPath(path: string | null | undefined): string {
  if (!path || !path.startsWith('/') || path.startsWith('//') || path.startsWith('/\\')) return '/'
  if (path.startsWith('/sign-in') || path.startsWith('/auth/callback')) return '/'
  return path
}

export function randomState(): string {
  const bytes = new Uint8Array(16)
  crypto.getRandomValues(bytes)
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')
}

export function buildAuthorizeUrl(params: {
  authorizeUrl: string
  appId: string
  redirectUri: string
  scopes: readonly string[]
  state: string
  loginHint: string
}): string {
  const query = [
    ['client_id', params.appId],
    ['response_type', 'code'],
    ['redirect_uri', params.redirectUri],
    ['scope', params.scopes.join(' ')],
    ['state', params.state],
    ['login_hint', params.loginHint],
  ]
    .map(([k, v]) => `${k}=${encodeURIComponent(v!)}`)
    .join('&')
  return `${params.authorizeUrl}${params.authorizeUrl.includes('?') ? '&' : '?'}${query}`
}

/** Creates and remembers a fresh state, and returns the authorize URL to navigate to. */
export function startSandboxAuthorization(params: {
  authorizeUrl: string
  appId: string
  scopes: readonly string[]
  redirectPath: string
  loginHint: string
  returnTo: string
}): string {
  const pending: PendingAuthorization = {
    state: randomState(),
    returnTo: safeReturnPath(params.returnTo),
    redirectUri: `${window.location.origin}${params.redirectPath}`,
  }
  window.sessionStorage.setItem(PENDING_KEY, JSON.stringify(pending))
  return buildAuthorizeUrl({
    authorizeUrl: params.authorizeUrl,
    appId: params.appId,
    redirectUri: pending.redirectUri,
    scopes: params.scopes,
    state: pending.state,
    loginHint: params.loginHint,
  })
}

/** Reads and forgets the pending authorization: a state is good for one callback only. */
export function takePendingAuthorization(): PendingAuthorization | null {
  const raw = window.sessionStorage.getItem(PENDING_KEY)
  window.sessionStorage.removeItem(PENDING_KEY)
  if (!raw) return null
  try {
    const value: unknown = JSON.parse(raw)
    if (
      value && typeof value === 'object' &&
      'state' in value && typeof value.state === 'string' &&
      'returnTo' in value && typeof value.returnTo === 'string' &&
      'redirectUri' in value && typeof value.redirectUri === 'string'
    ) {
      return { state: value.state, returnTo: safeReturnPath(value.returnTo), redirectUri: value.redirectUri }
    }
  } catch {
    // A corrupt entry is treated like a missing one.
  }
  return null
}

/** Leaves the app for the sandbox authorize page. */
export function openAuthorizePage(url: string): void {
  window.location.assign(url)
}
