export {
  ERRNO_FEATURE_NOT_SUPPORTED,
  ERRNO_USER_DENIED,
  FeishuBridgeError,
  JSSDK_URL,
  feishuClientLanguage,
  getAuthCode,
  isGadget,
  isInsideFeishu,
  whenReady,
} from './bridge'
export type { AuthCode, AuthCodeSource, FeishuBridgeErrorKind } from './bridge'
export {
  OAuthCallbackError,
  buildAuthorizeUrl,
  openAuthorizePage,
  safeReturnPath,
  startSandboxAuthorization,
  takePendingAuthorization,
} from './sandbox'
export type { OAuthCallbackErrorCode, PendingAuthorization } from './sandbox'
