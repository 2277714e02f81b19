// @vitest-environment node
// Runs in Node: the readers use Blob streams and DecompressionStream as in a worker.
import { describe, expect, it } from 'vitest'
import type { CellValue } from '../../../src/domain/target'
import { checkRow, validateRow, validateRows } from '../../../src/domain/validate'
import { payrollSchema } from './fixtures/schemas'

const row = (over: Record<string, CellValue> = {}): Record<string, CellValue> => ({ employee_no: '000123', payroll_period: '2024-01', overtime_pay: 10, ...over })

describe('validateRows', () => {
  it('gives exact wire values for good rows, saying what was read beyond the plain digits', () => {
    const r = validateRows(payrollSchema, [row({ bonus_rate: '10%', paid_on: 45296 })])
    // "10%" → 10 and a bare serial 45296 → 2024-01-05 are right, but not what the cells literally hold.
    expect(r.issues.map((i) => `${i.field}:${i.severity}:${i.code}`)).toEqual(['bonus_rate:warning:reinterpreted', 'paid_on:warning:date_guessed'])
    expect(r.values[0]).toMatchObject({ employee_no: '000123', payroll_period: '2024-01', overtime_pay: '10.00', bonus_rate: '10', paid_on: '2024-01-05', remark: null })
  })

  it('reports required fields that are empty, but not twice when the value was wrong', () => {
    const r = validateRows(payrollSchema, [row({ employee_no: null }), row({ employee_no: '0001', payroll_period: 'soon' })])
    expect(r.issues.map((i) => `${i.row}:${i.field}:${i.code}`)).toEqual(['0:employee_no:required', '1:payroll_period:bad_month'])
  })

  it('drops values of stopped fields with a warning that carries the reason', () => {
    const r = validateRows(payrollSchema, [row({ old_allowance: 5 })])
    expect(r.values[0]?.old_allowance).toBeNull()
    expect(r.issues).toEqual([expect.objectContaining({ field: 'old_allowance', severity: 'warning', code: 'field_stopped', params: expect.objectContaining({ 'reason_zh-CN': '数据源中已停用该字段。' }) })])
  })

  it('limits the text of one record in total', () => {
    const r = validateRows(payrollSchema, [row({ remark: 'x'.repeat(25), remark2: 'y'.repeat(20) })])
    expect(r.issues).toEqual([{ row: 0, field: null, severity: 'error', code: 'record_text_too_long', params: { length: 45, limit: 40 } }])
  })

  it('finds duplicates of the key across the file, on every row involved', () => {
    const rows = [row(), row({ employee_no: '000124' }), row({ payroll_period: '2024-1' }), row({ payroll_period: '2024-02' })]
    const dup = validateRows(payrollSchema, rows).issues.filter((i) => i.code === 'duplicate_key')
    expect(dup.map((i) => i.row)).toEqual([0, 2]) // '2024-1' is the same period once normalised
    expect(dup[0]?.params).toMatchObject({ key: '000123 / 2024-01', count: 2 })
  })

  it('checkRow reports exactly what validateRow reports', () => {
    const samples: Array<Record<string, CellValue>> = [
      row(), row({ employee_no: null }), row({ overtime_pay: 1.005 }), row({ overtime_pay: 'abc' }), row({ old_allowance: 3 }),
      row({ remark: 'x'.repeat(31) }), row({ remark: 'a'.repeat(25), remark2: 'b'.repeat(25) }), row({ paid_on: '05/01/2024' }),
      row({ bonus_rate: '12.345%', payroll_period: 45292 }), row({ employee_no: 1.5e17 }), row({ remark: 12.5 }),
    ]
    samples.forEach((s, i) => {
      const a: ReturnType<typeof validateRows>['issues'] = []
      const b: typeof a = []
      validateRow(payrollSchema, s, i, a)
      checkRow(payrollSchema, s, i, b)
      expect(b, JSON.stringify(s)).toEqual(a)
    })
  })

  // Speed is measured by `npm run bench:import`, not asserted here.
  it('validates 100,000 clean rows × 8 fields into 100,000 wire rows without a single issue', () => {
    const rows = Array.from({ length: 100_000 }, (_, i) => row({ employee_no: String(i).padStart(6, '0'), overtime_pay: i / 4, paid_on: '2024-01-05', remark: '加班' }))
    const r = validateRows(payrollSchema, rows)
    expect(r.values).toHaveLength(100_000)
    expect(r.values[99_999]).toMatchObject({ employee_no: '099999' })
    expect(r.issues).toEqual([])
  })
})
