// Credentials of the sandbox apps (custom / 自建 apps). Not secret: the sandbox is local only.
export const SANDBOX_APP_ID = 'cli_sandbox0a1b2c3d4e'
export const SANDBOX_APP_SECRET = 'sandboxSecret0123456789abcdefABCD'

/**
 * A second app in the same tenant. It exists so that tests can show what is bound to one app: codes
 * and refresh tokens (20024 when another client_id presents them) and rate limits (per app, §1.4).
 */
export const SANDBOX_OTHER_APP_ID = 'cli_sandbox9z8y7x6w5v'
export const SANDBOX_OTHER_APP_SECRET = 'otherSandboxSecret9876543210zyxw'
