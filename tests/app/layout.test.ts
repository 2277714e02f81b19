import { afterEach, describe, expect, it, vi } from 'vitest'
import * as api from '../../src/api'
import { LOCALE_STORAGE_KEY } from '../../src/i18n'
import { followColorScheme } from '../../src/modules/theme'
import { payrollOnly, wangfang } from './fixtures'
import { waitFor } from './mount-app'
import { usePageHarness } from './page-harness'

vi.mock('../../src/api', async (importOriginal) => (await import('./fake-api')).fakeApiModule(await importOriginal()))

const page = usePageHarness()

describe('layout', () => {
  it('shows the app name from app.json and switches language on click, remembering the choice', async () => {
    vi.mocked(api.getMe).mockResolvedValue(wangfang)
    vi.mocked(api.getCapabilities).mockResolvedValue(payrollOnly)
    const { wrapper } = await page.open('/', 'en-US')
    await waitFor(() => expect(wrapper.find('[data-testid="capability-payroll"]').exists()).toBe(true))
    expect(wrapper.get('[data-testid="app-name"]').text()).toBe('Attendance & Payroll Data Import')
    expect(wrapper.get('[data-testid="layout-person"] .app-header__person-name').text()).toBe('Wang Fang')

    await wrapper.get('[data-testid="language-zh-CN"] input').setValue(true)
    await waitFor(() => expect(wrapper.get('[data-testid="app-name"]').text()).toBe('考勤与薪酬数据导入'))
    expect(wrapper.get('[data-testid="layout-person"] .app-header__person-name').text()).toBe('王芳')
    expect(wrapper.get('[data-testid="capability-payroll"]').text()).toContain('外部算薪数据')
    expect(document.documentElement.lang).toBe('zh-CN')
    expect(window.localStorage.getItem(LOCALE_STORAGE_KEY)).toBe('zh-CN')
  })

  it('shows a 404 page for an unknown path, without asking for a session', async () => {
    const { wrapper, router } = await page.open('/no-such-page', 'en-US')
    await waitFor(() => expect(wrapper.text()).toContain('Page not found'))
    expect(wrapper.text()).toContain('There is nothing at /no-such-page.')
    expect(router.currentRoute.value.name).toBe('not-found')
    expect(api.getMe).not.toHaveBeenCalled()
  })
})

describe('dark mode', () => {
  function fakeWindow(dark: boolean) {
    let listener: ((event: { matches: boolean }) => void) | null = null
    const query = {
      matches: dark,
      addEventListener: (_type: string, cb: (event: { matches: boolean }) => void) => (listener = cb),
      removeEventListener: () => (listener = null),
    }
    const win = { matchMedia: (q: string) => (q === '(prefers-color-scheme: dark)' ? query : null), document }
    return { win: win as unknown as Window, change: (matches: boolean) => listener?.({ matches }) }
  }

  afterEach(() => document.body.removeAttribute('arco-theme'))

  it('follows the client’s colour scheme onto <body arco-theme>', () => {
    const { win, change } = fakeWindow(true)
    const stop = followColorScheme(win)
    expect(document.body.getAttribute('arco-theme')).toBe('dark')
    change(false)
    expect(document.body.hasAttribute('arco-theme')).toBe(false)
    change(true)
    expect(document.body.getAttribute('arco-theme')).toBe('dark')
    stop()
  })

  it('stays light when the client is light', () => {
    followColorScheme(fakeWindow(false).win)()
    expect(document.body.hasAttribute('arco-theme')).toBe(false)
  })
})
