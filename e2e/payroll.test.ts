import { describe, expect, it } from 'vitest'
import { SALES_COMMISSION, SEEDED_PERIOD, type Employee } from './fixtures'
import { SCREENSHOTS, csvCell, employees, noSidewaysScroll, openPage, payrollRecords, readSheet, resetSandbox, signIn, useProduct } from './helpers'

// The payroll admin (wangfang) pushes a month of sales commission from a CSV made from the
// downloaded template: employee numbers resolved in Feishu People (one unknown, one reused), an
// amount rounded to the field's decimals, a diff against the seeded records, the job, Feishu's
// count, the result workbook, and a revert that restores the earlier values and stops the records
// the job created — against the sandbox Feishu, in a real browser, in both languages and widths.

const SOURCE = SALES_COMMISSION
const PERIOD = SEEDED_PERIOD

const e2e = useProduct()
const records = () => payrollRecords(e2e.sandbox, SOURCE, PERIOD)
const firstRow = (path: string) => readSheet(path)[0] ?? []

const cases = [
  { locale: 'zh-CN', width: 1280, height: 900 },
  { locale: 'en-US', width: 375, height: 800 },
  { locale: 'en-US', width: 1280, height: 900 },
  { locale: 'zh-CN', width: 375, height: 800 },
] as const

