// @vitest-environment node
// Runs in Node: the readers use Blob streams and DecompressionStream as in a worker.
import { describe, expect, it } from 'vitest'
import { detectHeader, joinHeader } from '../../../src/import/header'
import { autoMap, normaliseTitle } from '../../../src/import/mapping'
import { templateSheet } from '../../../src/import/template'
import { concatChunks, writeXlsx } from '../../../src/import/xlsx-write'
import { mergedHeaderWorkbook } from './fixtures/corpus'
import { attendanceSchema, payrollSchema } from './fixtures/schemas'
import { openFile } from './harness'

describe('header detection', () => {
  it('skips title rows above the header', () => {
    const rows = [['2024年1月加班费'], [null], ['工号', '算薪期间', '加班费'], ['000123', '2024-01', 12.5]]
    const h = detectHeader(rows, { schema: payrollSchema })
    expect(h).toMatchObject({ headerRow: 2, depth: 1, dataStart: 3 })
    expect(h?.columns.map((c) => c.title)).toEqual(['工号', '算薪期间', '加班费'])
  })

  it('joins a two-row merged header as "parent / child" (xlsx from exceljs with merges)', async () => {
    const { opened } = await openFile(await mergedHeaderWorkbook(), 'pay.xlsx', attendanceSchema)
    const sheet = opened.sheet!
    expect(sheet.layout).toMatchObject({ headerRow: 1, depth: 2 })
    expect(sheet.layout.columns.map((c) => c.title)).toEqual(['工号', '姓名', '补贴 / 交通', '补贴 / 餐费', '扣款 / 交通', '扣款 / 社保'])
    expect(sheet.rowCount).toBe(2)
    // "交通" exists under two parents: each goes to the right field.
    const byTitle = Object.fromEntries(sheet.proposal.matches.map((m) => [sheet.layout.columns.find((c) => c.index === m.column)?.title, m.field]))
    expect(byTitle).toMatchObject({ '补贴 / 交通': 'a_traffic', '扣款 / 交通': 'd_traffic', '扣款 / 社保': 'd_social', 工号: 'employee_no' })
  })

  it('joins a two-row header from a CSV where the parent is written once', () => {
    const cols = joinHeader([['工号', '补贴', '', '扣款'], ['', '交通', '餐费', '社保']], 0, 2)
    expect(cols.map((c) => c.title)).toEqual(['工号', '补贴 / 交通', '补贴 / 餐费', '扣款 / 社保'])
  })
})

describe('column mapping', () => {
  const columns = (titles: string[]) => titles.map((title, index) => ({ index, title, parts: [title] }))

  it('matches by exact code or title in either language, and then the step can be skipped', () => {
    const p = autoMap(columns(['employee_no', '算薪期间', 'Overtime pay']), payrollSchema)
    expect(p.matches.map((m) => [m.field, m.kind])).toEqual([['employee_no', 'exact'], ['payroll_period', 'exact'], ['overtime_pay', 'exact']])
    expect(p.allExact).toBe(true)
  })

  it('normalised titles, aliases and guesses carry lower confidence and keep the step', () => {
    const p = autoMap(columns(['员工编号', '加班费（元）', '期间', '奖金比率']), payrollSchema)
    expect(p.matches.map((m) => [m.field, m.kind])).toEqual([['employee_no', 'alias'], ['overtime_pay', 'normalised'], ['payroll_period', 'alias'], ['bonus_rate', 'fuzzy']])
    expect(p.matches[3]!.confidence).toBeLessThan(0.9)
    expect(p.allExact).toBe(false)
  })

  it('a saved choice of this person is offered next time, including "do not import"', () => {
    const saved = { entries: [{ header: '人员号', field: 'employee_no' }, { header: '算薪期间', field: 'payroll_period' }, { header: '内部备注', field: null }] }
    const p = autoMap(columns(['人员号', '算薪期间', '内部备注']), payrollSchema, saved)
    expect(p.matches.map((m) => [m.field, m.kind])).toEqual([['employee_no', 'saved'], ['payroll_period', 'exact'], [null, 'saved']])
    expect(p.allExact).toBe(true)
  })

  it('one field takes one column; missing required fields are listed', () => {
    const p = autoMap(columns(['工号', 'employee_no', '加班费']), payrollSchema)
    expect(p.matches.filter((m) => m.field === 'employee_no')).toHaveLength(1)
    expect(p.missingRequired).toEqual(['payroll_period'])
    expect(p.allExact).toBe(false)
  })

  it('normalises width, case, spaces, units in brackets and required marks', () => {
    expect(normaliseTitle('*加班费（元）')).toBe('加班费')
    expect(normaliseTitle('Overtime  Pay')).toBe('overtimepay')
    expect(normaliseTitle('ＥＭＰ＿ＮＯ')).toBe('empno')
  })
})

describe('our template comes back without a mapping step', () => {
  it('titles over codes, the types and example rows skipped, IDs kept as text', async () => {
    const sheet = templateSheet(payrollSchema, 'zh-CN')
    const rows = [...sheet.rows, ['000789', '2024-02', 88, null, null, '备注']]
    const bytes = concatChunks(writeXlsx([{ ...sheet, rows }]))
    const { opened } = await openFile(bytes, 'template.xlsx', payrollSchema)
    const s = opened.sheet!
    expect(s.layout.depth).toBe(2)
    expect(s.layout.skipped).toHaveLength(2)
    expect(s.rowCount).toBe(1)
    expect(s.proposal.allExact).toBe(true)
    expect(s.head[s.layout.dataStart]?.[0]).toBe('000789')
  })
})
