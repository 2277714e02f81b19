import manifest from '../../app.json' with { type: 'json' }
import type { TargetKind } from '../../src/domain/jobs'
import { AppError, reauthRequired } from '../errors'
import type { FeishuClient } from '../feishu/client'
import { feishuToAppError } from '../feishu/errors-to-app'
import { TARGETS, type TargetModule } from '../targets'

export type CapabilityReason = 'ok' | 'no_role' | 'scope_missing' | 'app_scope_missing' | 'feishu_unavailable'

export interface Capability {
  available: boolean
  reason: { code: CapabilityReason; scope?: string; role?: TargetKind; feishuCode?: number | null }
}

export type Capabilities = Record<TargetKind, Capability>

/**
 * What the person can do, asked of Feishu with their own token: each target's smallest read (can
 * they list datasources, can they list archive rules?). A refusal names the role or scope that
 * would grant it, through the one Feishu → app error mapping.
 */
export async function probeCapabilities(feishu: FeishuClient, userToken: string): Promise<Capabilities> {
  const entries = await Promise.all(Object.values(TARGETS).map(async (t) => [t.kind, await probe(t, feishu, userToken)] as const))
  return Object.fromEntries(entries) as Capabilities
}

async function probe(target: TargetModule, feishu: FeishuClient, userToken: string): Promise<Capability> {
  try {
    await target.probe(feishu, userToken)
    return { available: true, reason: { code: 'ok' } }
  } catch (e) {
    const mapped = feishuToAppError(e, target.kind)
    if (!(mapped instanceof AppError) || mapped === e) throw e
    const details = (mapped.details ?? {}) as { feishuCode?: number | null; scopes?: string[] }
    const feishuCode = details.feishuCode ?? null
    switch (mapped.code) {
      case 'reauth_required': case 'code_invalid': case 'user_not_allowed':
        throw reauthRequired()
      case 'scope_missing': case 'app_scope_missing':
        return { available: false, reason: { code: mapped.code, scope: details.scopes?.[0] ?? target.probeScope, feishuCode } }
      case 'no_role':
        return { available: false, reason: { code: 'no_role', role: target.kind, feishuCode } }
      default:
        return { available: false, reason: { code: 'feishu_unavailable', feishuCode } }
    }
  }
}

/** Every user scope the app asks for, from app.json (the one list the README and the console use). */
export const requestedScopes: string[] = manifest.scopes.user.map((s) => s.scope)
