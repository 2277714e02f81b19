import { describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import { PERSONAS } from '../server/sandbox/seed/personas'
import { SALES_COMMISSION, SEEDED_PERIOD } from './fixtures'
import { SCREENSHOTS, employees, getJson, noSidewaysScroll, openPage, payrollRecords, resetSandbox, sandboxSend, signIn, useProduct } from './helpers'

// The payroll admin (wangfang) pastes the link of a Feishu Sheet instead of choosing a file: the
// server reads it with her own token, the rows go through the same mapping and checks, she fixes
// the one deal count typed as "3单", writes, and finds the card in her Feishu chat (the sandbox's
// messages page) — in zh-CN at 1280 px and in en-US at 375 px.

const e2e = useProduct()
const LINK = 'https://sandbox.feishu.cn/sheets/shtcnSalesCommission202409?sheet=a1b2c3'
const DOC_NAME = '销售提成 2024-09 · 提成明细'

const cases = [
  { locale: 'zh-CN', width: 1280, height: 900 },
  { locale: 'en-US', width: 375, height: 800 },
] as const

async function confirmMappingIfAsked(page: Page) {
  const confirm = page.locator('[data-test="confirm-mapping"]')
  await Promise.race([page.getByTestId('payroll-ready').waitFor({ timeout: 30_000 }), confirm.waitFor({ timeout: 30_000 })])
  if (await confirm.isVisible()) await confirm.click()
  await page.getByTestId('payroll-ready').waitFor({ timeout: 30_000 })
}

describe('a Feishu Sheet link as the rows of a payroll import, in a real browser', () => {
  for (const c of cases) {
    it(`the payroll admin pastes a Sheet link, maps, fixes a cell, writes, and gets the card (${c.locale}, ${c.width}px)`, async () => {
      await resetSandbox(e2e.sandbox)
      const personaIds = new Set(PERSONAS.map((p) => p.user_id))
      const people = (await employees(e2e.sandbox, { department: 'SAL', status: 'hired', limit: 60 })).filter((e) => !personaIds.has(e.user_id)).slice(0, 9)
      const narrow = c.width < 600
      const { context, page, pageErrors } = await openPage(e2e.browser, c)
      await signIn(page, e2e.product.url, 'wangfang')
      await page.goto(`${e2e.product.url}/payroll/${SALES_COMMISSION}`)
      await page.getByTestId('payroll-period').fill(SEEDED_PERIOD)

      // Not a Feishu link: said at once, in her language.
      await page.locator('[data-test="feishu-link"]').fill('https://example.com/some/sheet')
      await page.locator('[data-test="feishu-link-read"]').click()
      expect(await page.locator('[data-test="file-error"]').innerText()).toContain(c.locale === 'zh-CN' ? '这不是飞书链接' : 'This is not a Feishu link')
      expect(await page.locator('[data-test="file-error"]').innerText()).toContain(c.locale === 'zh-CN' ? '无法读取这个链接' : 'This link cannot be read')

      await page.locator('[data-test="feishu-link"]').fill(LINK)
      await noSidewaysScroll(page, 'import step with the link')
      await page.screenshot({ path: `${SCREENSHOTS}/feishu-link-${c.locale}-${c.width}.png`, fullPage: true })
      await page.locator('[data-test="feishu-link-read"]').click()
      await confirmMappingIfAsked(page)
      expect(await page.locator('[data-test="file-error"]').count()).toBe(0)

      // The one bad cell: the ninth person's deal count "3单", fixed in the grid.
      const bad = people[8]!
      const title = c.locale === 'zh-CN' ? '成交单数' : 'Deals closed'
      const scope = narrow
        ? page.locator('[data-test="card"]').filter({ hasText: bad.employee_no }).locator(`dt:text-is("${title}") + dd`)
        : page.locator(`[data-test="row"][data-row="8"] [data-field="deals_closed__c"]`)
      await expect.poll(() => scope.getAttribute('class'), { timeout: 15_000 }).toContain('is-error')
      await scope.locator('button').click()
      await scope.locator('input').fill('3')
      await scope.locator('input').press('Enter')
      await expect.poll(() => scope.getAttribute('class')).not.toContain('is-error')
      await noSidewaysScroll(page, 'review grid')
      await page.screenshot({ path: `${SCREENSHOTS}/feishu-link-review-${c.locale}-${c.width}.png`, fullPage: true })

      await page.getByTestId('payroll-compare').click()
      await page.getByTestId('payroll-diff').waitFor({ timeout: 30_000 })
      await page.getByTestId('diff-submit').click()
      await page.getByTestId('payroll-result').waitFor()
      await expect.poll(() => page.locator('[data-testid="payroll-result"] [data-testid="job-status"]').getAttribute('data-status'), { timeout: 60_000 }).toBe('succeeded')

      // What Feishu holds now: the sheet's values, the formula's result, the day shown, the fixed count.
      const after = await payrollRecords(e2e.sandbox, SALES_COMMISSION, SEEDED_PERIOD)
      expect(after.get(people[0]!.employment_id)!.values).toMatchObject({ commission_amount__c: '1000.00', deals_closed__c: '3', settle_date__c: '2024-10-05' })
      expect(after.get(people[2]!.employment_id)!.values).toMatchObject({ commission_amount__c: '752.50', deals_closed__c: '5', settle_date__c: '2024-10-07' })
      expect(after.get(bad.employment_id)!.values).toMatchObject({ deals_closed__c: '3' })

      // Her Feishu chat: the card names the document the rows came from.
      await expect.poll(async () => (await getJson<{ messages: Array<{ card: unknown }> }>(`${e2e.sandbox}/sandbox/inspect/messages?user=wangfang`)).messages.length, { timeout: 30_000 }).toBeGreaterThanOrEqual(1)
      await page.goto(`${e2e.sandbox}/sandbox/messages?user=wangfang&lang=${c.locale}`)
      const card = page.getByTestId('sandbox-card').first()
      const text = await card.innerText()
      expect(text).toContain(DOC_NAME)
      expect(text).toContain(c.locale === 'zh-CN' ? '导入已完成' : 'Your import is done')
      await noSidewaysScroll(page, 'sandbox messages page')
      await page.screenshot({ path: `${SCREENSHOTS}/feishu-link-card-${c.locale}-${c.width}.png`, fullPage: true })

      expect(pageErrors).toEqual([])
      await context.close()
    }, 180_000)
  }

  it('tells the attendance admin the payroll sheet was not shared with him, and reads the sheet he owns (en-US, 375px)', async () => {
    await resetSandbox(e2e.sandbox)
    const { context, page, pageErrors } = await openPage(e2e.browser, { locale: 'en-US', width: 375, height: 800 })
    await signIn(page, e2e.product.url, 'zhangwei')
    await page.getByTestId('capability-attendance').getByTestId('capability-open').click()
    await page.getByTestId('attendance-page').waitFor()
    await page.getByTestId('attendance-rule').selectOption('1')
    await page.getByTestId('attendance-month').fill('2024-09')
    await page.getByTestId('attendance-fields').waitFor({ timeout: 20_000 })
    await page.locator('[data-test="feishu-link"]').fill(LINK)
    await page.locator('[data-test="feishu-link-read"]').click()
    await page.locator('[data-test="file-error"]').waitFor({ timeout: 15_000 })
    expect(await page.locator('[data-test="file-error"]').innerText()).toContain('Ask its owner to share it with you')
    await noSidewaysScroll(page, 'attendance import with a refused link')
    await page.screenshot({ path: `${SCREENSHOTS}/feishu-link-no-access-en-US-375.png`, fullPage: true })
    // The sandbox lists the documents he may read, with their links; his own sheet (a merged two-row
    // header) reads into the same mapping step.
    const docs = (await page.getByTestId('sandbox-documents-link').getAttribute('href'))!
    expect(docs).toBe(`${e2e.sandbox}/sandbox/documents?lang=en-US&user=zhangwei`)
    const list = await (await fetch(docs)).text()
    expect(list).toContain('shtcnOddCases2024?sheet=odd001')
    expect(list).not.toContain('shtcnSalesCommission202409')
    await page.locator('[data-test="feishu-link"]').fill('https://sandbox.feishu.cn/sheets/shtcnOddCases2024?sheet=odd001')
    await page.locator('[data-test="feishu-link-read"]').click()
    await page.locator('[data-test="confirm-mapping"], [data-testid="attendance-check"]').first().waitFor({ timeout: 20_000 })
    expect(await page.locator('[data-test="file-error"]').count()).toBe(0)
    expect(pageErrors).toEqual([])
    await context.close()
  })

  it('shows rows read of a 100,000-row sheet and stops reading Feishu when cancelled (zh-CN, 375px)', async () => {
    await resetSandbox(e2e.sandbox)
    // Slow value reads (as a busy Feishu would answer), so the reading can be watched and cancelled.
    await sandboxSend(e2e.sandbox, 'PUT', '/sandbox/knobs', { latencyMsByApi: { 'sheets.values.get': 1500 } })
    try {
      const { context, page, pageErrors } = await openPage(e2e.browser, { locale: 'zh-CN', width: 375, height: 800 })
      await signIn(page, e2e.product.url, 'wangfang')
      await page.goto(`${e2e.product.url}/payroll/${SALES_COMMISSION}`)
      await page.locator('[data-test="feishu-link"]').fill('https://sandbox.feishu.cn/sheets/shtcnBig100k30cols')
      await page.locator('[data-test="feishu-link-read"]').click()
      const progress = page.locator('[data-test="progress"]')
      await expect.poll(async () => (await progress.innerText().catch(() => '')).match(/([\d,]+) 行/)?.[1] ?? '', { timeout: 30_000 }).toMatch(/[1-9]/)
      expect(await progress.innerText()).toContain('读取行')
      await noSidewaysScroll(page, 'reading a Feishu sheet')
      await page.screenshot({ path: `${SCREENSHOTS}/feishu-link-progress-zh-CN-375.png`, fullPage: true })
      const calls = async () => (await getJson<{ calls: Array<{ api: string }> }>(`${e2e.sandbox}/sandbox/inspect/calls?api=sheets.values.get`)).calls.length
      await page.locator('[data-test="cancel"]').click()
      await page.locator('[data-test="feishu-link-form"]').waitFor()
      expect(await page.locator('[data-test="file-error"]').count()).toBe(0)
      // The server stops asking Feishu: no new value reads once the ones in flight have ended.
      await page.waitForTimeout(2000)
      const settled = await calls()
      await page.waitForTimeout(2000)
      expect(await calls()).toBe(settled)
      expect(settled).toBeLessThan(21)
      expect(pageErrors).toEqual([])
      await context.close()
    } finally {
      await sandboxSend(e2e.sandbox, 'PUT', '/sandbox/knobs', { latencyMsByApi: {} })
    }
  }, 120_000)
})
