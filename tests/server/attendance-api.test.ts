import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { sandboxEmployees, startStack, waitForJob } from './harness'

let stack: Awaited<ReturnType<typeof startStack>>
beforeAll(async () => { stack = await startStack({ retry: { maxAttempts: 8, baseDelayMs: 10, maxDelayMs: 100 } }) })
afterAll(async () => { await stack.close() })

const RULE = '7341290237441605653' // Sales & Service
async function archive(month: string) {
  const res = await fetch(`${stack.sandbox.url}/sandbox/inspect/archive?archive_rule_id=${RULE}&month=${month}`)
  return ((await res.json()) as { rows: Array<{ employee_no: string }> }).rows
}

describe('attendance reads for an import', () => {
  it('lists the archive rules in the person’s data scope, named in both languages', async () => {
    const res = await (await stack.signedIn('zhangwei')).request('GET', '/api/attendance/rules')
    expect(res.status).toBe(200)
    const rules = res.json.rules as Array<{ archive_rule_id: string; names: Record<string, string> }>
    expect(rules.map((r) => r.archive_rule_id)).toEqual(expect.arrayContaining(['1', '7341290237441605652', RULE]))
    expect(rules.every((r) => r.names['zh-CN'] && r.names['en-US'])).toBe(true)
  })

  it('tells a person without attendance rights which permission is missing', async () => {
    const res = await (await stack.signedIn('liuyang')).request('GET', '/api/attendance/rules')
    expect(res.status).toBe(403)
    expect(res.json.error).toMatchObject({ code: 'no_role', details: { role: 'attendance' } })
  })

  it('loads the report headers in zh and en as an import target grouped by their upper titles', async () => {
    const res = await (await stack.signedIn('zhangwei')).request('GET', `/api/attendance/rules/${RULE}/fields?month=202410&employee_type=employee_no`)
    expect(res.status).toBe(200)
    const { fields, schema } = res.json as { fields: Array<{ code: string; title: Record<string, string>; upper_titles: Array<Record<string, string>> }>; schema: { keyFields: string[]; fields: Array<{ code: string; path?: unknown[] }> } }
    expect(fields.length).toBeGreaterThanOrEqual(40)
    expect(fields.some((f) => f.upper_titles.length > 0 && f.title['zh-CN'] !== f.title['en-US'])).toBe(true)
    expect(schema.keyFields).toEqual(['member_id'])
    expect(schema.fields.slice(0, 3).map((f) => f.code)).toEqual(['member_id', 'start_time', 'end_time'])
    expect(schema.fields.length).toBe(fields.length + 3)
  })

  it('refuses a malformed month or rule id with a clear error', async () => {
    const c = await stack.signedIn('zhangwei')
    expect((await c.request('GET', `/api/attendance/rules/${RULE}/fields?month=2024-10`)).json.error?.code).toBe('invalid_request')
    expect((await c.request('GET', `/api/attendance/rules/..%2Fetc/fields?month=202410`)).status).toBe(400)
  })
})

describe('undoing an attendance upload', () => {
  it('deletes exactly the members that job wrote, after stating the count', async () => {
    const c = await stack.signedIn('zhangwei')
    const people = await sandboxEmployees(stack.sandbox.url, { department: 'SAL', status: 'hired', limit: 12 })
    const other = await c.request('POST', '/api/jobs', { idempotency_key: 'undo-other-job', kind: 'attendance_upload', target: { type: 'attendance', archive_rule_id: RULE, month: '202409', employee_type: 'employee_no' }, rows: people.slice(10).map((e, i) => ({ row: i, member_id: e.employee_no, start_time: '20240901', end_time: '20240930', values: {} })) })
    await waitForJob(c, (other.json.job as { id: string }).id)
    const rows = people.slice(0, 10).map((e, i) => ({ row: i + 2, member_id: e.employee_no, start_time: '20240901', end_time: '20240930', values: {} }))
    rows.push({ row: 20, member_id: 'NOBODY-9', start_time: '20240901', end_time: '20240930', values: {} })
    const job = await c.request('POST', '/api/jobs', { idempotency_key: 'undo-main-job', kind: 'attendance_upload', target: { type: 'attendance', archive_rule_id: RULE, month: '202409', employee_type: 'employee_no' }, rows })
    const id = (job.json.job as { id: string }).id
    await waitForJob(c, id)
    expect(await archive('202409')).toHaveLength(12)

    expect((await c.request('POST', `/api/jobs/${id}/undo`, { dry_run: true })).json.plan).toEqual({ members: 10 })
    const undo = await c.request('POST', `/api/jobs/${id}/undo`, {})
    expect(undo.status).toBe(201)
    const done = await waitForJob(c, (undo.json.job as { id: string }).id)
    expect(done.job).toMatchObject({ kind: 'attendance_delete', status: 'succeeded', counts: { succeeded: 10 } })
    const left = (await archive('202409')).map((r) => r.employee_no).sort()
    expect(left).toEqual(people.slice(10).map((e) => e.employee_no).sort())
  })
})
