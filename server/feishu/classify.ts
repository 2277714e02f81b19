/**
 * Every Feishu answer is classified into a closed union before anything decides on it
 * (design §5.8). The body `code` is checked whatever the HTTP status: Feishu answers some business
 * errors with HTTP 200 and some rate limits with HTTP 400 (reference §1.3, §1.4).
 */
export type FeishuFailure =
  | { kind: 'rate_limited'; retryAfterMs: number }
  | { kind: 'lock_busy' }
  | { kind: 'token_expired' }
  | { kind: 'token_invalid' }
  | { kind: 'reauth_needed'; reason: 'refresh_used' | 'refresh_revoked' | 'refresh_expired' | 'refresh_invalid' | 'code_invalid' | 'user_invalid' }
  | { kind: 'refresh_not_allowed' }
  | { kind: 'scope_missing'; scopes: string[] }
  | { kind: 'app_scope_missing'; scopes: string[] }
  | { kind: 'no_permission' }
  | { kind: 'no_data_permission'; recordIndex: number | null }
  | { kind: 'invalid_record'; recordIndex: number | null; field: string | null }
  | { kind: 'invalid_request' }
  | { kind: 'not_found' }
  /** The datasource or archive rule written into does not exist (2500004, 1220600 "… not exist"). */
  | { kind: 'target_missing' }
  /** The datasource is stopped (2500008): nothing can be written into it until it is enabled. */
  | { kind: 'target_stopped' }
  /** The datasource holds as many records as Feishu allows (2500020). */
  | { kind: 'capacity_full' }
  /** The attendance results of the month are sealed (1220600 "… sealed …"). */
  | { kind: 'target_sealed' }
  /** Another 1220600 message: the attendance request as a whole was refused. */
  | { kind: 'request_refused'; reason: string }
  /** The app itself cannot call Feishu now: IP allow-list, monthly quota, app disabled or not installed (§1.5). */
  | { kind: 'app_unavailable'; reason: 'ip_denied' | 'quota_exceeded' | 'app_disabled' | 'app_unauthorized' }
  /** Approval v4: the approval definition code is unknown (1390002), e.g. a mistyped PAYROLL_APPROVAL_CODE. */
  | { kind: 'approval_definition_missing' }
  | { kind: 'server_error' }
  | { kind: 'network'; cause: string }

export type FailureKind = FeishuFailure['kind']

export interface FeishuAnswer {
  status: number
  headers: Record<string, string | undefined>
  body: unknown
}

interface Envelope {
  code?: unknown
  msg?: unknown
  error?: unknown
  error_description?: unknown
}

export function bodyCode(body: unknown): number | null {
  const c = (body as Envelope | null)?.code
  return typeof c === 'number' ? c : typeof c === 'string' && /^\d+$/.test(c) ? Number(c) : null
}

export function bodyMessage(body: unknown): string {
  const b = body as Envelope | null
  const m = b?.msg ?? b?.error_description ?? (typeof b?.error === 'string' ? b.error : undefined)
  return typeof m === 'string' ? m : ''
}

