import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { lastCallSeq, sandboxCalls, sandboxEmployees, startStack, waitForJob, type SandboxEmployee } from './harness'
import { requestedScopes } from '../../server/auth/capabilities'
import { APIS } from '../../server/sandbox/platform/apis'

let stack: Awaited<ReturnType<typeof startStack>>
let hired: SandboxEmployee[]
beforeAll(async () => {
  stack = await startStack({ retry: { maxAttempts: 8, baseDelayMs: 10, maxDelayMs: 100 } })
  hired = await sandboxEmployees(stack.sandbox.url, { status: 'hired', limit: 100 })
})
afterAll(async () => { await stack.close() })

async function knobs(patch: Record<string, unknown>) {
  const res = await fetch(`${stack.sandbox.url}/sandbox/knobs`, { method: 'PUT', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(patch) })
  expect(res.status).toBe(200)
}

async function setActivity(payDate: string, status: number) {
  const list = ((await (await fetch(`${stack.sandbox.url}/sandbox/payment-activities`)).json()) as { payment_activitys: Array<{ activity_id: string; pay_date: string }> }).payment_activitys
  const a = list.find((x) => x.pay_date === payDate)!
  const res = await fetch(`${stack.sandbox.url}/sandbox/payment-activities/${a.activity_id}`, { method: 'PUT', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ activity_status: status }) })
  expect(res.status).toBe(200)
}

describe('employee resolution never falls back to another ID field', () => {
  it('says plainly that a person Feishu People knows has no employment ID, instead of using the user ID it returned', async () => {
    const [ok, broken] = [hired[10]!, hired[11]!]
    await knobs({ corehrIdConversionFails: [broken.employee_no] })
    try {
      const c = await stack.signedIn('wangfang')
      const res = await c.request('POST', '/api/payroll/resolve', { by: 'employee_no', values: [ok.employee_no, broken.employee_no] })
      expect(res.status).toBe(200)
      const results = res.json.results as Record<string, { status: string; employment_id?: string }>
      expect(results[ok.employee_no]).toMatchObject({ status: 'found', employment_id: ok.employment_id })
      expect(results[broken.employee_no]!.status).toBe('no_employment_id')
      expect(results[broken.employee_no]!.employment_id).toBeUndefined()
      expect(JSON.stringify(results)).not.toContain(broken.user_id)
    } finally {
      await knobs({ corehrIdConversionFails: [] })
    }
  })
})

