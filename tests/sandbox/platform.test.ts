import { request } from 'node:http'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { SANDBOX_OTHER_APP_ID, SANDBOX_OTHER_APP_SECRET, type CallRecord, type RunningSandbox } from '../../server/sandbox/index'
import { call, SANDBOX_APP_ID, SANDBOX_APP_SECRET, sleep, start, tenantToken, userToken, type FeishuBody } from './helpers'

const LIST = '/open-apis/payroll/v1/datasources'
const SAVE = '/open-apis/payroll/v1/datasource_records/save'
const TENANT = '/open-apis/auth/v3/tenant_access_token/internal'
const LOGID = /^\d{14}[0-9A-F]{20}$/

let sb: RunningSandbox
let tat: string

beforeAll(async () => {
  sb = await start({ knobs: { timeoutHoldMs: 300 } })
})
afterAll(async () => {
  await sb.close()
})
beforeEach(async () => {
  sb.reset()
  tat = await tenantToken(sb)
})

/** A raw HTTP request, for what fetch cannot send (a GET with a body). */
function rawRequest(method: string, path: string, headers: Record<string, string>, body: string): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(sb.url + path, { method, headers }, (res) => {
      let text = ''
      res.on('data', (chunk: Buffer) => { text += chunk.toString() })
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }))
    })
    req.on('error', reject)
    req.end(body)
  })
}

describe('X-Tt-Logid', () => {
  it('is on every response: answers, errors, 404, wrong method, HTML, redirects, sandbox endpoints, 429', async () => {
    sb.setKnobs({ failNext: [{ api: 'datasource.list', kind: 'rateLimit429' }] })
    const responses = [
      await fetch(`${sb.url}${LIST}?page_size=1`, { headers: { authorization: `Bearer ${tat}` } }),
      await fetch(`${sb.url}${LIST}?page_size=1`, { headers: { authorization: `Bearer ${tat}` } }),
      await fetch(`${sb.url}${LIST}`),
      await fetch(`${sb.url}/open-apis/nothing/here`),
      await fetch(`${sb.url}${LIST}`, { method: 'PUT' }),
      await fetch(`${sb.url}/open-apis/authen/v1/authorize?client_id=${SANDBOX_APP_ID}&response_type=code&redirect_uri=http://localhost/cb`),
      await fetch(`${sb.url}/open-apis/authen/v1/authorize`, { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `client_id=${SANDBOX_APP_ID}&response_type=code&redirect_uri=http://localhost/cb&login_hint=lina&decision=approve` }),
      await fetch(`${sb.url}/open-apis/authen/v2/oauth/token`, { method: 'POST', body: '{}' }),
      await fetch(`${sb.url}/sandbox/users`),
      await fetch(`${sb.url}/sandbox/avatar/lina.svg`),
    ]
    expect(responses.map((r) => r.status)).toEqual([429, 200, 400, 404, 405, 200, 302, 400, 200, 200])
    const ids = responses.map((r) => r.headers.get('x-tt-logid'))
    for (const id of ids) expect(id).toMatch(LOGID)
    expect(new Set(ids).size).toBe(ids.length)
  })

  it('answers an unknown path with 404 99991201 and a wrong method with 99991301, in the full envelope', async () => {
    const missing = await call(sb, 'GET', '/open-apis/payroll/v9/nothing')
    expect(missing.status).toBe(404)
    expect(missing.body).toMatchObject({ code: 99991201, msg: 'resource not find', error: { logid: missing.headers.get('x-tt-logid') } })
    const wrong = await call(sb, 'GET', SAVE)
    expect(wrong.body).toMatchObject({ code: 99991301 })
  })
})

