import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startStack } from './harness'

let stack: Awaited<ReturnType<typeof startStack>>
beforeAll(async () => { stack = await startStack() })
afterAll(async () => { await stack.close() })

const expectJsonError = (res: { status: number; json: { error?: { code: string; message: string } }; text: string }, status: number, code: string) => {
  expect(res.status).toBe(status)
  expect(res.json.error?.code).toBe(code)
  expect(typeof res.json.error?.message).toBe('string')
  expect(res.text).not.toMatch(/\bat .+\.(ts|js):\d+/) // never a stack trace
}

describe('bad input gets a clear JSON error and the server keeps serving', () => {
  it('malformed JSON', async () => {
    expectJsonError(await stack.client().request('POST', '/api/session', '{"code": "abc", '), 400, 'invalid_json')
  })

  it('wrong content type', async () => {
    expectJsonError(await stack.client().request('POST', '/api/session', 'code=abc', { 'Content-Type': 'application/x-www-form-urlencoded' }), 415, 'unsupported_media_type')
  })

  it('missing and malformed fields, with the field named', async () => {
    const res = await stack.client().request('POST', '/api/session', { code: 'a b<script>', source: 'telepathy' })
    expectJsonError(res, 400, 'invalid_request')
    const paths = (res.json.error as unknown as { details: Array<{ path: string }> }).details.map((d) => d.path)
    expect(paths).toEqual(expect.arrayContaining(['code', 'source']))
  })

  it('an oversized body', async () => {
    expectJsonError(await stack.client().request('POST', '/api/session', { code: 'x'.repeat(2 * 1024 * 1024), source: 'oauth' }), 413, 'payload_too_large')
    // A job's rows over 8 MB in one body: refused before it is read, with the way to send them.
    const rows = Array.from({ length: 9000 }, (_, i) => ({ row: i, member_id: `m${i}`, values: { note: 'x'.repeat(1000) } }))
    const res = await stack.client().request('POST', '/api/jobs', { idempotency_key: 'too-big-0001', kind: 'attendance_upload', target: { type: 'attendance', archive_rule_id: 'r', month: '202401', employee_type: 'employee_id' }, rows })
    expectJsonError(res, 413, 'payload_too_large')
    expect(String((res.json.error as { message: string }).message)).toContain('in parts')
  })

  it('queries, paths and take-back bodies are checked at the door like bodies', async () => {
    const c = await stack.signedIn('wangfang')
    const bad = (res: Awaited<ReturnType<typeof c.request>>, path: string) => {
      expectJsonError(res, 400, 'invalid_request')
      expect((res.json.error as unknown as { details: Array<{ path: string }> }).details.map((d) => d.path)).toContain(path)
    }
    bad(await c.request('GET', '/api/jobs?limit=0'), 'limit')
    bad(await c.request('GET', '/api/jobs?limit=lots'), 'limit')
    bad(await c.request('GET', '/api/mappings/salary/ds1'), 'targetKind')
    bad(await c.request('GET', '/api/mappings/payroll/a%20b'), 'targetId')
    bad(await c.request('GET', '/api/attendance/rules/6/fields?month=202413'), 'month')
    const job = await c.request('POST', '/api/jobs', { idempotency_key: 'bad-input-job-1', kind: 'payroll_save', target: { type: 'payroll', source_code: 'attendance_deduction__c', payroll_period: '2031-01' }, rows: [{ row: 2, employment_id: 'nobody-at-all', values: { late_deduction__c: '1' } }] })
    const id = (job.json.job as { id: string }).id
    bad(await c.request('GET', `/api/jobs/${id}?status=lost`), 'status')
    bad(await c.request('POST', `/api/jobs/${id}/revert`, { dry_run: 'yes' }), 'dry_run')
    expectJsonError(await c.request('POST', `/api/jobs/${id}/revert`, '{"dry_run": tru'), 400, 'invalid_json')
    // A take-back the job's kind does not have, or no such action at all.
    expectJsonError(await c.request('POST', `/api/jobs/${id}/undo`, { dry_run: true }), 409, 'job_state_conflict')
    expect((await c.request('POST', `/api/jobs/${id}/frobnicate`, {})).status).toBe(404)
  })

  it('an unknown route', async () => {
    expectJsonError(await stack.client().request('GET', '/api/nope'), 404, 'not_found')
    expectJsonError(await stack.client().request('POST', '/api/me', {}), 404, 'not_found')
  })

  it('a state-changing request without the app’s header or from another site', async () => {
    const c = stack.client()
    expectJsonError(await c.request('POST', '/api/session', { code: 'abc', source: 'oauth' }, { 'X-Requested-With': '' }), 403, 'csrf_failed')
    expectJsonError(await c.request('DELETE', '/api/session', undefined, { Origin: 'https://evil.example' }), 403, 'csrf_failed')
  })

  it('a code Feishu does not know', async () => {
    expectJsonError(await stack.client().request('POST', '/api/session', { code: 'not-a-real-code', source: 'request_access' }), 400, 'code_invalid')
  })

  it('still serves after all of that', async () => {
    const res = await stack.client().request('GET', '/api/config')
    expect(res.status).toBe(200)
    expect(res.json).toMatchObject({ mode: 'sandbox' })
  })
})

describe('when Feishu cannot be reached', () => {
  it('answers 503 feishu_unavailable, not a crash', async () => {
    const code = await stack.accessCode('wangfang')
    await stack.sandbox.setKnobs({ failNext: [{ api: 'oauth.token', kind: 'drop' }] })
    const res = await stack.client().request('POST', '/api/session', { code, source: 'request_access' })
    expectJsonError(res, 503, 'feishu_unavailable')
  })
})
