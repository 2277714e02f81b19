import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { sandboxEmployees, startStack, waitForJob, type SandboxEmployee } from './harness'

let stack: Awaited<ReturnType<typeof startStack>>
let rnd: SandboxEmployee[]
const RULE = '7341290237441605652'
beforeAll(async () => {
  stack = await startStack()
  rnd = await sandboxEmployees(stack.sandbox.url, { department: 'RND', status: 'hired', limit: 300 })
})
afterAll(async () => { await stack.close() })

const target = (month: string) => ({ type: 'attendance', archive_rule_id: RULE, month, employee_type: 'employee_id' })
const rowsOf = (people: SandboxEmployee[], month: string, from = 0) => people.map((e, i) => ({ row: from + i + 2, member_id: e.user_id, start_time: `${month}01`, end_time: `${month}28`, values: { abc: String(i) } }))
const idOf = (r: { json: Record<string, unknown> }) => (r.json.job as { id: string }).id

describe('a large import sent in parts', () => {
  it('collects the parts into one job that runs only once started, with every row', async () => {
    const c = await stack.signedIn('zhangwei')
    const draft = await c.request('POST', '/api/jobs', { idempotency_key: 'parts-job-0001', kind: 'attendance_upload', target: target('202102'), rows: rowsOf(rnd.slice(0, 100), '202102'), draft: true })
    expect(draft.status).toBe(201)
    expect(draft.json.job).toMatchObject({ status: 'draft', counts: { total: 100 } })
    const id = idOf(draft)
    expect((await c.request('POST', `/api/jobs/${id}/rows`, { offset: 100, rows: rowsOf(rnd.slice(100, 200), '202102', 100) })).status).toBe(200)
    // A part sent twice (a retry) changes nothing; a gap is refused.
    expect((await c.request('POST', `/api/jobs/${id}/rows`, { offset: 100, rows: rowsOf(rnd.slice(100, 200), '202102', 100) })).status).toBe(200)
    expect((await c.request('POST', `/api/jobs/${id}/rows`, { offset: 250, rows: rowsOf(rnd.slice(250, 260), '202102', 250) })).json.error?.code).toBe('job_state_conflict')
    const appended = await c.request('POST', `/api/jobs/${id}/rows`, { offset: 200, rows: rowsOf(rnd.slice(200, 300), '202102', 200) })
    expect(appended.json.job).toMatchObject({ status: 'draft', counts: { total: 300 } })
    const archive = async () => ((await (await fetch(`${stack.sandbox.url}/sandbox/inspect/archive?archive_rule_id=${RULE}&month=202102`)).json()) as { rows: unknown[] }).rows
    expect(await archive()).toEqual([])

    const started = await c.request('POST', `/api/jobs/${id}/start`)
    expect(started.json.job).toMatchObject({ status: 'queued' })
    const done = await waitForJob(c, id)
    expect(done.job).toMatchObject({ counts: { total: 300, partial: 300 }, calls: 6 })
    expect(await archive()).toHaveLength(300)
    expect((await c.request('POST', `/api/jobs/${id}/rows`, { offset: 300, rows: rowsOf(rnd.slice(0, 1), '202102') })).json.error?.code).toBe('job_state_conflict')
    expect((await c.request('POST', `/api/jobs/${id}/start`)).json.error?.code).toBe('job_state_conflict')
  })

  it('refuses to start when a member appears in two parts, and a draft can be cancelled', async () => {
    const c = await stack.signedIn('zhangwei')
    const id = idOf(await c.request('POST', '/api/jobs', { idempotency_key: 'parts-job-0002', kind: 'attendance_upload', target: target('202103'), rows: rowsOf(rnd.slice(0, 10), '202103'), draft: true }))
    await c.request('POST', `/api/jobs/${id}/rows`, { offset: 10, rows: rowsOf(rnd.slice(5, 15), '202103', 10) })
    const start = await c.request('POST', `/api/jobs/${id}/start`)
    expect(start.status).toBe(400)
    expect(start.json.error?.code).toBe('invalid_rows')
    expect((start.json.error as unknown as { details: { rows: Array<{ code: string }> } }).details.rows.length).toBe(10)
    expect((await c.request('POST', `/api/jobs/${id}/cancel`)).json.job).toMatchObject({ status: 'cancelled', counts: { cancelled: 20 } })
  })

  it('checks every part with the same rules and keeps another person out', async () => {
    const c = await stack.signedIn('zhangwei')
    const id = idOf(await c.request('POST', '/api/jobs', { idempotency_key: 'parts-job-0003', kind: 'attendance_upload', target: target('202104'), rows: rowsOf(rnd.slice(0, 5), '202104'), draft: true }))
    const bad = await c.request('POST', `/api/jobs/${id}/rows`, { offset: 5, rows: [{ row: 99, member_id: rnd[9]!.user_id, start_time: '20240401', end_time: '20240430', values: {} }] })
    expect(bad.json.error?.code).toBe('invalid_rows')
    const other = await stack.signedIn('wangfang')
    expect((await other.request('POST', `/api/jobs/${id}/rows`, { offset: 5, rows: rowsOf(rnd.slice(5, 6), '202104', 5) })).status).toBe(404)
    expect((await other.request('POST', `/api/jobs/${id}/start`)).status).toBe(404)
  })

  // Last in this file: it moves the app's clock a day forward.
  it('cancels a draft whose parts stopped arriving a day ago, saying why, and leaves a recent one alone', async () => {
    const c = await stack.signedIn('zhangwei')
    const stale = idOf(await c.request('POST', '/api/jobs', { idempotency_key: 'parts-job-0004', kind: 'attendance_upload', target: target('202105'), rows: rowsOf(rnd.slice(0, 20), '202105'), draft: true }))
    stack.clock.advance(23 * 3_600_000)
    const recent = idOf(await c.request('POST', '/api/jobs', { idempotency_key: 'parts-job-0005', kind: 'attendance_upload', target: target('202106'), rows: rowsOf(rnd.slice(0, 20), '202106'), draft: true }))
    await stack.runner.scan()
    expect((await c.request('GET', `/api/jobs/${stale}`)).json.job).toMatchObject({ status: 'draft' })
    stack.clock.advance(1 * 3_600_000)
    await stack.runner.scan()
    const cancelled = await c.request('GET', `/api/jobs/${stale}`)
    expect(cancelled.json.job).toMatchObject({ status: 'cancelled', counts: { total: 20, cancelled: 20 }, error: { code: 'upload_abandoned', feishu_code: null } })
    expect((await c.request('GET', `/api/jobs/${recent}`)).json.job).toMatchObject({ status: 'draft', error: null })
    // Nothing reached Feishu, and the cancelled draft takes no more parts.
    const archive = ((await (await fetch(`${stack.sandbox.url}/sandbox/inspect/archive?archive_rule_id=${RULE}&month=202105`)).json()) as { rows: unknown[] }).rows
    expect(archive).toEqual([])
    expect((await c.request('POST', `/api/jobs/${stale}/rows`, { offset: 20, rows: rowsOf(rnd.slice(20, 21), '202105', 20) })).json.error?.code).toBe('job_state_conflict')
  })
})
