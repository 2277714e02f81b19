import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { lastCallSeq, sandboxCalls, startStack } from './harness'

let stack: Awaited<ReturnType<typeof startStack>>
beforeAll(async () => { stack = await startStack() })
afterAll(async () => { await stack.close() })

const TWO_HOURS = 2 * 3600 * 1000 + 60_000

describe('keeping a person signed in', () => {
  it('refreshes an ending token once even when many requests need it at the same time', async () => {
    const c = await stack.signedIn('wangfang')
    // After sign-in, every call to the token endpoint is a refresh.
    const since = await lastCallSeq(stack.sandbox.url)
    stack.clock.advance(TWO_HOURS)
    const answers = await Promise.all(Array.from({ length: 6 }, () => c.request('GET', '/api/capabilities')))
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200, 200, 200])
    const refreshes = await sandboxCalls(stack.sandbox.url, { api: 'oauth.token', sinceSeq: since })
    expect(refreshes).toHaveLength(1)
    expect(refreshes[0]).toMatchObject({ status: 200, code: 0 })
  })

  it('keeps refreshing with the newest token: a second refresh later succeeds too', async () => {
    const c = await stack.signedIn('lina')
    const since = await lastCallSeq(stack.sandbox.url)
    stack.clock.advance(TWO_HOURS)
    expect((await c.request('GET', '/api/capabilities')).status).toBe(200)
    stack.clock.advance(TWO_HOURS)
    expect((await c.request('GET', '/api/capabilities')).status).toBe(200)
    const refreshes = await sandboxCalls(stack.sandbox.url, { api: 'oauth.token', sinceSeq: since })
    expect(refreshes.map((r) => r.code)).toEqual([0, 0])
  })

  it('asks for a quiet re-sign-in (401 reauth_required) once a token ends and refresh is refused', async () => {
    const c = await stack.signedIn('chenjing')
    expect((await c.request('GET', '/api/capabilities')).status).toBe(200)
    stack.clock.advance(TWO_HOURS)
    const res = await c.request('GET', '/api/capabilities')
    expect(res.status).toBe(401)
    expect(res.json.error?.code).toBe('reauth_required')
  })

  it('asks for re-sign-in when the person never granted offline_access and the token ends', async () => {
    await stack.forgetGrants()
    const c = stack.client()
    const code = await stack.accessCode('wangfang', ['payroll:external_datasource_configuration:read', 'attendance:task:readonly'])
    expect((await c.request('POST', '/api/session', { code, source: 'request_access' })).status).toBe(200)
    stack.clock.advance(TWO_HOURS)
    const res = await c.request('GET', '/api/capabilities')
    expect(res.status).toBe(401)
    expect(res.json.error?.code).toBe('reauth_required')
  })
})