describe('the period guard (payment activities)', () => {
  // The list filters by pay date only, so a period's window is its month and the next (see
  // periodGuardWindow): 2024-09 sees the activity paid 2024-09-10 (archived) and 2024-10-10 (approved).
  it('warns when the period is paid by an approved or archived activity and names each, in both languages', async () => {
    const c = await stack.signedIn('wangfang')
    const since = await lastCallSeq(stack.sandbox.url)
    const res = await c.request('POST', '/api/payroll/period-guard', { payroll_period: '2024-09' })
    expect(res.status).toBe(200)
    const guard = res.json.guard as { state: string; closing: Array<{ pay_date: string; status: number; name: Record<string, string> }> }
    expect(guard.state).toBe('closed')
    expect(guard.closing).toEqual([
      expect.objectContaining({ pay_date: '2024-09-10', status: 400 }),
      expect.objectContaining({ pay_date: '2024-10-10', status: 375, name: { 'zh-CN': '2024-09 月度发薪', 'en-US': '2024-09 monthly pay' } }),
    ])
    const calls = await sandboxCalls(stack.sandbox.url, { api: 'payment_activity.list', sinceSeq: since })
    expect(calls).toHaveLength(1)
    expect(calls[0]!.user).toBe('wangfang')
  })

  it('does not warn for a period whose activity still awaits approval, and warns once it is approved', async () => {
    const c = await stack.signedIn('wangfang')
    const later = (await c.request('POST', '/api/payroll/period-guard', { payroll_period: '2024-11' })).json.guard as { state: string; activities: Array<{ status: number }> }
    expect(later.state).toBe('open')
    expect(later.activities.map((a) => a.status)).toEqual([150])
    await setActivity('2024-11-10', 375)
    expect(((await c.request('POST', '/api/payroll/period-guard', { payroll_period: '2024-11' })).json.guard as { state: string }).state).toBe('closed')
    await setActivity('2024-11-10', 150)
  })

  it('finds nothing to warn about for a period without activities', async () => {
    const c = await stack.signedIn('wangfang')
    const res = await c.request('POST', '/api/payroll/period-guard', { payroll_period: '2031-02' })
    expect(res.json.guard).toEqual({ state: 'open', activities: [] })
  })

  it('looks at the months of an occur-day or custom-period key as well', async () => {
    const c = await stack.signedIn('wangfang')
    expect(((await c.request('POST', '/api/payroll/period-guard', { occur_day: '2024-09-15' })).json.guard as { state: string }).state).toBe('closed')
    expect(((await c.request('POST', '/api/payroll/period-guard', { custom_start: '2024-11-01', custom_end: '2024-11-20' })).json.guard as { state: string }).state).toBe('open')
  })

  it('says the scope is missing (and goes on) when the person did not grant it', async () => {
    await stack.forgetGrants()
    const c = stack.client()
    const code = await stack.accessCode('wangfang', requestedScopes.filter((s) => s !== 'payroll:payment_activity:read'))
    expect((await c.request('POST', '/api/session', { code, source: 'request_access' })).status).toBe(200)
    const res = await c.request('POST', '/api/payroll/period-guard', { payroll_period: '2024-09' })
    expect(res.status).toBe(200)
    expect(res.json.guard).toEqual({ state: 'unknown', reason: 'scope_missing', scopes: ['payroll:payment_activity:read'] })
    // The import itself goes on: the datasources still load.
    expect((await c.request('GET', '/api/payroll/datasources')).status).toBe(200)
  })

  it('says the app lacks the scope when the app has not enabled it', async () => {
    const all = ((await (await fetch(`${stack.sandbox.url}/sandbox/knobs`)).json()) as { appScopes: string[] }).appScopes
    await knobs({ appScopes: all.filter((s) => s !== 'payroll:payment_activity:read') })
    try {
      await stack.forgetGrants()
      await knobs({ appScopes: all.filter((s) => s !== 'payroll:payment_activity:read') })
      const c = stack.client()
      const code = await stack.accessCode('wangfang', requestedScopes.filter((s) => s !== 'payroll:payment_activity:read'))
      expect((await c.request('POST', '/api/session', { code, source: 'request_access' })).status).toBe(200)
      const res = await c.request('POST', '/api/payroll/period-guard', { payroll_period: '2024-09' })
      expect(res.json.guard).toMatchObject({ state: 'unknown', reason: 'scope_missing' })
    } finally {
      await knobs({ appScopes: all })
    }
  })

  it('refuses a malformed period with a clear message and asks Feishu nothing', async () => {
    const c = await stack.signedIn('wangfang')
    const since = await lastCallSeq(stack.sandbox.url)
    for (const body of [{ payroll_period: '2024-13' }, { payroll_period: '2024/09' }, {}, { payroll_period: '2024-09', occur_day: '2024-09-01' }, { custom_start: '2024-10-31', custom_end: '2024-10-01' }]) {
      const res = await c.request('POST', '/api/payroll/period-guard', body)
      expect(res.status, JSON.stringify(body)).toBe(400)
      expect(res.json.error!.code).toBe('invalid_request')
    }
    expect(await sandboxCalls(stack.sandbox.url, { api: 'payment_activity.list', sinceSeq: since })).toHaveLength(0)
  })
})

