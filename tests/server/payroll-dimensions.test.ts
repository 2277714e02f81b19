import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { lastCallSeq, sandboxCalls, sandboxEmployees, startStack, waitForJob, type SandboxEmployee } from './harness'

// Occur-day (data_period_type 2) and custom-period (3) datasources: save, before-values, revert,
// against the sandbox Feishu (§4.2 required key fields, §4.3 InDateRange time filters).

let stack: Awaited<ReturnType<typeof startStack>>
let hired: SandboxEmployee[]
beforeAll(async () => {
  stack = await startStack({ retry: { maxAttempts: 8, baseDelayMs: 10, maxDelayMs: 100 } })
  hired = await sandboxEmployees(stack.sandbox.url, { status: 'hired', limit: 60 })
})
afterAll(async () => { await stack.close() })

interface Stored { employment_id: string; period: string; active_status: number; values: Record<string, string> }
async function stored(source: string, period: string): Promise<Map<string, Stored>> {
  const res = await fetch(`${stack.sandbox.url}/sandbox/inspect/payroll?source_code=${source}`)
  const records = ((await res.json()) as { records: Stored[] }).records.filter((r) => r.period === period)
  return new Map(records.map((r) => [r.employment_id, r]))
}

type Row = { row: number; employment_id: string; values: Record<string, string | null>; active_status?: 1 | 2 }
interface JobRowView { row: number; status: string; before: { active_status: number; values: Record<string, string> } | null }

const cases = [
  {
    name: 'an occur-day datasource',
    source: 'overtime_daily__c',
    key: { occur_day: '2026-03-09' },
    otherKey: { occur_day: '2026-03-10' },
    sandboxPeriod: '2026-03-09',
    money: 'overtime_pay__c',
    text: 'overtime_note__c',
    employees: [0, 6] as const,
  },
  {
    name: 'a custom-period datasource',
    source: 'project_bonus__c',
    key: { custom_start: '2026-03-01', custom_end: '2026-04-15' },
    otherKey: { custom_start: '2026-03-01', custom_end: '2026-04-16' },
    sandboxPeriod: '2026-03-01|2026-04-15',
    money: 'project_bonus_amount__c',
    text: 'project_name__c',
    employees: [20, 26] as const,
  },
]

describe.each(cases)('payroll jobs on $name', (c) => {
  it('saves with the dimension\'s key fields, captures before-values with its time filter, and reverts', async () => {
    const client = await stack.signedIn('wangfang')
    const people = hired.slice(c.employees[0], c.employees[1])
    const target = { type: 'payroll', source_code: c.source, ...c.key }
    const rows = (list: SandboxEmployee[], values: Record<string, string | null>, from = 0): Row[] => list.map((e, i) => ({ row: from + i, employment_id: e.employment_id, values }))

    // An earlier state: two records under this key, and one under a neighbouring key that must not be touched.
    const seed = await client.request('POST', '/api/jobs', { idempotency_key: `dim-seed-${c.source}`, kind: 'payroll_save', target, rows: rows(people.slice(0, 2), { [c.money]: '1.00' }) })
    expect(seed.status).toBe(201)
    expect((await waitForJob(client, (seed.json.job as { id: string }).id)).job).toMatchObject({ status: 'succeeded', affect_count: 2 })
    const neighbour = await client.request('POST', '/api/jobs', { idempotency_key: `dim-other-${c.source}`, kind: 'payroll_save', target: { type: 'payroll', source_code: c.source, ...c.otherKey }, rows: rows(people.slice(0, 1), { [c.money]: '9.00' }) })
    await waitForJob(client, (neighbour.json.job as { id: string }).id)

    // The page reads the current records with the same key.
    const current = await client.request('POST', '/api/payroll/records', { source_code: c.source, ...c.key, employment_ids: people.slice(0, 3).map((e) => e.employment_id) })
    expect(current.status).toBe(200)
    expect(current.json.records).toEqual({
      [people[0]!.employment_id]: { active_status: 1, values: { [c.money]: '1.00' } },
      [people[1]!.employment_id]: { active_status: 1, values: { [c.money]: '1.00' } },
    })

    // The job changes the two records and creates two more.
    const since = await lastCallSeq(stack.sandbox.url)
    const main = await client.request('POST', '/api/jobs', { idempotency_key: `dim-main-${c.source}`, kind: 'payroll_save', target, rows: rows(people.slice(0, 4), { [c.money]: '2.50', [c.text]: 'written' }, 10) })
    expect(main.status).toBe(201)
    expect(main.json.job).toMatchObject({ target })
    const id = (main.json.job as { id: string }).id
    expect((await waitForJob(client, id)).job).toMatchObject({ status: 'succeeded', counts: { succeeded: 4 }, affect_count: 4 })
    const queries = await sandboxCalls(stack.sandbox.url, { api: 'datasource_record.query', sinceSeq: since })
    expect(queries.length).toBeGreaterThanOrEqual(1)
    expect(queries.every((q) => q.code === 0)).toBe(true)

    const after = await stored(c.source, c.sandboxPeriod)
    for (const e of people.slice(0, 4)) expect(after.get(e.employment_id)).toMatchObject({ active_status: 1, values: { [c.money]: '2.50', [c.text]: 'written', ...c.key } })

    // Before-values: the two existing records as they were, null for the two new ones.
    const detail = await client.request('GET', `/api/jobs/${id}`)
    const before = new Map((detail.json.rows as JobRowView[]).map((r) => [r.row, r.before]))
    expect(before.get(10)).toEqual({ active_status: 1, values: { [c.money]: '1.00' } })
    expect(before.get(11)).toEqual({ active_status: 1, values: { [c.money]: '1.00' } })
    expect(before.get(12)).toBeNull()
    expect(before.get(13)).toBeNull()

    // Revert: old amounts back, created records stopped, the neighbouring key untouched.
    const plan = await client.request('POST', `/api/jobs/${id}/revert`, { dry_run: true })
    expect(plan.json.plan).toEqual({ restore: 2, stop: 2, cannot_clear: 2 })
    const revert = await client.request('POST', `/api/jobs/${id}/revert`, {})
    expect(revert.status).toBe(201)
    expect(revert.json.job).toMatchObject({ kind: 'payroll_revert', target })
    expect((await waitForJob(client, (revert.json.job as { id: string }).id)).job).toMatchObject({ status: 'succeeded', counts: { succeeded: 4 } })
    const reverted = await stored(c.source, c.sandboxPeriod)
    for (const e of people.slice(0, 2)) expect(reverted.get(e.employment_id)).toMatchObject({ active_status: 1, values: { [c.money]: '1.00' } })
    for (const e of people.slice(2, 4)) expect(reverted.get(e.employment_id)).toMatchObject({ active_status: 2 })
    const other = [...(await fetch(`${stack.sandbox.url}/sandbox/inspect/payroll?source_code=${c.source}`).then(async (r) => ((await r.json()) as { records: Stored[] }).records))]
      .filter((r) => r.period !== c.sandboxPeriod)
    expect(other).toEqual([expect.objectContaining({ employment_id: people[0]!.employment_id, active_status: 1, values: expect.objectContaining({ [c.money]: '9.00' }) })])
  })
})

