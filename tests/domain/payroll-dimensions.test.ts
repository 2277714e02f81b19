import { describe, expect, it } from 'vitest'
import { checkPayrollRows } from '../../src/domain/job-rows'
import type { PayrollRowInput } from '../../src/domain/jobs'
import { payrollKeyEntries, payrollKeyOf, payrollKeyProblem, payrollKeyText, payrollPeriodType, payrollTarget, type FeishuDatasource } from '../../src/domain/payroll'
import { fileSchema, prepareRecords } from '../../src/domain/payroll-diff'

const system = (code: string) => ({ code, field_type: 4, active_status: 1 })
const ds = (data_period_type: number | undefined, keys: string[]): FeishuDatasource => ({
  code: 'd__c', active_status: 1, ...(data_period_type === undefined ? {} : { data_period_type }),
  fields: [{ code: 'employment_id', field_type: 3, active_status: 1 }, ...keys.map(system), { code: 'amount__c', field_type: 1, active_status: 1, decimal_places: 2 }, { code: 'day__c', field_type: 4, active_status: 1 }],
})
const byPeriod = ds(1, ['payroll_period'])
const byDay = ds(2, ['occur_day'])
const byCustom = ds(3, ['custom_start', 'custom_end'])

describe('a datasource as a target, per period type', () => {
  it('keys a payroll-period datasource (or one that does not say) by employment_id + payroll_period', () => {
    for (const d of [byPeriod, ds(undefined, ['payroll_period'])]) {
      const t = payrollTarget(d)
      expect(t.keyFields).toEqual(['employment_id', 'payroll_period'])
      expect(t.fields.map((f) => [f.code, f.kind, f.required])).toEqual([['employment_id', 'identifier', true], ['payroll_period', 'month', true], ['amount__c', 'money', false], ['day__c', 'date', false]])
    }
  })

  it('keys an occur-day datasource by employment_id + occur_day, a date', () => {
    const t = payrollTarget(byDay)
    expect(t.keyFields).toEqual(['employment_id', 'occur_day'])
    expect(t.fields.map((f) => [f.code, f.kind, f.required])).toEqual([['employment_id', 'identifier', true], ['occur_day', 'date', true], ['amount__c', 'money', false], ['day__c', 'date', false]])
    expect(t.fields.find((f) => f.code === 'occur_day')!.title).toEqual({ 'zh-CN': '数据发生日期', 'en-US': 'Occur day' })
  })

  it('keys a custom-period datasource by employment_id + custom_start + custom_end, and never offers another dimension\'s field as a value', () => {
    const t = payrollTarget({ ...byCustom, fields: [...byCustom.fields, system('payroll_period'), system('occur_day')] })
    expect(t.keyFields).toEqual(['employment_id', 'custom_start', 'custom_end'])
    expect(t.fields.map((f) => f.code)).toEqual(['employment_id', 'custom_start', 'custom_end', 'amount__c', 'day__c'])
  })

  it('reads the period type, 1 when absent or unknown', () => {
    expect([undefined, null, 1, 2, 3, 7].map((n) => payrollPeriodType({ data_period_type: n }))).toEqual([1, 1, 1, 2, 3, 1])
  })

  it('reads the file with the identifier and value fields only: the key\'s time part is chosen on the page', () => {
    for (const d of [byPeriod, byDay, byCustom]) {
      expect(fileSchema(payrollTarget(d), 'employee_no').fields.map((f) => f.code)).toEqual(['employee_no', 'amount__c', 'day__c', 'active_status'])
    }
    const rows = [{ row: 0, sheetRow: 2, values: { employment_id: '701', amount__c: '1.00', occur_day: '2026-01-01', day__c: null, active_status: null } }]
    expect(prepareRecords(rows, 'employment_id', {}, payrollTarget(byDay)).records[0]!.values).toEqual({ amount__c: '1.00', day__c: null })
  })
})

