import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { lastCallSeq, sandboxCalls, sandboxEmployees, startStack, waitForJob, type SandboxEmployee } from './harness'

let stack: Awaited<ReturnType<typeof startStack>>
let hired: SandboxEmployee[]
beforeAll(async () => {
  stack = await startStack({ retry: { maxAttempts: 8, baseDelayMs: 10, maxDelayMs: 100 } })
  hired = await sandboxEmployees(stack.sandbox.url, { status: 'hired', limit: 100 })
})
afterAll(async () => { await stack.close() })

const SOURCE = 'attendance_deduction__c'
async function stored(period: string) {
  const res = await fetch(`${stack.sandbox.url}/sandbox/inspect/payroll?source_code=${SOURCE}`)
  return ((await res.json()) as { records: Array<{ employment_id: string; period: string; active_status: number; values: Record<string, string> }> }).records.filter((r) => r.period === period)
}

describe('payroll reads for an import', () => {
  it('lists the datasources the person can see, with stopped ones and stopped fields marked, in both languages', async () => {
    const c = await stack.signedIn('wangfang')
    const res = await c.request('GET', '/api/payroll/datasources')
    expect(res.status).toBe(200)
    const list = res.json.datasources as Array<{ code: string; active: boolean; names: Record<string, string>; fields: Array<{ code: string; active: boolean }>; schema: { fields: Array<{ code: string; writable: boolean; kind: string }> } }>
    expect(list.map((d) => d.code)).toEqual(expect.arrayContaining([SOURCE, 'legacy_allowance__c', 'sales_commission__c']))
    expect(list.find((d) => d.code === 'legacy_allowance__c')!.active).toBe(false)
    const deduction = list.find((d) => d.code === SOURCE)!
    expect(deduction.names).toEqual({ 'zh-CN': '考勤扣款', 'en-US': 'Attendance deductions' })
    expect(deduction.fields.find((f) => f.code === 'legacy_penalty__c')!.active).toBe(false)
    expect(deduction.schema.fields.find((f) => f.code === 'late_deduction__c')).toMatchObject({ kind: 'money', writable: true })
  })

  it('tells a person without payroll rights which role grants them', async () => {
    const res = await (await stack.signedIn('liuyang')).request('GET', '/api/payroll/datasources')
    expect(res.status).toBe(403)
    expect(res.json.error).toMatchObject({ code: 'no_role', details: { role: 'payroll' } })
  })

  it('resolves employee numbers to employment ids, flags a reused number and a terminated person, and caches the answers', async () => {
    const c = await stack.signedIn('wangfang')
    const terminated = (await sandboxEmployees(stack.sandbox.url, { status: 'terminated', limit: 1 }))[0]!
    const values = [hired[0]!.employee_no, 'FS10086', 'NOPE-1', terminated.employee_no]
    const since = await lastCallSeq(stack.sandbox.url)
    const res = await c.request('POST', '/api/payroll/resolve', { by: 'employee_no', values })
    expect(res.status).toBe(200)
    const results = res.json.results as Record<string, { status: string; employment_id?: string; terminated?: boolean; candidates?: unknown[] }>
    expect(results[hired[0]!.employee_no]).toMatchObject({ status: 'found', employment_id: hired[0]!.employment_id, terminated: false })
    expect(results.FS10086).toMatchObject({ status: 'ambiguous' })
    expect(results.FS10086!.candidates).toHaveLength(2)
    expect(results['NOPE-1']).toEqual({ status: 'not_found' })
    expect(results[terminated.employee_no]).toMatchObject({ status: 'found', terminated: true })
    const searches = await sandboxCalls(stack.sandbox.url, { api: 'corehr.employee.search', sinceSeq: since })
    expect(searches.every((s) => s.user === 'tenant')).toBe(true)
    // The one search for the file's numbers, and one more for NOPE-1's other letter case.
    expect(searches).toHaveLength(2)
    await c.request('POST', '/api/payroll/resolve', { by: 'employee_no', values })
    expect(await sandboxCalls(stack.sandbox.url, { api: 'corehr.employee.search', sinceSeq: since })).toHaveLength(2)
  })

  it('finds an employee number written in another letter case as Feishu stores it, and says so', async () => {
    const c = await stack.signedIn('wangfang')
    const person = hired[5]!
    const other = hired[6]!
    expect(person.employee_no).toMatch(/[A-Z]/)
    const lower = person.employee_no.toLowerCase()
    // "fS…" (mixed) is neither all upper nor all lower: it is found through its upper-case variant too.
    const mixed = other.employee_no.charAt(0) + other.employee_no.slice(1).toLowerCase()
    const res = await c.request('POST', '/api/payroll/resolve', { by: 'employee_no', values: [lower, mixed, 'zz-404'] })
    expect(res.status).toBe(200)
    const results = res.json.results as Record<string, { status: string; employment_id?: string; employee_number?: string }>
    expect(results[lower]).toMatchObject({ status: 'found', employment_id: person.employment_id, employee_number: person.employee_no })
    expect(results[mixed]).toMatchObject({ status: 'found', employment_id: other.employment_id, employee_number: other.employee_no })
    expect(results['zz-404']).toEqual({ status: 'not_found' })
    // A number the file writes exactly as stored carries no note.
    const exact = await c.request('POST', '/api/payroll/resolve', { by: 'employee_no', values: [person.employee_no] })
    expect((exact.json.results as Record<string, object>)[person.employee_no]).not.toHaveProperty('employee_number')
  })

  it('reads the current records of the employments in a file', async () => {
    const c = await stack.signedIn('wangfang')
    const job = await c.request('POST', '/api/jobs', { idempotency_key: 'records-seed-job', kind: 'payroll_save', target: { type: 'payroll', source_code: SOURCE, payroll_period: '2026-01' }, rows: hired.slice(0, 2).map((e, i) => ({ row: i, employment_id: e.employment_id, values: { late_deduction__c: '5.00' } })) })
    await waitForJob(c, (job.json.job as { id: string }).id)
    const res = await c.request('POST', '/api/payroll/records', { source_code: SOURCE, payroll_period: '2026-01', employment_ids: hired.slice(0, 3).map((e) => e.employment_id) })
    const records = res.json.records as Record<string, { active_status: number; values: Record<string, string> }>
    expect(Object.keys(records).sort()).toEqual(hired.slice(0, 2).map((e) => e.employment_id).sort())
    expect(records[hired[0]!.employment_id]).toEqual({ active_status: 1, values: { late_deduction__c: '5.00' } })
  })
})

