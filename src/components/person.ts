import type { AppLocale } from '../i18n'

/** Feishu gives a name and an English name; show the one matching the UI language. */
export function displayName(person: { name: string; en_name?: string | null }, locale: AppLocale): string {
  return locale === 'en-US' && person.en_name ? person.en_name : person.name
}
