import { describe, expect, it } from 'vitest'
import type { RunningSandbox } from '../../server/sandbox/index'
import { call, sandboxPerFile, type FeishuBody } from './helpers'

const SEARCH = '/open-apis/corehr/v2/employees/search'

interface Item {
  employment_id: string
  employment_id_v2: string
  employee_number?: string
  email_address?: string
  employment_status?: { enum_name: string }
  department_id?: string
}
type SearchBody = FeishuBody<{ items: Item[]; has_more: boolean; page_token?: string }>

let sb: RunningSandbox
let tat: string

const search = (body: unknown, query: Record<string, string | number> = { page_size: 100, user_id_type: 'people_corehr_id' }) =>
  call<SearchBody>(sb, 'POST', SEARCH, { token: tat, body, query })

sandboxPerFile((s, t) => { sb = s; tat = t })

describe('corehr/v2/employees/search', () => {
  it('maps 工号 to the payroll employment_id with user_id_type=people_corehr_id', async () => {
    const r = await search({ employee_number_list: ['FS00001', 'FS00002'], fields: ['employee_number', 'email_address', 'employment_status'] })
    expect(r.body.code).toBe(0)
    expect(r.body.data!.items).toEqual([
      { employment_id: '7041234567890120001', employment_id_v2: '7041234567890120001', employee_number: 'FS00001', email_address: 'wang.fang@corp.example.com', employment_status: expect.objectContaining({ enum_name: 'hired' }) },
      { employment_id: '7041234567890120002', employment_id_v2: '7041234567890120002', employee_number: 'FS00002', email_address: 'li.na@corp.example.com', employment_status: expect.objectContaining({ enum_name: 'hired' }) },
    ])
  })

  it('returns only the ids when no fields are asked for', async () => {
    const r = await search({ employee_number_list: ['FS00003'] })
    expect(r.body.data!.items).toEqual([{ employment_id: '7041234567890120003', employment_id_v2: '7041234567890120003' }])
  })

  it('finds two people behind the reused 工号, one of them terminated', async () => {
    const r = await search({ employee_number_list: ['FS10086'], fields: ['employment_status'] })
    const items = r.body.data!.items
    expect(items).toHaveLength(2)
    expect(new Set(items.map((i) => i.employment_id)).size).toBe(2)
    expect(items.map((i) => i.employment_status?.enum_name).sort()).toEqual(['hired', 'terminated'])
    const hired = await search({ employee_number_list: ['FS10086'], employment_status: 'hired' })
    expect(hired.body.data!.items).toHaveLength(1)
  })

  it('matches work emails, case-insensitively, through email_address_list and work_email', async () => {
    const byList = await search({ email_address_list: ['Zhang.Wei@corp.example.com', 'nobody@corp.example.com'] })
    expect(byList.body.data!.items.map((i) => i.employment_id)).toEqual(['7041234567890120003'])
    const single = await search({ work_email: 'li.na@corp.example.com' })
    expect(single.body.data!.items.map((i) => i.employment_id)).toEqual(['7041234567890120002'])
  })

  it('types employment_id by user_id_type (default open_id)', async () => {
    const byUserId = await search({ employee_number_list: ['FS00004'] }, { page_size: 10, user_id_type: 'user_id' })
    expect(byUserId.body.data!.items[0]!.employment_id).toBe('liuyang')
    const byDefault = await search({ employee_number_list: ['FS00004'] }, { page_size: 10 })
    expect(byDefault.body.data!.items[0]!.employment_id).toMatch(/^ou_/)
    const byIds = await search({ employment_id_list: ['liuyang'] }, { page_size: 10, user_id_type: 'user_id' })
    expect(byIds.body.data!.items).toHaveLength(1)
  })

  it('pages through all 2,400 employees', async () => {
    let token: string | undefined
    let total = 0
    do {
      const r: { body: SearchBody } = await search({}, { page_size: 100, user_id_type: 'people_corehr_id', ...(token ? { page_token: token } : {}) })
      total += r.body.data!.items.length
      token = r.body.data!.has_more ? r.body.data!.page_token : undefined
    } while (token)
    expect(total).toBe(2400)
  })

  it('answers 400 1160102 for a missing page_size or an unknown user_id_type', async () => {
    for (const query of [{ user_id_type: 'people_corehr_id' }, { page_size: 101 }, { page_size: 10, user_id_type: 'email' }] as Record<string, string | number>[]) {
      const r = await search({}, query)
      expect(r.status).toBe(400)
      expect(r.body.code).toBe(1160102)
    }
  })

  it('is limited to 100 calls a minute', async () => {
    const statuses: number[] = []
    for (let i = 0; i < 101; i++) statuses.push((await search({ employee_number_list: ['FS00001'] })).status)
    expect(statuses.slice(0, 100).every((s) => s === 200)).toBe(true)
    const last = await search({ employee_number_list: ['FS00001'] })
    expect(last.status).toBe(429)
    expect(last.headers.get('x-ogw-ratelimit-limit')).toBe('100')
    expect(Number(last.headers.get('x-ogw-ratelimit-reset'))).toBeGreaterThan(1)
  })
})
