import { describe, expect, it } from 'vitest'
import { ISSUE_CATALOGUE, ISSUE_CODES, issueMessage } from '../../src/domain/issues'
import { LOCALES } from '../../src/domain/target'

describe('the issue catalogue', () => {
  it('has a message and a fix hint in zh-CN and en-US for every code', () => {
    expect(ISSUE_CODES.length).toBeGreaterThanOrEqual(12)
    for (const code of ISSUE_CODES) {
      for (const locale of LOCALES) {
        const entry = ISSUE_CATALOGUE[code][locale]
        expect(entry.message.trim(), `${code} ${locale}`).not.toBe('')
        expect(entry.hint.trim(), `${code} ${locale}`).not.toBe('')
      }
      // Chinese text for zh-CN, no Chinese in en-US.
      expect(ISSUE_CATALOGUE[code]['zh-CN'].message + ISSUE_CATALOGUE[code]['zh-CN'].hint).toMatch(/[\u4e00-\u9fff]/)
      expect(ISSUE_CATALOGUE[code]['en-US'].message + ISSUE_CATALOGUE[code]['en-US'].hint).not.toMatch(/[\u4e00-\u9fff]/)
    }
  })

  it('every placeholder used in one language is used in the other', () => {
    const names = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort()
    for (const code of ISSUE_CODES) {
      const zh = ISSUE_CATALOGUE[code]['zh-CN']
      const en = ISSUE_CATALOGUE[code]['en-US']
      expect(names(zh.message + zh.hint), code).toEqual(names(en.message + en.hint))
    }
  })

  it('fills params, including ones given per language', () => {
    const issue = { code: 'duplicate_key' as const, params: { key: 'E1 / 2024-01', count: 2, 'fields_zh-CN': '工号 + 算薪期间', 'fields_en-US': 'Employee No. + Payroll period' } }
    expect(issueMessage(issue, 'zh-CN')).toEqual({ message: '「E1 / 2024-01」在文件中出现了 2 次', hint: '同一个 工号 + 算薪期间 只能有一行；合并或删除重复的行。' })
    expect(issueMessage(issue, 'en-US').hint).toBe('Each Employee No. + Payroll period may appear in one row only; merge or delete the repeated rows.')
  })
})
