import { afterEach, describe, expect, it, vi } from 'vitest'
import * as api from '../../src/api'
import { installWebAppFeishu, uninstallFeishu } from './fake-feishu'
import { SCOPES, liveConfig, payrollOnly, sandboxConfig, wangfang } from './fixtures'
import { waitFor } from './mount-app'
import { usePageHarness } from './page-harness'

vi.mock('../../src/api', async (importOriginal) => (await import('./fake-api')).fakeApiModule(await importOriginal()))

const noSession = () => new api.ApiError(401, 'session_required', 'Sign in first')
// Each test answers getConfig itself: sign-in differs between the sandbox and live.
const page = usePageHarness({ config: null })
const open = (path: string, locale: 'en-US' | 'zh-CN' = 'en-US') => page.open(path, locale)

afterEach(() => {
  uninstallFeishu()
  vi.restoreAllMocks()
})

describe('sign-in outside Feishu against the sandbox', () => {
  it('sends a visitor without a session (getMe answers 401) to the sandbox chooser, remembering where they were going', async () => {
    vi.mocked(api.getConfig).mockResolvedValue(sandboxConfig)
    vi.mocked(api.getMe).mockRejectedValue(noSession())
    const { wrapper, router } = await open('/')

    await waitFor(() => expect(router.currentRoute.value.name).toBe('sign-in'))
    expect(router.currentRoute.value.query.redirect).toBe('/')
    await waitFor(() => expect(wrapper.find('[data-testid="sandbox-chooser"]').exists()).toBe(true))
    const chooser = wrapper.get('[data-testid="sandbox-chooser"]')
    expect(chooser.text()).toContain('Sandbox — sign in as…')
    expect(wrapper.get('[data-testid="sandbox-user-wangfang"]').text()).toContain('Wang Fang')
    expect(wrapper.get('[data-testid="sandbox-user-wangfang"]').text()).toContain('Payroll admin (all departments)')
    expect(wrapper.get('[data-testid="sandbox-user-zhangwei"]').text()).toContain('Attendance admin')
    expect(api.createSession).not.toHaveBeenCalled()
  })

  it('labels the chooser and names the personas in Chinese', async () => {
    vi.mocked(api.getConfig).mockResolvedValue(sandboxConfig)
    const { wrapper } = await open('/sign-in', 'zh-CN')

    await waitFor(() => expect(wrapper.find('[data-testid="sandbox-chooser"]').exists()).toBe(true))
    expect(wrapper.get('[data-testid="sandbox-chooser"]').text()).toContain('沙箱环境 — 选择登录身份')
    expect(wrapper.get('[data-testid="sandbox-user-wangfang"]').text()).toContain('王芳')
    expect(wrapper.get('[data-testid="sandbox-user-wangfang"]').text()).toContain('薪酬管理员（全部部门）')
  })

  it('goes to the sandbox authorize page with the app, callback, scopes, a fresh state and the chosen persona', async () => {
    vi.mocked(api.getConfig).mockResolvedValue(sandboxConfig)
    const assign = vi.spyOn(window.location, 'assign').mockImplementation(() => {})
    const { wrapper } = await open('/sign-in?redirect=%2Freports%3Fmonth%3D2025-06')

    await waitFor(() => expect(wrapper.find('[data-testid="sandbox-user-zhangwei"]').exists()).toBe(true))
    await wrapper.get('[data-testid="sandbox-user-zhangwei"]').trigger('click')

    expect(assign).toHaveBeenCalledTimes(1)
    const url = new URL(String(assign.mock.calls[0]![0]))
    expect(`${url.origin}${url.pathname}`).toBe(sandboxConfig.sandbox!.authorizeUrl)
    expect(url.searchParams.get('client_id')).toBe('cli_sandbox_app')
    expect(url.searchParams.get('response_type')).toBe('code')
    expect(url.searchParams.get('redirect_uri')).toBe(`${window.location.origin}/auth/callback`)
    expect(url.searchParams.get('scope')).toBe(SCOPES.join(' '))
    expect(url.searchParams.get('login_hint')).toBe('zhangwei')
    const state = url.searchParams.get('state')
    expect(state).toMatch(/^[0-9a-f]{32}$/)

    const pending = JSON.parse(window.sessionStorage.getItem('feishu-oauth-pending') ?? 'null')
    expect(pending).toEqual({
      state,
      returnTo: '/reports?month=2025-06',
      redirectUri: `${window.location.origin}/auth/callback`,
    })
  })

  it('uses a new state for every attempt', async () => {
    vi.mocked(api.getConfig).mockResolvedValue(sandboxConfig)
    const assign = vi.spyOn(window.location, 'assign').mockImplementation(() => {})
    const { wrapper } = await open('/sign-in')
    await waitFor(() => expect(wrapper.find('[data-testid="sandbox-user-wangfang"]').exists()).toBe(true))

    await wrapper.get('[data-testid="sandbox-user-wangfang"]').trigger('click')
    await wrapper.get('[data-testid="sandbox-user-wangfang"]').trigger('click')
    const states = assign.mock.calls.map((call) => new URL(String(call[0])).searchParams.get('state'))
    expect(states[0]).not.toBe(states[1])
  })

  it('never returns to another site after sign-in', async () => {
    vi.mocked(api.getConfig).mockResolvedValue(sandboxConfig)
    vi.spyOn(window.location, 'assign').mockImplementation(() => {})
    const { wrapper } = await open('/sign-in?redirect=%2F%2Fevil.example%2Fphish')
    await waitFor(() => expect(wrapper.find('[data-testid="sandbox-user-wangfang"]').exists()).toBe(true))

    await wrapper.get('[data-testid="sandbox-user-wangfang"]').trigger('click')
    expect(JSON.parse(window.sessionStorage.getItem('feishu-oauth-pending') ?? '{}').returnTo).toBe('/')
  })
})

