import { spawn } from 'node:child_process'
import { mkdtempSync } from 'node:fs'
import { createServer, type Server } from 'node:net'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import Database from 'better-sqlite3'
import { Redis } from 'ioredis'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildApp } from '../../server/app'
import { ConfigError } from '../../server/config'
import type { Phase } from '../../server/routes/health'
import { startServer } from '../../server/start'
import { openSqlite } from '../../server/store/sqlite'
import { freePort, setKnobs, startStack, testLogger } from './harness'
import { api, signIn, startReal } from './real-server'

const holdPort = async (): Promise<Server> => new Promise((ok) => { const s = createServer(); s.listen(0, '127.0.0.1', () => ok(s)) })
const portOf = (s: Server) => (s.address() as { port: number }).port

describe('health', () => {
  let stack: Awaited<ReturnType<typeof startStack>>
  beforeAll(async () => { stack = await startStack() })
  afterAll(async () => { await stack.close() })

  function appIn(phase: Phase, readyChecks: Record<string, () => Promise<unknown>> = {}) {
    return buildApp({ config: stack.config, db: stack.db, clock: stack.clock, logger: testLogger([]), distDir: resolve('dist'), phase: () => phase, readyChecks }).app
  }

  it('/healthz says the process answers; /readyz says ready only while serving with its store reachable', async () => {
    const serving = appIn('serving')
    expect(await (await serving.request('/healthz')).json()).toEqual({ status: 'ok' })
    const ready = await serving.request('/readyz')
    expect(ready.status).toBe(200)
    expect(await ready.json()).toEqual({ status: 'ready', checks: { database: 'ok' } })
    for (const [phase, reason] of [['starting', 'migrating'], ['stopping', 'shutting_down']] as const) {
      const r = await appIn(phase).request('/readyz')
      expect(r.status).toBe(503)
      expect(await r.json()).toEqual({ status: 'not_ready', reason })
      expect((await appIn(phase).request('/healthz')).status).toBe(200)
    }
  })

  it('/readyz is not ready when Redis (configured) or the database does not answer', async () => {
    const redis = new Redis('redis://127.0.0.1:6379', { lazyConnect: true, maxRetriesPerRequest: 0 })
    const gone = new Redis(`redis://127.0.0.1:${await freePort()}`, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null })
    gone.on('error', () => undefined) // the refusal is the point; ioredis would print it as unhandled
    try {
      expect((await appIn('serving', { redis: () => redis.ping() }).request('/readyz')).status).toBe(200)
      const down = await appIn('serving', { redis: () => gone.ping() }).request('/readyz')
      expect(down.status).toBe(503)
      expect(await down.json()).toEqual({ status: 'not_ready', reason: 'dependency_down', checks: { database: 'ok', redis: 'down' } })
      const dir = mkdtempSync(join(tmpdir(), 'hr-closed-db-'))
      const closedDb = await openSqlite(join(dir, 'app.db'))
      await closedDb.destroy()
      const noDb = buildApp({ config: stack.config, db: closedDb, clock: stack.clock, logger: testLogger([]), distDir: resolve('dist') }).app
      expect(await (await noDb.request('/readyz')).json()).toMatchObject({ status: 'not_ready', checks: { database: 'down' } })
    } finally {
      redis.disconnect()
      gone.disconnect()
    }
  })
})

describe('start-up', () => {
  it('a taken PORT stops the start with one line naming the variable to set', async () => {
    const taken = await holdPort()
    try {
      const attempt = startServer({ PORT: String(portOf(taken)), SANDBOX_PORT: '0', HOST: '127.0.0.1', DATA_DIR: mkdtempSync(join(tmpdir(), 'hr-port-')) }, { logger: testLogger([]) })
      await expect(attempt).rejects.toBeInstanceOf(ConfigError)
      const message = await attempt.catch((e: Error) => e.message)
      expect(message).toBe(`Port ${portOf(taken)} is already in use. Set PORT to a free port (for example PORT=${portOf(taken) + 10}), or stop what is listening on ${portOf(taken)}.`)
    } finally {
      taken.close()
    }
  })

  it('in sandbox mode a taken SANDBOX_PORT is replaced by a free one, said in one line, and sign-in works through it', async () => {
    const taken = await holdPort()
    const server = await startReal({ SANDBOX_PORT: String(portOf(taken)) })
    try {
      expect(new URL(server.sandbox).port).not.toBe(String(portOf(taken)))
      const warning = server.logs.map((l) => JSON.parse(l) as { level: string; msg: string }).find((l) => l.msg.includes('SANDBOX_PORT'))
      expect(warning).toMatchObject({ level: 'warn', msg: `Port ${portOf(taken)} (SANDBOX_PORT) is in use: the sandbox Feishu listens on ${new URL(server.sandbox).port} instead` })
      const cookie = await signIn(server, 'wangfang')
      expect((await api(server, 'GET', '/api/me', cookie)).json).toMatchObject({ user: { name: '王芳' } })
    } finally {
      await server.close()
      taken.close()
    }
  })
})

