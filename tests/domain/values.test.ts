import { describe, expect, it } from 'vitest'
import type { FieldKind, TargetField } from '../../src/domain/target'
import { isoDate, normaliseValue, roundHalfUp, serialToDate, toHalfWidth } from '../../src/domain/values'

const field = (kind: FieldKind, extra: Partial<TargetField> = {}): TargetField => ({ code: 'f', title: { 'zh-CN': 'f', 'en-US': 'f' }, kind, required: false, writable: true, ...extra })
const money = field('money', { decimalPlaces: 2 })
const value = (f: TargetField, raw: Parameters<typeof normaliseValue>[1]) => normaliseValue(f, raw).value
const codes = (f: TargetField, raw: Parameters<typeof normaliseValue>[1]) => normaliseValue(f, raw).issues.map((i) => `${i.severity}:${i.code}`)

describe('amounts and numbers become Feishu wire strings', () => {
  it('formats with exactly the configured decimals', () => {
    expect(value(money, 1234.5)).toBe('1234.50')
    expect(value(money, 7)).toBe('7.00')
    expect(value(field('number', { decimalPlaces: 0 }), 42)).toBe('42')
    expect(value(field('money', { decimalPlaces: 3 }), -0.5)).toBe('-0.500')
  })

  it('accepts what people type: separators, full-width digits, ¥, 元, accounting negatives', () => {
    expect(value(money, '1,234.5')).toBe('1234.50')
    expect(value(money, '１２３４．５')).toBe('1234.50')
    expect(value(money, '¥ 1,000')).toBe('1000.00')
    expect(value(money, '￥88元')).toBe('88.00')
    expect(value(money, '(12.00)')).toBe('-12.00')
    expect(value(money, '1.2E+3')).toBe('1200.00')
  })

  it('rounds half-up on the decimal digits people see, with a warning saying from and to', () => {
    const r = normaliseValue(money, 1.005)
    expect(r.value).toBe('1.01') // binary floating point alone would give 1.00
    expect(r.issues).toEqual([{ severity: 'warning', code: 'rounded', params: { from: '1.005', to: '1.01', places: 2 } }])
    expect(value(money, 9.999)).toBe('10.00')
    expect(value(money, '-2.345')).toBe('-2.35')
    expect(value(money, 0.1 + 0.2)).toBe('0.30') // Excel's 15 digits, not 0.30000000000000004
    expect(codes(money, 0.1 + 0.2)).toEqual([])
  })

  it('refuses text that is not a number and values beyond 15 integer digits', () => {
    expect(codes(money, '12 apples')).toEqual(['error:not_a_number'])
    expect(codes(money, '1,5')).toEqual(['error:not_a_number'])
    expect(codes(money, true)).toEqual(['error:not_a_number'])
    expect(codes(money, 1e16)).toEqual(['error:out_of_range'])
    expect(value(money, 'abc')).toBeNull()
  })

  it('never writes an empty string: empty and blank cells are null without issues', () => {
    for (const raw of [null, '', '   ', '\u3000']) expect(normaliseValue(money, raw)).toEqual({ value: null, issues: [] })
  })

  it('roundHalfUp works on long decimals without floating point', () => {
    expect(roundHalfUp('123456789012.345', 2)).toEqual({ text: '123456789012.35', changed: true })
    expect(roundHalfUp('0.5', 0)).toEqual({ text: '1', changed: true })
    expect(roundHalfUp('-0.004', 2)).toEqual({ text: '0.00', changed: true })
  })
})

describe('percentages', () => {
  const pct = field('percent')
  it('"10" and "10%" both mean ten percent; at most two decimals', () => {
    expect(value(pct, 10)).toBe('10')
    expect(value(pct, '10%')).toBe('10')
    expect(value(pct, '12.5%')).toBe('12.5')
    const r = normaliseValue(pct, 12.345)
    expect(r.value).toBe('12.35')
    expect(r.issues[0]?.code).toBe('rounded')
  })
})

