import { computed, watch, type ComputedRef } from 'vue'
import { createI18n, useI18n } from 'vue-i18n'
import { appName } from '../app-manifest'
import { feishuClientLanguage } from '../feishu'
import enUS from './en-US'
import zhCN from './zh-CN'
import { isAppLocale, toAppLocale, type AppLocale } from './locales'

export { LOCALES, isAppLocale, toAppLocale, type AppLocale } from './locales'
export type { Messages } from './en-US'

export const messages = { 'zh-CN': zhCN, 'en-US': enUS }
export const LOCALE_STORAGE_KEY = 'app-locale'

function readSaved(): string | null {
  try {
    return window.localStorage.getItem(LOCALE_STORAGE_KEY)
  } catch {
    return null // storage can be blocked in some webviews
  }
}

/** A saved choice wins; otherwise the Feishu client's language, then the browser's. */
export function detectLocale(): AppLocale {
  const saved = readSaved()
  if (isAppLocale(saved)) return saved
  return toAppLocale(feishuClientLanguage()) ?? toAppLocale(window.navigator.language) ?? 'zh-CN'
}

export function createAppI18n(locale: AppLocale = detectLocale()) {
  const i18n = createI18n({
    legacy: false,
    locale,
    fallbackLocale: 'en-US',
    messages,
  })
  // <html lang> and the title follow the language, whoever changes it.
  watch(
    () => i18n.global.locale.value,
    (current) => {
      const l = isAppLocale(current) ? current : 'zh-CN'
      document.documentElement.lang = l
      document.title = appName(l)
    },
    { immediate: true },
  )
  return i18n
}

export type AppI18n = ReturnType<typeof createAppI18n>

/** The current UI language and a switch that remembers the choice. */
export function useAppLocale(): { locale: ComputedRef<AppLocale>; setLocale: (next: AppLocale) => void } {
  const { locale: raw } = useI18n({ useScope: 'global' })
  const locale = computed<AppLocale>(() => (isAppLocale(raw.value) ? raw.value : 'zh-CN'))
  function setLocale(next: AppLocale) {
    raw.value = next
    try {
      window.localStorage.setItem(LOCALE_STORAGE_KEY, next)
    } catch {
      // Not remembered, but the switch still applies to this visit.
    }
  }
  return { locale, setLocale }
}
