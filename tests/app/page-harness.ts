// The set-up every page test shares: loud fakes reset before each test, storage cleared, the
// config (and, when given, the person) answered, the app mounted through `open`, and no
// undeclared call allowed after each test.
import { afterEach, beforeEach, vi } from 'vitest'
import type { VueWrapper } from '@vue/test-utils'
import * as api from '../../src/api'
import type { AppConfig, Me } from '../../src/api'
import type { AppLocale } from '../../src/i18n'
import { resetFakeApi } from './fake-api'
import { sandboxConfig } from './fixtures'
import { expectNoUnexpectedCalls, resetLoud } from './loud-fakes'
import { mountApp } from './mount-app'

type Faked = [module: object, names: readonly string[]]

export interface PageHarnessOptions {
  /** The signed-in person getMe answers with; leave out to let each test answer getMe. */
  me?: Me
  /** What getConfig answers (the sandbox config by default); null to let each test answer it. */
  config?: AppConfig | null
  /** Other mocked src/api modules and the endpoints of each to fake loudly. */
  fakes?: Faked[]
}

export function usePageHarness(opts: PageHarnessOptions = {}) {
  let mounted: VueWrapper | null = null

  beforeEach(() => {
    resetFakeApi(api)
    for (const [module, names] of opts.fakes ?? []) resetLoud(module, names)
    window.localStorage.clear()
    window.sessionStorage.clear()
    const config = opts.config === undefined ? sandboxConfig : opts.config
    if (config) vi.mocked(api.getConfig).mockResolvedValue(config)
    if (opts.me) vi.mocked(api.getMe).mockResolvedValue(opts.me)
  })

  afterEach(() => {
    mounted?.unmount()
    mounted = null
    document.body.innerHTML = ''
    expectNoUnexpectedCalls()
  })

  return {
    async open(path: string, locale: AppLocale = 'en-US') {
      const app = await mountApp(path, locale)
      mounted = app.wrapper
      return app
    },
  }
}
