import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { lastCallSeq, sandboxCalls, sandboxEmployees, setKnobs, startStack, waitForJob, type SandboxEmployee } from './harness'

let stack: Awaited<ReturnType<typeof startStack>>
let hired: SandboxEmployee[]
beforeAll(async () => {
  stack = await startStack({ retry: { maxAttempts: 8, baseDelayMs: 10, maxDelayMs: 100 } })
  hired = await sandboxEmployees(stack.sandbox.url, { status: 'hired', limit: 400 })
})
afterAll(async () => { await stack.close() })
beforeEach(async () => { await setKnobs(stack.sandbox.url, { failNext: [], errorRates: { http5xx: 0, rateLimit429: 0, lock2500021: 0, timeout: 0, drop: 0 }, latencyMs: 0 }) })

const SOURCE = 'attendance_deduction__c'
let keySeq = 0
const key = () => `test-key-${Date.now()}-${keySeq++}`
const rowsFor = (people: SandboxEmployee[], amount = (i: number) => `${(i + 1) * 10}.50`) =>
  people.map((e, i) => ({ row: i + 2, employment_id: e.employment_id, values: { late_deduction__c: amount(i), deduction_note__c: `note ${i}` } }))

async function stored(source: string) {
  const res = await fetch(`${stack.sandbox.url}/sandbox/inspect/payroll?source_code=${source}`)
  return ((await res.json()) as { records: Array<{ employment_id: string; period: string; active_status: number; values: Record<string, string> }> }).records
}

