import type { App } from 'vue'
import { createRouter, createWebHistory, START_LOCATION, type Router, type RouterHistory } from 'vue-router'
import { routes } from '../pages/routes'
import { useSessionStore } from '../stores/session'
import { canonicalUrl } from './canonical-host'

/**
 * Every page but the public ones needs a session; without one, go to sign-in and come back. The first
 * navigation on another host than PUBLIC_URL's goes there instead, before anything else happens.
 */
export function createAppRouter(history: RouterHistory = createWebHistory(import.meta.env.BASE_URL), here: Pick<Location, 'origin' | 'replace'> = window.location): Router {
  const router = createRouter({ history, routes })
  router.beforeEach(async (to, from) => {
    // A lazy page's code and messages start loading now, while the host and session are checked,
    // instead of after (on a 150 ms network that is a round trip and a transfer saved).
    for (const record of to.matched) {
      const load = record.components?.default
      if (typeof load === 'function') void (load as () => Promise<unknown>)().catch(() => undefined)
    }
    if (from === START_LOCATION) {
      const target = canonicalUrl((await useSessionStore().loadConfig())?.publicUrl, here, to.fullPath)
      if (target) {
        here.replace(target)
        return false
      }
    }
    if (to.meta.public) return true
    const session = useSessionStore()
    await session.bootstrap()
    if (session.status === 'signed_in') return true
    return { name: 'sign-in', query: { redirect: to.fullPath } }
  })
  return router
}

/** Needs Pinia installed first (the guard uses the session store). */
export function install(app: App): void {
  app.use(createAppRouter())
}
