import { describe, expect, it, vi } from 'vitest'
import * as notifyApi from '../../src/api/notify'
import * as jobsApi from '../../src/api/jobs'
import { ApiError } from '../../src/api'
import { wangfang } from './fixtures'
import { JOB_CALLS, NOTIFY_CALLS } from './loud-fakes'
import { waitFor } from './mount-app'
import { usePageHarness } from './page-harness'

vi.mock('../../src/api', async (importOriginal) => (await import('./fake-api')).fakeApiModule(await importOriginal()))
vi.mock('../../src/api/jobs', async (importOriginal) => { const f = await import('./loud-fakes'); return f.loudModule(await importOriginal<object>(), f.JOB_CALLS) })
vi.mock('../../src/api/notify', async (importOriginal) => { const f = await import('./loud-fakes'); return f.loudModule(await importOriginal<object>(), f.NOTIFY_CALLS) })

const page = usePageHarness({ me: wangfang, fakes: [[jobsApi, JOB_CALLS], [notifyApi, NOTIFY_CALLS]] })
const fake = { notify: vi.mocked(notifyApi), jobs: vi.mocked(jobsApi) }

describe('the Feishu messages switch on the jobs page', () => {
  it('shows the person’s choice and turns messages off on the server when switched', async () => {
    fake.jobs.listJobs.mockResolvedValue({ jobs: [], next_cursor: null })
    fake.notify.getNotifySettings.mockResolvedValue({ enabled: true })
    fake.notify.putNotifySettings.mockImplementation(async (s) => s)
    const { wrapper } = await page.open('/jobs')

    const sw = await waitFor(() => { const s = wrapper.get('[data-testid="notify-switch"]'); expect(s.attributes('aria-checked')).toBe('true'); return s })
    expect(wrapper.get('[data-testid="notify-setting"]').text()).toContain('Message me in Feishu about my jobs')
    // In the sandbox, a link to where the cards land (the sandbox's stand-in for her Feishu chat).
    const link = new URL(wrapper.get('[data-testid="notify-sandbox-link"]').attributes('href')!)
    expect(`${link.pathname}?${link.searchParams.toString()}`).toBe('/sandbox/messages?user=wangfang&lang=en-US')
    await sw.trigger('click')
    await waitFor(() => expect(fake.notify.putNotifySettings).toHaveBeenCalledWith({ enabled: false }))
    await waitFor(() => expect(wrapper.get('[data-testid="notify-switch"]').attributes('aria-checked')).toBe('false'))
  })

  it('says so in Chinese when the setting could not be saved, and keeps the switch as the server has it', async () => {
    fake.jobs.listJobs.mockResolvedValue({ jobs: [], next_cursor: null })
    fake.notify.getNotifySettings.mockResolvedValue({ enabled: false })
    fake.notify.putNotifySettings.mockRejectedValue(new ApiError(503, 'feishu_unavailable', 'unavailable'))
    const { wrapper } = await page.open('/jobs', 'zh-CN')

    const sw = await waitFor(() => { const s = wrapper.get('[data-testid="notify-switch"]'); expect(s.attributes('aria-checked')).toBe('false'); return s })
    expect(wrapper.get('[data-testid="notify-setting"]').text()).toContain('在飞书里通知我任务进展')
    await sw.trigger('click')
    await waitFor(() => expect(wrapper.get('[data-testid="notify-save-error"]').text()).toContain('通知设置没有保存。'))
    expect(wrapper.get('[data-testid="notify-switch"]').attributes('aria-checked')).toBe('false')
  })
})