describe('the time part of a payroll key', () => {
  it('is checked against the datasource\'s dimension', () => {
    expect(payrollKeyProblem(1, { payroll_period: '2026-03' })).toBeNull()
    expect(payrollKeyProblem(1, { payroll_period: '2026-13' })).toEqual({ field: 'payroll_period', code: 'bad_month' })
    expect(payrollKeyProblem(1, { payroll_period: '1969-12' })).toEqual({ field: 'payroll_period', code: 'too_early' })
    expect(payrollKeyProblem(1, { occur_day: '2026-03-09' })).toEqual({ field: 'payroll_period', code: 'wrong_dimension' })
    expect(payrollKeyProblem(2, { occur_day: '2026-03-09' })).toBeNull()
    expect(payrollKeyProblem(2, { occur_day: '2026-02-29' })).toEqual({ field: 'occur_day', code: 'bad_date' })
    expect(payrollKeyProblem(2, { occur_day: '2026-3-9' })).toEqual({ field: 'occur_day', code: 'bad_date' })
    expect(payrollKeyProblem(2, { occur_day: '2026-03-09', payroll_period: '2026-03' })).toEqual({ field: 'payroll_period', code: 'wrong_dimension' })
    expect(payrollKeyProblem(3, { custom_start: '2026-03-01', custom_end: '2026-03-01' })).toBeNull()
    expect(payrollKeyProblem(3, { custom_start: '2026-03-01', custom_end: '2026-02-28' })).toEqual({ field: 'custom_end', code: 'end_before_start' })
    expect(payrollKeyProblem(3, { custom_start: '2026-03-01' })).toEqual({ field: 'custom_end', code: 'wrong_dimension' })
    expect(payrollKeyProblem(3, { occur_day: '2026-03-01' })).toEqual({ field: 'occur_day', code: 'wrong_dimension' })
  })

  it('is sent, shown and copied in a fixed order, without the rest of a target', () => {
    const target = { type: 'payroll' as const, source_code: 'd__c', custom_end: '2026-03-31', custom_start: '2026-03-01' }
    expect(payrollKeyEntries(target)).toEqual([['custom_start', '2026-03-01'], ['custom_end', '2026-03-31']])
    expect(payrollKeyOf(target)).toEqual({ custom_start: '2026-03-01', custom_end: '2026-03-31' })
    expect(payrollKeyText(target)).toBe('2026-03-01 – 2026-03-31')
    expect(payrollKeyText({ occur_day: '2026-03-09' })).toBe('2026-03-09')
    expect(payrollKeyText({ payroll_period: '2026-03' })).toBe('2026-03')
  })
})

describe('checking a payroll job\'s rows at creation, per dimension', () => {
  const rows: PayrollRowInput[] = [
    { row: 2, employment_id: '701', values: { amount__c: '1.005', day__c: '2026-03-02' } },
    { row: 3, employment_id: '702', active_status: 2, values: { amount__c: null } },
  ]

  it('accepts an occur-day job and returns the rows without key fields', () => {
    const r = checkPayrollRows(payrollTarget(byDay), { type: 'payroll', source_code: 'd__c', occur_day: '2026-03-09' }, rows)
    expect(r.errors).toEqual([])
    expect(r.rows).toEqual([
      { row: 2, employment_id: '701', values: { amount__c: '1.01', day__c: '2026-03-02' } },
      { row: 3, employment_id: '702', active_status: 2, values: { amount__c: null } },
    ])
  })

  it('accepts a custom-period job and refuses one whose end is before its start', () => {
    const schema = payrollTarget(byCustom)
    expect(checkPayrollRows(schema, { type: 'payroll', source_code: 'd__c', custom_start: '2026-03-01', custom_end: '2026-04-15' }, rows).errors).toEqual([])
    const bad = checkPayrollRows(schema, { type: 'payroll', source_code: 'd__c', custom_start: '2026-03-10', custom_end: '2026-03-01' }, rows)
    expect(bad.errors).toEqual([{ row: -1, field: 'custom_end', code: 'end_before_start', message: 'custom_end is before custom_start.' }])
    expect(bad.rows).toEqual([])
  })

  it('refuses a key of another dimension than the datasource\'s', () => {
    expect(checkPayrollRows(payrollTarget(byDay), { type: 'payroll', source_code: 'd__c', payroll_period: '2026-03' }, rows).errors[0]).toMatchObject({ row: -1, field: 'payroll_period', code: 'wrong_dimension' })
    expect(checkPayrollRows(payrollTarget(byPeriod), { type: 'payroll', source_code: 'd__c', custom_start: '2026-03-01', custom_end: '2026-03-02' }, rows).errors[0]).toMatchObject({ row: -1, field: 'payroll_period', code: 'wrong_dimension' })
    expect(checkPayrollRows(payrollTarget(byDay), { type: 'payroll', source_code: 'd__c', occur_day: '20260309' }, rows).errors[0]).toMatchObject({ row: -1, field: 'occur_day', code: 'bad_date' })
  })

  it('still checks a payroll-period job as before', () => {
    expect(checkPayrollRows(payrollTarget(byPeriod), { type: 'payroll', source_code: 'd__c', payroll_period: '2026-03' }, rows).errors).toEqual([])
    expect(checkPayrollRows(payrollTarget(byPeriod), { type: 'payroll', source_code: 'd__c', payroll_period: '1969-12' }, rows).errors[0]).toMatchObject({ row: -1, field: 'payroll_period', code: 'bad_month' })
  })
})
