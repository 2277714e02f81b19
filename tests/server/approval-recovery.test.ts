import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { PAYROLL_APPROVAL_CODE } from '../../server/sandbox/approval/definitions'
import { startSandbox } from '../../server/sandbox/index'
import { sandboxCalls, sandboxEmployees, setKnobs } from './harness'
import { childServer, type Call, type ChildServer } from './child-server'

/**
 * Submitting for approval runs in the background (issue 15). The real server as a separate process,
 * killed with SIGKILL while Feishu is creating the approval instance, started again on the same data:
 * the submission resumes with the uuid it stored before the call, so Feishu answers the instance it
 * already made — one instance for the job, never two — and the job waits for it, then runs once.
 */
let sandbox: Awaited<ReturnType<typeof startSandbox>>
let server: ChildServer

beforeAll(async () => {
  sandbox = await startSandbox({ port: 0 })
  server = await childServer(sandbox.url, { PAYROLL_APPROVAL_CODE, APPROVAL_POLL_MS: '1000' })
  await setKnobs(sandbox.url, { appScopes: [...new Set([...sandbox.state.knobs.appScopes, 'approval:approval', 'approval:instance'])] })
})
afterAll(async () => {
  await server.kill()
  await sandbox.close()
})

type Job = { id: string; status: string; approval: { instance_code: string } | null; counts: { succeeded: number } }

async function until(call: Call, id: string, statuses: string[]): Promise<Job> {
  for (let i = 0; i < 400; i++) {
    const job = (await call('GET', `/api/jobs/${id}`)).json.job as Job
    if (statuses.includes(job.status)) return job
    await new Promise((ok) => setTimeout(ok, 100))
  }
  throw new Error(`job ${id} never reached ${statuses.join('/')}`)
}

describe('a crash while submitting for approval', () => {
  it('resumes after SIGKILL mid-create: one Feishu instance for the job, which then waits, is approved and written once', async () => {
    await server.start()
    const call = await server.signedIn('wangfang')
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
    await server.kill()
    // Feishu finishes the create the dead process asked for: it exists, but the app never heard of it.
    for (let i = 0; i < 100 && ![...sandbox.state.approval.instances.values()].some((x) => x.form.includes(id)); i++) await new Promise((ok) => setTimeout(ok, 50))
    expect([...sandbox.state.approval.instances.values()].filter((x) => x.form.includes(id))).toHaveLength(1)

    await setKnobs(sandbox.url, { latencyMsByApi: { 'approval.instance.create': 0 } })
    await server.start()
    const call2 = await server.signedIn('wangfang')
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
