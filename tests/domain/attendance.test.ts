import { describe, expect, it } from 'vitest'
import {
  buildAttendanceRows, detectMemberType, groupFields, importSchema, inputToMonth, looksLikeFieldCode, memberTypeFromHeader, monthBounds,
  monthToInput, previousMonth, reportCodes, uploadCalls, type ExportedRow,
} from '../../src/domain/attendance'
import type { TargetSchema } from '../../src/domain/target'

const schema: TargetSchema = {
  kind: 'attendance',
  id: '7341290237441605652',
  title: { 'zh-CN': 'R&D', 'en-US': 'R&D' },
  keyFields: ['member_id'],
  fields: [
    { code: 'member_id', title: { 'zh-CN': '人员', 'en-US': 'Member' }, kind: 'identifier', required: true, writable: true, aliases: ['member'] },
    { code: 'start_time', title: { 'zh-CN': '考勤开始日期', 'en-US': 'Start date' }, kind: 'compact_date', required: false, writable: true },
    { code: 'end_time', title: { 'zh-CN': '考勤结束日期', 'en-US': 'End date' }, kind: 'compact_date', required: false, writable: true },
    { code: 'a1b2c3d4', title: { 'zh-CN': '迟到次数', 'en-US': 'Late arrivals' }, path: [{ 'zh-CN': '异常', 'en-US': 'Exceptions' }], kind: 'text', required: false, writable: true },
    { code: 'e5f6a7b8', title: { 'zh-CN': '年假(天)', 'en-US': 'Annual leave (days)' }, path: [{ 'zh-CN': '请假', 'en-US': 'Leave' }, { 'zh-CN': '带薪假', 'en-US': 'Paid leave' }], kind: 'text', required: false, writable: true },
  ],
}

describe('months', () => {
  it('the default month is the one before today, across a year boundary too', () => {
    expect(previousMonth(new Date(2024, 9, 15))).toBe('202409')
    expect(previousMonth(new Date(2025, 0, 1, 0, 5))).toBe('202412')
    expect(previousMonth(new Date(2024, 2, 31, 23, 59))).toBe('202402')
  })

  it('knows the first and last day of a month, leap years included', () => {
    expect(monthBounds('202409')).toEqual({ first: '20240901', last: '20240930' })
    expect(monthBounds('202402')).toEqual({ first: '20240201', last: '20240229' })
    expect(monthBounds('202302')).toEqual({ first: '20230201', last: '20230228' })
    expect(monthBounds('202412')).toEqual({ first: '20241201', last: '20241231' })
    expect(() => monthBounds('202413')).toThrow()
  })

  it('converts between yyyyMM and the month input’s yyyy-mm, refusing impossible months', () => {
    expect(monthToInput('202409')).toBe('2024-09')
    expect(inputToMonth('2024-09')).toBe('202409')
    expect(inputToMonth('2024-13')).toBeNull()
    expect(inputToMonth('')).toBeNull()
  })
})

describe('which kind of member ID a column holds', () => {
  it('recognises employee numbers by their values: digits, or a capital prefix and digits', () => {
    expect(detectMemberType('编号', ['FS10001', 'FS10002', 'FS10086'])).toEqual({ type: 'employee_no', by: 'values' })
    expect(detectMemberType('ID', ['000123', '000124', '000125'])).toEqual({ type: 'employee_no', by: 'values' })
  })

  it('recognises Feishu user IDs by their values: lower-case letters with digits', () => {
    expect(detectMemberType('ID', ['3fa85f64', 'ax11d', '1aaxxd', 'zhangwei'])).toEqual({ type: 'employee_id', by: 'values' })
  })

  it('falls back to the header when the values are mixed or missing', () => {
    expect(detectMemberType('工号', ['FS10001', '3fa85f64'])).toEqual({ type: 'employee_no', by: 'header' })
    expect(detectMemberType('User ID', [])).toEqual({ type: 'employee_id', by: 'header' })
    expect(detectMemberType('Name', ['Zhang Wei', '张伟'])).toBeNull()
  })

  it('reads member headers in both languages, not other titles', () => {
    expect(memberTypeFromHeader('工号')).toBe('employee_no')
    expect(memberTypeFromHeader('Employee No.')).toBe('employee_no')
    expect(memberTypeFromHeader('用户 ID')).toBe('employee_id')
    expect(memberTypeFromHeader('employee_id')).toBe('employee_id')
    expect(memberTypeFromHeader('迟到次数')).toBeNull()
  })
})

describe('headers written like field codes', () => {
  it('takes one ASCII token with letters and digits as a code, never a title people write', () => {
    expect(looksLikeFieldCode('abd754f7')).toBe(true)
    expect(looksLikeFieldCode('late_2024')).toBe(true)
    expect(looksLikeFieldCode('Late arrivals')).toBe(false)
    expect(looksLikeFieldCode('Remarks')).toBe(false)
    expect(looksLikeFieldCode('迟到次数')).toBe(false)
    expect(looksLikeFieldCode('2024')).toBe(false)
  })
})

