import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { freePort, sandboxEmployees, startStack, waitForJob } from './harness'
import { api, signIn, startReal, type RealServer } from './real-server'

type Line = Record<string, unknown> & { level: string; msg: string }
const parse = (lines: string[]): Line[] => lines.map((l) => JSON.parse(l) as Line)

describe('logs', () => {
  let stack: Awaited<ReturnType<typeof startStack>>
  beforeAll(async () => { stack = await startStack({ retry: { maxAttempts: 3, baseDelayMs: 5, maxDelayMs: 20 } }) })
  afterAll(async () => { await stack.close() })

  it('one access line per request: method, route, path without the query, status, duration, request id, user — and no cookie', async () => {
    const c = await stack.signedIn('wangfang')
    const from = stack.logs.length
    const res = await c.request('GET', '/api/jobs?limit=5&state=secret-looking-value')
    const line = parse(stack.logs.slice(from)).find((l) => l.msg === 'request')!
    expect(line).toMatchObject({ level: 'info', method: 'GET', route: '/api/jobs', path: '/api/jobs', status: 200, requestId: res.headers.get('x-request-id') })
    expect(typeof line.ms).toBe('number')
    expect(line.userId).toMatch(/^ou_/)
    const raw = stack.logs.slice(from).join('\n')
    expect(raw).not.toContain('secret-looking-value')
    expect(raw).not.toContain(c.cookie.split('=')[1]!)
    // A job route is logged by its pattern, so lines group by endpoint.
    const from2 = stack.logs.length
    await c.request('GET', '/api/jobs/no-such-job')
    expect(parse(stack.logs.slice(from2)).find((l) => l.msg === 'request')).toMatchObject({ route: '/api/jobs/:id', path: '/api/jobs/no-such-job', status: 404 })
  })

  it('a job writes created, started and finished-with-counts lines; a pause says why', async () => {
    const c = await stack.signedIn('wangfang')
    const people = await sandboxEmployees(stack.sandbox.url, { status: 'hired', limit: 3 })
    const from = stack.logs.length
    const created = await c.request('POST', '/api/jobs', {
      idempotency_key: 'log-lines-job-0001', kind: 'payroll_save', target: { type: 'payroll', source_code: 'attendance_deduction__c', payroll_period: '2024-09' },
      rows: people.map((e, i) => ({ row: i + 2, employment_id: e.employment_id, values: { late_deduction__c: `${i}.25` } })),
    })
    const id = (created.json.job as { id: string }).id
    await waitForJob(c, id)
    // The owner's Feishu message about the job (server/notify) logs its own line, beside the lifecycle.
    const lines = parse(stack.logs.slice(from)).filter((l) => l.jobId === id && !String(l.msg).startsWith('job message'))
    expect(lines.map((l) => l.msg)).toEqual(['job created', 'job started', 'job finished'])
    expect(lines[0]).toMatchObject({ kind: 'payroll_save', rows: 3, status: 'queued' })
    expect(lines[2]).toMatchObject({ status: 'succeeded', counts: { total: 3, succeeded: 3, failed: 0 } })

    const draft = await c.request('POST', '/api/jobs', {
      idempotency_key: 'log-lines-job-0002', kind: 'payroll_save', target: { type: 'payroll', source_code: 'attendance_deduction__c', payroll_period: '2024-08' },
      rows: people.map((e, i) => ({ row: i + 2, employment_id: e.employment_id, values: { late_deduction__c: `${i}.75` } })), draft: true,
    })
    const draftId = (draft.json.job as { id: string }).id
    // A slow Feishu keeps the job running long enough to be paused by its owner.
    await stack.sandbox.setKnobs({ latencyMsByApi: { 'datasource_record.save': 2000, 'datasource_record.query': 2000 } })
    try {
      await c.request('POST', `/api/jobs/${draftId}/start`)
      expect((await c.request('POST', `/api/jobs/${draftId}/pause`)).json.job).toMatchObject({ status: 'paused' })
    } finally {
      await stack.sandbox.setKnobs({ latencyMsByApi: {} })
    }
    const own = parse(stack.logs).filter((l) => l.jobId === draftId).map((l) => [l.msg, l.reason ?? null])
    // 'job started' comes in between when the runner got to it before the pause.
    expect(own.filter(([msg]) => msg !== 'job started')).toEqual([['job created', null], ['job queued', null], ['job paused', 'by_owner']])
  })

  it('every Feishu failure is logged with its kind, code and log id', async () => {
    const c = await stack.signedIn('wangfang')
    await stack.sandbox.setKnobs({ failNext: [{ api: 'datasource.list', kind: 'http5xx' }, { api: 'datasource.list', kind: 'http5xx' }, { api: 'datasource.list', kind: 'http5xx' }] })
    const from = stack.logs.length
    await c.request('GET', '/api/payroll/datasources')
    const failure = parse(stack.logs.slice(from)).find((l) => l.msg === 'feishu call failed')
    expect(failure).toMatchObject({ level: 'warn', api: 'payroll/v1/datasources', kind: 'server_error' })
    expect(failure!.httpStatus).toBeGreaterThanOrEqual(500)
    expect(failure!.logId).toMatch(/\w{8,}/)
    await stack.sandbox.setKnobs({ failNext: [] })
  })
})

