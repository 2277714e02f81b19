import { flushPromises, mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { afterEach, describe, expect, it, vi } from 'vitest'
import ImportFlow from '../../src/components/import/ImportFlow.vue'
import { createAppI18n } from '../../src/i18n'
import { arcoComponents } from '../../src/modules/arco'
import { useImportStore } from '../../src/stores/import'
import { payrollSchema } from './import/fixtures/schemas'

vi.mock('../../src/api/mappings', () => ({
  getMapping: vi.fn(async () => null),
  saveMapping: vi.fn(async () => undefined),
}))

const CSV = [
  'Employee No.,Payroll period,Overtime pay,Remark',
  '000123,2024-01,100,ok',
  '000124,2024-01,abc,not a number',
  '000125,2024-01,12,ok',
  '000126,2024-01,seven,not a number',
  '000127,2024-01,8,ok',
].join('\n')

const waitFor = <T>(check: () => T) => vi.waitFor(check, { timeout: 5_000, interval: 10 })

async function mountWithFile(width: number, csv: string = CSV) {
  ;(window as unknown as { happyDOM: { setViewport(v: { width: number; height: number }): void } }).happyDOM.setViewport({ width, height: 800 })
  setActivePinia(createPinia())
  const wrapper = mount(ImportFlow, {
    props: { schema: payrollSchema, target: { kind: 'payroll', id: 'DS_TEST' } },
    global: { plugins: [createAppI18n('en-US'), ...arcoComponents] },
    attachTo: document.body,
  })
  const input = wrapper.get('[data-test="file"]').element as HTMLInputElement
  Object.defineProperty(input, 'files', { value: [new File([csv], 'pay.csv', { type: 'text/csv' })] })
  await wrapper.get('[data-test="file"]').trigger('change')
  // Every header matches exactly, so there is no mapping step: straight to the grid.
  await waitFor(() => expect(useImportStore().stage).toBe('review'))
  await flushPromises()
  return wrapper
}

afterEach(() => { document.body.innerHTML = '' })

describe('the review grid', () => {
  it('shows every row with the wrong cells marked and a summary', async () => {
    const wrapper = await mountWithFile(1280)
    await waitFor(() => expect(wrapper.findAll('[data-test="row"]')).toHaveLength(5))
    expect(wrapper.get('[data-test="summary"]').text()).toBe('5 rows · 2 with errors · 0 with warnings')
    const bad = wrapper.get('[data-row="1"] [data-field="overtime_pay"]')
    expect(bad.classes()).toContain('is-error')
    expect(bad.attributes('title')).toContain('"abc" is not a number')
    expect(wrapper.get('[data-row="1"] [data-test="problems"]').text()).toContain('Overtime pay: "abc" is not a number')
    expect(wrapper.get('[data-row="0"] [data-field="overtime_pay"]').classes()).not.toContain('is-error')
  })

  it('the error filter shows only the rows with errors', async () => {
    const wrapper = await mountWithFile(1280)
    await waitFor(() => expect(wrapper.findAll('[data-test="row"]')).toHaveLength(5))
    await wrapper.get('[data-test="filter"]').setValue('errors')
    await waitFor(() => expect(wrapper.findAll('[data-test="row"]').map((r) => r.attributes('data-row'))).toEqual(['1', '3']))
  })

  it('editing a cell inline re-validates it and updates the counts', async () => {
    const wrapper = await mountWithFile(1280)
    await waitFor(() => expect(wrapper.findAll('[data-test="row"]')).toHaveLength(5))
    await wrapper.get('[data-row="1"] [data-field="overtime_pay"] button').trigger('click')
    const input = wrapper.get('[data-row="1"] [data-field="overtime_pay"] input')
    expect((input.element as HTMLInputElement).value).toBe('abc')
    await input.setValue('200')
    await input.trigger('keydown', { key: 'Enter' })
    await waitFor(() => expect(wrapper.get('[data-row="1"] [data-field="overtime_pay"]').classes()).not.toContain('is-error'))
    expect(wrapper.get('[data-row="1"] [data-field="overtime_pay"]').text()).toBe('200.00') // what will be sent
    expect(wrapper.get('[data-test="summary"]').text()).toBe('5 rows · 1 with errors · 0 with warnings')
    // Escape leaves a cell as it was.
    await wrapper.get('[data-row="3"] [data-field="overtime_pay"] button').trigger('click')
    await wrapper.get('[data-row="3"] [data-field="overtime_pay"] input').setValue('9')
    await wrapper.get('[data-row="3"] [data-field="overtime_pay"] input').trigger('keydown', { key: 'Escape' })
    expect(wrapper.get('[data-row="3"] [data-field="overtime_pay"]').text()).toBe('seven')
    expect(wrapper.get('[data-test="summary"]').text()).toBe('5 rows · 1 with errors · 0 with warnings')
  })

  it('deleting selected rows removes them', async () => {
    const wrapper = await mountWithFile(1280)
    await waitFor(() => expect(wrapper.findAll('[data-test="row"]')).toHaveLength(5))
    await wrapper.get('[data-row="3"] input[type="checkbox"]').setValue(true)
    await wrapper.get('[data-test="delete"]').trigger('click')
    await waitFor(() => expect(wrapper.findAll('[data-test="row"]')).toHaveLength(4))
    expect(wrapper.get('[data-test="summary"]').text()).toBe('4 rows · 1 with errors · 0 with warnings')
  })

  it('at 375 px the rows become cards with the errors first', async () => {
    const wrapper = await mountWithFile(375)
    await waitFor(() => expect(wrapper.findAll('[data-test="card"]')).toHaveLength(5))
    expect(wrapper.find('[data-test="table"]').exists()).toBe(false)
    const cards = wrapper.findAll('[data-test="card"]')
    expect(cards.slice(0, 2).map((c) => c.classes().includes('has-error'))).toEqual([true, true])
    expect(cards[0]!.text()).toContain('"abc" is not a number')
    expect(cards[2]!.classes()).not.toContain('has-error')
  })
})

const MEANT = [
  'Employee No.,Payroll period,Overtime pay,Remark',
  'Ｅ００１,2024-01,(100),refund', // full-width ID; a negative in parentheses
  'E002,2024-01,"¥1,234.5",ok',
  ',合计,"1,134.5",', // a total row
  'E003,2024-01,12,ok',
].join('\n')

describe('the grid shows what will be sent', () => {
  it('the normalised value in the cell, the cell as written on hover, and a warning where it was reinterpreted', async () => {
    const wrapper = await mountWithFile(1280, MEANT)
    await waitFor(() => expect(wrapper.findAll('[data-test="row"]')).toHaveLength(3))
    const pay = wrapper.get('[data-row="0"] [data-field="overtime_pay"]')
    expect(pay.text()).toBe('-100.00')
    expect(pay.classes()).toContain('is-warning')
    expect(pay.attributes('title')).toContain('Will write -100.00 (the file says “(100)”)')
    expect(pay.attributes('title')).toContain('"(100)" read as -100.00 (parentheses as a minus sign)')
    expect(wrapper.get('[data-row="0"] [data-field="employee_no"]').text()).toBe('E001')
    expect(wrapper.get('[data-row="0"] [data-field="employee_no"]').attributes('title')).toContain('ID "Ｅ００１" changed to "E001"')
    expect(wrapper.get('[data-row="1"] [data-field="overtime_pay"]').text()).toBe('1234.50')
    // A plain cell has nothing to say.
    expect(wrapper.get('[data-row="3"] [data-field="overtime_pay"]').attributes('title')).toBe('')
  })

  it('a total row is left out and said once, with a way to import it anyway', async () => {
    const wrapper = await mountWithFile(1280, MEANT)
    await waitFor(() => expect(wrapper.findAll('[data-test="left-row"]')).toHaveLength(1))
    expect(wrapper.get('[data-test="left-out"]').text()).toContain('Row 4 is a total row (合计 · 1,134.5): not imported.')
    expect(wrapper.get('[data-test="summary"]').text()).toBe('3 rows · 0 with errors · 2 with warnings')
    await wrapper.get('[data-test="include-row"]').trigger('click')
    await waitFor(() => expect(wrapper.findAll('[data-test="row"]')).toHaveLength(4))
    expect(wrapper.find('[data-test="left-out"]').exists()).toBe(false)
    expect(wrapper.get('[data-test="summary"]').text()).toBe('4 rows · 1 with errors · 2 with warnings')
  })

  it('the error report is offered only when there are errors', async () => {
    const clean = await mountWithFile(1280, MEANT)
    await waitFor(() => expect(clean.findAll('[data-test="row"]')).toHaveLength(3))
    expect(clean.find('[data-test="report"]').exists()).toBe(false)
    clean.unmount()
    document.body.innerHTML = ''
    const wrapper = await mountWithFile(1280)
    await waitFor(() => expect(wrapper.findAll('[data-test="row"]')).toHaveLength(5))
    expect(wrapper.find('[data-test="report"]').exists()).toBe(true)
  })

  it('the encoding of a CSV can be chosen beside the detected one, and the file is read again', async () => {
    const wrapper = await mountWithFile(1280, MEANT)
    await waitFor(() => expect(wrapper.findAll('[data-test="row"]')).toHaveLength(3))
    expect(wrapper.get('[data-test="encoding"]').text()).toContain('UTF-8')
    const select = wrapper.get('[data-test="encoding-choice"]')
    expect((select.element as HTMLSelectElement).value).toBe('utf-8')
    expect(select.findAll('option').map((o) => o.attributes('value'))).toEqual(['utf-8', 'gb18030', 'utf-16le', 'big5'])
    await select.setValue('gb18030')
    await waitFor(() => expect(useImportStore().opened?.encoding).toBe('gb18030'))
  })

  it('at 375 px a card shows what will be sent with the cell as written under it', async () => {
    const wrapper = await mountWithFile(375, MEANT)
    await waitFor(() => expect(wrapper.findAll('[data-test="card"]')).toHaveLength(3))
    const first = wrapper.findAll('[data-test="card"]')[0]!
    expect(first.text()).toContain('-100.00')
    expect(first.findAll('[data-test="raw"]').map((r) => r.text())).toEqual(['Ｅ００１', '(100)'])
  })
})

describe('the store hands the worker plain data', () => {
  it('a mapping held in Vue state can be applied (a reactive proxy would fail to cross into the worker)', async () => {
    const wrapper = await mountWithFile(1280)
    const store = useImportStore()
    await store.confirmMapping(store.matches) // store.matches is reactive
    expect(store.stage).toBe('review')
    expect(store.error).toBeNull()
    wrapper.unmount()
  })
})
