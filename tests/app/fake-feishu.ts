// Fake Feishu client globals (what the H5 JSSDK or a gadget container would put on window).
import { vi } from 'vitest'
import type { FeishuJsapiFailure, FeishuTt } from '../../src/feishu/jssdk'

type Outcome = { code: string } | { fail: FeishuJsapiFailure }

interface Callbacks {
  success: (res: { code: string }) => void
  fail: (err: FeishuJsapiFailure) => void
}

function jsapi(outcome: Outcome) {
  return vi.fn((options: Callbacks) => {
    if ('code' in outcome) options.success({ code: outcome.code })
    else options.fail(outcome.fail)
  })
}

export interface FakeFeishu {
  tt: FeishuTt
  requestAccess?: ReturnType<typeof vi.fn>
  requestAuthCode?: ReturnType<typeof vi.fn>
  login?: ReturnType<typeof vi.fn>
}

/** A web app inside Feishu: the JSSDK is loaded and ready, with the given JSAPIs. */
export function installWebAppFeishu(apis: { requestAccess?: Outcome; requestAuthCode?: Outcome }): Required<Pick<FakeFeishu, 'tt'>> & FakeFeishu {
  const requestAccess = apis.requestAccess ? jsapi(apis.requestAccess) : undefined
  const requestAuthCode = apis.requestAuthCode ? jsapi(apis.requestAuthCode) : undefined
  const tt: FeishuTt = {}
  if (requestAccess) tt.requestAccess = requestAccess
  if (requestAuthCode) tt.requestAuthCode = requestAuthCode
  window.h5sdk = { ready: (cb) => cb(), error: () => {} }
  window.tt = tt
  return { tt, requestAccess, requestAuthCode }
}

/** A gadget container: `tt` injected with login only, no H5 JSSDK. */
export function installGadget(outcome: Outcome): FakeFeishu {
  const login = jsapi(outcome)
  const tt: FeishuTt = { login }
  window.tt = tt
  return { tt, login }
}

export function uninstallFeishu(): void {
  delete window.h5sdk
  delete window.tt
}
