// §2.4: the OAuth authorize page (`GET/POST /open-apis/authen/v1/authorize`) and the v2 token endpoint
// (`POST /open-apis/authen/v2/oauth/token`, top-level body, RFC 6749 style errors).
import { createHash } from 'node:crypto'
import { AUTHORIZE_PATH, chooserPage, consentPage } from '../pages/authorize'
import { APIS } from '../platform/apis'
import { FeishuError } from '../platform/envelope'
import { mountApi, type ApiContext, type SandboxApp } from '../platform/pipeline'
import { issueV2, sandboxUsers, secondsLeft } from '../platform/user-tokens'
import { str } from '../platform/params'
import { PERSONAS } from '../seed/personas'
import type { SandboxState } from '../state'

const MAX_SCOPES = 50

export function splitScopes(scope: string | undefined): string[] {
  return (scope ?? '').split(/\s+/).filter((s) => s !== '')
}

function redirectAllowed(state: SandboxState, uri: string): boolean {
  if (state.redirectUris) return state.redirectUris.includes(uri)
  try {
    const u = new URL(uri)
    return (u.protocol === 'http:' || u.protocol === 'https:') && (u.hostname === 'localhost' || u.hostname === '127.0.0.1')
  } catch {
    return false
  }
}

const jsonPage = (status: number, code: number, message: string) =>
  new Response(JSON.stringify({ code, message }), { status, headers: { 'content-type': 'application/json; charset=utf-8' } })

const AUTHORIZE_PARAMS = ['client_id', 'response_type', 'redirect_uri', 'scope', 'state', 'code_challenge', 'code_challenge_method', 'prompt'] as const

function authorize(ctx: ApiContext): Response {
  const { c, state, body } = ctx
  // GET carries the query; the consent form POSTs the same fields plus login_hint and decision.
  const read = (k: string): string | undefined => (c.req.method === 'POST' ? str(body[k]) : c.req.query(k))
  const params: Record<string, string> = {}
  for (const k of AUTHORIZE_PARAMS) {
    const v = read(k)
    if (v !== undefined) params[k] = v
  }
  const appId = params.client_id
  if (appId === undefined || !state.apps.has(appId)) return jsonPage(400, 20048, 'The specified app does not exist.')
  const redirectUri = params.redirect_uri
  if (!redirectUri || !redirectAllowed(state, redirectUri)) return jsonPage(400, 2000, 'redirect_uri unmatch')
  if (params.response_type !== 'code') return jsonPage(400, 20063, 'The request is malformed: response_type must be "code".')
  const method = params.code_challenge_method ?? 'plain'
  if (method !== 'S256' && method !== 'plain') return jsonPage(400, 20063, 'The request is malformed: code_challenge_method must be S256 or plain.')
  const scopes = [...new Set(splitScopes(params.scope))]
  const notEnabled = scopes.filter((s) => !state.knobs.appScopes.includes(s))
  if (notEnabled.length > 0 || scopes.length > MAX_SCOPES) {
    return jsonPage(400, 20027, `The app has not enabled the requested scopes: ${notEnabled.join(' ') || `more than ${MAX_SCOPES} scopes`}`)
  }

  const users = sandboxUsers(state, new URL(c.req.url).origin, PERSONAS)
  const hint = read('login_hint')
  const user = users.find((u) => u.user_id === hint)
  const html = (s: string) => new Response(s, { status: 200, headers: { 'content-type': 'text/html; charset=utf-8' } })
  if (!user) return html(chooserPage(params, users, hint ? `未知用户 / Unknown user: ${hint}` : undefined))
  ctx.setCallUser(user.user_id)

  if (c.req.method === 'GET') return html(consentPage(params, user, scopes, appId))
  const target = new URL(redirectUri)
  const decision = read('decision')
  if (decision === 'approve') {
    state.tokens.grant(appId, user.user_id, scopes)
    const code = state.tokens.mintCode({
      kind: 'oauth', appId, userId: user.user_id, scopes, redirectUri,
      ...(params.code_challenge ? { challenge: { value: params.code_challenge, method } } : {}),
      expiresAt: state.now() + state.knobs.tokenTtl.codeSec * 1000,
    })
    target.searchParams.set('code', code.code)
  } else {
    target.searchParams.set('error', 'access_denied')
  }
  if (params.state !== undefined) target.searchParams.set('state', params.state)
  return new Response(null, { status: 302, headers: { location: target.toString() } })
}

function fail(code: number, description: string, status = 400): never {
  throw new FeishuError(status, code, description)
}

function parseScopeParam(raw: unknown, allowed: readonly string[]): string[] | undefined {
  const scope = str(raw)
  if (scope === undefined || scope.trim() === '') return undefined
  const list = splitScopes(scope)
  if (new Set(list).size !== list.length) fail(20067, 'The provided scope list contains duplicate scopes.')
  if (list.some((s) => !allowed.includes(s))) fail(20068, 'The provided scope list contains scopes that are not permitted.')
  return list
}

