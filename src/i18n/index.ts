import { computed, watch, type ComputedRef } from 'vue'
import { createI18n, useI18n } from 'vue-i18n'
import { appName } from '../app-manifest'
import { feishuClientLanguage } from '../feishu'
import { loadPageMessages, startMessages } from './catalogue'
import { isAppLocale, toAppLocale, type AppLocale } from './locales'

export { LOCALES, isAppLocale, toAppLocale, type AppLocale } from './locales'
export type { Messages } from './en-US'

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
    messages: startMessages,
  })
  active = i18n
  pagesLoaded.clear()
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

// The app's one i18n instance, and which languages' page messages it holds (see catalogue.ts).
let active: AppI18n | null = null
let pagesWanted = false
const pagesLoaded = new Map<AppLocale, Promise<void>>()

function ensurePages(locale: AppLocale): Promise<void> {
  const i18n = active
  if (!i18n) return Promise.resolve()
  let loading = pagesLoaded.get(locale)
  if (!loading) {
    loading = loadPageMessages(locale).then((pages) => {
      if (pages) i18n.global.mergeLocaleMessage(locale, pages)
    })
    // A failed load (network) is tried again by the next page that needs it.
    loading.catch(() => pagesLoaded.delete(locale))
    pagesLoaded.set(locale, loading)
  }
  return loading
}

/**
 * For lazy routes: the page's code and its messages load together, so a page never shows before
 * its texts (`component: () => withPageMessages(import('./PayrollPage.vue'))`).
 */
export async function withPageMessages<T>(page: Promise<T>): Promise<T> {
  pagesWanted = true
  const locale = active?.global.locale.value
  const [component] = await Promise.all([page, isAppLocale(locale) ? ensurePages(locale) : undefined])
  return component
}

/** The current UI language and a switch that remembers the choice. */
export function useAppLocale(): { locale: ComputedRef<AppLocale>; setLocale: (next: AppLocale) => void } {
  const { locale: raw } = useI18n({ useScope: 'global' })
  const locale = computed<AppLocale>(() => (isAppLocale(raw.value) ? raw.value : 'zh-CN'))
  function setLocale(next: AppLocale) {
    // On a page, its texts in the other language arrive first; then the switch is instant.
    if (pagesWanted) void ensurePages(next).then(() => { raw.value = next }, () => { raw.value = next })
    else raw.value = next
    try {
      window.localStorage.setItem(LOCALE_STORAGE_KEY, next)
    } catch {
      // Not remembered, but the switch still applies to this visit.
    }
  }
  return { locale, setLocale }
}
