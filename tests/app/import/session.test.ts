// @vitest-environment node
// Runs in Node: the readers use Blob streams and DecompressionStream as in a worker.
import * as XLSX from '@e965/xlsx'
import { describe, expect, it } from 'vitest'
import type { ResultLabels } from '../../../src/import/protocol'
import { payrollSchema } from './fixtures/schemas'
import { openFile, readAll } from './harness'

const CSV = [
  '工号,算薪期间,加班费,奖金比例,发放日期,备注,旧补贴',
  '000123,2024-01,100,10%,2024/1/31,=HYPERLINK("x"),5', // row 0: stopped-field warning; formula-looking text
  '000124,2024-01,abc,,,,', // row 1: not a number
  '000125,2024-01,1.005,,,,', // row 2: rounded warning
  '000123,2024-01,5,,,,', // row 3: duplicate of row 0
  ',2024-01,1,,,,', // row 4: required employee_no
  ' 000126 ,２０２４-０２,１２,,05/01/2024,, ', // row 5: full-width digits (still understood), ambiguous date
].join('\n')

const labels: ResultLabels = { status: '状态', code: '飞书错误码', message: '说明', hint: '处理建议', written: '已写入', failed: '失败', skipped: '已跳过', error: '错误', warning: '提醒', ok: '可导入', sheetName: '结果' }

async function reviewed() {
  const { session, opened } = await openFile(CSV, 'pay.csv', payrollSchema)
  const summary = session.applyMapping({ matches: opened.sheet!.proposal.matches })
  return { session, summary }
}