describe('the sandbox payment activity list follows the public contract', () => {
  async function tenantToken() {
    const res = await fetch(`${stack.sandbox.url}/open-apis/auth/v3/tenant_access_token/internal`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ app_id: stack.config.feishu.appId, app_secret: stack.config.feishu.appSecret }) })
    return ((await res.json()) as { tenant_access_token: string }).tenant_access_token
  }
  async function list(query: string) {
    const res = await fetch(`${stack.sandbox.url}/open-apis/payroll/v1/payment_activitys?${query}`, { headers: { Authorization: `Bearer ${await tenantToken()}` } })
    return { status: res.status, body: (await res.json()) as { code: number; data?: { payment_activitys: Array<{ pay_date: string; activity_status: number }>; has_more: boolean; page_token?: string } } }
  }

  it('filters by pay-date window and statuses (repeated keys), pages, and refuses bad parameters with 2500002', async () => {
    await knobs({ rateLimitEnabled: false })
    const all = await list('pay_period_start_date=2024-01-01&pay_period_end_date=2024-12-31&page_size=100')
    expect(all.body.data!.payment_activitys.map((a) => a.pay_date)).toEqual(['2024-08-10', '2024-09-10', '2024-10-10', '2024-11-10'])
    const sealed = await list('pay_period_start_date=2024-01-01&pay_period_end_date=2024-12-31&page_size=100&statuses=375&statuses=400')
    expect(sealed.body.data!.payment_activitys.map((a) => a.activity_status)).toEqual([400, 400, 375])
    const first = await list('pay_period_start_date=2024-01-01&pay_period_end_date=2024-12-31&page_size=3')
    expect(first.body.data).toMatchObject({ has_more: true })
    const second = await list(`pay_period_start_date=2024-01-01&pay_period_end_date=2024-12-31&page_size=3&page_token=${first.body.data!.page_token}`)
    expect(second.body.data!.payment_activitys.map((a) => a.pay_date)).toEqual(['2024-11-10'])
    for (const q of ['pay_period_end_date=2024-12-31&page_size=10', 'pay_period_start_date=2024-1-1&pay_period_end_date=2024-12-31&page_size=10', 'pay_period_start_date=2024-01-01&pay_period_end_date=2024-12-31', 'pay_period_start_date=2024-01-01&pay_period_end_date=2024-12-31&page_size=101', 'pay_period_start_date=2024-01-01&pay_period_end_date=2024-12-31&page_size=10&statuses=999']) {
      const r = await list(q)
      expect(r.status, q).toBe(400)
      expect(r.body.code, q).toBe(2500002)
    }
    await knobs({ rateLimitEnabled: true })
  })

  it('keeps to its documented 5 calls a second (HTTP 429 with 99991400 beyond)', async () => {
    expect(APIS['payment_activity.list'].rate).toEqual([{ limit: 5, windowMs: 1000 }])
    // The same 5 over a minute-long window, so the test does not depend on how fast this machine is.
    await knobs({ rateLimits: { 'payment_activity.list': [{ limit: 5, windowMs: 60_000 }] } })
    const answers = await Promise.all(Array.from({ length: 7 }, () => list('pay_period_start_date=2024-01-01&pay_period_end_date=2024-12-31&page_size=10')))
    expect(answers.filter((a) => a.status === 200)).toHaveLength(5)
    expect(answers.filter((a) => a.status === 429).every((a) => a.body.code === 99991400)).toBe(true)
    await knobs({ rateLimits: { 'payment_activity.list': [{ limit: 5, windowMs: 1000 }] } })
  })
})

