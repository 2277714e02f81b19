import enUS, { type Messages } from './en-US'
import zhCN from './zh-CN'
import type { AppLocale } from './locales'

/**
 * The messages the app starts with, and a loader for the rest. Here (dev server, tests) that is
 * every message at once. The production build replaces this module (build/split-messages.ts): the
 * first page then carries only the shell's areas (sign-in, home, layout, errors) in both languages,
 * and the page areas (imports, jobs, payroll, attendance) of one language load with the first page
 * that needs them. Messages stay in en-US.ts and zh-CN.ts either way.
 */
export const startMessages: Record<AppLocale, Partial<Messages>> = { 'zh-CN': zhCN, 'en-US': enUS }

export function loadPageMessages(_locale: AppLocale): Promise<Partial<Messages> | null> {
  return Promise.resolve(null)
}
