import { describe, expect, it } from 'vitest'
import { checkControls, controlsReleased, decimalSum, parseControlFigure, periodGuardOf, periodGuardWindow, respectLaterEdits } from '../../src/domain/payroll-checks'

describe('control figures as people type them from a printout', () => {
  it.each([
    ['1,234,567.89', '1234567.89'], ['¥1,234.50', '1234.5'], ['￥１，２３４．５０', '1234.5'], ['RMB 12 345', '12345'], ['12345元', '12345'],
    ['CNY 1\u00a0234.00', '1234'], ["1'234.5", '1234.5'], ['(1,200.00)', '-1200'], ['-0.50', '-0.5'], ['1200-', '-1200'], ['0', '0'], ['$ 7', '7'],
  ])('reads %s as %s', (typed, value) => {
    expect(parseControlFigure(typed)).toEqual({ value })
  })

  it.each([
    ['', 'empty'], ['   ', 'empty'], ['abc', 'not_a_number'], ['1.2.3', 'not_a_number'], ['12,34', 'ambiguous_separator'],
    ['1.234,56', 'ambiguous_separator'], ['1,2345', 'ambiguous_separator'], ['¥', 'empty'], ['1e5', 'not_a_number'],
  ])('refuses %j (%s) rather than guessing', (typed, problem) => {
    expect(parseControlFigure(typed)).toEqual({ problem })
  })

  it('wants a whole, non-negative headcount', () => {
    expect(parseControlFigure('1,204', { whole: true })).toEqual({ value: '1204' })
    expect(parseControlFigure('12.5', { whole: true })).toEqual({ problem: 'not_whole' })
    expect(parseControlFigure('-3', { whole: true })).toEqual({ problem: 'negative' })
    expect(parseControlFigure('12.000', { whole: true })).toEqual({ value: '12' })
  })

  it('sums money exactly, where floating point would drift', () => {
    expect(decimalSum(Array.from({ length: 10 }, () => '0.1'))).toBe('1')
    expect(decimalSum(['1234.56', '-0.56', '0.001'])).toBe('1234.001')
  })
})

describe('control totals against the file', () => {
  const records = [{ values: { pay__c: '100.50', hours__c: '2' } }, { values: { pay__c: '200', hours__c: null } }, { values: { pay__c: '0.25', hours__c: '1.5' } }]
  const fields = [{ code: 'pay__c', decimals: 2 }, { code: 'hours__c', decimals: 1 }]

  it('matches figures typed with separators and currency signs, and leaves blank ones unchecked', () => {
    const c = checkControls({ headcount: '3', totals: { pay__c: '¥300.75' } }, records, fields)
    expect(c.lines.map((l) => [l.field, l.state, l.actual])).toEqual([['headcount', 'match', '3'], ['pay__c', 'match', '300.75'], ['hours__c', 'blank', '3.5']])
    expect(c.blocking).toBe(false)
    expect(controlsReleased(c, '')).toBe(true)
  })

  it('blocks on a mismatch until a written reason of 10+ characters is given', () => {
    const c = checkControls({ headcount: '4', totals: { pay__c: '300.75' } }, records, fields)
    expect(c).toMatchObject({ mismatches: 1, invalid: 0, blocking: true })
    expect(c.lines[0]).toMatchObject({ field: 'headcount', expected: '4', actual: '3', state: 'mismatch' })
    expect(controlsReleased(c, 'ok')).toBe(false)
    expect(controlsReleased(c, '          ')).toBe(false)
    expect(controlsReleased(c, 'One leaver is paid off-cycle')).toBe(true)
  })

  it('never lets a figure that is not a number through, reason or not', () => {
    const c = checkControls({ headcount: '3', totals: { pay__c: '300,75' } }, records, fields)
    expect(c.lines[1]).toMatchObject({ state: 'invalid', problem: 'ambiguous_separator' })
    expect(controlsReleased(c, 'A long enough reason for it')).toBe(false)
  })
})

describe('the period guard window and verdict', () => {
  it('looks at the pay dates of the period month and the next one', () => {
    expect(periodGuardWindow({ payroll_period: '2024-12' })).toEqual({ start: '2024-12-01', end: '2025-01-31' })
    expect(periodGuardWindow({ payroll_period: '2024-01' })).toEqual({ start: '2024-01-01', end: '2024-02-29' })
    expect(periodGuardWindow({ occur_day: '2024-03-15' })).toEqual({ start: '2024-03-01', end: '2024-04-30' })
    expect(periodGuardWindow({ custom_start: '2024-03-20', custom_end: '2024-05-10' })).toEqual({ start: '2024-03-01', end: '2024-06-30' })
  })

  it('is closed by an approved (375) or archived (400) activity only', () => {
    const a = (status: number) => ({ activity_id: String(status), name: { 'zh-CN': 'x', 'en-US': 'x' }, pay_date: '2024-10-10', status })
    expect(periodGuardOf([a(100), a(150), a(200), a(300), a(350), a(360)]).state).toBe('open')
    expect(periodGuardOf([a(150), a(375)])).toMatchObject({ state: 'closed', closing: [a(375)] })
    expect(periodGuardOf([a(400)]).state).toBe('closed')
  })
})

