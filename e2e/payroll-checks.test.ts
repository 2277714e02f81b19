import { describe, expect, it } from 'vitest'
import { SALES_COMMISSION, SEEDED_PERIOD, type Employee } from './fixtures'
import { SCREENSHOTS, csvCell, employees, noSidewaysScroll, openPage, payrollRecords, readSheet, resetSandbox, sandboxSend, signIn, useProduct } from './helpers'

// Payroll batch controls (issue 16) in a real browser against the sandbox Feishu: the preparer
// types a control total that the file does not match, fixes the file, sees the period guard, writes,
// sees the variance against last month, sees the rows confirmed by reading back; another payroll admin edits a record in Feishu; the
// preparer reverts and sees what was kept.

const SOURCE = SALES_COMMISSION
const PERIOD = SEEDED_PERIOD
const e2e = useProduct()
const records = () => payrollRecords(e2e.sandbox, SOURCE, PERIOD)

const cases = [
  { locale: 'zh-CN', width: 1280, height: 900 },
  { locale: 'en-US', width: 375, height: 800 },
] as const

describe('payroll checks in a real browser', () => {
  for (const c of cases) {
    it(`control totals, period guard, read-back and a revert that keeps later edits (${c.locale}, ${c.width}px)`, async () => {
      await resetSandbox(e2e.sandbox)
      const seeded = await records()
      const sales = await employees(e2e.sandbox, { department: 'SAL', status: 'hired', limit: 60 })
      const [changed] = sales.filter((e) => seeded.has(e.employment_id)) as [Employee]
      const [newA, newB, leaver] = sales.filter((e) => !seeded.has(e.employment_id)) as [Employee, Employee, Employee]
      // Last month (2024-08) in Feishu: the changed person earned far more, and a leaver was paid.
      const august = (e: Employee, amount: string) => ({ active_status: 1, field_values: [{ field_code: 'employment_id', value: e.employment_id }, { field_code: 'payroll_period', value: '2024-08' }, { field_code: 'commission_amount__c', value: amount }] })
      await sandboxSend(e2e.sandbox, 'POST', '/sandbox/payroll/edit', { user_id: 'chenjing', source_code: SOURCE, records: [august(changed, '5000.00'), august(leaver, '700.00')] })

      const { context, page, pageErrors } = await openPage(e2e.browser, c, { downloads: true })
      await signIn(page, e2e.product.url, 'wangfang')
      await page.goto(`${e2e.product.url}/payroll/${SOURCE}`)
      await page.getByTestId('payroll-period').fill(PERIOD)

      const header = c.locale === 'zh-CN' ? ['工号', '提成金额'] : ['Employee number', 'Commission amount']
      const file = (amountB: string) => [header.map(csvCell).join(','), `${changed.employee_no},1000.00`, `${newA.employee_no},800`, `${newB.employee_no},${amountB}`].join('\r\n')
      const upload = async (amountB: string) => {
        await page.locator('[data-test="file"]').setInputFiles({ name: 'commission.csv', mimeType: 'text/csv', buffer: Buffer.from(file(amountB), 'utf8') })
        await page.getByTestId('payroll-ready').waitFor({ timeout: 20_000 })
        await page.getByTestId('payroll-compare').click()
        await page.getByTestId('payroll-diff').waitFor({ timeout: 30_000 })
      }
      // The file has a typo (90.5 for 900.5): the source system's total is 2,700.50.
      await upload('90.5')
      // The period guard: 2024-09 is paid by an approved activity (sandbox seed), a warning only.
      await page.getByTestId('payroll-guard-closed').waitFor({ timeout: 15_000 })
      // Variance against 2024-08: warnings, filterable.
      await expect.poll(() => page.getByTestId('variance-flag').count(), { timeout: 15_000 }).toBe(4)
      expect(await page.locator(`[data-testid="variance-flag"][data-kind="big_change"]`).getAttribute('data-employment')).toBe(changed.employment_id)
      expect(await page.locator(`[data-testid="variance-flag"][data-kind="missing_now"]`).getAttribute('data-employment')).toBe(leaver.employment_id)
      await page.getByTestId('variance-filter-new_now').click()
      expect(await page.getByTestId('variance-flag').count()).toBe(2)
      await page.getByTestId('control-input-headcount').fill('3')
      await page.getByTestId('control-input-commission_amount__c').fill('¥2,700.50')
      expect(await page.locator('[data-testid="control-line"][data-field="commission_amount__c"]').getAttribute('data-state')).toBe('mismatch')
      expect(await page.getByTestId('diff-submit').isDisabled()).toBe(true)
      await noSidewaysScroll(page)
      await page.screenshot({ path: `${SCREENSHOTS}/payroll-controls-mismatch-${c.locale}-${c.width}.png`, fullPage: true })

      // The diff as a workbook, in the person's language: before → after, and the variance flags with their reason.
      const [diffBook] = await Promise.all([page.waitForEvent('download'), page.getByTestId('diff-download').click()])
      const diffPath = (await diffBook.path())!
      const diffRows = readSheet(diffPath)
      const changedRow = diffRows.find((r) => r[1] === changed.employee_no)!
      expect(changedRow.slice(4, 8)).toEqual([c.locale === 'zh-CN' ? '变更' : 'Changed', c.locale === 'zh-CN' ? '提成金额' : 'Commission amount', seeded.get(changed.employment_id)!.values.commission_amount__c, '1000.00'])
      const varianceRows = readSheet(diffPath, 1).slice(1)
      expect(varianceRows).toHaveLength(4)
      expect(varianceRows.find((r) => r[2] === leaver.employment_id)![8]).toBe(c.locale === 'zh-CN' ? '在 2024-08 有记录，但不在本文件中' : 'Had a record in 2024-08 and is not in this file')

      // Fix the file and compare again: the typed figures stay, and now match.
      await page.getByTestId('diff-back').click()
      await page.locator('[data-test="new-file"]').click()
      await upload('900.5')
      expect(await page.locator('[data-testid="control-line"][data-field="commission_amount__c"]').getAttribute('data-state')).toBe('match')
      expect(await page.locator('[data-testid="control-line"][data-field="headcount"]').getAttribute('data-state')).toBe('match')
      expect(await page.getByTestId('diff-submit').isDisabled()).toBe(false)
      await page.getByTestId('diff-submit').click()
      await page.getByTestId('payroll-result').waitFor()
      await expect.poll(() => page.locator('[data-testid="payroll-result"] [data-testid="job-status"]').getAttribute('data-status'), { timeout: 60_000 }).toBe('succeeded')
      // Accepted and confirmed counted apart.
      await page.getByTestId('job-checks').waitFor({ timeout: 15_000 })
      expect(await page.getByTestId('job-checks-accepted').innerText()).toContain('3')
      expect(await page.getByTestId('job-checks-confirmed').innerText()).toContain('3')
      await noSidewaysScroll(page)
      await page.screenshot({ path: `${SCREENSHOTS}/payroll-confirmed-${c.locale}-${c.width}.png`, fullPage: true })

      // Chen Jing, another payroll admin, changes one amount in Feishu afterwards.
      await sandboxSend(e2e.sandbox, 'POST', '/sandbox/payroll/edit', {
        user_id: 'chenjing', source_code: SOURCE,
        records: [{ active_status: 1, field_values: [{ field_code: 'employment_id', value: newA.employment_id }, { field_code: 'payroll_period', value: PERIOD }, { field_code: 'commission_amount__c', value: '555.00' }] }],
      })

      await page.getByTestId('payroll-revert-open').click()
      await page.getByTestId('payroll-revert-plan').waitFor()
      await page.getByTestId('payroll-revert-confirm').click()
      await page.waitForURL((u) => u.pathname.startsWith('/jobs/'), { timeout: 15_000 })
      await expect.poll(() => page.getByTestId('job-status').getAttribute('data-status'), { timeout: 60_000 }).toBe('succeeded')
      await page.getByTestId('job-checks').waitFor({ timeout: 15_000 })
      expect(await page.getByTestId('job-checks-kept').innerText()).toContain('1')
      expect(await page.getByTestId('job-checks-reverted').innerText()).toContain('2')
      const keptRow = page.locator('[data-testid="job-check-row"][data-state="kept"]')
      expect(await keptRow.innerText()).toContain('555.00')
      await noSidewaysScroll(page)
      await page.screenshot({ path: `${SCREENSHOTS}/payroll-revert-kept-${c.locale}-${c.width}.png`, fullPage: true })

      // The template pre-filled with Feishu's values: downloaded and uploaded untouched, nothing to write.
      await page.goto(`${e2e.product.url}/payroll/${SOURCE}`)
      await page.getByTestId('payroll-period').fill(PERIOD)
      await page.getByTestId('prefill-open').click()
      const [prefilled] = await Promise.all([page.waitForEvent('download', { timeout: 60_000 }), page.getByTestId('prefill-download').click()])
      expect(readSheet((await prefilled.path())!)[0]![0]).toBe(c.locale === 'zh-CN' ? '工号' : 'Employee number')
      await page.getByTestId('prefill-list').click()
      await noSidewaysScroll(page)
      await page.screenshot({ path: `${SCREENSHOTS}/payroll-prefill-${c.locale}-${c.width}.png`, fullPage: true })
      await page.locator('[data-test="file"]').setInputFiles((await prefilled.path())!)
      await page.getByTestId('payroll-ready').waitFor({ timeout: 30_000 })
      await page.getByTestId('payroll-compare').click()
      await page.getByTestId('payroll-diff').waitFor({ timeout: 60_000 })
      expect(await page.getByTestId('diff-count-new').locator('dd').innerText()).toBe('0')
      expect(await page.getByTestId('diff-count-changed').locator('dd').innerText()).toBe('0')
      expect(Number(await page.getByTestId('diff-count-unchanged').locator('dd').innerText())).toBe((await records()).size)
      expect(await page.getByTestId('diff-submit').isDisabled()).toBe(true)

      const after = await records()
      expect(after.get(changed.employment_id)).toEqual(seeded.get(changed.employment_id))
      expect(after.get(newA.employment_id)).toMatchObject({ active_status: 1, values: { commission_amount__c: '555.00' } })
      expect(after.get(newB.employment_id)!.active_status).toBe(2)
      expect(pageErrors).toEqual([])
      await context.close()
    })
  }
})
