import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { sandboxCalls, sandboxEmployees, startStack, waitForJob, type SandboxEmployee } from './harness'

let stack: Awaited<ReturnType<typeof startStack>>
let rnd: SandboxEmployee[]
let codes: string[]
const RULE = '7341290237441605652' // R&D
const MONTH = '202410'
beforeAll(async () => {
  stack = await startStack({ retry: { maxAttempts: 8, baseDelayMs: 10, maxDelayMs: 100 } })
  rnd = await sandboxEmployees(stack.sandbox.url, { department: 'RND', status: 'hired', limit: 120 })
  codes = stack.sandbox.state.rules.get(RULE)!.fields.map((f) => f.code)
})
afterAll(async () => { await stack.close() })

let n = 0
const key = () => `att-${Date.now()}-${n++}`
async function archive(month = MONTH) {
  const res = await fetch(`${stack.sandbox.url}/sandbox/inspect/archive?archive_rule_id=${RULE}&month=${month}`)
  return ((await res.json()) as { rows: Array<{ user_id: string; employee_no: string; start_time: string; end_time: string; fields: Record<string, string> }> }).rows
}

describe('attendance archive report jobs', () => {
  it('uploads members in calls of 50, as the signed-in operator, and maps unknown members and codes back to their rows and cells', async () => {
    const c = await stack.signedIn('zhangwei')
    const since = Math.max(0, ...(await sandboxCalls(stack.sandbox.url)).map((x) => x.seq))
    const rows = rnd.slice(0, 100).map((e, i) => ({
      row: i + 3, member_id: e.employee_no, start_time: `${MONTH}01`, end_time: `${MONTH}31`,
      values: { [codes[0]!]: String(20 + (i % 3)), [codes[1]!]: '8.5', ...(i === 7 ? { deadbeef: '1' } : {}) },
    }))
    rows[10]!.member_id = 'NOBODY-1'
    const created = await c.request('POST', '/api/jobs', { idempotency_key: key(), kind: 'attendance_upload', target: { type: 'attendance', archive_rule_id: RULE, month: MONTH, employee_type: 'employee_no' }, rows })
    expect(created.status).toBe(201)
    const done = await waitForJob(c, (created.json.job as { id: string }).id)
    expect(done.job).toMatchObject({ status: 'finished_with_errors', counts: { total: 100, succeeded: 98, partial: 1, failed: 1 }, calls: 2 })
    expect(done.rows.find((r) => r.row === 13)).toMatchObject({ status: 'failed', message: 'invalid_member_id' })
    expect(done.rows.find((r) => r.row === 10)).toMatchObject({ status: 'partial', field_errors: [expect.objectContaining({ field: 'deadbeef', code: 'invalid_code' })] })
    const stored = await archive()
    expect(stored).toHaveLength(99)
    expect(stored.find((r) => r.employee_no === rnd[0]!.employee_no)?.fields).toMatchObject({ [codes[0]!]: '20', [codes[1]!]: '8.5' })
    const uploads = await sandboxCalls(stack.sandbox.url, { api: 'archive_rule.upload_report', sinceSeq: since })
    expect(uploads.every((u) => u.user === 'zhangwei' && u.code === 0)).toBe(true)
  })

  it('splits a report wider than 200 fields into several calls per member group, and every field arrives', async () => {
    const c = await stack.signedIn('zhangwei')
    const wide = [...codes, ...Array.from({ length: 250 - codes.length }, (_, i) => `zz${String(i).padStart(6, '0')}`)]
    const rows = rnd.slice(0, 60).map((e, i) => ({ row: i, member_id: e.user_id, start_time: '20241101', end_time: '20241130', values: Object.fromEntries(wide.map((code, k) => [code, String(k)])) }))
    const created = await c.request('POST', '/api/jobs', { idempotency_key: key(), kind: 'attendance_upload', target: { type: 'attendance', archive_rule_id: RULE, month: '202411', employee_type: 'employee_id' }, rows })
    const done = await waitForJob(c, (created.json.job as { id: string }).id)
    // 2 member groups (50 + 10) × 2 field slices (200 + 50).
    expect(done.job).toMatchObject({ calls: 4, counts: { total: 60, partial: 60 } })
    expect(done.rows[0]!.field_errors.map((f) => f.field).sort()).toEqual(wide.filter((x) => !codes.includes(x)).sort())
    const stored = await archive('202411')
    expect(stored).toHaveLength(60)
    for (const code of codes) expect(stored[0]!.fields[code]).toBe(String(wide.indexOf(code)))
  })

  it('refuses dates outside the month and duplicate members before anything is written', async () => {
    const c = await stack.signedIn('zhangwei')
    const res = await c.request('POST', '/api/jobs', { idempotency_key: key(), kind: 'attendance_upload', target: { type: 'attendance', archive_rule_id: RULE, month: '202412', employee_type: 'employee_id' }, rows: [
      { row: 1, member_id: rnd[0]!.user_id, start_time: '20241130', end_time: '20241231', values: {} },
      { row: 2, member_id: rnd[1]!.user_id, start_time: '20241201', end_time: '20241232', values: {} },
      { row: 3, member_id: rnd[1]!.user_id, start_time: '20241201', end_time: '20241231', values: {} },
    ] })
    expect(res.status).toBe(400)
    const errors = (res.json.error as unknown as { details: { rows: Array<{ row: number; field: string; code: string }> } }).details.rows
    expect(errors.map((e) => `${e.row}:${e.field}:${e.code}`).sort()).toEqual(['1:start_time:out_of_range', '2:end_time:out_of_range', '3:member_id:duplicate_key'])
    expect(await archive('202412')).toEqual([])
  })

  it('deletes exactly the members a delete job names, never the whole month', async () => {
    const c = await stack.signedIn('zhangwei')
    const before = await archive()
    const victims = before.slice(0, 3).map((r) => r.employee_no)
    const created = await c.request('POST', '/api/jobs', { idempotency_key: key(), kind: 'attendance_delete', target: { type: 'attendance', archive_rule_id: RULE, month: MONTH, employee_type: 'employee_no' }, rows: victims.map((member_id, row) => ({ row, member_id })) })
    const done = await waitForJob(c, (created.json.job as { id: string }).id)
    expect(done.job).toMatchObject({ status: 'succeeded', counts: { succeeded: 3 } })
    const after = await archive()
    expect(after).toHaveLength(before.length - 3)
    expect(after.map((r) => r.employee_no)).not.toEqual(expect.arrayContaining(victims))
  })

  it('fails the job plainly when the person has no attendance rights for the rule', async () => {
    const c = await stack.signedIn('zhangwei')
    const mfg = await sandboxEmployees(stack.sandbox.url, { department: 'MFG', status: 'hired', limit: 2 })
    const created = await c.request('POST', '/api/jobs', { idempotency_key: key(), kind: 'attendance_upload', target: { type: 'attendance', archive_rule_id: '7341290237441605654', month: MONTH, employee_type: 'employee_id' }, rows: mfg.map((e, row) => ({ row, member_id: e.user_id, start_time: `${MONTH}01`, end_time: `${MONTH}31`, values: {} })) })
    const done = await waitForJob(c, (created.json.job as { id: string }).id)
    expect(done.job).toMatchObject({ status: 'failed', error: { feishu_code: 1220600 }, counts: { pending: 2 } })
  })
})

describe('who the operator is', () => {
  it('ignores an operator_id in the request: Feishu is called as the signed-in person', async () => {
    const c = await stack.signedIn('zhangwei')
    const since = Math.max(0, ...(await sandboxCalls(stack.sandbox.url)).map((x) => x.seq))
    const res = await c.request('POST', '/api/jobs', {
      idempotency_key: key(), kind: 'attendance_upload', operator_id: 'ax11d', owner: 'ax11d',
      target: { type: 'attendance', archive_rule_id: RULE, month: '202408', employee_type: 'employee_id' },
      rows: rnd.slice(0, 3).map((e, i) => ({ row: i, member_id: e.user_id, start_time: '20240801', end_time: '20240831', values: {} })),
    })
    expect(res.status).toBe(201)
    const done = await waitForJob(c, (res.json.job as { id: string }).id)
    // The sandbox refuses an operator_id that is not the token's own user (1220001), so success proves it.
    expect(done.job).toMatchObject({ status: 'succeeded', counts: { succeeded: 3 } })
    const uploads = await sandboxCalls(stack.sandbox.url, { api: 'archive_rule.upload_report', sinceSeq: since })
    expect(uploads.map((u) => [u.user, u.code])).toEqual([['zhangwei', 0]])
  })
})
