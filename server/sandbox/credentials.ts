// Credentials of the sandbox apps (custom / 自建 apps). Not secret: the sandbox is local only.
export const SANDBOX_APP_ID = 'cli_sandbox0a1b2c3d4e'
export const SANDBOX_APP_SECRET = 'sandboxSecret0123456789abcdefABCD'

/**
 * A second app in the same tenant. It exists so that tests can show what is bound to one app: codes
 * and refresh tokens (20024 when another client_id presents them) and rate limits (per app, §1.4).
 */
export const SANDBOX_OTHER_APP_ID = 'cli_sandbox9z8y7x6w5v'
export const SANDBOX_OTHER_APP_SECRET = 'otherSandboxSecret9876543210zyxw'

/**
 * The sandbox app's event subscription secrets (开发者后台 → 事件与回调 → 加密策略): the Encrypt Key
 * that encrypts and signs event requests, and the Verification Token carried in them.
 */
export const SANDBOX_EVENT_ENCRYPT_KEY = 'sandboxEncryptKey0123456789abcdEF'
export const SANDBOX_EVENT_VERIFICATION_TOKEN = 'sandboxVerificationToken0123456'
