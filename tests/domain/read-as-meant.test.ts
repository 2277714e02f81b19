import { describe, expect, it } from 'vitest'
import type { TargetField } from '../../src/domain/target'
import { checkNumber, checkValue, columnLetterCase, KIND_RULES, normaliseValue, parseNumberText } from '../../src/domain/values'
import { issueMessage } from '../../src/domain/issues'
import { FIELD_KINDS } from '../../src/domain/target'

const money: TargetField = { code: 'm', title: { 'zh-CN': '金额', 'en-US': 'Amount' }, kind: 'money', decimalPlaces: 2, required: false, writable: true }
const pct: TargetField = { ...money, code: 'p', kind: 'percent', decimalPlaces: undefined }
const date: TargetField = { ...money, code: 'd', kind: 'date', decimalPlaces: undefined }
const id: TargetField = { ...money, code: 'id', kind: 'identifier', decimalPlaces: undefined }
const upperId: TargetField = { ...id, letterCase: 'upper' }
const email: TargetField = { ...id, letterCase: 'lower' }

const read = (f: TargetField, raw: string | number) => {
  const n = normaliseValue(f, raw)
  return { value: n.value, issues: n.issues.map((i) => `${i.severity}:${i.code}`) }
}

describe('a number read beyond its plain digits is said, with what will be sent', () => {
  it('parentheses, currency, an ambiguous thousands separator, a percent sign', () => {
    expect(read(money, '(100)')).toEqual({ value: '-100.00', issues: ['warning:reinterpreted'] })
    expect(read(money, '¥1,234.5')).toEqual({ value: '1234.50', issues: ['warning:reinterpreted'] })
    expect(read(money, '1,234')).toEqual({ value: '1234.00', issues: ['warning:reinterpreted'] })
    expect(read(pct, '12.5%')).toEqual({ value: '12.5', issues: ['warning:reinterpreted'] })
    const m = issueMessage(normaliseValue(money, '(¥1,234)').issues[0]!, 'en-US')
    expect(m.message).toBe('"(¥1,234)" read as -1234.00 (parentheses as a minus sign, currency sign dropped, comma as a thousands separator)')
    expect(issueMessage(normaliseValue(money, '(100)').issues[0]!, 'zh-CN').message).toBe('「(100)」按 -100.00 读取（括号表示负数）')
  })

  it('but not a plain number, nor "1,234.50" (a comma before a point can only be grouping), nor full-width digits', () => {
    expect(read(money, '100')).toEqual({ value: '100.00', issues: [] })
    expect(read(money, '1,234.50')).toEqual({ value: '1234.50', issues: [] })
    expect(read(money, '１２３')).toEqual({ value: '123.00', issues: [] })
    expect(read(money, 100)).toEqual({ value: '100.00', issues: [] })
  })

  it('the one text-number parser gives the value, its decimal places and the readings', () => {
    expect(parseNumberText('(¥1,234.50)')).toEqual({ plain: '-1234.5', places: 1, how: ['parentheses', 'currency'] })
    expect(parseNumberText('007.250')).toEqual({ plain: '7.25', places: 2, how: [] })
    expect(parseNumberText('12%', true)).toEqual({ plain: '12', places: 0, how: ['percent'] })
    expect(parseNumberText('12 apples')).toBeNull()
  })
})

describe('a guessed date is said', () => {
  it('a day/month order told apart only because one part is over 12, and a bare serial number', () => {
    expect(read(date, '13/02/2024')).toEqual({ value: '2024-02-13', issues: ['warning:date_guessed'] })
    expect(read(date, 45292)).toEqual({ value: '2024-01-01', issues: ['warning:date_guessed'] })
    expect(read(date, '45292')).toEqual({ value: '2024-01-01', issues: ['warning:date_guessed'] })
  })

  it('but not a date that can only be read one way', () => {
    for (const raw of ['2024-02-13', '2024/2/13', '2024年2月13日', '20240213', 20240213, '13 Feb 2024']) expect([raw, read(date, raw).issues]).toEqual([raw, []])
  })
})

describe('identifiers are normalised as Feishu matches them, and a changed one is said', () => {
  it('full-width, padded with spaces of any kind, or in the wrong case', () => {
    expect(read(id, 'Ｅ００１')).toEqual({ value: 'E001', issues: ['warning:identifier_normalised'] })
    expect(read(id, '\u3000E001\u200b ')).toEqual({ value: 'E001', issues: ['warning:identifier_normalised'] })
    expect(read(upperId, 'e001')).toEqual({ value: 'E001', issues: ['warning:identifier_normalised'] })
    expect(read(email, 'Li.Si@Example.COM')).toEqual({ value: 'li.si@example.com', issues: ['warning:identifier_normalised'] })
    expect(issueMessage(normaliseValue(upperId, 'e001').issues[0]!, 'en-US').message).toBe('ID "e001" changed to "E001"')
  })

  it('left alone when already right (leading zeros kept), and without a case rule the case is kept', () => {
    expect(read(id, '007123')).toEqual({ value: '007123', issues: [] })
    expect(read(id, 'e001')).toEqual({ value: 'e001', issues: [] })
    expect(read(upperId, 'E001')).toEqual({ value: 'E001', issues: [] })
  })
})

describe('one rule table', () => {
  it('every field kind has its rules, and the fast checks report exactly what normalise reports', () => {
    const fields: TargetField[] = FIELD_KINDS.map((kind) => ({ ...money, code: kind, kind, decimalPlaces: kind === 'money' || kind === 'number' ? 2 : undefined }))
    fields.push(upperId, email)
    const raws: Array<string | number> = ['(100)', '¥1,234.5', '1,234', '12.5%', '13/02/2024', 45292, 'Ｅ００１', ' e001 ', 'E001', '007123', '2024-01', '202401', '2024-02-13', 1.005, 12, -3, 'abc', '1.2E+3']
    for (const f of fields) {
      expect(KIND_RULES[f.kind]).toBeDefined()
      for (const raw of raws) {
        const n = normaliseValue(f, raw)
        const expected = n.value === null && n.issues.length === 0 ? null : n.issues
        expect([f.code, raw, checkValue(f, raw)]).toEqual([f.code, raw, expected])
        if (typeof raw === 'number') expect([f.code, raw, checkNumber(f, raw)]).toEqual([f.code, raw, expected])
      }
    }
  })
})

describe('the letter case of an ID column', () => {
  it('is the case nearly all its IDs with letters share', () => {
    expect(columnLetterCase(['FS10013', 'FS10014', 'fs10015', '007123'])).toBeNull() // 1 in 3 lower: no clear case
    expect(columnLetterCase([...Array.from({ length: 9 }, (_, i) => `FS1001${i}`), 'fs10019'])).toBe('upper')
    expect(columnLetterCase([...Array.from({ length: 9 }, (_, i) => `a${i}@x.cn`), 'B9@X.CN'])).toBe('lower')
  })

  it('is not guessed when the IDs agree already, have no letters, or mix cases inside one ID', () => {
    expect(columnLetterCase(['FS1', 'FS2'])).toBeNull()
    expect(columnLetterCase(['001', '002'])).toBeNull()
    expect(columnLetterCase(['Ab1', 'AB2', 'AB3'])).toBeNull()
  })
})
