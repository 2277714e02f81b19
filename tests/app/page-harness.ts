// The set-up every page test shares: loud fakes reset before each test, the person signed in,
// the app mounted through `open`, and no undeclared call allowed after each test.
import { afterEach, beforeEach, expect, vi } from 'vitest'
import type { VueWrapper } from '@vue/test-utils'
import * as api from '../../src/api'
import type { Me } from '../../src/api'
import type { AppLocale } from '../../src/i18n'
import { expectNoUnexpectedCalls, resetFakeApi } from './fake-api'
import { sandboxConfig } from './fixtures'
import { failing, unexpectedCalls } from './loud-fakes'
import { mountApp } from './mount-app'

type Faked = [module: object, names: readonly string[]]

export function usePageHarness(opts: { me: Me; fakes: Faked[] }) {
  let mounted: VueWrapper | null = null

  beforeEach(() => {
    resetFakeApi(api)
    unexpectedCalls.length = 0
    for (const [module, names] of opts.fakes) {
      for (const name of names) vi.mocked((module as Record<string, (...a: unknown[]) => unknown>)[name]!).mockReset().mockImplementation(failing(name))
    }
    window.localStorage.clear()
    window.sessionStorage.clear()
    vi.mocked(api.getConfig).mockResolvedValue(sandboxConfig)
    vi.mocked(api.getMe).mockResolvedValue(opts.me)
  })

  afterEach(() => {
    mounted?.unmount()
    mounted = null
    document.body.innerHTML = ''
    expectNoUnexpectedCalls()
    expect(unexpectedCalls).toEqual([])
  })

  return {
    async open(path: string, locale: AppLocale = 'en-US') {
      const app = await mountApp(path, locale)
      mounted = app.wrapper
      return app
    },
  }
}
