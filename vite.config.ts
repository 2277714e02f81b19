import { defineConfig } from 'vite'
import vue from '@vitejs/plugin-vue'
import { precompress } from './build/precompress.ts'
import { splitMessages } from './build/split-messages.ts'
import { vueI18nNamedImport } from './build/vue-i18n-named-import.ts'

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
    rollupOptions: {
      // b-validate (Arco's form validator) does not declare itself side-effect free, so Arco's English
      // texts, which only read its default messages, kept the whole validator (~3 KB compressed).
      treeshake: { moduleSideEffects: (id: string) => !/[\\/]b-validate[\\/]/.test(id) },
      output: {
        // The framework and the app's shell in one chunk: left alone, the bundler cut what the first
        // page needs into three or four chunks (vendor shared with lazy pages, icons…), each a round
        // trip and a few KB less compression.
        codeSplitting: {
          groups: [{ name: 'shell', test: /node_modules[\\/](@vue|vue|vue-router|pinia|vue-i18n|@intlify|axios)[\\/]|src[\\/](i18n|feishu)[\\/]/ }],
        },
      },
    },
  },
  server: {
    port: 5173,
    proxy: {
      '/api': { target: `http://127.0.0.1:${apiPort}`, changeOrigin: false },
    },
  },
}))
