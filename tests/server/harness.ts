import { appendFileSync, mkdtempSync } from 'node:fs'
import { createServer as createHttpServer } from 'node:http'
import { createServer, type AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { buildApp, type AppDeps } from '../../server/app'
import type { Clock } from '../../server/clock'
import { loadConfig } from '../../server/config'
import { createLogger, type Logger } from '../../server/logger'
import { startSandbox } from '../../server/sandbox/index'
import { SANDBOX_APP_ID, SANDBOX_APP_SECRET, SANDBOX_EVENT_ENCRYPT_KEY, SANDBOX_EVENT_VERIFICATION_TOKEN } from '../../server/sandbox/credentials'
import type { SandboxUser } from '../../server/routes/config'
import { openSqlite } from '../../server/store/sqlite'
import { requestedScopes } from '../../server/auth/capabilities'
import type { RetryPolicy } from '../../server/jobs/call'

export async function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const s = createServer()
    s.once('error', fail)
    s.listen(0, '127.0.0.1', () => {
      const a = s.address()
      const port = typeof a === 'object' && a ? a.port : 0
      s.close(() => ok(port))
    })
  })
}

/**
 * Debug-level logs collected into `lines`, and appended to the whole run's log directory when the
 * run has one (tests/log-check.ts greps every line of a full run for tokens and secrets at its end).
 */
export function testLogger(lines: string[]): Logger {
  const file = process.env.HR_TEST_LOG_DIR ? join(process.env.HR_TEST_LOG_DIR, `${process.pid}.log`) : null
  return createLogger('debug', (line) => {
    lines.push(line)
    if (file) appendFileSync(file, line + '\n')
  })
}

/** A clock the test can move forward, to reach token expiry without sleeping. */
export function movableClock(): Clock & { advance(ms: number): void } {
  let offset = 0
  return { now: () => Date.now() + offset, advance: (ms) => { offset += ms } }
}

/**
 * The app server in-process (Hono's app.request) against a real sandbox Feishu on an ephemeral
 * port, with its own SQLite file. `logs` collects every log line for the security tests.
 */
/** A sandbox in its own process (benchmarks: its event loop must not share the app server's). */
export async function sandboxProcess(): Promise<{ url: string; pid: number; close(): Promise<void> }> {
  const port = await freePort()
  const { spawn } = await import('node:child_process')
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/sandbox/main.ts'], { env: { ...process.env, SANDBOX_PORT: String(port) }, stdio: 'ignore' })
  const url = `http://127.0.0.1:${port}`
  for (let i = 0; i < 200; i++) {
    try { if ((await fetch(`${url}/sandbox/users`)).ok) break } catch { /* starting */ }
    await new Promise((ok) => setTimeout(ok, 50))
  }
  return { url, pid: child.pid!, close: async () => { child.kill('SIGTERM'); await new Promise((ok) => child.once('exit', ok)) } }
}

export async function startStack(opts: { retry?: RetryPolicy; sandbox?: { url: string; close(): Promise<void> }; env?: Record<string, string>; dataDir?: string; notify?: AppDeps['notify'] } = {}) {
  const sandbox = (opts.sandbox ?? (await startSandbox({ port: 0 }))) as Awaited<ReturnType<typeof startSandbox>>
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'hr-gadget-'))
  const port = await freePort()
  const config = loadConfig({ PORT: String(port), DATA_DIR: dataDir, LOG_LEVEL: 'debug', ...opts.env }, { appId: SANDBOX_APP_ID, appSecret: SANDBOX_APP_SECRET, baseUrl: sandbox.url, encryptKey: SANDBOX_EVENT_ENCRYPT_KEY, verificationToken: SANDBOX_EVENT_VERIFICATION_TOKEN })
  const db = await openSqlite(join(dataDir, 'app.db'))
  const clock = movableClock()
  const logs: string[] = []
  const sandboxUsers = async () => ((await (await fetch(`${sandbox.url}/sandbox/users`)).json()) as { users: SandboxUser[] }).users
  const { app, runner, approvals, notify } = buildApp({ config, db, clock, logger: testLogger(logs), distDir: resolve('dist'), sandboxUsers, ...(opts.retry ? { retry: opts.retry } : {}), ...(opts.notify ? { notify: opts.notify } : {}) })
  // The console's web app homepage, where the sandbox opens the cards' AppLinks.
  if ('state' in sandbox) sandbox.state.webAppHomepage = config.publicUrl
  const responses: string[] = []

  /** A browser-like client: keeps its cookie, sends the app's CSRF header. */
  function client() {
    let cookie = ''
    return {
      get cookie() { return cookie },
      set cookie(v: string) { cookie = v },
      async request(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
        const res = await app.request(`http://localhost:${port}${path}`, {
          method,
          headers: {
            'X-Requested-With': 'XMLHttpRequest',
            ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}),
            ...(cookie ? { Cookie: cookie } : {}),
            ...headers,
          },
          body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
        })
        const setCookie = res.headers.get('set-cookie')
        if (setCookie) cookie = setCookie.split(';')[0]!.endsWith('=') ? '' : setCookie.split(';')[0]!
        const text = await res.text()
        responses.push(JSON.stringify([...res.headers.entries()]) + text)
        let json: unknown = null
        try { json = JSON.parse(text) } catch { /* not JSON */ }
        return { status: res.status, headers: res.headers, json: json as Record<string, unknown> & { error?: { code: string; message: string } }, text, setCookie }
      },
    }
  }

  /**
   * What the Feishu client would hand the app after tt.requestAccess, for a persona who granted
   * `scopes` (by default every scope app.json asks for, as the app's sign-in does).
   */
  async function accessCode(userId: string, scopes: string[] = requestedScopes): Promise<string> {
    const res = await fetch(`${sandbox.url}/sandbox/codes`, {
      method: 'POST', headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ user_id: userId, kind: 'request_access', scopes }),
    })
    if (!res.ok) throw new Error(`sandbox refused a code: ${res.status} ${await res.text()}`)
    return ((await res.json()) as { code: string }).code
  }

  async function signedIn(userId: string) {
    const c = client()
    const res = await c.request('POST', '/api/session', { code: await accessCode(userId), source: 'request_access' })
    if (res.status !== 200) throw new Error(`sign-in failed: ${res.status} ${res.text}`)
    return c
  }

  /** Feishu accumulates grants per user (reference §2.4); a test of a narrower grant starts from none. */
  async function forgetGrants() {
    const res = await fetch(`${sandbox.url}/sandbox/reset`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' })
    if (!res.ok) throw new Error(`sandbox reset failed: ${res.status}`)
  }

  return {
    forgetGrants, app, runner, approvals, notify, sandbox, config, db, clock, logs, responses, dataDir, client, accessCode, signedIn,
    async close() {
      approvals.stop()
      await runner.shutdown()
      await notify.shutdown()
      await db.destroy()
      await sandbox.close()
    },
  }
}