describe('graceful shutdown', () => {
  it('lets the batch in flight finish its Feishu call and record it, leaves the job to resume, and stops', async () => {
    const server = await startReal()
    const cookie = await signIn(server, 'wangfang')
    await setKnobs(server.sandbox, { latencyMsByApi: { 'datasource_record.save': 400 } })
    const people = (await (await fetch(`${server.sandbox}/sandbox/inspect/employees?status=hired&limit=150`)).json()) as { employees: Array<{ employment_id: string }> }
    const rows = people.employees.map((e, i) => ({ row: i + 2, employment_id: e.employment_id, values: { late_deduction__c: `${i + 1}.50` } }))
    const created = await api(server, 'POST', '/api/jobs', cookie, { idempotency_key: 'shutdown-job-0001', kind: 'payroll_save', target: { type: 'payroll', source_code: 'attendance_deduction__c', payroll_period: '2024-12' }, rows })
    expect(created.status).toBe(201)
    const jobId = (created.json.job as { id: string }).id
    // Wait until a save is on its way to Feishu, then shut down.
    for (;;) {
      const calls = (await (await fetch(`${server.sandbox}/sandbox/inspect/calls`)).json()) as { calls?: Array<{ path: string; endMs: number | null }> } | Array<{ path: string; endMs: number | null }>
      const list = Array.isArray(calls) ? calls : (calls.calls ?? [])
      if (list.some((c) => c.path.endsWith('/datasource_records/save') && c.endMs === null)) break
      await new Promise((r) => setTimeout(r, 10))
    }
    const db = new Database(join(server.dataDir, 'app.db'), { readonly: true })
    const batchStates = () => db.prepare('select state, idx_from, idx_to from job_batches where job_id = ? order by seq').all(jobId) as Array<{ state: string; idx_from: number; idx_to: number }>
    try {
      // The first save is on its way and nothing is recorded yet.
      expect(batchStates().filter((b) => b.state === 'done')).toEqual([])
      await server.close()

      // That save finished and was recorded with its rows; nothing after it was sent.
      const batches = batchStates()
      const done = batches.filter((b) => b.state === 'done')
      expect(done.length).toBe(1)
      const rowsIn = (bs: typeof batches) => bs.reduce((n, b) => n + b.idx_to - b.idx_from, 0) // idx_to is exclusive
      const statuses = db.prepare('select status, count(*) as n from job_rows where job_id = ? group by status').all(jobId) as Array<{ status: string; n: number }>
      expect(Object.fromEntries(statuses.map((s) => [s.status, s.n]))).toEqual({ succeeded: rowsIn(done), pending: rows.length - rowsIn(done) })
      // Still 'running', so the next start (or another instance) continues it; a batch the look-ahead
      // worker had marked but never sent is resent then, like any batch caught in flight.
      expect((db.prepare('select status from jobs where id = ?').get(jobId) as { status: string }).status).toBe('running')
    } finally {
      db.close()
    }
    const messages = server.logs.map((l) => (JSON.parse(l) as { msg: string }).msg)
    expect(messages.indexOf('stopped')).toBeGreaterThan(messages.findIndex((m) => m.startsWith('shutting down')))
  })

  it('SIGTERM ends `node server/index.ts` cleanly (exit code 0) after its shutdown', async () => {
    const port = await freePort()
    const child = spawn(process.execPath, ['--import', 'tsx', 'server/index.ts'], {
      env: { ...process.env, PORT: String(port), SANDBOX_PORT: '0', HOST: '127.0.0.1', DATA_DIR: mkdtempSync(join(tmpdir(), 'hr-sigterm-')), LOG_LEVEL: 'info' },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let out = ''
    child.stdout.on('data', (d: Buffer) => { out += d.toString() })
    child.stderr.on('data', (d: Buffer) => { out += d.toString() })
    const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)))
    for (;;) {
      const ready = await fetch(`http://127.0.0.1:${port}/readyz`).then((r) => r.status, () => 0)
      if (ready === 200) break
      await new Promise((r) => setTimeout(r, 50))
    }
    child.kill('SIGTERM')
    expect(await exited).toBe(0)
    expect(out).toContain('"msg":"stopped"')
  })
})
