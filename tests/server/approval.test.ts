import { serve, type ServerType } from '@hono/node-server'
import type { AddressInfo } from 'node:net'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import type { JobSummary } from '../../src/domain/jobs'
import { PAYROLL_APPROVAL_CODE, SELF_APPROVAL_CODE } from '../../server/sandbox/approval/definitions'
import { wireRequest } from '../../server/sandbox/approval/events'
import { SANDBOX_APP_ID, SANDBOX_EVENT_ENCRYPT_KEY, SANDBOX_EVENT_VERIFICATION_TOKEN } from '../../server/sandbox/credentials'
import { startSandbox } from '../../server/sandbox/index'
import { notifyRepo } from '../../server/notify/repo'
import { approvalsRepo } from '../../server/store/approvals-repo'
import { sandboxCalls, sandboxEmployees, setKnobs, startStack, waitForJob, type SandboxEmployee } from './harness'

type Sandbox = Awaited<ReturnType<typeof startSandbox>>
type Stack = Awaited<ReturnType<typeof startStack>>

const SOURCE = 'sales_commission__c'
let sandbox: Sandbox
let hired: SandboxEmployee[]
let seq = 0
const key = () => `approval-${Date.now()}-${seq++}`
/** The sandbox outlives each app stack (a restart keeps Feishu's state). */
const shared = () => ({ url: sandbox.url, close: async () => {} })

beforeAll(async () => {
  sandbox = await startSandbox({ port: 0 })
  hired = (await sandboxEmployees(sandbox.url, { department: 'SAL', status: 'hired', limit: 200 })).filter((e) => !['lina'].includes(e.user_id))
})
afterAll(async () => { await sandbox.close() })
beforeEach(async () => {
  await setKnobs(sandbox.url, { approvalEvents: { drop: false, delayMs: 0, duplicate: false }, appScopes: [...new Set([...sandbox.state.knobs.appScopes, 'approval:approval', 'approval:instance'])] })
})

/** The app stack with approval configured, listening on a port so the sandbox can deliver events to it. */
async function approvalStack(env: Record<string, string> = {}, dataDir?: string): Promise<Stack & { url: string; stop(): Promise<void> }> {
  const stack = await startStack({ sandbox: shared(), env: { PAYROLL_APPROVAL_CODE, APPROVAL_POLL_MS: '3600000', ...env }, ...(dataDir ? { dataDir } : {}) })
  const server: ServerType = await new Promise((ok) => { const s = serve({ fetch: stack.app.fetch, port: 0, hostname: '127.0.0.1' }, () => ok(s)) })
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  await setKnobs(sandbox.url, { approvalEvents: { requestUrl: `${url}/api/feishu/events`, drop: false, delayMs: 0, duplicate: false } })
  return {
    ...stack, url,
    async stop() {
      await new Promise<void>((ok) => { server.close(() => ok()); (server as import('node:http').Server).closeAllConnections() })
      await stack.close()
    },
  }
}

const rowsFor = (people: SandboxEmployee[], amount: (i: number) => string) =>
  people.map((e, i) => ({ row: i + 2, employment_id: e.employment_id, values: { commission_amount__c: amount(i) } }))

async function submit(c: Awaited<ReturnType<Stack['signedIn']>>, people: SandboxEmployee[], period: string, amount: (i: number) => string = (i) => `${100 + i}.50`) {
  const res = await c.request('POST', '/api/jobs', {
    idempotency_key: key(), kind: 'payroll_save', target: { type: 'payroll', source_code: SOURCE, payroll_period: period }, rows: rowsFor(people, amount),
    source: { file_name: 'commission.xlsx', file_sha256: 'a'.repeat(64), excluded: 2 },
  })
  if (res.status !== 201) return res
  // The request answers at once ('submitting'); the records are read and the instance created in the background.
  expect((res.json.job as JobSummary).status).toBe('submitting')
  const waiting = await waitForJob(c, (res.json.job as JobSummary).id, ['awaiting_approval', 'cancelled', 'failed'])
  return { ...res, json: { ...res.json, job: waiting.job } }
}

async function decide(instanceCode: string, action: 'approve' | 'reject', comment?: string, userId = 'sunli') {
  const res = await fetch(`${sandbox.url}/sandbox/approval/decide`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ instance_code: instanceCode, user_id: userId, action, ...(comment ? { comment } : {}) }) })
  expect(res.status).toBe(200)
  await fetch(`${sandbox.url}/sandbox/inspect/events?settle=1`)
}

async function records(period: string) {
  const res = await fetch(`${sandbox.url}/sandbox/inspect/payroll?source_code=${SOURCE}`)
  return ((await res.json()) as { records: Array<{ employment_id: string; period: string; active_status: number; values: Record<string, string> }> }).records.filter((r) => r.period === period)
}

