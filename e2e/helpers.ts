// The one set of e2e helpers: the product and a browser per test file, the sandbox Feishu's
// inspection API, signing in, pages that must not scroll sideways, and workbook/CSV cells.
import { mkdirSync, mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { read as readWorkbook, utils } from '@e965/xlsx'
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core'
import { afterAll, beforeAll, expect } from 'vitest'
import { freePort } from '../tests/server/harness'
import { startServer, type Running } from '../server/start'
import type { Employee, Locale, SandboxRecord, Viewport } from './fixtures'

export const SCREENSHOTS = 'e2e/screenshots'

/** Debian's chromium, never a downloaded browser; flags keep it off the (closed) network. */
export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
  })
}

/** The whole product as `npm start` runs it — app server and sandbox Feishu — on free ports. */
export async function startProduct(env: Record<string, string> = {}): Promise<Running> {
  const port = await freePort()
  const sandboxPort = await freePort()
  mkdirSync(SCREENSHOTS, { recursive: true })
  return startServer(
    { PORT: String(port), SANDBOX_PORT: String(sandboxPort), HOST: '127.0.0.1', DATA_DIR: mkdtempSync(join(tmpdir(), 'hr-e2e-')), LOG_LEVEL: 'warn', PUBLIC_URL: `http://localhost:${port}`, ...env },
  )
}

export interface E2E {
  product: Running
  browser: Browser
  /** The sandbox Feishu's base URL. */
  sandbox: string
}

/** Starts the product and a browser before the file's tests and stops both after them. */
export function useProduct(env: Record<string, string> = {}): E2E {
  const e2e = {} as E2E
  beforeAll(async () => {
    e2e.product = await startProduct(env)
    e2e.browser = await launchBrowser()
    e2e.sandbox = e2e.product.sandboxUrl!
  })
  afterAll(async () => {
    await e2e.browser?.close()
    await e2e.product?.close()
  })
  return e2e
}

/** A fresh context and page in a language and size; `pageErrors` collects uncaught page errors. */
export async function openPage(browser: Browser, view: { locale: Locale } & Viewport, options: { downloads?: boolean } = {}): Promise<{ context: BrowserContext; page: Page; pageErrors: string[] }> {
  const context = await browser.newContext({ locale: view.locale, viewport: { width: view.width, height: view.height }, acceptDownloads: options.downloads ?? false })
  const page = await context.newPage()
  const pageErrors: string[] = []
  page.on('pageerror', (e) => pageErrors.push(String(e)))
  return { context, page, pageErrors }
}

export async function getJson<T>(url: string): Promise<T> {
  const res = await fetch(url)
  if (!res.ok) throw new Error(`${url} → ${res.status}`)
  return (await res.json()) as T
}

/** A write to the sandbox's own control API (reset, seeding). */
export async function sandboxSend(sandbox: string, method: 'POST' | 'PUT', path: string, body: unknown): Promise<void> {
  const res = await fetch(`${sandbox}${path}`, { method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
  expect(res.ok, `${method} ${path}`).toBe(true)
}

/** Back to the seed, keeping the signed-in people's tokens. */
export function resetSandbox(sandbox: string): Promise<void> {
  return sandboxSend(sandbox, 'POST', '/sandbox/reset', { keepTokens: true })
}

/** The sandbox's people, e.g. `{ department: 'SAL', status: 'hired', limit: 60 }`. */
export async function employees(sandbox: string, query: { department?: string; status?: string; limit: number }): Promise<Employee[]> {
  const q = new URLSearchParams(Object.entries(query).filter(([, v]) => v !== undefined).map(([k, v]) => [k, String(v)]))
  return (await getJson<{ employees: Employee[] }>(`${sandbox}/sandbox/inspect/employees?${q}`)).employees
}

/** Every payroll record of a datasource in the sandbox, by employment ID (only one period's when given). */
export async function payrollRecords(sandbox: string, source: string, period?: string): Promise<Map<string, SandboxRecord>> {
  const body = await getJson<{ records: SandboxRecord[] }>(`${sandbox}/sandbox/inspect/payroll?source_code=${source}`)
  return new Map(body.records.filter((r) => period === undefined || r.period === period).map((r) => [r.employment_id, r]))
}

/** Through the sandbox chooser and the sandbox's authorize page, back home signed in. */
export async function signIn(page: Page, appUrl: string, userId: string): Promise<void> {
  await page.goto(appUrl)
  await page.getByTestId(`sandbox-user-${userId}`).click()
  // The sandbox's own authorize page: a real OAuth code comes back to /auth/callback.
  await page.getByTestId('sandbox-approve').click()
  await page.waitForURL((u) => u.pathname === '/', { timeout: 20_000 })
}

/** How far the page scrolls sideways (0 or less: it fits). */
export function sidewaysOverflow(page: Page): Promise<number> {
  return page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)
}

/** Nothing may overflow a phone screen sideways. Also back to the top, so a full-page screenshot does not catch the sticky header mid-page. */
export async function noSidewaysScroll(page: Page, what = ''): Promise<void> {
  await page.evaluate(() => window.scrollTo(0, 0))
  expect(await sidewaysOverflow(page), `${what} scrolls sideways`).toBeLessThanOrEqual(0)
}

export function csvCell(v: string | number): string {
  const s = String(v)
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s
}

/** The first (or given) sheet of a downloaded workbook as rows of text cells. */
export function readSheet(path: string, sheet = 0): string[][] {
  const book = readWorkbook(readFileSync(path))
  return utils.sheet_to_json<unknown[]>(book.Sheets[book.SheetNames[sheet]!]!, { header: 1, defval: '' }).map((r) => r.map((v) => String(v)))
}

/** The first sheet of a downloaded workbook as records keyed by its header row. */
export function readSheetRecords(path: string): Record<string, unknown>[] {
  const book = readWorkbook(readFileSync(path))
  return utils.sheet_to_json<Record<string, unknown>>(book.Sheets[book.SheetNames[0]!]!, { defval: '' })
}
