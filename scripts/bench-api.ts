// `npm run bench:api`: what the server's middleware stack (request id, security headers, CSRF,
// body limit, session lookup in SQLite) costs per request, against a bare Hono route answering the
// same JSON in the same run. Prints requests/s, the ratio, and the added time per request against
// its ceiling of 150 µs (a page makes a handful of API calls; this keeps the stack invisible).
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { Hono } from 'hono'
import { buildApp } from '../server/app'
import { systemClock } from '../server/clock'
import { loadConfig } from '../server/config'
import { silentLogger } from '../server/logger'
import { startSandbox } from '../server/sandbox/index'
import { SANDBOX_APP_ID, SANDBOX_APP_SECRET } from '../server/sandbox/credentials'
import { openSqlite } from '../server/store/sqlite'
import { requestedScopes } from '../server/auth/capabilities'

const N = Number(process.env.BENCH_N ?? 20_000)
const sandbox = await startSandbox({ port: 0 })
const dataDir = mkdtempSync(join(tmpdir(), 'bench-api-'))
const config = loadConfig({ PORT: '3999', DATA_DIR: dataDir }, { appId: SANDBOX_APP_ID, appSecret: SANDBOX_APP_SECRET, baseUrl: sandbox.url })
const db = await openSqlite(join(dataDir, 'app.db'))
const { app } = buildApp({ config, db, clock: systemClock, logger: silentLogger, distDir: resolve('dist') })

const codeRes = await fetch(`${sandbox.url}/sandbox/codes`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ user_id: 'wangfang', kind: 'request_access', scopes: requestedScopes }) })
const { code } = (await codeRes.json()) as { code: string }
const signed = await app.request('http://localhost:3999/api/session', { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-Requested-With': 'XMLHttpRequest' }, body: JSON.stringify({ code, source: 'request_access' }) })
const cookie = signed.headers.get('set-cookie')!.split(';')[0]!
const me = (await signed.json()) as unknown

const bare = new Hono().get('/api/me', (c) => c.json(me))

async function rate(label: string, fetchOnce: () => Response | Promise<Response>): Promise<number> {
  for (let i = 0; i < 500; i++) await (await fetchOnce()).arrayBuffer()
  const t0 = performance.now()
  for (let i = 0; i < N; i++) {
    const r = await fetchOnce()
    if (r.status !== 200) throw new Error(`${label}: HTTP ${r.status}`)
    await r.arrayBuffer()
  }
  const perSec = N / ((performance.now() - t0) / 1000)
  console.info(`${label.padEnd(28)} ${perSec.toFixed(0).padStart(8)} req/s`)
  return perSec
}

const ours = await rate('GET /api/me (full stack)', () => app.request('http://localhost:3999/api/me', { headers: { Cookie: cookie } }))
const peer = await rate('GET /api/me (bare Hono)', () => bare.request('http://localhost:3999/api/me'))
const overheadUs = (1 / ours - 1 / peer) * 1e6
console.info(`ratio full/bare: ${(ours / peer).toFixed(2)}`)
console.info(`added per request: ${overheadUs.toFixed(0)} µs; ceiling 150 µs; ratio to ceiling ${(overheadUs / 150).toFixed(2)} ${overheadUs <= 150 ? 'OK' : 'OVER CEILING'}`)
await db.destroy()
await sandbox.close()
