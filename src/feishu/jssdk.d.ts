// Types for the globals the Feishu H5 JSSDK (and a gadget container) puts on `window`.
// Only src/feishu/ may use them. Shapes from reference/feishu-api.md §2.3.

export interface FeishuJsapiFailure {
  errno?: number
  errString?: string
  errMsg?: string
  /** h5sdk.config / h5sdk.error failures carry errCode instead of (or besides) errno. */
  errCode?: number
}

interface JsapiCallbacks<S> {
  success: (res: S) => void
  fail: (err: FeishuJsapiFailure) => void
  complete?: () => void
}

export interface RequestAccessOptions extends JsapiCallbacks<{ code: string; state?: string; errMsg?: string }> {
  /** Spelled `appID` here (required for web apps) — unlike requestAuthCode's `appId`. */
  appID: string
  scopeList: string[]
  state?: string
}

export interface RequestAuthCodeOptions extends JsapiCallbacks<{ code: string; errMsg?: string }> {
  /** Spelled `appId` here. */
  appId: string
}

export type LoginOptions = JsapiCallbacks<{ code: string; errMsg?: string }>

export interface FeishuTt {
  requestAccess?: (options: RequestAccessOptions) => void
  requestAuthCode?: (options: RequestAuthCodeOptions) => void
  login?: (options: LoginOptions) => void
}

export interface FeishuH5sdk {
  ready: (callback: () => void) => void
  error: (callback: (err: FeishuJsapiFailure) => void) => void
}

declare global {
  interface Window {
    h5sdk?: FeishuH5sdk
    tt?: FeishuTt
  }
}
