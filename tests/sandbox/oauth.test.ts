import { createHash } from 'node:crypto'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { SANDBOX_OTHER_APP_ID, type RunningSandbox } from '../../server/sandbox/index'
import { ALL_USER_SCOPES, call, clientCode, exchangeCode, refresh, SANDBOX_APP_ID, SANDBOX_APP_SECRET, sleep, start, tenantToken, userTokens, type FeishuBody } from './helpers'

const AUTHORIZE = '/open-apis/authen/v1/authorize'
const TOKEN = '/open-apis/authen/v2/oauth/token'
const REDIRECT = 'http://localhost:5173/auth/callback'

let sb: RunningSandbox

beforeAll(async () => {
  sb = await start()
})
afterAll(async () => {
  await sb.close()
})
beforeEach(() => {
  sb.reset()
})

function authorizeQuery(extra: Record<string, string> = {}) {
  return { client_id: SANDBOX_APP_ID, response_type: 'code', redirect_uri: REDIRECT, scope: 'offline_access attendance:task', state: 'st-42', ...extra }
}

/** Submit the consent form the way the browser would. */
async function decide(params: Record<string, string>, userId: string, decision: 'approve' | 'deny') {
  return fetch(sb.url + AUTHORIZE, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ ...params, login_hint: userId, decision }).toString(),
  })
}

async function authorizeCode(userId: string, extra: Record<string, string> = {}): Promise<string> {
  const res = await decide(authorizeQuery(extra), userId, 'approve')
  const code = new URL(res.headers.get('location') ?? '').searchParams.get('code')
  if (!code) throw new Error('no code')
  return code
}

describe('the authorize page', () => {
  it('without login_hint shows the labelled "sign in as…" chooser with one button per persona', async () => {
    const r = await call<string>(sb, 'GET', AUTHORIZE, { query: authorizeQuery() })
    expect(r.status).toBe(200)
    expect(r.headers.get('content-type')).toContain('text/html')
    expect(r.body).toContain('Sandbox Feishu — sign in as…')
    expect(r.body).toContain('沙箱飞书 — 选择登录身份')
    expect(r.body).toContain('name="viewport"')
    for (const id of ['wangfang', 'lina', 'zhangwei', 'liuyang', 'chenjing']) expect(r.body).toContain(`data-testid="sandbox-user-${id}"`)
    expect(r.body).not.toContain('sandbox-user-ax11d')
  })

  it('with a persona shows the consent screen listing the requested scopes and the approve / deny buttons', async () => {
    const r = await call<string>(sb, 'GET', AUTHORIZE, { query: authorizeQuery({ login_hint: 'zhangwei' }) })
    expect(r.body).toContain('data-testid="sandbox-approve"')
    expect(r.body).toContain('data-testid="sandbox-deny"')
    expect(r.body).toContain('<code>offline_access</code>')
    expect(r.body).toContain('<code>attendance:task</code>')
    expect(r.body).toContain('张伟')
  })

  it('escapes everything it echoes', async () => {
    const r = await call<string>(sb, 'GET', AUTHORIZE, { query: authorizeQuery({ state: '"><script>alert(1)</script>' }) })
    expect(r.body).not.toContain('<script>alert(1)')
    expect(r.body).toContain('&quot;&gt;&lt;script&gt;')
  })

  it('approve redirects with a ≥64-char code and the state; deny redirects with access_denied', async () => {
    const ok = await decide(authorizeQuery(), 'zhangwei', 'approve')
    expect(ok.status).toBe(302)
    const target = new URL(ok.headers.get('location')!)
    expect(`${target.origin}${target.pathname}`).toBe(REDIRECT)
    expect(target.searchParams.get('code')).toMatch(/^[A-Za-z0-9_-]{64,}$/)
    expect(target.searchParams.get('state')).toBe('st-42')
    const denied = await decide(authorizeQuery(), 'zhangwei', 'deny')
    const deniedTarget = new URL(denied.headers.get('location')!)
    expect(Object.fromEntries(deniedTarget.searchParams)).toEqual({ error: 'access_denied', state: 'st-42' })
  })

  it('shows {code:2000, "redirect_uri unmatch"} for a redirect_uri off localhost', async () => {
    const r = await call(sb, 'GET', AUTHORIZE, { query: authorizeQuery({ redirect_uri: 'https://evil.example.com/cb' }) })
    expect(r.status).toBe(400)
    expect(r.body).toEqual({ code: 2000, message: 'redirect_uri unmatch' })
  })

  it('matches a configured redirect URL list exactly', async () => {
    const strict = await start({ redirectUris: [REDIRECT] })
    try {
      const exact = await fetch(`${strict.url}${AUTHORIZE}?${new URLSearchParams(authorizeQuery())}`)
      expect(exact.status).toBe(200)
      const slash = await fetch(`${strict.url}${AUTHORIZE}?${new URLSearchParams(authorizeQuery({ redirect_uri: `${REDIRECT}/` }))}`)
      expect(await slash.json()).toEqual({ code: 2000, message: 'redirect_uri unmatch' })
    } finally {
      await strict.close()
    }
  })

  it('answers 20027 for a scope the app has not enabled', async () => {
    sb.setKnobs({ appScopes: ['attendance:task'] })
    const r = await call(sb, 'GET', AUTHORIZE, { query: authorizeQuery() })
    expect(r.status).toBe(400)
    expect(r.body).toMatchObject({ code: 20027 })
  })
})