describe('a revert that respects later edits', () => {
  const SOURCE = 'attendance_deduction__c'
  async function stored(period: string) {
    const res = await fetch(`${stack.sandbox.url}/sandbox/inspect/payroll?source_code=${SOURCE}`)
    const records = ((await res.json()) as { records: Array<{ employment_id: string; period: string; active_status: number; values: Record<string, string> }> }).records
    return new Map(records.filter((r) => r.period === period).map((r) => [r.employment_id, r]))
  }
  /** Someone else (Wang Fang's colleague Chen Jing, also a payroll admin) edits records in Feishu. */
  async function editAs(userId: string, period: string, edits: Array<{ employment_id: string; values: Record<string, string> }>) {
    const res = await fetch(`${stack.sandbox.url}/sandbox/payroll/edit`, {
      method: 'POST', headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ user_id: userId, source_code: SOURCE, records: edits.map((e) => ({ active_status: 1, field_values: [{ field_code: 'employment_id', value: e.employment_id }, { field_code: 'payroll_period', value: period }, ...Object.entries(e.values).map(([field_code, value]) => ({ field_code, value }))] })) }),
    })
    expect(res.status).toBe(200)
  }

  it('re-reads the records, reverts what is still the job\'s, keeps what someone changed since with both values, and counts reversed / kept', async () => {
    const c = await stack.signedIn('wangfang')
    const period = '2026-05'
    const people = hired.slice(40, 46)
    const run = async (key: string, rows: unknown[]) => {
      const res = await c.request('POST', '/api/jobs', { idempotency_key: key, kind: 'payroll_save', target: { type: 'payroll', source_code: SOURCE, payroll_period: period }, rows })
      expect(res.status).toBe(201)
      return (await waitForJob(c, (res.json.job as { id: string }).id)).job.id
    }
    // Before: four records exist with 1.00 / "before".
    await run('careful-seed', people.slice(0, 4).map((e, i) => ({ row: i, employment_id: e.employment_id, values: { late_deduction__c: '1.00', deduction_note__c: 'before' } })))
    // The job: all six get 2.00 / "job" (two of them are new records).
    const jobId = await run('careful-main', people.map((e, i) => ({ row: i, employment_id: e.employment_id, values: { late_deduction__c: '2.00', deduction_note__c: 'job' } })))
    // Afterwards Chen Jing edits: person 0 both fields, person 1 one field, person 4 (created by the job) one field.
    await editAs('chenjing', period, [
      { employment_id: people[0]!.employment_id, values: { late_deduction__c: '9.00', deduction_note__c: 'hr fix' } },
      { employment_id: people[1]!.employment_id, values: { late_deduction__c: '7.50' } },
      { employment_id: people[4]!.employment_id, values: { deduction_note__c: 'keep me' } },
    ])

    const revert = await c.request('POST', `/api/jobs/${jobId}/revert`, {})
    expect(revert.status).toBe(201)
    const done = await waitForJob(c, (revert.json.job as { id: string }).id)
    expect(done.job.status).toBe('succeeded')
    expect(done.job.checks).toEqual({ kept: 2, partly_kept: 1 })

    const now = await stored(period)
    const at = (i: number) => now.get(people[i]!.employment_id)!
    expect(at(0)).toMatchObject({ active_status: 1, values: { late_deduction__c: '9.00', deduction_note__c: 'hr fix' } })
    expect(at(1)).toMatchObject({ active_status: 1, values: { late_deduction__c: '7.50', deduction_note__c: 'before' } })
    expect(at(2)).toMatchObject({ active_status: 1, values: { late_deduction__c: '1.00', deduction_note__c: 'before' } })
    expect(at(3)).toMatchObject({ active_status: 1, values: { late_deduction__c: '1.00', deduction_note__c: 'before' } })
    expect(at(4)).toMatchObject({ active_status: 1, values: { deduction_note__c: 'keep me' } })
    expect(at(5)).toMatchObject({ active_status: 2 })

    const byEmployment = new Map(done.rows.map((r) => [(r.input as { employment_id: string }).employment_id, r]))
    expect(byEmployment.get(people[0]!.employment_id)!.check).toEqual({ state: 'kept', fields: expect.arrayContaining([
      { field: 'late_deduction__c', expected: '2.00', actual: '9.00' }, { field: 'deduction_note__c', expected: 'job', actual: 'hr fix' },
    ]) })
    expect(byEmployment.get(people[1]!.employment_id)!.check).toEqual({ state: 'partly_kept', fields: [{ field: 'late_deduction__c', expected: '2.00', actual: '7.50' }] })
    expect(byEmployment.get(people[4]!.employment_id)!.check).toEqual({ state: 'kept', fields: [{ field: 'deduction_note__c', expected: 'job', actual: 'keep me' }] })
    expect(byEmployment.get(people[2]!.employment_id)!.check).toBeUndefined()
  })
})

