import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createPinia, setActivePinia } from 'pinia'
import { http, setUnauthorizedHandler } from '../../src/api'
import { useSessionStore } from '../../src/stores/session'
import { installWebAppFeishu, uninstallFeishu } from './fake-feishu'
import { fakeServer } from './fake-server'
import { SCOPES, liveConfig, payrollOnly, sandboxConfig, wangfang } from './fixtures'

// The store with the real src/api over a fake server: a session that ends mid-visit.
const originalAdapter = http.defaults.adapter
const sessionEnded = { status: 401, body: { error: { code: 'session_required', message: 'Sign in' } } }

beforeEach(() => {
  setActivePinia(createPinia())
  window.sessionStorage.clear()
})

afterEach(() => {
  http.defaults.adapter = originalAdapter
  setUnauthorizedHandler(null)
  uninstallFeishu()
})

describe('a 401 in the middle of a visit', () => {
  it('inside Feishu gets a new code quietly, creates a session and retries the call once', async () => {
    const feishu = installWebAppFeishu({ requestAccess: { code: 'fresh-code' } })
    const server = fakeServer({
      'GET /api/config': [{ status: 200, body: liveConfig }],
      'GET /api/me': [{ status: 200, body: { user: wangfang } }],
      'GET /api/capabilities': [sessionEnded, { status: 200, body: payrollOnly }],
      'POST /api/session': [{ status: 200, body: { user: wangfang } }],
    })
    http.defaults.adapter = server.adapter
    const session = useSessionStore()
    await session.bootstrap()
    expect(session.status).toBe('signed_in')

    await session.loadCapabilities()

    expect(session.capabilities.data).toEqual(payrollOnly)
    expect(session.capabilities.error).toBeNull()
    expect(session.status).toBe('signed_in')
    expect(feishu.requestAccess).toHaveBeenCalledWith(expect.objectContaining({ appID: 'cli_live_app', scopeList: SCOPES }))
    const post = server.requests.find((r) => r.method === 'post')!
    expect(JSON.parse(String(post.data))).toEqual({ code: 'fresh-code', source: 'request_access' })
    expect(server.unexpected).toEqual([])
  })

  it('outside Feishu marks the person signed out so the app shows the sign-in page', async () => {
    const server = fakeServer({
      'GET /api/config': [{ status: 200, body: sandboxConfig }],
      'GET /api/me': [{ status: 200, body: { user: wangfang } }],
      'GET /api/capabilities': [sessionEnded],
    })
    http.defaults.adapter = server.adapter
    const session = useSessionStore()
    await session.bootstrap()

    await session.loadCapabilities()

    expect(session.status).toBe('signed_out')
    expect(session.signedOutReason).toBe('session_ended')
    expect(session.me.data).toBeNull()
    expect(session.capabilities.error).toMatchObject({ status: 401, code: 'session_required' })
    expect(server.unexpected).toEqual([])
  })
})

describe('bootstrap', () => {
  it('outside Feishu, a 401 from getMe means signed out, not an error to show', async () => {
    http.defaults.adapter = fakeServer({
      'GET /api/config': [{ status: 200, body: sandboxConfig }],
      'GET /api/me': [sessionEnded],
    }).adapter
    const session = useSessionStore()
    await session.bootstrap()

    expect(session.status).toBe('signed_out')
    expect(session.me.error).toBeNull()
    expect(session.environment).toBe('sandbox')
  })

  it('keeps a failure that is not about the session as an error with the status still unknown', async () => {
    http.defaults.adapter = fakeServer({
      'GET /api/config': [{ status: 200, body: sandboxConfig }],
      'GET /api/me': [{ status: 503, body: { error: { code: 'unavailable', message: 'Try later' } } }],
    }).adapter
    const session = useSessionStore()
    await session.bootstrap()

    expect(session.status).toBe('unknown')
    expect(session.me.error).toMatchObject({ status: 503, code: 'unavailable' })
  })

  it('beginSandboxSignIn keeps the state with a safe path to return to', () => {
    const session = useSessionStore()
    session.config.data = sandboxConfig
    const url = new URL(session.beginSandboxSignIn('lina', 'https://evil.example/'))
    const saved = JSON.parse(window.sessionStorage.getItem('feishu-oauth-pending') ?? '{}')
    expect(saved.state).toBe(url.searchParams.get('state'))
    expect(saved.returnTo).toBe('/')
    expect(url.searchParams.get('login_hint')).toBe('lina')
  })
})