describe('v2 token endpoint — authorization_code', () => {
  it('issues a ~1 KB eyJ… access token, a refresh token with offline_access, top-level fields', async () => {
    const r = await exchangeCode(sb, await authorizeCode('zhangwei'), { redirect_uri: REDIRECT })
    expect(r.status).toBe(200)
    expect(r.body).toMatchObject({ code: 0, expires_in: 7200, refresh_token_expires_in: 604800, token_type: 'Bearer', scope: 'offline_access attendance:task' })
    expect(r.body.access_token).toMatch(/^eyJ/)
    expect(r.body.access_token.length).toBeGreaterThan(800)
    expect(r.body.access_token.length).toBeLessThan(2048)
    expect(r.body.refresh_token).toBeTruthy()
    expect(r.body).not.toHaveProperty('data')
  })

  it('uses a code once: the second exchange answers 400 20065', async () => {
    const code = await authorizeCode('zhangwei')
    expect((await exchangeCode(sb, code)).body.code).toBe(0)
    const again = await exchangeCode(sb, code)
    expect(again.status).toBe(400)
    expect(again.body).toMatchObject({ code: 20065, error: 'invalid_grant' })
    expect(again.body.error_description).toBeTruthy()
  })

  it('lets a code expire after its lifetime (20004)', async () => {
    sb.setKnobs({ tokenTtl: { codeSec: 0.05 } })
    const code = await authorizeCode('zhangwei')
    await sleep(80)
    const r = await exchangeCode(sb, code)
    expect(r.status).toBe(400)
    expect(r.body.code).toBe(20004)
  })

  it('binds the code to its redirect_uri (20071) and its client (20024)', async () => {
    expect((await exchangeCode(sb, await authorizeCode('zhangwei'), { redirect_uri: 'http://localhost:5173/other' })).body.code).toBe(20071)
    const foreign = await clientCode(sb, 'zhangwei', ['attendance:task'], 'request_access', SANDBOX_OTHER_APP_ID)
    expect((await exchangeCode(sb, foreign)).body.code).toBe(20024)
  })

  it('checks PKCE (20049) and accepts the right S256 verifier', async () => {
    const verifier = 'v'.repeat(20) + 'A1b2C3d4E5f6G7h8I9j0K1l2M3n'
    const challenge = createHash('sha256').update(verifier).digest('base64url')
    const pkce = { code_challenge: challenge, code_challenge_method: 'S256' }
    expect((await exchangeCode(sb, await authorizeCode('zhangwei', pkce))).body.code).toBe(20049)
    expect((await exchangeCode(sb, await authorizeCode('zhangwei', pkce), { code_verifier: `${verifier}x` })).body.code).toBe(20049)
    expect((await exchangeCode(sb, await authorizeCode('zhangwei', pkce), { code_verifier: verifier })).body.code).toBe(0)
  })

  it.each([
    ['no grant_type → 20001', { grant_type: '' }, 20001],
    ['an unknown grant_type → 20036', { grant_type: 'password' }, 20036],
    ['a wrong client secret → 20002', { client_secret: 'nope' }, 20002],
    ['an unknown client → 20048', { client_id: 'cli_unknown' }, 20048],
    ['an unknown code → 20003', { code: 'x'.repeat(64) }, 20003],
    ['duplicate scopes → 20067', { scope: 'attendance:task attendance:task' }, 20067],
    ['a scope never granted → 20068', { scope: 'payroll:external_datasource_record:write' }, 20068],
  ])('%s', async (_n, override, code) => {
    const base = { grant_type: 'authorization_code', client_id: SANDBOX_APP_ID, client_secret: SANDBOX_APP_SECRET, code: await authorizeCode('zhangwei') }
    const r = await call<{ code: number; error: string }>(sb, 'POST', TOKEN, { body: { ...base, ...override } })
    expect(r.status).toBe(400)
    expect(r.body.code).toBe(code)
    expect(typeof r.body.error).toBe('string')
  })

  it('accepts HTTP Basic client auth, and refuses Basic plus client_secret (20070)', async () => {
    const basic = `Basic ${Buffer.from(`${SANDBOX_APP_ID}:${SANDBOX_APP_SECRET}`).toString('base64')}`
    const ok = await call(sb, 'POST', TOKEN, { headers: { authorization: basic }, body: { grant_type: 'authorization_code', code: await authorizeCode('zhangwei') } })
    expect(ok.body.code).toBe(0)
    const both = await call(sb, 'POST', TOKEN, { headers: { authorization: basic }, body: { grant_type: 'authorization_code', client_secret: SANDBOX_APP_SECRET, code: await authorizeCode('zhangwei') } })
    expect(both.body.code).toBe(20070)
  })

  it('returns no refresh_token when offline_access was not granted', async () => {
    const r = await userTokens(sb, 'liuyang', ['attendance:task'])
    expect(r.scope).toBe('attendance:task')
    expect(r).not.toHaveProperty('refresh_token')
    expect(r).not.toHaveProperty('refresh_token_expires_in')
  })

  it('accepts a tt.requestAccess code without redirect_uri or verifier', async () => {
    const r = await exchangeCode(sb, await clientCode(sb, 'wangfang'))
    expect(r.body).toMatchObject({ code: 0, scope: ALL_USER_SCOPES.join(' ') })
  })
})

