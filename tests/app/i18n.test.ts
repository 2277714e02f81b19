import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import enUS from '../../src/i18n/en-US'
import zhCN from '../../src/i18n/zh-CN'
import { LOCALE_STORAGE_KEY, createAppI18n, detectLocale } from '../../src/i18n'

function keyPaths(value: unknown, prefix = ''): string[] {
  if (typeof value !== 'object' || value === null) return [prefix]
  return Object.entries(value).flatMap(([key, child]) => keyPaths(child, prefix ? `${prefix}.${key}` : key))
}

function leaves(value: unknown): unknown[] {
  if (typeof value !== 'object' || value === null) return [value]
  return Object.values(value).flatMap(leaves)
}

beforeEach(() => window.localStorage.clear())
afterEach(() => vi.restoreAllMocks())

describe('messages', () => {
  it('zh-CN and en-US have exactly the same keys', () => {
    const zh = keyPaths(zhCN).sort()
    const en = keyPaths(enUS).sort()
    expect(zh.length).toBeGreaterThan(50)
    expect(zh).toEqual(en)
  })

  it('every message is a non-empty string in both languages', () => {
    for (const value of [...leaves(zhCN), ...leaves(enUS)]) {
      expect(typeof value).toBe('string')
      expect(String(value).trim()).not.toBe('')
    }
  })

  it('every message compiles and interpolates without vue-i18n warnings', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {})
    for (const locale of ['zh-CN', 'en-US'] as const) {
      const i18n = createAppI18n(locale)
      for (const key of keyPaths(enUS)) {
        const text = i18n.global.t(key, { name: 'N', role: 'R', scope: 'S', reason: 'W', code: 'C', errno: 1, path: '/p', message: 'M' })
        expect(text, `${locale} ${key}`).not.toBe(key)
        expect(text, `${locale} ${key}`).not.toMatch(/[{}]/)
      }
    }
    expect(warn).not.toHaveBeenCalled()
  })
})

describe('choosing the language', () => {
  it('follows the Feishu client language in the user agent', () => {
    vi.spyOn(window.navigator, 'userAgent', 'get').mockReturnValue('Mozilla/5.0 Lark/7.10.5 LarkLocale/en_US')
    vi.spyOn(window.navigator, 'language', 'get').mockReturnValue('zh-CN')
    expect(detectLocale()).toBe('en-US')
  })

  it('otherwise follows navigator.language, mapping any Chinese to zh-CN', () => {
    vi.spyOn(window.navigator, 'language', 'get').mockReturnValue('zh-TW')
    expect(detectLocale()).toBe('zh-CN')
    vi.spyOn(window.navigator, 'language', 'get').mockReturnValue('en-GB')
    expect(detectLocale()).toBe('en-US')
  })

  it('prefers a saved choice over the client', () => {
    vi.spyOn(window.navigator, 'userAgent', 'get').mockReturnValue('Mozilla/5.0 Lark/7.10.5 LarkLocale/en_US')
    window.localStorage.setItem(LOCALE_STORAGE_KEY, 'zh-CN')
    expect(detectLocale()).toBe('zh-CN')
  })

  it('sets <html lang> and the title to the language', () => {
    createAppI18n('en-US')
    expect(document.documentElement.lang).toBe('en-US')
    expect(document.title).toBe('Attendance & Payroll Data Import')
    createAppI18n('zh-CN')
    expect(document.documentElement.lang).toBe('zh-CN')
    expect(document.title).toBe('考勤与薪酬数据导入')
  })
})
