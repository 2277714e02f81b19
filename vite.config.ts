import { defineConfig } from 'vite'
import vue from '@vitejs/plugin-vue'
import { precompress } from './build/precompress'

// The dev server proxies the API to the Hono server (scripts/dev.mjs starts both).
const apiPort = Number(process.env.PORT ?? 3000)

export default defineConfig({
  plugins: [vue(), precompress()],
  // vue-i18n: Composition API only, no legacy API or devtools in the bundle.
  define: { __VUE_I18N_FULL_INSTALL__: true, __VUE_I18N_LEGACY_API__: false, __INTLIFY_PROD_DEVTOOLS__: false },
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
})
