import { describe, expect, it, vi } from 'vitest'
import { mount, type VueWrapper } from '@vue/test-utils'
import * as jobsApi from '../../src/api/jobs'
import * as payrollApi from '../../src/api/payroll'
import type { PayrollDatasource } from '../../src/api/payroll'
import PayrollPeriodPicker from '../../src/components/payroll/PayrollPeriodPicker.vue'
import type { JobSummary, PayrollKey } from '../../src/domain/jobs'
import { i18nText, payrollTarget, type FeishuDatasource } from '../../src/domain/payroll'
import { createAppI18n } from '../../src/i18n'
import { JOB_CALLS, PAYROLL_CALLS } from './loud-fakes'
import { usePageHarness } from './page-harness'
import { jobCounts, jobSummary, wangfang } from './fixtures'
import { periodPart } from './payroll-fixtures'
import { waitFor } from './mount-app'

vi.mock('../../src/api', async (importOriginal) => (await import('./fake-api')).fakeApiModule(await importOriginal()))
vi.mock('../../src/api/payroll', async (importOriginal) => { const f = await import('./loud-fakes'); return f.loudModule(await importOriginal<object>(), f.PAYROLL_CALLS) })
vi.mock('../../src/api/jobs', async (importOriginal) => { const f = await import('./loud-fakes'); return f.loudModule(await importOriginal<object>(), f.JOB_CALLS) })
vi.mock('../../src/api/mappings', () => ({ getMapping: vi.fn(async () => null), saveMapping: vi.fn(async () => undefined) }))
// The diff step's checks (their own tests: payroll-checks.test.ts) find nothing to warn about here.
vi.mock('../../src/api/payroll-checks', () => ({ periodGuard: vi.fn(async () => ({ state: 'open', activities: [] })) }))


const n = (zh: string, en: string) => [{ locale: 'zh_cn', value: zh }, { locale: 'en_us', value: en }]
function fromFeishu(ds: FeishuDatasource): PayrollDatasource {
  return {
    code: ds.code, names: i18nText(ds.i18n_names, ds.code), active: ds.active_status === 1, period_type: ds.data_period_type ?? null, description: null,
    fields: ds.fields.map((f) => ({ code: f.code, names: i18nText(f.i18n_names, f.code), field_type: f.field_type as 1, decimal_places: f.decimal_places ?? null, active: f.active_status === 1 })),
    schema: payrollTarget(ds),
  }
}
const overtime = fromFeishu({
  code: 'overtime__c', i18n_names: n('每日加班', 'Daily overtime'), active_status: 1, data_period_type: 2,
  fields: [
    { code: 'employment_id', i18n_names: n('雇佣 ID', 'Employment ID'), field_type: 3, active_status: 1 },
    { code: 'occur_day', i18n_names: n('数据发生日期', 'Occur day'), field_type: 4, active_status: 1 },
    { code: 'hours__c', i18n_names: n('加班时长', 'Overtime hours'), field_type: 2, active_status: 1, decimal_places: 1 },
  ],
})
const project = fromFeishu({
  code: 'project__c', i18n_names: n('项目奖金', 'Project bonus'), active_status: 1, data_period_type: 3,
  fields: [
    { code: 'employment_id', i18n_names: n('雇佣 ID', 'Employment ID'), field_type: 3, active_status: 1 },
    { code: 'custom_start', i18n_names: n('自定义周期开始', 'Custom start'), field_type: 4, active_status: 1 },
    { code: 'custom_end', i18n_names: n('自定义周期结束', 'Custom end'), field_type: 4, active_status: 1 },
    { code: 'amount__c', i18n_names: n('项目奖金', 'Project bonus'), field_type: 1, active_status: 1, decimal_places: 2 },
  ],
})

const page = usePageHarness({ me: wangfang, fakes: [[payrollApi, PAYROLL_CALLS], [jobsApi, JOB_CALLS]] })
const open = (path: string, locale: 'en-US' | 'zh-CN' = 'en-US') => page.open(path, locale)

const T0 = Date.UTC(2026, 2, 9, 1, 0, 0)
function job(target: JobSummary['target'], done = false): JobSummary {
  return jobSummary({
    id: 'job-9', status: done ? 'succeeded' : 'queued', target, counts: jobCounts(done ? { succeeded: 2 } : { pending: 2 }),
    affect_count: done ? 2 : 0, calls: done ? 2 : 0, source: { file_name: 'ids.csv' }, created_at: T0, updated_at: T0, started_at: done ? T0 : null, finished_at: done ? T0 + 1000 : null,
  })
}

