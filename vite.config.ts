import { defineConfig } from 'vite'
import vue from '@vitejs/plugin-vue'
import { precompress } from './build/precompress'
import { splitMessages } from './build/split-messages'
import { vueI18nNamedImport } from './build/vue-i18n-named-import'

// The dev server proxies the API to the Hono server (scripts/dev.mjs starts both).
const apiPort = Number(process.env.PORT ?? 3000)

export default defineConfig(({ command }) => ({
  plugins: [vue(), splitMessages(), vueI18nNamedImport(), precompress()],
  // vue-i18n: Composition API only, no legacy API or devtools in the bundle. The build ships messages
  // compiled (build/split-messages.ts), so it leaves out the message compiler; the dev server keeps it.
  define: { __VUE_I18N_FULL_INSTALL__: true, __VUE_I18N_LEGACY_API__: false, __INTLIFY_PROD_DEVTOOLS__: false, __INTLIFY_DROP_MESSAGE_COMPILER__: command === 'build' },
  worker: { format: 'es' },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: false,
    chunkSizeWarningLimit: 1500,
  },
  server: {
    port: 5173,
    proxy: {
      '/api': { target: `http://127.0.0.1:${apiPort}`, changeOrigin: false },
    },
  },
}))
