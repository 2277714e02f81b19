// The product as `npm start` runs it (startServer: app + sandbox Feishu) on real ports, for the tests
// that need sockets: progress streams, slow clients, health and shutdown. Log lines are collected.
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { requestedScopes } from '../../server/auth/capabilities'
import { startServer, type Running } from '../../server/start'
import { freePort, testLogger } from './harness'

export interface RealServer extends Running { logs: string[]; sandbox: string; dataDir: string }

export async function startReal(env: Record<string, string> = {}): Promise<RealServer> {
  const port = await freePort()
  const logs: string[] = []
  const dataDir = mkdtempSync(join(tmpdir(), 'hr-real-'))
  const running = await startServer(
    { PORT: String(port), SANDBOX_PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, LOG_LEVEL: 'debug', PUBLIC_URL: `http://localhost:${port}`, ...env },
    { logger: testLogger(logs) },
  )
  return Object.assign(running, { logs, sandbox: running.sandboxUrl!, dataDir })
}

/** Signs a persona in over HTTP, as the app does after tt.requestAccess; returns the cookie. */
export async function signIn(server: RealServer, userId: string): Promise<string> {
  const codeRes = await fetch(`${server.sandbox}/sandbox/codes`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ user_id: userId, kind: 'request_access', scopes: requestedScopes }) })
  const { code } = (await codeRes.json()) as { code: string }
  const res = await api(server, 'POST', '/api/session', '', { code, source: 'request_access' })
  if (res.status !== 200) throw new Error(`sign-in failed: ${res.status}`)
  return res.headers.get('set-cookie')!.split(';')[0]!
}

export async function api(server: RealServer, method: string, path: string, cookie: string, body?: unknown) {
  const res = await fetch(`${server.url}${path}`, {
    method,
    headers: { 'X-Requested-With': 'XMLHttpRequest', ...(cookie ? { Cookie: cookie } : {}), ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  const text = await res.text()
  let json: Record<string, unknown> & { error?: { code: string; message: string; details?: unknown } } = {}
  try { json = JSON.parse(text) } catch { /* not JSON */ }
  return { status: res.status, headers: res.headers, json, text }
}

/** An attendance draft job for the attendance admin: it stays open (not final) until started or cancelled. */
export async function draftJob(server: RealServer, cookie: string, key: string): Promise<string> {
  const people = (await (await fetch(`${server.sandbox}/sandbox/inspect/employees?department=RND&status=hired&limit=3`)).json()) as { employees: Array<{ user_id: string }> }
  const rows = people.employees.map((e, i) => ({ row: i + 2, member_id: e.user_id, start_time: '20241001', end_time: '20241031', values: { abc: String(i) } }))
  const res = await api(server, 'POST', '/api/jobs', cookie, { idempotency_key: key, kind: 'attendance_upload', target: { type: 'attendance', archive_rule_id: '7341290237441605652', month: '202410', employee_type: 'employee_id' }, rows, draft: true })
  if (res.status !== 201) throw new Error(`draft refused: ${res.status} ${res.text}`)
  return (res.json.job as { id: string }).id
}

/** A payroll draft job for the payroll admin (wangfang). */
export async function payrollDraft(server: RealServer, cookie: string, key: string): Promise<string> {
  const people = (await (await fetch(`${server.sandbox}/sandbox/inspect/employees?status=hired&limit=3`)).json()) as { employees: Array<{ employment_id: string }> }
  const rows = people.employees.map((e, i) => ({ row: i + 2, employment_id: e.employment_id, values: { late_deduction__c: `${i + 1}.50` } }))
  const res = await api(server, 'POST', '/api/jobs', cookie, { idempotency_key: key, kind: 'payroll_save', target: { type: 'payroll', source_code: 'attendance_deduction__c', payroll_period: '2024-10' }, rows, draft: true })
  if (res.status !== 201) throw new Error(`draft refused: ${res.status} ${res.text}`)
  return (res.json.job as { id: string }).id
}

/** A metric's value from the Prometheus text (first series matching the name and label text). */
export async function metric(server: RealServer, token: string, name: string, labels = ''): Promise<number | null> {
  const text = await (await fetch(`${server.url}/metrics`, { headers: { Authorization: `Bearer ${token}` } })).text()
  const line = text.split('\n').find((l) => l.startsWith(name) && (l.startsWith(`${name} `) || l.startsWith(`${name}{`)) && l.includes(labels))
  return line ? Number(line.split(' ').pop()) : null
}