type CardMessage = { card: { header: { template: string; title: { i18n: Record<string, string> } }; i18n_elements: Record<string, unknown> }; links: Array<{ url: string }> }
/** The preparer's message cards about one job (the sandbox's im/v1/messages), sent so far. */
async function cardsOf(stack: { approvals: { idle(): Promise<void> }; notify: { drain(): Promise<void> } }, userId: string, jobId: string) {
  await stack.approvals.idle()
  await stack.notify.drain()
  return ((await (await fetch(`${sandbox.url}/sandbox/inspect/messages?user=${userId}`)).json()) as { messages: CardMessage[] }).messages
    .filter((m) => m.links.some((l) => l.url.includes(encodeURIComponent(`/jobs/${jobId}`))))
}
const titles = (cards: CardMessage[]) => cards.map((m) => m.card.header.title.i18n.en_us)

const saves = async () => (await sandboxCalls(sandbox.url, { api: 'datasource_record.save' })).length
const jobOf = (res: { json: Record<string, unknown> }) => res.json.job as JobSummary

describe('payroll approval in Feishu', () => {
  let stack: Awaited<ReturnType<typeof approvalStack>>
  beforeAll(async () => { stack = await approvalStack() })
  afterAll(async () => { await stack.stop() })

  it('submits instead of writing: the job waits, Feishu holds an instance with the counts, totals, file hash and link, and nothing is saved', async () => {
    const c = await stack.signedIn('wangfang')
    const before = await saves()
    // Two of these already have a 2024-09 record in the seed? Use a fresh period: all new.
    const res = await submit(c, hired.slice(0, 3), '2031-03', (i) => ['10.25', '20.50', '30.00'][i]!)
    expect(res.status).toBe(201)
    const job = jobOf(res)
    expect(job.status).toBe('awaiting_approval')
    expect(job.approval).toMatchObject({ state: 'pending', approvers: [{ user_id: 'sunli' }] })
    const inst = sandbox.state.approval.instances.get(job.approval!.instance_code)!
    expect(inst.approval_code).toBe(PAYROLL_APPROVAL_CODE)
    expect(inst.user_id).toBe('wangfang')
    const form = Object.fromEntries((JSON.parse(inst.form) as Array<{ id: string; value: string }>).map((w) => [w.id, w.value]))
    expect(form.hr_import_target).toBe(`${SOURCE} · 2031-03`)
    expect(form.hr_import_counts).toContain('New 3 · Changed 0 · Unchanged 0 · Excluded 2')
    expect(form.hr_import_totals).toContain('0 → 60.75')
    expect(form.hr_import_file).toBe(`commission.xlsx · SHA-256 ${'a'.repeat(64)}`)
    expect(form.hr_import_link).toBe(`${stack.config.publicUrl}/review/${job.id}`)
    await stack.approvals.poll()
    expect((await c.request('GET', `/api/jobs/${job.id}`)).json.job).toMatchObject({ status: 'awaiting_approval' })
    expect(await saves()).toBe(before)
    expect(await records('2031-03')).toEqual([])
  })

  it('approved (the event arrives, twice) → written exactly once, with the preparer\'s token, and both see who approved', async () => {
    const c = await stack.signedIn('wangfang')
    const approver = await stack.signedIn('sunli')
    await setKnobs(sandbox.url, { approvalEvents: { duplicate: true } })
    const people = hired.slice(3, 8)
    const job = jobOf(await submit(c, people, '2031-04'))
    const savesBefore = await saves()
    // The approver opens the link: the frozen rows, and what Feishu holds now as they may see it.
    const review = await approver.request('GET', `/api/approvals/${job.id}`)
    expect(review.status).toBe(200)
    expect((review.json.rows as unknown[]).length).toBe(5)
    expect(review.json.now).toEqual([null, null, null, null, null])
    // Anyone else: 404, as for a job that does not exist.
    expect((await (await stack.signedIn('lina')).request('GET', `/api/approvals/${job.id}`)).status).toBe(404)
    await decide(job.approval!.instance_code, 'approve', '核对无误')
    const done = await waitForJob(c, job.id)
    expect(done.job.status).toBe('succeeded')
    expect(done.job.approval).toMatchObject({ state: 'approved', decided_by: { user_id: 'sunli', name: '孙丽', en_name: 'Sun Li' }, comment: '核对无误' })
    expect(await saves()).toBe(savesBefore + 1)
    const saved = await sandboxCalls(sandbox.url, { api: 'datasource_record.save' })
    expect(saved[saved.length - 1]!.user).toBe('wangfang')
    expect((await records('2031-04')).map((r) => r.employment_id).sort()).toEqual(people.map((p) => p.employment_id).sort())
    // The same event came twice: handled once (no second run, no second save).
    await stack.approvals.poll()
    await stack.runner.idle()
    expect(await saves()).toBe(savesBefore + 1)
    // The preparer's audit names who approved (issue 16's approver column).
    const audit = await stack.app.request('http://localhost/api/payroll/audit.xlsx?locale=zh-CN', { headers: { Cookie: c.cookie, 'X-Requested-With': 'XMLHttpRequest' } })
    expect(audit.status).toBe(200)
    const { unzipSync, strFromU8 } = await import('fflate')
    expect(strFromU8(unzipSync(new Uint8Array(await audit.arrayBuffer()))['xl/sharedStrings.xml']!)).toContain('孙丽 (approved)')
  })

  it('rejected → the job ends unwritten, showing the approver and the comment', async () => {
    const c = await stack.signedIn('wangfang')
    await stack.signedIn('sunli')
    const before = await saves()
    const job = jobOf(await submit(c, hired.slice(8, 10), '2031-05'))
    await decide(job.approval!.instance_code, 'reject', '金额不对，请核对')
    const done = await waitForJob(c, job.id)
    expect(done.job).toMatchObject({ status: 'cancelled', error: { code: 'approval_rejected' }, counts: { cancelled: 2, succeeded: 0 } })
    expect(done.job.approval).toMatchObject({ state: 'rejected', decided_by: { user_id: 'sunli', name: '孙丽' }, comment: '金额不对，请核对' })
    expect(await saves()).toBe(before)
    expect(await records('2031-05')).toEqual([])
    // The preparer's card names who rejected it and what they said, in both languages; sent once.
    await stack.approvals.poll()
    const cards = await cardsOf(stack, 'wangfang', job.id)
    expect(titles(cards)).toEqual(['Submitted for approval: waiting for the approver', 'Your change was rejected: nothing was written'])
    expect(cards[1]!.card.header.title.i18n.zh_cn).toBe('审批被拒绝，未写入')
    expect(JSON.stringify(cards[1]!.card.i18n_elements.zh_cn)).toContain('审批人: 孙丽；意见: 金额不对，请核对')
    expect(JSON.stringify(cards[1]!.card.i18n_elements.en_us)).toContain('Approver: Sun Li · Comment: 金额不对，请核对')
  })

  it('cancelled by the preparer → withdrawn in Feishu too; deleted definition → the job ends; nothing written either way', async () => {
    const c = await stack.signedIn('wangfang')
    const before = await saves()
    const a = jobOf(await submit(c, hired.slice(10, 12), '2031-06'))
    expect((await c.request('POST', `/api/jobs/${a.id}/cancel`)).status).toBe(200)
    expect(sandbox.state.approval.instances.get(a.approval!.instance_code)!.status).toBe('CANCELED')
    expect((await c.request('GET', `/api/jobs/${a.id}`)).json.job).toMatchObject({ status: 'cancelled', approval: { state: 'canceled' } })
    // An approval that comes anyway is ignored: the instance is no longer the job's pending one.
    const b = jobOf(await submit(c, hired.slice(12, 14), '2031-06'))
    await fetch(`${sandbox.url}/sandbox/approval/delete-definition`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ approval_code: PAYROLL_APPROVAL_CODE }) })
    await fetch(`${sandbox.url}/sandbox/inspect/events?settle=1`)
    const done = await waitForJob(c, b.id)
    expect(done.job).toMatchObject({ status: 'cancelled', error: { code: 'approval_deleted' }, approval: { state: 'deleted' } })
    expect(await saves()).toBe(before)
  })

  it('drift: records changed in Feishu after the approval → not written; a new approval is asked for, showing what moved', async () => {
    const c = await stack.signedIn('wangfang')
    const people = hired.slice(14, 16)
    // One of them has a record already.
    const first = jobOf(await submit(c, people.slice(0, 1), '2031-07', () => '5.00'))
    await decide(first.approval!.instance_code, 'approve')
    await waitForJob(c, first.id)
    const job = jobOf(await submit(c, people, '2031-07', () => '9.99'))
    expect(job.status).toBe('awaiting_approval')
    const before = await saves()
    // Someone changes the record in Feishu between the submission and the decision.
    sandbox.state.payrollStore(SOURCE).get(`${people[0]!.employment_id}|2031-07`)!.values.set('commission_amount__c', '7.77')
    await decide(job.approval!.instance_code, 'approve')
    let now = (await c.request('GET', `/api/jobs/${job.id}`)).json.job as JobSummary
    for (let i = 0; i < 200 && (now.approval?.instance_code === job.approval!.instance_code || now.status === 'submitting'); i++) {
      await stack.approvals.idle()
      now = (await c.request('GET', `/api/jobs/${job.id}`)).json.job as JobSummary
    }
    expect(now.status).toBe('awaiting_approval')
    expect(now.approval).toMatchObject({ state: 'pending', drift: { total: 1, items: [{ key: people[0]!.employment_id, field: 'commission_amount__c', approved: '5.00', now: '7.77' }] } })
    expect(now.approval!.instance_code).not.toBe(job.approval!.instance_code)
    expect(await saves()).toBe(before)
    // The new approval covers what Feishu holds now; approving it writes.
    await decide(now.approval!.instance_code, 'approve')
    const done = await waitForJob(c, job.id)
    expect(done.job.status).toBe('succeeded')
    expect(done.rows.find((r) => r.input.row === 2)!.before).toMatchObject({ values: { commission_amount__c: '7.77' } })
    // One "submitted" card (the new approval after the drift is announced by the drift card), one drift card, one approved.
    const cards = await cardsOf(stack, 'wangfang', job.id)
    expect(titles(cards)).toEqual(['Submitted for approval: waiting for the approver', 'Feishu changed after approval: a new approval was asked for', 'Your change was approved', 'Your import is done'])
    expect(JSON.stringify(cards[1]!.card.i18n_elements.en_us)).toContain('Fields that moved: 1')
  })

  it('a revert waits for its own approval too, then writes the earlier state back', async () => {
    const c = await stack.signedIn('wangfang')
    const people = hired.slice(24, 26)
    const job = jobOf(await submit(c, people, '2031-02'))
    await decide(job.approval!.instance_code, 'approve')
    expect((await waitForJob(c, job.id)).job.status).toBe('succeeded')
    const before = await saves()
    const revert = await c.request('POST', `/api/jobs/${job.id}/revert`, {})
    expect(revert.status).toBe(201)
    expect(jobOf(revert)).toMatchObject({ kind: 'payroll_revert', status: 'submitting' })
    const r = (await waitForJob(c, jobOf(revert).id, ['awaiting_approval'])).job
    expect(r).toMatchObject({ kind: 'payroll_revert', status: 'awaiting_approval', approval: { state: 'pending' } })
    expect(await saves()).toBe(before)
    await decide(r.approval!.instance_code, 'approve')
    expect((await waitForJob(c, r.id)).job.status).toBe('succeeded')
    expect((await records('2031-02')).every((x) => x.active_status === 2)).toBe(true)
  })

  it('an instance Feishu no longer knows ends its job unwritten at the next poll', async () => {
    const c = await stack.signedIn('wangfang')
    const job = jobOf(await submit(c, hired.slice(26, 28), '2031-01'))
    sandbox.state.approval.instances.delete(job.approval!.instance_code)
    await stack.approvals.poll()
    expect((await waitForJob(c, job.id)).job).toMatchObject({ status: 'cancelled', error: { code: 'approval_deleted' }, approval: { state: 'deleted' } })
    expect(await records('2031-01')).toEqual([])
  })

  it('events off → polling finds the decision', async () => {
    const c = await stack.signedIn('wangfang')
    await setKnobs(sandbox.url, { approvalEvents: { drop: true } })
    const job = jobOf(await submit(c, hired.slice(16, 18), '2031-08'))
    await decide(job.approval!.instance_code, 'approve')
    expect((await c.request('GET', `/api/jobs/${job.id}`)).json.job).toMatchObject({ status: 'awaiting_approval' })
    expect(sandbox.state.approval.deliveries.filter((d) => d.instance_code === job.approval!.instance_code).every((d) => d.outcome === 'dropped')).toBe(true)
    await stack.approvals.poll()
    expect((await waitForJob(c, job.id)).job.status).toBe('succeeded')
  })

  it('refuses forged and unsigned events with 401 and changes nothing; a replayed or out-of-order event changes nothing either', async () => {
    const c = await stack.signedIn('wangfang')
    const job = jobOf(await submit(c, hired.slice(18, 20), '2031-09'))
    const code = job.approval!.instance_code
    const settings = { requestUrl: null, encryptKey: SANDBOX_EVENT_ENCRYPT_KEY, verificationToken: SANDBOX_EVENT_VERIFICATION_TOKEN }
    const event = (status: string, uuid: string) => ({
      ts: '1700000000.1', uuid, token: SANDBOX_EVENT_VERIFICATION_TOKEN, type: 'event_callback',
      event: { app_id: SANDBOX_APP_ID, tenant_key: sandbox.state.tenantKey, type: 'approval_instance', approval_code: PAYROLL_APPROVAL_CODE, instance_code: code, status, operate_time: '1', instance_operate_time: '1' },
    })
    const post = (req: { body: string; headers: Record<string, string> }) => fetch(`${stack.url}/api/feishu/events`, { method: 'POST', headers: req.headers, body: req.body })
    // Signed with another key.
    const forged = wireRequest({ ...settings, encryptKey: 'not-the-key' }, event('APPROVED', 'forged-1'), Date.now())
    expect((await post(forged)).status).toBe(401)
    // Genuine body, signature stripped.
    const genuine = wireRequest(settings, event('APPROVED', 'real-1'), Date.now())
    const { 'x-lark-signature': _sig, ...unsigned } = genuine.headers
    expect((await post({ body: genuine.body, headers: unsigned })).status).toBe(401)
    // Plaintext (unencrypted) events are refused too.
    expect((await post({ body: JSON.stringify(event('APPROVED', 'plain-1')), headers: { 'content-type': 'application/json' } })).status).toBe(401)
    // A genuine-looking event that says APPROVED while Feishu holds PENDING moves nothing.
    expect((await post(genuine)).status).toBe(200)
    await stack.approvals.idle()
    expect((await c.request('GET', `/api/jobs/${job.id}`)).json.job).toMatchObject({ status: 'awaiting_approval', approval: { state: 'pending' } })
    // Rejected for real; then a replay of the earlier event and an out-of-order PENDING change nothing.
    await decide(code, 'reject', 'no')
    await waitForJob(c, job.id)
    expect((await post(genuine)).status).toBe(200)
    expect((await post(wireRequest(settings, event('PENDING', 'late-1'), Date.now()))).status).toBe(200)
    await stack.approvals.idle()
    expect((await c.request('GET', `/api/jobs/${job.id}`)).json.job).toMatchObject({ status: 'cancelled', approval: { state: 'rejected' } })
    expect(await records('2031-09')).toEqual([])
    // An event for an instance the app never created: answered, ignored and logged.
    const stranger = wireRequest(settings, { ...event('APPROVED', 'stranger-1'), event: { ...event('APPROVED', 'x').event, instance_code: 'NOT-OURS-0000' } }, Date.now())
    expect((await post(stranger)).status).toBe(200)
    await stack.approvals.idle()
    expect(stack.logs.some((l) => l.includes('NOT-OURS-0000') && /unknown/.test(l))).toBe(true)
    // The secrets never reach a log line.
    expect(stack.logs.join('\n')).not.toContain(SANDBOX_EVENT_ENCRYPT_KEY)
    expect(stack.logs.join('\n')).not.toContain(SANDBOX_EVENT_VERIFICATION_TOKEN)
  })

  it('approved while the preparer\'s sign-in has ended → waits, saying so on the job and the list, and runs once they sign in again', async () => {
    const c = await stack.signedIn('chenjing')
    const job = jobOf(await submit(c, hired.slice(44, 46), '2031-01'))
    expect(job.status).toBe('awaiting_approval')
    // 陈静's access token expires and her refresh is refused (20074): the app cannot act for her.
    await fetch(`${sandbox.url}/sandbox/expire-tokens`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ user_id: 'chenjing', kind: 'access' }) })
    const before = await saves()
    await decide(job.approval!.instance_code, 'approve', '可以')
    await stack.approvals.idle()
    const waiting = (await c.request('GET', `/api/jobs/${job.id}`)).json.job as JobSummary
    expect(waiting).toMatchObject({ status: 'awaiting_approval', approval: { state: 'approved', decided_by: { user_id: 'sunli' }, signin_needed: { name: '陈静' } } })
    const listed = ((await c.request('GET', '/api/jobs')).json.jobs as JobSummary[]).find((j) => j.id === job.id)!
    expect(listed.approval).toMatchObject({ state: 'approved', signin_needed: { name: '陈静' } })
    // Polling again changes nothing and writes nothing while she is away.
    await stack.approvals.poll()
    expect(await saves()).toBe(before)

    await stack.signedIn('chenjing')
    await stack.approvals.idle()
    const done = await waitForJob(c, job.id)
    expect(done.job).toMatchObject({ status: 'succeeded', counts: { succeeded: 2 }, approval: { state: 'approved', signin_needed: null } })
    expect(await saves()).toBe(before + 1)
    // Her cards: submitted, approved (with who approved and what they said), then done — each once.
    await stack.notify.drain()
    const cards = ((await (await fetch(`${sandbox.url}/sandbox/inspect/messages?user=chenjing`)).json()) as { messages: Array<{ card: { header: { title: { i18n: Record<string, string> } }; i18n_elements: Record<string, unknown> }; links: Array<{ url: string }> }> }).messages
      .filter((m) => m.links.some((l) => l.url.includes(encodeURIComponent(`/jobs/${job.id}`))))
    expect(cards.map((m) => m.card.header.title.i18n.en_us)).toEqual(['Submitted for approval: waiting for the approver', 'Your change was approved', 'Your import is done'])
    expect(JSON.stringify(cards[0]!.card.i18n_elements.zh_cn)).toContain('审批人: 孙丽')
    expect(JSON.stringify(cards[1]!.card.i18n_elements.en_us)).toContain('Approver: Sun Li · Comment: 可以')
  })

  it('the preparer\'s sign-in ends while the records are read for the submission → it waits, saying so, and goes on after sign-in', async () => {
    const c = await stack.signedIn('chenjing')
    // Her token is refused at the first record read of the submission; her refresh is refused too (20074).
    await setKnobs(sandbox.url, { failNext: [{ api: 'datasource_record.query', kind: 'tokenExpired' }] })
    const res = await c.request('POST', '/api/jobs', {
      idempotency_key: key(), kind: 'payroll_save', target: { type: 'payroll', source_code: SOURCE, payroll_period: '2030-09' }, rows: rowsFor(hired.slice(56, 58), () => '4.00'),
    })
    expect(res.status).toBe(201)
    const id = (res.json.job as JobSummary).id
    await stack.approvals.idle()
    const waiting = (await c.request('GET', `/api/jobs/${id}`)).json.job as JobSummary
    expect(waiting).toMatchObject({ status: 'submitting', submission_waiting: 'needs_signin' })
    expect([...sandbox.state.approval.instances.values()].filter((x) => x.form.includes(id))).toHaveLength(0)
    await stack.signedIn('chenjing')
    const done = await waitForJob(c, id, ['awaiting_approval', 'cancelled'])
    expect(done.job).toMatchObject({ status: 'awaiting_approval', submission_waiting: null, approval: { state: 'pending' } })
    expect([...sandbox.state.approval.instances.values()].filter((x) => x.form.includes(id))).toHaveLength(1)
  })

  it('a job sent in parts is submitted in the background when it starts, with all its parts in the form', async () => {
    const c = await stack.signedIn('wangfang')
    const people = hired.slice(60, 64)
    const draft = await c.request('POST', '/api/jobs', {
      idempotency_key: key(), kind: 'payroll_save', target: { type: 'payroll', source_code: SOURCE, payroll_period: '2030-08' }, rows: rowsFor(people.slice(0, 2), () => '1.50'), draft: true,
      source: { file_name: 'parts.xlsx', excluded: 3 },
    })
    expect(draft.status).toBe(201)
    const id = (draft.json.job as JobSummary).id
    const rest = rowsFor(people, () => '1.50').slice(2)
    expect((await c.request('POST', `/api/jobs/${id}/rows`, { offset: 2, rows: rest })).status).toBe(200)
    const started = await c.request('POST', `/api/jobs/${id}/start`, {})
    expect(started.status).toBe(200)
    expect((started.json.job as JobSummary).status).toBe('submitting')
    const waiting = (await waitForJob(c, id, ['awaiting_approval', 'cancelled'])).job
    expect(waiting.status).toBe('awaiting_approval')
    const form = Object.fromEntries((JSON.parse(sandbox.state.approval.instances.get(waiting.approval!.instance_code)!.form) as Array<{ id: string; value: string }>).map((w) => [w.id, w.value]))
    expect(form.hr_import_counts).toContain('New 4 · Changed 0 · Unchanged 0 · Excluded 3')
    expect(form.hr_import_totals).toContain('0 → 6.00')
  })

  it('cancelled while it is being submitted → the instance Feishu makes anyway is withdrawn at once; nothing is written', async () => {
    const c = await stack.signedIn('wangfang')
    await setKnobs(sandbox.url, { latencyMsByApi: { 'approval.instance.create': 400 } })
    try {
      const res = await c.request('POST', '/api/jobs', {
        idempotency_key: key(), kind: 'payroll_save', target: { type: 'payroll', source_code: SOURCE, payroll_period: '2030-07' }, rows: rowsFor(hired.slice(64, 66), () => '2.00'),
      })
      const id = (res.json.job as JobSummary).id
      expect((res.json.job as JobSummary).status).toBe('submitting')
      expect((await c.request('POST', `/api/jobs/${id}/cancel`)).status).toBe(200)
      await stack.approvals.idle()
      const job = (await c.request('GET', `/api/jobs/${id}`)).json.job as JobSummary
      expect(job.status).toBe('cancelled')
      const mine = [...sandbox.state.approval.instances.values()].filter((x) => x.form.includes(id))
      expect(mine.map((x) => x.status)).toEqual(['CANCELED'])
      expect(job.approval).toMatchObject({ state: 'canceled', instance_code: mine[0]!.instance_code })
      expect(await records('2030-07')).toEqual([])
    } finally {
      await setKnobs(sandbox.url, { latencyMsByApi: { 'approval.instance.create': 0 } })
    }
  })

  it('answers the console\'s url_verification challenge', async () => {
    const res = await fetch(`${sandbox.url}/sandbox/approval/verify-url`, { method: 'POST' })
    expect(await res.json()).toMatchObject({ ok: true, status: 200 })
  })

  it('an approval code that does not exist, or the app lacking the approval scope → a clear error and nothing submitted or stored', async () => {
    const bad = await approvalStack({ PAYROLL_APPROVAL_CODE: '00000000-0000-0000-0000-000000000000' })
    try {
      const c = await bad.signedIn('wangfang')
      const instances = sandbox.state.approval.instances.size
      const res = await submit(c, hired.slice(20, 22), '2031-10')
      expect(res.status).toBe(503)
      expect(res.json.error).toMatchObject({ code: 'approval_not_configured' })
      expect(sandbox.state.approval.instances.size).toBe(instances)
      expect((await c.request('GET', '/api/jobs')).json.jobs).toEqual([])
    } finally {
      await bad.stop()
      await setKnobs(sandbox.url, { approvalEvents: { requestUrl: `${stack.url}/api/feishu/events` } })
    }
    const c = await stack.signedIn('wangfang')
    await setKnobs(sandbox.url, { appScopes: sandbox.state.knobs.appScopes.filter((s) => !s.startsWith('approval:')) })
    const listed = ((await c.request('GET', '/api/jobs')).json.jobs as unknown[]).length
    const res = await submit(c, hired.slice(22, 24), '2031-10')
    expect(res.status).toBe(403)
    expect(res.json.error).toMatchObject({ code: 'app_scope_missing' })
    expect(((await c.request('GET', '/api/jobs')).json.jobs as unknown[]).length).toBe(listed)
  })
})