describe('payroll save jobs', () => {
  it('writes 120 records in three saves of at most 50 (after reading the records they change, up to 100 a query), and counts exactly what changed', async () => {
    const c = await stack.signedIn('wangfang')
    const people = hired.slice(0, 120)
    const created = await c.request('POST', '/api/jobs', { idempotency_key: key(), kind: 'payroll_save', target: { type: 'payroll', source_code: SOURCE, payroll_period: '2024-10' }, rows: rowsFor(people) })
    expect(created.status).toBe(201)
    const done = await waitForJob(c, (created.json.job as { id: string }).id)
    // 3 saves, 2 reads of the before-values (100 + 20 employments) and 2 read-backs (100 + 20).
    expect(done.job).toMatchObject({ status: 'succeeded', counts: { total: 120, succeeded: 120, failed: 0, pending: 0 }, affect_count: 120, calls: 7, checks: { confirmed: 120 } })
    // None of them existed before: a revert would stop them.
    expect(done.rows.every((r) => r.before === null)).toBe(true)
    const records = (await stored(SOURCE)).filter((r) => r.period === '2024-10')
    expect(records).toHaveLength(120)
    const first = records.find((r) => r.employment_id === people[0]!.employment_id)
    expect(first?.values).toMatchObject({ late_deduction__c: '10.50', deduction_note__c: 'note 0' })
  })

  it('answers the same job for the same idempotency key, and writes once', async () => {
    const c = await stack.signedIn('wangfang')
    const body = { idempotency_key: key(), kind: 'payroll_save', target: { type: 'payroll', source_code: SOURCE, payroll_period: '2024-11' }, rows: rowsFor(hired.slice(0, 3)) }
    const a = await c.request('POST', '/api/jobs', body)
    const b = await c.request('POST', '/api/jobs', body)
    expect(a.status).toBe(201)
    expect(b.status).toBe(200)
    expect((b.json.job as { id: string }).id).toBe((a.json.job as { id: string }).id)
    const conflict = await c.request('POST', '/api/jobs', { ...body, target: { ...body.target, payroll_period: '2024-12' } })
    expect(conflict.status).toBe(409)
  })

  it('refuses invalid rows at creation with per-row errors and writes nothing', async () => {
    const c = await stack.signedIn('wangfang')
    const people = hired.slice(200, 203)
    const res = await c.request('POST', '/api/jobs', {
      idempotency_key: key(), kind: 'payroll_save', target: { type: 'payroll', source_code: SOURCE, payroll_period: '2025-01' },
      rows: [
        { row: 2, employment_id: people[0]!.employment_id, values: { late_deduction__c: 'twelve' } },
        { row: 3, employment_id: people[1]!.employment_id, values: { no_such_field__c: '1' } },
        { row: 4, employment_id: people[1]!.employment_id, values: { late_deduction__c: '1' } },
        { row: 5, employment_id: people[2]!.employment_id, values: { deduction_note__c: 'x'.repeat(501) } },
      ],
    })
    expect(res.status).toBe(400)
    expect(res.json.error?.code).toBe('invalid_rows')
    const errors = (res.json.error as unknown as { details: { rows: Array<{ row: number; field: string; code: string }> } }).details.rows
    expect(errors).toEqual(expect.arrayContaining([
      expect.objectContaining({ row: 2, field: 'late_deduction__c', code: 'not_a_number' }),
      expect.objectContaining({ row: 3, field: 'no_such_field__c', code: 'unknown_field' }),
      expect.objectContaining({ row: 4, code: 'duplicate_key' }),
      expect.objectContaining({ row: 5, field: 'deduction_note__c', code: 'text_too_long' }),
    ]))
    expect((await stored(SOURCE)).filter((r) => r.period === '2025-01')).toEqual([])
  })

  it('fails only the rows the HRBP may not write (2500014) and saves the other 49 of the batch', async () => {
    const c = await stack.signedIn('lina')
    const sales = (await sandboxEmployees(stack.sandbox.url, { department: 'SAL', status: 'hired', limit: 45 }))
    const others = hired.filter((e) => e.department !== 'SAL').slice(0, 5)
    const people = [...sales.slice(0, 20), others[0]!, ...sales.slice(20, 40), others[1]!, others[2]!, ...sales.slice(40, 45)]
    const created = await c.request('POST', '/api/jobs', { idempotency_key: key(), kind: 'payroll_save', target: { type: 'payroll', source_code: SOURCE, payroll_period: '2025-02' }, rows: rowsFor(people) })
    const done = await waitForJob(c, (created.json.job as { id: string }).id)
    expect(done.job).toMatchObject({ status: 'finished_with_errors', counts: { total: 48, succeeded: 45, failed: 3 } })
    const failed = done.rows.filter((r) => r.status === 'failed')
    expect(failed.map((r) => r.feishu_code)).toEqual([2500014, 2500014, 2500014])
    expect(failed.map((r) => (r.input as { employment_id: string }).employment_id).sort()).toEqual(others.slice(0, 3).map((e) => e.employment_id).sort())
    expect((await stored(SOURCE)).filter((r) => r.period === '2025-02')).toHaveLength(45)
  })

  it('marks an unknown employment_id failed with 2500015 on its own row', async () => {
    const c = await stack.signedIn('wangfang')
    const rows = rowsFor(hired.slice(0, 4))
    rows[2]!.employment_id = '7000000000000000000'
    const created = await c.request('POST', '/api/jobs', { idempotency_key: key(), kind: 'payroll_save', target: { type: 'payroll', source_code: SOURCE, payroll_period: '2025-03' }, rows })
    const done = await waitForJob(c, (created.json.job as { id: string }).id)
    expect(done.job.counts).toMatchObject({ succeeded: 3, failed: 1 })
    expect(done.rows.find((r) => r.status === 'failed')).toMatchObject({ row: 4, feishu_code: 2500015 })
  })

  it('rides out rate limits, 5xx, lock conflicts and dropped connections with exact counts', async () => {
    const c = await stack.signedIn('wangfang')
    await setKnobs(stack.sandbox.url, { failNext: [
      { api: 'datasource_record.save', kind: 'rateLimit429' }, { api: 'datasource_record.save', kind: 'http5xx' },
      { api: 'datasource_record.save', kind: 'lock2500021' }, { api: 'datasource_record.save', kind: 'drop' },
    ] })
    const people = hired.slice(120, 220)
    const created = await c.request('POST', '/api/jobs', { idempotency_key: key(), kind: 'payroll_save', target: { type: 'payroll', source_code: SOURCE, payroll_period: '2025-04' }, rows: rowsFor(people) })
    const done = await waitForJob(c, (created.json.job as { id: string }).id)
    expect(done.job).toMatchObject({ status: 'succeeded', counts: { total: 100, succeeded: 100 }, affect_count: 100 })
    // 2 saves + 1 read of the before-values + 1 read-back (100 employments each), plus the 4 failed attempts.
    expect(done.job.calls).toBe(8)
    expect((await stored(SOURCE)).filter((r) => r.period === '2025-04')).toHaveLength(100)
  })

  it('keeps the before-values of records that existed and sends nothing for records that would not change', async () => {
    const c = await stack.signedIn('wangfang')
    const people = hired.slice(300, 303)
    const first = await c.request('POST', '/api/jobs', { idempotency_key: key(), kind: 'payroll_save', target: { type: 'payroll', source_code: SOURCE, payroll_period: '2025-07' }, rows: rowsFor(people) })
    await waitForJob(c, (first.json.job as { id: string }).id)
    const rows = rowsFor(people)
    rows[0]!.values.late_deduction__c = '99.00'
    const second = await c.request('POST', '/api/jobs', { idempotency_key: key(), kind: 'payroll_save', target: { type: 'payroll', source_code: SOURCE, payroll_period: '2025-07' }, rows })
    const done = await waitForJob(c, (second.json.job as { id: string }).id)
    // 1 save, 1 read of the before-values, 1 read-back of the one record sent.
    expect(done.job).toMatchObject({ status: 'succeeded', counts: { succeeded: 3 }, affect_count: 1, calls: 3, checks: { confirmed: 1 } })
    expect(done.rows[0]!.before).toEqual({ active_status: 1, values: expect.objectContaining({ late_deduction__c: '10.50', deduction_note__c: 'note 0' }) })
    expect(done.rows.slice(1).map((r) => r.message)).toEqual(['unchanged', 'unchanged'])
  })

  it('ends the job when Feishu says the datasource is full (2500020): what was saved stays, nothing more is sent', async () => {
    const c = await stack.signedIn('wangfang')
    const before = (await stored(SOURCE)).length
    const since = await lastCallSeq(stack.sandbox.url)
    await setKnobs(stack.sandbox.url, { datasourceCapacity: before + 60 })
    try {
      const created = await c.request('POST', '/api/jobs', { idempotency_key: key(), kind: 'payroll_save', target: { type: 'payroll', source_code: SOURCE, payroll_period: '2026-01' }, rows: rowsFor(hired.slice(0, 150)) })
      const done = await waitForJob(c, (created.json.job as { id: string }).id)
      expect(done.job).toMatchObject({ status: 'failed', error: { code: 'feishu_refused', feishu_code: 2500020 }, counts: { total: 150, succeeded: 50, pending: 100, failed: 0 } })
      expect((await stored(SOURCE)).filter((r) => r.period === '2026-01')).toHaveLength(50)
      // One refused save ends it: the batch is not halved, and the next one (ready behind it) is not sent.
      expect(await sandboxCalls(stack.sandbox.url, { api: 'datasource_record.save', sinceSeq: since })).toHaveLength(2)
    } finally {
      await setKnobs(stack.sandbox.url, { datasourceCapacity: 100_000 })
    }
  })

  it('keeps one save at a time per datasource and stays within 10 calls a second across jobs', async () => {
    const since = Math.max(0, ...(await sandboxCalls(stack.sandbox.url)).map((x) => x.seq))
    await setKnobs(stack.sandbox.url, { latencyMs: 15 })
    const a = await stack.signedIn('wangfang')
    const b = await stack.signedIn('chenjing')
    const jobs = await Promise.all([
      a.request('POST', '/api/jobs', { idempotency_key: key(), kind: 'payroll_save', target: { type: 'payroll', source_code: SOURCE, payroll_period: '2025-05' }, rows: rowsFor(hired.slice(0, 300)) }),
      b.request('POST', '/api/jobs', { idempotency_key: key(), kind: 'payroll_save', target: { type: 'payroll', source_code: SOURCE, payroll_period: '2025-06' }, rows: rowsFor(hired.slice(0, 300)) }),
      a.request('POST', '/api/jobs', { idempotency_key: key(), kind: 'payroll_save', target: { type: 'payroll', source_code: 'sales_commission__c', payroll_period: '2025-05' }, rows: hired.slice(0, 200).map((e, i) => ({ row: i, employment_id: e.employment_id, values: { deals_closed__c: String(i) } })) }),
    ])
    for (const [i, j] of jobs.entries()) expect((await waitForJob(i === 1 ? b : a, (j.json.job as { id: string }).id)).job.status).toBe('succeeded')
    const saves = await sandboxCalls(stack.sandbox.url, { api: "datasource_record.save", sinceSeq: since })
    expect(saves.filter((s) => s.code === 2500021)).toEqual([])
    expect(saves.filter((s) => s.code === 99991400)).toEqual([])
    const starts = saves.map((s) => s.startMs).sort((x, y) => x - y)
    for (let i = 10; i < starts.length; i++) expect(starts[i]! - starts[i - 10]!).toBeGreaterThanOrEqual(1000)
    expect(saves).toHaveLength(16)
  })
})

