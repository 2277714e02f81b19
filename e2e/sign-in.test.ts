import { describe, expect, it } from 'vitest'
import { SCREENSHOTS, noSidewaysScroll, openPage, signIn, useProduct } from './helpers'

const e2e = useProduct()

const cases = [
  { locale: 'zh-CN', width: 1280, height: 800, payroll: '外部算薪数据', name: '王芳', jobs: '我的任务', open: '打开外部数据源' },
  { locale: 'en-US', width: 375, height: 760, payroll: 'Payroll external data', name: 'Wang Fang', jobs: 'My jobs', open: 'Open payroll datasources' },
  { locale: 'zh-CN', width: 375, height: 760, payroll: '外部算薪数据', name: '王芳', jobs: '我的任务', open: '打开外部数据源' },
  { locale: 'en-US', width: 1280, height: 800, payroll: 'Payroll external data', name: 'Wang Fang', jobs: 'My jobs', open: 'Open payroll datasources' },
] as const

describe('signing in through the sandbox Feishu in a real browser', () => {
  for (const c of cases) {
    it(`the payroll admin signs in and sees their name and capabilities (${c.locale}, ${c.width}px)`, async () => {
      const { context, page, pageErrors } = await openPage(e2e.browser, c)
      await signIn(page, e2e.product.url, 'wangfang')

      await expect.poll(() => page.getByText(c.name, { exact: false }).filter({ visible: true }).count(), { timeout: 15_000 }).toBeGreaterThan(0)
      const payrollCard = page.getByTestId('capability-payroll')
      const attendanceCard = page.getByTestId('capability-attendance')
      await expect.poll(() => payrollCard.getAttribute('data-available'), { timeout: 15_000 }).toBe('true')
      await expect.poll(() => attendanceCard.getAttribute('data-available'), { timeout: 15_000 }).toBe('false')
      expect(await payrollCard.innerText()).toContain(c.payroll)
      // Every text of the first page is in her language, none shown as its message key (the build
      // ships the first page's message areas with it; the rest load with later pages).
      expect(await payrollCard.getByTestId('capability-open').innerText()).toContain(c.open)
      expect(await page.getByTestId('layout-jobs').innerText()).toBe(c.jobs)
      expect(await page.getByTestId('home-jobs-link').innerText()).toContain(c.jobs.replace('My', 'my'))
      expect(await page.locator('body').innerText()).not.toMatch(/\b(jobs|payroll|attendance|capability|home|layout)\.[a-zA-Z]+/)

      await noSidewaysScroll(page)

      const cookies = await context.cookies()
      expect(cookies.find((k) => k.name === 'sid')).toMatchObject({ httpOnly: true, sameSite: 'Lax' })
      expect(await page.evaluate(() => document.cookie)).not.toContain('sid=')

      await page.screenshot({ path: `${SCREENSHOTS}/home-${c.locale}-${c.width}.png`, fullPage: true })
      expect(pageErrors).toEqual([])
      await context.close()
    })
  }
})
