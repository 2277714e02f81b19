// Mounts the whole app (App.vue, real router, i18n, Arco, a fresh Pinia) at a path.
import { vi } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { createMemoryHistory } from 'vue-router'
import App from '../../src/App.vue'
import { createAppI18n, type AppLocale } from '../../src/i18n'
import { arcoComponents } from '../../src/modules/arco'
import { createAppRouter } from '../../src/modules/router'
import { useSessionStore } from '../../src/stores/session'

export async function mountApp(path: string, locale: AppLocale = 'en-US') {
  const pinia = createPinia()
  setActivePinia(pinia)
  const history = createMemoryHistory()
  history.replace(path)
  const router = createAppRouter(history)
  const i18n = createAppI18n(locale)
  const wrapper = mount(App, {
    global: { plugins: [pinia, i18n, router, ...arcoComponents] },
    attachTo: document.body,
  })
  await router.isReady().catch(() => undefined)
  await flushPromises()
  return { wrapper, router, i18n, session: useSessionStore(pinia) }
}

/** vi.waitFor with room for a cold transform of a lazily loaded page. */
export function waitFor<T>(check: () => T | Promise<T>): Promise<T> {
  return vi.waitFor(check, { timeout: 5_000, interval: 10 })
}
