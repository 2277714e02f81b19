import type { Capability } from '../api'
import { roleText, scopeInfo, type CapabilityKind } from '../app-manifest'
import type { AppLocale } from '../i18n'

export interface MessageLine {
  key: string
  params?: Record<string, string>
}

export interface CapabilityView {
  available: boolean
  lines: MessageLine[]
  /** What the person can do about it here, if anything. */
  action: 'reauthorize' | 'retry' | null
}

/** What to say about a capability, from GET /api/capabilities `reason` and app.json. */
export function describeCapability(kind: CapabilityKind, capability: Capability, locale: AppLocale): CapabilityView {
  if (capability.available) return { available: true, lines: [{ key: 'capability.reason.ok' }], action: null }
  const reason = capability.reason
  const scope = reason?.scope ?? ''
  switch (reason?.code) {
    case 'no_role':
      return {
        available: false,
        lines: [{ key: 'capability.reason.noRole', params: { role: roleText(reason.role ?? kind, locale) } }],
        action: null,
      }
    case 'scope_missing':
      return {
        available: false,
        lines: [
          { key: 'capability.reason.scopeMissing', params: { scope, reason: scopeInfo(scope, locale)?.reason ?? '' } },
          { key: 'capability.reason.scopeMissingHint' },
        ],
        action: 'reauthorize',
      }
    case 'app_scope_missing':
      return {
        available: false,
        lines: [
          { key: 'capability.reason.appScopeMissing', params: { scope, reason: scopeInfo(scope, locale)?.reason ?? '' } },
          { key: 'capability.reason.appScopeMissingHint' },
        ],
        action: null,
      }
    case 'feishu_unavailable':
      return { available: false, lines: [{ key: 'capability.reason.feishuUnavailable' }], action: 'retry' }
    default:
      return {
        available: false,
        lines: [{ key: 'capability.reason.unknown', params: { code: reason?.code ?? '—' } }],
        action: 'retry',
      }
  }
}
