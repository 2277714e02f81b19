import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { requestedScopes } from '../../server/auth/capabilities'
import { PAYROLL_APPROVAL_CODE } from '../../server/sandbox/approval/definitions'
import { SANDBOX_APP_ID, SANDBOX_APP_SECRET } from '../../server/sandbox/credentials'
import { startSandbox } from '../../server/sandbox/index'
import { freePort, sandboxCalls, sandboxEmployees, setKnobs } from './harness'

/**
 * Submitting for approval runs in the background (issue 15). The real server as a separate process,
 * killed with SIGKILL while Feishu is creating the approval instance, started again on the same data:
 * the submission resumes with the uuid it stored before the call, so Feishu answers the instance it
 * already made — one instance for the job, never two — and the job waits for it, then runs once.
 */
let sandbox: Awaited<ReturnType<typeof startSandbox>>
let child: ChildProcess | null = null
const dataDir = mkdtempSync(join(tmpdir(), 'hr-approval-crash-'))
let port = 0

beforeAll(async () => {
  sandbox = await startSandbox({ port: 0 })
  port = await freePort()
  await setKnobs(sandbox.url, { appScopes: [...new Set([...sandbox.state.knobs.appScopes, 'approval:approval', 'approval:instance'])] })
})
afterAll(async () => {
  child?.kill('SIGKILL')
  await sandbox.close()
})

async function startChild(): Promise<void> {
  child = spawn(process.execPath, ['--import', 'tsx', 'server/index.ts'], {
    env: {
      ...process.env, FEISHU_APP_ID: SANDBOX_APP_ID, FEISHU_APP_SECRET: SANDBOX_APP_SECRET, FEISHU_BASE_URL: sandbox.url,
      SESSION_SECRET: 'approval-crash-session-secret-0123456789ab', PUBLIC_URL: `http://localhost:${port}`, PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir, LOG_LEVEL: 'warn',
      PAYROLL_APPROVAL_CODE, APPROVAL_POLL_MS: '1000',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  })
  for (let i = 0; i < 200; i++) {
    try { if ((await fetch(`http://127.0.0.1:${port}/api/config`)).ok) return } catch { /* not yet */ }
    await new Promise((ok) => setTimeout(ok, 100))
  }
  throw new Error('the server did not start')
}

async function kill() {
  child!.kill('SIGKILL')
  await new Promise((ok) => child!.once('exit', ok))
}

const api = (cookie: string) => async (method: string, path: string, body?: unknown) => {
  const res = await fetch(`http://127.0.0.1:${port}${path}`, { method, headers: { Cookie: cookie, 'X-Requested-With': 'XMLHttpRequest', ...(body ? { 'Content-Type': 'application/json' } : {}) }, body: body ? JSON.stringify(body) : undefined })
  return { status: res.status, json: (await res.json()) as Record<string, unknown> }
}

async function signedIn(userId: string) {
  const { code } = (await (await fetch(`${sandbox.url}/sandbox/codes`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ user_id: userId, kind: 'request_access', scopes: requestedScopes }) })).json()) as { code: string }
  const signIn = await fetch(`http://127.0.0.1:${port}/api/session`, { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-Requested-With': 'XMLHttpRequest' }, body: JSON.stringify({ code, source: 'request_access' }) })
  return api(signIn.headers.get('set-cookie')!.split(';')[0]!)
}

type Job = { id: string; status: string; approval: { instance_code: string } | null; counts: { succeeded: number } }

async function until(call: Awaited<ReturnType<typeof signedIn>>, id: string, statuses: string[]): Promise<Job> {
  for (let i = 0; i < 400; i++) {
    const job = (await call('GET', `/api/jobs/${id}`)).json.job as Job
    if (statuses.includes(job.status)) return job
    await new Promise((ok) => setTimeout(ok, 100))
  }
  throw new Error(`job ${id} never reached ${statuses.join('/')}`)
}

describe('a crash while submitting for approval', () => {
  it('resumes after SIGKILL mid-create: one Feishu instance for the job, which then waits, is approved and written once', async () => {
    await startChild()
    const call = await signedIn('wangfang')
    const people = (await sandboxEmployees(sandbox.url, { department: 'SAL', status: 'hired', limit: 40 })).filter((e) => e.user_id !== 'lina').slice(0, 20)
    // Feishu takes 1.5 s to create the instance: the kill lands while the create is under way.
    await setKnobs(sandbox.url, { latencyMsByApi: { 'approval.instance.create': 1500 } })
    const createsBefore = (await sandboxCalls(sandbox.url, { api: 'approval.instance.create' })).length
    const sinceSeq = Math.max(0, ...(await sandboxCalls(sandbox.url)).map((c) => c.seq))
    const created = await call('POST', '/api/jobs', {
      idempotency_key: 'approval-crash-1', kind: 'payroll_save', target: { type: 'payroll', source_code: 'sales_commission__c', payroll_period: '2032-01' },
      rows: people.map((e, i) => ({ row: i + 2, employment_id: e.employment_id, values: { commission_amount__c: `${i}.25` } })),
      source: { file_name: 'crash.xlsx', file_sha256: 'b'.repeat(64), excluded: 0 },
    })
    // The request answers at once: the records are read and the instance asked for in the background.
    expect(created.status).toBe(201)
    const id = (created.json.job as Job).id
    expect((created.json.job as Job).status).toBe('submitting')

    // The subscription is renewed right before the create: once it is logged, the create is on its way.
    for (let i = 0; i < 200 && !(await sandboxCalls(sandbox.url, { api: 'approval.subscribe', sinceSeq })).length; i++) await new Promise((ok) => setTimeout(ok, 50))
    await new Promise((ok) => setTimeout(ok, 400))
    expect(((await call('GET', `/api/jobs/${id}`)).json.job as Job).status).toBe('submitting')
    await kill()
    // Feishu finishes the create the dead process asked for: it exists, but the app never heard of it.
    for (let i = 0; i < 100 && ![...sandbox.state.approval.instances.values()].some((x) => x.form.includes(id)); i++) await new Promise((ok) => setTimeout(ok, 50))
    expect([...sandbox.state.approval.instances.values()].filter((x) => x.form.includes(id))).toHaveLength(1)

    await setKnobs(sandbox.url, { latencyMsByApi: { 'approval.instance.create': 0 } })
    await startChild()
    const call2 = await signedIn('wangfang')
    const waiting = await until(call2, id, ['awaiting_approval', 'cancelled', 'failed'])
    expect(waiting.status).toBe('awaiting_approval')
    // The create was sent again with the stored uuid and form; Feishu answered the same instance.
    const creates = (await sandboxCalls(sandbox.url, { api: 'approval.instance.create' })).slice(createsBefore)
    expect(creates.length).toBeGreaterThanOrEqual(2)
    const mine = [...sandbox.state.approval.instances.values()].filter((x) => x.form.includes(id))
    expect(mine).toHaveLength(1)
    expect(waiting.approval!.instance_code).toBe(mine[0]!.instance_code)

    const saves = (await sandboxCalls(sandbox.url, { api: 'datasource_record.save' })).length
    const decided = await fetch(`${sandbox.url}/sandbox/approval/decide`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ instance_code: mine[0]!.instance_code, user_id: 'sunli', action: 'approve' }) })
    expect(decided.status).toBe(200)
    const done = await until(call2, id, ['succeeded', 'finished_with_errors', 'cancelled', 'failed'])
    expect(done).toMatchObject({ status: 'succeeded', counts: { succeeded: 20 } })
    expect((await sandboxCalls(sandbox.url, { api: 'datasource_record.save' })).length).toBe(saves + 1)
  }, 90_000)
})
