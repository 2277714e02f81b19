import { useI18n } from 'vue-i18n'
import { ApiError } from '../api'
import { FeishuBridgeError, OAuthCallbackError } from '../feishu'

/** Turns any failure the app knows about into a sentence in the UI language. */
export function useErrorMessage(): (err: unknown) => string {
  const { t, te } = useI18n()
  return (err) => {
    if (err instanceof FeishuBridgeError) return t(err.messageKey, { errno: err.errno ?? '—' })
    if (err instanceof OAuthCallbackError) return t(err.messageKey)
    if (err instanceof ApiError) {
      if (err.status === 0) return t('errors.network')
      const key = `errors.api.${err.code}`
      if (te(key)) return t(key)
      return err.message ? t('errors.withCode', { message: err.message, code: err.code }) : t('errors.unknown')
    }
    return t('errors.unknown')
  }
}