export interface SandboxCall { seq: number; api: string; user: string | null; status: number | null; code: number | null; startMs: number; endMs: number | null }

/** The sandbox's own record of the calls it received (sandbox-only endpoint). */
export async function sandboxCalls(sandboxUrl: string, filter: { api?: string; sinceSeq?: number } = {}): Promise<SandboxCall[]> {
  const q = new URLSearchParams()
  if (filter.api) q.set('api', filter.api)
  if (filter.sinceSeq !== undefined) q.set('since_seq', String(filter.sinceSeq))
  const res = await fetch(`${sandboxUrl}/sandbox/inspect/calls?${q}`)
  const body = (await res.json()) as { calls?: SandboxCall[] } | SandboxCall[]
  const calls = Array.isArray(body) ? body : (body.calls ?? [])
  // Filter here as well, in case the endpoint ignores a parameter.
  return calls.filter((c) => (filter.api === undefined || c.api === filter.api) && (filter.sinceSeq === undefined || c.seq > filter.sinceSeq))
}

export async function lastCallSeq(sandboxUrl: string): Promise<number> {
  const calls = await sandboxCalls(sandboxUrl)
  return calls.length ? Math.max(...calls.map((c) => c.seq)) : 0
}

export interface SandboxEmployee { user_id: string; employee_no: string; employment_id: string; department: string; status: string; name: string }

export async function sandboxEmployees(sandboxUrl: string, query: { department?: string; status?: string; limit?: number } = {}): Promise<SandboxEmployee[]> {
  const q = new URLSearchParams(Object.entries(query).map(([k, v]) => [k, String(v)]))
  const res = await fetch(`${sandboxUrl}/sandbox/inspect/employees?${q}`)
  return ((await res.json()) as { employees: SandboxEmployee[] }).employees
}

export async function setKnobs(sandboxUrl: string, knobs: unknown): Promise<void> {
  const res = await fetch(`${sandboxUrl}/sandbox/knobs`, { method: 'PUT', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(knobs) })
  if (!res.ok) throw new Error(`knobs refused: ${await res.text()}`)
}

type Client = { request(method: string, path: string, body?: unknown): Promise<{ status: number; json: Record<string, unknown> & { error?: { code: string; message: string } } }> }

/** Polls a job until it reaches one of `statuses` (default: any final one). */
export async function waitForJob(c: Client, id: string, statuses: string[] = ['succeeded', 'finished_with_errors', 'cancelled', 'failed'], timeoutMs = 60_000) {
  const until = Date.now() + timeoutMs
  for (;;) {
    const res = await c.request('GET', `/api/jobs/${id}?limit=500`)
    const job = res.json.job as { status: string } | undefined
    if (job && statuses.includes(job.status)) return res.json as { job: import('../../src/domain/jobs').JobSummary; rows: import('../../src/domain/jobs').JobRowResult[] }
    if (Date.now() > until) throw new Error(`job ${id} still ${job?.status} after ${timeoutMs} ms`)
    await new Promise((ok) => setTimeout(ok, 50))
  }
}

/** A local HTTP server answering every call with Feishu's success body (pacing tests). */
export async function okServer(): Promise<{ url: string; close: () => Promise<void> }> {
  const server = createHttpServer((req, res) => { req.resume(); req.on('end', () => { res.setHeader('content-type', 'application/json'); res.end('{"code":0,"msg":"success","data":{}}') }) })
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', () => ok()))
  const port = (server.address() as AddressInfo).port
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise((ok) => { server.closeAllConnections(); server.close(() => ok()) }) }
}
