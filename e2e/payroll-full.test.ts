import type { Page } from 'playwright-core'
import { describe, expect, it } from 'vitest'
import { concatChunks, writeXlsx, type WriteRow } from '../src/import/xlsx-write'
import { COMBOS, SALES_COMMISSION, SEEDED_PERIOD, type Combo, type Employee, type Locale, type SandboxRecord } from './fixtures'
import { SCREENSHOTS, csvCell, employees, openPage, payrollRecords, readSheet, resetSandbox, sandboxSend, sidewaysOverflow, signIn, useProduct } from './helpers'

// A month of sales commission for 500 employees, end to end against the sandbox Feishu:
// the payroll admin (wangfang) imports a GBK-encoded CSV (and, separately, an xlsx) with bad rows,
// fixes two cells inline, reviews the diff against the 30 seeded records, submits, watches the job,
// downloads the result workbook, and the sandbox holds exactly the expected records; reverting
// brings the seeded values back. The HRBP (lina, Sales only) then writes Sales and non-Sales rows:
// the non-Sales rows fail one by one with Feishu's data-permission error, the Sales rows are written.
// Every step is photographed at 1280 and 375 px in zh-CN and en-US (the language switch and the
// viewport change on the live page, so the 500-row flow itself runs only twice).

const SOURCE = SALES_COMMISSION
const PERIOD = SEEDED_PERIOD // the seed has 30 Sales records in this period: the "previous values"
const HRBP_PERIOD = '2024-10'
const UNKNOWN_NO = 'FS99999'
const REUSED_NO = 'FS10086' // two people share it in the seed

const e2e = useProduct()
const records = (period: string) => payrollRecords(e2e.sandbox, SOURCE, period)
const send = (method: 'POST' | 'PUT', path: string, body: unknown) => sandboxSend(e2e.sandbox, method, path, body)

/** The datasource's own fields of a record (no employment_id / payroll_period). */
function own(values: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(values).filter(([k]) => k.endsWith('__c')))
}

function hired(department?: string): Promise<Employee[]> {
  return employees(e2e.sandbox, { department, status: 'hired', limit: 5000 })
}

/**
 * GBK bytes for a string. Node has no GBK encoder, but its TextDecoder knows GBK: decode every
 * two-byte GBK code once and keep the ones for the characters this text uses.
 */
function gbk(text: string): Buffer {
  const wanted = new Set([...text].filter((ch) => ch.codePointAt(0)! > 0x7f))
  const table = new Map<string, [number, number]>()
  const decoder = new TextDecoder('gbk', { fatal: true })
  for (let lead = 0x81; lead <= 0xfe && table.size < wanted.size; lead++) {
    for (let trail = 0x40; trail <= 0xfe; trail++) {
      if (trail === 0x7f) continue
      let ch: string
      try { ch = decoder.decode(Uint8Array.of(lead, trail)) } catch { continue }
      if (wanted.has(ch) && !table.has(ch)) table.set(ch, [lead, trail])
    }
  }
  const out: number[] = []
  for (const ch of text) {
    const code = ch.codePointAt(0)!
    if (code < 0x80) out.push(code)
    else {
      const bytes = table.get(ch)
      if (!bytes) throw new Error(`${ch} has no GBK code`)
      out.push(...bytes)
    }
  }
  const buf = Buffer.from(out)
  expect(new TextDecoder('gbk').decode(buf)).toBe(text)
  expect(() => new TextDecoder('utf-8', { fatal: true }).decode(buf)).toThrow()
  return buf
}

async function setLocale(page: Page, locale: Locale) {
  if ((await page.evaluate(() => document.documentElement.lang)) === locale) return
  await page.getByTestId(`language-${locale}`).click()
  await expect.poll(() => page.evaluate(() => document.documentElement.lang)).toBe(locale)
}

async function show(page: Page, c: Combo) {
  await page.setViewportSize({ width: c.width, height: c.height })
  await setLocale(page, c.locale)
}

/**
 * The current step in all four languages × widths, then back to where the flow runs. Nothing may
 * scroll sideways at any of them.
 */
