// `npm run bench:load`: the first load as a person on a weak phone network sees it. Starts the built
// product (as `npm start` does: app server + sandbox Feishu), then drives Debian's chromium with
// DevTools throttling — 150 ms round trip, 1.6 Mbps down, 750 kbps up, CPU 4× slower — and prints,
// for a cold cache each time:
//   - the sign-in page: KB transferred (JS, CSS, all) and ms until the sign-in choices are clickable;
//   - after signing in, the payroll page opened directly: the same, until the datasources are listed.
// Target: ≤ 100 KB of compressed JS + CSS for the first page, ≤ 2500 ms each on this profile.
// Needs `npm run build` first (it runs it when dist/ is missing).
import { existsSync, mkdtempSync } from 'node:fs'
import { execSync } from 'node:child_process'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { chromium, type BrowserContext, type CDPSession, type Page } from 'playwright-core'
import { startServer } from '../server/start'
import { silentLogger } from '../server/logger'
import { freePort } from '../tests/server/harness'

const RTT_MS = 150
const DOWN_BYTES_PER_S = (1.6 * 1024 * 1024) / 8
const UP_BYTES_PER_S = (750 * 1024) / 8
const CPU_SLOWDOWN = 4
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3)

if (!existsSync('dist/index.html')) execSync('npm run build', { stdio: 'inherit' })

const port = await freePort()
const product = await startServer(
  { PORT: String(port), SANDBOX_PORT: String(await freePort()), HOST: '127.0.0.1', DATA_DIR: mkdtempSync(join(tmpdir(), 'bench-load-')), PUBLIC_URL: `http://localhost:${port}` },
  { logger: silentLogger },
)
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
})

interface Transfer { js: number; css: number; all: number }

/** Throttles the page and counts the bytes that really crossed the (emulated) network. */
async function throttled(page: Page): Promise<{ cdp: CDPSession; transfer: Transfer; reset(): void }> {
  const cdp = await page.context().newCDPSession(page)
  await cdp.send('Network.enable')
  await cdp.send('Network.setCacheDisabled', { cacheDisabled: false })
  await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: RTT_MS, downloadThroughput: DOWN_BYTES_PER_S, uploadThroughput: UP_BYTES_PER_S })
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: CPU_SLOWDOWN })
  const transfer: Transfer = { js: 0, css: 0, all: 0 }
  const types = new Map<string, string>()
  // BENCH_TRACE=1 prints each request's start and end (ms from the first), to see the waterfall.
  const trace = process.env.BENCH_TRACE ? new Map<string, { url: string; start: number }>() : null
  let t0 = 0
  cdp.on('Network.requestWillBeSent', (e) => {
    if (!trace) return
    t0 ||= e.timestamp
    trace.set(e.requestId, { url: e.request.url.replace(/^https?:\/\/[^/]+/, ''), start: Math.round((e.timestamp - t0) * 1000) })
  })
  cdp.on('Network.loadingFinished', (e) => {
    const r = trace?.get(e.requestId)
    if (r) console.info(`    ${String(r.start).padStart(5)} → ${String(Math.round((e.timestamp - t0) * 1000)).padStart(5)} ms  ${(e.encodedDataLength / 1024).toFixed(1).padStart(6)} KB  ${r.url}`)
  })
  cdp.on('Network.responseReceived', (e) => { types.set(e.requestId, e.type) })
  // JS and CSS count their compressed bodies (the budget); `all` is everything on the wire, headers included.
  const body = new Map<string, number>()
  cdp.on('Network.dataReceived', (e) => { body.set(e.requestId, (body.get(e.requestId) ?? 0) + e.encodedDataLength) })
  cdp.on('Network.loadingFinished', (e) => {
    const type = types.get(e.requestId)
    transfer.all += e.encodedDataLength
    if (type === 'Script') transfer.js += body.get(e.requestId) ?? 0
    if (type === 'Stylesheet') transfer.css += body.get(e.requestId) ?? 0
  })
  return { cdp, transfer, reset() { transfer.js = transfer.css = transfer.all = 0 } }
}

async function signInAsPayrollAdmin(context: BrowserContext): Promise<void> {
  const page = await context.newPage()
  await page.goto(product.url)
  await page.getByTestId('sandbox-user-wangfang').click()
  await page.getByTestId('sandbox-approve').click()
  await page.waitForURL((u) => u.pathname === '/', { timeout: 30_000 })
  await page.close()
}

interface Figure { ms: number; transfer: Transfer }

/**
 * Time from navigation start until the element a person acts on is in the page: recorded inside the
 * page (a MutationObserver), so the figure does not include the benchmark's own polling, which CPU
 * throttling slows down too.
 */
async function measure(path: string, testId: string, context: BrowserContext): Promise<Figure> {
  const page = await context.newPage()
  const { transfer } = await throttled(page)
  // A string, not a function: tsx would wrap a function's inner names in a helper the page lacks.
  await page.addInitScript({
    content: `new MutationObserver(() => {
      if (!window.__usableAt && document.querySelector('[data-testid="${testId}"]')) window.__usableAt = performance.now()
    }).observe(document, { childList: true, subtree: true })`,
  })
  await page.goto(`${product.url}${path}`)
  await page.getByTestId(testId).first().waitFor({ state: 'visible', timeout: 60_000 })
  const ms = Math.round(await page.evaluate(() => (window as unknown as { __usableAt: number }).__usableAt))
  await page.close()
  return { ms, transfer: { ...transfer } }
}

const kb = (n: number) => (n / 1024).toFixed(1)
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!

const results: Record<'signIn' | 'payroll', Figure[]> = { signIn: [], payroll: [] }
try {
  for (let i = 0; i < ROUNDS; i++) {
    // A fresh context each round: cold HTTP cache, like a first visit.
    const fresh = await browser.newContext({ locale: 'zh-CN', viewport: { width: 375, height: 760 } })
    results.signIn.push(await measure('/sign-in', 'sandbox-user-wangfang', fresh))
    await fresh.close()

    const signedIn = await browser.newContext({ locale: 'zh-CN', viewport: { width: 375, height: 760 } })
    await signInAsPayrollAdmin(signedIn)
    // Signing in warmed this context's cache; open the payroll page in a new context with the same cookie.
    const cookies = await signedIn.cookies()
    await signedIn.close()
    const cold = await browser.newContext({ locale: 'zh-CN', viewport: { width: 375, height: 760 } })
    await cold.addCookies(cookies)
    results.payroll.push(await measure('/payroll', 'payroll-source', cold))
    await cold.close()
  }
} finally {
  await browser.close()
  await product.close()
}

console.info(`bench:load — ${RTT_MS} ms RTT, ${(DOWN_BYTES_PER_S * 8 / 1024 / 1024).toFixed(1)} Mbps down, CPU ${CPU_SLOWDOWN}× slower, cold cache, median of ${ROUNDS}`)
for (const [name, figures] of Object.entries(results)) {
  const f = figures.find((x) => x.ms === median(figures.map((y) => y.ms)))!
  const jsCss = f.transfer.js + f.transfer.css
  console.info(
    `  ${name === 'signIn' ? 'sign-in page ' : 'payroll page '}  usable after ${String(f.ms).padStart(5)} ms (target ≤ 2500)   ` +
    `JS ${kb(f.transfer.js)} KB + CSS ${kb(f.transfer.css)} KB = ${kb(jsCss)} KB as sent (first-page budget ≤ 100 compressed)   all on the wire ${kb(f.transfer.all)} KB`,
  )
}
