import type { AppLocale } from '../../i18n'

/** "2024年9月" / "September 2024" for a yyyyMM month. */
export function formatMonth(month: string, locale: AppLocale): string {
  const y = Number(month.slice(0, 4))
  const m = Number(month.slice(4, 6))
  if (!y || !m) return month
  return new Intl.DateTimeFormat(locale, { year: 'numeric', month: 'long', timeZone: 'UTC' }).format(new Date(Date.UTC(y, m - 1, 1)))
}
