import { describe, expect, it } from 'vitest'
import { payrollTarget, type FeishuDatasource } from '../../src/domain/payroll'
import {
  notWrittenCount,
  diffRecords, fileSchema, identifiersToResolve, jobRows, prepareRecords, reconcile, sameValue,
  type ExportedRow, type PreparedRecord,
} from '../../src/domain/payroll-diff'
import { validateRow } from '../../src/domain/validate'

const ds: FeishuDatasource = {
  code: 'bonus__c',
  active_status: 1,
  data_period_type: 1,
  i18n_names: [{ locale: 'zh_cn', value: '奖金' }, { locale: 'en_us', value: 'Bonus' }],
  fields: [
    { code: 'employment_id', field_type: 3, active_status: 1 },
    { code: 'payroll_period', field_type: 4, active_status: 1 },
    { code: 'amount__c', field_type: 1, active_status: 1, decimal_places: 2 },
    { code: 'rate__c', field_type: 5, active_status: 1 },
    { code: 'note__c', field_type: 3, active_status: 1 },
    { code: 'old__c', field_type: 1, active_status: 2, decimal_places: 2 },
  ],
}
const target = payrollTarget(ds)

function rec(over: Partial<PreparedRecord> = {}): PreparedRecord {
  return { dataRow: 0, row: 2, identifier: 'E1', employment_id: '701', name: null, terminated: false, active_status: 1, values: { amount__c: '100.00', rate__c: null, note__c: 'hi', old__c: null }, ...over }
}

describe('the file schema', () => {
  it('reads employees by employee number and drops the payroll period, which is chosen on the page', () => {
    const s = fileSchema(target, 'employee_no')
    expect(s.fields.map((f) => f.code)).toEqual(['employee_no', 'amount__c', 'rate__c', 'note__c', 'old__c', 'active_status'])
    expect(s.keyFields).toEqual(['employee_no'])
    expect(s.fields[0]).toMatchObject({ kind: 'identifier', required: true, writable: true })
  })

  it('keeps the employment ID column when the file carries employment IDs', () => {
    const s = fileSchema(target, 'employment_id')
    expect(s.fields[0]).toMatchObject({ code: 'employment_id', required: true })
    expect(s.keyFields).toEqual(['employment_id'])
  })

  it('makes nothing writable when the datasource is stopped', () => {
    const s = fileSchema(payrollTarget({ ...ds, active_status: 2 }), 'work_email')
    expect(s.fields.every((f) => !f.writable)).toBe(true)
  })

  it('rounds an amount to the field decimals with a warning, never sends an empty string and reads active status as 1 or 2', () => {
    const s = fileSchema(target, 'employee_no')
    const issues: Parameters<typeof validateRow>[3] = []
    const out = validateRow(s, { employee_no: 'E1', amount__c: 12.345, note__c: '', active_status: 2 }, 0, issues)
    expect(out).toMatchObject({ employee_no: 'E1', amount__c: '12.35', note__c: null, active_status: '2' })
    expect(issues).toEqual([expect.objectContaining({ field: 'amount__c', severity: 'warning', code: 'rounded', params: expect.objectContaining({ to: '12.35' }) })])
  })
})

describe('who is who', () => {
  const rows: ExportedRow[] = [
    { row: 0, sheetRow: 2, values: { employee_no: 'E1', amount__c: '1.00', rate__c: null, note__c: null, old__c: null, active_status: null } },
    { row: 1, sheetRow: 3, values: { employee_no: 'E2', amount__c: '2.00', rate__c: null, note__c: null, old__c: null, active_status: '2' } },
    { row: 2, sheetRow: 4, values: { employee_no: 'DUP', amount__c: '3.00', rate__c: null, note__c: null, old__c: null, active_status: null } },
    { row: 3, sheetRow: 5, values: { employee_no: 'NOPE', amount__c: '4.00', rate__c: null, note__c: null, old__c: null, active_status: null } },
    { row: 4, sheetRow: 6, values: { employee_no: 'E3', amount__c: '5.00', rate__c: null, note__c: null, old__c: null, active_status: '3' } },
    { row: 5, sheetRow: 7, values: { employee_no: 'E4', amount__c: '6.00', rate__c: null, note__c: null, old__c: null, active_status: null } },
    { row: 6, sheetRow: 8, values: { employee_no: 'E1', amount__c: '7.00', rate__c: null, note__c: null, old__c: null, active_status: null } },
  ]

  it('asks about each distinct identifier once, in file order', () => {
    expect(identifiersToResolve(rows, 'employee_no')).toEqual(['E1', 'E2', 'DUP', 'NOPE', 'E3', 'E4'])
  })

  it('flags unknown and reused employee numbers, a bad active status and two rows of one employee, and keeps terminated employees with a flag', () => {
    const { records, excluded } = prepareRecords(rows.slice(0, 6), 'employee_no', {
      E1: { status: 'found', employment_id: '701', name: 'Ann' },
      E2: { status: 'found', employment_id: '702', name: 'Bo', terminated: true },
      DUP: { status: 'ambiguous', candidates: [{ employment_id: '801', name: 'X', terminated: true }, { employment_id: '802', name: 'Y', terminated: false }] },
      NOPE: { status: 'not_found' },
      E3: { status: 'found', employment_id: '703' },
      E4: { status: 'found', employment_id: '701', name: 'Ann' },
    }, target)
    expect(records.map((r) => [r.row, r.employment_id, r.active_status, r.terminated])).toEqual([[3, '702', 2, true]])
    expect(records[0]?.values).toEqual({ amount__c: '2.00', rate__c: null, note__c: null, old__c: null })
    expect(excluded.map((e) => [e.row, e.reason])).toEqual([[2, 'same_employee'], [4, 'ambiguous'], [5, 'not_found'], [6, 'bad_active_status'], [7, 'same_employee']])
    expect(excluded[1]?.candidates).toHaveLength(2)
    expect(excluded[0]?.otherRows).toEqual([7])
  })

  it('keeps the number as Feishu stores it on a record the file wrote in another letter case, and only there', () => {
    const { records } = prepareRecords(rows.slice(0, 2), 'employee_no', {
      E1: { status: 'found', employment_id: '701', name: 'Ann', employee_number: 'e1' },
      E2: { status: 'found', employment_id: '702', name: 'Bo' },
    }, target)
    expect(records.map((r) => [r.identifier, r.storedAs])).toEqual([['E1', 'e1'], ['E2', undefined]])
    expect(records[1]).not.toHaveProperty('storedAs')
  })

  it('takes employment IDs as they are without any lookup', () => {
    const { records, excluded } = prepareRecords(
      [{ row: 0, sheetRow: 2, values: { employment_id: '6993', amount__c: '1.00' } }],
      'employment_id', {}, target,
    )
    expect(excluded).toEqual([])
    expect(records[0]).toMatchObject({ employment_id: '6993', identifier: '6993', active_status: 1 })
  })
})