describe('a payroll job whose key does not fit the datasource\'s period type', () => {
  // Creating a job lists the datasources (10 calls a second, §4); let the jobs above age out of the window.
  beforeAll(async () => { await new Promise((ok) => setTimeout(ok, 1100)) })
  const one = () => [{ row: 0, employment_id: hired[40]!.employment_id, values: { overtime_pay__c: '1.00' } }]
  it.each([
    ['a payroll period on an occur-day datasource', { source_code: 'overtime_daily__c', payroll_period: '2026-03' }, 'payroll_period', 'wrong_dimension'],
    ['an occur day on a payroll-period datasource', { source_code: 'attendance_deduction__c', occur_day: '2026-03-09' }, 'payroll_period', 'wrong_dimension'],
    ['a custom period without its end', { source_code: 'project_bonus__c', custom_start: '2026-03-01' }, 'custom_end', 'wrong_dimension'],
    ['a custom period that ends before it starts', { source_code: 'project_bonus__c', custom_start: '2026-03-10', custom_end: '2026-03-01' }, 'custom_end', 'end_before_start'],
    ['an occur day that is not a day', { source_code: 'overtime_daily__c', occur_day: '2026-02-30' }, 'occur_day', 'bad_date'],
  ])('refuses %s with a clear error and writes nothing', async (_name, t, field, code) => {
    const client = await stack.signedIn('wangfang')
    const since = await lastCallSeq(stack.sandbox.url)
    const res = await client.request('POST', '/api/jobs', { idempotency_key: `dim-bad-${field}-${code}-${t.source_code}`, kind: 'payroll_save', target: { type: 'payroll', ...t }, rows: one() })
    expect(res.status).toBe(400)
    expect(res.json.error).toMatchObject({ code: 'invalid_rows', details: { rows: [{ row: -1, field, code }] } })
    expect(await sandboxCalls(stack.sandbox.url, { api: 'datasource_record.save', sinceSeq: since })).toHaveLength(0)
  })

  it('refuses a records read that names no dimension or two', async () => {
    const client = await stack.signedIn('wangfang')
    const ids = [hired[40]!.employment_id]
    expect((await client.request('POST', '/api/payroll/records', { source_code: 'overtime_daily__c', employment_ids: ids })).status).toBe(400)
    expect((await client.request('POST', '/api/payroll/records', { source_code: 'overtime_daily__c', occur_day: '2026-03-09', payroll_period: '2026-03', employment_ids: ids })).status).toBe(400)
    expect((await client.request('POST', '/api/payroll/records', { source_code: 'project_bonus__c', custom_start: '2026-03-09', employment_ids: ids })).status).toBe(400)
  })
})