describe('dates and months', () => {
  const date = field('date')
  it('reads many ways of writing a date as yyyy-mm-dd', () => {
    expect(value(date, '2024/1/5')).toBe('2024-01-05')
    expect(value(date, '2024年1月5日')).toBe('2024-01-05')
    expect(value(date, '2024.01.05')).toBe('2024-01-05')
    expect(value(date, '20240105')).toBe('2024-01-05')
    expect(value(date, '2024-01-05 08:30:00')).toBe('2024-01-05')
    expect(value(date, 45296)).toBe('2024-01-05') // Excel serial
    expect(value(date, '25/12/2024')).toBe('2024-12-25')
    expect(value(date, '5-Jan-2024')).toBe('2024-01-05')
  })

  it('Excel serials: every day from 1900 to 9999 in both date systems, as a Date would count it', () => {
    const byDate = (days: number) => {
      const dt = new Date(Date.UTC(1899, 11, 30) + days * 86_400_000)
      const y = dt.getUTCFullYear()
      return y > 9999 ? null : `${y}-${String(dt.getUTCMonth() + 1).padStart(2, '0')}-${String(dt.getUTCDate()).padStart(2, '0')}`
    }
    const differ: string[] = []
    for (let serial = -2; serial <= 2_958_466; serial++) {
      const got = serialToDate(serial)
      const want = serial < 1 || serial === 60 ? null : byDate(serial < 60 ? serial + 1 : serial)
      if ((got ? isoDate(got) : null) !== want) differ.push(`1900 ${serial}`)
      const got1904 = serialToDate(serial, true)
      const want1904 = serial + 1462 < 1 ? null : byDate(serial + 1462)
      if ((got1904 ? isoDate(got1904) : null) !== want1904) differ.push(`1904 ${serial}`)
      if (differ.length > 5) break
    }
    expect(differ).toEqual([])
    expect(isoDate(serialToDate(1) as { y: number; m: number; d: number })).toBe('1900-01-01')
    expect(isoDate(serialToDate(61) as { y: number; m: number; d: number })).toBe('1900-03-01')
    expect(isoDate(serialToDate(0, true) as { y: number; m: number; d: number })).toBe('1904-01-01')
    expect(serialToDate(45296.75)).toEqual({ y: 2024, m: 1, d: 5 }) // the time of day is dropped
  })

  it('says when day and month could be swapped instead of guessing', () => {
    expect(codes(date, '05/01/2024')).toEqual(['error:ambiguous_date'])
  })

  it('rejects impossible dates and names the expected format', () => {
    const r = normaliseValue(date, '2024-02-30')
    expect(r.value).toBeNull()
    expect(r.issues[0]).toMatchObject({ code: 'bad_date', params: { format: 'yyyy-mm-dd' } })
    expect(codes(date, 'next Tuesday')).toEqual(['error:bad_date'])
  })

  it('months: yyyy-mm, from dates, compact forms, and not before 1970-01', () => {
    const month = field('month')
    expect(value(month, '2024-1')).toBe('2024-01')
    expect(value(month, '2024年3月')).toBe('2024-03')
    expect(value(month, 202403)).toBe('2024-03')
    expect(value(month, '2024-03-01')).toBe('2024-03')
    expect(codes(month, '1969-12')).toEqual(['error:month_too_early'])
    expect(value(month, '1970-01')).toBe('1970-01')
    expect(codes(month, '2024-13')).toEqual(['error:bad_month'])
  })

  it('attendance formats: yyyyMMdd and yyyyMM', () => {
    expect(value(field('compact_date'), '2024-03-05')).toBe('20240305')
    expect(value(field('compact_month'), '2024-03')).toBe('202403')
    expect(value(field('compact_month'), 45352)).toBe('202403')
  })
})

describe('identifiers and text', () => {
  const id = field('identifier')
  it('keeps IDs exactly: leading zeros, no ".0", no exponent', () => {
    expect(value(id, '000123')).toBe('000123')
    expect(value(id, 123)).toBe('123')
    expect(value(id, 6971234567890)).toBe('6971234567890')
    expect(value(id, ' E001 ')).toBe('E001')
  })

  it('flags IDs that Excel already damaged', () => {
    expect(codes(id, Number('697123456789012345'))).toEqual(['error:identifier_precision_lost'])
    expect(codes(id, '6.97123E+17')).toEqual(['error:identifier_precision_lost'])
    expect(codes(id, 12.5)).toEqual(['error:bad_identifier'])
    expect(codes(id, 'E 001')).toEqual(['error:bad_identifier'])
  })

  it('text over the field limit is an error naming the length; CJK and emoji count as one', () => {
    const text = field('text', { maxLength: 5 })
    expect(value(text, '你好😀ab')).toBe('你好😀ab')
    expect(normaliseValue(text, '123456').issues[0]).toMatchObject({ code: 'text_too_long', params: { length: 6, limit: 5 } })
    expect(value(field('text'), 12.5)).toBe('12.5')
  })

  it('full-width to half-width leaves Chinese alone', () => {
    expect(toHalfWidth('ＡＢＣ１２３，中文')).toBe('ABC123,中文')
  })
})