describe('the auth gate, before any business logic (HTTP 400)', () => {
  const save = (token: string | undefined, body: unknown = { records: 'not even valid' }) => call(sb, 'POST', SAVE, { ...(token === undefined ? {} : { token }), body })

  it('99991661 without a token, whatever the body', async () => {
    const r = await save(undefined)
    expect(r.status).toBe(400)
    expect(r.body).toMatchObject({ code: 99991661, error: { logid: r.headers.get('x-tt-logid') } })
    expect((await call(sb, 'POST', SAVE, { headers: { authorization: 'Bearer ' }, body: {} })).body.code).toBe(99991661)
  })

  it('99991671 for a token of an unknown format; both u- and eyJ forms pass the format check', async () => {
    expect((await save('xyz-123')).body.code).toBe(99991671)
    expect((await save('u-abcdef')).body.code).toBe(99991668)
    expect((await save('eyJabc.def.ghi')).body.code).toBe(99991668)
  })

  it('99991663 for an unknown tenant token', async () => {
    const r = await save(`t-${'z'.repeat(40)}`)
    expect(r.status).toBe(400)
    expect(r.body.code).toBe(99991663)
  })

  it('99991677 for an expired user token', async () => {
    sb.setKnobs({ tokenTtl: { accessSec: 0.05 } })
    const uat = await userToken(sb, 'wangfang')
    await sleep(80)
    const r = await save(uat)
    expect(r.status).toBe(400)
    expect(r.body.code).toBe(99991677)
  })

  it('rejects a token type the API does not take: a user token on CoreHR search (99991668)', async () => {
    const r = await call(sb, 'POST', '/open-apis/corehr/v2/employees/search', { token: await userToken(sb, 'wangfang'), query: { page_size: 10 }, body: {} })
    expect(r.status).toBe(400)
    expect(r.body).toMatchObject({ code: 99991668, msg: 'user access token not support' })
  })

  it('99991672 when the app has not enabled the scope, naming it', async () => {
    sb.setKnobs({ appScopes: sb.state.knobs.appScopes.filter((s) => s !== 'payroll:external_datasource_record:write') })
    const r = await save(tat, { source_code: 'sales_commission__c', records: [] })
    expect(r.status).toBe(400)
    expect(r.body).toMatchObject({ code: 99991672, error: { permission_violations: [{ type: 'action_scope_required', subject: 'payroll:external_datasource_record:write' }] } })
  })

  it('99991679 with permission_violations when the user did not grant the scope', async () => {
    const r = await save(await userToken(sb, 'wangfang', ['attendance:task']), { source_code: 'sales_commission__c', records: [] })
    expect(r.status).toBe(400)
    const body = r.body as FeishuBody
    expect(body.code).toBe(99991679)
    expect(body.error?.permission_violations).toEqual([{ type: 'action_privilege_required', subject: 'payroll:external_datasource_record:write' }])
    expect(body.error?.log_id).toBe(r.headers.get('x-tt-logid'))
  })

  it('answers 99991677 once when a tokenExpired failure is queued, and the token stays expired', async () => {
    const uat = await userToken(sb, 'wangfang')
    sb.setKnobs({ failNext: [{ api: 'datasource.list', kind: 'tokenExpired' }] })
    expect((await call(sb, 'GET', LIST, { token: uat, query: { page_size: 1 } })).body.code).toBe(99991677)
    expect((await call(sb, 'GET', LIST, { token: uat, query: { page_size: 1 } })).body.code).toBe(99991677)
  })
})

