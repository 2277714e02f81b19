import { describe, expect, it } from 'vitest'
import { employees, getJson, noSidewaysScroll, openPage, resetSandbox, SCREENSHOTS, signIn, useProduct } from './helpers'

// The payroll admin (wangfang) sees the "message me in Feishu" switch on her jobs page; her job
// finishes, the app's bot sends her a card, and the sandbox's messages page (her Feishu chat) shows
// it with the counts in her language; its button opens the job in the app — at 1280 and 375 px.

const e2e = useProduct()

const cases = [
  { locale: 'zh-CN', width: 1280, height: 900 },
  { locale: 'en-US', width: 375, height: 800 },
] as const

describe('job messages in Feishu, in a real browser', () => {
  for (const c of cases) {
    it(`a payroll admin's finished job arrives as a card she can open the job from (${c.locale}, ${c.width}px)`, async () => {
      await resetSandbox(e2e.sandbox)
      const people = await employees(e2e.sandbox, { status: 'hired', limit: 3 })
      const { context, page, pageErrors } = await openPage(e2e.browser, c)
      await signIn(page, e2e.product.url, 'wangfang')

      await page.getByTestId('layout-jobs').click()
      await page.waitForURL((u) => u.pathname === '/jobs')
      const sw = page.getByTestId('notify-switch')
      await expect.poll(() => sw.getAttribute('aria-checked'), { timeout: 15_000 }).toBe('true')
      expect(await page.getByTestId('notify-setting').innerText()).toContain(c.locale === 'zh-CN' ? '在飞书里通知我任务进展' : 'Message me in Feishu about my jobs')
      await noSidewaysScroll(page, 'jobs page')
      await page.screenshot({ path: `${SCREENSHOTS}/notify-setting-${c.locale}-${c.width}.png`, fullPage: true })

      // The job, as the import page creates it (the app's own endpoint, from the signed-in page).
      const id = await page.evaluate(async (rows) => {
        const res = await fetch('/api/jobs', {
          method: 'POST', headers: { 'Content-Type': 'application/json', 'X-Requested-With': 'XMLHttpRequest' },
          body: JSON.stringify({ idempotency_key: `e2e-notify-${Date.now()}`, kind: 'payroll_save', target: { type: 'payroll', source_code: 'attendance_deduction__c', payroll_period: '2021-07' }, rows, source: { file_name: 'deductions-2021-07.xlsx' } }),
        })
        return ((await res.json()) as { job: { id: string } }).job.id
      }, people.map((e, i) => ({ row: i + 2, employment_id: e.employment_id, values: { late_deduction__c: `${i}.5` } })))

      // Her Feishu chat with the bot, in the sandbox.
      const lang = c.locale
      await expect.poll(async () => (await getJson<{ messages: unknown[] }>(`${e2e.sandbox}/sandbox/inspect/messages?user=wangfang`)).messages.length, { timeout: 30_000 }).toBe(1)
      // The jobs page links there in sandbox mode.
      const href = (await page.getByTestId('notify-sandbox-link').getAttribute('href'))!
      expect(href).toBe(`${e2e.sandbox}/sandbox/messages?user=wangfang&lang=${lang}`)
      await page.goto(href)
      const card = page.getByTestId('sandbox-card')
      await expect.poll(() => card.count()).toBe(1)
      const text = await card.innerText()
      expect(text).toContain(lang === 'zh-CN' ? '导入已完成' : 'Your import is done')
      expect(text).toContain(lang === 'zh-CN' ? '3 已写入（共 3）' : '3 written (of 3)')
      expect(text).toContain(lang === 'zh-CN' ? '文件: deductions-2021-07.xlsx' : 'File: deductions-2021-07.xlsx')
      await noSidewaysScroll(page, 'sandbox messages page')
      await page.screenshot({ path: `${SCREENSHOTS}/notify-card-${c.locale}-${c.width}.png`, fullPage: true })

      const button = card.getByTestId('sandbox-card-button')
      expect(await button.innerText()).toBe(lang === 'zh-CN' ? '打开任务' : 'Open the job')
      const applink = new URL((await button.getAttribute('data-applink'))!)
      expect(applink.hostname).toBe('applink.feishu.cn')
      expect(applink.searchParams.get('path')).toBe(`/jobs/${id}`)
      await button.click()
      await page.waitForURL((u) => u.pathname === `/jobs/${id}`)
      await expect.poll(() => page.getByTestId('job-status').first().getAttribute('data-status'), { timeout: 15_000 }).toBe('succeeded')
      await noSidewaysScroll(page, 'job page')

      expect(pageErrors).toEqual([])
      await context.close()
    })
  }
})
