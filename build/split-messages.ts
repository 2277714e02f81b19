import { resolve } from 'node:path'
import { baseCompile } from '@intlify/message-compiler'
import { build } from 'esbuild'
import type { Plugin } from 'vite'

/** Top-level message areas the first page (sign-in, home, layout, errors) uses; every other area is a page area. */
export const SHELL_AREAS = ['common', 'layout', 'home', 'capability', 'signIn', 'callback', 'notFound', 'feishu', 'errors']
const LOCALES = { 'zh-CN': 'src/i18n/zh-CN.ts', 'en-US': 'src/i18n/en-US.ts' } as const
const PAGES = 'virtual:page-messages/'

type Catalogue = Record<string, unknown>

/** Evaluates a message file (plain data, TypeScript) as `npm run build` sees it now. */
async function loadCatalogue(file: string): Promise<Catalogue> {
  const out = await build({ entryPoints: [resolve(file)], bundle: true, write: false, format: 'esm', platform: 'neutral', logLevel: 'silent' })
  const mod = (await import(`data:text/javascript;base64,${Buffer.from(out.outputFiles[0]!.text).toString('base64')}`)) as { default: Catalogue }
  return mod.default
}

/**
 * Each message compiled now (vue-i18n's JIT AST), so the browser needs no message compiler: the build
 * defines __INTLIFY_DROP_MESSAGE_COMPILER__ and ~17 KB of it stays out of the first page.
 */
function compiled(value: unknown, path: string): unknown {
  if (typeof value === 'string') {
    // A message vue-i18n cannot parse fails the build here, instead of showing its key in the app.
    return baseCompile(value, { jit: true, location: false, onError: (e) => { throw new Error(`${path}: ${e.message}`) } }).ast
  }
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, compiled(v, `${path}.${k}`)]))
  return value
}

const pick = (c: Catalogue, shell: boolean) => compiled(Object.fromEntries(Object.entries(c).filter(([area]) => SHELL_AREAS.includes(area) === shell)), '') as Catalogue

/**
 * Build only: replaces src/i18n/catalogue.ts with the shell's messages inlined and one lazily loaded
 * module of page messages per language, so ~85 % of the messages stay off the first page.
 */
export function splitMessages(): Plugin {
  const catalogue = resolve('src/i18n/catalogue.ts')
  return {
    name: 'split-messages',
    apply: 'build',
    enforce: 'pre',
    resolveId(id) {
      return id.startsWith(PAGES) ? `\0${id}` : null
    },
    async load(id) {
      if (id === catalogue) {
        const start: Record<string, Catalogue> = {}
        for (const [locale, file] of Object.entries(LOCALES)) {
          this.addWatchFile(resolve(file))
          start[locale] = pick(await loadCatalogue(file), true)
        }
        return [
          `export const startMessages = ${JSON.stringify(start)}`,
          `const pages = { 'zh-CN': () => import('${PAGES}zh-CN'), 'en-US': () => import('${PAGES}en-US') }`,
          'export function loadPageMessages(locale) { return pages[locale]().then((m) => m.default) }',
        ].join('\n')
      }
      if (id.startsWith(`\0${PAGES}`)) {
        const locale = id.slice(`\0${PAGES}`.length) as keyof typeof LOCALES
        return `export default ${JSON.stringify(pick(await loadCatalogue(LOCALES[locale]), false))}`
      }
      return null
    },
  }
}