describe('two app instances on one store', () => {
  it('noticing the same drift at once, exactly one asks for the new approval: one new instance, one drift card, one write', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'hr-gadget-approval-two-'))
    const a = await approvalStack({}, dataDir)
    const b = await startStack({ sandbox: shared(), env: { PAYROLL_APPROVAL_CODE, APPROVAL_POLL_MS: '3600000' }, dataDir })
    try {
      const c = await a.signedIn('wangfang')
      const people = hired.slice(50, 52)
      // One of them has a record already (written by an earlier approved job).
      const first = jobOf(await submit(c, people.slice(0, 1), '2030-11', () => '1.00'))
      await decide(first.approval!.instance_code, 'approve')
      await waitForJob(c, first.id)
      const job = jobOf(await submit(c, people, '2030-11', () => '3.00'))
      expect(job.status).toBe('awaiting_approval')
      // Someone changes that record in Feishu after the submission; the decision's event is lost.
      sandbox.state.payrollStore(SOURCE).get(`${people[0]!.employment_id}|2030-11`)!.values.set('commission_amount__c', '2.00')
      await setKnobs(sandbox.url, { approvalEvents: { drop: true } })
      await decide(job.approval!.instance_code, 'approve')
      const mine = () => [...sandbox.state.approval.instances.values()].filter((x) => x.form.includes(job.id))
      expect(mine()).toHaveLength(1)
      // Both instances poll at the same moment and both see the approval and the drift.
      await Promise.all([a.approvals.refresh(job.approval!.instance_code), b.approvals.refresh(job.approval!.instance_code)])
      await Promise.all([a.approvals.idle(), b.approvals.idle()])
      await Promise.all([a.approvals.poll(), b.approvals.poll()])
      await Promise.all([a.approvals.idle(), b.approvals.idle()])
      expect(mine()).toHaveLength(2)
      const now = (await c.request('GET', `/api/jobs/${job.id}`)).json.job as JobSummary
      expect(now).toMatchObject({ status: 'awaiting_approval', approval: { state: 'pending', drift: { total: 1 } } })
      const fresh = mine().find((x) => x.status === 'PENDING')!
      expect(now.approval!.instance_code).toBe(fresh.instance_code)
      await Promise.all([a.notify.drain(), b.notify.drain()])
      expect((await notifyRepo(a.db).ofJob(job.id)).filter((n) => n.kind === 'approval_drift')).toHaveLength(1)

      const before = await saves()
      await decide(fresh.instance_code, 'approve')
      await Promise.all([a.approvals.poll(), b.approvals.poll()])
      const done = await waitForJob(c, job.id)
      expect(done.job).toMatchObject({ status: 'succeeded', counts: { succeeded: 2 } })
      expect(await saves()).toBe(before + 1)
    } finally {
      await setKnobs(sandbox.url, { approvalEvents: { drop: false } })
      await b.close()
      await a.stop()
    }
  })
})

