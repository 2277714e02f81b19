// The real server as a separate process (`server/index.ts`, as in production) pointed at a sandbox,
// for the tests that kill it with SIGKILL and start it again on the same data directory.
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { requestedScopes } from '../../server/auth/capabilities'
import { SANDBOX_APP_ID, SANDBOX_APP_SECRET } from '../../server/sandbox/credentials'
import { freePort } from './harness'

/** One signed-in person's calls to the child server, with their cookie. */
export type Call = (method: string, path: string, body?: unknown) => Promise<{ status: number; json: Record<string, unknown> }>

export interface ChildServer {
  readonly port: number
  readonly dataDir: string
  /** Starts the process and waits until it answers. */
  start(): Promise<void>
  /** SIGKILL, and waits for the process to end. */
  kill(): Promise<void>
  running(): boolean
  /** Signs a persona in through the sandbox's client code, as the app does. */
  signedIn(userId: string): Promise<Call>
}

export async function childServer(sandboxUrl: string, env: Record<string, string> = {}): Promise<ChildServer> {
  const port = await freePort()
  const dataDir = mkdtempSync(join(tmpdir(), 'hr-child-'))
  const base = `http://127.0.0.1:${port}`
  let child: ChildProcess | null = null
  const running = () => child !== null && child.exitCode === null && child.signalCode === null

  const call = (cookie: string): Call => async (method, path, body) => {
    const res = await fetch(`${base}${path}`, { method, headers: { Cookie: cookie, 'X-Requested-With': 'XMLHttpRequest', ...(body ? { 'Content-Type': 'application/json' } : {}) }, body: body ? JSON.stringify(body) : undefined })
    return { status: res.status, json: (await res.json()) as Record<string, unknown> }
  }

  return {
    port,
    dataDir,
    running,
    async start() {
      child = spawn(process.execPath, ['--import', 'tsx', 'server/index.ts'], {
        env: {
          ...process.env, FEISHU_APP_ID: SANDBOX_APP_ID, FEISHU_APP_SECRET: SANDBOX_APP_SECRET, FEISHU_BASE_URL: sandboxUrl,
          SESSION_SECRET: 'child-server-session-secret-0123456789abcdef', PUBLIC_URL: `http://localhost:${port}`, PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir, LOG_LEVEL: 'warn',
          ...env,
        },
        stdio: ['ignore', 'ignore', 'inherit'],
      })
      for (let i = 0; i < 300; i++) {
        try { if ((await fetch(`${base}/api/config`)).ok) return } catch { /* not yet */ }
        await new Promise((ok) => setTimeout(ok, 100))
      }
      throw new Error('the server did not start')
    },
    async kill() {
      if (!running()) return
      const exited = new Promise((ok) => child!.once('exit', ok))
      child!.kill('SIGKILL')
      await exited
    },
    async signedIn(userId) {
      const { code } = (await (await fetch(`${sandboxUrl}/sandbox/codes`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ user_id: userId, kind: 'request_access', scopes: requestedScopes }) })).json()) as { code: string }
      const signIn = await fetch(`${base}/api/session`, { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-Requested-With': 'XMLHttpRequest' }, body: JSON.stringify({ code, source: 'request_access' }) })
      return call(signIn.headers.get('set-cookie')!.split(';')[0]!)
    },
  }
}
