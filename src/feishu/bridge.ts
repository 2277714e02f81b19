// The one typed bridge over the Feishu H5 JSSDK. Nothing else in the app touches
// `window.h5sdk` or `window.tt`. Contracts: reference/feishu-api.md §2.3 (login JSAPIs), §6 (JSSDK).
import manifest from '../../app.json'
import type { FeishuH5sdk, FeishuJsapiFailure, FeishuTt } from './jssdk'

/** §6.3: the CN CDN build that public Feishu web apps use. */
export const JSSDK_URL = 'https://lf-scm-cn.feishucdn.com/lark/op/h5-js-sdk-1.5.44.js'

const SCRIPT_TIMEOUT_MS = 15_000
const READY_TIMEOUT_MS = 10_000

/** JSAPI `fail` errno values (§2.3). */
export const ERRNO_FEATURE_NOT_SUPPORTED = 103
export const ERRNO_USER_DENIED = 107

export type AuthCodeSource = 'request_access' | 'request_auth_code' | 'gadget'

export interface AuthCode {
  code: string
  source: AuthCodeSource
}

export type FeishuBridgeErrorKind =
  | 'not_in_feishu'
  | 'sdk_load_failed'
  | 'ready_timeout'
  | 'sdk_error'
  | 'unsupported'
  | 'denied'
  | 'failed'

const MESSAGE_KEYS: Record<FeishuBridgeErrorKind, string> = {
  not_in_feishu: 'feishu.errors.notInFeishu',
  sdk_load_failed: 'feishu.errors.sdkLoadFailed',
  ready_timeout: 'feishu.errors.readyTimeout',
  sdk_error: 'feishu.errors.sdkError',
  unsupported: 'feishu.errors.unsupported',
  denied: 'feishu.errors.denied',
  failed: 'feishu.errors.failed',
}

export class FeishuBridgeError extends Error {
  readonly kind: FeishuBridgeErrorKind
  /** The JSAPI errno (or errCode) when Feishu gave one. */
  readonly errno: number | null
  /** i18n key of the user-facing message; takes `{ errno }`. */
  readonly messageKey: string

  constructor(kind: FeishuBridgeErrorKind, options: { errno?: number | null; detail?: string } = {}) {
    super(options.detail ? `${kind}: ${options.detail}` : kind)
    this.name = 'FeishuBridgeError'
    this.kind = kind
    this.errno = options.errno ?? null
    this.messageKey = MESSAGE_KEYS[kind]
  }
}

function fromJsapiFailure(err: FeishuJsapiFailure | undefined): FeishuBridgeError {
  const errno = err?.errno ?? err?.errCode ?? null
  const detail = err?.errString ?? err?.errMsg
  const kind: FeishuBridgeErrorKind =
    errno === ERRNO_USER_DENIED ? 'denied' : errno === ERRNO_FEATURE_NOT_SUPPORTED ? 'unsupported' : 'failed'
  return new FeishuBridgeError(kind, { errno, detail })
}

/** Inside the Feishu (Lark) client: its webview user agent says so, or the JSSDK is already there. */
export function isInsideFeishu(): boolean {
  if (typeof window === 'undefined') return false
  return /Lark|Feishu/.test(window.navigator.userAgent) || window.h5sdk !== undefined
}

/**
 * A gadget / workplace Block container injects `tt` itself, with `tt.login` (§2.3, §6.1).
 * A web app only gets `tt` from the H5 JSSDK, which always brings requestAccess (V6.9+) or the
 * web-app-only requestAuthCode. So: login present and neither of those means a gadget.
 */
export function isGadget(): boolean {
  if (typeof window === 'undefined') return false
  const tt = window.tt
  return (
    typeof tt?.login === 'function' &&
    typeof tt.requestAccess !== 'function' &&
    typeof tt.requestAuthCode !== 'function'
  )
}

/** The Feishu client language from the webview user agent (`… Lark/7.x LarkLocale/zh_CN`), if any. */
export function feishuClientLanguage(): string | null {
  if (typeof window === 'undefined') return null
  const match = /LarkLocale\/([A-Za-z]{2})[_-]([A-Za-z]{2})/.exec(window.navigator.userAgent)
  return match ? `${match[1]!.toLowerCase()}-${match[2]!.toUpperCase()}` : null
}

function loadScript(timeoutMs: number): Promise<FeishuH5sdk> {
  if (window.h5sdk) return Promise.resolve(window.h5sdk)
  // Outside Feishu the JSSDK is useless, so it is never loaded there.
  if (!isInsideFeishu()) return Promise.reject(new FeishuBridgeError('not_in_feishu'))
  return new Promise((resolve, reject) => {
    const script = document.createElement('script')
    const fail = (detail: string) => {
      clearTimeout(timer)
      script.remove()
      reject(new FeishuBridgeError('sdk_load_failed', { detail }))
    }
    const timer = setTimeout(() => fail(`no answer from ${JSSDK_URL} in ${timeoutMs} ms`), timeoutMs)
    script.src = JSSDK_URL
    script.async = true
    script.addEventListener('load', () => {
      clearTimeout(timer)
      if (window.h5sdk) resolve(window.h5sdk)
      else fail('the script loaded but window.h5sdk is missing')
    })
    script.addEventListener('error', () => fail(`could not load ${JSSDK_URL}`))
    document.head.appendChild(script)
  })
}

