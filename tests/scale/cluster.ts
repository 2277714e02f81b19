import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { randomBytes } from 'node:crypto'
import pg from 'pg'
import { Redis } from 'ioredis'
import { SANDBOX_APP_ID, SANDBOX_APP_SECRET } from '../../server/sandbox/credentials'
import { requestedScopes } from '../../server/auth/capabilities'
import { freePort } from '../server/harness'

export const DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test'
export const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379'

export interface Node { name: string; port: number; child: ChildProcess; url: string }

/**
 * Several real server processes sharing one PostgreSQL schema and one Redis key prefix of their
 * own (so tests never see each other's data), all using `sandboxUrl` as their Feishu.
 */
export function cluster(sandboxUrl: string, opts: { entry?: string } = {}) {
  const id = randomBytes(4).toString('hex')
  const schema = `t_${id}`
  const prefix = `t${id}`
  const nodes: Node[] = []

  async function start(name: string, extraEnv: Record<string, string> = {}): Promise<Node> {
    const port = await freePort()
    // Tests run the TypeScript sources; the benchmark runs the production bundle (`npm run build:server`).
    const child = spawn(process.execPath, opts.entry ? [...startFlags(), opts.entry] : ['--import', 'tsx', 'server/index.ts'], {
      env: {
        ...process.env,
        FEISHU_APP_ID: SANDBOX_APP_ID, FEISHU_APP_SECRET: SANDBOX_APP_SECRET, FEISHU_BASE_URL: sandboxUrl,
        SESSION_SECRET: 'cluster-test-session-secret-0123456789abcdef', PUBLIC_URL: `http://localhost:${port}`,
        PORT: String(port), HOST: '127.0.0.1', DATA_DIR: mkdtempSync(join(tmpdir(), `hr-${name}-`)), LOG_LEVEL: 'error',
        DATABASE_URL, DATABASE_SCHEMA: schema, REDIS_URL, REDIS_PREFIX: prefix, JOB_LEASE_MS: '3000',
        ...extraEnv,
      },
      stdio: ['ignore', 'ignore', 'inherit'],
    })
    const node = { name, port, child, url: `http://127.0.0.1:${port}` }
    for (let i = 0; i < 300; i++) {
      if (child.exitCode !== null) throw new Error(`${name} exited with ${child.exitCode}`)
      try { if ((await fetch(`${node.url}/api/config`)).ok) { nodes.push(node); return node } } catch { /* starting */ }
      await new Promise((ok) => setTimeout(ok, 100))
    }
    throw new Error(`${name} did not start`)
  }

  async function signIn(node: Node, userId: string): Promise<string> {
    const { code } = (await (await fetch(`${sandboxUrl}/sandbox/codes`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ user_id: userId, kind: 'request_access', scopes: requestedScopes }) })).json()) as { code: string }
    const res = await fetch(`${node.url}/api/session`, { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-Requested-With': 'XMLHttpRequest' }, body: JSON.stringify({ code, source: 'request_access' }) })
    if (!res.ok) throw new Error(`sign-in on ${node.name} failed: ${res.status} ${await res.text()}`)
    return res.headers.get('set-cookie')!.split(';')[0]!
  }

  async function call(node: Node, cookie: string, method: string, path: string, body?: unknown) {
    const res = await fetch(`${node.url}${path}`, { method, headers: { Cookie: cookie, 'X-Requested-With': 'XMLHttpRequest', ...(body ? { 'Content-Type': 'application/json' } : {}) }, body: body ? JSON.stringify(body) : undefined })
    const text = await res.text()
    return { status: res.status, json: (text ? JSON.parse(text) : null) as Record<string, unknown> }
  }

  async function stop() {
    const alive = nodes.filter((n) => n.child.exitCode === null && n.child.signalCode === null)
    const exits = alive.map((n) => new Promise((ok) => n.child.once('exit', ok)))
    for (const n of alive) n.child.kill('SIGTERM')
    await Promise.all(exits)
    const client = new pg.Client({ connectionString: DATABASE_URL })
    await client.connect()
    await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`)
    await client.end()
    const redis = new Redis(REDIS_URL)
    const keys = await redis.keys(`${prefix}:*`)
    if (keys.length) await redis.del(...keys)
    redis.disconnect()
  }

  return { schema, prefix, nodes, start, signIn, call, stop }
}

/** The node flags `npm start` runs the production bundle with (package.json), so the bundle runs as in production. */
function startFlags(): string[] {
  const start = (JSON.parse(readFileSync('package.json', 'utf8')) as { scripts: Record<string, string> }).scripts.start ?? ''
  const m = /node ((?:--\S+ )*)dist-server\/index\.mjs/.exec(start)
  return m?.[1] ? m[1].trim().split(/\s+/) : []
}
