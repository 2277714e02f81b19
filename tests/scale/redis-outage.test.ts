import { spawn, type ChildProcess } from 'node:child_process'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startSandbox } from '../../server/sandbox/index'
import { freePort, sandboxEmployees, setKnobs } from '../server/harness'
import { cluster } from './cluster'

/**
 * A Redis of the test's own (so the machine's shared one is never stopped): the server uses it,
 * it dies in the middle of a job, and comes back. The job pauses, loses nothing, and continues.
 */
let sandbox: Awaited<ReturnType<typeof startSandbox>>
let redis: ChildProcess | null = null
let redisPort = 0
let c: ReturnType<typeof cluster>

async function startRedis() {
  redis = spawn('redis-server', ['--port', String(redisPort), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' })
  for (let i = 0; i < 50; i++) {
    const ok = await new Promise<boolean>((done) => {
      const p = spawn('redis-cli', ['-p', String(redisPort), 'ping'], { stdio: ['ignore', 'pipe', 'ignore'] })
      let out = ''
      p.stdout.on('data', (d: Buffer) => { out += d.toString() })
      p.on('exit', () => done(out.includes('PONG')))
    })
    if (ok) return
    await new Promise((ok2) => setTimeout(ok2, 100))
  }
  throw new Error('redis-server did not start')
}

beforeAll(async () => {
  sandbox = await startSandbox({ port: 0 })
  redisPort = await freePort()
  await startRedis()
  c = cluster(sandbox.url)
}, 60_000)
afterAll(async () => {
  await c?.stop()
  redis?.kill('SIGKILL')
  await sandbox?.close()
}, 60_000)

describe('a Redis outage in the middle of a job', () => {
  it('pauses the job without losing a row, and the job finishes by itself once Redis is back', async () => {
    const node = await c.start('outage', { REDIS_URL: `redis://127.0.0.1:${redisPort}`, JOB_AUTO_RESUME_MS: '500' })
    const cookie = await c.signIn(node, 'wangfang')
    const people = await sandboxEmployees(sandbox.url, { status: 'hired', limit: 400 })
    await setKnobs(sandbox.url, { latencyMs: 100 })
    const res = await c.call(node, cookie, 'POST', '/api/jobs', { idempotency_key: 'redis-outage-job', kind: 'payroll_save', target: { type: 'payroll', source_code: 'attendance_deduction__c', payroll_period: '2016-06' }, rows: people.map((e, i) => ({ row: i + 2, employment_id: e.employment_id, values: { meal_allowance__c: String(i) } })) })
    const id = (res.json.job as { id: string }).id
    const job = async () => (await c.call(node, cookie, 'GET', `/api/jobs/${id}`)).json.job as { status: string; pause_reason: string | null; counts: Record<string, number> }
    while ((await job()).counts.succeeded! < 50) await new Promise((ok) => setTimeout(ok, 50))

    redis!.kill('SIGKILL')
    let paused = await job()
    for (let i = 0; i < 100 && paused.status !== 'paused'; i++) { await new Promise((ok) => setTimeout(ok, 100)); paused = await job() }
    expect(paused).toMatchObject({ status: 'paused', pause_reason: 'service_unavailable' })
    expect(paused.counts.pending).toBeGreaterThan(0)

    await setKnobs(sandbox.url, { latencyMs: 0 })
    await startRedis()
    let done = await job()
    for (let i = 0; i < 300 && done.status !== 'succeeded'; i++) { await new Promise((ok) => setTimeout(ok, 100)); done = await job() }
    expect(done).toMatchObject({ status: 'succeeded', counts: { total: 400, succeeded: 400, pending: 0, failed: 0 } })
    const records = ((await (await fetch(`${sandbox.url}/sandbox/inspect/payroll?source_code=attendance_deduction__c`)).json()) as { records: Array<{ period: string }> }).records
    expect(records.filter((r) => r.period === '2016-06')).toHaveLength(400)
  }, 90_000)
})
