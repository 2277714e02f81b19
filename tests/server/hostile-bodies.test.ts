// Every route that takes a body or a path parameter answers hostile input with a 4xx JSON error,
// never a 5xx or a stack trace, and the server keeps serving: wrong JSON types at the top level,
// prototype keys, deep nesting, wrong types in every field, and ids that are not ids.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startStack } from './harness'

let stack: Awaited<ReturnType<typeof startStack>>
let c: Awaited<ReturnType<typeof stack.signedIn>>
let jobId: string
beforeAll(async () => {
  stack = await startStack()
  c = await stack.signedIn('wangfang')
  const job = await c.request('POST', '/api/jobs', { idempotency_key: 'hostile-bodies-job', kind: 'payroll_save', target: { type: 'payroll', source_code: 'attendance_deduction__c', payroll_period: '2031-02' }, rows: [{ row: 2, employment_id: 'nobody-here', values: { late_deduction__c: '1' } }] })
  jobId = (job.json.job as { id: string }).id
})
afterAll(async () => { await stack.close() })

const deep = '{"a":'.repeat(5000) + '1' + '}'.repeat(5000)

const BODIES: Array<[string, string]> = [
  ['null', 'null'],
  ['an array', '[1,2,3]'],
  ['a string', '"hello"'],
  ['a number', '12345'],
  ['prototype keys', '{"__proto__":{"isAdmin":true},"constructor":{"prototype":{"x":1}}}'],
  ['every field the wrong type', JSON.stringify({ idempotency_key: 7, kind: ['payroll_save'], target: 'payroll', rows: { 0: 1 }, by: {}, values: 'FS1', source_code: 12, payroll_period: true, employment_ids: 'a', locale: null, enabled: 'yes', mapping: 5, comment: { x: 1 }, reason: [], dry_run: 'no' })],
  ['deep nesting', deep],
  ['lone surrogates and control characters', '{"source_code":"\\ud800\\u0000\\u001f","payroll_period":"2024-01\\u202e"}'],
]

const ROUTES = (): Array<[string, string]> => [
  ['POST', '/api/session'],
  ['POST', '/api/jobs'],
  ['POST', `/api/jobs/${jobId}/rows`],
  ['POST', `/api/jobs/${jobId}/start`],
  ['POST', `/api/jobs/${jobId}/revert`],
  ['POST', '/api/payroll/resolve'],
  ['POST', '/api/payroll/records'],
  ['POST', '/api/payroll/period-records'],
  ['POST', '/api/payroll/prefilled.xlsx'],
  ['POST', '/api/payroll/period-guard'],
  ['PUT', '/api/mappings/payroll/attendance_deduction__c'],
  ['PUT', '/api/notify/settings'],
  ['POST', '/api/feishu/events'],
  ['POST', '/api/sources/feishu/read'],
]

describe('hostile bodies and ids', () => {
  it('every body route answers each hostile body with a 4xx JSON error, without a stack trace', async () => {
    const failures: string[] = []
    for (const [method, path] of ROUTES()) {
      for (const [name, body] of BODIES) {
        const res = await c.request(method, path, body)
        const plain = res.status >= 400 && res.status < 500 && !/\bat .+\.(ts|js|mjs):\d+/.test(res.text)
        if (!plain) failures.push(`${method} ${path} with ${name}: ${res.status} ${res.text.slice(0, 120)}`)
      }
    }
    expect(failures).toEqual([])
  })

  it('ids that are not ids get a 4xx, and the server still serves', async () => {
    const ids = ['..%2F..%2Fetc%2Fpasswd', '%00', 'x'.repeat(5000), '%F0%9F%92%A9', '1%20OR%201%3D1', '-1', '9'.repeat(40)]
    const failures: string[] = []
    for (const id of ids) {
      for (const path of [`/api/jobs/${id}`, `/api/jobs/${id}/events`, `/api/approvals/${id}`, `/api/attendance/rules/${id}/fields?month=202401`, `/api/mappings/payroll/${id}`]) {
        const res = await c.request('GET', path)
        // A datasource code may be "-1" or all digits (no mapping saved: 200); nothing may be a 5xx.
        const ok = path.startsWith('/api/mappings/') && /^(-1|9+)$/.test(id) ? res.status === 200 : res.status >= 400 && res.status < 500
        if (!ok) failures.push(`GET ${path.slice(0, 80)}: ${res.status}`)
      }
    }
    expect(failures).toEqual([])
    expect((await c.request('GET', '/api/me')).status).toBe(200)
  })
})
