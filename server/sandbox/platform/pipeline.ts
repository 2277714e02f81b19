// One pipeline for every simulated API, in the gateway's order: injected transport failures → auth
// gate (§8.1) → rate limit (§8.2) → body → latency → business handler. Every call lands in the call log.
import type { HttpBindings } from '@hono/node-server'
import type { Context, Hono } from 'hono'
import type { SandboxState } from '../state'
import type { ApiSpec, RateWindow } from './apis'
import { authenticate, readBearer, type Principal } from './auth-gate'
import { readBody } from './body'
import { FeishuError, RateLimitedError, renderError, type JsonReply } from './envelope'

export type SandboxEnv = { Bindings: Partial<HttpBindings>; Variables: { logid: string } }
export type SandboxApp = Hono<SandboxEnv>
export type SandboxContext = Context<SandboxEnv>

export interface ApiContext {
  c: SandboxContext
  state: SandboxState
  spec: ApiSpec
  /** Set when the API takes a tenant/user token. */
  principal: Principal | null
  /** Set for `bearer` APIs: present and well-formed, to be checked by the handler with its own codes. */
  bearer: string | null
  body: Record<string, unknown>
  logid: string
  /** Wait the configured latency; APIs that hold a lock call it themselves, inside the lock. */
  latency(): Promise<void>
  /** Record who acted (for APIs that find out from the body, e.g. token exchanges). */
  setCallUser(user: string): void
}

export type ApiHandler = (ctx: ApiContext) => Promise<JsonReply | Response> | JsonReply | Response

export interface MountOptions {
  /** Extra methods accepted on the same path (e.g. GET on auth/v3 like the official sample). */
  alsoMethods?: readonly ('GET' | 'POST')[]
  /** The handler calls `ctx.latency()` itself. */
  selfLatency?: boolean
}

const routeMethods = new WeakMap<SandboxApp, Map<string, Set<string>>>()

/** Paths the app serves and their methods, for telling 99991301 (wrong method) from 99991201. */
export function knownMethods(app: SandboxApp, path: string): Set<string> | undefined {
  return routeMethods.get(app)?.get(path)
}

export function registerRoute(app: SandboxApp, method: string, path: string): void {
  let m = routeMethods.get(app)
  if (!m) { m = new Map(); routeMethods.set(app, m) }
  const set = m.get(path) ?? new Set<string>()
  set.add(method)
  m.set(path, set)
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

export function jsonResponse(reply: JsonReply): Response {
  return new Response(JSON.stringify(reply.body), {
    status: reply.status,
    headers: { 'content-type': 'application/json; charset=utf-8', ...reply.headers },
  })
}

/** Timeout / drop: destroy the TCP socket so the client sees a reset, not an answer. */
function cutConnection(c: SandboxContext): Response {
  c.env?.incoming?.socket.destroy()
  // Only reached by in-process callers (app.request), which have no socket to cut.
  return new Response(null, { status: 504 })
}

export function mountApi(app: SandboxApp, state: SandboxState, spec: ApiSpec, handler: ApiHandler, opts: MountOptions = {}): void {
  const methods = [spec.method, ...(opts.alsoMethods ?? [])]
  for (const method of methods) registerRoute(app, method, spec.path)
  app.on(methods, spec.path, (c) => runApi(c, state, spec, handler, opts))
}

function windowsOf(state: SandboxState, spec: ApiSpec): readonly RateWindow[] {
  if (!state.knobs.rateLimitEnabled) return []
  return state.knobs.rateLimits[spec.id] ?? spec.rate
}

function enforceRate(state: SandboxState, spec: ApiSpec, appId: string): void {
  const decision = state.rateLimiter.check(`${appId}|${state.tenantKey}|${spec.id}`, windowsOf(state, spec), state.now())
  if (!decision.ok) throw new RateLimitedError(decision.limit, decision.resetSec)
}

async function runApi(c: SandboxContext, state: SandboxState, spec: ApiSpec, handler: ApiHandler, opts: MountOptions): Promise<Response> {
  const logid = c.get('logid')
  const call = state.calls.start(spec.id, c.req.method, c.req.path, logid, state.now())
  const finish = (status: number | null, code: number | null) => {
    call.endMs = state.now()
    call.status = status
    call.code = code
  }
  try {
    const cut = state.injector.take(state.knobs, spec.id, ['drop', 'timeout', 'http5xx', 'rateLimit429'])
    if (cut === 'drop' || cut === 'timeout') {
      if (cut === 'timeout') await sleep(state.knobs.timeoutHoldMs)
      finish(null, null)
      call.outcome = cut
      return cutConnection(c)
    }
    if (cut === 'http5xx') throw new FeishuError(spec.internal.status, spec.internal.code, spec.internal.msg)
    if (cut === 'rateLimit429') throw new RateLimitedError(windowsOf(state, spec)[0]?.limit ?? spec.rate[0]?.limit ?? 1, 1)

    let principal: Principal | null = null
    let bearer: string | null = null
    if (spec.auth.mode === 'token') {
      principal = authenticate(state, c.req.header('authorization'), spec.auth)
      call.user = principal.kind === 'user' ? principal.userId : 'tenant'
      if (principal.kind === 'user' && state.injector.take(state.knobs, spec.id, ['tokenExpired'])) {
        const rec = state.tokens.userTokens.get(principal.token)
        if (rec) rec.expiresAt = state.now()
        throw new FeishuError(400, 99991677, 'Authentication token expired. Please refresh it and try again.')
      }
      enforceRate(state, spec, principal.appId)
    } else if (spec.auth.mode === 'bearer') {
      bearer = readBearer(c.req.header('authorization'))
      enforceRate(state, spec, state.tokens.findTenantToken(bearer)?.appId ?? state.tokens.userTokens.get(bearer)?.appId ?? 'unknown-app')
    }
    const body = await readBody(c, spec.paramInvalid, spec.id === 'oauth.authorize' || spec.id === 'oauth.token')
    if (spec.auth.mode === 'none') {
      const id = body.client_id ?? body.app_id ?? c.req.query('client_id') ?? c.req.query('app_id')
      enforceRate(state, spec, typeof id === 'string' ? id : 'anonymous')
    }
    const ctx: ApiContext = {
      c, state, spec, principal, bearer, body, logid,
      latency: () => sleep(state.knobs.latencyMsByApi[spec.id] ?? state.knobs.latencyMs),
      setCallUser: (user) => { call.user = user },
    }
    if (!opts.selfLatency) await ctx.latency()
    const result = await handler(ctx)
    if (result instanceof Response) {
      finish(result.status, null)
      return result
    }
    finish(result.status, typeof result.body.code === 'number' ? result.body.code : null)
    return jsonResponse(result)
  } catch (e) {
    let err: FeishuError
    if (e instanceof FeishuError) {
      err = e
    } else {
      console.error(`[sandbox] ${spec.id} failed (logid ${logid})`, e)
      err = new FeishuError(spec.internal.status, spec.internal.code, spec.internal.msg)
    }
    const reply = renderError(err, spec.style, logid)
    if (err instanceof RateLimitedError) reply.headers = err.headers
    finish(reply.status, err.code)
    return jsonResponse(reply)
  }
}