describe('control totals kept with the job', () => {
  const target = { type: 'payroll', source_code: 'attendance_deduction__c', payroll_period: '2026-07' }
  const rows = () => hired.slice(60, 62).map((e, i) => ({ row: i, employment_id: e.employment_id, values: { late_deduction__c: '1,00'.replace(',', '.') } }))
  const line = (field: string, typed: string, actual: string) => ({ field, typed, expected: null, actual, state: 'match' })

  it('keeps matching figures (typed with separators and currency signs) and the file fingerprint with the job', async () => {
    const c = await stack.signedIn('wangfang')
    const sha = 'a'.repeat(64)
    const res = await c.request('POST', '/api/jobs', { idempotency_key: 'controls-ok', kind: 'payroll_save', target, rows: rows(), source: { file_name: 'pay.xlsx', file_sha256: sha, controls: { lines: [line('headcount', ' 2 ', '2'), line('late_deduction__c', '¥2.00', '2')], override_reason: null } } })
    expect(res.status).toBe(201)
    const job = res.json.job as { id: string; source: { controls: { lines: Array<{ state: string; expected: string }>; override_reason: null }; file_sha256: string } }
    expect(job.source.file_sha256).toBe(sha)
    expect(job.source.controls.lines.map((l) => [l.state, l.expected])).toEqual([['match', '2'], ['match', '2']])
    await waitForJob(c, job.id)
  })

  it('refuses a mismatch without a written reason, whatever state the request claimed, and writes nothing', async () => {
    const c = await stack.signedIn('wangfang')
    const since = await lastCallSeq(stack.sandbox.url)
    for (const reason of [null, 'ok', '         ']) {
      const res = await c.request('POST', '/api/jobs', { idempotency_key: `controls-bad-${String(reason).length}`, kind: 'payroll_save', target, rows: rows(), source: { controls: { lines: [line('headcount', '3', '2')], override_reason: reason } } })
      expect(res.status).toBe(400)
      expect(res.json.error).toMatchObject({ code: 'controls_not_released', details: { mismatches: 1 } })
    }
    expect(await sandboxCalls(stack.sandbox.url, { api: 'datasource_record.save', sinceSeq: since })).toHaveLength(0)
  })

  it('refuses a figure that does not read as a number even with a reason', async () => {
    const c = await stack.signedIn('wangfang')
    const res = await c.request('POST', '/api/jobs', { idempotency_key: 'controls-nan', kind: 'payroll_save', target, rows: rows(), source: { controls: { lines: [line('late_deduction__c', '2,00', '2')], override_reason: 'A long enough reason here' } } })
    expect(res.status).toBe(400)
    expect(res.json.error).toMatchObject({ code: 'controls_not_released', details: { invalid: 1 } })
  })

  it('keeps the override reason with a job whose figures do not match', async () => {
    const c = await stack.signedIn('wangfang')
    const res = await c.request('POST', '/api/jobs', { idempotency_key: 'controls-override', kind: 'payroll_save', target, rows: rows(), source: { controls: { lines: [line('headcount', '3', '2')], override_reason: '  One leaver is paid off-cycle  ' } } })
    expect(res.status).toBe(201)
    const job = res.json.job as { id: string; source: { controls: { lines: Array<{ state: string }>; override_reason: string } } }
    expect(job.source.controls).toEqual({ lines: [{ field: 'headcount', typed: '3', expected: '3', actual: '2', state: 'mismatch' }], override_reason: 'One leaver is paid off-cycle' })
    await waitForJob(c, job.id)
  })

  it('refuses malformed control totals and a bad fingerprint with a clear message', async () => {
    const c = await stack.signedIn('wangfang')
    const bad = [
      { controls: { lines: 'all fine' } },
      { controls: { lines: [{ field: 'headcount', typed: '2', expected: null, actual: 'two', state: 'match' }], override_reason: null } },
      { file_sha256: 'not-a-hash' },
    ]
    for (const [i, source] of bad.entries()) {
      const res = await c.request('POST', '/api/jobs', { idempotency_key: `controls-malformed-${i}`, kind: 'payroll_save', target, rows: rows(), source })
      expect(res.status, JSON.stringify(source)).toBe(400)
      expect(res.json.error!.code).toBe('invalid_request')
    }
  })
})

