import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startSandbox } from '../../server/sandbox/index'
import { sandboxCalls, sandboxEmployees, setKnobs, type SandboxEmployee } from '../server/harness'
import { cluster, type Node } from './cluster'

/** Three server processes on PostgreSQL + Redis, sharing one sandbox Feishu (issue: scale out). */
let sandbox: Awaited<ReturnType<typeof startSandbox>>
let c: ReturnType<typeof cluster>
let nodes: Node[]
let hired: SandboxEmployee[]
let sales: SandboxEmployee[]

beforeAll(async () => {
  sandbox = await startSandbox({ port: 0 })
  c = cluster(sandbox.url)
  // Started one after another: the first runs the migrations, the others find them done.
  nodes = [await c.start('a'), await c.start('b'), await c.start('c')]
  hired = await sandboxEmployees(sandbox.url, { status: 'hired', limit: 600 })
  sales = await sandboxEmployees(sandbox.url, { status: 'hired', department: 'SAL', limit: 300 })
}, 120_000)
afterAll(async () => {
  await c?.stop()
  await sandbox?.close()
}, 60_000)

type Job = { id: string; status: string; counts: Record<string, number>; affect_count: number }
async function waitJob(node: Node, cookie: string, id: string, timeoutMs = 90_000): Promise<Job> {
  const until = Date.now() + timeoutMs
  for (;;) {
    const job = (await c.call(node, cookie, 'GET', `/api/jobs/${id}`)).json.job as Job
    if (['succeeded', 'finished_with_errors', 'failed', 'cancelled'].includes(job.status)) return job
    if (Date.now() > until) throw new Error(`job ${id} still ${job.status}`)
    await new Promise((ok) => setTimeout(ok, 100))
  }
}

describe('several server processes on PostgreSQL and Redis', () => {
  it('a session created on one process works on the others', async () => {
    const cookie = await c.signIn(nodes[0]!, 'wangfang')
    for (const n of nodes) {
      const me = await c.call(n, cookie, 'GET', '/api/me')
      expect(me.status, n.name).toBe(200)
      expect(me.json.user).toMatchObject({ user_id: 'wangfang' })
    }
  })

  it('six concurrent jobs of three people on two datasources: never two saves at once on one datasource, never above the app’s rate', async () => {
    await setKnobs(sandbox.url, { latencyMs: 20 })
    const since = Math.max(0, ...(await sandboxCalls(sandbox.url)).map((x) => x.seq))
    const people = ['wangfang', 'chenjing', 'lina'] as const
    const plans = people.flatMap((user, u) => ['attendance_deduction__c', 'sales_commission__c'].map((source, s) => ({ user, node: nodes[(u + s) % 3]!, source, period: `2019-0${u * 2 + s + 1}` })))
    const cookies = new Map<string, string>()
    const created = await Promise.all(plans.map(async (p) => {
      const cookie = cookies.get(`${p.user}@${p.node.name}`) ?? (await c.signIn(p.node, p.user))
      cookies.set(`${p.user}@${p.node.name}`, cookie)
      const staff = p.user === 'lina' ? sales : hired
      const rows = staff.slice(0, 150).map((e, i) => ({ row: i + 2, employment_id: e.employment_id, values: p.source === 'sales_commission__c' ? { deals_closed__c: String(i) } : { meal_allowance__c: String(i) } }))
      const res = await c.call(p.node, cookie, 'POST', '/api/jobs', { idempotency_key: `six-${p.user}-${p.source}`, kind: 'payroll_save', target: { type: 'payroll', source_code: p.source, payroll_period: p.period }, rows })
      expect(res.status).toBe(201)
      return { ...p, cookie, id: (res.json.job as Job).id }
    }))
    const jobs = await Promise.all(created.map((j) => waitJob(j.node, j.cookie, j.id)))
    for (const j of jobs) expect(j).toMatchObject({ status: 'succeeded', counts: { total: 150, succeeded: 150 } })

    const saves = await sandboxCalls(sandbox.url, { api: 'datasource_record.save', sinceSeq: since })
    expect(saves).toHaveLength(6 * 3)
    expect(saves.filter((s) => s.code === 2500021)).toEqual([])
    expect(saves.filter((s) => s.code === 99991400 || s.status === 429)).toEqual([])
    const starts = saves.map((s) => s.startMs).sort((x, y) => x - y)
    for (let i = 10; i < starts.length; i++) expect(starts[i]! - starts[i - 10]!).toBeGreaterThanOrEqual(1000)
    await setKnobs(sandbox.url, { latencyMs: 0 })
  }, 120_000)

  it('streams a job’s progress from a process other than the one running it', async () => {
    const cookie = await c.signIn(nodes[0]!, 'wangfang')
    await setKnobs(sandbox.url, { latencyMs: 20 })
    const res = await c.call(nodes[0]!, cookie, 'POST', '/api/jobs', { idempotency_key: 'stream-elsewhere', kind: 'payroll_save', target: { type: 'payroll', source_code: 'attendance_deduction__c', payroll_period: '2018-01' }, rows: hired.slice(0, 200).map((e, i) => ({ row: i, employment_id: e.employment_id, values: { meal_allowance__c: '1' } })) })
    const id = (res.json.job as Job).id
    const stream = await fetch(`${nodes[2]!.url}/api/jobs/${id}/events`, { headers: { Cookie: cookie } })
    const text = await stream.text()
    expect(text).toContain('event: end')
    const last = text.split('\n\n').filter((b) => b.startsWith('event: progress')).at(-1)!
    expect(JSON.parse(/data: (.*)/.exec(last)![1]!)).toMatchObject({ status: 'succeeded', counts: { succeeded: 200 } })
    await setKnobs(sandbox.url, { latencyMs: 0 })
  }, 60_000)

  it('SIGKILL of the process running a job: another takes it over and finishes with exact counts', async () => {
    const victim = await c.start('victim')
    const cookie = await c.signIn(victim, 'wangfang')
    await setKnobs(sandbox.url, { latencyMs: 200 })
    const res = await c.call(victim, cookie, 'POST', '/api/jobs', { idempotency_key: 'kill-me-mid-job', kind: 'payroll_save', target: { type: 'payroll', source_code: 'attendance_deduction__c', payroll_period: '2017-03' }, rows: hired.slice(0, 500).map((e, i) => ({ row: i + 2, employment_id: e.employment_id, values: { absence_hours__c: `${i % 7}.5` } })) })
    expect(res.status, JSON.stringify(res.json)).toBe(201)
    const id = (res.json.job as Job).id
    for (;;) {
      const job = (await c.call(victim, cookie, 'GET', `/api/jobs/${id}`)).json.job as Job
      if (job.counts.succeeded! >= 100) break
      await new Promise((ok) => setTimeout(ok, 50))
    }
    victim.child.kill('SIGKILL')
    await new Promise((ok) => victim.child.once('exit', ok))
    await setKnobs(sandbox.url, { latencyMs: 0 })
    const job = await waitJob(nodes[1]!, cookie, id)
    expect(job).toMatchObject({ status: 'succeeded', counts: { total: 500, succeeded: 500, failed: 0, pending: 0 } })
    const records = ((await (await fetch(`${sandbox.url}/sandbox/inspect/payroll?source_code=attendance_deduction__c`)).json()) as { records: Array<{ period: string }> }).records
    expect(records.filter((r) => r.period === '2017-03')).toHaveLength(500)
  }, 120_000)
})