describe('reverting a payroll job', () => {
  it('writes back the values records had and stops the records the job created, after stating the counts', async () => {
    const c = await stack.signedIn('wangfang')
    const period = '2026-02'
    const seed = await c.request('POST', '/api/jobs', { idempotency_key: 'revert-seed-job', kind: 'payroll_save', target: { type: 'payroll', source_code: SOURCE, payroll_period: period }, rows: hired.slice(10, 12).map((e, i) => ({ row: i, employment_id: e.employment_id, values: { late_deduction__c: '1.00' } })) })
    await waitForJob(c, (seed.json.job as { id: string }).id)
    const change = await c.request('POST', '/api/jobs', { idempotency_key: 'revert-main-job', kind: 'payroll_save', target: { type: 'payroll', source_code: SOURCE, payroll_period: period }, rows: hired.slice(10, 14).map((e, i) => ({ row: i + 2, employment_id: e.employment_id, values: { late_deduction__c: '2.00', deduction_note__c: 'changed' } })) })
    const id = (change.json.job as { id: string }).id
    await waitForJob(c, id)

    const plan = await c.request('POST', `/api/jobs/${id}/revert`, { dry_run: true })
    expect(plan.json.plan).toEqual({ restore: 2, stop: 2, cannot_clear: 2 })
    const revert = await c.request('POST', `/api/jobs/${id}/revert`, {})
    expect(revert.status).toBe(201)
    const again = await c.request('POST', `/api/jobs/${id}/revert`, {})
    expect((again.json.job as { id: string }).id).toBe((revert.json.job as { id: string }).id)
    const done = await waitForJob(c, (revert.json.job as { id: string }).id)
    expect(done.job).toMatchObject({ kind: 'payroll_revert', status: 'succeeded', counts: { succeeded: 4 }, source: { reverts_job_id: id } })

    const records = await stored(period)
    const byId = new Map(records.map((r) => [r.employment_id, r]))
    for (const e of hired.slice(10, 12)) expect(byId.get(e.employment_id)).toMatchObject({ active_status: 1, values: { late_deduction__c: '1.00' } })
    for (const e of hired.slice(12, 14)) expect(byId.get(e.employment_id)).toMatchObject({ active_status: 2 })
  })

  it('refuses to revert a job that is not a finished payroll save', async () => {
    const c = await stack.signedIn('wangfang')
    const list = (await c.request('GET', '/api/jobs')).json.jobs as Array<{ id: string; kind: string }>
    const revertJob = list.find((j) => j.kind === 'payroll_revert')!
    expect((await c.request('POST', `/api/jobs/${revertJob.id}/revert`, { dry_run: true })).status).toBe(409)
  })
})
