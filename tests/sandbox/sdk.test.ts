// The official node SDK as an independent client: if it can talk to the sandbox, the app's own
// client is held to the same wire contract.
import * as lark from '@larksuiteoapi/node-sdk'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { CallRecord, RunningSandbox } from '../../server/sandbox/index'
import { call, clientCode, SANDBOX_APP_ID, SANDBOX_APP_SECRET, start, userToken } from './helpers'

const noop = () => undefined
const silent = { error: noop, warn: noop, info: noop, debug: noop, trace: noop }

let sb: RunningSandbox
let client: lark.Client

beforeAll(async () => {
  sb = await start()
  client = new lark.Client({ appId: SANDBOX_APP_ID, appSecret: SANDBOX_APP_SECRET, domain: sb.url, logger: silent })
})
afterAll(async () => {
  await sb.close()
})

interface AxiosLike { response?: { status: number; data: { code: number }; headers: Record<string, string> } }

describe('@larksuiteoapi/node-sdk against the sandbox', () => {
  it('fetches the tenant token by itself and lists the datasources', async () => {
    const res = await client.payroll.v1.datasource.list({ params: { page_size: 10 } })
    expect(res.code).toBe(0)
    expect(res.data?.datasources?.map((d) => d.code)).toContain('yache19_8680__c')
    const calls = (await call<{ calls: CallRecord[] }>(sb, 'GET', '/sandbox/inspect/calls')).body.calls
    expect(calls.map((c) => c.api)).toEqual(['auth.tenant_access_token', 'datasource.list'])
  })

  it('saves records and gets affect_counts back as a string', async () => {
    const data = {
      source_code: 'yache19_8680__c',
      records: [{ active_status: 1, field_values: [
        { field_code: 'employment_id', value: '6993242233201853965' },
        { field_code: 'payroll_period', value: '2024-10' },
        { field_code: 'yache22_8680__c', value: '123' },
      ] }],
    }
    const first = await client.payroll.v1.datasourceRecord.save({ data })
    expect(first).toEqual({ code: 0, msg: 'success', data: { affect_counts: '1' } })
    const again = await client.payroll.v1.datasourceRecord.save({ data })
    expect(again.data?.affect_counts).toBe('0')
  })

  it('resolves a business error sent with HTTP 200 (2500021) instead of throwing', async () => {
    sb.setKnobs({ failNext: [{ api: 'datasource_record.save', kind: 'lock2500021' }] })
    const res = await client.payroll.v1.datasourceRecord.save({ data: { source_code: 'sales_commission__c', records: [{ active_status: 1, field_values: [{ field_code: 'employment_id', value: '6993242233201853965' }, { field_code: 'payroll_period', value: '2024-10' }] }] } })
    expect(res.code).toBe(2500021)
  })

  it('lists archive rules with its GET-with-body requests', async () => {
    const res = await client.attendance.v1.archiveRule.list({ params: { page_size: 10 } })
    expect(res.code).toBe(0)
    expect(res.data?.items?.map((i) => i.archive_rule_id)).toContain('1')
  })

  it('uploads an archive report with a user token', async () => {
    const uat = await userToken(sb, 'zhangwei')
    const member = sb.state.employees.find((e) => e.department === 'HR' && !e.persona)!
    const code = sb.state.rules.get('1')!.fields[8]!.code
    const res = await client.attendance.v1.archiveRule.uploadReport({
      params: { employee_type: 'employee_id' },
      data: { month: '202409', operator_id: 'zhangwei', archive_rule_id: '1', archive_report_datas: [{ member_id: member.user_id, start_time: '20240901', end_time: '20240930', field_datas: [{ code, value: '8' }] }] },
    }, lark.withUserAccessToken(uat))
    expect(res).toEqual({ code: 0, msg: 'success', data: {} })
    const rows = (await call<{ rows: { user_id: string; fields: Record<string, string> }[] }>(sb, 'GET', '/sandbox/inspect/archive?archive_rule_id=1&month=202409')).body.rows
    expect(rows).toEqual([expect.objectContaining({ user_id: member.user_id, fields: { [code]: '8' } })])
  })

  it('signs a person in with each of its v1 token calls, and reads who they are with the token', async () => {
    const oidc = await client.authen.v1.oidcAccessToken.create({ data: { grant_type: 'authorization_code', code: await clientCode(sb, 'lina') } })
    expect(oidc.code).toBe(0)
    const legacy = await client.authen.v1.accessToken.create({ data: { grant_type: 'authorization_code', code: await clientCode(sb, 'lina') } })
    const lina = sb.state.byUserId.get('lina')!
    expect(legacy.data).toMatchObject({ name: lina.name, open_id: lina.open_id, token_type: 'Bearer' })
    const next = await client.authen.v1.refreshAccessToken.create({ data: { grant_type: 'refresh_token', refresh_token: legacy.data!.refresh_token! } })
    expect(next.data?.open_id).toBe(lina.open_id)
    const me = await client.authen.v1.userInfo.get({}, lark.withUserAccessToken(oidc.data!.access_token!))
    expect(me.data?.open_id).toBe(lina.open_id)
    // A used code is a business error the SDK resolves with (HTTP 200), as Feishu answers it.
    const used = await client.authen.v1.accessToken.create({ data: { grant_type: 'authorization_code', code: 'never-issued' } })
    expect(used.code).toBe(20003)
  })

  it('pages through the CoreHR employee search with its iterator', async () => {
    let people = 0
    for await (const page of await client.corehr.v2.employee.searchWithIterator({ params: { page_size: 100, user_id_type: 'people_corehr_id' }, data: { fields: ['employee_number'] } })) people += page?.items?.length ?? 0
    expect(people).toBe(sb.state.employees.length)
  })

  it('throws the HTTP 400 answer with its body and X-Tt-Logid readable', async () => {
    const uat = await userToken(sb, 'liuyang')
    const err = await client.attendance.v1.archiveRule.uploadReport({
      params: { employee_type: 'employee_id' },
      data: { month: '202409', operator_id: 'liuyang', archive_rule_id: '1', archive_report_datas: [{ member_id: 'liuyang', start_time: '20240901', end_time: '20240930' }] },
    }, lark.withUserAccessToken(uat)).then(() => null, (e: unknown) => e as AxiosLike)
    expect(err?.response?.status).toBe(400)
    expect(err?.response?.data.code).toBe(1220600)
    expect(err?.response?.headers['x-tt-logid']).toMatch(/^\d{14}/)
  })
})