describe('an import session from file to result workbook', () => {
  it('maps the header exactly and reports every problem by row and field', async () => {
    const { summary, session } = await reviewed()
    expect(summary).toMatchObject({ rows: 6, rowsWithErrors: 5, validRows: 1 })
    const codes = session.rows({ filter: 'issues', order: 'sheet', start: 0, count: 10 }).rows.map((r) => [r.sheetRow, r.issues.map((i) => `${i.field}:${i.code}`).sort()])
    expect(codes).toEqual([
      [2, ['bonus_rate:reinterpreted', 'employee_no:duplicate_key', 'old_allowance:field_stopped']], // 10% read as 10, said
      [3, ['overtime_pay:not_a_number']],
      [4, ['overtime_pay:rounded']],
      [5, ['employee_no:duplicate_key']],
      [6, ['employee_no:required']],
      [7, ['employee_no:identifier_normalised', 'paid_on:ambiguous_date']], // ' 000126 ' trimmed (said); full-width digits in the month are read as they are meant
    ])
  })

  it('the errors filter shows only rows with errors; cards order puts them first', async () => {
    const { session } = await reviewed()
    const errors = session.rows({ filter: 'errors', order: 'sheet', start: 0, count: 10 })
    expect(errors.total).toBe(5)
    expect(errors.rows.map((r) => r.sheetRow)).toEqual([2, 3, 5, 6, 7])
    const cards = session.rows({ filter: 'all', order: 'errorsFirst', start: 0, count: 10 })
    expect(cards.rows.map((r) => r.sheetRow)).toEqual([2, 3, 5, 6, 7, 4])
  })

  it('editing a cell re-validates it, and fixing one duplicate clears the other', async () => {
    const { session } = await reviewed()
    let r = session.editCell({ row: 1, field: 'overtime_pay', value: '200' })
    expect(r.rows.find((x) => x.row === 1)?.issues).toEqual([])
    r = session.editCell({ row: 3, field: 'employee_no', value: '000127' })
    const touched = Object.fromEntries(r.rows.map((x) => [x.row, x.issues.map((i) => i.code)]))
    expect(touched[3]).toEqual([])
    expect(touched[0]).toEqual(['reinterpreted', 'field_stopped'])
    expect(r.summary.rowsWithErrors).toBe(2)
    // Making a new duplicate is caught too.
    r = session.editCell({ row: 4, field: 'employee_no', value: '000124' })
    expect(r.rows.map((x) => x.row).sort()).toEqual([1, 4])
    expect(r.rows.every((x) => x.issues.some((i) => i.code === 'duplicate_key'))).toBe(true)
  })

  it('bulk fixes: full-width → half-width, trim, and dates in the chosen order', async () => {
    const { session } = await reviewed()
    expect(session.bulkFix({ fix: { kind: 'halfWidth' } }).changed).toBe(2)
    expect(session.bulkFix({ fix: { kind: 'trim' } }).changed).toBeGreaterThanOrEqual(1)
    const fixed = session.bulkFix({ fix: { kind: 'dateFormat', order: 'dmy' } })
    expect(fixed.changed).toBeGreaterThanOrEqual(2) // 2024/1/31 and 05/01/2024
    const row5 = session.rows({ filter: 'all', order: 'sheet', start: 5, count: 1 }).rows[0]!
    expect(row5.cells).toMatchObject({ employee_no: '000126', payroll_period: '2024-02', overtime_pay: '12', paid_on: '2024-01-05' })
    expect(row5.issues).toEqual([])
  })

  it('deleting rows removes them from counts, views and duplicates', async () => {
    const { session } = await reviewed()
    const summary = session.deleteRows({ rows: [3, 4] })
    expect(summary).toMatchObject({ rows: 4, deleted: 2 })
    const first = session.rows({ filter: 'all', order: 'sheet', start: 0, count: 10 }).rows
    expect(first.map((r) => r.row)).toEqual([0, 1, 2, 5])
    expect(first[0]!.issues.map((i) => i.code)).toEqual(['reinterpreted', 'field_stopped'])
  })

  it('exports only valid rows as exact wire values, with their sheet rows', async () => {
    const { session } = await reviewed()
    const out = session.exportValues({ includeInvalid: false })
    const rows = JSON.parse(new TextDecoder().decode(out.json)) as Array<{ row: number; sheetRow: number; values: Record<string, string | null> }>
    expect(out.count).toBe(1)
    expect(rows).toEqual([{ row: 2, sheetRow: 4, values: { employee_no: '000125', payroll_period: '2024-01', overtime_pay: '1.01', bonus_rate: null, paid_on: null, remark: null, remark2: null, old_allowance: null } }])
  })

  it('the result workbook: original columns plus status, code, message, hint; errors first; formulas escaped', async () => {
    const { session } = await reviewed()
    const { xlsx } = session.resultWorkbook({ locale: 'zh-CN', labels, results: [{ row: 1, status: 'failed', code: 2500014, message: '没有数据权限', hint: '请联系管理员' }] })
    const rows = await readAll(new Uint8Array(xlsx))
    expect(rows[0]).toEqual(['工号', '算薪期间', '加班费', '奖金比例', '发放日期', '备注', '旧补贴', '状态', '飞书错误码', '说明', '处理建议'])
    const status = rows.slice(1).map((r) => r[7])
    // Errors and failures first, then the warning-only row.
    expect(status.slice(0, 5).every((s) => s === '错误' || s === '失败')).toBe(true)
    expect(status[5]).toBe('提醒')
    const failed = rows.find((r) => r[7] === '失败')!
    expect(failed.slice(8)).toEqual(['2500014', expect.stringContaining('没有数据权限'), expect.stringContaining('请联系管理员')])
    const withFormula = rows.find((r) => String(r[5]).includes('HYPERLINK'))!
    expect(withFormula[5]).toBe(`'=HYPERLINK("x")`)
    const duplicate = rows.find((r) => r[0] === '000123')!
    expect(duplicate[9]).toContain('工号: 「000123 / 2024-01」在文件中出现了 2 次')
    // An independent reader sees the same cells.
    const wb = XLSX.read(new Uint8Array(xlsx), { type: 'array' })
    const sj = XLSX.utils.sheet_to_json<unknown[]>(wb.Sheets[wb.SheetNames[0]!]!, { header: 1 })
    expect(sj[0]).toEqual(rows[0])
    expect(sj.length).toBe(7)
  })
})