describe('sign-in outside Feishu against live Feishu', () => {
  it('asks to open the app from the Feishu workbench and offers no persona', async () => {
    vi.mocked(api.getConfig).mockResolvedValue(liveConfig)
    vi.mocked(api.getMe).mockRejectedValue(noSession())
    const { wrapper } = await open('/')

    await waitFor(() => expect(wrapper.find('[data-testid="open-in-feishu"]').exists()).toBe(true))
    expect(wrapper.get('[data-testid="open-in-feishu"]').text()).toContain('Open this app from the Feishu workbench')
    expect(wrapper.find('[data-testid="sandbox-chooser"]').exists()).toBe(false)
  })
})

describe('sign-in inside Feishu', () => {
  it('answers a 401 from getMe by getting a code with requestAccess and creating a session, then shows home', async () => {
    const feishu = installWebAppFeishu({ requestAccess: { code: 'code-from-feishu' } })
    vi.mocked(api.getConfig).mockResolvedValue(liveConfig)
    vi.mocked(api.getMe).mockRejectedValue(noSession())
    vi.mocked(api.createSession).mockResolvedValue(wangfang)
    vi.mocked(api.getCapabilities).mockResolvedValue(payrollOnly)
    const { wrapper, router } = await open('/')

    await waitFor(() => expect(wrapper.find('[data-testid="home-person"]').exists()).toBe(true))
    expect(router.currentRoute.value.path).toBe('/')
    expect(feishu.requestAccess).toHaveBeenCalledWith(
      expect.objectContaining({ appID: 'cli_live_app', scopeList: SCOPES }),
    )
    expect(api.createSession).toHaveBeenCalledWith({ code: 'code-from-feishu', source: 'request_access' })
    expect(wrapper.get('[data-testid="home-person"]').text()).toContain('Wang Fang')
  })

  it('when the person refuses (errno 107), says what the app needs and why, and retries on request', async () => {
    const feishu = installWebAppFeishu({ requestAccess: { fail: { errno: 107, errString: 'user permission denied' } } })
    vi.mocked(api.getConfig).mockResolvedValue(liveConfig)
    vi.mocked(api.getMe).mockRejectedValue(noSession())
    const { wrapper, router } = await open('/')

    await waitFor(() => expect(wrapper.find('[data-testid="feishu-denied"]').exists()).toBe(true))
    expect(router.currentRoute.value.name).toBe('sign-in')
    const denied = wrapper.get('[data-testid="feishu-denied"]').text()
    expect(denied).toContain('You declined the authorization')
    expect(denied).toContain('payroll:external_datasource_record:write')
    expect(denied).toContain('Creates or updates external payroll data records.')
    expect(denied).toContain('Keeps long write jobs running after you leave the page')
    expect(feishu.requestAccess).toHaveBeenCalledTimes(1) // not asked again on its own

    await wrapper.get('[data-testid="feishu-retry"]').trigger('click')
    await waitFor(() => expect(feishu.requestAccess).toHaveBeenCalledTimes(2))
    expect(api.createSession).not.toHaveBeenCalled()
  })

  it('shows a clear error with a retry when the server refuses the code', async () => {
    installWebAppFeishu({ requestAccess: { code: 'stale-code' } })
    vi.mocked(api.getConfig).mockResolvedValue(liveConfig)
    vi.mocked(api.getMe).mockRejectedValue(noSession())
    vi.mocked(api.createSession)
      .mockRejectedValueOnce(new api.ApiError(400, 'invalid_code', 'The authorization code is invalid or expired'))
      .mockResolvedValueOnce(wangfang)
    vi.mocked(api.getCapabilities).mockResolvedValue(payrollOnly)
    const { wrapper, router } = await open('/', 'zh-CN')

    await waitFor(() => expect(wrapper.find('[data-testid="feishu-failed"]').exists()).toBe(true))
    expect(wrapper.get('[data-testid="feishu-failed"]').text()).toContain('无法通过飞书登录')
    expect(wrapper.get('[data-testid="feishu-failed"]').text()).toContain('invalid_code')

    await wrapper.get('[data-testid="feishu-retry"]').trigger('click')
    await waitFor(() => expect(router.currentRoute.value.path).toBe('/'))
    await waitFor(() => expect(wrapper.find('[data-testid="home-person"]').exists()).toBe(true))
  })
})
