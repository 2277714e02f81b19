import type { Page } from 'playwright-core'
import { describe, expect, it } from 'vitest'
import { useProduct } from './helpers'

const e2e = useProduct()

interface Sent { url: string; type: string; bytes: number; encoding: string | null }

/** Everything the page fetched, with its body's bytes as they crossed the wire (compressed), from DevTools. */
async function recordTransfers(page: Page): Promise<Sent[]> {
  const cdp = await page.context().newCDPSession(page)
  await cdp.send('Network.enable')
  const sent: Sent[] = []
  const seen = new Map<string, Omit<Sent, 'bytes'>>()
  cdp.on('Network.responseReceived', (e) => {
    const h = Object.fromEntries(Object.entries(e.response.headers).map(([k, v]) => [k.toLowerCase(), String(v)]))
    seen.set(e.requestId, { url: new URL(e.response.url).pathname, type: e.type, encoding: h['content-encoding'] ?? null })
  })
  const body = new Map<string, number>()
  cdp.on('Network.dataReceived', (e) => { body.set(e.requestId, (body.get(e.requestId) ?? 0) + e.encodedDataLength) })
  cdp.on('Network.loadingFinished', (e) => {
    const r = seen.get(e.requestId)
    if (r) sent.push({ ...r, bytes: body.get(e.requestId) ?? 0 })
  })
  return sent
}

const jsCssKb = (sent: Sent[]) => sent.filter((s) => s.type === 'Script' || s.type === 'Stylesheet').reduce((n, s) => n + s.bytes, 0) / 1024
// What belongs to the import pages only: the grid and import flow, the file worker, xlsx reading/writing, the diff.
const PAGE_ONLY = /ImportFlow|ImportGrid|PayrollImport|PayrollDiff|worker|handler|xlsx|JobProgressPanel/

describe('first load', () => {
  it('the sign-in page and the home page each transfer at most 100 KB of compressed JS and CSS, and none of the import code', async () => {
    for (const locale of ['zh-CN', 'en-US']) {
      const context = await e2e.browser.newContext({ locale })
      const page = await context.newPage()
      const signIn = await recordTransfers(page)
      await page.goto(`${e2e.product.url}/sign-in`)
      await page.getByTestId('sandbox-user-wangfang').waitFor()
      await page.waitForLoadState('networkidle')
      const scripts = signIn.filter((s) => s.type === 'Script')
      expect(scripts.length).toBeGreaterThan(0)
      expect(scripts.filter((s) => !/^(br|gzip)$/.test(s.encoding ?? ''))).toEqual([])
      expect(jsCssKb(signIn), `${locale} sign-in: ${JSON.stringify(signIn)}`).toBeLessThanOrEqual(100)
      expect(signIn.filter((s) => PAGE_ONLY.test(s.url))).toEqual([])

      await page.getByTestId('sandbox-user-wangfang').click()
      await page.getByTestId('sandbox-approve').click()
      await page.waitForURL((u) => u.pathname === '/')
      const cookies = await context.cookies()
      await context.close()

      // The home page on a cold cache, as a signed-in person opens it from the workbench.
      const cold = await e2e.browser.newContext({ locale })
      await cold.addCookies(cookies)
      const home = await cold.newPage()
      const homeSent = await recordTransfers(home)
      await home.goto(e2e.product.url)
      await home.getByTestId('capability-payroll').waitFor()
      await home.waitForLoadState('networkidle')
      expect(jsCssKb(homeSent), `${locale} home: ${JSON.stringify(homeSent)}`).toBeLessThanOrEqual(100)
      expect(homeSent.filter((s) => PAGE_ONLY.test(s.url))).toEqual([])
      await cold.close()
    }
  })
})

describe('host', () => {
  it('a page opened on 127.0.0.1 moves to the PUBLIC_URL host before sign-in, and signing in works there', async () => {
    const context = await e2e.browser.newContext({ locale: 'en-US' })
    const page = await context.newPage()
    const port = new URL(e2e.product.url).port
    await page.goto(`http://127.0.0.1:${port}/payroll`)
    await page.waitForURL((u) => u.host === `localhost:${port}` && u.pathname === '/sign-in')
    await page.getByTestId('sandbox-user-wangfang').click()
    await page.getByTestId('sandbox-approve').click()
    await page.waitForURL((u) => u.host === `localhost:${port}` && u.pathname === '/payroll', { timeout: 20_000 })
    await page.getByTestId('payroll-source').first().waitFor()
    await context.close()
  })
})
