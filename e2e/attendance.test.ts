import { describe, expect, it } from 'vitest'
import { concatChunks, writeXlsx, type WriteRow } from '../src/import/xlsx-write'
import type { Employee } from './fixtures'
import { SCREENSHOTS, employees, getJson, openPage, readSheetRecords, sidewaysOverflow, signIn, useProduct } from './helpers'

// The attendance admin (zhangwei) closes a month of the R&D archive rule from a 300-member,
// 60-field workbook, sees what Feishu rejected on the exact cells, downloads the results and
// undoes the job — against the sandbox Feishu, in a real browser, in both languages and widths.

const RULE_RND = '7341290237441605652'
const UNKNOWN_CODE = 'abd754f7' // the doc example's code, which no sandbox report has
const BOGUS = ['FS99901', 'FS99902', 'FS99903', 'FS99904']

const e2e = useProduct()

interface Field { code: string; title: { zh: string; en: string }; upper_titles: { zh: string; en: string }[] }
interface ArchiveRow { user_id: string; employee_no?: string; start_time: string; end_time: string; fields: Record<string, string> }

async function archive(month: string): Promise<ArchiveRow[]> {
  return (await getJson<{ rows: ArchiveRow[] }>(`${e2e.sandbox}/sandbox/inspect/archive?archive_rule_id=${RULE_RND}&month=${month}`)).rows
}

interface Book { bytes: Buffer; members: Employee[]; rejected: string[]; codes: string[]; unknownRows: number[] }

/**
 * 300 member rows × 60 report fields + one column headed by an unknown field code (values in three
 * rows) + one column that is no field at all. 295 R&D members, 4 numbers nobody has and one Sales
 * member (outside the rule) are the 5 Feishu must reject. Headers: codes for most fields, the full
 * "parent / child" titles for the first ten.
 */
function workbook(fields: Field[], rnd: Employee[], sales: Employee, by: 'employee_no' | 'user_id'): Book {
  const chosen = fields.filter((f) => f.title.zh !== '姓名' && f.title.zh !== '工号').slice(0, 60)
  expect(chosen).toHaveLength(60)
  const members = rnd.slice(0, 295)
  const ids = [...members.map((e) => e[by]), ...BOGUS.map((b, i) => (by === 'employee_no' ? b : `zz${i}nobody`)), sales[by]]
  const header: WriteRow = [by === 'employee_no' ? '工号' : '用户 ID', ...chosen.map((f, i) => (i < 10 ? [...f.upper_titles.map((u) => u.zh), f.title.zh].join(' / ') : f.code)), UNKNOWN_CODE, '核对人']
  const rows: WriteRow[] = [header]
  const unknownRows: number[] = []
  ids.forEach((id, r) => {
    const sheetRow = r + 2
    const hasUnknown = r === 10 || r === 20 || r === 30
    if (hasUnknown) unknownRows.push(sheetRow)
    rows.push([id, ...chosen.map((_, c) => String((r * 7 + c) % 23)), hasUnknown ? '3' : null, 'HR'])
  })
  const bytes = Buffer.from(concatChunks(writeXlsx([{ name: '2024-09', rows }])))
  return { bytes, members, rejected: ids.slice(295), codes: chosen.map((f) => f.code), unknownRows }
}

const cases = [
  { locale: 'zh-CN', width: 1280, height: 900, month: '202409', by: 'employee_no' },
  { locale: 'en-US', width: 375, height: 800, month: '202410', by: 'user_id' },
  { locale: 'en-US', width: 1280, height: 900, month: '202411', by: 'employee_no' },
  { locale: 'zh-CN', width: 375, height: 800, month: '202412', by: 'user_id' },
] as const