describe('read-back after each save', () => {
  it('marks each saved row confirmed, or differs with both values when Feishu accepted the save but stored something else', async () => {
    const c = await stack.signedIn('wangfang')
    const people = hired.slice(70, 74)
    await knobs({ payrollStoreDifferently: ['deduction_note__c'] })
    try {
      const since = await lastCallSeq(stack.sandbox.url)
      const res = await c.request('POST', '/api/jobs', {
        idempotency_key: 'read-back-1', kind: 'payroll_save', target: { type: 'payroll', source_code: 'attendance_deduction__c', payroll_period: '2026-08' },
        rows: people.map((e, i) => ({ row: i, employment_id: e.employment_id, values: i < 2 ? { late_deduction__c: '3.00', deduction_note__c: 'as sent' } : { late_deduction__c: '3.00' } })),
      })
      const done = await waitForJob(c, (res.json.job as { id: string }).id)
      expect(done.job).toMatchObject({ status: 'succeeded', counts: { succeeded: 4 }, checks: { confirmed: 2, differs: 2 } })
      const byId = new Map(done.rows.map((r) => [(r.input as { employment_id: string }).employment_id, r]))
      expect(byId.get(people[0]!.employment_id)!.check).toEqual({ state: 'differs', fields: [{ field: 'deduction_note__c', expected: 'as sent', actual: 'as sent (altered)' }] })
      expect(byId.get(people[3]!.employment_id)!.check).toEqual({ state: 'confirmed', fields: [] })
      // One query read back all four rows (≤ 100 employments a query), with the owner's token.
      const reads = await sandboxCalls(stack.sandbox.url, { api: 'datasource_record.query', sinceSeq: since })
      expect(reads.every((r) => r.user === 'wangfang')).toBe(true)
      expect(reads).toHaveLength(2) // the before-values, then the read-back
    } finally {
      await knobs({ payrollStoreDifferently: [] })
    }
  })

  it('does not read back rows it did not send (Feishu already held them)', async () => {
    const c = await stack.signedIn('wangfang')
    const people = hired.slice(80, 82)
    const target = { type: 'payroll', source_code: 'attendance_deduction__c', payroll_period: '2026-09' }
    const rows = people.map((e, i) => ({ row: i, employment_id: e.employment_id, values: { late_deduction__c: '4.00' } }))
    await waitForJob(c, ((await c.request('POST', '/api/jobs', { idempotency_key: 'read-back-2a', kind: 'payroll_save', target, rows })).json.job as { id: string }).id)
    const again = await waitForJob(c, ((await c.request('POST', '/api/jobs', { idempotency_key: 'read-back-2b', kind: 'payroll_save', target, rows })).json.job as { id: string }).id)
    expect(again.job.counts.succeeded).toBe(2)
    expect(again.job.checks).toBeUndefined()
    expect(again.rows.every((r) => r.check === undefined && r.message === 'unchanged')).toBe(true)
  })
})

