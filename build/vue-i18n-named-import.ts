import type { Plugin } from 'vite'

const NAMESPACE_IMPORT = "import * as Vue from 'vue';"

/**
 * vue-i18n 11 imports Vue as a namespace for one look-up (`'currentInstance' in Vue`, which Vue 3.5
 * does not export, so it always ends in `Vue.getCurrentInstance()`). A namespace read by key keeps
 * every Vue export in the bundle (KeepAlive, Suspense, Teleport, hydration…): ~20 KB on the first
 * page. The build gives it a named import with the same behaviour instead. If a vue-i18n update
 * changes that line the build says so, rather than silently growing again.
 */
export function vueI18nNamedImport(): Plugin {
  return {
    name: 'vue-i18n-named-import',
    apply: 'build',
    transform(code, id) {
      if (!/[\\/]vue-i18n[\\/]dist[\\/]vue-i18n\.mjs$/.test(id)) return null
      if (!code.includes(NAMESPACE_IMPORT)) {
        this.warn('vue-i18n no longer imports Vue as a namespace: build/vue-i18n-named-import.ts can go')
        return null
      }
      return { code: code.replace(NAMESPACE_IMPORT, "import { getCurrentInstance as __vueGetCurrentInstance } from 'vue'; const Vue = { getCurrentInstance: __vueGetCurrentInstance };"), map: null }
    },
  }
}
