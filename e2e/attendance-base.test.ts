import { describe, expect, it } from 'vitest'
import { SCREENSHOTS, employees, getJson, noSidewaysScroll, openPage, resetSandbox, signIn, useProduct } from './helpers'

// The attendance admin (zhangwei) pastes the link of his Base (考勤汇总) instead of choosing a file:
// its person field 人员 becomes each member as the report identifies members — by employee number,
// or, after he switches the member kind, by user ID (the link is read again) — and the month is
// written into Feishu; the one person outside the directory is rejected as an unknown member.

const e2e = useProduct()
const LINK = 'https://sandbox.feishu.cn/base/bascnAttendanceSummary?table=tblAttendance202409'

interface ArchiveRow { user_id: string; fields: Record<string, string> }

const cases = [
  { locale: 'zh-CN', width: 1280, height: 900, month: '202407', by: 'employee_no' },
  { locale: 'en-US', width: 375, height: 800, month: '202406', by: 'employee_id' },
] as const

describe('a Base table as the rows of an attendance import, in a real browser', () => {
  for (const c of cases) {
    it(`writes the Base's people as members by ${c.by === 'employee_no' ? 'employee number' : 'user ID'} (${c.locale}, ${c.width}px)`, async () => {
      await resetSandbox(e2e.sandbox)
      const hr = (await employees(e2e.sandbox, { department: 'HR', status: 'hired', limit: 60 })).filter((e) => !['wangfang', 'zhangwei'].includes(e.user_id))
      const { context, page, pageErrors } = await openPage(e2e.browser, c)
      await signIn(page, e2e.product.url, 'zhangwei')
      await page.getByTestId('capability-attendance').getByTestId('capability-open').click()
      await page.getByTestId('attendance-page').waitFor()
      await page.getByTestId('attendance-rule').selectOption('1')
      await page.getByTestId('attendance-month').fill(`${c.month.slice(0, 4)}-${c.month.slice(4)}`)
      await page.getByTestId('attendance-fields').waitFor({ timeout: 20_000 })

      await page.locator('[data-test="feishu-link"]').fill(LINK)
      await page.locator('[data-test="feishu-link-read"]').click()
      await page.locator('[data-testid="attendance-check"][data-settled="true"]').waitFor({ timeout: 30_000 })
      // The Base's people came as employee numbers (the page's default): recognised as such.
      await expect.poll(() => page.getByTestId('member-type-employee_no').locator('input').isChecked()).toBe(true)
      if (c.by === 'employee_id') {
        // He switches to user IDs: the Base is read again, and its people come as user IDs.
        await page.getByTestId('member-type-employee_id').click()
        await expect.poll(() => page.getByTestId('member-type-employee_id').locator('input').isChecked()).toBe(true)
        await page.locator('[data-testid="attendance-check"][data-settled="true"]').waitFor({ timeout: 30_000 })
        await expect.poll(() => page.getByTestId('attendance-member-mismatch').count()).toBe(0)
      }
      const confirmMapping = page.locator('[data-test="confirm-mapping"]')
      if (await confirmMapping.isVisible()) await confirmMapping.click()
      expect(await page.locator('[data-test="file-error"]').count()).toBe(0)
      await noSidewaysScroll(page, 'attendance rows from a Base')
      await page.screenshot({ path: `${SCREENSHOTS}/attendance-base-${c.locale}-${c.width}.png`, fullPage: true })

      await page.getByTestId('attendance-prepare').click()
      await expect.poll(() => page.getByTestId('attendance-plan').innerText()).toMatch(c.locale === 'zh-CN' ? /6 个成员/ : /6 members/)
      await page.getByTestId('attendance-write').click()
      await page.getByTestId('attendance-result-summary').waitFor({ timeout: 60_000 })
      expect(await page.getByTestId('attendance-result-summary').innerText()).toMatch(c.locale === 'zh-CN' ? /已写入 5 个成员.*被拒绝 1 个/ : /5 members written.*1 rejected/)
      // The person outside the directory keeps their name, and Feishu does not know that member.
      const wide = c.width > 640
      const rejected = page.locator(wide ? '[data-testid="attendance-result-row"]' : '[data-testid="attendance-result-card"]').filter({ hasText: '外部顾问' })
      expect(await rejected.innerText()).toContain(c.locale === 'zh-CN' ? '飞书不认识这个成员' : 'Feishu did not recognise this member')

      // Feishu holds the five HR people of the Base, with their day counts.
      const stored = (await getJson<{ rows: ArchiveRow[] }>(`${e2e.sandbox}/sandbox/inspect/archive?archive_rule_id=1&month=${c.month}`)).rows
      const five = hr.slice(0, 5)
      expect(stored.map((r) => r.user_id).sort()).toEqual(five.map((e) => e.user_id).sort())
      for (const r of stored) expect(Object.values(r.fields).sort()).toEqual(expect.arrayContaining(['22']))
      await noSidewaysScroll(page, 'attendance result from a Base')
      await page.screenshot({ path: `${SCREENSHOTS}/attendance-base-result-${c.locale}-${c.width}.png`, fullPage: true })
      expect(pageErrors).toEqual([])
      await context.close()
    }, 180_000)
  }
})
