import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { installGadget, installWebAppFeishu, uninstallFeishu } from './fake-feishu'

// Fresh module per test: the bridge remembers a successful h5sdk.ready for the whole visit.
async function loadBridge() {
  vi.resetModules()
  return import('../../src/feishu/bridge')
}

const params = { appId: 'cli_app', scopes: ['offline_access', 'attendance:task'] }

function userAgent(ua: string) {
  vi.spyOn(window.navigator, 'userAgent', 'get').mockReturnValue(ua)
}

/** Captures the script tag the bridge adds instead of letting the DOM try to fetch it. */
function captureScripts() {
  const added: HTMLScriptElement[] = []
  vi.spyOn(document.head, 'appendChild').mockImplementation(<T extends Node>(node: T): T => {
    if (node instanceof HTMLScriptElement) added.push(node)
    return node
  })
  return added
}

beforeEach(() => uninstallFeishu())
afterEach(() => {
  uninstallFeishu()
  vi.restoreAllMocks()
})

describe('detecting the Feishu client', () => {
  it('is inside Feishu when the user agent names Lark or Feishu, or the JSSDK is present', async () => {
    const { isInsideFeishu } = await loadBridge()
    expect(isInsideFeishu()).toBe(false)

    userAgent('Mozilla/5.0 (iPhone) AppleWebKit/605.1.15 Lark/7.32.8 LarkLocale/zh_CN ChannelName/Feishu')
    expect(isInsideFeishu()).toBe(true)
    vi.restoreAllMocks()

    userAgent('Mozilla/5.0 Feishu/7.1')
    expect(isInsideFeishu()).toBe(true)
    vi.restoreAllMocks()

    installWebAppFeishu({ requestAccess: { code: 'x' } })
    expect(isInsideFeishu()).toBe(true)
  })

  it('reads the client language from LarkLocale in the user agent', async () => {
    const { feishuClientLanguage } = await loadBridge()
    expect(feishuClientLanguage()).toBeNull()
    userAgent('Mozilla/5.0 Lark/7.10.5 Chrome/112 Safari/537.36 LarkLocale/en_US')
    expect(feishuClientLanguage()).toBe('en-US')
  })

  it('takes a container with tt.login but no web-app login JSAPI for a gadget', async () => {
    const { isGadget } = await loadBridge()
    expect(isGadget()).toBe(false)
    installGadget({ code: 'x' })
    expect(isGadget()).toBe(true)
    uninstallFeishu()
    installWebAppFeishu({ requestAccess: { code: 'x' } })
    window.tt!.login = vi.fn()
    expect(isGadget()).toBe(false)
  })
})

describe('getting an authorization code', () => {
  it('asks tt.requestAccess with appID (capital ID) and the scope list', async () => {
    const feishu = installWebAppFeishu({ requestAccess: { code: 'ra-code' }, requestAuthCode: { code: 'never' } })
    const { getAuthCode } = await loadBridge()

    await expect(getAuthCode(params)).resolves.toEqual({ code: 'ra-code', source: 'request_access' })
    expect(feishu.requestAccess).toHaveBeenCalledTimes(1)
    const options = feishu.requestAccess!.mock.calls[0]![0]
    expect(options).toMatchObject({ appID: 'cli_app', scopeList: ['offline_access', 'attendance:task'] })
    expect(options).not.toHaveProperty('appId')
    expect(feishu.requestAuthCode).not.toHaveBeenCalled()
  })

  it('falls back to tt.requestAuthCode with appId when requestAccess answers errno 103', async () => {
    const feishu = installWebAppFeishu({
      requestAccess: { fail: { errno: 103, errString: 'feature not support' } },
      requestAuthCode: { code: 'rac-code' },
    })
    const { getAuthCode } = await loadBridge()

    await expect(getAuthCode(params)).resolves.toEqual({ code: 'rac-code', source: 'request_auth_code' })
    const options = feishu.requestAuthCode!.mock.calls[0]![0]
    expect(options).toMatchObject({ appId: 'cli_app' })
    expect(options).not.toHaveProperty('appID')
  })

  it('uses tt.requestAuthCode when the client has no requestAccess', async () => {
    const feishu = installWebAppFeishu({ requestAuthCode: { code: 'old-client-code' } })
    const { getAuthCode } = await loadBridge()

    await expect(getAuthCode(params)).resolves.toEqual({ code: 'old-client-code', source: 'request_auth_code' })
    expect(feishu.requestAuthCode).toHaveBeenCalledWith(expect.objectContaining({ appId: 'cli_app' }))
  })

  it('does not fall back when the person refuses (errno 107): a typed error with the errno and a message key', async () => {
    const feishu = installWebAppFeishu({
      requestAccess: { fail: { errno: 107, errString: 'user permission denied' } },
      requestAuthCode: { code: 'never' },
    })
    const { getAuthCode, FeishuBridgeError } = await loadBridge()

    const error = await getAuthCode(params).catch((err: unknown) => err)
    expect(error).toBeInstanceOf(FeishuBridgeError)
    expect(error).toMatchObject({ kind: 'denied', errno: 107, messageKey: 'feishu.errors.denied' })
    expect(feishu.requestAuthCode).not.toHaveBeenCalled()
  })

  it('uses tt.login in a gadget, without loading the JSSDK', async () => {
    const added = captureScripts()
    userAgent('Mozilla/5.0 Lark/7.30.0 LarkLocale/zh_CN')
    const feishu = installGadget({ code: 'gadget-code' })
    const { getAuthCode } = await loadBridge()

    await expect(getAuthCode(params)).resolves.toEqual({ code: 'gadget-code', source: 'gadget' })
    expect(feishu.login).toHaveBeenCalledTimes(1)
    expect(added).toHaveLength(0)
  })
})

