import { defineStore } from 'pinia'
import { computed, ref, type ComputedRef, type Ref } from 'vue'
import {
  ApiError,
  createSession,
  deleteSession,
  getCapabilities,
  getConfig,
  getMe,
  isReauthError,
  setUnauthorizedHandler,
  type AppConfig,
  type Capabilities,
  type Me,
} from '../api'
import {
  OAuthCallbackError,
  getAuthCode,
  isInsideFeishu,
  startSandboxAuthorization,
  takePendingAuthorization,
} from '../feishu'
import { asyncTask, type AsyncState } from './async-state'

/** `unknown` until the first bootstrap; `checking` while it runs. */
export type SessionStatus = 'unknown' | 'checking' | 'signed_in' | 'signed_out'

/** Why the person is signed out: they chose to, or the session ended under them. */
export type SignedOutReason = 'user' | 'session_ended' | null

/** How sign-in works here: the Feishu client, the sandbox chooser, or not at all (live, outside Feishu). */
export type SignInEnvironment = 'feishu' | 'sandbox' | 'outside_live'

/** What `/auth/callback` received. */
export interface CallbackQuery {
  code?: string | null
  state?: string | null
  error?: string | null
}

export interface SessionStore {
  config: AsyncState<AppConfig>
  me: AsyncState<Me>
  capabilities: AsyncState<Capabilities>
  /** The latest sign-in attempt (in Feishu, or completing the sandbox callback). */
  signIn: AsyncState<Me>
  status: Ref<SessionStatus>
  signedOutReason: Ref<SignedOutReason>
  /** null until the config is loaded (outside Feishu the mode decides). */
  environment: ComputedRef<SignInEnvironment | null>
  loadConfig: () => Promise<AppConfig | null>
  /** Loads the config and the person; a missing session starts sign-in. Runs once unless forced. */
  bootstrap: (options?: { force?: boolean }) => Promise<void>
  /** Feishu client → one-time code → server session. Resolves false on failure (see `signIn.error`). */
  signInInsideFeishu: () => Promise<boolean>
  /** Returns the sandbox authorize URL to navigate to; remembers its state and `returnTo`. */
  beginSandboxSignIn: (userId: string, returnTo?: string) => string
  /** Checks the state and posts the code; resolves the path to return to. */
  completeCallback: (query: CallbackQuery) => Promise<string>
  loadCapabilities: () => Promise<void>
  signOut: () => Promise<void>
}

