// Contact v3 批量获取用户信息 and Base person fields by user_id_type: what a Base person field becomes
// an attendance member with (server/sandbox/README.md "Documents").
import * as lark from '@larksuiteoapi/node-sdk'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { RunningSandbox } from '../../server/sandbox/index'
import { DEFAULT_APP_SCOPES } from '../../server/sandbox/platform/apis'
import { DOC_TOKENS } from '../../server/sandbox/seed/documents'
import { call, SANDBOX_APP_ID, SANDBOX_APP_SECRET, start, userToken } from './helpers'

const noop = () => undefined
const silent = { error: noop, warn: noop, info: noop, debug: noop, trace: noop }
const SCOPES = ['contact:contact.base:readonly', 'bitable:app:readonly']

let sb: RunningSandbox
beforeAll(async () => { sb = await start() })
afterAll(async () => { await sb.close() })

interface Users { code: number; msg: string; data?: { items: Array<Record<string, unknown>> } }
const batch = (token: string, ids: string[], type = 'user_id') => {
  const q = new URLSearchParams(ids.map((id) => ['user_ids', id]))
  q.set('user_id_type', type)
  return call<Users>(sb, 'GET', `/open-apis/contact/v3/users/batch?${q}`, { token })
}

describe('contact v3 users/batch', () => {
  it('gives each user asked for with their employee number, leaving out ids that name nobody', async () => {
    const token = await userToken(sb, 'zhangwei', SCOPES)
    const [a, b] = sb.state.employees.filter((e) => !e.persona).slice(0, 2)
    const res = await batch(token, [a!.user_id, 'nobody00', b!.user_id])
    expect(res.status).toBe(200)
    expect(res.body.data!.items).toEqual([
      expect.objectContaining({ user_id: a!.user_id, open_id: a!.open_id, employee_no: a!.employee_no, name: a!.name }),
      expect.objectContaining({ user_id: b!.user_id, employee_no: b!.employee_no }),
    ])
    // By open_id too.
    expect((await batch(token, [a!.open_id], 'open_id')).body.data!.items[0]).toMatchObject({ employee_no: a!.employee_no })
  })

  it('takes 1 to 50 ids, and a known user_id_type only', async () => {
    const token = await userToken(sb, 'zhangwei', SCOPES)
    const ids = sb.state.employees.slice(0, 51).map((e) => e.user_id)
    expect((await batch(token, ids.slice(0, 50))).body.data!.items).toHaveLength(50)
    for (const res of [await batch(token, ids), await batch(token, []), await batch(token, ids.slice(0, 1), 'email')]) {
      expect(res.status).toBe(400)
      expect(res.body.code).toBe(99992402)
    }
  })

  it('gives the employee number only with 查看成员工号, and refuses an app without 获取通讯录基本信息', async () => {
    const e = sb.state.employees.find((x) => !x.persona)!
    try {
      await call(sb, 'PUT', '/sandbox/knobs', { body: { appScopes: DEFAULT_APP_SCOPES.filter((s) => s !== 'contact:user.employee_number:read') } })
      const token = await userToken(sb, 'zhangwei', SCOPES)
      const item = (await batch(token, [e.user_id])).body.data!.items[0]!
      expect(item.user_id).toBe(e.user_id)
      expect(item).not.toHaveProperty('employee_no')
      await call(sb, 'PUT', '/sandbox/knobs', { body: { appScopes: DEFAULT_APP_SCOPES.filter((s) => s !== 'contact:contact.base:readonly') } })
      const refused = await batch(token, [e.user_id])
      expect(refused.status).toBe(400)
      expect(refused.body.code).toBe(99991672)
    } finally {
      await call(sb, 'PUT', '/sandbox/knobs', { body: { appScopes: [...DEFAULT_APP_SCOPES] } })
    }
  })

  it('is what the official node SDK sends and reads (its repeated user_ids)', async () => {
    const client = new lark.Client({ appId: SANDBOX_APP_ID, appSecret: SANDBOX_APP_SECRET, domain: sb.url, logger: silent })
    const token = await userToken(sb, 'zhangwei', SCOPES)
    const [a, b] = sb.state.employees.filter((e) => !e.persona).slice(3, 5)
    const res = await client.contact.v3.user.batch({ params: { user_ids: [a!.user_id, b!.user_id], user_id_type: 'user_id' } }, lark.withUserAccessToken(token))
    expect(res.code).toBe(0)
    expect(res.data?.items?.map((u) => u.employee_no)).toEqual([a!.employee_no, b!.employee_no])
  })
})

describe('Base person fields by user_id_type', () => {
  const search = (token: string, type?: string) => call<{ code: number; data?: { items: Array<{ fields: Record<string, unknown> }> } }>(sb, 'POST',
    `/open-apis/bitable/v1/apps/${DOC_TOKENS.attendanceBase}/tables/${DOC_TOKENS.attendanceBaseTable}/records/search?page_size=500${type ? `&user_id_type=${type}` : ''}`, { token, body: {} })

  it('gives people by open_id by default, by user_id when asked, and someone outside the directory without an id', async () => {
    const token = await userToken(sb, 'zhangwei', SCOPES)
    const people = (res: Awaited<ReturnType<typeof search>>) => res.body.data!.items.map((r) => (r.fields['人员'] as Array<{ id?: string; name: string }>)[0]!)
    const byOpen = people(await search(token))
    const byUser = people(await search(token, 'user_id'))
    expect(byOpen[0]!.id).toMatch(/^ou_/)
    expect(byUser[0]!.id).toBe(sb.state.byOpenId.get(byOpen[0]!.id!)!.user_id)
    expect(byUser.at(-1)).toEqual({ name: '外部顾问', en_name: 'Outside consultant' })
    const bad = await search(token, 'email')
    expect(bad.status).toBe(400)
    expect(bad.body.code).toBe(1254000)
  })

  it('is readable by the attendance admin only', async () => {
    const res = await search(await userToken(sb, 'wangfang', SCOPES))
    expect(res.body.code).toBe(1254302)
  })
})
