import { describe, expect, it } from 'vitest'
import { preparerIsApprover, sumDecimals } from '../../src/domain/approval'

describe('approval rules', () => {
  it('sums payroll amounts exactly, to the cent, whatever their decimals', () => {
    expect(sumDecimals(['0.1', '0.2'])).toBe('0.3')
    expect(sumDecimals(['10.25', '20.5', '30'])).toBe('60.75')
    expect(sumDecimals(['-1.005', '1'])).toBe('-0.005')
    expect(sumDecimals([])).toBe('0')
    expect(sumDecimals([null, undefined, 'n/a', '7'])).toBe('7')
    expect(sumDecimals(['99999999999999999.99', '0.01'])).toBe('100000000000000000.00')
  })

  it('names the preparer as an approver by open_id or user_id, never by an empty id', () => {
    const preparer = { user_id: 'wangfang', open_id: 'ou_w' }
    expect(preparerIsApprover(preparer, [{ user_id: 'sunli', open_id: 'ou_s' }])).toBe(false)
    expect(preparerIsApprover(preparer, [{ user_id: 'sunli', open_id: 'ou_s' }, { open_id: 'ou_w' }])).toBe(true)
    expect(preparerIsApprover(preparer, [{ user_id: 'wangfang' }])).toBe(true)
    expect(preparerIsApprover({ user_id: null, open_id: 'ou_w' }, [{ user_id: '', open_id: '' }])).toBe(false)
  })
})
