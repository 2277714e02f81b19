import { describe, expect, it } from 'vitest'
import { PAYROLL_APPROVAL_CODE } from '../server/sandbox/approval/definitions'
import { COMBOS, SALES_COMMISSION } from './fixtures'
import { SCREENSHOTS, employees, getJson, noSidewaysScroll, openPage, payrollRecords, resetSandbox, sandboxSend, signIn, useProduct } from './helpers'

// Issue 15: the approver approves while the preparer's Feishu sign-in has ended (陈静: her refresh is
// refused). Nothing is written; her job page and list, and the approver's review page, say it is
// approved and waits for her to sign in again; once she does, it is written — in both languages and widths.

const e2e = useProduct({ PAYROLL_APPROVAL_CODE })
const SOURCE = SALES_COMMISSION

describe('an approved payroll job waiting for its preparer to sign in again, in a real browser', () => {
  COMBOS.forEach((c, n) => {
    it(`says so to both people and runs after the preparer signs in again (${c.locale}, ${c.width}px)`, async () => {
      await resetSandbox(e2e.sandbox)
      const period = `2033-0${n + 1}`
      const people = (await employees(e2e.sandbox, { department: 'SAL', status: 'hired', limit: 40 })).slice(20 + n * 2, 22 + n * 2)
      const zh = c.locale === 'zh-CN'

      const preparer = await openPage(e2e.browser, c)
      const page = preparer.page
      await signIn(page, e2e.product.url, 'chenjing')
      // The diff step's own job request, as the page sends it (its UI is covered by payroll-approval.test.ts).
      const created = await page.request.post(`${e2e.product.url}/api/jobs`, {
        headers: { 'X-Requested-With': 'XMLHttpRequest' },
        data: {
          idempotency_key: `signin-e2e-${period}-${Date.now()}`, kind: 'payroll_save', target: { type: 'payroll', source_code: SOURCE, payroll_period: period },
          rows: people.map((p, i) => ({ row: i + 2, employment_id: p.employment_id, values: { commission_amount__c: `${700 + i}.50` } })),
          source: { file_name: `commission-${period}.csv`, excluded: 0 },
        },
      })
      expect(created.status()).toBe(201)
      const jobId = ((await created.json()) as { job: { id: string; status: string } }).job.id

      // The job page says it is being submitted, then that it waits for the approver.
      await page.goto(`${e2e.product.url}/jobs/${jobId}`)
      await expect.poll(() => page.getByTestId('job-status').getAttribute('data-status'), { timeout: 20_000 }).toBe('awaiting_approval')

      // Her sign-in ends (access token expired, refresh refused); then the approver approves in Feishu.
      await sandboxSend(e2e.sandbox, 'POST', '/sandbox/expire-tokens', { user_id: 'chenjing', kind: 'access' })
      const { instances } = await getJson<{ instances: Array<{ instance_code: string; approval_code: string; status: string }> }>(`${e2e.sandbox}/sandbox/approval/instances?user_id=sunli`)
      const inst = instances.find((i) => i.status === 'PENDING' && i.approval_code === PAYROLL_APPROVAL_CODE)!
      await sandboxSend(e2e.sandbox, 'POST', '/sandbox/approval/decide', { instance_code: inst.instance_code, user_id: 'sunli', action: 'approve', comment: zh ? '已核对' : 'Checked' })

      await expect.poll(() => page.getByTestId('job-approval').getAttribute('data-signin-needed'), { timeout: 20_000 }).toBe('true')
      const waiting = zh ? '孙丽 已批准 —— 等待 陈静 重新登录后写入。' : 'Approved by Sun Li — waiting for Chen Jing to sign in again, then it is written.'
      expect(await page.getByTestId('job-approval').innerText()).toContain(waiting)
      expect(await page.getByTestId('job-status').getAttribute('data-status')).toBe('awaiting_approval')
      expect(await page.getByTestId('job-needs-signin').isVisible()).toBe(true)
      expect((await payrollRecords(e2e.sandbox, SOURCE, period)).size).toBe(0)
      await noSidewaysScroll(page, 'job page waiting for sign-in')
      await page.screenshot({ path: `${SCREENSHOTS}/approval-signin-job-${c.locale}-${c.width}.png`, fullPage: true })

      await page.goto(`${e2e.product.url}/jobs`)
      const item = page.locator(`[data-testid="history-item"][data-id="${jobId}"]`)
      await item.getByTestId('job-approval').waitFor()
      expect(await item.getByTestId('job-approval').innerText()).toContain(zh ? '等待 陈静 重新登录' : 'waiting for Chen Jing to sign in again')
      await noSidewaysScroll(page, 'job list waiting for sign-in')
      await page.screenshot({ path: `${SCREENSHOTS}/approval-signin-list-${c.locale}-${c.width}.png`, fullPage: true })

      // The approver sees the same on the review page.
      const approver = await openPage(e2e.browser, c)
      await signIn(approver.page, e2e.product.url, 'sunli')
      await approver.page.goto(`${e2e.product.url}/review/${jobId}`)
      await approver.page.getByTestId('job-approval').waitFor({ timeout: 15_000 })
      expect(await approver.page.getByTestId('job-approval').innerText()).toContain(waiting)
      await noSidewaysScroll(approver.page, 'review page waiting for sign-in')
      await approver.page.screenshot({ path: `${SCREENSHOTS}/approval-signin-review-${c.locale}-${c.width}.png`, fullPage: true })

      // She signs in again: the job runs with her token and writes exactly the approved rows.
      await signIn(page, e2e.product.url, 'chenjing')
      await page.goto(`${e2e.product.url}/jobs/${jobId}`)
      await expect.poll(() => page.getByTestId('job-status').getAttribute('data-status'), { timeout: 30_000 }).toBe('succeeded')
      expect(await page.getByTestId('job-approval').getAttribute('data-signin-needed')).toBeNull()
      const written = await payrollRecords(e2e.sandbox, SOURCE, period)
      expect([...written.keys()].sort()).toEqual(people.map((p) => p.employment_id).sort())
      await page.screenshot({ path: `${SCREENSHOTS}/approval-signin-done-${c.locale}-${c.width}.png`, fullPage: true })

      expect(preparer.pageErrors).toEqual([])
      expect(approver.pageErrors).toEqual([])
      await preparer.context.close()
      await approver.context.close()
    })
  })
})