describe('an attendance admin closes a month from a workbook, sees the rejections and undoes it', () => {
  for (const c of cases) {
    it(`imports 300 members × 60 fields, sees rejected members and the unknown field on their cells, downloads the results and undoes the job (${c.locale}, ${c.width}px)`, async () => {
      const rnd = await employees(e2e.sandbox, { department: 'RND', limit: 400 })
      const [sales] = await employees(e2e.sandbox, { department: 'SAL', limit: 1 })
      expect(rnd.length).toBeGreaterThanOrEqual(295)
      expect(await archive(c.month)).toEqual([])

      const { context, page, pageErrors } = await openPage(e2e.browser, c, { downloads: true })
      await signIn(page, e2e.product.url, 'zhangwei')

      // Home → the attendance card links to the page.
      await page.getByTestId('capability-attendance').getByTestId('capability-open').click()
      await page.getByTestId('attendance-page').waitFor()
      expect(new URL(page.url()).pathname).toBe('/attendance')
      await page.getByTestId('attendance-rule').selectOption(RULE_RND)
      await page.getByTestId('attendance-month').fill(`${c.month.slice(0, 4)}-${c.month.slice(4)}`)
      await page.getByTestId('attendance-fields').waitFor()

      // The report's fields, as the app loaded them from Feishu (zh and en).
      const fieldsResponse = await page.evaluate(async ([rule, month]) => {
        const res = await fetch(`/api/attendance/rules/${rule}/fields?month=${month}&employee_type=employee_id`, { credentials: 'include', headers: { 'X-Requested-With': 'XMLHttpRequest' } })
        return (await res.json()) as { fields: Array<{ code: string; title: Record<string, string>; upper_titles: Array<Record<string, string>> }> }
      }, [RULE_RND, c.month] as const)
      const fields: Field[] = fieldsResponse.fields.map((f) => ({ code: f.code, title: { zh: f.title['zh-CN']!, en: f.title['en-US']! }, upper_titles: f.upper_titles.map((u) => ({ zh: u['zh-CN']!, en: u['en-US']! })) }))
      expect(fields.length).toBeGreaterThanOrEqual(61)
      expect(await page.getByTestId('attendance-field-group').count()).toBeGreaterThanOrEqual(6)

      const book = workbook(fields, rnd, sales!, c.by)
      await page.locator('[data-test="file"]').setInputFiles({ name: `rnd-${c.month}.xlsx`, mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', buffer: book.bytes })

      // The member column is recognised, the code-like column is announced, the other one ignored.
      await page.locator('[data-testid="attendance-check"][data-settled="true"]').waitFor({ timeout: 20_000 })
      await page.getByTestId('attendance-unknown-codes').waitFor({ timeout: 20_000 })
      expect(await page.getByTestId('attendance-unknown-codes').innerText()).toContain(UNKNOWN_CODE)
      expect(await page.getByTestId('attendance-ignored').innerText()).toContain('核对人')
      const memberType = c.by === 'employee_no' ? 'employee_no' : 'employee_id'
      await expect.poll(() => page.getByTestId(`member-type-${memberType}`).locator('input').isChecked()).toBe(true)
      // "核对人" matches nothing, so the column step is shown the first time; the person's choice is
      // remembered, so later imports of the same layout go straight to the rows.
      const confirmMapping = page.locator('[data-test="confirm-mapping"]')
      if (await confirmMapping.isVisible()) await confirmMapping.click()
      await page.getByTestId('attendance-prepare').click()
      await expect.poll(() => page.getByTestId('attendance-plan').innerText()).toMatch(c.locale === 'zh-CN' ? /300 个成员的 61 个字段，共 6 次/ : /300 members with 61 fields will be written, in 6 Feishu call/)
      await page.getByTestId('attendance-write').click()

      // The job runs; when it ends, the rejected members and the unknown field are on their cells.
      await page.getByTestId('attendance-result-summary').waitFor({ timeout: 60_000 })
      const wide = c.width > 640
      const rowSel = wide ? '[data-testid="attendance-result-row"]' : '[data-testid="attendance-result-card"]'
      await expect.poll(() => page.locator(rowSel).count(), { timeout: 15_000 }).toBe(5 + book.unknownRows.length)
      for (let i = 0; i < 5; i++) {
        const sheetRow = 297 + i
        const row = page.locator(`${rowSel}[data-row="${sheetRow}"]`)
        const cell = row.locator(wide ? 'td[data-field="member_id"]' : '[data-field="member_id"]')
        if (wide) expect(await cell.getAttribute('class')).toContain('is-error')
        expect(await row.innerText()).toContain(book.rejected[i]!)
        expect(await cell.innerText()).toContain(c.locale === 'zh-CN' ? '飞书不认识这个成员' : 'Feishu did not recognise this member')
      }
      for (const sheetRow of book.unknownRows) {
        const cell = page.locator(`${rowSel}[data-row="${sheetRow}"] ${wide ? 'td' : ''}[data-field="${UNKNOWN_CODE}"]`)
        if (wide) expect(await cell.getAttribute('class')).toContain('is-error')
        expect(await cell.innerText()).toContain(c.locale === 'zh-CN' ? '飞书不认识这个报表字段' : 'Feishu did not recognise this report field')
      }
      expect(await page.getByTestId('attendance-result-summary').innerText()).toMatch(c.locale === 'zh-CN' ? /已写入 292 个成员，部分写入 3 个，被拒绝 5 个/ : /292 members written, 3 partly written, 5 rejected/)

      // Feishu holds exactly the 295 members, each with the 60 known fields and the whole month.
      const stored = await archive(c.month)
      expect(stored).toHaveLength(295)
      const expectedIds = new Set(book.members.map((m) => m.user_id))
      expect(stored.every((r) => expectedIds.has(r.user_id))).toBe(true)
      expect(stored.every((r) => Object.keys(r.fields).length === 60 && !(UNKNOWN_CODE in r.fields))).toBe(true)
      const last = String(new Date(Date.UTC(Number(c.month.slice(0, 4)), Number(c.month.slice(4)), 0)).getUTCDate())
      expect(stored.every((r) => r.start_time === `${c.month}01` && r.end_time === `${c.month}${last}`)).toBe(true)

      // Nothing may overflow a phone screen sideways.
      expect(await sidewaysOverflow(page)).toBeLessThanOrEqual(0)
      await page.screenshot({ path: `${SCREENSHOTS}/attendance-result-${c.locale}-${c.width}.png`, fullPage: true })

      // The result workbook: every row of the file, the rejected ones marked with the reason.
      const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('attendance-download').click()])
      const sheet = readSheetRecords((await download.path())!)
      expect(sheet).toHaveLength(300)
      const status = c.locale === 'zh-CN' ? '状态' : 'Status'
      const message = c.locale === 'zh-CN' ? '说明' : 'Message'
      const failed = sheet.filter((r) => r[status] === (c.locale === 'zh-CN' ? '失败' : 'Failed'))
      expect(failed.map((r) => r[c.by === 'employee_no' ? '工号' : '用户 ID'])).toEqual(book.rejected)
      const partly = sheet.filter((r) => String(r[message]).includes(UNKNOWN_CODE))
      expect(partly).toHaveLength(3)

      // Undo: the confirmation names the count and the whole-row deletion; then nothing is left.
      await page.getByTestId('attendance-undo-button').click()
      const confirm = page.getByTestId('attendance-undo-confirm')
      await confirm.waitFor()
      expect(await page.getByTestId('attendance-undo-count').innerText()).toContain('295')
      expect(await confirm.innerText()).toMatch(c.locale === 'zh-CN' ? /整行/ : /whole row/)
      // Let the dialog finish its opening animation before the picture.
      await expect.poll(() => page.locator('.arco-modal').evaluate((el) => getComputedStyle(el).opacity)).toBe('1')
      await page.waitForTimeout(300)
      await page.screenshot({ path: `${SCREENSHOTS}/attendance-undo-${c.locale}-${c.width}.png` })
      await page.getByTestId('attendance-undo-confirm-button').click()
      await page.getByTestId('attendance-undo-job-link').click()
      await page.getByTestId('job-kind').waitFor()
      expect(new URL(page.url()).pathname).toMatch(/^\/jobs\//)
      await expect.poll(() => page.getByTestId('job-status').getAttribute('data-status'), { timeout: 30_000 }).toBe('succeeded')
      expect(await page.getByTestId('job-count-total').innerText()).toContain('295')
      expect(await archive(c.month)).toEqual([])

      expect(pageErrors).toEqual([])
      await context.close()
    })
  }
})
