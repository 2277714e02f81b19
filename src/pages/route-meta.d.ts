import 'vue-router'

declare module 'vue-router' {
  interface RouteMeta {
    /** Reachable without a session (sign-in, the OAuth callback, 404). */
    public?: boolean
  }
}

export {}
