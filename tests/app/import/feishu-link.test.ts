import { flushPromises, mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { afterEach, describe, expect, it, vi } from 'vitest'
import ImportFlow from '../../../src/components/import/ImportFlow.vue'
import type { SourceLine } from '../../../src/domain/feishu-source'
import { createAppI18n } from '../../../src/i18n'
import { arcoComponents } from '../../../src/modules/arco'
import { useImportStore } from '../../../src/stores/import'
import { payrollSchema } from './fixtures/schemas'

vi.mock('../../../src/api/mappings', () => ({
  getMapping: vi.fn(async () => null),
  saveMapping: vi.fn(async () => undefined),
}))

const LINK = 'https://acme.feishu.cn/sheets/shtcnAbcdef123456?sheet=s1'
const waitFor = <T>(check: () => T) => vi.waitFor(check, { timeout: 5_000, interval: 10 })

/** The server's reader as the worker sees it: one expected request, NDJSON lines back; anything else throws. */
function fakeReader(lines: SourceLine[]) {
  const calls: Array<{ url: string; body: string }> = []
  const fetch = vi.fn(async (url: string, init: RequestInit) => {
    if (url !== '/api/sources/feishu/read' || init.method !== 'POST') throw new Error(`unexpected fetch ${init.method} ${url}`)
    calls.push({ url, body: String(init.body) })
    const text = lines.map((l) => `${JSON.stringify(l)}\n`).join('')
    return new Response(new Blob([text]).stream(), { status: 200, headers: { 'content-type': 'application/x-ndjson' } })
  })
  vi.stubGlobal('fetch', fetch)
  return calls
}

function noFetch() {
  vi.stubGlobal('fetch', vi.fn(async (url: string) => { throw new Error(`unexpected fetch ${url}`) }))
}

function mountFlow(locale: 'zh-CN' | 'en-US') {
  setActivePinia(createPinia())
  return mount(ImportFlow, {
    props: { schema: payrollSchema, target: { kind: 'payroll', id: 'DS_TEST' } },
    global: { plugins: [createAppI18n(locale), ...arcoComponents] },
    attachTo: document.body,
  })
}

async function paste(wrapper: ReturnType<typeof mountFlow>, link: string) {
  await wrapper.get('[data-test="feishu-link"]').setValue(link)
  await wrapper.get('[data-test="feishu-link-form"]').trigger('submit')
  await flushPromises()
}

afterEach(() => {
  document.body.innerHTML = ''
  vi.unstubAllGlobals()
})

describe('pasting a Feishu link on the import step', () => {
  it('says at once, in the person’s language, that a text is not a Feishu link or not a sheet — without asking the server', async () => {
    noFetch()
    const zh = mountFlow('zh-CN')
    await paste(zh, 'https://example.com/sheets/abc')
    expect(zh.get('[data-test="file-error"]').text()).toContain('这不是飞书链接')
    await paste(zh, 'https://acme.feishu.cn/docx/doxcnAbcdef123')
    expect(zh.get('[data-test="file-error"]').text()).toContain('不是电子表格或多维表格')
    zh.unmount()
    const en = mountFlow('en-US')
    await paste(en, 'not a link at all')
    expect(en.get('[data-test="file-error"]').text()).toContain('This is not a Feishu link')
  })

  it('reads the rows the server streams into the same review grid a file gives, sending the link in the body only', async () => {
    const calls = fakeReader([
      { type: 'meta', kind: 'sheet', title: '九月加班', part: '明细', totalRows: 4, columns: 5, merges: [] },
      { type: 'rows', start: 1, rows: [['Employee No.', 'Payroll period', 'Overtime pay', 'Paid on', 'Remark'], ['000123', '2024-01', 100.5, '2024/02/05', 'ok'], ['000124', '2024-01', 'abc']] },
      // A row as Feishu writes it and the server passes it on: rich text as segments, empty cells kept.
      { type: 'rows', start: 4, rows: [['000125', '2024-01', 7, null, [{ type: 'text', text: '见 ' }, { type: 'url', text: 'https://x.cn', link: 'https://x.cn' }], null]] as never },
      { type: 'progress', rowsRead: 4, totalRows: 4 },
      { type: 'done', rowsRead: 4 },
    ])
    const wrapper = mountFlow('en-US')
    await paste(wrapper, LINK)
    await waitFor(() => expect(useImportStore().stage).toBe('review'))
    await flushPromises()
    expect(calls).toHaveLength(1)
    expect(JSON.parse(calls[0]!.body)).toEqual({ link: LINK })
    expect(useImportStore().file?.name).toBe('九月加班 · 明细')
    await waitFor(() => expect(wrapper.findAll('[data-test="row"]')).toHaveLength(3))
    expect(wrapper.get('[data-row="2"] [data-field="remark"]').text()).toBe('见 https://x.cn')
    // 000123 stays text, the date Feishu shows is a date, "abc" is not money.
    expect(wrapper.get('[data-row="0"] [data-field="employee_no"]').text()).toBe('000123')
    expect(wrapper.get('[data-row="0"] [data-field="paid_on"]').text()).toBe('2024-02-05')
    expect(wrapper.get('[data-row="1"] [data-field="overtime_pay"]').classes()).toContain('is-error')
  })

  it('names what to do when Feishu refuses the document, in both languages', async () => {
    for (const [locale, text] of [['zh-CN', '请让文档所有者把它分享给你'], ['en-US', 'Ask its owner to share it with you']] as const) {
      fakeReader([{ type: 'error', code: 'no_access', feishuCode: 1310213 }])
      const wrapper = mountFlow(locale)
      await paste(wrapper, LINK)
      await waitFor(() => expect(wrapper.find('[data-test="file-error"]').exists()).toBe(true))
      expect(wrapper.get('[data-test="file-error"]').text()).toContain(text)
      expect(useImportStore().stage).toBe('idle')
      wrapper.unmount()
      vi.unstubAllGlobals()
    }
  })

  it('treats a stream that ends without its last line as Feishu being unreachable, not as a short sheet', async () => {
    fakeReader([
      { type: 'meta', kind: 'sheet', title: 'T', part: 'S', totalRows: 5000, columns: 2, merges: [] },
      { type: 'rows', start: 1, rows: [['Employee No.', 'Payroll period'], ['000123', '2024-01']] },
    ])
    const wrapper = mountFlow('en-US')
    await paste(wrapper, LINK)
    await waitFor(() => expect(wrapper.find('[data-test="file-error"]').exists()).toBe(true))
    expect(wrapper.get('[data-test="file-error"]').text()).toContain('Feishu could not be reached')
  })
})