export const useSessionStore = defineStore('session', (): SessionStore => {
  const configTask = asyncTask<AppConfig>()
  const meTask = asyncTask<Me>()
  const capabilitiesTask = asyncTask<Capabilities>()
  const signInTask = asyncTask<Me>()
  const config = configTask.state
  const me = meTask.state
  const capabilities = capabilitiesTask.state
  const signIn = signInTask.state
  const status = ref<SessionStatus>('unknown')
  const signedOutReason = ref<SignedOutReason>(null)

  // Whether we run in the Feishu client does not change during a visit.
  const insideFeishu = isInsideFeishu()
  const environment = computed<SignInEnvironment | null>(() => {
    if (insideFeishu) return 'feishu'
    if (!config.data) return null
    return config.data.mode === 'sandbox' ? 'sandbox' : 'outside_live'
  })

  function setSignedIn(user: Me) {
    me.data = user
    me.error = null
    status.value = 'signed_in'
    signedOutReason.value = null
  }

  function setSignedOut(reason: SignedOutReason) {
    me.data = null
    capabilities.data = null
    status.value = 'signed_out'
    signedOutReason.value = reason
  }

  let configPromise: Promise<AppConfig | null> | null = null
  function loadConfig(): Promise<AppConfig | null> {
    if (config.data) return Promise.resolve(config.data)
    configPromise ??= configTask
      .run(getConfig)
      .finally(() => {
        configPromise = null
      })
    return configPromise
  }

  let signInPromise: Promise<boolean> | null = null
  function signInInsideFeishu(): Promise<boolean> {
    signInPromise ??= (async () => {
      const cfg = await loadConfig()
      if (!cfg) {
        setSignedOut(signedOutReason.value)
        return false
      }
      try {
        const user = await signInTask.runOrThrow(async () => {
          const { code, source } = await getAuthCode({ appId: cfg.appId, scopes: cfg.scopes })
          return createSession({ code, source })
        })
        setSignedIn(user)
        return true
      } catch {
        setSignedOut(status.value === 'signed_in' ? 'session_ended' : signedOutReason.value)
        return false
      }
    })().finally(() => {
      signInPromise = null
    })
    return signInPromise
  }

  let bootstrapPromise: Promise<void> | null = null
  function bootstrap(options: { force?: boolean } = {}): Promise<void> {
    if (bootstrapPromise) return bootstrapPromise
    if (!options.force && status.value !== 'unknown') return Promise.resolve()
    bootstrapPromise = (async () => {
      status.value = 'checking'
      if (!(await loadConfig())) {
        status.value = 'unknown' // nothing known yet; the sign-in page shows the config error
        return
      }
      try {
        setSignedIn(await meTask.runOrThrow(getMe))
      } catch (err) {
        if (!isReauthError(err)) {
          status.value = 'unknown' // e.g. network: not signed out, just not known; shown with a retry
          return
        }
        me.error = null // no session yet is the normal start, not an error to show
        if (insideFeishu && (await signInInsideFeishu())) return
        setSignedOut(signedOutReason.value)
      }
    })().finally(() => {
      bootstrapPromise = null
    })
    return bootstrapPromise
  }

  function beginSandboxSignIn(userId: string, returnTo = '/'): string {
    const cfg = config.data
    if (!cfg?.sandbox) throw new Error('beginSandboxSignIn needs a loaded sandbox config')
    return startSandboxAuthorization({
      authorizeUrl: cfg.sandbox.authorizeUrl,
      appId: cfg.appId,
      scopes: cfg.scopes,
      redirectPath: cfg.redirectPath,
      loginHint: userId,
      returnTo,
    })
  }

  async function completeCallback(query: CallbackQuery): Promise<string> {
    const pending = takePendingAuthorization()
    let returnTo = '/'
    const user = await signInTask.runOrThrow(async () => {
      if (!pending || !query.state || query.state !== pending.state) throw new OAuthCallbackError('state_mismatch')
      returnTo = pending.returnTo
      if (query.error) {
        throw new OAuthCallbackError(query.error === 'access_denied' ? 'access_denied' : 'authorize_failed', query.error)
      }
      if (!query.code) throw new OAuthCallbackError('missing_code')
      return createSession({ code: query.code, source: 'oauth', redirect_uri: pending.redirectUri })
    })
    setSignedIn(user)
    return returnTo
  }

  async function loadCapabilities(): Promise<void> {
    await capabilitiesTask.run(getCapabilities)
  }

  async function signOut(): Promise<void> {
    try {
      await deleteSession()
    } catch (err) {
      // Already gone on the server is as good as signed out.
      if (!(err instanceof ApiError && err.status === 401)) throw err
    }
    setSignedOut('user')
  }

  // The quiet re-sign-in for any call answering 401 session_required / reauth_required:
  // inside Feishu get a fresh code and let the call retry once; outside, mark signed out
  // (the app then shows the sign-in page).
  setUnauthorizedHandler(async () => {
    if (insideFeishu) return signInInsideFeishu()
    setSignedOut('session_ended')
    return false
  })

  return {
    config,
    me,
    capabilities,
    signIn,
    status,
    signedOutReason,
    environment,
    loadConfig,
    bootstrap,
    signInInsideFeishu,
    beginSandboxSignIn,
    completeCallback,
    loadCapabilities,
    signOut,
  }
})