describe('@larksuiteoapi/node-sdk: approval v4 and the approval_instance event', () => {
  it('creates, gets and subscribes with the SDK, and the SDK\'s own EventDispatcher accepts the sandbox\'s encrypted, signed event', async () => {
    const { PAYROLL_APPROVAL_CODE } = await import('../../server/sandbox/approval/definitions')
    const { SANDBOX_EVENT_ENCRYPT_KEY, SANDBOX_EVENT_VERIFICATION_TOKEN } = await import('../../server/sandbox/credentials')
    const { createServer } = await import('node:http')
    const seen: Array<{ headers: Record<string, unknown>; body: string }> = []
    const hook = createServer((req, res) => {
      let body = ''
      req.on('data', (c: Buffer) => { body += c.toString() })
      req.on('end', () => { seen.push({ headers: req.headers, body }); res.end('{}') })
    })
    await new Promise<void>((ok) => hook.listen(0, '127.0.0.1', () => ok()))
    try {
      sb.setKnobs({ approvalEvents: { requestUrl: `http://127.0.0.1:${(hook.address() as { port: number }).port}/` } })
      expect((await client.approval.v4.approval.subscribe({ path: { approval_code: PAYROLL_APPROVAL_CODE } })).code).toBe(0)
      const openId = sb.state.byUserId.get('wangfang')!.open_id
      const created = await client.approval.v4.instance.create({ data: { approval_code: PAYROLL_APPROVAL_CODE, open_id: openId, form: JSON.stringify([{ id: 'hr_import_target', type: 'input', value: 'x' }]) } })
      expect(created.code).toBe(0)
      const code = created.data!.instance_code
      const got = await client.approval.v4.instance.get({ path: { instance_id: code }, params: { user_id_type: 'open_id' } })
      expect(got.data).toMatchObject({ status: 'PENDING', open_id: openId })
      await sb.state.approval.settled()
      expect(seen).toHaveLength(1)
      let handled: Record<string, unknown> | null = null
      const dispatcher = new lark.EventDispatcher({ encryptKey: SANDBOX_EVENT_ENCRYPT_KEY, verificationToken: SANDBOX_EVENT_VERIFICATION_TOKEN, logger: silent }).register({
        approval_instance: async (data: Record<string, unknown>) => { handled = data },
      } as never)
      await dispatcher.invoke(Object.assign(Object.create({ headers: seen[0]!.headers }), JSON.parse(seen[0]!.body)), { needCheck: true })
      expect(handled).toMatchObject({ instance_code: code, status: 'PENDING', approval_code: PAYROLL_APPROVAL_CODE })
      // The SDK's own AES decryption reads the same body.
      expect(JSON.parse(new lark.AESCipher(SANDBOX_EVENT_ENCRYPT_KEY).decrypt(JSON.parse(seen[0]!.body).encrypt))).toMatchObject({ type: 'event_callback', token: SANDBOX_EVENT_VERIFICATION_TOKEN })
    } finally {
      await new Promise<void>((ok) => hook.close(() => ok()))
    }
  })
})

describe('@larksuiteoapi/node-sdk: the approval definition', () => {
  it('reads a definition with its form widgets and approver, and an unknown code as 1390002', async () => {
    const { PAYROLL_APPROVAL_CODE, SELF_APPROVAL_CODE, PAYROLL_FORM } = await import('../../server/sandbox/approval/definitions')
    const def = await client.approval.v4.approval.get({ path: { approval_code: PAYROLL_APPROVAL_CODE }, params: { locale: 'en-US', user_id_type: 'user_id' } })
    expect(def.code).toBe(0)
    expect(def.data).toMatchObject({ approval_name: 'Payroll data release', status: 'ACTIVE' })
    expect((JSON.parse(def.data!.form) as Array<{ id: string; type: string }>).map((w) => [w.id, w.type])).toEqual(PAYROLL_FORM.map((w) => [w.id, w.type]))
    const approve = def.data!.node_list.find((n) => n.custom_node_id === 'PAYROLL_APPROVE')!
    expect(approve.approver_chosen_range?.[0]?.approver_range_ids).toEqual(['sunli'])
    const self = await client.approval.v4.approval.get({ path: { approval_code: SELF_APPROVAL_CODE } })
    expect(self.data!.node_list.find((n) => n.custom_node_id === 'PAYROLL_APPROVE')!.need_approver).toBe(true)
    const missing = await client.approval.v4.approval.get({ path: { approval_code: '00000000-0000-0000-0000-000000000000' } }).then(() => null, (e: unknown) => e as AxiosLike)
    expect([missing?.response?.status, missing?.response?.data.code]).toEqual([400, 1390002])
  })
})
