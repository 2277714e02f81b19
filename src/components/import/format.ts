import type { Issue } from '../../domain/issues'
import { issueMessage } from '../../domain/issues'
import type { CellValue, Locale } from '../../domain/target'

export function showValue(v: CellValue | undefined): string {
  if (v === null || v === undefined) return ''
  if (typeof v === 'boolean') return v ? 'TRUE' : 'FALSE'
  return String(v)
}

export function issueText(issue: Issue, locale: Locale): { message: string; hint: string } {
  return issueMessage(issue, locale)
}

/** Worst severity among issues of one cell (or of the row when field is null). */
export function cellSeverity(issues: Issue[], field: string | null): 'error' | 'warning' | null {
  let sev: 'error' | 'warning' | null = null
  for (const i of issues) {
    if (i.field !== field) continue
    if (i.severity === 'error') return 'error'
    sev = 'warning'
  }
  return sev
}

export function asLocale(locale: string): Locale {
  return locale === 'en-US' ? 'en-US' : 'zh-CN'
}

/** DOM types for the .vue files (the lint setup does not know browser globals inside templates' scripts). */
export type InputElement = HTMLInputElement
export type ScrollElement = HTMLElement
export type SelectElement = HTMLSelectElement
export type PickedFiles = FileList

export function nextFrame(cb: () => void): number {
  return window.requestAnimationFrame(cb)
}