describe('a revert that respects later edits', () => {
  const expect_ = { active_status: 1, values: { a: '2', b: 'job' } }
  it('reverts fields still holding what the job wrote and keeps the others with both values', () => {
    const r = respectLaterEdits({ row: 1, employment_id: 'e', active_status: 1, values: { a: '1', b: 'before' }, expect: expect_ }, { active_status: 1, values: { a: '9', b: 'job' } })
    expect(r.send).toEqual({ row: 1, employment_id: 'e', active_status: 1, values: { b: 'before' }, expect: expect_ })
    expect(r.kept).toEqual([{ field: 'a', expected: '2', actual: '9' }])
  })
  it('sends nothing when every field was changed since, or is already back (a resent batch)', () => {
    expect(respectLaterEdits({ row: 1, employment_id: 'e', active_status: 1, values: { a: '1', b: 'before' }, expect: expect_ }, { active_status: 1, values: { a: '9', b: 'x' } }).send).toBeNull()
    expect(respectLaterEdits({ row: 1, employment_id: 'e', active_status: 1, values: { a: '1', b: 'before' }, expect: expect_ }, { active_status: 1, values: { a: '1', b: 'before' } })).toEqual({ send: null, kept: [] })
  })
  it('stops a record the job created only while it is still the job\'s', () => {
    const stop = { row: 1, employment_id: 'e', active_status: 2 as const, values: {}, expect: expect_ }
    expect(respectLaterEdits(stop, { active_status: 1, values: { a: '2', b: 'job' } }).send).toEqual(stop)
    expect(respectLaterEdits(stop, { active_status: 1, values: { a: '2', b: 'edited' } })).toEqual({ send: null, kept: [{ field: 'b', expected: 'job', actual: 'edited' }] })
    expect(respectLaterEdits(stop, { active_status: 2, values: { a: '2', b: 'job' } })).toEqual({ send: null, kept: [] })
  })
})

describe('variance against the previous period', () => {
  it('takes the period just before, of the same length', async () => {
    const { previousKey } = await import('../../src/domain/payroll-checks')
    expect(previousKey({ payroll_period: '2025-01' })).toEqual({ payroll_period: '2024-12' })
    expect(previousKey({ payroll_period: '2024-10' })).toEqual({ payroll_period: '2024-09' })
    expect(previousKey({ occur_day: '2024-03-01' })).toEqual({ occur_day: '2024-02-29' })
    expect(previousKey({ custom_start: '2024-10-01', custom_end: '2024-10-10' })).toEqual({ custom_start: '2024-09-21', custom_end: '2024-09-30' })
  })

  it('wants a positive threshold', async () => {
    const { parseThreshold } = await import('../../src/domain/payroll-checks')
    expect(parseThreshold('1,000')).toEqual({ value: 1000 })
    expect(parseThreshold('0')).toEqual({ problem: 'not_positive' })
    expect(parseThreshold('-5')).toEqual({ problem: 'not_positive' })
    expect(parseThreshold('lots')).toEqual({ problem: 'not_a_number' })
  })

  it('flags a change only beyond both the percentage and the amount, and people missing or new', async () => {
    const { varianceFlags } = await import('../../src/domain/payroll-checks')
    const prev = { a: { active_status: 1, values: { pay: '1000' } }, b: { active_status: 1, values: { pay: '10000' } }, gone: { active_status: 1, values: {} }, stopped: { active_status: 2, values: {} } }
    const now = [{ employment_id: 'a', values: { pay: '2500' } }, { employment_id: 'b', values: { pay: '12000' } }, { employment_id: 'fresh', values: { pay: '1' } }]
    expect(varianceFlags(now, prev, ['pay'], { percent: 50, amount: 1000 })).toEqual([
      { kind: 'big_change', employment_id: 'a', field: 'pay', previous: '1000', current: '2500', percent: 150 },
      { kind: 'new_now', employment_id: 'fresh' },
      { kind: 'missing_now', employment_id: 'gone' },
    ])
    expect(varianceFlags(now, {}, ['pay'], { percent: 50, amount: 1000 })).toEqual([])
  })
})