describe('payroll external data in a real browser', () => {
  for (const c of cases) {
    it(`the payroll admin compares a file with Feishu, writes the differences and reverts them (${c.locale}, ${c.width}px)`, async () => {
      // Every case starts from the seed: 30 Sales records for 2024-09.
      await resetSandbox(e2e.sandbox)
      const seeded = await records()
      const sales = await employees(e2e.sandbox, { department: 'SAL', status: 'hired', limit: 60 })
      const withRecord = sales.filter((e) => seeded.has(e.employment_id))
      const without = sales.filter((e) => !seeded.has(e.employment_id))
      expect(withRecord.length).toBeGreaterThanOrEqual(3)
      const [changedA, changedB, same] = withRecord as [Employee, Employee, Employee]
      const [newA, newB] = without as [Employee, Employee]
      const before = (e: Employee) => seeded.get(e.employment_id)!.values

      const { context, page, pageErrors } = await openPage(e2e.browser, c, { downloads: true })
      await signIn(page, e2e.product.url, 'wangfang')

      // The home card leads to the datasource page.
      await page.getByTestId('capability-payroll').getByTestId('capability-open').click()
      await page.waitForURL((u) => u.pathname === '/payroll')
      await expect.poll(() => page.getByTestId('payroll-source').count(), { timeout: 15_000 }).toBe(7)
      expect(await page.locator(`[data-testid="payroll-source"][data-code="legacy_allowance__c"]`).getAttribute('data-writable')).toBe('false')
      // Occur-day and custom-period datasources are written too.
      expect(await page.locator(`[data-testid="payroll-source"][data-code="overtime_daily__c"]`).getAttribute('data-writable')).toBe('true')
      expect(await page.locator(`[data-testid="payroll-source"][data-code="project_bonus__c"]`).getAttribute('data-writable')).toBe('true')
      expect(await page.locator(`[data-testid="payroll-source"][data-code="${SOURCE}"]`).innerText()).toContain(c.locale === 'zh-CN' ? '销售提成' : 'Sales commission')
      await page.locator('[data-testid="payroll-source"][data-code="attendance_deduction__c"] summary').click()
      await noSidewaysScroll(page)
      await page.screenshot({ path: `${SCREENSHOTS}/payroll-sources-${c.locale}-${c.width}.png`, fullPage: true })

      await page.locator(`[data-testid="payroll-source"][data-code="${SOURCE}"] [data-testid="payroll-source-open"]`).click()
      await page.waitForURL((u) => u.pathname === `/payroll/${SOURCE}`)
      await page.getByTestId('payroll-period').fill(PERIOD)

      // The template: its first row names the columns the file must have.
      const [download] = await Promise.all([page.waitForEvent('download'), page.locator('[data-test="template"]').click()])
      const header = firstRow((await download.path())!)
      expect(header[0]).toBe(c.locale === 'zh-CN' ? '工号' : 'Employee number')
      const col = (code: string) => {
        const titles: Record<string, [string, string]> = {
          commission_amount__c: ['提成金额', 'Commission amount'], deals_closed__c: ['成交单数', 'Deals closed'],
          commission_rate__c: ['提成比例', 'Commission rate'], settle_date__c: ['结算日期', 'Settlement date'],
        }
        const i = header.indexOf(titles[code]![c.locale === 'zh-CN' ? 0 : 1])
        expect(i).toBeGreaterThan(0)
        return i
      }
      const line = (cells: Record<number, string>) => header.map((_, i) => csvCell(cells[i] ?? '')).join(',')
      const csv = [
        header.map(csvCell).join(','),
        // Changed amount, rounded from 3 to 2 decimals.
        line({ 0: changedA.employee_no, [col('commission_amount__c')]: '1234.567' }),
        // Changed deal count; the other cells are empty and leave their fields alone.
        line({ 0: changedB.employee_no, [col('deals_closed__c')]: String(Number(before(changedB).deals_closed__c) + 1) }),
        // The very values Feishu holds: unchanged, not sent.
        line({ 0: same.employee_no, [col('commission_amount__c')]: before(same).commission_amount__c!, [col('settle_date__c')]: before(same).settle_date__c! }),
        line({ 0: newA.employee_no, [col('commission_amount__c')]: '800', [col('commission_rate__c')]: '3.5' }),
        line({ 0: newB.employee_no, [col('commission_amount__c')]: '900.5' }),
        line({ 0: 'FS99999', [col('commission_amount__c')]: '1' }),
        line({ 0: 'FS10086', [col('commission_amount__c')]: '2' }),
      ].join('\r\n')
      await page.locator('[data-test="file"]').setInputFiles({ name: 'commission-2024-09.csv', mimeType: 'text/csv', buffer: Buffer.from(csv, 'utf8') })
      await page.getByTestId('payroll-ready').waitFor({ timeout: 20_000 })
      // The rounding is a warning on its cell, with the rounded value.
      expect(await page.locator('.import-flow').innerText()).toContain('1234.57')

      await page.getByTestId('payroll-compare').click()
      await page.getByTestId('payroll-diff').waitFor({ timeout: 30_000 })
      expect(await page.getByTestId('diff-count-new').innerText()).toContain('2')
      expect(await page.getByTestId('diff-count-changed').innerText()).toContain('2')
      expect(await page.getByTestId('diff-count-unchanged').innerText()).toContain('1')
      expect(await page.getByTestId('diff-count-excluded').innerText()).toContain('2')
      const changedCard = page.locator(`[data-testid="diff-record"][data-employment="${changedA.employment_id}"]`)
      expect(await changedCard.getAttribute('data-status')).toBe('changed')
      expect(await changedCard.getByTestId('diff-before').innerText()).toBe(before(changedA).commission_amount__c)
      expect(await changedCard.getByTestId('diff-after').innerText()).toBe('1234.57')
      await noSidewaysScroll(page)
      await page.screenshot({ path: `${SCREENSHOTS}/payroll-diff-${c.locale}-${c.width}.png`, fullPage: true })
      await page.getByTestId('diff-filter-excluded').click()
      expect(await page.locator('[data-testid="diff-excluded-row"]').evaluateAll((els) => els.map((e) => e.getAttribute('data-reason')))).toEqual(['not_found', 'ambiguous'])

      await page.getByTestId('diff-submit').click()
      await page.getByTestId('payroll-result').waitFor()
      await expect.poll(() => page.locator('[data-testid="payroll-result"] [data-testid="job-status"]').getAttribute('data-status'), { timeout: 60_000 }).toBe('succeeded')
      await page.getByTestId('payroll-reconcile-summary').waitFor({ timeout: 15_000 })
      expect(await page.getByTestId('payroll-reconcile').getAttribute('data-gap')).toBe('0')
      await page.getByTestId('payroll-reconcile-match').waitFor()

      // What Feishu holds now.
      const after = await records()
      expect(after.get(changedA.employment_id)!.values.commission_amount__c).toBe('1234.57')
      expect(after.get(changedA.employment_id)!.values.deals_closed__c).toBe(before(changedA).deals_closed__c)
      expect(after.get(changedB.employment_id)!.values.deals_closed__c).toBe(String(Number(before(changedB).deals_closed__c) + 1))
      expect(after.get(newA.employment_id)).toMatchObject({ active_status: 1, values: { commission_amount__c: '800.00', commission_rate__c: '3.5' } })
      expect(after.get(newB.employment_id)).toMatchObject({ active_status: 1, values: { commission_amount__c: '900.50' } })
      expect(after.get(same.employment_id)).toEqual(seeded.get(same.employment_id))

      // The result workbook: one status per row of the file.
      const [result] = await Promise.all([page.waitForEvent('download'), page.getByTestId('payroll-result-workbook').click()])
      const resultRows = readSheet((await result.path())!).map((r) => r.join('|'))
      expect(resultRows.find((r) => r.includes('FS99999'))).toBeTruthy()
      expect(resultRows.filter((r) => r.includes(c.locale === 'zh-CN' ? '已写入' : 'Written')).length).toBeGreaterThanOrEqual(1)
      await noSidewaysScroll(page)
      await page.screenshot({ path: `${SCREENSHOTS}/payroll-job-${c.locale}-${c.width}.png`, fullPage: true })

      // Revert: a confirmation with the counts, then a job of its own.
      await page.getByTestId('payroll-revert-open').click()
      await page.getByTestId('payroll-revert-plan').waitFor()
      await page.waitForTimeout(400) // the dialog's fade-in, for the screenshot
      expect(await page.getByTestId('payroll-revert-restore').innerText()).toMatch(/2/)
      expect(await page.getByTestId('payroll-revert-stop').innerText()).toMatch(/2/)
      await page.screenshot({ path: `${SCREENSHOTS}/payroll-revert-confirm-${c.locale}-${c.width}.png` })
      await page.getByTestId('payroll-revert-confirm').click()
      await page.waitForURL((u) => u.pathname.startsWith('/jobs/'), { timeout: 15_000 })
      await expect.poll(() => page.getByTestId('job-status').getAttribute('data-status'), { timeout: 60_000 }).toBe('succeeded')
      expect(await page.getByTestId('job-kind').innerText()).not.toBe('')

      const reverted = await records()
      expect(reverted.get(changedA.employment_id)).toEqual(seeded.get(changedA.employment_id))
      expect(reverted.get(changedB.employment_id)).toEqual(seeded.get(changedB.employment_id))
      expect(reverted.get(newA.employment_id)!.active_status).toBe(2)
      expect(reverted.get(newB.employment_id)!.active_status).toBe(2)
      await noSidewaysScroll(page)
      await page.screenshot({ path: `${SCREENSHOTS}/payroll-reverted-${c.locale}-${c.width}.png`, fullPage: true })
      expect(pageErrors).toEqual([])
      await context.close()
    })
  }

  for (const c of [cases[1], cases[3]]) {
    it(`the payroll admin writes a custom-period datasource for a chosen start and end, and reverts it (${c.locale}, ${c.width}px)`, async () => {
      const source = 'project_bonus__c'
      const [start, end] = ['2026-03-01', '2026-04-15']
      await resetSandbox(e2e.sandbox)
      const people = await employees(e2e.sandbox, { department: 'RND', status: 'hired', limit: 2 })
      const stored = () => payrollRecords(e2e.sandbox, source)

      const { context, page, pageErrors } = await openPage(e2e.browser, c, { downloads: true })
      await signIn(page, e2e.product.url, 'wangfang')
      await page.goto(`${e2e.product.url}/payroll/${source}`)
      await page.getByTestId('payroll-import').waitFor({ timeout: 15_000 })
      await page.getByTestId('payroll-identify-employment_id').click()
      await page.getByTestId('payroll-custom-start').fill(start)
      await page.getByTestId('payroll-custom-end').fill(end)
      expect(await page.getByTestId('payroll-period-picker').innerText()).toContain(c.locale === 'zh-CN' ? '自定义数据周期' : 'Custom period')

      const [download] = await Promise.all([page.waitForEvent('download'), page.locator('[data-test="template"]').click()])
      const header = firstRow((await download.path())!)
      const amount = header.indexOf(c.locale === 'zh-CN' ? '项目奖金' : 'Project bonus')
      expect(amount).toBeGreaterThan(0)
      const line = (cells: Record<number, string>) => header.map((_, i) => csvCell(cells[i] ?? '')).join(',')
      const csv = [header.map(csvCell).join(','), ...people.map((p, i) => line({ 0: p.employment_id, [amount]: `${100 + i}.5` }))].join('\r\n')
      await page.locator('[data-test="file"]').setInputFiles({ name: 'project.csv', mimeType: 'text/csv', buffer: Buffer.from(csv, 'utf8') })
      await page.getByTestId('payroll-ready').waitFor({ timeout: 20_000 })
      expect(await page.getByTestId('payroll-compare').innerText()).toContain(`${start} – ${end}`)
      await page.getByTestId('payroll-compare').click()
      await page.getByTestId('payroll-diff').waitFor({ timeout: 30_000 })
      expect(await page.getByTestId('diff-count-new').innerText()).toContain('2')
      await noSidewaysScroll(page)
      await page.screenshot({ path: `${SCREENSHOTS}/payroll-custom-diff-${c.locale}-${c.width}.png`, fullPage: true })

      await page.getByTestId('diff-submit').click()
      await page.getByTestId('payroll-result').waitFor()
      await expect.poll(() => page.locator('[data-testid="payroll-result"] [data-testid="job-status"]').getAttribute('data-status'), { timeout: 60_000 }).toBe('succeeded')
      const after = await stored()
      for (const [i, p] of people.entries()) expect(after.get(p.employment_id)).toMatchObject({ period: `${start}|${end}`, active_status: 1, values: { custom_start: start, custom_end: end, project_bonus_amount__c: `${100 + i}.50` } })

      await page.getByTestId('payroll-revert-open').click()
      await page.getByTestId('payroll-revert-plan').waitFor()
      expect(await page.getByTestId('payroll-revert-stop').innerText()).toMatch(/2/)
      await page.getByTestId('payroll-revert-confirm').click()
      await page.waitForURL((u) => u.pathname.startsWith('/jobs/'), { timeout: 15_000 })
      await expect.poll(() => page.getByTestId('job-status').getAttribute('data-status'), { timeout: 60_000 }).toBe('succeeded')
      const reverted = await stored()
      for (const p of people) expect(reverted.get(p.employment_id)!.active_status).toBe(2)
      await noSidewaysScroll(page)
      expect(pageErrors).toEqual([])
      await context.close()
    })
  }

  for (const c of [cases[0], cases[1]]) {
    it(`a person without payroll rights sees which Feishu role grants them (${c.locale}, ${c.width}px)`, async () => {
      const { context, page } = await openPage(e2e.browser, c)
      await signIn(page, e2e.product.url, 'liuyang')
      await page.goto(`${e2e.product.url}/payroll`)
      await page.getByTestId('payroll-no-access').waitFor({ timeout: 15_000 })
      expect(await page.getByTestId('payroll-no-access').getAttribute('data-code')).toBe('no_role')
      expect(await page.getByTestId('payroll-no-access-role').innerText()).toContain('「外部数据源 - 数据明细」')
      expect(await page.getByTestId('payroll-no-access-scopes').innerText()).toContain('payroll:external_datasource_record:write')
      await noSidewaysScroll(page)
      await page.screenshot({ path: `${SCREENSHOTS}/payroll-no-rights-${c.locale}-${c.width}.png`, fullPage: true })
      await context.close()
    })
  }
})
