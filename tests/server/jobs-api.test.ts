import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { sandboxCalls, sandboxEmployees, setKnobs, startStack, waitForJob, type SandboxEmployee } from './harness'

let stack: Awaited<ReturnType<typeof startStack>>
let hired: SandboxEmployee[]
beforeAll(async () => {
  stack = await startStack({ retry: { maxAttempts: 8, baseDelayMs: 10, maxDelayMs: 100 } })
  hired = await sandboxEmployees(stack.sandbox.url, { status: 'hired', limit: 300 })
})
afterAll(async () => { await stack.close() })

let n = 0
const payrollJob = (people: SandboxEmployee[], period: string) => ({
  idempotency_key: `api-${Date.now()}-${n++}`, kind: 'payroll_save', target: { type: 'payroll', source_code: 'attendance_deduction__c', payroll_period: period },
  rows: people.map((e, i) => ({ row: i + 2, employment_id: e.employment_id, values: { meal_allowance__c: String(100 + i) } })),
})
const idOf = (res: { json: Record<string, unknown> }) => (res.json.job as { id: string }).id

describe('the jobs API', () => {
  it('shows a person only their own jobs: another user’s job answers 404', async () => {
    const owner = await stack.signedIn('wangfang')
    const other = await stack.signedIn('chenjing')
    const id = idOf(await owner.request('POST', '/api/jobs', payrollJob(hired.slice(0, 2), '2023-01')))
    await waitForJob(owner, id)
    for (const [method, path] of [['GET', `/api/jobs/${id}`], ['GET', `/api/jobs/${id}/events`], ['POST', `/api/jobs/${id}/cancel`], ['POST', `/api/jobs/${id}/resume`]] as const) {
      const res = await other.request(method, path)
      expect(res.status, `${method} ${path}`).toBe(404)
      expect(res.json.error?.code).toBe('job_not_found')
    }
    const list = await other.request('GET', '/api/jobs')
    expect((list.json.jobs as Array<{ id: string }>).map((j) => j.id)).not.toContain(id)
    expect((await stack.client().request('GET', '/api/jobs')).status).toBe(401)
  })

  it('lists the person’s jobs newest first, page by page', async () => {
    const c = await stack.signedIn('lina')
    const ids: string[] = []
    for (let i = 0; i < 3; i++) {
      ids.push(idOf(await c.request('POST', '/api/jobs', payrollJob(hired.slice(i, i + 1), `2023-0${i + 3}`))))
      await new Promise((ok) => setTimeout(ok, 5))
    }
    const first = await c.request('GET', '/api/jobs?limit=2')
    expect((first.json.jobs as Array<{ id: string }>).map((j) => j.id)).toEqual([ids[2], ids[1]])
    const second = await c.request('GET', `/api/jobs?limit=2&cursor=${first.json.next_cursor}`)
    expect((second.json.jobs as Array<{ id: string }>).map((j) => j.id)).toEqual([ids[0]])
    expect(second.json.next_cursor).toBeNull()
  })

  it('pauses, resumes and cancels, keeping every row accounted for', async () => {
    const c = await stack.signedIn('wangfang')
    await setKnobs(stack.sandbox.url, { latencyMs: 120 })
    try {
      const id = idOf(await c.request('POST', '/api/jobs', payrollJob(hired.slice(0, 250), '2023-06')))
      await new Promise((ok) => setTimeout(ok, 150))
      expect((await c.request('POST', `/api/jobs/${id}/pause`)).status).toBe(200)
      const paused = await waitForJob(c, id, ['paused'])
      await new Promise((ok) => setTimeout(ok, 300))
      const still = await c.request('GET', `/api/jobs/${id}`)
      expect((still.json.job as { counts: { succeeded: number } }).counts.succeeded).toBe((await waitForJob(c, id, ['paused'])).job.counts.succeeded)
      expect(paused.job.counts.pending).toBeGreaterThan(0)
      expect((await c.request('POST', `/api/jobs/${id}/resume`)).status).toBe(200)
      await new Promise((ok) => setTimeout(ok, 150))
      expect((await c.request('POST', `/api/jobs/${id}/cancel`)).status).toBe(200)
      const done = await waitForJob(c, id, ['cancelled'])
      await stack.runner.idle()
      const final = await waitForJob(c, id, ['cancelled'])
      expect(final.job.counts.succeeded + final.job.counts.cancelled).toBe(250)
      expect(final.job.counts.pending).toBe(0)
      expect(done.job.status).toBe('cancelled')
      expect((await c.request('POST', `/api/jobs/${id}/resume`)).status).toBe(409)
      const records = ((await (await fetch(`${stack.sandbox.url}/sandbox/inspect/payroll?source_code=attendance_deduction__c`)).json()) as { records: Array<{ period: string }> }).records
      expect(records.filter((r) => r.period === '2023-06')).toHaveLength(final.job.counts.succeeded)
    } finally {
      await setKnobs(stack.sandbox.url, { latencyMs: 0 })
    }
  })

  it('sends nothing more once cancelled: the batch readied behind the save under way is not sent', async () => {
    const c = await stack.signedIn('wangfang')
    await setKnobs(stack.sandbox.url, { latencyMs: 400 })
    try {
      const since = Math.max(0, ...(await sandboxCalls(stack.sandbox.url)).map((x) => x.seq))
      const id = idOf(await c.request('POST', '/api/jobs', payrollJob(hired.slice(0, 200), '2023-09')))
      // The first save is under way; the next batch is ready and waits for the datasource.
      for (let i = 0; i < 200 && !(await sandboxCalls(stack.sandbox.url, { api: 'datasource_record.save', sinceSeq: since })).length; i++) await new Promise((ok) => setTimeout(ok, 10))
      await new Promise((ok) => setTimeout(ok, 60))
      expect((await c.request('POST', `/api/jobs/${id}/cancel`)).status).toBe(200)
      const cancelledAt = Date.now()
      await stack.runner.idle()
      const saves = await sandboxCalls(stack.sandbox.url, { api: 'datasource_record.save', sinceSeq: since })
      expect(saves).toHaveLength(1)
      expect(saves[0]!.startMs).toBeLessThan(cancelledAt)
      const final = await waitForJob(c, id, ['cancelled'])
      expect(final.job.counts).toMatchObject({ succeeded: 50, cancelled: 150, pending: 0 })
    } finally {
      await setKnobs(stack.sandbox.url, { latencyMs: 0 })
    }
  })

  it('streams progress over SSE and ends the stream when the job is done', async () => {
    const c = await stack.signedIn('wangfang')
    await setKnobs(stack.sandbox.url, { latencyMs: 30 })
    try {
      const id = idOf(await c.request('POST', '/api/jobs', payrollJob(hired.slice(0, 150), '2023-07')))
      const res = await stack.app.request(`http://localhost/api/jobs/${id}/events`, { headers: { Cookie: c.cookie } })
      expect(res.headers.get('content-type')).toContain('text/event-stream')
      const text = await res.text()
      const events = text.split('\n\n').filter((b) => b.includes('event:')).map((b) => ({ event: /event: (\w+)/.exec(b)![1], data: JSON.parse(/data: (.*)/.exec(b)![1]!) }))
      const progress = events.filter((e) => e.event === 'progress').map((e) => e.data as { status: string; counts: { succeeded: number } })
      expect(progress.length).toBeGreaterThan(1)
      expect(progress.at(-1)).toMatchObject({ status: 'succeeded', counts: { succeeded: 150 } })
      const succeededSeen = progress.map((p) => p.counts.succeeded)
      expect([...succeededSeen].sort((a, b) => a - b)).toEqual(succeededSeen)
      expect(events.at(-1)).toMatchObject({ event: 'end', data: { id } })
    } finally {
      await setKnobs(stack.sandbox.url, { latencyMs: 0 })
    }
  })

  it('waits as "needs sign-in" when the owner’s authorization ends, and continues after they sign in', async () => {
    const c = await stack.signedIn('chenjing')
    await setKnobs(stack.sandbox.url, { latencyMs: 60 })
    try {
      const id = idOf(await c.request('POST', '/api/jobs', payrollJob(hired.slice(0, 200), '2023-08')))
      await new Promise((ok) => setTimeout(ok, 100))
      await fetch(`${stack.sandbox.url}/sandbox/expire-tokens`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ user_id: 'chenjing', kind: 'access' }) })
      const waiting = await waitForJob(c, id, ['needs_signin'])
      expect(waiting.job.pause_reason).toBe('needs_signin')
      expect(waiting.job.counts.pending).toBeGreaterThan(0)
      await stack.signedIn('chenjing')
      const done = await waitForJob(c, id)
      expect(done.job).toMatchObject({ status: 'succeeded', counts: { succeeded: 200 }, affect_count: 200 })
    } finally {
      await setKnobs(stack.sandbox.url, { latencyMs: 0 })
    }
  })

  it('refuses malformed job requests with clear errors', async () => {
    const c = await stack.signedIn('wangfang')
    const bad = [
      { idempotency_key: 'short', kind: 'payroll_save', target: { type: 'payroll', source_code: 'x', payroll_period: '2024-01' }, rows: [] },
      { ...payrollJob(hired.slice(0, 1), '2024-01'), kind: 'delete_everything' },
      { ...payrollJob(hired.slice(0, 1), '2024-01'), target: { type: 'attendance', archive_rule_id: '1', month: '202401', employee_type: 'employee_id' } },
      { ...payrollJob(hired.slice(0, 1), '2024-01'), rows: [{ row: 1, employment_id: 'x', values: { meal_allowance__c: 5 } }] },
      { ...payrollJob(hired.slice(0, 1), '2024-01'), target: { type: 'payroll', source_code: 'no_such__c', payroll_period: '2024-01' } },
      { ...payrollJob(hired.slice(0, 1), '2024-01'), target: { type: 'payroll', source_code: 'legacy_allowance__c', payroll_period: '2024-01' } },
      { ...payrollJob(hired.slice(0, 1), '1969-12') },
    ]
    const codes = []
    for (const body of bad) codes.push((await c.request('POST', '/api/jobs', body)).json.error?.code)
    expect(codes).toEqual(['invalid_request', 'invalid_request', 'invalid_request', 'invalid_rows', 'unknown_target', 'target_stopped', 'invalid_rows'])
    expect((await c.request('GET', '/api/jobs/not-a-job')).status).toBe(404)
    expect((await c.request('GET', '/api/jobs?limit=9999')).status).toBe(400)
  })
})
