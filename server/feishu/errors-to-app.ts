import { AppError } from '../errors'
import { FeishuError } from './http'

/**
 * A Feishu refusal on a read the person asked for, as the app's own error: a missing role or scope
 * names what grants it, an ended authorization asks for a quiet re-sign-in, the rest is "Feishu is
 * unavailable" with its code and log id.
 */
export function feishuToAppError(e: unknown, role: 'payroll' | 'attendance'): unknown {
  if (!(e instanceof FeishuError)) return e
  const f = e.failure
  switch (f.kind) {
    case 'no_permission': case 'no_data_permission':
      return new AppError(403, 'no_role', 'Feishu says you have no permission for this data.', { role, feishuCode: e.code })
    case 'scope_missing': case 'app_scope_missing':
      return new AppError(403, f.kind, 'A Feishu permission the app needs was not granted.', { scopes: f.scopes, feishuCode: e.code })
    case 'token_expired': case 'token_invalid': case 'reauth_needed':
      return new AppError(401, 'reauth_required', 'Your Feishu authorization has ended; sign in again.')
    case 'not_found':
      return new AppError(400, 'unknown_target', 'Feishu does not know this target (or you may not see it).', { feishuCode: e.code })
    case 'invalid_request': case 'invalid_record':
      return new AppError(400, 'feishu_rejected', e.feishuMessage || 'Feishu refused the request.', { feishuCode: e.code, logId: e.logId })
    default:
      return new AppError(503, 'feishu_unavailable', 'Feishu could not be reached. Try again shortly.', { feishuCode: e.code, logId: e.logId })
  }
}
