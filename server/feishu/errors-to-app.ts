import { AppError } from '../errors'
import type { FeishuFailure } from './classify'
import { FeishuError } from './http'

/**
 * The one mapping from a classified Feishu failure to the app's own error, used by every route and
 * service: a missing role or scope names what grants it, an ended authorization asks for a quiet
 * re-sign-in, a refusal keeps Feishu's code and log id, the rest is "Feishu is unavailable".
 * Anything that is not a FeishuError is returned as it is. `role`: the target the person was
 * working on, named in a no_role answer so the page can say which Feishu role grants it.
 */
export function feishuToAppError(e: unknown, role?: string): unknown {
  if (!(e instanceof FeishuError)) return e
  return appErrorOf(e.failure, e, role)
}

function appErrorOf(f: FeishuFailure, e: FeishuError, role: string | undefined): AppError {
  const feishuCode = e.code
  switch (f.kind) {
    case 'no_permission': case 'no_data_permission':
      return new AppError(403, 'no_role', 'Feishu says you have no permission for this data.', { ...(role ? { role } : {}), feishuCode })
    case 'scope_missing': case 'app_scope_missing':
      return new AppError(403, f.kind, 'A Feishu permission the app needs was not granted.', { scopes: f.scopes, feishuCode })
    case 'reauth_needed':
      if (f.reason === 'code_invalid') return new AppError(400, 'code_invalid', 'This sign-in code has expired or was already used. Sign in again.', { feishuCode })
      if (f.reason === 'user_invalid') return new AppError(403, 'user_not_allowed', 'Feishu says this account may not use the app (not in its availability range, resigned or frozen).', { feishuCode })
      return new AppError(401, 'reauth_required', 'Your Feishu authorization has ended; sign in again.')
    case 'token_expired': case 'token_invalid':
      return new AppError(401, 'reauth_required', 'Your Feishu authorization has ended; sign in again.')
    case 'target_missing': case 'not_found':
      return new AppError(400, 'unknown_target', 'Feishu does not know this target (or you may not see it).', { feishuCode })
    case 'approval_definition_missing':
      return new AppError(503, 'approval_not_configured', 'The approval definition this app is set up with does not exist in Feishu; nothing was submitted. Ask the app\'s administrator to check PAYROLL_APPROVAL_CODE.', { feishuCode })
    case 'target_stopped':
      return new AppError(400, 'target_stopped', 'The target is stopped in Feishu and cannot be written.', { feishuCode })
    case 'invalid_request': case 'invalid_record': case 'request_refused': case 'target_sealed': case 'capacity_full': case 'app_unavailable':
      return new AppError(400, 'feishu_rejected', e.feishuMessage || 'Feishu refused the request.', { feishuCode, logId: e.logId })
    case 'rate_limited': case 'lock_busy': case 'server_error': case 'network': case 'refresh_not_allowed':
      return new AppError(503, 'feishu_unavailable', 'Feishu could not be reached. Try again shortly.', { feishuCode, logId: e.logId })
  }
}
