import { describe, expect, it } from 'vitest'
import { classifyRow, isTotalText } from '../../src/domain/row-kinds'
import type { CellValue } from '../../src/domain/target'

/** Columns: 工号, 姓名, 金额; key = 工号. */
const row = (cells: CellValue[], sums: Record<number, [number, number]> = {}) =>
  classifyRow({ cells, keyColumns: [0], firstColumn: 0, sumsAbove: (c) => ({ sum: sums[c]?.[0] ?? 0, count: sums[c]?.[1] ?? 0 }) })

describe('total rows', () => {
  it('are found by their word, in either language and however it is spaced', () => {
    for (const w of ['合计', '合 计', '总计：', '小计', '（合计）', 'Total', 'TOTAL:', 'Subtotal', 'Grand total', '研发部小计', '华东区 合计', 'Total HR']) {
      expect([w, row([null, w, 100])]).toEqual([w, 'total'])
    }
  })

  it('and by the word in the employee-number column itself', () => {
    expect(row(['合计', null, 100])).toBe('total')
  })

  it('and, without a word, by numbers that are the sums of the rows above (a SUM() row)', () => {
    expect(row([null, null, 300], { 2: [300, 3] })).toBe('total')
    expect(row([null, null, 299], { 2: [300, 3] })).toBeNull()
    // One row above is not a sum of anything.
    expect(row([null, null, 300], { 2: [300, 1] })).toBeNull()
  })
})

describe('a real employee is never taken for a total', () => {
  it('a name that merely contains a total word', () => {
    for (const name of ['张合计', '合计明', '王小计', 'Totalis', 'Subtotaler']) expect([name, isTotalText(name)]).toEqual([name, false])
    expect(row([null, '张合计', 100])).toBeNull()
  })

  it('a row with an employee number, whatever the name says', () => {
    expect(row(['E0009', '合计', 50])).toBeNull()
    expect(row(['007123', 'Total Wang', 50])).toBeNull()
    expect(row([7123, '小计', 50])).toBeNull()
  })

  it('an employee number that contains a total word', () => {
    expect(row(['HJ合计01', '张三', 10])).toBeNull()
  })
})

describe('block labels', () => {
  it('are a text alone in the first column, without digits', () => {
    expect(row(['研发部', null, null])).toBe('label')
    expect(row([null, '销售一部', null])).toBe('label') // the second column still counts as the start of the row
    expect(row(['2024年1月', null, null])).toBeNull() // a date or title with digits: not a department
    expect(row(['a@b.com', null, null])).toBeNull() // an email alone is an ID
    expect(row([null, null, '研发部'])).toBeNull()
  })
})

describe('a column-total formula', () => {
  it('is SUM or SUBTOTAL down one column, not across a row', async () => {
    const { isColumnSum } = await import('../../src/import/xlsx-read')
    for (const f of ['SUM(C3:C9)', 'sum($C$3:$C$9)', 'SUBTOTAL(9,C3:C9)', '_xlfn.SUM(AB2:AB200)']) expect([f, isColumnSum(f)]).toEqual([f, true])
    for (const f of ['SUM(C5:H5)', 'C3+C4', 'AVERAGE(C3:C9)', 'SUM(C3)', 'VLOOKUP(A2,B:C,2,0)']) expect([f, isColumnSum(f)]).toEqual([f, false])
  })

  it('makes a keyless row a total whatever its numbers; a row with an employee number stays an employee', () => {
    const ctx = (cells: CellValue[]) => ({ cells, keyColumns: [0], firstColumn: 0, sumsAbove: () => ({ sum: 0, count: 0 }), columnSum: true })
    expect(classifyRow(ctx([null, null, 999]))).toBe('total')
    expect(classifyRow(ctx(['E001', '张三', 999]))).toBeNull()
  })
})