let readyPromise: Promise<void> | null = null

/**
 * Loads the JSSDK (inside Feishu only) and waits for `h5sdk.ready`, which must fire before
 * requestAccess / requestAuthCode are called (§2.3). Fails with a FeishuBridgeError after a timeout.
 */
export function whenReady(options: { scriptTimeoutMs?: number; readyTimeoutMs?: number } = {}): Promise<void> {
  if (readyPromise) return readyPromise
  const readyTimeoutMs = options.readyTimeoutMs ?? READY_TIMEOUT_MS
  const attempt = loadScript(options.scriptTimeoutMs ?? SCRIPT_TIMEOUT_MS).then(
    (sdk) =>
      new Promise<void>((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new FeishuBridgeError('ready_timeout', { detail: `h5sdk.ready did not fire in ${readyTimeoutMs} ms` })),
          readyTimeoutMs,
        )
        sdk.error((err) => {
          clearTimeout(timer)
          reject(new FeishuBridgeError('sdk_error', { errno: err?.errno ?? err?.errCode ?? null, detail: err?.errMsg }))
        })
        sdk.ready(() => {
          clearTimeout(timer)
          resolve()
        })
      }),
  )
  readyPromise = attempt
  // A failed attempt must not stick: the next sign-in try starts over.
  attempt.catch(() => {
    if (readyPromise === attempt) readyPromise = null
  })
  return attempt
}

function callForCode(invoke: (callbacks: { success: (res: { code: string }) => void; fail: (err: FeishuJsapiFailure) => void }) => void): Promise<string> {
  return new Promise((resolve, reject) => {
    invoke({
      success: (res) => {
        if (res && typeof res.code === 'string' && res.code) resolve(res.code)
        else reject(new FeishuBridgeError('failed', { detail: 'the JSAPI succeeded without a code' }))
      },
      fail: (err) => reject(fromJsapiFailure(err)),
    })
  })
}

/** The homepage: always among app.json `redirectPaths`, i.e. the console's registered redirect URLs. */
const REGISTERED_HOME = '/'

/**
 * requestAccess / requestAuthCode only answer on a page listed in the app's redirect URLs, compared
 * without `?` and `#` (§2.3, §6.4). This SPA may ask from any route (the retry on /sign-in, a 401 on a
 * later page), so while the JSAPI runs the address shows the registered homepage — same query and
 * hash — and is put back afterwards. The router does not notice: replaceState fires no popstate.
 */
async function onRegisteredPage<T>(call: () => Promise<T>): Promise<T> {
  const { pathname, search, hash } = window.location
  if (manifest.redirectPaths.includes(pathname) || !manifest.redirectPaths.includes(REGISTERED_HOME)) return call()
  const state: unknown = window.history.state
  const original = `${pathname}${search}${hash}`
  const temporary = `${REGISTERED_HOME}${search}${hash}`
  window.history.replaceState(state, '', temporary)
  try {
    return await call()
  } finally {
    // Put the address back unless something navigated meanwhile.
    const now = window.location
    if (`${now.pathname}${now.search}${now.hash}` === temporary) window.history.replaceState(state, '', original)
  }
}

function login(tt: FeishuTt): Promise<string> {
  return callForCode((cb) => tt.login!(cb))
}

/**
 * Gets a one-time authorization code for the server to exchange (§2.3):
 * gadget → `tt.login`; web app → `tt.requestAccess({ appID, scopeList })`, falling back to the legacy
 * `tt.requestAuthCode({ appId })` when requestAccess is missing or answers errno 103 (too old a client).
 */
export async function getAuthCode(params: { appId: string; scopes: readonly string[] }): Promise<AuthCode> {
  const injected = window.tt
  if (injected && isGadget()) return { code: await login(injected), source: 'gadget' }

  await whenReady()
  const tt = window.tt
  if (!tt) throw new FeishuBridgeError('unsupported', { detail: 'window.tt is missing after h5sdk.ready' })
  if (isGadget()) return { code: await login(tt), source: 'gadget' }

  if (typeof tt.requestAccess === 'function') {
    try {
      const code = await onRegisteredPage(() =>
        callForCode((cb) => tt.requestAccess!({ appID: params.appId, scopeList: [...params.scopes], ...cb })),
      )
      return { code, source: 'request_access' }
    } catch (err) {
      if (!(err instanceof FeishuBridgeError && err.errno === ERRNO_FEATURE_NOT_SUPPORTED)) throw err
    }
  }
  if (typeof tt.requestAuthCode === 'function') {
    const code = await onRegisteredPage(() => callForCode((cb) => tt.requestAuthCode!({ appId: params.appId, ...cb })))
    return { code, source: 'request_auth_code' }
  }
  throw new FeishuBridgeError('unsupported', { errno: ERRNO_FEATURE_NOT_SUPPORTED, detail: 'no login JSAPI in this client' })
}
