import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startStack } from './harness'

let stack: Awaited<ReturnType<typeof startStack>>
beforeAll(async () => { stack = await startStack() })
afterAll(async () => { await stack.close() })

const entries = [
  { header: '工号', field: 'employee_no' },
  { header: '补贴 / 交通', field: 'traffic_allowance' },
  { header: '备注', field: null },
]

describe('saved column mappings', () => {
  it('a person saves a mapping and gets it back next time, per target', async () => {
    const c = await stack.signedIn('wangfang')
    expect((await c.request('GET', '/api/mappings/payroll/DS001')).json).toEqual({ mapping: null })
    const put = await c.request('PUT', '/api/mappings/payroll/DS001', { entries })
    expect(put.status).toBe(200)
    const got = await c.request('GET', '/api/mappings/payroll/DS001')
    expect((got.json.mapping as { entries: unknown }).entries).toEqual(entries)
    // Another target of the same person is separate.
    expect((await c.request('GET', '/api/mappings/attendance/DS001')).json).toEqual({ mapping: null })
  })

  it('saving again replaces the mapping, and a repeated header keeps the last choice', async () => {
    const c = await stack.signedIn('wangfang')
    await c.request('PUT', '/api/mappings/attendance/rule-7', { entries })
    await c.request('PUT', '/api/mappings/attendance/rule-7', { entries: [{ header: '工号', field: 'a' }, { header: '工号', field: 'b' }] })
    const got = await c.request('GET', '/api/mappings/attendance/rule-7')
    expect((got.json.mapping as { entries: unknown }).entries).toEqual([{ header: '工号', field: 'b' }])
  })

  it('one person cannot read or overwrite another person’s mapping', async () => {
    const owner = await stack.signedIn('wangfang')
    await owner.request('PUT', '/api/mappings/payroll/DS-private', { entries })
    const other = await stack.signedIn('zhangwei')
    expect((await other.request('GET', '/api/mappings/payroll/DS-private')).json).toEqual({ mapping: null })
    await other.request('PUT', '/api/mappings/payroll/DS-private', { entries: [{ header: 'x', field: 'y' }] })
    const mine = await owner.request('GET', '/api/mappings/payroll/DS-private')
    expect((mine.json.mapping as { entries: unknown }).entries).toEqual(entries)
  })

  it('without a session the mapping endpoints answer 401 in JSON', async () => {
    const res = await stack.client().request('GET', '/api/mappings/payroll/DS001')
    expect(res.status).toBe(401)
    expect(res.json.error?.code).toBe('session_required')
  })

  it('bad input gets a JSON error naming what is wrong', async () => {
    const c = await stack.signedIn('wangfang')
    const wrongKind = await c.request('GET', '/api/mappings/salary/DS001')
    expect(wrongKind.status).toBe(400)
    expect(wrongKind.json.error?.code).toBe('invalid_request')
    const badBody = await c.request('PUT', '/api/mappings/payroll/DS001', { entries: [{ header: '', field: 5 }] })
    expect(badBody.status).toBe(400)
    expect(badBody.json.error?.code).toBe('invalid_request')
    const paths = (badBody.json.error as unknown as { details: Array<{ path: string }> }).details.map((d) => d.path)
    expect(paths).toEqual(expect.arrayContaining(['entries.0.header', 'entries.0.field']))
    const notJson = await c.request('PUT', '/api/mappings/payroll/DS001', '{"entries": [', {})
    expect(notJson.json.error?.code).toBe('invalid_json')
    const tooMany = await c.request('PUT', '/api/mappings/payroll/DS001', { entries: Array.from({ length: 1001 }, (_, i) => ({ header: `h${i}`, field: null })) })
    expect(tooMany.status).toBe(400)
    // Nothing was saved by the failed attempts.
    expect(((await c.request('GET', '/api/mappings/payroll/DS001')).json.mapping as { entries: unknown }).entries).toEqual(entries)
  })
})