describe('tenant and app tokens', () => {
  it('issue 7200 s t- tokens; the same token comes back while 30 min or more are left', async () => {
    let now = 1_700_000_000_000
    const timed = await start({ now: () => now })
    try {
      const first = await call<{ tenant_access_token: string; expire: number }>(timed, 'POST', TENANT, { body: { app_id: SANDBOX_APP_ID, app_secret: SANDBOX_APP_SECRET } })
      expect(first.body).toMatchObject({ code: 0, msg: 'ok', expire: 7200 })
      expect(first.body.tenant_access_token).toMatch(/^t-/)
      now += 5400_000 // 30 min left
      const same = await call<{ tenant_access_token: string; expire: number }>(timed, 'POST', TENANT, { body: { app_id: SANDBOX_APP_ID, app_secret: SANDBOX_APP_SECRET } })
      expect(same.body).toMatchObject({ tenant_access_token: first.body.tenant_access_token, expire: 1800 })
      now += 1000 // under 30 min: a new one, both valid
      const next = await call<{ tenant_access_token: string; expire: number }>(timed, 'POST', TENANT, { body: { app_id: SANDBOX_APP_ID, app_secret: SANDBOX_APP_SECRET } })
      expect(next.body.tenant_access_token).not.toBe(first.body.tenant_access_token)
      expect(next.body.expire).toBe(7200)
      for (const t of [first.body.tenant_access_token, next.body.tenant_access_token]) {
        expect((await call(timed, 'GET', LIST, { token: t, query: { page_size: 1 } })).body.code).toBe(0)
      }
      now += 1800_000 // the first one has expired
      expect((await call(timed, 'GET', LIST, { token: first.body.tenant_access_token, query: { page_size: 1 } })).body.code).toBe(99991663)
      expect((await call(timed, 'GET', LIST, { token: next.body.tenant_access_token, query: { page_size: 1 } })).body.code).toBe(0)
    } finally {
      await timed.close()
    }
  })

  it('app_access_token/internal answers the same t- value for both tokens, also with GET and query parameters', async () => {
    const r = await call<{ code: number; app_access_token: string; tenant_access_token: string }>(sb, 'GET', '/open-apis/auth/v3/app_access_token/internal', { query: { app_id: SANDBOX_APP_ID, app_secret: SANDBOX_APP_SECRET } })
    expect(r.body.code).toBe(0)
    expect(r.body.app_access_token).toBe(r.body.tenant_access_token)
    expect(r.body.app_access_token).toBe(tat)
  })

  it('refuses a wrong secret with 10014 and an unknown app with 10003', async () => {
    const wrong = await call(sb, 'POST', TENANT, { body: { app_id: SANDBOX_APP_ID, app_secret: 'nope' } })
    expect(wrong.status).toBe(400)
    expect(wrong.body.code).toBe(10014)
    expect((await call(sb, 'POST', TENANT, { body: { app_id: 'cli_nope', app_secret: 'x' } })).body.code).toBe(10003)
  })
})

describe('request tolerance', () => {
  it('answers malformed JSON with the API\'s 400 param-invalid envelope and keeps serving', async () => {
    const r = await call(sb, 'POST', SAVE, { token: tat, raw: '{"source_code": "sales_commission__c", "records": [' })
    expect(r.status).toBe(400)
    expect(r.body).toMatchObject({ code: 2500002, error: { logid: r.headers.get('x-tt-logid') } })
    expect((await call(sb, 'GET', LIST, { token: tat, query: { page_size: 1 } })).status).toBe(200)
  })

  it('accepts application/json without charset, and a body without a content type', async () => {
    const body = { source_code: 'sales_commission__c', field_filters: [{ field_code: 'payroll_period', field_values: ['2024-09'] }] }
    const plain = await call(sb, 'POST', '/open-apis/payroll/v1/datasource_records/query?page_size=1', { token: tat, body, headers: { 'content-type': 'application/json' } })
    expect(plain.body.code).toBe(0)
    const res = await fetch(`${sb.url}/open-apis/payroll/v1/datasource_records/query?page_size=1`, { method: 'POST', headers: { authorization: `Bearer ${tat}` }, body: JSON.stringify(body) })
    expect(((await res.json()) as FeishuBody).code).toBe(0)
  })

  it('accepts a GET with a JSON body, as the node SDK sends', async () => {
    const r = await rawRequest('GET', `${LIST}?page_size=1`, { authorization: `Bearer ${tat}`, 'content-type': 'application/json', 'content-length': '2' }, '{}')
    expect(r.status).toBe(200)
    expect((JSON.parse(r.body) as FeishuBody).code).toBe(0)
    expect(r.headers['x-tt-logid']).toMatch(LOGID)
  })
})

