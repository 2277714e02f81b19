import { describe, expect, it } from 'vitest'
import { approvalForm, FORM_WIDGETS, reviewLink } from '../../server/approval/form'

const widgets = (form: string) => Object.fromEntries((JSON.parse(form) as Array<{ id: string; value: string }>).map((w) => [w.id, w.value]))

describe('the approval form the approver reads in Feishu', () => {
  it('names the rows of the file that will not be written as "excluded", in both languages, next to the diff counts', () => {
    const form = widgets(approvalForm({ target: 'bonus__c · 2025-06', counts: { new: 3, changed: 2, unchanged: 1 }, totals: [] }, { file_name: 'june.xlsx', file_sha256: 'c'.repeat(64), excluded: 7 }, 'https://app/review/j1'))
    expect(form[FORM_WIDGETS.counts]).toBe('新增 3 · 变更 2 · 不变 1 · 排除 7\nNew 3 · Changed 2 · Unchanged 1 · Excluded 7')
    expect(form[FORM_WIDGETS.file]).toBe(`june.xlsx · SHA-256 ${'c'.repeat(64)}`)
  })

  it('links to the read-only diff: the app itself in the sandbox, the AppLink that opens the web app at /review/<id> inside Feishu or Lark', () => {
    expect(reviewLink({ mode: 'sandbox', appId: 'cli_x', publicUrl: 'http://localhost:5173' }, 'j1')).toBe('http://localhost:5173/review/j1')
    const feishu = new URL(reviewLink({ mode: 'live', appId: 'cli_x', publicUrl: 'https://hr.example.com', feishuBaseUrl: 'https://open.feishu.cn' }, 'j1'))
    expect(`${feishu.origin}${feishu.pathname}`).toBe('https://applink.feishu.cn/client/web_app/open')
    expect(Object.fromEntries(feishu.searchParams)).toEqual({ appId: 'cli_x', path: '/review/j1' })
    const lark = new URL(reviewLink({ mode: 'live', appId: 'cli_x', publicUrl: 'https://hr.example.com', feishuBaseUrl: 'https://open.larksuite.com' }, 'j1'))
    expect(lark.host).toBe('applink.larksuite.com')
  })
})
