// Composes the sandbox: log id on every response, the simulated Feishu APIs, the sandbox-only
// endpoints, and Feishu-style 404 / wrong-method / crash answers.
import { Hono } from 'hono'
import { cors } from 'hono/cors'
import { errorEnvelope } from './platform/envelope'
import { jsonResponse, knownMethods, type SandboxApp, type SandboxEnv } from './platform/pipeline'
import { mountApprovalRoutes } from './routes/approval'
import { mountContactRoutes } from './routes/contact'
import { mountAppTokenRoutes } from './routes/app-tokens'
import { mountAttendanceRoutes } from './routes/attendance'
import { mountCoreHrRoutes } from './routes/corehr'
import { mountDocumentRoutes } from './routes/documents'
import { mountImRoutes } from './routes/im'
import { mountOAuthRoutes } from './routes/oauth'
import { mountOidcRoutes } from './routes/oidc'
import { mountPayrollRoutes } from './routes/payroll'
import { mountSandboxRoutes } from './routes/sandbox'
import { mountUserInfoRoute } from './routes/user-info'
import type { SandboxState } from './state'

export function buildApp(state: SandboxState): SandboxApp {
  const app = new Hono<SandboxEnv>()

  // §1.3 / §8.3: every response carries X-Tt-Logid — answers, redirects, HTML, 404s and crashes.
  app.use('*', async (c, next) => {
    const logid = state.logid()
    c.set('logid', logid)
    await next()
    try {
      c.res.headers.set('X-Tt-Logid', logid)
    } catch {
      c.res = new Response(c.res.body, c.res)
      c.res.headers.set('X-Tt-Logid', logid)
    }
  })

  // The sandbox-only endpoints may be called from the app's browser code (its tt.* stand-in);
  // /open-apis stays without CORS like open.feishu.cn.
  app.use('/sandbox/*', cors({ origin: '*', allowMethods: ['GET', 'PUT', 'POST'], allowHeaders: ['content-type'] }))

  mountAppTokenRoutes(app, state)
  mountOAuthRoutes(app, state)
  mountOidcRoutes(app, state)
  mountUserInfoRoute(app, state)
  mountAttendanceRoutes(app, state)
  mountPayrollRoutes(app, state)
  mountCoreHrRoutes(app, state)
  mountContactRoutes(app, state)
  mountApprovalRoutes(app, state)
  mountImRoutes(app, state)
  mountDocumentRoutes(app, state)
  mountSandboxRoutes(app, state)

  app.notFound((c) => {
    const logid = c.get('logid')
    // A known path with another method → 99991301; HTTP 405 is the sandbox's pick (undocumented).
    if (knownMethods(app, c.req.path)) {
      return jsonResponse({ status: 405, body: errorEnvelope(99991301, "request method doesn't match", logid) })
    }
    return jsonResponse({ status: 404, body: errorEnvelope(99991201, 'resource not find', logid) })
  })

  app.onError((err, c) => {
    const logid = c.get('logid')
    console.error(`[sandbox] unhandled error (logid ${logid})`, err)
    return jsonResponse({ status: 500, body: errorEnvelope(99991500, 'internal server error', logid) })
  })

  return app
}
