import { mount } from '@vue/test-utils'
import { describe, expect, it } from 'vitest'
import JobApprovalStatus from '../../src/components/jobs/JobApprovalStatus.vue'
import type { JobApproval } from '../../src/domain/approval'
import { createAppI18n, type AppLocale } from '../../src/i18n'
import { arcoComponents } from '../../src/modules/arco'

const T0 = Date.UTC(2026, 11, 6, 3, 0)
const sunli = { user_id: 'sunli', open_id: 'ou_s', name: '孙丽', en_name: 'Sun Li' }
const base: JobApproval = { state: 'pending', instance_code: 'ABC-1', submitted_at: T0, approvers: [sunli], decided_by: null, decided_at: null, comment: null, drift: null }

function show(approval: JobApproval, locale: AppLocale, compact = false) {
  return mount(JobApprovalStatus, { props: { approval, compact }, global: { plugins: [createAppI18n(locale), ...arcoComponents] } }).text()
}

describe('a job\'s approval as its pages show it', () => {
  it('says who is asked and since when, in both languages', () => {
    expect(show(base, 'zh-CN')).toContain('等待 孙丽 审批')
    expect(show(base, 'en-US')).toContain('Awaiting approval by Sun Li')
    expect(show({ ...base, approvers: [] }, 'en-US', true)).toContain('Awaiting approval since')
  })

  it('says who approved or rejected, with the comment', () => {
    const rejected = { ...base, state: 'rejected' as const, decided_by: sunli, decided_at: T0 + 60_000, comment: '金额不对' }
    expect(show(rejected, 'zh-CN')).toContain('孙丽 于')
    expect(show(rejected, 'zh-CN')).toContain('意见：金额不对')
    expect(show(rejected, 'en-US', true)).toContain('Rejected by Sun Li')
    expect(show({ ...rejected, state: 'approved' }, 'en-US')).toContain('Approved by Sun Li')
  })

  it('explains the four-eyes refusal and what moved in Feishu', () => {
    expect(show({ ...base, state: 'self_approved', decided_at: T0 }, 'en-US')).toContain('named you, the preparer, as an approver')
    expect(show({ ...base, state: 'self_approved', decided_at: T0 }, 'zh-CN')).toContain('必须由另一人审批')
    const drift = { ...base, drift: { total: 1, noticed_at: T0, items: [{ key: '7041', field: 'commission_amount__c', approved: '5.00', now: '7.77' }] } }
    expect(show(drift, 'en-US')).toContain('7041 · commission_amount__c: approved 5.00, now 7.77')
    expect(show(drift, 'zh-CN')).toContain('审批时 5.00，现在 7.77')
  })

  it('says an approved job waits for its preparer to sign in again, naming them, in both languages (page and list)', () => {
    const waiting = { ...base, state: 'approved' as const, decided_by: sunli, decided_at: T0, signin_needed: { name: '陈静', en_name: 'Chen Jing', since: T0 } }
    expect(show(waiting, 'en-US')).toContain('Approved by Sun Li — waiting for Chen Jing to sign in again, then it is written.')
    expect(show(waiting, 'zh-CN')).toContain('孙丽 已批准 —— 等待 陈静 重新登录后写入。')
    expect(show(waiting, 'en-US', true)).toContain('waiting for Chen Jing to sign in again')
    expect(show({ ...waiting, signin_needed: { name: null, en_name: null, since: T0 } }, 'en-US')).toContain('waiting for the preparer to sign in again')
  })
})