describe('rate limits per (app, tenant, API)', () => {
  it('limits one app without touching another app of the tenant', async () => {
    const other = await tenantToken(sb, SANDBOX_OTHER_APP_ID, SANDBOX_OTHER_APP_SECRET)
    const burst = await Promise.all(Array.from({ length: 12 }, () => call(sb, 'GET', LIST, { token: tat, query: { page_size: 1 } })))
    expect(burst.filter((r) => r.status === 429)).toHaveLength(2)
    expect((await call(sb, 'GET', LIST, { token: other, query: { page_size: 1 } })).status).toBe(200)
    expect((await call(sb, 'POST', '/open-apis/payroll/v1/datasource_records/query', { token: tat, query: { page_size: 1 }, body: { source_code: 'sales_commission__c', field_filters: [{ field_code: 'payroll_period', field_values: ['2024-09'] }] } })).status).toBe(200)
  })

  it('limits the OAuth token endpoint at 50/s per client', async () => {
    const results = await Promise.all(Array.from({ length: 60 }, () => call(sb, 'POST', '/open-apis/authen/v2/oauth/token', { body: { grant_type: 'refresh_token', client_id: SANDBOX_APP_ID, client_secret: SANDBOX_APP_SECRET, refresh_token: 'nope' } })))
    expect(results.filter((r) => r.status === 429)).toHaveLength(10)
    expect(results.filter((r) => r.status === 400 && (r.body as { code: number }).code === 20026)).toHaveLength(50)
    const limited = results.find((r) => r.status === 429)!
    expect(limited.headers.get('x-ogw-ratelimit-limit')).toBe('50')
  })

  it('can be switched off and overridden through knobs', async () => {
    sb.setKnobs({ rateLimits: { 'datasource.list': [{ limit: 2, windowMs: 1000 }] } })
    const limited = await Promise.all(Array.from({ length: 3 }, () => call(sb, 'GET', LIST, { token: tat, query: { page_size: 1 } })))
    expect(limited.map((r) => r.status).sort()).toEqual([200, 200, 429])
    sb.setKnobs({ rateLimitEnabled: false })
    const free = await Promise.all(Array.from({ length: 30 }, () => call(sb, 'GET', LIST, { token: tat, query: { page_size: 1 } })))
    expect(free.every((r) => r.status === 200)).toBe(true)
  })
})

describe('failure injection', () => {
  it('drop cuts the connection at once; timeout holds the request, then cuts it; both are in the call log', async () => {
    sb.setKnobs({ failNext: [{ api: 'datasource.list', kind: 'drop' }, { api: '*', kind: 'timeout' }] })
    await expect(fetch(`${sb.url}${LIST}?page_size=1`, { headers: { authorization: `Bearer ${tat}` } })).rejects.toThrow()
    const t0 = Date.now()
    await expect(fetch(`${sb.url}${LIST}?page_size=1`, { headers: { authorization: `Bearer ${tat}` } })).rejects.toThrow()
    expect(Date.now() - t0).toBeGreaterThanOrEqual(280)
    expect((await call(sb, 'GET', LIST, { token: tat, query: { page_size: 1 } })).status).toBe(200)
    const calls = (await call<{ calls: CallRecord[] }>(sb, 'GET', '/sandbox/inspect/calls?api=datasource.list')).body.calls
    expect(calls.map((c) => c.outcome ?? c.status)).toEqual(['drop', 'timeout', 200])
  })

  it('draws error rates from a seeded RNG: the same seed fails the same calls', async () => {
    const run = async () => {
      sb.reset()
      sb.setKnobs({ errorRates: { http5xx: 0.4 }, injectionSeed: 7, rateLimitEnabled: false })
      const token = await tenantToken(sb).catch(() => tenantToken(sb)).catch(() => tenantToken(sb))
      const statuses: number[] = []
      for (let i = 0; i < 20; i++) statuses.push((await call(sb, 'GET', LIST, { token, query: { page_size: 1 } })).status)
      return statuses
    }
    const a = await run()
    const b = await run()
    expect(a).toEqual(b)
    expect(a).toContain(500)
    expect(a).toContain(200)
  })
})