/** `null` means success: HTTP 2xx and code 0 (or no code, as on some operation APIs). */
export function classify(answer: FeishuAnswer): FeishuFailure | null {
  const code = bodyCode(answer.body)
  const msg = bodyMessage(answer.body)
  // Sheets' and Base's own "too many requests" (TooManyRequest 90217 / 1310217, 1254290) are rate limits too.
  if (answer.status === 429 || code === 99991400 || code === 90217 || code === 1310217 || code === 1254290) {
    const reset = Number(answer.headers['x-ogw-ratelimit-reset'])
    return { kind: 'rate_limited', retryAfterMs: Number.isFinite(reset) && reset > 0 ? reset * 1000 : 1000 }
  }
  if (answer.status >= 200 && answer.status < 300 && (code === 0 || code === null)) return null
  switch (code) {
    case 2500021: return { kind: 'lock_busy' }
    case 99991677: case 20006: return { kind: 'token_expired' }
    case 99991668: case 99991663: case 99991661: case 99991671: case 99991664: case 99991665: case 20005:
      return { kind: 'token_invalid' }
    case 20073: case 20038: return { kind: 'reauth_needed', reason: 'refresh_used' }
    case 20064: return { kind: 'reauth_needed', reason: 'refresh_revoked' }
    case 20037: return { kind: 'reauth_needed', reason: 'refresh_expired' }
    case 20026: return { kind: 'reauth_needed', reason: 'refresh_invalid' }
    case 20003: case 20004: case 20065: case 20071: case 20049: case 10213: case 10226:
      return { kind: 'reauth_needed', reason: 'code_invalid' }
    case 20008: case 20010: case 20021: case 20022: case 20023: case 20066: case 10228:
      return { kind: 'reauth_needed', reason: 'user_invalid' }
    case 20074: return { kind: 'refresh_not_allowed' }
    case 99991679: return { kind: 'scope_missing', scopes: violatedScopes(answer.body) }
    case 99991672: return { kind: 'app_scope_missing', scopes: violatedScopes(answer.body) }
    case 99991676: case 1160103: return { kind: 'no_permission' }
    // Reading documents (server/sandbox/README.md "Documents"): sheets PermissionFail (902xx/13102xx),
    // the gateway's FORBIDDEN, Base and wiki "permission denied"; then their "not found" codes.
    case 90213: case 1310213: case 91403: case 1254302: case 131006: return { kind: 'no_permission' }
    case 90214: case 1310214: case 90215: case 1310215: case 91402: case 1254040: case 1254041: case 1254042: case 131005:
      return { kind: 'not_found' }
    case 2500014: return { kind: 'no_data_permission', recordIndex: recordIndex(msg) }
    case 2500010: case 2500011: case 2500012: case 2500013: case 2500015: case 2500016: case 2500017: case 2500018:
      return { kind: 'invalid_record', recordIndex: recordIndex(msg), field: fieldCode(msg) }
    case 1220600:
      // The attendance family carries several messages under one code (reference §3).
      if (/no permission/i.test(msg)) return { kind: 'no_permission' }
      if (/not exist/i.test(msg)) return { kind: 'target_missing' }
      if (/sealed/i.test(msg)) return { kind: 'target_sealed' }
      return { kind: 'request_refused', reason: msg }
    case 2500004: return { kind: 'target_missing' }
    case 2500008: return { kind: 'target_stopped' }
    case 2500020: return { kind: 'capacity_full' }
    case 99991401: return { kind: 'app_unavailable', reason: 'ip_denied' }
    case 99991403: return { kind: 'app_unavailable', reason: 'quota_exceeded' }
    case 99991662: return { kind: 'app_unavailable', reason: 'app_disabled' }
    case 99991673: return { kind: 'app_unavailable', reason: 'app_unauthorized' }
    case 99991201: return { kind: 'not_found' }
    // Approval v4 (UNCONFIRMED numbers, see server/sandbox/README.md): 1390002 approval code not
    // found, 1390003 instance code not found; 1390001 "param is invalid" falls to invalid_request.
    case 1390002: return { kind: 'approval_definition_missing' }
    case 1390003: return { kind: 'not_found' }
    case 2500001: case 1225000: case 20050: case 20072: return { kind: 'server_error' }
  }
  if (answer.status >= 500) return { kind: 'server_error' }
  return { kind: 'invalid_request' }
}

/** Failures that a later identical call may get past (with a wait). Validation and permission never are. */
export function isTransient(f: FeishuFailure): boolean {
  return f.kind === 'rate_limited' || f.kind === 'lock_busy' || f.kind === 'server_error' || f.kind === 'network'
}

/**
 * What a call made with a person's token does after a failure: wait and send it again, refresh the
 * token once and send it again, stop until the person signs in again, or give the failure to its
 * caller (a refusal: the target's module decides whether it ends the job or fails rows).
 */
export type NextStep = 'retry' | 'refresh_token' | 'sign_in' | 'refused'

export function nextStep(f: FeishuFailure): NextStep {
  if (f.kind === 'token_expired' || f.kind === 'token_invalid') return 'refresh_token'
  if (f.kind === 'reauth_needed') return 'sign_in'
  return isTransient(f) ? 'retry' : 'refused'
}

/** How long to wait before sending a transient failure's call again (attempt counts from 0). */
export function retryWaitMs(f: FeishuFailure, attempt: number, backoff: (attempt: number) => number, jitter: () => number = Math.random): number {
  return f.kind === 'rate_limited' ? f.retryAfterMs + Math.round(jitter() * 250) : backoff(attempt)
}

function recordIndex(msg: string): number | null {
  const m = /records?\s*\{?\s*(\d+)\s*\}?/i.exec(msg)
  return m ? Number(m[1]) : null
}

function fieldCode(msg: string): string | null {
  const m = /^(?:field_code:)?\s*\{?([A-Za-z0-9_]+)\}?\s+(?:format not valid|text length)/.exec(msg)
  return m?.[1] ?? null
}

function violatedScopes(body: unknown): string[] {
  const err = (body as { error?: { permission_violations?: Array<{ scope?: unknown; subject?: unknown }> } } | null)?.error
  const out: string[] = []
  for (const v of err?.permission_violations ?? []) {
    const s = typeof v.scope === 'string' ? v.scope : typeof v.subject === 'string' ? v.subject : null
    if (s) out.push(s)
  }
  return out
}
