import ExcelJS from 'exceljs'
import type { Page } from 'playwright-core'
import { describe, expect, it } from 'vitest'
import { COMBOS, type Locale } from './fixtures'
import { SCREENSHOTS, useProduct } from './helpers'

// A real HR workbook in the browser, against the sandbox Feishu: employee numbers stored as numbers
// with the format "FS"00000 (the cell shows FS10013), a department label row, a 合计 row, a row
// and a column hidden in Excel, a negative in parentheses and an amount with ¥ and a thousands separator. The
// payroll admin sees what will be sent, the rows set aside (said once), leaves the hidden row out,
// and the diff counts what it does not write the same way in its header and its filter.

const SOURCE = 'sales_commission__c'
const PERIOD = '2024-11'

const e2e = useProduct()

async function hiredNumbers(): Promise<string[]> {
  const res = await fetch(`${e2e.product.sandboxUrl}/sandbox/inspect/employees?status=hired&limit=5000`)
  const { employees } = (await res.json()) as { employees: Array<{ employee_no: string }> }
  // Numbers used by one person only (the seed reuses some on purpose).
  const count = new Map<string, number>()
  for (const e of employees) count.set(e.employee_no, (count.get(e.employee_no) ?? 0) + 1)
  return employees.map((e) => e.employee_no).filter((n) => count.get(n) === 1 && /^FS\d{5}$/.test(n))
}

async function workbook(numbers: string[]): Promise<Buffer> {
  const wb = new ExcelJS.Workbook()
  const ws = wb.addWorksheet('十一月')
  ws.addRow(['员工编号', '提成金额', '成交单数'])
  ws.addRow(['销售一部'])
  const id = (n: string) => Number(n.slice(2))
  const rows: Array<[string, string | number, number]> = [[numbers[0]!, '(100)', 3], [numbers[1]!, '¥1,234.5', 2], [numbers[2]!, 50, 1]]
  for (const [no, amount, deals] of rows) ws.addRow([id(no), amount, deals]).getCell(1).numFmt = '"FS"00000'
  ws.getRow(5).hidden = true
  ws.getColumn(3).hidden = true
  ws.addRow(['合计', { formula: 'SUM(B3:B5)', result: 1184.5 }, { formula: 'SUM(C3:C5)', result: 6 }])
  return Buffer.from(await wb.xlsx.writeBuffer())
}

async function setLocale(page: Page, locale: Locale) {
  if ((await page.evaluate(() => document.documentElement.lang)) === locale) return
  await page.getByTestId(`language-${locale}`).click()
  await expect.poll(() => page.evaluate(() => document.documentElement.lang)).toBe(locale)
}

async function shootAll(page: Page, step: string) {
  for (const c of COMBOS) {
    await page.setViewportSize({ width: c.width, height: c.height })
    await setLocale(page, c.locale)
    await page.waitForTimeout(150) // the grid swaps table ↔ cards
    await page.evaluate(() => window.scrollTo(0, 0))
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)
    expect(overflow, `${step} ${c.locale} ${c.width}px scrolls sideways`).toBeLessThanOrEqual(0)
    await page.screenshot({ path: `${SCREENSHOTS}/read-as-meant-${step}-${c.locale}-${c.width}.png`, fullPage: true })
  }
  await page.setViewportSize({ width: 1280, height: 900 })
  await setLocale(page, 'zh-CN')
}

describe('a workbook as HR people make them', () => {
  it('is read as meant: IDs as shown, totals and labels set aside once, values as they will be sent, hidden rows left out on request', async () => {
    const numbers = await hiredNumbers()
    const page = await (await e2e.browser.newContext({ locale: 'zh-CN', viewport: { width: 1280, height: 900 } })).newPage()
    const errors: string[] = []
    page.on('pageerror', (e) => errors.push(String(e)))
    await page.goto(e2e.product.url)
    await page.getByTestId('sandbox-user-wangfang').click()
    await page.getByTestId('sandbox-approve').click()
    await page.waitForURL((u) => u.pathname === '/', { timeout: 20_000 })
    await page.goto(`${e2e.product.url}/payroll/${SOURCE}`)
    await page.getByTestId('payroll-period').fill(PERIOD)

    await page.locator('[data-test="file"]').setInputFiles({ name: '提成-2024-11.xlsx', mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', buffer: await workbook(numbers) })
    // 员工编号 is a synonym of 工号: matched, but shown for a check.
    await page.locator('[data-test="confirm-mapping"]').click()
    await page.getByTestId('payroll-ready').waitFor({ timeout: 30_000 })

    const left = await page.locator('[data-test="left-row"]').allInnerTexts()
    expect(left.map((l) => l.split('：')[0])).toEqual(['第 2 行是分组标题行（销售一部）', '第 6 行是合计行（合计 · 1184.5 · 6）'])
    expect(await page.locator('[data-test="summary"]').innerText()).toBe('共 3 行 · 0 行有错误 · 3 行有提醒')
    const cell = (row: number, field: string) => page.locator(`[data-test="row"][data-row="${row}"] [data-field="${field}"]`)
    expect(await cell(1, 'employee_no').innerText()).toBe(numbers[0])
    expect(await cell(1, 'commission_amount__c').innerText()).toBe('-100.00')
    expect(await cell(1, 'commission_amount__c').getAttribute('title')).toContain('将写入 -100.00（文件中为「(100)」）')
    expect(await cell(2, 'commission_amount__c').innerText()).toBe('1234.50')
    expect(await page.locator('[data-test="hidden-rows"]').innerText()).toContain('1 行在 Excel 中被隐藏')
    expect(await page.locator('[data-test="hidden-columns"]').innerText()).toContain('这些列在 Excel 中被隐藏，仍会导入：成交单数')
    // No errors: no error report to download.
    expect(await page.locator('[data-test="report"]').count()).toBe(0)
    await shootAll(page, '1-review')

    await page.locator('[data-test="fix-hidden"]').click()
    await expect.poll(() => page.locator('[data-test="summary"]').innerText()).toBe('共 2 行 · 0 行有错误 · 2 行有提醒')
    expect(await page.locator('[data-test="hidden-rows"]').count()).toBe(0)

    await page.getByTestId('payroll-compare').click()
    await page.getByTestId('payroll-diff').waitFor({ timeout: 60_000 })
    const header = await page.getByTestId('diff-count-excluded').locator('dd').innerText()
    const chip = await page.getByTestId('diff-filter-excluded').locator('span').innerText()
    expect(chip).toBe(header)
    expect(errors).toEqual([])
  })
})
