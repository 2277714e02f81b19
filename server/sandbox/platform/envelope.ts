// Response bodies (§1.3). Success: `{code:0, msg, data}`. Failure: `{code, msg, error:{message, logid,
// troubleshooter, …violations}}` — the "full" shape of the general error doc. The v2 OAuth endpoint
// is the exception and answers top-level `{code, error, error_description}` (§2.4).

export interface PermissionViolation { type: string; subject: string }
export interface FieldViolation { field: string; value?: string; description: string }

export interface ErrorExtra {
  permission_violations?: PermissionViolation[]
  field_violations?: FieldViolation[]
  /** 99991679's doc example spells the log id `log_id`; send both spellings there (§1.3). */
  withLogIdAlias?: boolean
}

/** Thrown anywhere inside an API handler; the pipeline renders it in the API's style. */
export class FeishuError extends Error {
  constructor(
    readonly status: number,
    readonly code: number,
    readonly msg: string,
    readonly extra: ErrorExtra = {},
    /** A complete body that replaces the standard envelope (OAuth, auth/v3). */
    readonly body?: Record<string, unknown>,
  ) {
    super(`${code} ${msg}`)
    this.name = 'FeishuError'
  }
}

/** HTTP 429 `{code:99991400}` with the `x-ogw-ratelimit-*` headers (§1.4). */
export class RateLimitedError extends FeishuError {
  readonly headers: Record<string, string>
  constructor(limit: number, resetSec: number) {
    super(429, 99991400, 'request trigger frequency limit')
    this.headers = { 'x-ogw-ratelimit-limit': String(limit), 'x-ogw-ratelimit-reset': String(resetSec) }
  }
}

export interface JsonReply {
  status: number
  body: Record<string, unknown>
  headers?: Record<string, string>
}

export function ok(data: unknown, msg = 'success'): JsonReply {
  return { status: 200, body: { code: 0, msg, data } }
}

export function troubleshooter(logid: string, code: number): string {
  return `https://open.feishu.cn/search?from=openapi&log_id=${logid}&code=${code}&method_id=sandbox`
}

export function errorEnvelope(code: number, msg: string, logid: string, extra: ErrorExtra = {}): Record<string, unknown> {
  const error: Record<string, unknown> = { message: msg, logid }
  if (extra.withLogIdAlias) error.log_id = logid
  if (extra.permission_violations) error.permission_violations = extra.permission_violations
  if (extra.field_violations) error.field_violations = extra.field_violations
  error.troubleshooter = troubleshooter(logid, code)
  return { code, msg, error }
}

export function renderError(e: FeishuError, style: 'envelope' | 'oauth', logid: string): JsonReply {
  if (e.body) return { status: e.status, body: e.body }
  if (style === 'oauth') return { status: e.status, body: oauthErrorBody(e.code, e.msg) }
  return { status: e.status, body: errorEnvelope(e.code, e.msg, logid, e.extra) }
}

// §2.4 only documents `server_error`; the other RFC 6749 `error` strings are UNCONFIRMED, chosen by
// the RFC's meaning of each code.
const OAUTH_ERROR_NAMES: Record<number, string> = {
  20001: 'invalid_request', 20063: 'invalid_request', 20067: 'invalid_scope', 20068: 'invalid_scope',
  20002: 'invalid_client', 20048: 'invalid_client', 20069: 'invalid_client', 20070: 'invalid_client',
  20003: 'invalid_grant', 20004: 'invalid_grant', 20008: 'invalid_grant', 20010: 'invalid_grant',
  20024: 'invalid_grant', 20026: 'invalid_grant', 20037: 'invalid_grant', 20049: 'invalid_grant',
  20064: 'invalid_grant', 20065: 'invalid_grant', 20066: 'invalid_grant', 20071: 'invalid_grant',
  20073: 'invalid_grant', 20036: 'unsupported_grant_type', 20074: 'unauthorized_client',
  20050: 'server_error', 20072: 'temporarily_unavailable',
}

export function oauthErrorBody(code: number, description: string): Record<string, unknown> {
  return { code, error: OAUTH_ERROR_NAMES[code] ?? 'invalid_request', error_description: description }
}