describe('v2 token endpoint — refresh_token', () => {
  it('rotates: a new refresh token each time, the old one answers 20073, the old access token still works', async () => {
    const first = await userTokens(sb, 'wangfang')
    const second = await refresh(sb, first.refresh_token!)
    expect(second.body.code).toBe(0)
    expect(second.body.refresh_token).toBeTruthy()
    expect(second.body.refresh_token).not.toBe(first.refresh_token)
    expect(second.body.access_token).not.toBe(first.access_token)
    const reused = await refresh(sb, first.refresh_token!)
    expect(reused.status).toBe(400)
    expect(reused.body).toMatchObject({ code: 20073 })
    const info = await call(sb, 'GET', '/open-apis/authen/v1/user_info', { token: first.access_token })
    expect(info.body.code).toBe(0)
    expect((await refresh(sb, second.body.refresh_token!)).body.code).toBe(0)
  })

  it('answers 20074 for chenjing, whose refresh is not allowed', async () => {
    const t = await userTokens(sb, 'chenjing')
    expect(t.refresh_token).toBeTruthy()
    const r = await refresh(sb, t.refresh_token!)
    expect(r.status).toBe(400)
    expect(r.body).toMatchObject({ code: 20074 })
  })

  it('answers 20037 for an expired refresh token and 20064 after the user revoked the app', async () => {
    sb.setKnobs({ tokenTtl: { refreshSec: 0.05 } })
    const short = await userTokens(sb, 'wangfang')
    await sleep(80)
    expect((await refresh(sb, short.refresh_token!)).body.code).toBe(20037)
    sb.setKnobs({ tokenTtl: { refreshSec: 604800 } })
    const t = await userTokens(sb, 'lina')
    await call(sb, 'POST', '/sandbox/revoke', { body: { user_id: 'lina' } })
    expect((await refresh(sb, t.refresh_token!)).body.code).toBe(20064)
  })

  it('refuses a legacy v1 ur- refresh token with 20026, and a refresh token of another client with 20024', async () => {
    expect((await refresh(sb, `ur-${'a'.repeat(40)}`)).body.code).toBe(20026)
    const foreign = await call<{ refresh_token: string }>(sb, 'POST', TOKEN, {
      body: { grant_type: 'authorization_code', client_id: SANDBOX_OTHER_APP_ID, client_secret: sb.state.apps.get(SANDBOX_OTHER_APP_ID), code: await clientCode(sb, 'wangfang', ALL_USER_SCOPES, 'request_access', SANDBOX_OTHER_APP_ID) },
    })
    expect((await refresh(sb, foreign.body.refresh_token)).body.code).toBe(20024)
  })
})