async function uploadAndCompare(wrapper: VueWrapper, csv: string) {
  const input = wrapper.get('[data-test="file"]').element as HTMLInputElement
  Object.defineProperty(input, 'files', { value: [new File([csv], 'ids.csv', { type: 'text/csv' })] })
  await wrapper.get('[data-test="file"]').trigger('change')
  await waitFor(() => expect(wrapper.find('[data-testid="payroll-ready"]').exists()).toBe(true))
  await wrapper.get('[data-testid="payroll-compare"]').trigger('click')
  await waitFor(() => expect(wrapper.find('[data-testid="payroll-diff"]').exists()).toBe(true))
}

describe('the period picker', () => {
  function mountPicker(periodType: 1 | 2 | 3, key: PayrollKey, locale: 'en-US' | 'zh-CN' = 'en-US') {
    const wrapper = mount(PayrollPeriodPicker, {
      props: { periodType, modelValue: key, 'onUpdate:modelValue': (k: PayrollKey) => wrapper.setProps({ modelValue: k }) },
      global: { plugins: [createAppI18n(locale)] },
    })
    return wrapper
  }

  it('asks for a month for a payroll-period datasource', async () => {
    const w = mountPicker(1, { payroll_period: '2026-03' })
    expect((w.get('[data-testid="payroll-period"]').element as HTMLInputElement).type).toBe('month')
    expect(w.find('[data-testid="payroll-occur-day"]').exists()).toBe(false)
    await w.get('[data-testid="payroll-period"]').setValue('1969-12')
    expect(w.emitted('update:modelValue')!.at(-1)).toEqual([{ payroll_period: '1969-12' }])
    expect(w.get('[data-testid="payroll-period-problem"]').text()).toBe('Feishu accepts payroll periods from 1970-01 on.')
  })

  it('asks for one day for an occur-day datasource, and says when it is not a day', async () => {
    const w = mountPicker(2, { occur_day: '2026-03-09' })
    const input = w.get('[data-testid="payroll-occur-day"]')
    expect((input.element as HTMLInputElement).type).toBe('date')
    expect((input.element as HTMLInputElement).value).toBe('2026-03-09')
    expect(w.text()).toContain('Occur day')
    expect(w.find('[data-testid="payroll-period-problem"]').exists()).toBe(false)
    await input.setValue('')
    expect(w.emitted('update:modelValue')!.at(-1)).toEqual([{ occur_day: '' }])
    expect(w.get('[data-testid="payroll-period-problem"]').text()).toBe('Choose a day (yyyy-mm-dd).')
  })

  it('asks for a start and an end day for a custom-period datasource, and refuses an end before the start', async () => {
    const w = mountPicker(3, { custom_start: '2026-03-01', custom_end: '2026-03-31' })
    expect(w.find('[data-testid="payroll-period"]').exists()).toBe(false)
    expect(w.get('[data-testid="payroll-custom-end"]').attributes('min')).toBe('2026-03-01')
    await w.get('[data-testid="payroll-custom-end"]').setValue('2026-02-28')
    expect(w.emitted('update:modelValue')!.at(-1)).toEqual([{ custom_start: '2026-03-01', custom_end: '2026-02-28' }])
    const problem = w.get('[data-testid="payroll-period-problem"]')
    expect(problem.attributes('data-problem')).toBe('end_before_start')
    expect(problem.text()).toBe('The end cannot be before the start.')
    expect(w.get('[data-testid="payroll-custom-end"]').attributes('aria-invalid')).toBe('true')
    await w.get('[data-testid="payroll-custom-start"]').setValue('2026-02-01')
    expect(w.find('[data-testid="payroll-period-problem"]').exists()).toBe(false)
  })

  it('speaks Chinese too', () => {
    const w = mountPicker(3, { custom_start: '2026-03-10', custom_end: '2026-03-01' }, 'zh-CN')
    expect(w.text()).toContain('自定义数据周期')
    expect(w.text()).toContain('开始日期')
    expect(w.get('[data-testid="payroll-period-problem"]').text()).toBe('结束日期不能早于开始日期。')
    expect(mountPicker(2, { occur_day: '2026-03-09' }, 'zh-CN').text()).toContain('数据发生日期')
  })
})