describe('the audit workbook of a person\'s own payroll jobs', () => {
  it('lists who prepared each job, the file and its SHA-256, control totals and override, and the counts — and holds no token', async () => {
    const c = await stack.signedIn('wangfang')
    const sha = 'b'.repeat(64)
    const res = await c.request('POST', '/api/jobs', {
      idempotency_key: 'audit-wangfang-1', kind: 'payroll_save', target: { type: 'payroll', source_code: 'attendance_deduction__c', payroll_period: '2026-10' },
      rows: hired.slice(90, 92).map((e, i) => ({ row: i, employment_id: e.employment_id, values: { late_deduction__c: '6.00' } })),
      source: { file_name: '=cmd|deductions.xlsx', file_sha256: sha, controls: { lines: [{ field: 'headcount', typed: '3', expected: null, actual: '2', state: 'match' }], override_reason: 'One person is paid off-cycle' } },
    })
    expect(res.status, res.text).toBe(201)
    const jobId = (res.json.job as { id: string }).id
    await waitForJob(c, jobId)
    // Another person's job never shows in this person's audit.
    const other = await stack.signedIn('lina')
    const sales = await sandboxEmployees(stack.sandbox.url, { department: 'SAL', status: 'hired', limit: 1 })
    const theirs = await other.request('POST', '/api/jobs', { idempotency_key: 'audit-lina', kind: 'payroll_save', target: { type: 'payroll', source_code: 'attendance_deduction__c', payroll_period: '2026-10' }, rows: [{ row: 0, employment_id: sales[0]!.employment_id, values: { late_deduction__c: '1.00' } }] })
    expect(theirs.status, theirs.text).toBe(201)
    await waitForJob(other, (theirs.json.job as { id: string }).id)

    const book = await fetchBook(c.cookie, 'zh-CN')
    expect(book.contentType).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
    const { unzipSync, strFromU8 } = await import('fflate')
    const files = unzipSync(book.bytes)
    const strings = strFromU8(files['xl/sharedStrings.xml']!)
    const sheet = strFromU8(files['xl/worksheets/sheet1.xml']!)
    expect(strings).toContain('准备人')
    expect(strings).toContain(jobId)
    expect(strings).toContain(sha)
    expect(strings).toContain('One person is paid off-cycle')
    expect(strings).toContain('headcount: 3 / 2 (mismatch)')
    expect(strings).toContain('王芳')
    // The file name is escaped so a spreadsheet never runs it as a formula.
    expect(strings).not.toMatch(/<t[^>]*>=cmd/)
    expect(strings).not.toContain((theirs.json.job as { id: string }).id)
    const all = strings + sheet
    expect(all).not.toMatch(/eyJ[A-Za-z0-9_-]{20,}/)
    expect(all).not.toMatch(/\bu-[A-Za-z0-9]{10,}/)
    expect(all).not.toMatch(/\bt-[A-Za-z0-9]{10,}/)
  })

  it('needs a signed-in person', async () => {
    const res = await stack.client().request('GET', '/api/payroll/audit.xlsx')
    expect(res.status).toBe(401)
  })

  async function fetchBook(cookie: string, locale: string) {
    const res = await stack.app.request(`http://localhost/api/payroll/audit.xlsx?locale=${locale}`, { headers: { Cookie: cookie, 'X-Requested-With': 'XMLHttpRequest' } })
    expect(res.status).toBe(200)
    return { contentType: res.headers.get('content-type'), bytes: new Uint8Array(await res.arrayBuffer()) }
  }
})