describe('the period and the one just before, read together for occur-day and custom-period datasources', () => {
  async function editAs(source: string, records: Array<{ employment_id: string; key: Record<string, string>; money: [string, string] }>) {
    const res = await fetch(`${stack.sandbox.url}/sandbox/payroll/edit`, {
      method: 'POST', headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ user_id: 'wangfang', source_code: source, records: records.map((r) => ({ active_status: 1, field_values: [{ field_code: 'employment_id', value: r.employment_id }, ...Object.entries(r.key).map(([field_code, value]) => ({ field_code, value })), { field_code: r.money[0], value: r.money[1] }] })) }),
    })
    expect(res.status).toBe(200)
  }

  it('reads an occur day with the day before in one query and keeps the next day out', async () => {
    const [a, b] = [hired[50]!, hired[51]!]
    await editAs('overtime_daily__c', [
      { employment_id: a.employment_id, key: { occur_day: '2026-07-20' }, money: ['overtime_pay__c', '10.00'] },
      { employment_id: b.employment_id, key: { occur_day: '2026-07-19' }, money: ['overtime_pay__c', '20.00'] },
      { employment_id: b.employment_id, key: { occur_day: '2026-07-21' }, money: ['overtime_pay__c', '30.00'] },
    ])
    const client = await stack.signedIn('wangfang')
    const since = await lastCallSeq(stack.sandbox.url)
    const res = await client.request('POST', '/api/payroll/period-records', { source_code: 'overtime_daily__c', occur_day: '2026-07-20' })
    expect(res.status).toBe(200)
    expect(res.json).toEqual({
      key: { occur_day: '2026-07-20' }, previous_key: { occur_day: '2026-07-19' }, cursor: null,
      current: { [a.employment_id]: { active_status: 1, values: { overtime_pay__c: '10.00' } } },
      previous: { [b.employment_id]: { active_status: 1, values: { overtime_pay__c: '20.00' } } },
    })
    expect(await sandboxCalls(stack.sandbox.url, { api: 'datasource_record.query', sinceSeq: since })).toHaveLength(1)
  })

  it('reads a custom period with the same length just before in one query, leaving out a record that straddles both', async () => {
    const [a, b, c] = [hired[52]!, hired[53]!, hired[54]!]
    // 2026-08-01 – 2026-08-31 (31 days): the previous period is 2026-07-01 – 2026-07-31.
    await editAs('project_bonus__c', [
      { employment_id: a.employment_id, key: { custom_start: '2026-08-01', custom_end: '2026-08-31' }, money: ['project_bonus_amount__c', '100.00'] },
      { employment_id: b.employment_id, key: { custom_start: '2026-07-01', custom_end: '2026-07-31' }, money: ['project_bonus_amount__c', '200.00'] },
      { employment_id: c.employment_id, key: { custom_start: '2026-07-01', custom_end: '2026-08-31' }, money: ['project_bonus_amount__c', '300.00'] },
    ])
    const client = await stack.signedIn('wangfang')
    const since = await lastCallSeq(stack.sandbox.url)
    const res = await client.request('POST', '/api/payroll/period-records', { source_code: 'project_bonus__c', custom_start: '2026-08-01', custom_end: '2026-08-31' })
    expect(res.status).toBe(200)
    expect(res.json.previous_key).toEqual({ custom_start: '2026-07-01', custom_end: '2026-07-31' })
    expect(res.json.current).toEqual({ [a.employment_id]: { active_status: 1, values: { project_bonus_amount__c: '100.00' } } })
    expect(res.json.previous).toEqual({ [b.employment_id]: { active_status: 1, values: { project_bonus_amount__c: '200.00' } } })
    expect(await sandboxCalls(stack.sandbox.url, { api: 'datasource_record.query', sinceSeq: since })).toHaveLength(1)
  })

  it('reads a custom period too long for one window as two queries of the same family (§4.3: ranges ≤ 90 days)', async () => {
    const client = await stack.signedIn('wangfang')
    const since = await lastCallSeq(stack.sandbox.url)
    const res = await client.request('POST', '/api/payroll/period-records', { source_code: 'project_bonus__c', custom_start: '2027-01-01', custom_end: '2027-06-30' })
    expect(res.status).toBe(200)
    expect(res.json.previous_key).toEqual({ custom_start: '2026-07-04', custom_end: '2026-12-31' })
    const reads = await sandboxCalls(stack.sandbox.url, { api: 'datasource_record.query', sinceSeq: since })
    expect(reads.map((r) => r.code)).toEqual([0, 0])
  })
})