describe('metrics', () => {
  const TOKEN = 'a-metrics-token-of-some-length'
  let server: RealServer
  let metricsPort: number
  beforeAll(async () => {
    metricsPort = await freePort()
    server = await startReal({ METRICS_PORT: String(metricsPort), METRICS_TOKEN: TOKEN })
  })
  afterAll(async () => { await server?.close() })

  it('serves Prometheus text on the metrics port: jobs by state, rows, Feishu calls by API and outcome, 429s, pacer waits, streams, event-loop lag', async () => {
    const cookie = await signIn(server, 'wangfang')
    await fetch(`${server.sandbox}/sandbox/knobs`, { method: 'PUT', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ failNext: [{ api: 'datasource_record.save', kind: 'rateLimit429' }] }) })
    const people = (await (await fetch(`${server.sandbox}/sandbox/inspect/employees?status=hired&limit=4`)).json()) as { employees: Array<{ employment_id: string }> }
    const created = await api(server, 'POST', '/api/jobs', cookie, {
      idempotency_key: 'metrics-job-0001', kind: 'payroll_save', target: { type: 'payroll', source_code: 'attendance_deduction__c', payroll_period: '2024-07' },
      rows: people.employees.map((e, i) => ({ row: i + 2, employment_id: e.employment_id, values: { late_deduction__c: `${i}.5` } })),
    })
    const id = (created.json.job as { id: string }).id
    for (;;) {
      const job = (await api(server, 'GET', `/api/jobs/${id}`, cookie)).json.job as { status: string }
      if (job.status === 'succeeded') break
      await new Promise((r) => setTimeout(r, 20))
    }
    const res = await fetch(`http://127.0.0.1:${metricsPort}/metrics`)
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/)
    const text = await res.text()
    expect(text).toMatch(/^hr_jobs\{state="succeeded"\} 1$/m)
    expect(text).toMatch(/^hr_job_rows_total\{outcome="succeeded"\} 4$/m)
    expect(text).toMatch(/^hr_feishu_calls_total\{api="payroll\/v1\/datasource_records\/save",outcome="ok"\} \d+$/m)
    expect(text).toMatch(/^hr_feishu_calls_total\{api="payroll\/v1\/datasource_records\/save",outcome="rate_limited"\} 1$/m)
    expect(text).toMatch(/^hr_feishu_rate_limited_total\{api="payroll\/v1\/datasource_records\/save"\} 1$/m)
    expect(text).toMatch(/^hr_pacer_wait_seconds_count\{api="payroll\.record\.save"\} \d+$/m)
    expect(text).toMatch(/^hr_progress_streams_open 0$/m)
    expect(text).toMatch(/^nodejs_eventloop_lag_seconds \d/m)
    expect(text).toMatch(/^hr_http_requests_total\{method="POST",route="\/api\/jobs",status="201"\} 1$/m)
  })

  it('on the app port, /metrics needs the token', async () => {
    expect((await fetch(`${server.url}/metrics`)).status).toBe(401)
    expect((await fetch(`${server.url}/metrics`, { headers: { Authorization: 'Bearer wrong-token-of-some-length' } })).status).toBe(401)
    const ok = await fetch(`${server.url}/metrics`, { headers: { Authorization: `Bearer ${TOKEN}` } })
    expect(ok.status).toBe(200)
    expect(await ok.text()).toContain('hr_feishu_calls_total')
  })
})
