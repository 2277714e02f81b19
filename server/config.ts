import { randomBytes } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { z } from 'zod'

/**
 * Environment, parsed and checked once at start. Without FEISHU_APP_ID the server runs in sandbox
 * mode: it starts the local Feishu (server/sandbox) and needs no credentials at all.
 */
export interface Config {
  mode: 'sandbox' | 'live'
  port: number
  host: string
  publicUrl: string
  dataDir: string
  feishu: { appId: string; appSecret: string; baseUrl: string }
  sessionSecret: string
  sandboxPort: number
  secureCookies: boolean
  logLevel: 'debug' | 'info' | 'warn' | 'error'
  /** Scale-out: jobs, sessions and mappings in PostgreSQL instead of SQLite. */
  database: { url: string; schema: string } | null
  /** Scale-out: the rate limits, datasource locks and progress shared by all processes through Redis. */
  redis: { url: string; prefix: string } | null
  /** How long a process's claim on a job lasts without renewal; when a paused-by-outage job is retried. */
  jobs: { leaseMs: number; autoResumeMs: number }
  /** Progress streams: open at once per person and per process, and the heartbeat (also the session re-check). */
  streams: { perPerson: number; total: number; heartbeatMs: number }
  /** Slow clients: whole headers within, a whole request within, an idle kept-alive connection closed after. */
  timeouts: { headersMs: number; requestMs: number; keepAliveMs: number }
  /** Prometheus metrics: on their own port (METRICS_PORT), or at /metrics behind a bearer token (METRICS_TOKEN). */
  metrics: { port: number | null; token: string | null }
  /**
   * Approval in Feishu (issue 15): approval name of a job kind's spec (write-targets.ts `approval`)
   * → the approval definition code its jobs wait for; none configured = jobs run at once. `events`:
   * the event subscription's secrets (null = no events; the app polls each instance every `pollMs`).
   */
  approval: { codes: Record<string, string>; pollMs: number; events: { encryptKey: string; verificationToken: string | null } | null }
}

export class ConfigError extends Error {}

const env = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default('0.0.0.0'),
  PUBLIC_URL: z.url().optional(),
  DATA_DIR: z.string().default('./data'),
  FEISHU_APP_ID: z.string().regex(/^cli_[A-Za-z0-9]+$/, 'looks like cli_a5ca35a685b0x26e').optional(),
  FEISHU_APP_SECRET: z.string().min(8).optional(),
  FEISHU_BASE_URL: z.url().optional(),
  SESSION_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  SANDBOX_PORT: z.coerce.number().int().min(0).max(65535).default(3001),
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
  DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL').optional(),
  DATABASE_SCHEMA: z.string().regex(/^[a-z_][a-z0-9_]{0,62}$/, 'a plain lower-case identifier').default('public'),
  REDIS_URL: z.string().regex(/^rediss?:\/\//, 'must be a redis:// URL').optional(),
  REDIS_PREFIX: z.string().regex(/^[A-Za-z0-9_:.-]{1,64}$/).default('hrgadget'),
  JOB_LEASE_MS: z.coerce.number().int().min(1000).max(600_000).default(30_000),
  JOB_AUTO_RESUME_MS: z.coerce.number().int().min(100).max(3_600_000).default(60_000),
  STREAMS_PER_PERSON: z.coerce.number().int().min(1).max(1000).default(10),
  STREAMS_TOTAL: z.coerce.number().int().min(1).max(100_000).default(1000),
  STREAM_HEARTBEAT_MS: z.coerce.number().int().min(10).max(120_000).default(15_000),
  HEADERS_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(20_000),
  REQUEST_TIMEOUT_MS: z.coerce.number().int().min(100).max(3_600_000).default(120_000),
  KEEP_ALIVE_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(5_000),
  METRICS_PORT: z.coerce.number().int().min(0).max(65535).optional(),
  METRICS_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  PAYROLL_APPROVAL_CODE: z.string().regex(/^[A-Za-z0-9-]{8,64}$/, 'an approval definition code, like 7C468A54-8745-2245-9675-08B7C63E7A85').optional(),
  FEISHU_ENCRYPT_KEY: z.string().min(1).optional(),
  FEISHU_VERIFICATION_TOKEN: z.string().min(1).optional(),
  APPROVAL_POLL_MS: z.coerce.number().int().min(1000).max(3_600_000).default(60_000),
})

export interface SandboxCredentials { appId: string; appSecret: string; encryptKey?: string; verificationToken?: string }