async function shootAll(page: Page, step: string, home: Combo, opts: { fullPage?: boolean; combos?: Combo[] } = {}) {
  for (const c of opts.combos ?? COMBOS) {
    await show(page, c)
    await page.waitForTimeout(150) // layout settles (the grid swaps table ↔ cards)
    if (opts.fullPage !== false) await page.evaluate(() => window.scrollTo(0, 0))
    const overflow = await sidewaysOverflow(page)
    expect(overflow, `${step} ${c.locale} ${c.width}px scrolls sideways`).toBeLessThanOrEqual(0)
    await page.screenshot({ path: `${SCREENSHOTS}/payroll-full-${step}-${c.locale}-${c.width}.png`, fullPage: opts.fullPage !== false })
  }
  await show(page, home)
}

const HEADERS: Record<Locale, string[]> = {
  'zh-CN': ['工号', '提成金额', '成交单数', '客户备注'],
  'en-US': ['Employee number', 'Commission amount', 'Deals closed', 'Client note'],
}
const NOTES = ['华东区重点客户', '华南渠道', '北京直销', '上海大客户续约']

type Cell = string | number
interface Plan {
  /** data rows of the file: employee number, amount, deals, note ('' = empty cell) */
  rows: Array<[string, Cell, Cell, string]>
  /** employment_id → the datasource fields Feishu must hold after the job */
  expected: Map<string, Record<string, string>>
  unchanged: Employee[]
  changed: Employee[]
  fresh: Employee[]
  /** data-row indexes: the two cells fixed inline, the one left wrong */
  fixAmount: number
  fixDeals: number
  broken: number
  brokenEmployee: Employee
}

/**
 * 500 hired employees by employee number: the 30 seeded ones first (5 with the very values Feishu
 * holds, 25 with a new amount and a note), then 470 without a record. Three bad cells — an amount
 * in words and a deal count in words (fixed inline), an amount "待定" (left: the row stays out) —
 * and two rows at the end Feishu cannot take: an unknown 工号 and the reused one.
 */
function plan(employees: Employee[], seeded: Map<string, SandboxRecord>, numbers: boolean): Plan {
  const seededFirst = [...employees.filter((e) => seeded.has(e.employment_id)), ...employees.filter((e) => !seeded.has(e.employment_id) && e.employee_no !== REUSED_NO)].slice(0, 500)
  expect(seededFirst).toHaveLength(500)
  const num = (s: string): Cell => (numbers ? Number(s) : s)
  const rows: Plan['rows'] = []
  const expected = new Map<string, Record<string, string>>()
  const p: Plan = { rows, expected, unchanged: [], changed: [], fresh: [], fixAmount: 40, fixDeals: 41, broken: 42, brokenEmployee: seededFirst[42]! }
  seededFirst.forEach((e, i) => {
    const before = seeded.get(e.employment_id)
    if (before && i < 5) {
      p.unchanged.push(e)
      rows.push([e.employee_no, num(before.values.commission_amount__c!), num(before.values.deals_closed__c!), ''])
      expected.set(e.employment_id, own(before.values))
    } else if (before) {
      p.changed.push(e)
      const amount = `${3000 + i}.75`
      const deals = String(Number(before.values.deals_closed__c) + 1)
      // Three of them also get a note, a field the seeded records leave empty.
      const note = i < 8 ? '续约奖励' : ''
      rows.push([e.employee_no, num(amount), num(deals), note])
      expected.set(e.employment_id, { ...own(before.values), commission_amount__c: amount, deals_closed__c: deals, ...(note ? { client_note__c: note } : {}) })
    } else {
      const amount = `${1000 + i}.25`
      const deals = String(i % 20)
      const note = NOTES[i % NOTES.length]!
      if (i === p.fixAmount) {
        rows.push([e.employee_no, '一千二百', num(deals), note])
        expected.set(e.employment_id, { commission_amount__c: '1200.50', deals_closed__c: deals, client_note__c: note })
      } else if (i === p.fixDeals) {
        rows.push([e.employee_no, num(amount), '十二', note])
        expected.set(e.employment_id, { commission_amount__c: amount, deals_closed__c: '12', client_note__c: note })
      } else if (i === p.broken) {
        rows.push([e.employee_no, '待定', num(deals), note])
      } else {
        rows.push([e.employee_no, num(amount), num(deals), note])
        expected.set(e.employment_id, { commission_amount__c: amount, deals_closed__c: deals, client_note__c: note })
      }
      if (i !== p.broken) p.fresh.push(e)
    }
  })
  rows.push([UNKNOWN_NO, num('1.00'), '', ''], [REUSED_NO, num('2.00'), '', ''])
  expect(p.unchanged).toHaveLength(5)
  expect(p.changed).toHaveLength(25)
  expect(p.fresh).toHaveLength(469)
  return p
}