describe('the diff with Feishu', () => {
  it('calls a record without a Feishu record new, listing every filled value', () => {
    const { diffs, counts } = diffRecords(target, [rec()], {})
    expect(counts).toEqual({ new: 1, changed: 0, unchanged: 0 })
    expect(diffs[0]?.changes).toEqual([{ field: 'amount__c', before: null, after: '100.00' }, { field: 'note__c', before: null, after: 'hi' }])
  })

  it('shows each changed field before → after and leaves fields with empty cells alone', () => {
    const { diffs, counts } = diffRecords(target, [rec()], { 701: { active_status: 1, values: { amount__c: '90.00', note__c: 'hi', rate__c: '5' } } })
    expect(counts.changed).toBe(1)
    expect(diffs[0]?.changes).toEqual([{ field: 'amount__c', before: '90.00', after: '100.00' }])
  })

  it('treats 12.2 and 12.20 as the same amount, so the record is unchanged and not sent', () => {
    const current = { 701: { active_status: 1, values: { amount__c: '100', note__c: 'hi' } } }
    const { diffs, counts } = diffRecords(target, [rec()], current)
    expect(counts).toEqual({ new: 0, changed: 0, unchanged: 1 })
    expect(jobRows(diffs)).toEqual([])
  })

  it('compares text exactly', () => {
    expect(sameValue({ kind: 'text' }, '1.0', '1')).toBe(false)
    expect(sameValue({ kind: 'money' }, '1.0', '1')).toBe(true)
    expect(sameValue({ kind: 'money' }, undefined, '1')).toBe(false)
  })

  it('counts a stopped record that the file makes active again as a change of active status', () => {
    const { diffs } = diffRecords(target, [rec()], { 701: { active_status: 2, values: { amount__c: '100.00', note__c: 'hi' } } })
    expect(diffs[0]).toMatchObject({ status: 'changed', changes: [{ field: 'active_status', before: '2', after: '1' }] })
    expect(jobRows(diffs)).toEqual([{ row: 2, employment_id: '701', active_status: 1, values: {} }])
  })

  it('sends new records with all their values and changed records with only what changes', () => {
    const { diffs } = diffRecords(target, [rec(), rec({ dataRow: 1, row: 3, employment_id: '702' }), rec({ dataRow: 2, row: 4, employment_id: '703' })], {
      702: { active_status: 1, values: { amount__c: '1.00', note__c: 'hi' } },
      703: { active_status: 1, values: { amount__c: '100.00', note__c: 'hi' } },
    })
    expect(jobRows(diffs)).toEqual([
      { row: 2, employment_id: '701', active_status: 1, values: { amount__c: '100.00', note__c: 'hi' } },
      { row: 3, employment_id: '702', active_status: 1, values: { amount__c: '100.00' } },
    ])
  })
})

describe('reconciling Feishu’s affect_counts', () => {
  const counts = { total: 10, pending: 0, succeeded: 9, partial: 0, failed: 1, cancelled: 0 }

  it('has no gap when Feishu counted every written record that changed', () => {
    expect(reconcile(10, counts, 8, 1)).toMatchObject({ written: 9, expected: 8, gap: 0, failed: 1 })
  })

  it('reports how many changes Feishu did not count', () => {
    expect(reconcile(10, counts, 6, 0).gap).toBe(3)
    expect(reconcile(10, counts, 11, 0).gap).toBe(-2)
  })
})

describe('rows of the file that are not written', () => {
  it('counts the comparison\'s exclusions and every row the import step left out: errors, removed by hand or as hidden, totals and labels', () => {
    expect(notWrittenCount(2, { errors: 1, removed: 3, totals: 2 })).toBe(8)
    expect(notWrittenCount(0, { errors: 0, removed: 0, totals: 0 })).toBe(0)
  })
})