/** Reads the config; `sandbox` supplies the sandbox app's credentials and URL in sandbox mode. */
export function loadConfig(source: NodeJS.ProcessEnv, sandbox?: SandboxCredentials & { baseUrl: string }): Config {
  const parsed = env.safeParse(Object.fromEntries(Object.entries(source).filter(([, v]) => v !== '')))
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`)
    throw new ConfigError(`Invalid environment:\n${lines.join('\n')}`)
  }
  const e = parsed.data
  const live = Boolean(e.FEISHU_APP_ID || e.FEISHU_APP_SECRET)
  if (live && !(e.FEISHU_APP_ID && e.FEISHU_APP_SECRET)) {
    throw new ConfigError('Set both FEISHU_APP_ID and FEISHU_APP_SECRET (or neither, for sandbox mode).')
  }
  if (live && !e.SESSION_SECRET) throw new ConfigError('SESSION_SECRET (32+ random characters) is required with real Feishu credentials.')
  if (live && !e.PUBLIC_URL) throw new ConfigError('PUBLIC_URL (the https:// address people open) is required with real Feishu credentials.')
  if (!live && !sandbox) throw new ConfigError('Sandbox mode needs the sandbox credentials.')
  // Events are accepted only signed: a Verification Token alone would let anyone who learns it post events.
  if (e.FEISHU_VERIFICATION_TOKEN && !e.FEISHU_ENCRYPT_KEY) throw new ConfigError('FEISHU_VERIFICATION_TOKEN needs FEISHU_ENCRYPT_KEY too: the app accepts only encrypted, signed events (开发者后台 → 事件与回调 → 加密策略).')
  const encryptKey = e.FEISHU_ENCRYPT_KEY ?? (live ? undefined : sandbox?.encryptKey)
  const verificationToken = e.FEISHU_VERIFICATION_TOKEN ?? (live ? undefined : sandbox?.verificationToken)

  const dataDir = resolve(e.DATA_DIR)
  const publicUrl = (e.PUBLIC_URL ?? `http://localhost:${e.PORT}`).replace(/\/+$/, '')
  return {
    mode: live ? 'live' : 'sandbox',
    port: e.PORT,
    host: e.HOST,
    publicUrl,
    dataDir,
    feishu: live
      ? { appId: e.FEISHU_APP_ID!, appSecret: e.FEISHU_APP_SECRET!, baseUrl: (e.FEISHU_BASE_URL ?? 'https://open.feishu.cn').replace(/\/+$/, '') }
      : { appId: sandbox!.appId, appSecret: sandbox!.appSecret, baseUrl: sandbox!.baseUrl },
    sessionSecret: e.SESSION_SECRET ?? localSessionSecret(dataDir),
    sandboxPort: e.SANDBOX_PORT,
    secureCookies: publicUrl.startsWith('https://'),
    logLevel: e.LOG_LEVEL,
    database: e.DATABASE_URL ? { url: e.DATABASE_URL, schema: e.DATABASE_SCHEMA } : null,
    redis: e.REDIS_URL ? { url: e.REDIS_URL, prefix: e.REDIS_PREFIX } : null,
    jobs: { leaseMs: e.JOB_LEASE_MS, autoResumeMs: e.JOB_AUTO_RESUME_MS },
    streams: { perPerson: e.STREAMS_PER_PERSON, total: e.STREAMS_TOTAL, heartbeatMs: e.STREAM_HEARTBEAT_MS },
    // A request's headers must arrive before its whole request is due (Node checks them in that order).
    timeouts: { headersMs: Math.min(e.HEADERS_TIMEOUT_MS, e.REQUEST_TIMEOUT_MS), requestMs: e.REQUEST_TIMEOUT_MS, keepAliveMs: e.KEEP_ALIVE_TIMEOUT_MS },
    metrics: { port: e.METRICS_PORT ?? null, token: e.METRICS_TOKEN ?? null },
    approval: {
      codes: e.PAYROLL_APPROVAL_CODE ? { payroll: e.PAYROLL_APPROVAL_CODE } : {},
      pollMs: e.APPROVAL_POLL_MS,
      events: encryptKey ? { encryptKey, verificationToken: verificationToken ?? null } : null,
    },
  }
}

/** Sandbox mode keeps a random key under DATA_DIR so sessions survive restarts without any setup. */
function localSessionSecret(dataDir: string): string {
  mkdirSync(dataDir, { recursive: true })
  const file = join(dataDir, 'session-secret')
  if (existsSync(file)) return readFileSync(file, 'utf8').trim()
  const secret = randomBytes(32).toString('base64url')
  writeFileSync(file, secret, { mode: 0o600 })
  return secret
}