describe('legacy v1 OIDC and code2session (app_access_token)', () => {
  type V1 = FeishuBody<{ access_token: string; refresh_token: string; token_type: string; expires_in: number; refresh_expires_in: number; scope: string }>

  it('exchanges a code for u-/ur- tokens in the wrapped shape, and rotates the refresh token (20038 on reuse)', async () => {
    const app = await tenantToken(sb)
    const r = await call<V1>(sb, 'POST', '/open-apis/authen/v1/oidc/access_token', { token: app, body: { grant_type: 'authorization_code', code: await clientCode(sb, 'wangfang') } })
    expect(r.status).toBe(200)
    expect(r.body.code).toBe(0)
    expect(r.body.data).toMatchObject({ token_type: 'Bearer', expires_in: 7200, refresh_expires_in: 2592000 })
    expect(r.body.data!.access_token).toMatch(/^u-/)
    expect(r.body.data!.refresh_token).toMatch(/^ur-/)
    const next = await call<V1>(sb, 'POST', '/open-apis/authen/v1/oidc/refresh_access_token', { token: app, body: { grant_type: 'refresh_token', refresh_token: r.body.data!.refresh_token } })
    expect(next.body.data!.refresh_token).toMatch(/^ur-/)
    const reused = await call<V1>(sb, 'POST', '/open-apis/authen/v1/oidc/refresh_access_token', { token: app, body: { grant_type: 'refresh_token', refresh_token: r.body.data!.refresh_token } })
    expect(reused.status).toBe(200)
    expect(reused.body.code).toBe(20038)
    const info = await call(sb, 'GET', '/open-apis/authen/v1/user_info', { token: next.body.data!.access_token })
    expect(info.body.code).toBe(0)
  })

  it('the older /authen/v1/access_token pair gives the same tokens with the person\'s profile, and the same errors', async () => {
    type Legacy = FeishuBody<{ access_token: string; refresh_token: string; expires_in: number; name: string; open_id: string; union_id: string; tenant_key: string; sid: string; user_id?: string }>
    const app = await tenantToken(sb)
    const r = await call<Legacy>(sb, 'POST', '/open-apis/authen/v1/access_token', { token: app, body: { grant_type: 'authorization_code', code: await clientCode(sb, 'lina') } })
    expect([r.status, r.body.code]).toEqual([200, 0])
    const lina = sb.state.byUserId.get('lina')!
    expect(r.body.data).toMatchObject({ name: lina.name, open_id: lina.open_id, union_id: lina.union_id, tenant_key: sb.state.tenantKey, expires_in: 7200 })
    expect(r.body.data!.access_token).toMatch(/^u-/)
    expect(r.body.data!.sid).toMatch(/^[0-9a-f]{32}$/)
    expect(r.body.data!.sid).not.toContain(r.body.data!.access_token.slice(2, 12))
    const next = await call<Legacy>(sb, 'POST', '/open-apis/authen/v1/refresh_access_token', { token: app, body: { grant_type: 'refresh_token', refresh_token: r.body.data!.refresh_token } })
    expect([next.body.code, next.body.data?.open_id]).toEqual([0, lina.open_id])
    const reused = await call(sb, 'POST', '/open-apis/authen/v1/refresh_access_token', { token: app, body: { grant_type: 'refresh_token', refresh_token: r.body.data!.refresh_token } })
    expect([reused.status, reused.body.code]).toEqual([200, 20038])
    const bad = await call(sb, 'POST', '/open-apis/authen/v1/access_token', { token: `t-${'x'.repeat(40)}`, body: { grant_type: 'authorization_code', code: 'abc' } })
    expect([bad.status, bad.body.code]).toEqual([200, 20014])
    const wrongGrant = await call(sb, 'POST', '/open-apis/authen/v1/access_token', { token: app, body: { grant_type: 'password', code: 'abc' } })
    expect(wrongGrant.body.code).toBe(20036)
  })

  it('answers HTTP 200 with 20014 for an invalid app_access_token and 20003 for a used code', async () => {
    const bad = await call(sb, 'POST', '/open-apis/authen/v1/oidc/access_token', { token: `t-${'x'.repeat(40)}`, body: { grant_type: 'authorization_code', code: 'abc' } })
    expect(bad.status).toBe(200)
    expect(bad.body.code).toBe(20014)
    const app = await tenantToken(sb)
    const code = await clientCode(sb, 'wangfang')
    await call(sb, 'POST', '/open-apis/authen/v1/oidc/access_token', { token: app, body: { grant_type: 'authorization_code', code } })
    const used = await call(sb, 'POST', '/open-apis/authen/v1/oidc/access_token', { token: app, body: { grant_type: 'authorization_code', code } })
    expect(used.body.code).toBe(20003)
  })

  it('code2session exchanges a tt.login code once; expires_in is an expiry timestamp', async () => {
    const app = await tenantToken(sb)
    const code = await clientCode(sb, 'lina', [], 'login')
    type Session = FeishuBody<{ open_id: string; employee_id: string; tenant_key: string; access_token: string; refresh_token: string; expires_in: number; session_key: string }>
    const r = await call<Session>(sb, 'POST', '/open-apis/mina/v2/tokenLoginValidate', { token: app, body: { code } })
    expect(r.body.code).toBe(0)
    expect(r.body.data).toMatchObject({ employee_id: 'lina', open_id: sb.state.byUserId.get('lina')!.open_id, tenant_key: sb.state.tenantKey })
    expect(r.body.data!.access_token).toMatch(/^u-/)
    expect(r.body.data!.expires_in).toBeGreaterThan(Date.now() / 1000)
    expect((await call(sb, 'POST', '/open-apis/mina/v2/tokenLoginValidate', { token: app, body: { code } })).body.code).toBe(10213)
    expect((await call(sb, 'POST', '/open-apis/mina/v2/tokenLoginValidate', { token: app, body: { code: 'nope' } })).body.code).toBe(10226)
    expect((await call(sb, 'POST', '/open-apis/mina/v2/tokenLoginValidate', { token: app, body: { code: await clientCode(sb, 'lina') } })).body.code).toBe(10226)
  })
})

