import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startStack } from './harness'

let stack: Awaited<ReturnType<typeof startStack>>
beforeAll(async () => { stack = await startStack() })
afterAll(async () => { await stack.close() })

describe('signing in with a Feishu code', () => {
  it('exchanges a requestAccess code, reads user_info and answers who signed in', async () => {
    const c = stack.client()
    const res = await c.request('POST', '/api/session', { code: await stack.accessCode('wangfang'), source: 'request_access' })
    expect(res.status).toBe(200)
    expect(res.json.user).toMatchObject({ name: '王芳', en_name: 'Wang Fang', user_id: 'wangfang' })
    expect(res.setCookie).toMatch(/^sid=[A-Za-z0-9_-]{43};/)
    expect(res.setCookie).toMatch(/HttpOnly/i)
    expect(res.setCookie).toMatch(/SameSite=Lax/i)
    const me = await c.request('GET', '/api/me')
    expect(me.status).toBe(200)
    expect(me.json.user).toMatchObject({ name: '王芳' })
  })

  it('refuses a code used twice, as Feishu does', async () => {
    const code = await stack.accessCode('lina')
    expect((await stack.client().request('POST', '/api/session', { code, source: 'request_access' })).status).toBe(200)
    const again = await stack.client().request('POST', '/api/session', { code, source: 'request_access' })
    expect(again.status).toBe(400)
    expect(again.json.error?.code).toBe('code_invalid')
  })

  it('refuses an OAuth code that claims to come back to an address the app does not use', async () => {
    const res = await stack.client().request('POST', '/api/session', { code: 'abc', source: 'oauth', redirect_uri: 'https://evil.example/auth/callback' })
    expect(res.status).toBe(400)
    expect(res.json.error?.code).toBe('redirect_uri_mismatch')
  })

  it('gives a new session id at every sign-in and ends the old one', async () => {
    const c = await stack.signedIn('zhangwei')
    const first = c.cookie
    await c.request('POST', '/api/session', { code: await stack.accessCode('zhangwei'), source: 'request_access' })
    expect(c.cookie).not.toBe(first)
    const old = stack.client()
    old.cookie = first
    expect((await old.request('GET', '/api/me')).status).toBe(401)
  })

  it('signs out: the cookie is cleared and the session no longer works', async () => {
    const c = await stack.signedIn('liuyang')
    const sid = c.cookie
    const out = await c.request('DELETE', '/api/session')
    expect(out.status).toBe(204)
    const replay = stack.client()
    replay.cookie = sid
    const me = await replay.request('GET', '/api/me')
    expect(me.status).toBe(401)
    expect(me.json.error?.code).toBe('session_required')
  })
})

describe('session lifetime', () => {
  it('ends a session after 30 idle days, while a visit within that time keeps it going', async () => {
    const c = await stack.signedIn('lina')
    stack.clock.advance(20 * 24 * 3600_000)
    expect((await c.request('GET', '/api/me')).status).toBe(200)
    stack.clock.advance(20 * 24 * 3600_000)
    expect((await c.request('GET', '/api/me')).status).toBe(200)
    stack.clock.advance(31 * 24 * 3600_000)
    const res = await c.request('GET', '/api/me')
    expect(res.status).toBe(401)
    expect(res.json.error?.code).toBe('session_required')
  })
})

describe('sessions belong to one person', () => {
  it('answers each person with their own identity, whatever the request says', async () => {
    const a = await stack.signedIn('wangfang')
    const b = await stack.signedIn('zhangwei')
    expect((await a.request('GET', '/api/me?user_id=zhangwei')).json.user).toMatchObject({ user_id: 'wangfang' })
    expect((await b.request('GET', '/api/me')).json.user).toMatchObject({ user_id: 'zhangwei' })
  })

  it('refuses a missing, forged or altered session cookie with 401 session_required', async () => {
    const a = await stack.signedIn('wangfang')
    const forged = stack.client()
    for (const cookie of ['', 'sid=', 'sid=forged', `${a.cookie.slice(0, -1)}${a.cookie.endsWith('A') ? 'B' : 'A'}`, `sid=${'x'.repeat(5000)}`]) {
      forged.cookie = cookie
      const res = await forged.request('GET', '/api/me')
      expect(res.status).toBe(401)
      expect(res.json.error?.code).toBe('session_required')
    }
  })
})

describe('capabilities, probed with the person’s own token', () => {
  it('shows the payroll admin payroll and names the attendance role they lack', async () => {
    const res = await (await stack.signedIn('wangfang')).request('GET', '/api/capabilities')
    expect(res.status).toBe(200)
    expect(res.json).toMatchObject({
      payroll: { available: true, reason: { code: 'ok' } },
      attendance: { available: false, reason: { code: 'no_role', role: 'attendance' } },
    })
  })

  it('shows the attendance admin attendance and not payroll', async () => {
    const res = await (await stack.signedIn('zhangwei')).request('GET', '/api/capabilities')
    expect(res.json).toMatchObject({ payroll: { available: false, reason: { code: 'no_role', role: 'payroll' } }, attendance: { available: true } })
  })

  it('shows an ordinary employee neither, with the role for each', async () => {
    const res = await (await stack.signedIn('liuyang')).request('GET', '/api/capabilities')
    expect(res.json).toMatchObject({ payroll: { available: false, reason: { role: 'payroll' } }, attendance: { available: false, reason: { role: 'attendance' } } })
  })

  it('names the scope when the person did not grant it', async () => {
    await stack.forgetGrants()
    const c = stack.client()
    const code = await stack.accessCode('wangfang', ['attendance:task:readonly', 'offline_access'])
    expect((await c.request('POST', '/api/session', { code, source: 'request_access' })).status).toBe(200)
    const res = await c.request('GET', '/api/capabilities')
    expect(res.json).toMatchObject({ payroll: { available: false, reason: { code: 'scope_missing', scope: 'payroll:external_datasource_configuration:read' } } })
  })
})

describe('other ways in', () => {
  it('signs in a gadget with a tt.login code through code2session', async () => {
    const res = await fetch(`${stack.sandbox.url}/sandbox/codes`, {
      method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ user_id: 'zhangwei', kind: 'login' }),
    })
    const { code } = (await res.json()) as { code: string }
    const c = stack.client()
    const signed = await c.request('POST', '/api/session', { code, source: 'gadget' })
    expect(signed.status).toBe(200)
    expect(signed.json.user).toMatchObject({ user_id: 'zhangwei', name: '张伟' })
    expect((await c.request('GET', '/api/me')).json.user).toMatchObject({ user_id: 'zhangwei' })
  })

  it('keeps sessions on disk: a restarted server still knows the person', async () => {
    const c = await stack.signedIn('wangfang')
    const { buildApp } = await import('../../server/app')
    const { openSqlite } = await import('../../server/store/sqlite')
    const { createLogger } = await import('../../server/logger')
    const { join, resolve } = await import('node:path')
    const db = await openSqlite(join(stack.dataDir, 'app.db'))
    const { app } = buildApp({ config: stack.config, db, clock: stack.clock, logger: createLogger('error', () => {}), distDir: resolve('dist') })
    const res = await app.request('http://localhost/api/me', { headers: { Cookie: c.cookie } })
    expect(res.status).toBe(200)
    expect(((await res.json()) as { user: { user_id: string } }).user.user_id).toBe('wangfang')
    await db.destroy()
  })
})
