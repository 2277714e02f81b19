import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createPinia, setActivePinia } from 'pinia'
import { createMemoryHistory } from 'vue-router'
import * as api from '../../src/api'
import { canonicalUrl } from '../../src/modules/canonical-host'
import { createAppRouter } from '../../src/modules/router'
import { expectNoUnexpectedCalls, resetFakeApi } from './fake-api'
import { sandboxConfig } from './fixtures'

vi.mock('../../src/api', async (importOriginal) => (await import('./fake-api')).fakeApiModule(await importOriginal()))

beforeEach(() => {
  resetFakeApi(api)
  setActivePinia(createPinia())
})
afterEach(() => expectNoUnexpectedCalls())

async function open(path: string, origin: string, publicUrl: string) {
  vi.mocked(api.getConfig).mockResolvedValue({ ...sandboxConfig, publicUrl })
  const here = { origin, replace: vi.fn() }
  const history = createMemoryHistory()
  history.replace(path)
  const router = createAppRouter(history, here)
  await router.push(path).catch(() => undefined)
  return { here, router }
}

describe('opening the app on another host than PUBLIC_URL', () => {
  it('moves to the same page on PUBLIC_URL\'s host before sign-in starts', async () => {
    const { here, router } = await open('/sign-in?redirect=%2Fpayroll', 'http://127.0.0.1:3000', 'http://localhost:3000')
    expect(here.replace).toHaveBeenCalledWith('http://localhost:3000/sign-in?redirect=%2Fpayroll')
    // Nothing was shown here, and no session was asked for.
    expect(router.currentRoute.value.matched).toEqual([])
    expect(api.getMe).not.toHaveBeenCalled()
  })

  it('stays when it is already there', async () => {
    const { here, router } = await open('/sign-in', 'http://localhost:3000', 'http://localhost:3000/')
    expect(here.replace).not.toHaveBeenCalled()
    expect(router.currentRoute.value.name).toBe('sign-in')
  })

  it('keeps a path prefix of PUBLIC_URL and ignores an unusable one', () => {
    expect(canonicalUrl('https://hr.example.com/import/', { origin: 'http://10.0.0.5:3000' }, '/jobs/1')).toBe('https://hr.example.com/import/jobs/1')
    expect(canonicalUrl('not a url', { origin: 'http://10.0.0.5:3000' }, '/')).toBeNull()
    expect(canonicalUrl(undefined, { origin: 'http://10.0.0.5:3000' }, '/')).toBeNull()
  })
})