function verifyPkce(challenge: { value: string; method: 'S256' | 'plain' }, verifier: string | undefined): boolean {
  if (!verifier || !/^[A-Za-z0-9\-._~]{43,128}$/.test(verifier)) return false
  const computed = challenge.method === 'S256' ? createHash('sha256').update(verifier).digest('base64url') : verifier
  return computed === challenge.value
}

function token(ctx: ApiContext) {
  const { c, state, body } = ctx
  const now = state.now()
  const grantType = str(body.grant_type)
  if (!grantType) fail(20001, 'The request is missing a required parameter: grant_type.')
  if (grantType !== 'authorization_code' && grantType !== 'refresh_token') fail(20036, 'The specified grant_type is not supported.')

  const basic = /^Basic\s+(.+)$/i.exec(c.req.header('authorization') ?? '')
  let clientId = str(body.client_id)
  let clientSecret = str(body.client_secret)
  if (basic?.[1]) {
    if (clientSecret !== undefined) fail(20070, 'Multiple authentication methods were provided.')
    const [id, ...rest] = Buffer.from(basic[1], 'base64').toString().split(':')
    clientId ??= id
    clientSecret = rest.join(':')
  }
  if (!clientId || !clientSecret) fail(20001, 'The request is missing a required parameter: client_id / client_secret.')
  const secret = state.apps.get(clientId)
  if (secret === undefined) fail(20048, 'The specified app does not exist.')
  if (clientSecret !== secret) fail(20002, 'The client secret is invalid.')

  let userId: string
  let scopes: string[]
  if (grantType === 'authorization_code') {
    const code = str(body.code)
    if (!code) fail(20001, 'The request is missing a required parameter: code.')
    const rec = state.tokens.codes.get(code)
    // tt.login codes belong to code2session (§2.7), not to this endpoint.
    if (!rec || rec.kind === 'login') return fail(20003, 'The authorization code is not found.')
    if (rec.appId !== clientId) fail(20024, 'The provided authorization code does not match the provided client ID.')
    if (rec.used) fail(20065, 'The authorization code has been used.')
    if (rec.expiresAt <= now) fail(20004, 'The authorization code has expired.')
    // Consumed from the first well-addressed attempt on, even when a later check fails (RFC 6749 §4.1.2).
    rec.used = true
    const redirectUri = str(body.redirect_uri)
    // Optional here (§2.4); requestAccess codes carry no redirect_uri, so any is accepted for them (UNCONFIRMED §9).
    if (redirectUri !== undefined && rec.redirectUri !== undefined && redirectUri !== rec.redirectUri) {
      fail(20071, 'The provided redirect URI does not match the one used during authorization.')
    }
    if (rec.challenge && !verifyPkce(rec.challenge, str(body.code_verifier))) fail(20049, 'PKCE code challenge failed.')
    userId = rec.userId
    const granted = state.tokens.granted(clientId, userId)
    scopes = parseScopeParam(body.scope, granted) ?? granted
  } else {
    const rt = str(body.refresh_token)
    if (!rt) fail(20001, 'The request is missing a required parameter: refresh_token.')
    const rec = state.tokens.refreshTokens.get(rt)
    if (!rec || rec.version !== 'v2') return fail(20026, 'The refresh token passed is invalid.')
    if (rec.appId !== clientId) fail(20024, 'The provided refresh token does not match the provided client ID.')
    if (state.byUserId.get(rec.userId)?.rights.refreshAllowed === false) {
      fail(20074, 'The specified app is not allowed to refresh token.')
    }
    if (rec.state === 'used') fail(20073, 'The refresh token has been used.')
    if (rec.state === 'revoked') fail(20064, 'The refresh token has been revoked.')
    if (rec.expiresAt <= now) fail(20037, 'The refresh token passed has expired.')
    // Rotation: the old refresh token dies now; the old access token lives until it expires (§2.1).
    rec.state = 'used'
    userId = rec.userId
    scopes = parseScopeParam(body.scope, rec.scopes) ?? [...rec.scopes]
  }
  const user = state.byUserId.get(userId)
  if (!user) return fail(20008, 'The user does not exist.')
  if (user.status !== 'hired') fail(20066, 'The user status is invalid.')
  ctx.setCallUser(userId)
  const issued = issueV2(state, clientId, userId, scopes)
  return {
    status: 200,
    body: {
      code: 0,
      access_token: issued.access.token,
      expires_in: secondsLeft(state, issued.access.expiresAt),
      ...(issued.refresh ? { refresh_token: issued.refresh.token, refresh_token_expires_in: secondsLeft(state, issued.refresh.expiresAt) } : {}),
      token_type: 'Bearer',
      scope: scopes.join(' '),
    },
  }
}

export function mountOAuthRoutes(app: SandboxApp, state: SandboxState): void {
  mountApi(app, state, { ...APIS['oauth.authorize'], path: AUTHORIZE_PATH }, authorize, { alsoMethods: ['POST'] })
  mountApi(app, state, APIS['oauth.token'], token)
}
