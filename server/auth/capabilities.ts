import manifest from '../../app.json' with { type: 'json' }
import { reauthRequired } from '../errors'
import type { FeishuClient } from '../feishu/client'
import { FeishuError } from '../feishu/http'

export type CapabilityReason = 'ok' | 'no_role' | 'scope_missing' | 'app_scope_missing' | 'feishu_unavailable'

export interface Capability {
  available: boolean
  reason: { code: CapabilityReason; scope?: string; role?: 'payroll' | 'attendance'; feishuCode?: number | null }
}

export interface Capabilities { payroll: Capability; attendance: Capability }

// The scope each probe needs; the home page explains it with its reason from app.json.
const PROBE_SCOPE = {
  payroll: 'payroll:external_datasource_configuration:read',
  attendance: 'attendance:task:readonly',
} as const

/**
 * What the person can do, asked of Feishu with their own token: can they list datasources, can
 * they list archive rules? A refusal names the role or scope that would grant it.
 */
export async function probeCapabilities(feishu: FeishuClient, userToken: string): Promise<Capabilities> {
  const [payroll, attendance] = await Promise.all([
    probe('payroll', () => feishu.listDatasources(userToken, { pageSize: 1 })),
    probe('attendance', () => feishu.listArchiveRules(userToken, { pageSize: 1 })),
  ])
  return { payroll, attendance }
}

async function probe(role: 'payroll' | 'attendance', call: () => Promise<unknown>): Promise<Capability> {
  try {
    await call()
    return { available: true, reason: { code: 'ok' } }
  } catch (e) {
    if (!(e instanceof FeishuError)) throw e
    const f = e.failure
    const feishuCode = e.code
    switch (f.kind) {
      case 'token_expired': case 'token_invalid': case 'reauth_needed':
        throw reauthRequired()
      case 'scope_missing':
        return { available: false, reason: { code: 'scope_missing', scope: f.scopes[0] ?? PROBE_SCOPE[role], feishuCode } }
      case 'app_scope_missing':
        return { available: false, reason: { code: 'app_scope_missing', scope: f.scopes[0] ?? PROBE_SCOPE[role], feishuCode } }
      case 'no_permission': case 'no_data_permission':
        return { available: false, reason: { code: 'no_role', role, feishuCode } }
      default:
        return { available: false, reason: { code: 'feishu_unavailable', feishuCode } }
    }
  }
}

/** Every user scope the app asks for, from app.json (the one list the README and the console use). */
export const requestedScopes: string[] = manifest.scopes.user.map((s) => s.scope)