describe('user_info', () => {
  interface Info { name: string; en_name: string; avatar_url: string; open_id: string; union_id: string; user_id?: string; employee_no?: string; tenant_key: string; email?: string; enterprise_email?: string }

  it('describes the signed-in user, with a served avatar', async () => {
    const { access_token } = await userTokens(sb, 'zhangwei')
    const r = await call<FeishuBody<Info>>(sb, 'GET', '/open-apis/authen/v1/user_info', { token: access_token })
    expect(r.body.data).toMatchObject({ name: '张伟', en_name: 'Zhang Wei', user_id: 'zhangwei', employee_no: 'FS00003', tenant_key: sb.state.tenantKey, enterprise_email: 'zhang.wei@corp.example.com' })
    const avatar = await fetch(r.body.data!.avatar_url)
    expect(avatar.headers.get('content-type')).toContain('image/svg+xml')
    expect(await avatar.text()).toContain('<svg')
  })

  it('leaves user_id out when the app lacks contact:user.employee_id:readonly', async () => {
    const { access_token } = await userTokens(sb, 'zhangwei')
    sb.setKnobs({ appScopes: sb.state.knobs.appScopes.filter((s) => s !== 'contact:user.employee_id:readonly') })
    const r = await call<FeishuBody<Info>>(sb, 'GET', '/open-apis/authen/v1/user_info', { token: access_token })
    expect(r.body.code).toBe(0)
    expect(r.body.data).not.toHaveProperty('user_id')
  })

  it('answers its own 20005 (HTTP 200) for an unknown user token and 99991663 for a tenant token', async () => {
    const unknown = await call(sb, 'GET', '/open-apis/authen/v1/user_info', { token: 'eyJhbGciOiJFUzI1NiJ9.unknown.token' })
    expect(unknown.status).toBe(200)
    expect(unknown.body.code).toBe(20005)
    const tenant = await call(sb, 'GET', '/open-apis/authen/v1/user_info', { token: await tenantToken(sb) })
    expect(tenant.status).toBe(400)
    expect(tenant.body.code).toBe(99991663)
  })
})