describe('the import schema', () => {
  it('titles the member column for the chosen ID kind and adds extra codes as text fields once', () => {
    const byNo = importSchema(schema, 'employee_no', ['abd754f7', 'abd754f7', 'a1b2c3d4'])
    expect(byNo.fields[0]).toMatchObject({ code: 'member_id', title: { 'zh-CN': '工号', 'en-US': 'Employee No.' }, required: true })
    expect(byNo.fields[0]!.aliases).toEqual(expect.arrayContaining(['member', '工号', '用户 ID', 'User ID']))
    expect(byNo.fields.map((f) => f.code)).toEqual(['member_id', 'start_time', 'end_time', 'a1b2c3d4', 'e5f6a7b8', 'abd754f7'])
    expect(byNo.fields.at(-1)).toMatchObject({ kind: 'text', writable: true, required: false })
    expect(importSchema(schema, 'employee_id').fields[0]!.title['en-US']).toBe('User ID')
    // A Base person field becomes the member the same way: employee number or user ID.
    expect(byNo.people).toBe('employee_no')
    expect(importSchema(byNo, 'employee_id').people).toBe('user_id')
    expect(reportCodes(byNo)).toEqual(['a1b2c3d4', 'e5f6a7b8', 'abd754f7'])
    // The server's schema is left as it was.
    expect(schema.fields).toHaveLength(5)
  })

  it('groups fields by their upper titles in the order Feishu lists them, in the UI language', () => {
    const fields = [
      { code: 'x1', title: { 'zh-CN': '迟到次数', 'en-US': 'Late arrivals' }, upper_titles: [{ 'zh-CN': '异常', 'en-US': 'Exceptions' }] },
      { code: 'x2', title: { 'zh-CN': '年假(天)', 'en-US': 'Annual leave' }, upper_titles: [{ 'zh-CN': '请假', 'en-US': 'Leave' }, { 'zh-CN': '带薪假', 'en-US': 'Paid leave' }] },
      { code: 'x3', title: { 'zh-CN': '早退次数', 'en-US': 'Early departures' }, upper_titles: [{ 'zh-CN': '异常', 'en-US': 'Exceptions' }] },
    ]
    expect(groupFields(fields, 'en-US')).toEqual([
      { key: '异常', title: 'Exceptions', fields: [{ code: 'x1', title: 'Late arrivals' }, { code: 'x3', title: 'Early departures' }] },
      { key: '请假\u0000带薪假', title: 'Leave / Paid leave', fields: [{ code: 'x2', title: 'Annual leave' }] },
    ])
    expect(groupFields(fields, 'zh-CN')[1]!.title).toBe('请假 / 带薪假')
  })
})

describe('job rows from the validated values', () => {
  const row = (sheetRow: number, values: Record<string, string | null>): ExportedRow => ({ row: sheetRow - 2, sheetRow, values })

  it('numbers rows as in the sheet, defaults the dates to the whole month and sends only non-empty values', () => {
    const built = buildAttendanceRows([
      row(2, { member_id: 'FS10001', start_time: null, end_time: null, a1b2c3d4: '2', e5f6a7b8: null }),
      row(3, { member_id: 'FS10002', start_time: '20240903', end_time: '20240920', a1b2c3d4: null, e5f6a7b8: '1.5' }),
    ], '202409', ['a1b2c3d4', 'e5f6a7b8'])
    expect(built.problems).toEqual([])
    expect(built.rows).toEqual([
      { row: 2, member_id: 'FS10001', start_time: '20240901', end_time: '20240930', values: { a1b2c3d4: '2' } },
      { row: 3, member_id: 'FS10002', start_time: '20240903', end_time: '20240920', values: { e5f6a7b8: '1.5' } },
    ])
  })

  it('leaves out and reports rows whose dates are outside the month or reversed', () => {
    const built = buildAttendanceRows([
      row(2, { member_id: 'A', start_time: '20240831', end_time: null }),
      row(3, { member_id: 'B', start_time: '20240915', end_time: '20240910' }),
      row(4, { member_id: 'C', start_time: null, end_time: '20241001' }),
      row(5, { member_id: 'D', start_time: '20240930', end_time: '20240930' }),
    ], '202409', [])
    expect(built.rows.map((r) => r.row)).toEqual([5])
    expect(built.problems).toEqual([
      { row: 2, field: 'start_time', code: 'date_outside_month', params: { value: '20240831', first: '20240901', last: '20240930' } },
      { row: 3, field: 'end_time', code: 'end_before_start', params: { start: '20240915', end: '20240910' } },
      { row: 4, field: 'end_time', code: 'date_outside_month', params: { value: '20241001', first: '20240901', last: '20240930' } },
    ])
  })

  it('counts upload calls at 50 members and 200 fields each', () => {
    expect(uploadCalls(300, 60)).toBe(6)
    expect(uploadCalls(301, 60)).toBe(7)
    expect(uploadCalls(50, 201)).toBe(2)
    expect(uploadCalls(120, 450)).toBe(9)
    expect(uploadCalls(0, 10)).toBe(0)
  })
})
