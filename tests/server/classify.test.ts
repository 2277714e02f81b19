import { describe, expect, it } from 'vitest'
import { classify, isTransient, nextStep, retryWaitMs } from '../../server/feishu/classify'

const ok = (status: number, body: unknown, headers: Record<string, string> = {}) => classify({ status, headers, body })

describe('classifying Feishu answers (reference §1.3–§1.5, §4.2)', () => {
  it('treats HTTP 200 with code 0 as success, and a missing code on 2xx too', () => {
    expect(ok(200, { code: 0, msg: 'success', data: { affect_counts: '1' } })).toBeNull()
    expect(ok(200, { access_token: 'x', expires_in: 7200 })).toBeNull()
  })

  it('reads HTTP 429 as a rate limit and waits the x-ogw-ratelimit-reset seconds', () => {
    expect(ok(429, { code: 99991400, msg: 'request trigger frequency limit' }, { 'x-ogw-ratelimit-limit': '10', 'x-ogw-ratelimit-reset': '3' }))
      .toEqual({ kind: 'rate_limited', retryAfterMs: 3000 })
  })

  it('reads code 99991400 on HTTP 400 (older APIs) as a rate limit, never as a permission error', () => {
    expect(ok(400, { code: 99991400, msg: 'request trigger frequency limit' })).toEqual({ kind: 'rate_limited', retryAfterMs: 1000 })
  })

  it('checks the body code even when the HTTP status is 200', () => {
    expect(ok(200, { code: 2500021, msg: 'The data source is writing data, acquiring lock failed' })).toEqual({ kind: 'lock_busy' })
    expect(ok(200, { code: 2500014, msg: 'records3 lark data auth' })).toEqual({ kind: 'no_data_permission', recordIndex: 3 })
  })

  it('maps record-level save errors to the 0-based record index and field', () => {
    expect(ok(200, { code: 2500015, msg: 'records12 data entity 699 not exists' })).toEqual({ kind: 'invalid_record', recordIndex: 12, field: null })
    expect(ok(200, { code: 2500010, msg: 'overtime__c format not valid' })).toEqual({ kind: 'invalid_record', recordIndex: null, field: 'overtime__c' })
    expect(ok(200, { code: 2500012, msg: 'record7 text total length more than 3000' })).toEqual({ kind: 'invalid_record', recordIndex: 7, field: null })
  })

  it('separates an expired user token from refresh tokens that force a new sign-in', () => {
    expect(ok(400, { code: 99991677, msg: 'token expire' })?.kind).toBe('token_expired')
    expect(ok(400, { code: 20073, error: 'invalid_grant', error_description: 'used' })).toEqual({ kind: 'reauth_needed', reason: 'refresh_used' })
    expect(ok(400, { code: 20064 })).toEqual({ kind: 'reauth_needed', reason: 'refresh_revoked' })
    expect(ok(400, { code: 20074 })).toEqual({ kind: 'refresh_not_allowed' })
  })

  it('names the missing scopes of 99991679 and 99991672', () => {
    const body = { code: 99991679, msg: 'Unauthorized', error: { permission_violations: [{ scope: 'payroll:external_datasource_record:write' }] } }
    expect(ok(400, body)).toEqual({ kind: 'scope_missing', scopes: ['payroll:external_datasource_record:write'] })
    expect(ok(400, { code: 99991672, error: { permission_violations: [{ subject: 'attendance:task' }] } })).toEqual({ kind: 'app_scope_missing', scopes: ['attendance:task'] })
  })

  it('tells attendance permission refusals from other 1220600 messages', () => {
    expect(ok(400, { code: 1220600, msg: 'auth no permission' })?.kind).toBe('no_permission')
    expect(ok(400, { code: 1220600, msg: 'archive_rule_id not exist' })?.kind).toBe('target_missing')
    expect(ok(400, { code: 1220600, msg: 'the attendance result has been sealed and can not modify' })?.kind).toBe('target_sealed')
    expect(ok(400, { code: 1220600, msg: 'time is invalid' })).toEqual({ kind: 'request_refused', reason: 'time is invalid' })
  })

  it('names the job-level payroll answers: datasource gone, stopped, full (§4.2)', () => {
    expect(ok(200, { code: 2500004, msg: 'datasource_code:x not exist' })?.kind).toBe('target_missing')
    expect(ok(200, { code: 2500008, msg: 'datasource_code:x not active' })?.kind).toBe('target_stopped')
    expect(ok(200, { code: 2500020, msg: 'data capacity limit exceeded' })?.kind).toBe('capacity_full')
    // A wrong path is not a missing target.
    expect(ok(404, { code: 99991201, msg: 'resource not find' })?.kind).toBe('not_found')
  })

  it('reads the document APIs’ refusals: no permission, not found, and their own too-many-requests as a rate limit', () => {
    for (const code of [90213, 1310213, 91403, 1254302, 131006]) expect(ok(403, { code, msg: 'permission fail' })).toEqual({ kind: 'no_permission' })
    for (const code of [90214, 1310214, 91402, 1254041, 131005]) expect(ok(404, { code, msg: 'not found' })).toEqual({ kind: 'not_found' })
    for (const code of [90217, 1310217, 1254290]) expect(ok(400, { code, msg: 'too many request' })).toEqual({ kind: 'rate_limited', retryAfterMs: 1000 })
  })

  it('names why the app itself cannot call Feishu (§1.5)', () => {
    expect(ok(400, { code: 99991401, msg: 'ip 1.2.3.4 is denied by app setting' })).toEqual({ kind: 'app_unavailable', reason: 'ip_denied' })
    expect(ok(400, { code: 99991403, msg: "This month's API call quota has been exceeded" })).toEqual({ kind: 'app_unavailable', reason: 'quota_exceeded' })
    expect(ok(400, { code: 99991662, msg: 'app not in use' })).toEqual({ kind: 'app_unavailable', reason: 'app_disabled' })
    expect(ok(400, { code: 99991673, msg: 'unauthorized app' })).toEqual({ kind: 'app_unavailable', reason: 'app_unauthorized' })
  })

  it('decides what a job call does next: refresh once, sign in, wait and resend, or hand the refusal on', () => {
    expect(nextStep(ok(400, { code: 99991677 })!)).toBe('refresh_token')
    expect(nextStep(ok(400, { code: 99991668 })!)).toBe('refresh_token')
    expect(nextStep(ok(400, { code: 20064 })!)).toBe('sign_in')
    expect(nextStep(ok(429, { code: 99991400 })!)).toBe('retry')
    expect(nextStep(ok(200, { code: 2500021 })!)).toBe('retry')
    expect(nextStep(ok(200, { code: 2500008 })!)).toBe('refused')
    expect(nextStep(ok(200, { code: 2500014, msg: 'records0 lark data auth' })!)).toBe('refused')
  })

  it('waits what the rate limit says, plus a little jitter, and backs off otherwise', () => {
    expect(retryWaitMs({ kind: 'rate_limited', retryAfterMs: 3000 }, 0, () => 1, () => 0.5)).toBe(3125)
    expect(retryWaitMs({ kind: 'server_error' }, 2, (a) => a * 100)).toBe(200)
  })

  it('marks only rate limits, lock conflicts, server errors and network failures as worth retrying', () => {
    expect(isTransient({ kind: 'server_error' })).toBe(true)
    expect(isTransient(ok(500, { code: 2500001, msg: 'unknown error' })!)).toBe(true)
    expect(isTransient(ok(400, { code: 2500002, msg: 'param invalid' })!)).toBe(false)
    expect(isTransient(ok(200, { code: 2500014, msg: 'records0 lark data auth' })!)).toBe(false)
  })
})