describe('payroll jobs under injected faults', () => {
  it('writes every valid row while the sandbox fails a third of the calls at random, with bounded retries', async () => {
    const c = await stack.signedIn('wangfang')
    await setKnobs(stack.sandbox.url, { injectionSeed: 7, timeoutHoldMs: 150, errorRates: { http5xx: 0.12, rateLimit429: 0.08, lock2500021: 0.08, timeout: 0.03, drop: 0.04 } })
    try {
      const people = hired.slice(0, 300)
      const created = await c.request('POST', '/api/jobs', { idempotency_key: key(), kind: 'payroll_save', target: { type: 'payroll', source_code: SOURCE, payroll_period: '2025-08' }, rows: rowsFor(people) })
      const done = await waitForJob(c, (created.json.job as { id: string }).id, undefined, 120_000)
      expect(done.job).toMatchObject({ status: 'succeeded', counts: { total: 300, succeeded: 300, failed: 0 } })
      // 6 saves, 3 reads and 3 read-backs (100 employments each) and some failed attempts; never more
      // than 8 attempts each.
      expect(done.job.calls).toBeGreaterThan(12)
      expect(done.job.calls).toBeLessThanOrEqual(12 * 8)
      const records = (await stored(SOURCE)).filter((r) => r.period === '2025-08')
      expect(records).toHaveLength(300)
      expect(records.find((r) => r.employment_id === people[299]!.employment_id)?.values.late_deduction__c).toBe('3000.50')
    } finally {
      await setKnobs(stack.sandbox.url, { errorRates: { http5xx: 0, rateLimit429: 0, lock2500021: 0, timeout: 0, drop: 0 } })
    }
  }, 150_000)
})