function xlsx(header: string[], rows: Array<Cell[]>): Buffer {
  const out: WriteRow[] = [header, ...rows.map((r) => r.map((v) => (v === '' ? null : v)))]
  return Buffer.from(concatChunks(writeXlsx([{ name: PERIOD, rows: out }])))
}

async function openSource(page: Page, period: string) {
  await page.getByTestId('capability-payroll').getByTestId('capability-open').click()
  await page.waitForURL((u) => u.pathname === '/payroll')
  await page.locator(`[data-testid="payroll-source"][data-code="${SOURCE}"] [data-testid="payroll-source-open"]`).click()
  await page.waitForURL((u) => u.pathname === `/payroll/${SOURCE}`)
  await page.getByTestId('payroll-period').fill(period)
}

async function confirmMappingIfAsked(page: Page) {
  const confirm = page.locator('[data-test="confirm-mapping"]')
  await Promise.race([page.getByTestId('payroll-ready').waitFor({ timeout: 30_000 }), confirm.waitFor({ timeout: 30_000 })])
  if (await confirm.isVisible()) await confirm.click()
  await page.getByTestId('payroll-ready').waitFor({ timeout: 30_000 })
}

/**
 * Edits one cell of the review grid: a table cell on desktop, a card's field on a phone. `shown`:
 * what the grid then shows, the value that will be sent (1200.5 in a 2-decimal field shows 1200.50).
 */
async function editCell(page: Page, narrow: boolean, dataRow: number, employeeNo: string, field: string, title: string, value: string, shown = value) {
  const scope = narrow
    ? page.locator('[data-test="card"]').filter({ hasText: employeeNo }).locator(`dt:text-is("${title}") + dd`)
    : page.locator(`[data-test="row"][data-row="${dataRow}"] [data-field="${field}"]`)
  expect(await scope.getAttribute('class')).toContain('is-error')
  await scope.locator('button').click()
  const input = scope.locator('input')
  await input.fill(value)
  await input.press('Enter')
  await expect.poll(() => scope.getAttribute('class')).not.toContain('is-error')
  expect(await scope.innerText()).toBe(shown)
}

async function count(page: Page, testId: string): Promise<string> {
  return page.getByTestId(testId).locator('dd').innerText()
}

/** Polls the job's counters until it ends; returns every "done" count seen on the way. */
async function watchJob(page: Page, scope: string, onRunning?: () => Promise<void>): Promise<{ status: string; seen: number[] }> {
  const seen: number[] = []
  let shot = false
  const deadline = Date.now() + 90_000
  for (;;) {
    const status = (await page.locator(`${scope} [data-testid="job-status"]`).first().getAttribute('data-status').catch(() => null)) ?? ''
    const done = await page.locator(`${scope} [data-testid="job-count-succeeded"] dd`).innerText().catch(() => '')
    if (done) seen.push(Number(done))
    if (['succeeded', 'finished_with_errors', 'cancelled', 'failed'].includes(status)) return { status, seen }
    if (!shot && status === 'running' && Number(done) > 0 && onRunning) {
      shot = true
      await onRunning()
    }
    if (Date.now() > deadline) throw new Error(`job still ${status}`)
    await page.waitForTimeout(100)
  }
}

