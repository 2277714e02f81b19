import { afterEach, describe, expect, it, vi } from 'vitest'
import { AxiosError } from 'axios'
import {
  ApiError,
  createSession,
  deleteSession,
  getCapabilities,
  getConfig,
  getMe,
  http,
  setUnauthorizedHandler,
} from '../../src/api'
import { payrollOnly, sandboxConfig, wangfang } from './fixtures'
import { fakeServer } from './fake-server'

const originalAdapter = http.defaults.adapter

function serve(routes: Parameters<typeof fakeServer>[0]) {
  const server = fakeServer(routes)
  http.defaults.adapter = server.adapter
  return server
}

afterEach(() => {
  http.defaults.adapter = originalAdapter
  setUnauthorizedHandler(null)
})

describe('the API client', () => {
  it('sends X-Requested-With and credentials on every request, and JSON bodies', async () => {
    const server = serve({
      'GET /api/config': [{ status: 200, body: sandboxConfig }],
      'POST /api/session': [{ status: 200, body: { user: wangfang } }],
      'GET /api/me': [{ status: 200, body: { user: wangfang } }],
      'GET /api/capabilities': [{ status: 200, body: payrollOnly }],
      'DELETE /api/session': [{ status: 204 }],
    })

    expect(await getConfig()).toEqual(sandboxConfig)
    expect(await createSession({ code: 'c', source: 'oauth', redirect_uri: 'http://localhost:3000/auth/callback' })).toEqual(wangfang)
    expect(await getMe()).toEqual(wangfang)
    expect(await getCapabilities()).toEqual(payrollOnly)
    await expect(deleteSession()).resolves.toBeUndefined()

    expect(server.requests).toHaveLength(5)
    for (const request of server.requests) {
      expect(request.headers.get('X-Requested-With')).toBe('XMLHttpRequest')
      expect(request.withCredentials).toBe(true)
      expect(request.baseURL).toBeUndefined() // same origin
    }
    const post = server.requests[1]!
    expect(String(post.headers.get('Content-Type'))).toContain('application/json')
    expect(JSON.parse(String(post.data))).toEqual({ code: 'c', source: 'oauth', redirect_uri: 'http://localhost:3000/auth/callback' })
    expect(server.unexpected).toEqual([])
  })

  it('turns the server’s error body into an ApiError with status, code, message and details', async () => {
    serve({
      'POST /api/session': [
        { status: 400, body: { error: { code: 'invalid_code', message: 'Code expired', details: { feishu_code: 20003 } } } },
      ],
    })
    const error = await createSession({ code: 'old', source: 'request_access' }).catch((err: unknown) => err)
    expect(error).toBeInstanceOf(ApiError)
    expect(error).toMatchObject({ status: 400, code: 'invalid_code', message: 'Code expired', details: { feishu_code: 20003 } })
  })

  it('gives a body without the error shape a code from its status, and no answer at all the code network_error', async () => {
    serve({ 'GET /api/me': [{ status: 502, body: '<html>Bad gateway</html>' }] })
    await expect(getMe()).rejects.toMatchObject({ status: 502, code: 'http_502' })

    http.defaults.adapter = async (config) => {
      throw new AxiosError('Network Error', AxiosError.ERR_NETWORK, config)
    }
    await expect(getMe()).rejects.toMatchObject({ status: 0, code: 'network_error' })
  })

  it('on 401 session_required signs in again through the registered handler and retries once', async () => {
    const server = serve({
      'GET /api/capabilities': [
        { status: 401, body: { error: { code: 'session_required', message: 'Sign in' } } },
        { status: 200, body: payrollOnly },
      ],
    })
    const handler = vi.fn(async () => true)
    setUnauthorizedHandler(handler)

    expect(await getCapabilities()).toEqual(payrollOnly)
    expect(handler).toHaveBeenCalledTimes(1)
    expect(server.requests).toHaveLength(2)
  })

  it('retries only once, and not at all when the handler cannot sign in again', async () => {
    const reauth = { status: 401, body: { error: { code: 'reauth_required', message: 'Authorize again' } } }
    const server = serve({ 'GET /api/capabilities': [reauth, reauth, reauth] })
    setUnauthorizedHandler(async () => true)
    await expect(getCapabilities()).rejects.toMatchObject({ status: 401, code: 'reauth_required' })
    expect(server.requests).toHaveLength(2)

    const handler = vi.fn(async () => false)
    setUnauthorizedHandler(handler)
    await expect(getCapabilities()).rejects.toMatchObject({ status: 401, code: 'reauth_required' })
    expect(handler).toHaveBeenCalledTimes(1)
    expect(server.requests).toHaveLength(3)
  })

  it('leaves a 401 from the session endpoints to the caller and other 401 codes alone', async () => {
    serve({
      'GET /api/me': [{ status: 401, body: { error: { code: 'session_required', message: 'Sign in' } } }],
      'GET /api/capabilities': [{ status: 401, body: { error: { code: 'something_else', message: 'No' } } }],
    })
    const handler = vi.fn(async () => true)
    setUnauthorizedHandler(handler)

    await expect(getMe()).rejects.toMatchObject({ status: 401, code: 'session_required' })
    await expect(getCapabilities()).rejects.toMatchObject({ status: 401, code: 'something_else' })
    expect(handler).not.toHaveBeenCalled()
  })
})
