import { createDecipheriv, createHash } from 'node:crypto'
import { createServer, type IncomingHttpHeaders } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { PAYROLL_APPROVAL_CODE, SELF_APPROVAL_CODE } from '../../server/sandbox/approval/definitions'
import { SANDBOX_EVENT_ENCRYPT_KEY, SANDBOX_EVENT_VERIFICATION_TOKEN } from '../../server/sandbox/credentials'
import type { RunningSandbox } from '../../server/sandbox/index'
import { call, start, tenantToken, userToken } from './helpers'

const CREATE = '/open-apis/approval/v4/instances'
const FORM = JSON.stringify([{ id: 'hr_import_target', type: 'input', value: 'sales_commission__c · 2024-09' }])

let sb: RunningSandbox
let tat: string
/** The app's event request URL: records what arrives and answers 200 (or the url_verification challenge). */
const received: Array<{ headers: IncomingHttpHeaders; body: string }> = []
let hook: ReturnType<typeof createServer>
let hookUrl: string

beforeAll(async () => {
  sb = await start()
  hook = createServer((req, res) => {
    let body = ''
    req.on('data', (c: Buffer) => { body += c.toString() })
    req.on('end', () => {
      received.push({ headers: req.headers, body })
      const plain = JSON.parse(decrypt(JSON.parse(body).encrypt as string)) as { type?: string; challenge?: string }
      res.setHeader('content-type', 'application/json')
      res.end(JSON.stringify(plain.type === 'url_verification' ? { challenge: plain.challenge } : {}))
    })
  })
  await new Promise<void>((ok) => hook.listen(0, '127.0.0.1', () => ok()))
  hookUrl = `http://127.0.0.1:${(hook.address() as AddressInfo).port}/events`
})
afterAll(async () => {
  await sb.close()
  await new Promise<void>((ok) => hook.close(() => ok()))
})
beforeEach(async () => {
  sb.reset()
  received.length = 0
  tat = await tenantToken(sb)
})

/** Decrypts as Feishu's docs say a receiver must: AES-256-CBC, key sha256(encrypt_key), IV = first 16 bytes. */
function decrypt(encrypted: string): string {
  const raw = Buffer.from(encrypted, 'base64')
  const d = createDecipheriv('aes-256-cbc', createHash('sha256').update(SANDBOX_EVENT_ENCRYPT_KEY).digest(), raw.subarray(0, 16))
  return Buffer.concat([d.update(raw.subarray(16)), d.final()]).toString()
}

const create = (body: Record<string, unknown>, token = tat) => call<{ code: number; data?: { instance_code: string } }>(sb, 'POST', CREATE, { token, body })
const openId = (userId: string) => sb.state.byUserId.get(userId)!.open_id