describe('four eyes', () => {
  it('refuses a job whose approver Feishu names as the preparer, and says why; nothing is written', async () => {
    const stack = await approvalStack({ PAYROLL_APPROVAL_CODE: SELF_APPROVAL_CODE })
    try {
      const c = await stack.signedIn('wangfang')
      const before = await saves()
      const job = jobOf(await submit(c, hired.slice(30, 32), '2031-11'))
      const done = await waitForJob(c, job.id)
      expect(done.job).toMatchObject({ status: 'cancelled', error: { code: 'approval_self_approved' }, approval: { state: 'self_approved' } })
      // Withdrawn in Feishu so it cannot be approved by its preparer afterwards.
      expect(sandbox.state.approval.instances.get(job.approval!.instance_code)!.status).toBe('CANCELED')
      expect(await saves()).toBe(before)
      // A fresh app instance (its own pacer): the previous one's cards to her may still fill Feishu's
      // 5-a-second window (230020), so a card can wait for its retry — 5 s later on the app's clock, once
      // that real second has passed.
      let cards = await cardsOf(stack, 'wangfang', job.id)
      for (let i = 0; i < 3 && !titles(cards).includes('Refused: you were named as your own approver'); i++) {
        await new Promise((ok) => setTimeout(ok, 1100))
        stack.clock.advance(6_000)
        cards = await cardsOf(stack, 'wangfang', job.id)
      }
      expect(titles(cards)).toContain('Refused: you were named as your own approver')
      expect(cards.find((m) => m.card.header.template === 'red')!.card.header.title.i18n.zh_cn).toBe('已拒绝：审批人是你本人')
    } finally {
      await stack.stop()
    }
  })
})

