import { serve, type ServerType } from '@hono/node-server'
import { join, resolve } from 'node:path'
import { buildApp } from './app'
import { systemClock, type Clock } from './clock'
import { loadConfig, type Config } from './config'
import { createLogger, type Logger } from './logger'
import type { SandboxUser } from './routes/config'
import { openSqlite } from './store/sqlite'
import { openPostgres } from './store/postgres'
import { connectRedis } from './scale/redis'
import { redisPacer } from './scale/redis-pacer'
import { redisSerialiser } from './scale/redis-lock'
import { redisProgressBus } from './scale/redis-progress'
import { startSandbox } from './sandbox/index'
import { SANDBOX_APP_ID, SANDBOX_APP_SECRET, SANDBOX_EVENT_ENCRYPT_KEY, SANDBOX_EVENT_VERIFICATION_TOKEN } from './sandbox/credentials'

export interface Running {
  url: string
  config: Config
  sandboxUrl: string | null
  close(): Promise<void>
}

/**
 * Starts everything `npm start` runs: in sandbox mode first the local Feishu, then the app server.
 * Tests call it with port 0 and their own DATA_DIR.
 */
export async function startServer(env: NodeJS.ProcessEnv, opts: { clock?: Clock; logger?: Logger; distDir?: string } = {}): Promise<Running> {
  const sandboxWanted = !env.FEISHU_APP_ID && !env.FEISHU_APP_SECRET
  const port = Number(env.PORT ?? 3000)
  const publicUrlGuess = (env.PUBLIC_URL ?? `http://localhost:${port}`).replace(/\/+$/, '')
  const sandbox = sandboxWanted
    ? await startSandbox({
      port: Number(env.SANDBOX_PORT ?? 3001), redirectUris: port === 0 ? undefined : [`${publicUrlGuess}/auth/callback`],
      // Approval events go to this server's event request URL (kept across a sandbox reset).
      ...(port === 0 ? {} : { knobs: { approvalEvents: { requestUrl: `http://127.0.0.1:${port}/api/feishu/events` } } }),
    })
    : null
  const config = loadConfig(env, sandbox ? { appId: SANDBOX_APP_ID, appSecret: SANDBOX_APP_SECRET, baseUrl: sandbox.url, encryptKey: SANDBOX_EVENT_ENCRYPT_KEY, verificationToken: SANDBOX_EVENT_VERIFICATION_TOKEN } : undefined)
  const logger = opts.logger ?? createLogger(config.logLevel)
  const db = config.database ? await openPostgres(config.database.url, config.database.schema) : await openSqlite(join(config.dataDir, 'app.db'))
  // Scale-out: Redis carries what every process must agree on (pacing, datasource locks, progress).
  const redis = config.redis ? { cmd: await connectRedis(config.redis.url), sub: await connectRedis(config.redis.url), prefix: config.redis.prefix } : null
  const shared = redis
    ? { pacer: redisPacer(redis.cmd, redis.prefix), serialiser: redisSerialiser(redis.cmd, redis.prefix), bus: redisProgressBus(redis.cmd, redis.sub, redis.prefix) }
    : {}
  if (config.database && !redis) logger.warn('DATABASE_URL without REDIS_URL: run a single process, or Feishu limits may be exceeded across processes')
  const sandboxUsers = sandbox ? async () => ((await (await fetch(`${sandbox.url}/sandbox/users`)).json()) as { users: SandboxUser[] }).users : undefined
  const { app, runner, approvals, sweepSessions } = buildApp({ config, db, clock: opts.clock ?? systemClock, logger, distDir: opts.distDir ?? resolve('dist'), sandboxUsers, ...shared, shared: Boolean(config.database), leaseMs: config.jobs.leaseMs, autoResumeAfterMs: config.jobs.autoResumeMs })

  const server: ServerType = await new Promise((ok) => {
    const s = serve({ fetch: app.fetch, port: config.port, hostname: config.host }, () => ok(s))
  })
  const address = server.address()
  const actualPort = typeof address === 'object' && address ? address.port : config.port
  const url = `http://localhost:${actualPort}`
  // Jobs that were running when the process stopped continue (their in-flight batch is resent).
  await runner.recover()
  // Port 0: only now is the event request URL known.
  if (port === 0) sandbox?.setKnobs({ approvalEvents: { requestUrl: `http://127.0.0.1:${actualPort}/api/feishu/events` } })
  // Approvals decided while the app was down are found at once, then every APPROVAL_POLL_MS.
  approvals.start()
  // Expired sessions are swept hourly (a person's grant and jobs are kept; only the cookie ends).
  const sweep = setInterval(() => { sweepSessions().catch((e: unknown) => logger.warn('session sweep failed', { error: e })) }, 3600_000)
  sweep.unref()
  logger.info(`App on ${url}${sandbox ? ` (sandbox Feishu on ${sandbox.url})` : ''}`, { mode: config.mode })
  return {
    url,
    config,
    sandboxUrl: sandbox?.url ?? null,
    async close() {
      clearInterval(sweep)
      approvals.stop()
      await runner.shutdown()
      await new Promise<void>((ok) => { server.close(() => ok()); (server as import('node:http').Server).closeAllConnections?.() })
      await db.destroy()
      if (redis) { await shared.bus?.close(); redis.cmd.disconnect(); redis.sub.disconnect() }
      await sandbox?.close()
    },
  }
}
