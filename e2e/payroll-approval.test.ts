import { describe, expect, it } from 'vitest'
import { PAYROLL_APPROVAL_CODE } from '../server/sandbox/approval/definitions'
import { COMBOS, SALES_COMMISSION } from './fixtures'
import { SCREENSHOTS, csvCell, employees, getJson, noSidewaysScroll, openPage, payrollRecords, resetSandbox, signIn, useProduct } from './helpers'

// Four eyes (issue 15): with an approval configured, the payroll admin (wangfang) submits the diff
// instead of writing; Feishu's approval goes to the payroll approver (sunli), who opens the link in
// the form (the read-only diff), approves in the sandbox's approval center; the job writes, and both
// see the outcome — in both languages and widths.

const e2e = useProduct({ PAYROLL_APPROVAL_CODE })
const SOURCE = SALES_COMMISSION

describe('payroll approval in Feishu, in a real browser', () => {
  COMBOS.forEach((c, n) => {
    it(`the preparer submits, the approver approves in Feishu, the job writes, both see it (${c.locale}, ${c.width}px)`, async () => {
      await resetSandbox(e2e.sandbox)
      const period = `2032-0${n + 1}`
      const people = (await employees(e2e.sandbox, { department: 'SAL', status: 'hired', limit: 40 })).slice(10 + n * 2, 12 + n * 2)
      const zh = c.locale === 'zh-CN'

      const preparer = await openPage(e2e.browser, c)
      const page = preparer.page
      await signIn(page, e2e.product.url, 'wangfang')
      await page.goto(`${e2e.product.url}/payroll/${SOURCE}`)
      await page.getByTestId('payroll-period').fill(period)
      const header = [zh ? '工号' : 'Employee number', zh ? '提成金额' : 'Commission amount']
      const csv = [header.map(csvCell).join(','), ...people.map((p, i) => [p.employee_no, `${500 + i}.25`].map(csvCell).join(','))].join('\r\n')
      await page.locator('[data-test="file"]').setInputFiles({ name: `commission-${period}.csv`, mimeType: 'text/csv', buffer: Buffer.from(csv, 'utf8') })
      await page.getByTestId('payroll-ready').waitFor({ timeout: 20_000 })
      await page.getByTestId('payroll-compare').click()
      await page.getByTestId('payroll-diff').waitFor({ timeout: 30_000 })
      expect(await page.getByTestId('diff-submit').innerText()).toContain(zh ? '提交审批' : 'Submit 2 records for approval')
      await page.getByTestId('diff-submit').click()
      await page.getByTestId('payroll-result').waitFor()
      await expect.poll(() => page.locator('[data-testid="payroll-result"] [data-testid="job-status"]').getAttribute('data-status'), { timeout: 20_000 }).toBe('awaiting_approval')
      expect(await page.locator('[data-testid="payroll-result"] [data-testid="job-approval"]').getAttribute('data-state')).toBe('pending')
      await noSidewaysScroll(page, 'payroll result')
      await page.screenshot({ path: `${SCREENSHOTS}/approval-submitted-${c.locale}-${c.width}.png`, fullPage: true })
      // Nothing written while it waits.
      expect((await payrollRecords(e2e.sandbox, SOURCE, period)).size).toBe(0)

      // The job page and the job list say who is asked, since when.
      await page.goto(`${e2e.product.url}/jobs`)
      const item = page.getByTestId('history-item').first()
      await item.getByTestId('job-approval').waitFor()
      expect(await item.getByTestId('job-approval').innerText()).toContain(zh ? '等待 孙丽 审批' : 'Awaiting approval by Sun Li')
      await noSidewaysScroll(page, 'job list')
      await page.screenshot({ path: `${SCREENSHOTS}/approval-list-waiting-${c.locale}-${c.width}.png`, fullPage: true })
      await item.click()
      await page.waitForURL((u) => u.pathname.startsWith('/jobs/'))
      await page.getByTestId('job-approval').waitFor()
      expect(await page.getByTestId('job-approval').getAttribute('data-state')).toBe('pending')
      await noSidewaysScroll(page, 'job page')
      await page.screenshot({ path: `${SCREENSHOTS}/approval-job-waiting-${c.locale}-${c.width}.png`, fullPage: true })
      const jobId = page.url().split('/jobs/')[1]!

      // The approver: the form in Feishu's approval center, with its link to the read-only diff.
      const approver = await openPage(e2e.browser, c)
      await signIn(approver.page, e2e.product.url, 'sunli')
      const { instances } = await getJson<{ instances: Array<{ instance_code: string; approval_code: string; status: string }> }>(`${e2e.sandbox}/sandbox/approval/instances?user_id=sunli`)
      const inst = instances.find((i) => i.status === 'PENDING' && i.approval_code === PAYROLL_APPROVAL_CODE)!
      await approver.page.goto(`${e2e.sandbox}/sandbox/approval?user_id=sunli`)
      const card = approver.page.getByTestId(`sandbox-approval-${inst.instance_code}`)
      expect(await card.innerText()).toContain('New 2 · Changed 0 · Unchanged 0')
      const link = await card.getByTestId('sandbox-approval-link').getAttribute('href')
      expect(link).toBe(`${e2e.product.url}/review/${jobId}`)
      await approver.page.screenshot({ path: `${SCREENSHOTS}/approval-feishu-form-${c.locale}-${c.width}.png`, fullPage: true })
      await approver.page.goto(link!)
      await approver.page.getByTestId('review-rows').waitFor({ timeout: 15_000 })
      expect(await approver.page.getByTestId('review-row').count()).toBe(2)
      expect(await approver.page.getByTestId('review-rows').innerText()).toContain('500.25')
      await noSidewaysScroll(approver.page, 'review page')
      await approver.page.screenshot({ path: `${SCREENSHOTS}/approval-review-${c.locale}-${c.width}.png`, fullPage: true })

      // Approve in Feishu, with a comment.
      await approver.page.goto(`${e2e.sandbox}/sandbox/approval?user_id=sunli`)
      await approver.page.getByTestId(`sandbox-comment-${inst.instance_code}`).fill(zh ? '已核对' : 'Checked')
      await approver.page.getByTestId(`sandbox-approval-${inst.instance_code}`).getByTestId('sandbox-approve').click()
      await approver.page.getByTestId(`sandbox-approval-${inst.instance_code}`).getByTestId('sandbox-approval-status').waitFor()

      // The preparer's page follows: approved by whom, then written.
      await expect.poll(() => page.getByTestId('job-status').getAttribute('data-status'), { timeout: 30_000 }).toBe('succeeded')
      await expect.poll(() => page.getByTestId('job-approval').getAttribute('data-state'), { timeout: 10_000 }).toBe('approved')
      expect(await page.getByTestId('job-approval').innerText()).toContain(zh ? '孙丽 于' : 'Approved by Sun Li')
      expect(await page.getByTestId('job-approval').innerText()).toContain(zh ? '已核对' : 'Checked')
      const written = await payrollRecords(e2e.sandbox, SOURCE, period)
      expect([...written.keys()].sort()).toEqual(people.map((p) => p.employment_id).sort())
      await noSidewaysScroll(page, 'job page after')
      await page.screenshot({ path: `${SCREENSHOTS}/approval-job-approved-${c.locale}-${c.width}.png`, fullPage: true })

      // The approver sees the outcome too.
      await approver.page.goto(link!)
      await approver.page.getByTestId('job-approval').waitFor({ timeout: 15_000 })
      expect(await approver.page.getByTestId('job-approval').getAttribute('data-state')).toBe('approved')
      expect(await approver.page.getByTestId('job-status').getAttribute('data-status')).toBe('succeeded')
      await noSidewaysScroll(approver.page, 'review page after')
      await approver.page.screenshot({ path: `${SCREENSHOTS}/approval-review-approved-${c.locale}-${c.width}.png`, fullPage: true })

      expect(preparer.pageErrors).toEqual([])
      expect(approver.pageErrors).toEqual([])
      await preparer.context.close()
      await approver.context.close()
    })
  })
})