describe('approval v4 in the sandbox', () => {
  it('creates an instance with the tenant token, answers it by GET with its tasks, and lets the approver persona decide', async () => {
    const r = await create({ approval_code: PAYROLL_APPROVAL_CODE, open_id: openId('wangfang'), form: FORM, uuid: 'u-1' })
    expect(r.body.code).toBe(0)
    const code = r.body.data!.instance_code
    // The same uuid again answers the same instance (idempotent); another request with it is refused.
    expect((await create({ approval_code: PAYROLL_APPROVAL_CODE, open_id: openId('wangfang'), form: FORM, uuid: 'u-1' })).body.data?.instance_code).toBe(code)
    expect((await create({ approval_code: PAYROLL_APPROVAL_CODE, open_id: openId('lina'), form: FORM, uuid: 'u-1' })).body.code).toBe(1390001)
    const got = await call<{ code: number; data: { status: string; open_id: string; task_list: Array<{ user_id: string; open_id: string; status: string }> } }>(sb, 'GET', `${CREATE}/${code}`, { token: tat })
    expect(got.body.data).toMatchObject({ status: 'PENDING', open_id: openId('wangfang'), task_list: [{ user_id: 'sunli', open_id: openId('sunli'), status: 'PENDING' }] })
    const page = await fetch(`${sb.url}/sandbox/approval?user_id=sunli`)
    expect(await page.text()).toContain(`data-testid="sandbox-approval-${code}"`)
    const decided = await fetch(`${sb.url}/sandbox/approval/decide`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ instance_code: code, user_id: 'sunli', action: 'reject', comment: '请核对' }) })
    expect(await decided.json()).toEqual({ status: 'REJECTED' })
    const after = await call<{ data: { status: string; timeline: Array<{ type: string; user_id: string; comment?: string }> } }>(sb, 'GET', `${CREATE}/${code}`, { token: tat })
    expect(after.body.data.timeline.at(-1)).toMatchObject({ type: 'REJECT', user_id: 'sunli', comment: '请核对' })
    // Someone who is not an approver cannot decide; a decided instance cannot be decided again.
    const again = await fetch(`${sb.url}/sandbox/approval/decide`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ instance_code: code, user_id: 'sunli', action: 'approve' }) })
    expect(again.status).toBe(409)
  })

  it('answers Feishu\'s error codes: unknown definition 1390002, unknown instance 1390003, bad form 1390001, user token 99991668, missing scope 99991672', async () => {
    expect((await create({ approval_code: 'NOPE-0000', open_id: openId('wangfang'), form: FORM })).body.code).toBe(1390002)
    expect((await call(sb, 'GET', `${CREATE}/NOPE-0000`, { token: tat })).body.code).toBe(1390003)
    expect((await create({ approval_code: PAYROLL_APPROVAL_CODE, open_id: openId('wangfang'), form: '[{"id":"no_such_widget","type":"input","value":"x"}]' })).body.code).toBe(1390001)
    expect((await create({ approval_code: PAYROLL_APPROVAL_CODE, open_id: openId('wangfang'), form: { not: 'a string' } })).body.code).toBe(1390001)
    expect((await create({ approval_code: PAYROLL_APPROVAL_CODE, open_id: openId('wangfang'), form: FORM }, await userToken(sb, 'wangfang'))).body.code).toBe(99991668)
    sb.setKnobs({ appScopes: sb.state.knobs.appScopes.filter((s) => !s.startsWith('approval:')) })
    expect((await create({ approval_code: PAYROLL_APPROVAL_CODE, open_id: openId('wangfang'), form: FORM })).body.code).toBe(99991672)
  })

  it('limits instance creation to 100 a minute per app (HTTP 429, 99991400)', async () => {
    const codes: number[] = []
    for (let i = 0; i < 101; i++) codes.push((await create({ approval_code: PAYROLL_APPROVAL_CODE, open_id: openId('wangfang'), form: FORM })).body.code)
    expect(codes.slice(0, 100).every((c) => c === 0)).toBe(true)
    expect(codes[100]).toBe(99991400)
  })

  it('cancels only for the initiator and only while pending; a definition the initiator approves names them as approver', async () => {
    const code = (await create({ approval_code: PAYROLL_APPROVAL_CODE, open_id: openId('wangfang'), form: FORM })).body.data!.instance_code
    const cancel = (who: string) => call<{ code: number }>(sb, 'POST', `${CREATE}/cancel`, { token: tat, query: { user_id_type: 'open_id' }, body: { approval_code: PAYROLL_APPROVAL_CODE, instance_code: code, user_id: openId(who) } })
    expect((await cancel('lina')).body.code).toBe(1390001)
    expect((await cancel('wangfang')).body.code).toBe(0)
    expect((await cancel('wangfang')).body.code).toBe(1390001)
    const self = (await create({ approval_code: SELF_APPROVAL_CODE, open_id: openId('wangfang'), form: FORM })).body.data!.instance_code
    expect(sb.state.approval.instances.get(self)!.tasks.map((t) => t.user_id)).toEqual(['wangfang'])
  })

  it('delivers approval_instance events to a subscribed app: documented envelope, AES-256-CBC encrypted, X-Lark-Signature; drop and duplicate knobs', async () => {
    sb.setKnobs({ approvalEvents: { requestUrl: hookUrl } })
    const before = await create({ approval_code: PAYROLL_APPROVAL_CODE, open_id: openId('wangfang'), form: FORM })
    await sb.state.approval.settled()
    expect(received).toHaveLength(0) // not subscribed yet
    expect((await call<{ code: number }>(sb, 'POST', `/open-apis/approval/v4/approvals/${PAYROLL_APPROVAL_CODE}/subscribe`, { token: tat })).body.code).toBe(0)
    expect((await call<{ code: number }>(sb, 'POST', `/open-apis/approval/v4/approvals/${PAYROLL_APPROVAL_CODE}/subscribe`, { token: tat })).body.code).toBe(1390007)
    const code = (await create({ approval_code: PAYROLL_APPROVAL_CODE, open_id: openId('wangfang'), form: FORM })).body.data!.instance_code
    await sb.state.approval.settled()
    expect(received).toHaveLength(1)
    const { headers, body } = received[0]!
    const sig = createHash('sha256').update(`${headers['x-lark-request-timestamp']}${headers['x-lark-request-nonce']}${SANDBOX_EVENT_ENCRYPT_KEY}${body}`).digest('hex')
    expect(headers['x-lark-signature']).toBe(sig)
    const event = JSON.parse(decrypt(JSON.parse(body).encrypt)) as Record<string, unknown>
    expect(event).toMatchObject({ type: 'event_callback', token: SANDBOX_EVENT_VERIFICATION_TOKEN, event: { type: 'approval_instance', approval_code: PAYROLL_APPROVAL_CODE, instance_code: code, status: 'PENDING', tenant_key: sb.state.tenantKey } })
    expect(typeof event.uuid).toBe('string')
    expect(before.body.code).toBe(0)
    sb.setKnobs({ approvalEvents: { drop: true } })
    await create({ approval_code: PAYROLL_APPROVAL_CODE, open_id: openId('wangfang'), form: FORM })
    await sb.state.approval.settled()
    expect(received).toHaveLength(1)
    expect(sb.state.approval.deliveries.at(-1)!.outcome).toBe('dropped')
    sb.setKnobs({ approvalEvents: { drop: false, duplicate: true } })
    await create({ approval_code: PAYROLL_APPROVAL_CODE, open_id: openId('wangfang'), form: FORM })
    await sb.state.approval.settled()
    expect(received).toHaveLength(3)
    const uuids = received.slice(1).map((r) => (JSON.parse(decrypt(JSON.parse(r.body).encrypt)) as { uuid: string }).uuid)
    expect(uuids[0]).toBe(uuids[1])
  })

  it('sends the console\'s url_verification challenge and checks the answer', async () => {
    sb.setKnobs({ approvalEvents: { requestUrl: hookUrl } })
    const r = await fetch(`${sb.url}/sandbox/approval/verify-url`, { method: 'POST' })
    expect(await r.json()).toMatchObject({ ok: true, status: 200 })
  })
})