describe('sandbox-only endpoints', () => {
  it('GET /sandbox/users lists the six personas (five importers and the payroll approver) with avatar and role in both languages', async () => {
    const r = await call<{ users: { user_id: string; name: string; en_name: string; avatar_url: string; role: Record<string, string> }[] }>(sb, 'GET', '/sandbox/users')
    expect(r.body.users.map((u) => u.user_id)).toEqual(['wangfang', 'lina', 'zhangwei', 'liuyang', 'chenjing', 'sunli'])
    for (const u of r.body.users) {
      expect(u.avatar_url).toBe(`${sb.url}/sandbox/avatar/${u.user_id}.svg`)
      expect(u.role['zh-CN']).toBeTruthy()
      expect(u.role['en-US']).toBeTruthy()
    }
  })

  it('PUT /sandbox/knobs merges a patch and refuses an invalid one', async () => {
    const r = await call<{ latencyMs: number; errorRates: Record<string, number> }>(sb, 'PUT', '/sandbox/knobs', { body: { latencyMs: 5, errorRates: { http5xx: 0.25 } } })
    expect(r.body.latencyMs).toBe(5)
    expect(r.body.errorRates).toEqual({ http5xx: 0.25, rateLimit429: 0, lock2500021: 0, timeout: 0, drop: 0 })
    expect((await call(sb, 'PUT', '/sandbox/knobs', { body: { latencyMs: -1 } })).status).toBe(400)
    expect((await call(sb, 'PUT', '/sandbox/knobs', { body: { failNext: [{ api: 'nope', kind: 'drop' }] } })).status).toBe(400)
    expect((await call<{ latencyMs: number }>(sb, 'GET', '/sandbox/knobs')).body.latencyMs).toBe(5)
  })

  it('the call log records api, user, start/end, status and code, showing overlaps of concurrent calls', async () => {
    sb.setKnobs({ latencyMsByApi: { 'datasource.list': 100 } })
    const uat = await userToken(sb, 'lina')
    await Promise.all([call(sb, 'GET', LIST, { token: tat, query: { page_size: 1 } }), call(sb, 'GET', LIST, { token: uat, query: { page_size: 1 } })])
    const calls = (await call<{ calls: CallRecord[] }>(sb, 'GET', '/sandbox/inspect/calls?api=datasource.list')).body.calls
    expect(calls.map((c) => c.user).sort()).toEqual(['lina', 'tenant'])
    expect(calls.every((c) => c.status === 200 && c.code === 0 && c.endMs! - c.startMs >= 95)).toBe(true)
    const [a, b] = calls as [CallRecord, CallRecord]
    expect(a.startMs < b.endMs! && b.startMs < a.endMs!).toBe(true)
  })

  it('POST /sandbox/reset brings the seeded data back', async () => {
    const before = (await call<{ records: unknown[] }>(sb, 'GET', '/sandbox/inspect/payroll?source_code=sales_commission__c')).body.records.length
    await call(sb, 'POST', SAVE, { token: tat, body: { source_code: 'sales_commission__c', records: [{ active_status: 1, field_values: [{ field_code: 'employment_id', value: '6993242233201853965' }, { field_code: 'payroll_period', value: '2030-01' }] }] } })
    expect((await call<{ records: unknown[] }>(sb, 'GET', '/sandbox/inspect/payroll?source_code=sales_commission__c')).body.records).toHaveLength(before + 1)
    await call(sb, 'POST', '/sandbox/reset', { body: {} })
    expect((await call<{ records: unknown[] }>(sb, 'GET', '/sandbox/inspect/payroll?source_code=sales_commission__c')).body.records).toHaveLength(before)
  })

  it('allow cross-origin calls (the app\'s browser stand-in uses them), while /open-apis does not', async () => {
    const preflight = { method: 'OPTIONS', headers: { origin: 'http://localhost:5173', 'access-control-request-method': 'POST' } }
    expect((await fetch(`${sb.url}/sandbox/codes`, preflight)).headers.get('access-control-allow-origin')).toBe('*')
    expect((await fetch(`${sb.url}${SAVE}`, preflight)).headers.get('access-control-allow-origin')).toBeNull()
  })

  it('POST /sandbox/codes refuses scopes the app has not enabled', async () => {
    const r = await call(sb, 'POST', '/sandbox/codes', { body: { user_id: 'lina', kind: 'request_access', scopes: ['contact:contact'] } })
    expect(r.status).toBe(400)
    expect(r.body).toMatchObject({ code: 20027 })
  })
})
