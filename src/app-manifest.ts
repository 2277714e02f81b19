// Typed access to app.json: the app's names, the scopes it asks for and why, and the Feishu roles
// that grant each capability.
import manifest from '../app.json'
import type { AppLocale } from './i18n/locales'

export interface ScopeInfo {
  scope: string
  /** `user`: the person grants it at sign-in; `app`: the app itself needs it enabled. */
  kind: 'user' | 'app'
  reason: string
}

export type CapabilityKind = keyof typeof manifest.roles

export function appName(locale: AppLocale): string {
  return manifest.names[locale]
}

export function scopeInfo(scope: string, locale: AppLocale): ScopeInfo | null {
  const user = manifest.scopes.user.find((s) => s.scope === scope)
  if (user) return { scope, kind: 'user', reason: user.reason[locale] }
  const app = manifest.scopes.app.find((s) => s.scope === scope)
  if (app) return { scope, kind: 'app', reason: app.reason[locale] }
  return null
}

/** The user scopes the app asks for, with their reasons (in the order of app.json). */
export function userScopes(locale: AppLocale): ScopeInfo[] {
  return manifest.scopes.user.map((s) => ({ scope: s.scope, kind: 'user' as const, reason: s.reason[locale] }))
}

export function isCapabilityKind(value: string): value is CapabilityKind {
  return Object.hasOwn(manifest.roles, value)
}

/** The Feishu role that grants a capability, described in the UI language. */
export function roleText(role: string, locale: AppLocale): string {
  return isCapabilityKind(role) ? manifest.roles[role][locale] : role
}