describe('the period and the previous one, read together for the diff and the variance', () => {
  it('reads 2024-10 and the seeded 2024-09 in one query of both months (§4.3: payroll_period IsAnyOf, ≤ 2 months)', async () => {
    const c = await stack.signedIn('wangfang')
    const since = await lastCallSeq(stack.sandbox.url)
    const res = await c.request('POST', '/api/payroll/period-records', { source_code: 'sales_commission__c', payroll_period: '2024-10' })
    expect(res.status).toBe(200)
    expect(res.json).toMatchObject({ key: { payroll_period: '2024-10' }, previous_key: { payroll_period: '2024-09' }, cursor: null })
    const previous = res.json.previous as Record<string, { active_status: number; values: Record<string, string> }>
    expect(Object.keys(previous)).toHaveLength(30)
    expect(Object.values(previous)[0]!.values).not.toHaveProperty('payroll_period')
    // Every page is a query of both months; the variance has no read of its own.
    const reads = await sandboxCalls(stack.sandbox.url, { api: 'datasource_record.query', sinceSeq: since })
    expect(reads.length).toBeGreaterThan(0)
    expect(reads.every((r) => r.code === 0)).toBe(true)
    expect(reads).toHaveLength(Math.ceil((Object.keys(previous).length + Object.keys(res.json.current as object).length) / 100) || 1)
  })

  it('reads a big pair of periods part by part: a cursor to go on from, every record once, and the last part says there is no more', async () => {
    // 1,250 records in 2029-01 and 900 in 2029-02: more than one part (20 pages of 100).
    const people = await sandboxEmployees(stack.sandbox.url, { limit: 1250 })
    expect(people).toHaveLength(1250)
    const save = async (period: string, list: SandboxEmployee[]) => {
      for (let i = 0; i < list.length; i += 50) {
        const res = await fetch(`${stack.sandbox.url}/sandbox/payroll/edit`, {
          method: 'POST', headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({ user_id: 'wangfang', source_code: 'sales_commission__c', records: list.slice(i, i + 50).map((e) => ({ active_status: 1, field_values: [{ field_code: 'employment_id', value: e.employment_id }, { field_code: 'payroll_period', value: period }, { field_code: 'deals_closed__c', value: period === '2029-01' ? '1' : '2' }] })) }),
        })
        expect(res.status).toBe(200)
      }
    }
    await save('2029-01', people)
    await save('2029-02', people.slice(0, 900))
    const c = await stack.signedIn('wangfang')
    const current: Record<string, { values: Record<string, string> }> = {}
    const previous: Record<string, { values: Record<string, string> }> = {}
    const cursors: Array<string | null> = []
    let cursor: string | null = null
    do {
      const res = await c.request('POST', '/api/payroll/period-records', { source_code: 'sales_commission__c', payroll_period: '2029-02', ...(cursor ? { cursor } : {}) })
      expect(res.status).toBe(200)
      Object.assign(current, res.json.current)
      Object.assign(previous, res.json.previous)
      cursor = res.json.cursor as string | null
      cursors.push(cursor)
    } while (cursor)
    expect(cursors).toHaveLength(2)
    expect(Object.keys(current)).toHaveLength(900)
    expect(Object.keys(previous)).toHaveLength(1250)
    expect(Object.values(current).every((r) => r.values.deals_closed__c === '2')).toBe(true)
    expect(Object.values(previous).every((r) => r.values.deals_closed__c === '1')).toBe(true)
  })

  it('answers empty records for a period with no previous data, and refuses a malformed key or a cursor it did not hand out', async () => {
    const c = await stack.signedIn('wangfang')
    const empty = await c.request('POST', '/api/payroll/period-records', { source_code: 'sales_commission__c', payroll_period: '2031-03' })
    expect(empty.json).toEqual({ key: { payroll_period: '2031-03' }, previous_key: { payroll_period: '2031-02' }, current: {}, previous: {}, cursor: null })
    // January's previous period is December of the year before.
    const january = await c.request('POST', '/api/payroll/period-records', { source_code: 'sales_commission__c', payroll_period: '2031-01' })
    expect(january.json.previous_key).toEqual({ payroll_period: '2030-12' })
    for (const body of [
      { source_code: 'sales_commission__c' }, { source_code: 'sales_commission__c', payroll_period: '2024-13' }, { payroll_period: '2024-10' },
      { source_code: 'sales_commission__c', payroll_period: '2024-10', cursor: '7.abc' }, { source_code: 'sales_commission__c', payroll_period: '2024-10', cursor: '0.<script>' },
    ]) {
      const res = await c.request('POST', '/api/payroll/period-records', body)
      expect(res.status, JSON.stringify(body)).toBe(400)
      expect(res.json.error).toHaveProperty('message')
    }
  })
})
