import { describe, expect, it, vi } from 'vitest'
import * as api from '../../src/api'
import { payrollOnly, wangfang } from './fixtures'
import { waitFor } from './mount-app'
import { usePageHarness } from './page-harness'

vi.mock('../../src/api', async (importOriginal) => (await import('./fake-api')).fakeApiModule(await importOriginal()))

const PENDING_KEY = 'feishu-oauth-pending'
const redirectUri = `${window.location.origin}/auth/callback`
const page = usePageHarness()

/** What the sandbox chooser leaves behind before leaving for the authorize page. */
function rememberPending(state: string, returnTo = '/') {
  window.sessionStorage.setItem(PENDING_KEY, JSON.stringify({ state, returnTo, redirectUri }))
}

function openCallback(query: string, locale: 'en-US' | 'zh-CN' = 'en-US') {
  return page.open(`/auth/callback?${query}`, locale)
}

describe('the OAuth callback', () => {
  it('refuses a state that does not match the one this tab saved, and never posts the code', async () => {
    rememberPending('a'.repeat(32))
    const { wrapper, router } = await openCallback(`code=stolen-code&state=${'b'.repeat(32)}`)

    await waitFor(() => expect(wrapper.find('[data-testid="callback-error"]').exists()).toBe(true))
    expect(wrapper.get('[data-testid="callback-error"]').text()).toContain('state mismatch')
    expect(api.createSession).not.toHaveBeenCalled()
    expect(router.currentRoute.value.name).toBe('auth-callback')
    // The saved state is single-use: a second try with the right one fails too.
    expect(window.sessionStorage.getItem(PENDING_KEY)).toBeNull()
  })

  it('refuses a callback when no sign-in was started in this tab', async () => {
    const { wrapper } = await openCallback('code=some-code&state=whatever', 'zh-CN')

    await waitFor(() => expect(wrapper.find('[data-testid="callback-error"]').exists()).toBe(true))
    expect(wrapper.get('[data-testid="callback-error"]').text()).toContain('state 不一致')
    expect(api.createSession).not.toHaveBeenCalled()
  })

  it('posts the code with its redirect_uri on a good state and returns to the saved path', async () => {
    const state = 'c'.repeat(32)
    rememberPending(state, '/')
    vi.mocked(api.createSession).mockResolvedValue(wangfang)
    vi.mocked(api.getCapabilities).mockResolvedValue(payrollOnly)
    const { wrapper, router } = await openCallback(`code=good-code&state=${state}`)

    await waitFor(() => expect(router.currentRoute.value.path).toBe('/'))
    expect(api.createSession).toHaveBeenCalledTimes(1)
    expect(api.createSession).toHaveBeenCalledWith({ code: 'good-code', source: 'oauth', redirect_uri: redirectUri })
    await waitFor(() => expect(wrapper.find('[data-testid="home-person"]').exists()).toBe(true))
    expect(wrapper.get('[data-testid="home-person"]').text()).toContain('Wang Fang')
  })

  it('explains a refusal on the authorize page (error=access_denied) and offers the way back to sign-in', async () => {
    const state = 'd'.repeat(32)
    rememberPending(state)
    const { wrapper, router } = await openCallback(`error=access_denied&state=${state}`)

    await waitFor(() => expect(wrapper.find('[data-testid="callback-error"]').exists()).toBe(true))
    expect(wrapper.get('[data-testid="callback-error"]').text()).toContain('You declined the authorization')
    expect(api.createSession).not.toHaveBeenCalled()

    await wrapper.get('[data-testid="callback-error"] button').trigger('click')
    await waitFor(() => expect(router.currentRoute.value.name).toBe('sign-in'))
  })

  it('shows the server’s refusal of the code', async () => {
    const state = 'e'.repeat(32)
    rememberPending(state)
    vi.mocked(api.createSession).mockRejectedValue(new api.ApiError(400, 'invalid_code', 'The code has expired'))
    const { wrapper } = await openCallback(`code=old-code&state=${state}`)

    await waitFor(() => expect(wrapper.find('[data-testid="callback-error"]').exists()).toBe(true))
    expect(wrapper.get('[data-testid="callback-error"]').text()).toContain('The code has expired (code: invalid_code)')
  })
})
