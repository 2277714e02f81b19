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
