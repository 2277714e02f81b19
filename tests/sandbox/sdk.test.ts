// The official node SDK as an independent client: if it can talk to the sandbox, the app's own
// client is held to the same wire contract.
import * as lark from '@larksuiteoapi/node-sdk'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { CallRecord, RunningSandbox } from '../../server/sandbox/index'
import { call, SANDBOX_APP_ID, SANDBOX_APP_SECRET, start, userToken } from './helpers'

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
