import type { App } from 'vue'
import { createRouter, createWebHistory, type Router, type RouterHistory } from 'vue-router'
import { routes } from '../pages/routes'
import { useSessionStore } from '../stores/session'

/** Every page but the public ones needs a session; without one, go to sign-in and come back. */
export function createAppRouter(history: RouterHistory = createWebHistory(import.meta.env.BASE_URL)): Router {
  const router = createRouter({ history, routes })
  router.beforeEach(async (to) => {
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
