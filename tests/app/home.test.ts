import { describe, expect, it, vi } from 'vitest'
import * as api from '../../src/api'
import { payrollOnly, wangfang } from './fixtures'
import { waitFor } from './mount-app'
import { usePageHarness } from './page-harness'

vi.mock('../../src/api', async (importOriginal) => (await import('./fake-api')).fakeApiModule(await importOriginal()))

const page = usePageHarness({ me: wangfang })

async function openHome(locale: 'en-US' | 'zh-CN' = 'en-US') {
  const app = await page.open('/', locale)
  await waitFor(() => expect(app.wrapper.find('[data-testid="capability-payroll"]').exists()).toBe(true))
  return app
}

describe('home page', () => {
  it('greets the signed-in person by English name and shows why each capability is or is not available', async () => {
    vi.mocked(api.getCapabilities).mockResolvedValue(payrollOnly)
    const { wrapper, router } = await openHome('en-US')

    expect(router.currentRoute.value.path).toBe('/')
    expect(wrapper.get('[data-testid="home-person"]').text()).toContain('Hello, Wang Fang')
    expect(wrapper.get('[data-testid="layout-person"]').text()).toContain('Wang Fang')

    const payroll = wrapper.get('[data-testid="capability-payroll"]')
    expect(payroll.text()).toContain('Payroll external data')
    expect(payroll.get('[data-testid="capability-status"]').text()).toBe('Available')

    const attendance = wrapper.get('[data-testid="capability-attendance"]')
    expect(attendance.text()).toContain('Attendance archive report')
    expect(attendance.get('[data-testid="capability-status"]').text()).toBe('Not available')
    expect(attendance.get('[data-testid="capability-reason"]').text()).toContain(
      'You need this Feishu role: An attendance admin role in Time & Attendance, with the archive rule inside your data scope.',
    )
    // An available payroll card leads to the datasources; attendance has no page yet.
    expect(payroll.get('[data-testid="capability-open"]').attributes('href')).toBe('/payroll')
    expect(attendance.findAll('a')).toHaveLength(0)
  })

  it('says the same in Chinese, with the role text from app.json', async () => {
    vi.mocked(api.getCapabilities).mockResolvedValue({
      payroll: { available: false, reason: { code: 'no_role', role: 'payroll' } },
      attendance: { available: true, reason: { code: 'ok' } },
    })
    const { wrapper } = await openHome('zh-CN')

    expect(wrapper.get('[data-testid="home-person"]').text()).toContain('你好，王芳')
    const payroll = wrapper.get('[data-testid="capability-payroll"]')
    expect(payroll.text()).toContain('外部算薪数据')
    expect(payroll.get('[data-testid="capability-status"]').text()).toBe('不可用')
    expect(payroll.get('[data-testid="capability-reason"]').text()).toContain(
      '你需要以下飞书角色：飞书人事后台 → 角色配置 中的「外部数据源 - 数据明细」权限',
    )
    const attendance = wrapper.get('[data-testid="capability-attendance"]')
    expect(attendance.text()).toContain('考勤归档报表')
    expect(attendance.get('[data-testid="capability-status"]').text()).toBe('可用')
  })

  it('names a missing user scope with its reason, and a missing app scope with the admin fix', async () => {
    vi.mocked(api.getCapabilities).mockResolvedValue({
      payroll: { available: false, reason: { code: 'scope_missing', scope: 'payroll:external_datasource_record:write' } },
      attendance: { available: false, reason: { code: 'app_scope_missing', scope: 'corehr:employee:read' } },
    })
    const { wrapper } = await openHome('en-US')

    const payroll = wrapper.get('[data-testid="capability-payroll"] [data-testid="capability-reason"]').text()
    expect(payroll).toContain('“payroll:external_datasource_record:write”')
    expect(payroll).toContain('Creates or updates external payroll data records.')
    expect(payroll).toContain('Sign in again and allow it.')
    expect(wrapper.get('[data-testid="capability-payroll"]').text()).toContain('Authorize again')

    const attendance = wrapper.get('[data-testid="capability-attendance"] [data-testid="capability-reason"]').text()
    expect(attendance).toContain('The app itself lacks the permission “corehr:employee:read”')
    expect(attendance).toContain('Resolves employee numbers or work emails in a file to employment IDs')
    expect(attendance).toContain('developer console')
  })

  it('says in Chinese that Feishu could not be reached, and checks again on retry', async () => {
    vi.mocked(api.getCapabilities)
      .mockResolvedValueOnce({
        payroll: { available: false, reason: { code: 'feishu_unavailable' } },
        attendance: { available: false, reason: { code: 'feishu_unavailable' } },
      })
      .mockResolvedValueOnce(payrollOnly)
    const { wrapper } = await openHome('zh-CN')

    const payroll = wrapper.get('[data-testid="capability-payroll"]')
    expect(payroll.text()).toContain('暂时无法连接飞书进行检查')
    await payroll.get('button').trigger('click')
    await waitFor(() => expect(wrapper.get('[data-testid="capability-payroll"]').text()).toContain('可用'))
    expect(api.getCapabilities).toHaveBeenCalledTimes(2)
  })

  it('shows a loading state, then an error with a retry that loads the capabilities', async () => {
    let fail: (err: Error) => void = () => {}
    vi.mocked(api.getCapabilities)
      .mockImplementationOnce(() => new Promise((_resolve, reject) => (fail = reject)))
      .mockResolvedValueOnce(payrollOnly)
    const app = await page.open('/', 'en-US')
    const { wrapper } = app

    await waitFor(() => expect(wrapper.find('[data-testid="capabilities-loading"]').exists()).toBe(true))
    fail(new api.ApiError(0, 'network_error', 'Network Error'))
    await waitFor(() => expect(wrapper.find('[data-testid="capabilities-error"]').exists()).toBe(true))
    expect(wrapper.get('[data-testid="capabilities-error"]').text()).toContain('The server could not be reached')

    await wrapper.get('[data-testid="capabilities-retry"]').trigger('click')
    await waitFor(() => expect(wrapper.find('[data-testid="capability-attendance"]').exists()).toBe(true))
    expect(wrapper.find('[data-testid="capabilities-error"]').exists()).toBe(false)
  })

  it('signs out: deletes the session and shows the sign-in page', async () => {
    vi.mocked(api.getCapabilities).mockResolvedValue(payrollOnly)
    vi.mocked(api.deleteSession).mockResolvedValue(undefined)
    const { wrapper, router } = await openHome('en-US')

    await wrapper.get('[data-testid="sign-out"]').trigger('click')
    await waitFor(() => expect(router.currentRoute.value.name).toBe('sign-in'))
    expect(api.deleteSession).toHaveBeenCalledTimes(1)
    await waitFor(() => expect(wrapper.find('[data-testid="sandbox-chooser"]').exists()).toBe(true))
    expect(wrapper.find('[data-testid="layout-person"]').exists()).toBe(false)
  })
})
