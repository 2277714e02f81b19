import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Running } from '../server/start'
import { SCREENSHOTS, launchBrowser, startProduct } from './browser'

let product: Running
let browser: Browser
beforeAll(async () => {
  product = await startProduct()
  browser = await launchBrowser()
})
afterAll(async () => {
  await browser?.close()
  await product?.close()
})

const cases = [
  { locale: 'zh-CN', width: 1280, height: 800, payroll: '外部算薪数据', name: '王芳' },
  { locale: 'en-US', width: 375, height: 760, payroll: 'Payroll external data', name: 'Wang Fang' },
  { locale: 'zh-CN', width: 375, height: 760, payroll: '外部算薪数据', name: '王芳' },
  { locale: 'en-US', width: 1280, height: 800, payroll: 'Payroll external data', name: 'Wang Fang' },
] as const

describe('signing in through the sandbox Feishu in a real browser', () => {
  for (const c of cases) {
    it(`the payroll admin signs in and sees their name and capabilities (${c.locale}, ${c.width}px)`, async () => {
      const context = await browser.newContext({ locale: c.locale, viewport: { width: c.width, height: c.height } })
      const page = await context.newPage()
      const consoleErrors: string[] = []
      page.on('pageerror', (e) => consoleErrors.push(String(e)))

      await page.goto(product.url)
      await page.getByTestId('sandbox-user-wangfang').click()
      // The sandbox's own authorize page: a real OAuth code comes back to /auth/callback.
      await page.getByTestId('sandbox-approve').click()
      await page.waitForURL((u) => u.pathname === '/', { timeout: 20_000 })

      await expect.poll(() => page.getByText(c.name, { exact: false }).filter({ visible: true }).count(), { timeout: 15_000 }).toBeGreaterThan(0)
      const payrollCard = page.getByTestId('capability-payroll')
      const attendanceCard = page.getByTestId('capability-attendance')
      await expect.poll(() => payrollCard.getAttribute('data-available'), { timeout: 15_000 }).toBe('true')
      await expect.poll(() => attendanceCard.getAttribute('data-available'), { timeout: 15_000 }).toBe('false')
      expect(await payrollCard.innerText()).toContain(c.payroll)

      // Nothing may overflow a phone screen sideways.
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)
      expect(overflow).toBeLessThanOrEqual(0)

      const cookies = await context.cookies()
      expect(cookies.find((k) => k.name === 'sid')).toMatchObject({ httpOnly: true, sameSite: 'Lax' })
      expect(await page.evaluate(() => document.cookie)).not.toContain('sid=')

      await page.screenshot({ path: `${SCREENSHOTS}/home-${c.locale}-${c.width}.png`, fullPage: true })
      expect(consoleErrors).toEqual([])
      await context.close()
    })
  }
})