describe('importing into occur-day and custom-period datasources', () => {
  it('lists them as writable', async () => {
    vi.mocked(payrollApi.listDatasources).mockResolvedValue([overtime, project])
    const { wrapper } = await open('/payroll')
    await waitFor(() => expect(wrapper.findAll('[data-testid="payroll-source"]')).toHaveLength(2))
    for (const card of wrapper.findAll('[data-testid="payroll-source"]')) {
      expect(card.attributes('data-writable')).toBe('true')
      expect(card.find('[data-testid="payroll-source-open"]').exists()).toBe(true)
    }
    expect(wrapper.text()).toContain('By occur day')
  })

  it('compares and writes an occur-day file for the chosen day', async () => {
    vi.mocked(payrollApi.listDatasources).mockResolvedValue([overtime])
    vi.mocked(payrollApi.periodRecords).mockImplementation(periodPart({ 701: { active_status: 1, values: { hours__c: '1.5' } } }, {}, (body) => expect(body).toEqual({ source_code: 'overtime__c', occur_day: '2026-03-09' })))
    vi.mocked(jobsApi.createJob).mockImplementation(async (body) => {
      expect(body.target).toEqual({ type: 'payroll', source_code: 'overtime__c', occur_day: '2026-03-09' })
      expect(body.rows).toEqual([
        { row: 2, employment_id: '701', active_status: 1, values: { hours__c: '2.0' } },
        { row: 3, employment_id: '702', active_status: 1, values: { hours__c: '3.0' } },
      ])
      return job(body.target)
    })
    vi.mocked(jobsApi.getJob).mockImplementation(async () => ({ job: job({ type: 'payroll', source_code: 'overtime__c', occur_day: '2026-03-09' }, true), rows: [], next_cursor: null }))
    const { wrapper } = await open('/payroll/overtime__c')
    await waitFor(() => expect(wrapper.find('[data-testid="payroll-import"]').exists()).toBe(true))
    expect(wrapper.find('[data-testid="payroll-source-blocked-page"]').exists()).toBe(false)
    await wrapper.get('[data-testid="payroll-identify-employment_id"]').find('input').setValue(true)
    await wrapper.get('[data-testid="payroll-occur-day"]').setValue('2026-03-09')
    await uploadAndCompare(wrapper, 'Employment ID,Overtime hours\n701,2.0\n702,3.0')
    expect(wrapper.get('[data-testid="payroll-diff"]').text()).toContain('2026-03-09')
    expect(wrapper.get('[data-testid="diff-count-new"]').text()).toContain('1')
    expect(wrapper.get('[data-testid="diff-count-changed"]').text()).toContain('1')
    await wrapper.get('[data-testid="diff-submit"]').trigger('click')
    await waitFor(() => expect(wrapper.find('[data-testid="payroll-reconcile"]').exists()).toBe(true))
    expect(vi.mocked(jobsApi.createJob)).toHaveBeenCalledTimes(1)
  })

  it('compares a custom-period file for the chosen start and end, and will not compare while the end is before the start', async () => {
    vi.mocked(payrollApi.listDatasources).mockResolvedValue([project])
    vi.mocked(payrollApi.periodRecords).mockImplementation(periodPart({}, {}, (body) => expect(body).toEqual({ source_code: 'project__c', custom_start: '2026-03-01', custom_end: '2026-04-15' })))
    const { wrapper } = await open('/payroll/project__c')
    await waitFor(() => expect(wrapper.find('[data-testid="payroll-import"]').exists()).toBe(true))
    await wrapper.get('[data-testid="payroll-identify-employment_id"]').find('input').setValue(true)
    await wrapper.get('[data-testid="payroll-custom-start"]').setValue('2026-03-01')
    await wrapper.get('[data-testid="payroll-custom-end"]').setValue('2026-02-01')
    const input = wrapper.get('[data-test="file"]').element as HTMLInputElement
    Object.defineProperty(input, 'files', { value: [new File(['Employment ID,Project bonus\n701,10'], 'ids.csv', { type: 'text/csv' })] })
    await wrapper.get('[data-test="file"]').trigger('change')
    await waitFor(() => expect(wrapper.find('[data-testid="payroll-ready"]').exists()).toBe(true))
    expect(wrapper.get('[data-testid="payroll-compare"]').attributes('disabled')).toBeDefined()
    await wrapper.get('[data-testid="payroll-custom-end"]').setValue('2026-04-15')
    await waitFor(() => expect(wrapper.get('[data-testid="payroll-compare"]').attributes('disabled')).toBeUndefined())
    expect(wrapper.get('[data-testid="payroll-compare"]').text()).toContain('2026-03-01 – 2026-04-15')
    await wrapper.get('[data-testid="payroll-compare"]').trigger('click')
    await waitFor(() => expect(wrapper.find('[data-testid="payroll-diff"]').exists()).toBe(true))
    expect(wrapper.get('[data-testid="diff-count-new"]').text()).toContain('1')
  })
})
