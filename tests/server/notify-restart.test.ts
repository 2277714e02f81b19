import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startSandbox } from '../../server/sandbox/index'
import { SANDBOX_APP_ID, SANDBOX_APP_SECRET } from '../../server/sandbox/credentials'
import { requestedScopes } from '../../server/auth/capabilities'
import { freePort, sandboxCalls, sandboxEmployees, setKnobs } from './harness'

/**
 * The real server as a separate process, killed with SIGKILL and started again on the same data:
 * a card already sent is never sent again, and one recorded but not yet sent goes out exactly once.
 */
let sandbox: Awaited<ReturnType<typeof startSandbox>>
let child: ChildProcess | null = null
const dataDir = mkdtempSync(join(tmpdir(), 'hr-notify-'))
let port = 0

beforeAll(async () => {
  sandbox = await startSandbox({ port: 0 })
  port = await freePort()
  sandbox.state.webAppHomepage = `http://localhost:${port}`
})
afterAll(async () => {
  child?.kill('SIGKILL')
  await sandbox.close()
})

async function startChild(): Promise<void> {
  child = spawn(process.execPath, ['--import', 'tsx', 'server/index.ts'], {
    env: {
      ...process.env, FEISHU_APP_ID: SANDBOX_APP_ID, FEISHU_APP_SECRET: SANDBOX_APP_SECRET, FEISHU_BASE_URL: sandbox.url,
      SESSION_SECRET: 'notify-test-session-secret-0123456789abcdef', PUBLIC_URL: `http://localhost:${port}`, PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir, LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  })
  for (let i = 0; i < 300; i++) {
    try { if ((await fetch(`http://127.0.0.1:${port}/api/config`)).ok) return } catch { /* not yet */ }
    await new Promise((ok) => setTimeout(ok, 100))
  }
  throw new Error('the server did not start')
}
async function kill() {
  child!.kill('SIGKILL')
  await new Promise((ok) => child!.once('exit', ok))
}

const api = (cookie: string) => async (method: string, path: string, body?: unknown) => {
  const res = await fetch(`http://127.0.0.1:${port}${path}`, { method, headers: { Cookie: cookie, 'X-Requested-With': 'XMLHttpRequest', ...(body ? { 'Content-Type': 'application/json' } : {}) }, body: body ? JSON.stringify(body) : undefined })
  return { status: res.status, json: (await res.json()) as Record<string, unknown> }
}
async function signedIn(userId: string) {
  const { code } = (await (await fetch(`${sandbox.url}/sandbox/codes`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ user_id: userId, kind: 'request_access', scopes: requestedScopes }) })).json()) as { code: string }
  const signIn = await fetch(`http://127.0.0.1:${port}/api/session`, { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-Requested-With': 'XMLHttpRequest' }, body: JSON.stringify({ code, source: 'request_access' }) })
  return api(signIn.headers.get('set-cookie')!.split(';')[0]!)
}

async function until<T>(what: string, f: () => Promise<T | null | undefined | false>, tries = 600): Promise<T> {
  for (let i = 0; i < tries; i++) {
    const v = await f()
    if (v) return v
    await new Promise((ok) => setTimeout(ok, 50))
  }
  throw new Error(`never: ${what}`)
}
const cardsFor = async (jobId: string) => ((await (await fetch(`${sandbox.url}/sandbox/inspect/messages?user=wangfang`)).json()) as { messages: Array<{ links: Array<{ url: string }> }> })
  .messages.filter((m) => m.links.some((l) => l.url.includes(encodeURIComponent(`/jobs/${jobId}`)))).length

describe('job messages across a crash', () => {
  it('never repeats a sent card after a restart, and sends a pending one exactly once', async () => {
    const people = await sandboxEmployees(sandbox.url, { status: 'hired', limit: 8 })
    let n = 0
    const job = async (call: Awaited<ReturnType<typeof signedIn>>) => {
      const created = await call('POST', '/api/jobs', {
        idempotency_key: `notify-restart-${n}`, kind: 'payroll_save', target: { type: 'payroll', source_code: 'attendance_deduction__c', payroll_period: '2022-0' + (n + 1) },
        rows: people.slice(2 * n, 2 * n + 2).map((e, i) => ({ row: i + 2, employment_id: e.employment_id, values: { absence_hours__c: '1.5' } })),
      })
      n++
      expect(created.status).toBe(201)
      const id = (created.json.job as { id: string }).id
      await until('job done', async () => ((await call('GET', `/api/jobs/${id}`)).json.job as { status: string }).status === 'succeeded')
      return id
    }

    await startChild()
    let call = await signedIn('wangfang')
    // A: finished and its card sent before the crash.
    const a = await job(call)
    await until('card A', async () => (await cardsFor(a)) === 1)
    // B: finished while the bot was off; its card waits for a retry when the process dies.
    await setKnobs(sandbox.url, { imBotEnabled: false })
    const b = await job(call)
    await until('B tried once', async () => (await sandboxCalls(sandbox.url, { api: 'im.message.create' })).some((c) => c.code === 230006))
    await kill()
    await setKnobs(sandbox.url, { imBotEnabled: true })

    await startChild()
    call = await signedIn('wangfang')
    await until('card B after the restart', async () => (await cardsFor(b)) === 1)
    // C after the restart: once its card is there, the restarted sender has had every chance to repeat A or B.
    const c = await job(call)
    await until('card C', async () => (await cardsFor(c)) === 1)
    // And once more: kill and restart again with nothing pending.
    await kill()
    await startChild()
    call = await signedIn('wangfang')
    const d = await job(call)
    await until('card D', async () => (await cardsFor(d)) === 1)
    expect([await cardsFor(a), await cardsFor(b), await cardsFor(c), await cardsFor(d)]).toEqual([1, 1, 1, 1])
    const sent = (await sandboxCalls(sandbox.url, { api: 'im.message.create' })).filter((x) => x.code === 0)
    expect(sent).toHaveLength(4)
  })
})