describe('a month of payroll data for 500 employees, end to end', () => {
  it('the payroll admin imports a GBK CSV with bad rows, fixes two cells, writes the diff, downloads the results and reverts (zh-CN 1280 px; every step also at 375 px and in en-US)', async () => {
    const home = COMBOS[0]!
    await resetSandbox(e2e.sandbox)
    const seeded = await records(PERIOD)
    expect(seeded.size).toBe(30)
    const p = plan(await hired(), seeded, false)
    const csv = [HEADERS['zh-CN'].join(','), ...p.rows.map((r) => r.map(csvCell).join(','))].join('\r\n')
    const bytes = gbk(csv)

    const { context, page, pageErrors } = await openPage(e2e.browser, home, { downloads: true })
    await signIn(page, e2e.product.url, 'wangfang')
    await openSource(page, PERIOD)

    // 1. The file: read as GBK (the notes come out as Chinese), three rows with errors.
    await page.locator('[data-test="file"]').setInputFiles({ name: '销售提成-2024-09.csv', mimeType: 'text/csv', buffer: bytes })
    await confirmMappingIfAsked(page)
    const flow = page.locator('.import-flow')
    expect(await flow.innerText()).toContain('按 GBK 读取')
    expect(await page.getByTestId('payroll-ready').innerText()).toContain('有错误的 3 行不会写入')
    await page.locator('[data-test="filter"]').selectOption('errors')
    await expect.poll(() => page.locator('[data-test="row"]').evaluateAll((els) => els.map((e) => e.getAttribute('data-row')))).toEqual([String(p.fixAmount), String(p.fixDeals), String(p.broken)])
    expect(await page.locator(`[data-test="row"][data-row="${p.fixAmount}"]`).innerText()).toContain(NOTES[p.fixAmount % NOTES.length]!)
    await shootAll(page, '1-file', home)

    // 2. Two cells fixed inline; "待定" stays wrong and its row stays out.
    await editCell(page, false, p.fixAmount, p.rows[p.fixAmount]![0], 'commission_amount__c', '提成金额', '1200.5', '1200.50')
    await editCell(page, false, p.fixDeals, p.rows[p.fixDeals]![0], 'deals_closed__c', '成交单数', '12')
    expect(await page.locator('[data-test="summary"]').innerText()).toBe('共 502 行 · 1 行有错误 · 0 行有提醒')
    expect(await page.locator(`[data-test="row"][data-row="${p.broken}"] [data-field="commission_amount__c"]`).getAttribute('class')).toContain('is-error')
    await expect.poll(() => page.getByTestId('payroll-ready').innerText()).toContain('501 行可以与飞书对比')
    expect(await page.getByTestId('payroll-ready').innerText()).toContain('有错误的 1 行不会写入')
    await shootAll(page, '2-fixed', home)

    // 3. The diff: 469 new, 25 changed, 5 unchanged; out: the unknown and the reused 工号, and the wrong row.
    await page.getByTestId('payroll-compare').click()
    await page.getByTestId('payroll-diff').waitFor({ timeout: 60_000 })
    expect(await count(page, 'diff-count-new')).toBe('469')
    expect(await count(page, 'diff-count-changed')).toBe('25')
    expect(await count(page, 'diff-count-unchanged')).toBe('5')
    expect(await count(page, 'diff-count-excluded')).toBe('3')
    expect(await page.getByTestId('diff-file-errors').innerText()).toContain('1')
    const changedCard = page.locator(`[data-testid="diff-record"][data-employment="${p.changed[0]!.employment_id}"]`)
    expect(await changedCard.getAttribute('data-status')).toBe('changed')
    expect(await changedCard.locator('[data-field="commission_amount__c"] [data-testid="diff-before"]').innerText()).toBe(seeded.get(p.changed[0]!.employment_id)!.values.commission_amount__c)
    expect(await changedCard.locator('[data-field="commission_amount__c"] [data-testid="diff-after"]').innerText()).toBe(p.expected.get(p.changed[0]!.employment_id)!.commission_amount__c)
    const fixedCard = page.locator(`[data-testid="diff-record"][data-employment="${p.fresh.find((e) => e.employee_no === p.rows[p.fixAmount]![0])!.employment_id}"]`)
    expect(await fixedCard.locator('[data-field="commission_amount__c"] [data-testid="diff-after"]').innerText()).toBe('1200.50')
    expect(await page.getByTestId('diff-submit').innerText()).toContain('494')
    // The changed records, before → after (the default list of all 494 runs to 100 cards a page).
    await page.getByTestId('diff-filter-changed').click()
    await expect.poll(() => page.locator('[data-testid="diff-record"]').count()).toBe(25)
    await shootAll(page, '3-diff', home)
    await page.getByTestId('diff-filter-excluded').click()
    expect(await page.locator('[data-testid="diff-excluded-row"]').evaluateAll((els) => els.map((e) => `${e.getAttribute('data-row')}:${e.getAttribute('data-reason')}`))).toEqual(['502:not_found', '503:ambiguous'])
    await shootAll(page, '4-excluded', home)

    // 4. The job, slowed down so its progress can be watched (10 calls of 50 records).
    await send('PUT', '/sandbox/knobs', { latencyMsByApi: { 'datasource_record.save': 700 } })
    await page.getByTestId('diff-submit').click()
    await page.getByTestId('payroll-result').waitFor()
    const job = await watchJob(page, '[data-testid="payroll-result"]', () => shootAll(page, '5-progress', home))
    await send('PUT', '/sandbox/knobs', { latencyMsByApi: {} })
    expect(job.status).toBe('succeeded')
    // It was seen part-way, and the count only went up, to every record sent.
    expect(job.seen.some((n) => n > 0 && n < 494)).toBe(true)
    expect(job.seen).toEqual([...job.seen].sort((a, b) => a - b))
    expect(job.seen.at(-1)).toBe(494)
    expect(await count(page, 'job-count-failed')).toBe('0')
    await page.getByTestId('payroll-reconcile-match').waitFor({ timeout: 15_000 })
    expect(await page.getByTestId('payroll-reconcile').getAttribute('data-gap')).toBe('0')

    // Feishu now holds exactly: the 30 seeded records (5 untouched, 25 changed) and 469 new ones.
    const after = await records(PERIOD)
    expect(after.size).toBe(30 + 469)
    for (const [employment, values] of p.expected) {
      const r = after.get(employment)
      expect(r, employment).toBeDefined()
      expect(r!.active_status).toBe(1)
      expect(own(r!.values), employment).toEqual(values)
    }
    expect(after.has(p.brokenEmployee.employment_id)).toBe(false)
    for (const e of p.unchanged) expect(after.get(e.employment_id)).toEqual(seeded.get(e.employment_id))

    // 5. The result workbook: one status per row of the file.
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('payroll-result-workbook').click()])
    const sheet = readSheet((await download.path())!)
    const head = sheet[0]!
    expect(head.slice(0, 4)).toEqual(HEADERS['zh-CN'])
    const status = head.indexOf('状态')
    const message = head.indexOf('说明')
    expect(status).toBeGreaterThan(3)
    const body = sheet.slice(1)
    expect(body).toHaveLength(502)
    const byNo = new Map(body.map((r) => [r[0]!, r]))
    expect(body.filter((r) => r[status] === '已写入')).toHaveLength(494)
    for (const e of p.unchanged) expect([byNo.get(e.employee_no)![status], byNo.get(e.employee_no)![message]]).toEqual(['已跳过', '无变化，未发送'])
    expect(byNo.get(UNKNOWN_NO)![status]).toBe('失败')
    expect(byNo.get(REUSED_NO)![status]).toBe('失败')
    expect(byNo.get(p.brokenEmployee.employee_no)![status]).not.toBe('已写入')
    expect(byNo.get(p.brokenEmployee.employee_no)!.join('|')).toContain('待定')
    expect(byNo.get(p.rows[p.fixAmount]![0])!.slice(0, 4)).toEqual([p.rows[p.fixAmount]![0], '1200.5', String(p.rows[p.fixAmount]![2]), p.rows[p.fixAmount]![3]])
    await shootAll(page, '6-result', home)

    // 6. Revert: the 25 changed records get their seeded values back, the 469 new ones are stopped.
    // The dialog is opened afresh at each width: Arco's scroll lock pins <body> to the width it had
    // when the dialog opened, so resizing under an open dialog would measure a stale layout.
    const openRevert = async () => {
      await page.locator('[data-testid="payroll-result"] [data-testid="payroll-revert-open"]').click()
      await page.getByTestId('payroll-revert-plan').waitFor()
      await page.waitForTimeout(400) // the dialog's fade-in
    }
    for (const c of [...COMBOS.slice(1), home]) {
      await show(page, c)
      await openRevert()
      expect(await page.getByTestId('payroll-revert-restore').innerText()).toContain('25')
      expect(await page.getByTestId('payroll-revert-stop').innerText()).toContain('469')
      expect(await page.getByTestId('payroll-revert-cannot-clear').innerText()).toMatch(/[:：] ?3[ 。.个]/)
      await shootAll(page, '7-revert-confirm', c, { fullPage: false, combos: [c] })
      if (c !== home) {
        await page.getByTestId('payroll-revert-keep').click()
        await page.getByTestId('payroll-revert-plan').waitFor({ state: 'detached' })
      }
    }
    await page.getByTestId('payroll-revert-confirm').click()
    await page.waitForURL((u) => u.pathname.startsWith('/jobs/'), { timeout: 15_000 })
    await expect.poll(() => page.getByTestId('job-status').getAttribute('data-status'), { timeout: 60_000 }).toBe('succeeded')
    const reverted = await records(PERIOD)
    expect(reverted.size).toBe(30 + 469)
    for (const [employment, before] of seeded) {
      // Feishu cannot empty a field: the notes the job added to three records stay, as the dialog said.
      const noted = p.changed.slice(0, 3).some((e) => e.employment_id === employment)
      expect(reverted.get(employment), employment).toEqual(noted ? { ...before, values: { ...before.values, client_note__c: '续约奖励' } } : before)
    }
    for (const e of p.fresh) expect(reverted.get(e.employment_id)!.active_status).toBe(2)
    await shootAll(page, '8-reverted', home)
    expect(pageErrors).toEqual([])
    await context.close()
  }, 240_000)

  it('the payroll admin imports the same month from an xlsx on a phone, fixing the cells on the cards (en-US 375 px)', async () => {
    const home = COMBOS[3]!
    await resetSandbox(e2e.sandbox)
    const seeded = await records(PERIOD)
    const p = plan(await hired(), seeded, true)
    const file = xlsx(HEADERS['en-US'], p.rows)

    const { context, page, pageErrors } = await openPage(e2e.browser, home, { downloads: true })
    await signIn(page, e2e.product.url, 'wangfang')
    await openSource(page, PERIOD)
    await page.locator('[data-test="file"]').setInputFiles({ name: 'commission-2024-09.xlsx', mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', buffer: file })
    await confirmMappingIfAsked(page)
    expect(await page.getByTestId('payroll-ready').innerText()).toContain('3 rows with errors')
    // Cards, the rows with errors first.
    await expect.poll(() => page.locator('[data-test="card"].has-error').count()).toBe(3)
    const shoot = (step: string) => shootAll(page, `xlsx-${step}`, home, { combos: [home] })
    await shoot('1-file')
    await editCell(page, true, p.fixAmount, p.rows[p.fixAmount]![0], 'commission_amount__c', 'Commission amount', '1200.5', '1200.50')
    await editCell(page, true, p.fixDeals, p.rows[p.fixDeals]![0], 'deals_closed__c', 'Deals closed', '12')
    await expect.poll(() => page.locator('[data-test="card"].has-error').count()).toBe(1)
    await expect.poll(() => page.getByTestId('payroll-ready').innerText()).toContain('501 rows are ready')
    await shoot('2-fixed')

    await page.getByTestId('payroll-compare').click()
    await page.getByTestId('payroll-diff').waitFor({ timeout: 60_000 })
    expect([await count(page, 'diff-count-new'), await count(page, 'diff-count-changed'), await count(page, 'diff-count-unchanged'), await count(page, 'diff-count-excluded')]).toEqual(['469', '25', '5', '3'])
    await shoot('3-diff')
    await page.getByTestId('diff-submit').click()
    await page.getByTestId('payroll-result').waitFor()
    const job = await watchJob(page, '[data-testid="payroll-result"]')
    expect(job.status).toBe('succeeded')
    await page.getByTestId('payroll-reconcile-match').waitFor({ timeout: 15_000 })

    const after = await records(PERIOD)
    expect(after.size).toBe(30 + 469)
    for (const [employment, values] of p.expected) expect(own(after.get(employment)!.values), employment).toEqual(values)
    expect(after.has(p.brokenEmployee.employment_id)).toBe(false)

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('payroll-result-workbook').click()])
    const sheet = readSheet((await download.path())!)
    const status = sheet[0]!.indexOf('Status')
    expect(status).toBeGreaterThan(3)
    expect(sheet.slice(1)).toHaveLength(502)
    expect(sheet.slice(1).filter((r) => r[status] === 'Written')).toHaveLength(494)
    await shoot('4-result')
    expect(pageErrors).toEqual([])
    await context.close()
  }, 180_000)

  it('the HRBP writes her Sales rows; the rows of other departments fail one by one with the data-permission message (en-US 1280 px; also at 375 px and in zh-CN)', async () => {
    const home = COMBOS[2]!
    await resetSandbox(e2e.sandbox)
    expect((await records(HRBP_PERIOD)).size).toBe(0)
    const sales = (await hired('SAL')).slice(40, 48)
    const others = [...(await hired('RND')).slice(0, 2), ...(await hired('HR')).slice(5, 7)]
    // Interleaved, so Feishu's first failing index is not simply the end of the batch.
    const people = [sales[0]!, sales[1]!, others[0]!, sales[2]!, others[1]!, sales[3]!, sales[4]!, others[2]!, sales[5]!, sales[6]!, others[3]!, sales[7]!]
    const rows = people.map((e, i) => [e.employee_no, `${500 + i}.5`, String(i), '华东区重点客户'])
    const file = xlsx(HEADERS['en-US'], rows)

    const { context, page, pageErrors } = await openPage(e2e.browser, home, { downloads: true })
    await signIn(page, e2e.product.url, 'lina')
    await openSource(page, HRBP_PERIOD)
    await page.locator('[data-test="file"]').setInputFiles({ name: 'sales-2024-10.xlsx', mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', buffer: file })
    await confirmMappingIfAsked(page)
    await page.getByTestId('payroll-compare').click()
    await page.getByTestId('payroll-diff').waitFor({ timeout: 30_000 })
    expect(await count(page, 'diff-count-new')).toBe('12')
    await shootAll(page, 'hrbp-1-diff', home)

    await page.getByTestId('diff-submit').click()
    await page.getByTestId('payroll-result').waitFor()
    const job = await watchJob(page, '[data-testid="payroll-result"]')
    expect(job.status).toBe('finished_with_errors')
    expect(await count(page, 'job-count-succeeded')).toBe('8')
    expect(await count(page, 'job-count-failed')).toBe('4')

    // Each other-department row failed on its own row, with Feishu's code and the message.
    await page.getByTestId('row-filter-failed').click()
    const failedRows = page.locator('[data-testid="job-row"][data-status="failed"]')
    await expect.poll(() => failedRows.evaluateAll((els) => els.map((e) => e.getAttribute('data-row')))).toEqual(
      people.flatMap((e, i) => (others.includes(e) ? [String(i + 2)] : [])),
    )
    for (const text of await failedRows.allInnerTexts()) {
      expect(text).toContain('2500014')
      expect(text).toContain('You have no data permission for this employee')
    }
    await setLocale(page, 'zh-CN')
    for (const text of await failedRows.allInnerTexts()) expect(text).toContain('你没有此员工的数据权限')
    await setLocale(page, 'en-US')
    await page.getByTestId('row-filter-succeeded').click()
    await expect.poll(() => page.locator('[data-testid="job-row"][data-status="succeeded"]').count()).toBe(8)
    await page.getByTestId('row-filter-failed').click()
    await expect.poll(() => failedRows.count()).toBe(4)
    await shootAll(page, 'hrbp-2-result', home)

    // Feishu holds exactly the eight Sales records.
    const after = await records(HRBP_PERIOD)
    expect([...after.keys()].sort()).toEqual(sales.map((e) => e.employment_id).sort())
    for (const [i, e] of people.entries()) {
      if (others.includes(e)) continue
      expect(own(after.get(e.employment_id)!.values)).toEqual({ commission_amount__c: `${500 + i}.50`, deals_closed__c: String(i), client_note__c: '华东区重点客户' })
    }

    // The result workbook says the same, row by row.
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('payroll-result-workbook').click()])
    const sheet = readSheet((await download.path())!)
    const status = sheet[0]!.indexOf('Status')
    const code = sheet[0]!.indexOf('Feishu code')
    expect(code).toBeGreaterThan(status)
    // The workbook lists the failed rows first, then the rest in file order.
    const byNo = new Map(sheet.slice(1).map((r) => [r[0]!, r]))
    expect(byNo.size).toBe(12)
    expect(people.map((e) => `${byNo.get(e.employee_no)![status]}${others.includes(e) ? ` ${byNo.get(e.employee_no)![code]}` : ''}`)).toEqual(people.map((e) => (others.includes(e) ? 'Failed 2500014' : 'Written')))
    expect(sheet.slice(1, 5).map((r) => r[0])).toEqual(others.map((e) => e.employee_no).sort((a, b) => people.findIndex((x) => x.employee_no === a) - people.findIndex((x) => x.employee_no === b)))
    expect(pageErrors).toEqual([])
    await context.close()
  }, 120_000)
})