describe('a crash while awaiting approval', () => {
  it('a drift claimed by a process that died before resubmitting is resubmitted once by the next polls', async () => {
    const stack = await approvalStack()
    try {
      const c = await stack.signedIn('wangfang')
      const job = jobOf(await submit(c, hired.slice(46, 48), '2030-10'))
      // The dead process's footprint: it marked the instance stale (its claim) and stopped there.
      expect(await approvalsRepo(stack.db).decide(job.approval!.instance_code, 'stale', stack.clock.now())).toBe(true)
      const mine = () => [...sandbox.state.approval.instances.values()].filter((x) => x.form.includes(job.id))
      // Within a lease's length it may still be at work: nothing happens yet.
      await stack.approvals.poll()
      await stack.approvals.idle()
      expect(mine()).toHaveLength(1)
      stack.clock.advance(61_000)
      await Promise.all([stack.approvals.poll(), stack.approvals.poll()])
      await stack.approvals.idle()
      expect(mine()).toHaveLength(2)
      const now = (await c.request('GET', `/api/jobs/${job.id}`)).json.job as JobSummary
      expect(now).toMatchObject({ status: 'awaiting_approval', approval: { state: 'pending' } })
      expect(now.approval!.instance_code).not.toBe(job.approval!.instance_code)
    } finally {
      await stack.stop()
    }
  })

  it('keeps the job waiting across a restart, and runs it once when the approval is found', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'hr-gadget-approval-'))
    const first = await approvalStack({}, dataDir)
    const c1 = await first.signedIn('wangfang')
    const job = jobOf(await submit(c1, hired.slice(40, 43), '2031-12'))
    await first.stop()
    // Decided while the app is down: the event finds nobody.
    await decide(job.approval!.instance_code, 'approve')
    const before = await saves()
    const second = await approvalStack({}, dataDir)
    try {
      await second.runner.recover()
      const c2 = await second.signedIn('wangfang')
      expect((await c2.request('GET', `/api/jobs/${job.id}`)).json.job).toMatchObject({ status: 'awaiting_approval' })
      expect(await saves()).toBe(before)
      await second.approvals.poll()
      const done = await waitForJob(c2, job.id)
      expect(done.job).toMatchObject({ status: 'succeeded', counts: { succeeded: 3 } })
      expect(await saves()).toBe(before + 1)
    } finally {
      await second.stop()
    }
  })
})
