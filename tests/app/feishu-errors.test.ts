import { describe, expect, it } from 'vitest'
import { FEISHU_ERRORS, feishuErrorText, isKnownFeishuError } from '../../src/domain/feishu-errors'
import { LOCALES } from '../../src/domain/target'

// The codes a write job can report (reference/feishu-api.md §1.5, §3, §4.2).
const REQUIRED = [
  ...Array.from({ length: 18 }, (_, i) => 2500004 + i),
  1220001, 1220600, 1225000,
  99991400, 99991672, 99991679, 99991676,
  'invalid_code', 'invalid_member_id',
]
const HAN = /[\u4e00-\u9fff]/
const PERMISSION_CODES = [2500014, 99991672, 99991676, 99991679, 1220600]

describe('the Feishu error catalogue', () => {
  it('covers every code a job can report', () => {
    for (const code of REQUIRED) expect(isKnownFeishuError(code), String(code)).toBe(true)
  })

  it('has a message and a hint in Chinese and English for every code', () => {
    for (const [code, entry] of Object.entries(FEISHU_ERRORS)) {
      for (const locale of LOCALES) {
        expect(entry[locale].message.trim(), `${code} ${locale} message`).not.toBe('')
        expect(entry[locale].hint.trim(), `${code} ${locale} hint`).not.toBe('')
      }
      expect(entry['zh-CN'].message, `${code} zh-CN is Chinese`).toMatch(HAN)
      expect(entry['zh-CN'].hint, `${code} zh-CN hint is Chinese`).toMatch(HAN)
      expect(entry['en-US'].message, `${code} en-US is English`).not.toMatch(HAN)
    }
  })

  it('reads 2500014 as a missing data permission and names the role that grants it', () => {
    expect(feishuErrorText(2500014, 'en-US').message).toBe('You have no data permission for this employee')
    expect(feishuErrorText(2500014, 'zh-CN').message).toBe('你没有此员工的数据权限')
    expect(feishuErrorText(2500014, 'zh-CN').hint).toContain('「外部数据源 - 数据明细」')
    expect(feishuErrorText(2500014, 'en-US').hint).toContain('「外部数据源 - 数据明细」')
  })

  it('never calls a permission problem a system error', () => {
    for (const code of PERMISSION_CODES) {
      for (const locale of LOCALES) {
        const { message, hint } = feishuErrorText(code, locale)
        expect(`${message} ${hint}`, `${code} ${locale}`).not.toMatch(/system error|internal error|系统错误|内部出错/i)
      }
    }
  })

  it('treats 99991400 as a rate limit the job handles by itself, not as a permission problem', () => {
    expect(feishuErrorText(99991400, 'en-US').message).toMatch(/limiting how fast/)
    expect(feishuErrorText(99991400, 'en-US').message).not.toMatch(/permission/i)
  })

  it('finds a code given as text or as a number', () => {
    expect(feishuErrorText('2500021', 'en-US')).toEqual(feishuErrorText(2500021, 'en-US'))
  })

  it('shows Feishu’s own message and the code for a code it does not know', () => {
    const text = feishuErrorText(1234567, 'en-US', 'something odd')
    expect(text.message).toBe('Feishu said: something odd (code 1234567)')
    expect(text.hint).toContain('give the code to your Feishu admin')
    expect(feishuErrorText(1234567, 'zh-CN').message).toBe('飞书返回了错误（错误码 1234567）')
    expect(isKnownFeishuError(1234567)).toBe(false)
  })
})