describe('loading the JSSDK', () => {
  it('never loads it outside Feishu', async () => {
    const added = captureScripts()
    const { whenReady, FeishuBridgeError } = await loadBridge()

    const error = await whenReady().catch((err: unknown) => err)
    expect(error).toBeInstanceOf(FeishuBridgeError)
    expect(error).toMatchObject({ kind: 'not_in_feishu', messageKey: 'feishu.errors.notInFeishu' })
    expect(added).toHaveLength(0)
  })

  it('inside Feishu loads the pinned script and waits for h5sdk.ready', async () => {
    const added = captureScripts()
    userAgent('Mozilla/5.0 Lark/7.30.0 LarkLocale/zh_CN')
    const { whenReady, JSSDK_URL } = await loadBridge()

    let ready = false
    const pending = whenReady().then(() => (ready = true))
    expect(added).toHaveLength(1)
    expect(added[0]!.src).toBe('https://lf-scm-cn.feishucdn.com/lark/op/h5-js-sdk-1.5.44.js')
    expect(JSSDK_URL).toBe(added[0]!.src)

    let fireReady: () => void = () => {}
    window.h5sdk = { ready: (cb) => (fireReady = cb), error: () => {} }
    added[0]!.dispatchEvent(new Event('load'))
    await Promise.resolve()
    expect(ready).toBe(false)
    fireReady()
    await pending
    expect(ready).toBe(true)
  })

  it('fails clearly when the script cannot be loaded, and tries again next time', async () => {
    const added = captureScripts()
    userAgent('Mozilla/5.0 Lark/7.30.0')
    const { whenReady } = await loadBridge()

    const first = whenReady().catch((err: unknown) => err)
    added[0]!.dispatchEvent(new Event('error'))
    expect(await first).toMatchObject({ kind: 'sdk_load_failed', messageKey: 'feishu.errors.sdkLoadFailed' })

    void whenReady().catch(() => undefined)
    expect(added).toHaveLength(2)
  })

  it('gives up with ready_timeout when h5sdk.ready never fires', async () => {
    window.h5sdk = { ready: () => {}, error: () => {} }
    const { whenReady } = await loadBridge()

    const error = await whenReady({ readyTimeoutMs: 20 }).catch((err: unknown) => err)
    expect(error).toMatchObject({ kind: 'ready_timeout', messageKey: 'feishu.errors.readyTimeout' })
  })

  it('reports an h5sdk.error while waiting with its errno', async () => {
    window.h5sdk = { ready: () => {}, error: (cb) => cb({ errno: 2601002, errMsg: 'Authentication failed' }) }
    const { whenReady } = await loadBridge()

    await expect(whenReady()).rejects.toMatchObject({ kind: 'sdk_error', errno: 2601002 })
  })
})

describe('the page that asks', () => {
  afterEach(() => window.history.replaceState(null, '', '/'))

  it('asks from the registered homepage address even on another route, then puts the address back', async () => {
    window.history.replaceState({ router: 'state' }, '', '/sign-in?redirect=%2F#top')
    const seen: string[] = []
    installWebAppFeishu({ requestAccess: { fail: { errno: 103 } }, requestAuthCode: { code: 'c' } })
    const record = <O>(original: (options: O) => void) =>
      vi.fn((options: O) => {
        seen.push(`${window.location.pathname}${window.location.search}${window.location.hash}`)
        original(options)
      })
    window.tt!.requestAccess = record(window.tt!.requestAccess!)
    window.tt!.requestAuthCode = record(window.tt!.requestAuthCode!)
    const { getAuthCode } = await loadBridge()

    await getAuthCode(params)

    expect(seen).toEqual(['/?redirect=%2F#top', '/?redirect=%2F#top'])
    expect(`${window.location.pathname}${window.location.search}${window.location.hash}`).toBe('/sign-in?redirect=%2F#top')
    expect(window.history.state).toEqual({ router: 'state' })
  })

  it('leaves the address alone on a registered page', async () => {
    window.history.replaceState(null, '', '/auth/callback')
    const feishu = installWebAppFeishu({ requestAccess: { code: 'c' } })
    const paths: string[] = []
    feishu.requestAccess!.mockImplementation((options: { success: (r: { code: string }) => void }) => {
      paths.push(window.location.pathname)
      options.success({ code: 'c' })
    })
    const { getAuthCode } = await loadBridge()

    await getAuthCode(params)
    expect(paths).toEqual(['/auth/callback'])
  })
})
