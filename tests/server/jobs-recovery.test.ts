import Database from 'better-sqlite3'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startSandbox } from '../../server/sandbox/index'
import { childServer, type ChildServer } from './child-server'
import { sandboxCalls, sandboxEmployees, setKnobs } from './harness'

/**
 * The real server as a separate process (as in production, pointed at the sandbox as its Feishu),
 * killed with SIGKILL in the middle of a job and started again on the same data directory.
 */
let sandbox: Awaited<ReturnType<typeof startSandbox>>
let server: ChildServer

beforeAll(async () => {
  sandbox = await startSandbox({ port: 0 })
  server = await childServer(sandbox.url)
})
afterAll(async () => {
  await server.kill()
  await sandbox.close()
})

describe('a crash in the middle of a job', () => {
  it('loses nothing: after SIGKILL and a restart the job finishes with exact counts', async () => {
    await server.start()
    const call = await server.signedIn('wangfang')

    await setKnobs(sandbox.url, { latencyMs: 250 })
    const people = await sandboxEmployees(sandbox.url, { status: 'hired', limit: 500 })
    const created = await call('POST', '/api/jobs', {
      idempotency_key: 'crash-test-job-1', kind: 'payroll_save', target: { type: 'payroll', source_code: 'attendance_deduction__c', payroll_period: '2022-05' },
      rows: people.map((e, i) => ({ row: i + 2, employment_id: e.employment_id, values: { absence_hours__c: `${i % 10}.5` } })),
    })
    expect(created.status).toBe(201)
    const id = (created.json.job as { id: string }).id

    // Kill while a batch is in flight (each save takes 250 ms inside Feishu).
    for (;;) {
      const j = (await call('GET', `/api/jobs/${id}`)).json.job as { counts: { succeeded: number } }
      if (j.counts.succeeded >= 100) break
      await new Promise((ok) => setTimeout(ok, 50))
    }
    await new Promise((ok) => setTimeout(ok, 120))
    await server.kill()
    const afterKill = (await sandboxCalls(sandbox.url, { api: 'datasource_record.save' })).length

    await setKnobs(sandbox.url, { latencyMs: 0 })
    await server.start()
    let job: { status: string; counts: Record<string, number>; affect_count: number } | undefined
    for (let i = 0; i < 300; i++) {
      job = (await call('GET', `/api/jobs/${id}`)).json.job as typeof job
      if (job?.status === 'succeeded' || job?.status === 'finished_with_errors') break
      await new Promise((ok) => setTimeout(ok, 100))
    }
    expect(job).toMatchObject({ status: 'succeeded', counts: { total: 500, succeeded: 500, failed: 0, pending: 0 } })
    const records = ((await (await fetch(`${sandbox.url}/sandbox/inspect/payroll?source_code=attendance_deduction__c`)).json()) as { records: Array<{ period: string; employment_id: string; values: Record<string, string> }> }).records.filter((r) => r.period === '2022-05')
    expect(records).toHaveLength(500)
    expect(records.find((r) => r.employment_id === people[499]!.employment_id)?.values.absence_hours__c).toBe('9.5')
    // Feishu counts a record as affected when the save changes it. 10 batches of 50 new records; if
    // the batch in flight at the kill reached Feishu, its answer was lost with the process and its
    // resend changed nothing (same values): that batch adds 0. The job sums each recorded answer once.
    const applied = (await sandboxCalls(sandbox.url, { api: 'datasource_record.save' })).filter((x) => x.code === 0).length
    expect([10, 11]).toContain(applied)
    expect(job!.affect_count).toBe(500 - 50 * (applied - 10))
    expect((await sandboxCalls(sandbox.url, { api: 'datasource_record.save' })).length).toBeGreaterThan(afterKill)
  }, 90_000)

  it('survives five kills at random moments: every record ends written exactly once, counts exact', async () => {
    // A seeded generator: the "random" moments are the same on every run, so a failure reproduces.
    let seed = 20261122
    const rand = () => { seed = (seed * 1103515245 + 12345) % 2 ** 31; return seed / 2 ** 31 }
    await server.kill()
    await server.start()
    const call = await server.signedIn('wangfang')
    // 2,000 rows at 200 ms a save: ≥ 8 s of saves, far more than the five waits below add up to,
    // so every kill lands while the job still has rows to write (asserted before each kill).
    await setKnobs(sandbox.url, { latencyMs: 200 })
    const people = await sandboxEmployees(sandbox.url, { status: 'hired', limit: 2000 })
    const created = await call('POST', '/api/jobs', {
      idempotency_key: 'crash-test-job-random', kind: 'payroll_save', target: { type: 'payroll', source_code: 'sales_commission__c', payroll_period: '2022-07' },
      rows: people.map((e, i) => ({ row: i + 2, employment_id: e.employment_id, values: { deals_closed__c: String(i), client_note__c: `n${i}` } })),
    })
    const id = (created.json.job as { id: string }).id
    const atKill: Array<{ status: string; pending: number }> = []
    for (let k = 0; k < 5; k++) {
      // The restarted server takes the job up again first; then a random moment of its run.
      for (let i = 0; i < 100; i++) {
        if (((await call('GET', `/api/jobs/${id}`)).json.job as { status: string }).status === 'running') break
        await new Promise((ok) => setTimeout(ok, 50))
      }
      await new Promise((ok) => setTimeout(ok, 150 + Math.floor(rand() * 900)))
      const j = (await call('GET', `/api/jobs/${id}`)).json.job as { status: string; counts: { pending: number } }
      atKill.push({ status: j.status, pending: j.counts.pending })
      await server.kill()
      await server.start()
    }
    expect(atKill).toHaveLength(5)
    for (const k of atKill) {
      expect(k.status).toBe('running')
      expect(k.pending).toBeGreaterThan(0)
    }
    await setKnobs(sandbox.url, { latencyMs: 0 })
    let job: { status: string; counts: Record<string, number> } | undefined
    for (let i = 0; i < 600; i++) {
      job = (await call('GET', `/api/jobs/${id}`)).json.job as typeof job
      if (job?.status === 'succeeded' || job?.status === 'finished_with_errors') break
      await new Promise((ok) => setTimeout(ok, 100))
    }
    expect(job).toMatchObject({ status: 'succeeded', counts: { total: 2000, succeeded: 2000, failed: 0, pending: 0 } })
    const records = ((await (await fetch(`${sandbox.url}/sandbox/inspect/payroll?source_code=sales_commission__c`)).json()) as { records: Array<{ period: string; employment_id: string; values: Record<string, string> }> }).records.filter((r) => r.period === '2022-07')
    expect(records).toHaveLength(2000)
    expect(new Set(records.map((r) => r.employment_id)).size).toBe(2000)
    for (const [i, e] of people.entries()) expect(records.find((r) => r.employment_id === e.employment_id)?.values).toMatchObject({ deals_closed__c: String(i), client_note__c: `n${i}` })
  }, 180_000)

  it('reads back, after the restart, a batch that was saved before the kill but never read back', async () => {
    await server.kill()
    await server.start()
    const call = await server.signedIn('wangfang')
    // Read-back queries two saved batches at a time (≤ 100 employments): killed after the first
    // save of 50 and before the second, the first batch is saved and not yet read back.
    await setKnobs(sandbox.url, { latencyMs: 300 })
    const people = (await sandboxEmployees(sandbox.url, { status: 'hired', limit: 400 })).slice(100, 400)
    const created = await call('POST', '/api/jobs', {
      idempotency_key: 'crash-test-read-back', kind: 'payroll_save', target: { type: 'payroll', source_code: 'attendance_deduction__c', payroll_period: '2022-09' },
      rows: people.map((e, i) => ({ row: i + 2, employment_id: e.employment_id, values: { absence_hours__c: `${i % 7}.5` } })),
    })
    expect(created.status).toBe(201)
    const id = (created.json.job as { id: string }).id
    for (;;) {
      const j = (await call('GET', `/api/jobs/${id}`)).json.job as { counts: { succeeded: number } }
      if (j.counts.succeeded >= 50) break
      await new Promise((ok) => setTimeout(ok, 10))
    }
    await server.kill()

    // What the killed process left: written rows without a read-back (the case under test).
    const db = new Database(join(server.dataDir, 'app.db'), { readonly: true })
    const unchecked = (db.prepare("SELECT COUNT(*) AS n FROM job_rows WHERE job_id = ? AND status = 'succeeded' AND check_state IS NULL").get(id) as { n: number }).n
    db.close()
    expect(unchecked).toBeGreaterThanOrEqual(50)

    await setKnobs(sandbox.url, { latencyMs: 0 })
    const since = Math.max(0, ...(await sandboxCalls(sandbox.url)).map((c) => c.seq))
    await server.start()
    let job: { status: string; counts: Record<string, number>; checks?: Record<string, number> } | undefined
    for (let i = 0; i < 300; i++) {
      job = (await call('GET', `/api/jobs/${id}`)).json.job as typeof job
      if (job?.status === 'succeeded' || job?.status === 'finished_with_errors') break
      await new Promise((ok) => setTimeout(ok, 100))
    }
    expect(job).toMatchObject({ status: 'succeeded', counts: { total: 300, succeeded: 300, failed: 0 } })
    // Every written row was read back — those saved before the kill included — and Feishu holds what was sent.
    expect(job!.checks).toMatchObject({ confirmed: 300 })
    expect(job!.checks?.differs ?? 0).toBe(0)
    expect((await sandboxCalls(sandbox.url, { api: 'datasource_record.query', sinceSeq: since })).length).toBeGreaterThan(0)
  }, 90_000)

})
