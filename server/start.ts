import { serve, type ServerType } from '@hono/node-server'
import type { Server } from 'node:http'
import { join, resolve } from 'node:path'
import { Hono } from 'hono'
import { buildApp } from './app'
import { systemClock, type Clock } from './clock'
import { ConfigError, loadConfig, type Config } from './config'
import { createLogger, type Logger } from './logger'
import { createMetrics } from './metrics'
import type { SandboxUser } from './routes/config'
import { healthRoutes, type Phase } from './routes/health'
import { serveMetrics } from './routes/metrics'
import { openSqlite } from './store/sqlite'
import { openPostgres } from './store/postgres'
import { connectRedis } from './scale/redis'
import { redisPacer } from './scale/redis-pacer'
import { redisSerialiser } from './scale/redis-lock'
import { redisProgressBus } from './scale/redis-progress'
import { startSandbox, type KnobsPatch, type RunningSandbox } from './sandbox/index'
import { SANDBOX_APP_ID, SANDBOX_APP_SECRET, SANDBOX_EVENT_ENCRYPT_KEY, SANDBOX_EVENT_VERIFICATION_TOKEN } from './sandbox/credentials'

export interface Running {
  url: string
  config: Config
  sandboxUrl: string | null
  /** Graceful: not ready at once, streams closed, batches in flight finish and are recorded, then everything closes. */
  close(): Promise<void>
}

/**
 * Starts everything `npm start` runs. The port is taken first, answering /healthz and a not-ready
 * /readyz (and 503 to the rest) while the sandbox starts and migrations run; then the app takes over.
 * In sandbox mode first the local Feishu. Tests call it with port 0 and their own DATA_DIR.
 */
export async function startServer(env: NodeJS.ProcessEnv, opts: { clock?: Clock; logger?: Logger; distDir?: string } = {}): Promise<Running> {
  const sandboxWanted = !env.FEISHU_APP_ID && !env.FEISHU_APP_SECRET
  // Checked before anything listens; the sandbox's real URL is known only once it runs.
  const sandboxSecrets = { appId: SANDBOX_APP_ID, appSecret: SANDBOX_APP_SECRET, encryptKey: SANDBOX_EVENT_ENCRYPT_KEY, verificationToken: SANDBOX_EVENT_VERIFICATION_TOKEN }
  const early = loadConfig(env, sandboxWanted ? { ...sandboxSecrets, baseUrl: 'http://127.0.0.1' } : undefined)
  const logger = opts.logger ?? createLogger(early.logLevel)
  let phase: Phase = 'starting'
  let handle: (req: Request) => Response | Promise<Response> = startingApp().fetch
  const server = await listen(early, (req) => handle(req))
  const opened: Array<() => Promise<unknown>> = [() => closeServer(server)]
  try {
    const address = server.address()
    const actualPort = typeof address === 'object' && address ? address.port : early.port
    const publicUrlGuess = (env.PUBLIC_URL ?? `http://localhost:${early.port}`).replace(/\/+$/, '')
    // Approval events go to this server's event request URL (kept across a sandbox reset).
    const eventKnobs: KnobsPatch = { approvalEvents: { requestUrl: `http://127.0.0.1:${actualPort}/api/feishu/events` } }
    const sandbox = sandboxWanted ? await startLocalFeishu(early.sandboxPort, early.port === 0 ? undefined : [`${publicUrlGuess}/auth/callback`], eventKnobs, logger) : null
    // Where the sandbox's AppLinks open the web app (the console's homepage setting).
    if (sandbox) sandbox.state.webAppHomepage = (env.PUBLIC_URL ?? `http://localhost:${actualPort}`).replace(/\/+$/, '')
    if (sandbox) opened.push(() => sandbox.close())
    const config = loadConfig(env, sandbox ? { ...sandboxSecrets, baseUrl: sandbox.url } : undefined)
    const db = config.database ? await openPostgres(config.database.url, config.database.schema) : await openSqlite(join(config.dataDir, 'app.db'))
    opened.push(() => db.destroy())
    // Scale-out: Redis carries what every process must agree on (pacing, datasource locks, progress).
    const redis = config.redis ? { cmd: await connectRedis(config.redis.url), sub: await connectRedis(config.redis.url), prefix: config.redis.prefix } : null
    const shared = redis
      ? { pacer: redisPacer(redis.cmd, redis.prefix), serialiser: redisSerialiser(redis.cmd, redis.prefix), bus: redisProgressBus(redis.cmd, redis.sub, redis.prefix) }
      : {}
    if (redis) opened.push(async () => { await shared.bus?.close(); redis.cmd.disconnect(); redis.sub.disconnect() })
    if (config.database && !redis) logger.warn('DATABASE_URL without REDIS_URL: run a single process, or Feishu limits may be exceeded across processes')
    const metrics = createMetrics()
    const metricsServer = config.metrics.port !== null ? await listenMetrics(metrics, config) : null
    if (metricsServer) opened.push(() => closeServer(metricsServer))
    const sandboxUsers = sandbox ? async () => ((await (await fetch(`${sandbox.url}/sandbox/users`)).json()) as { users: SandboxUser[] }).users : undefined
    const { app, runner, streams, approvals, notify, sweepSessions } = buildApp({
      config, db, clock: opts.clock ?? systemClock, logger, distDir: opts.distDir ?? resolve('dist'), sandboxUsers, ...shared,
      shared: Boolean(config.database), leaseMs: config.jobs.leaseMs, autoResumeAfterMs: config.jobs.autoResumeMs,
      metrics, phase: () => phase, readyChecks: redis ? { redis: () => redis.cmd.ping() } : {},
    })
    handle = app.fetch
    phase = 'serving'
    const url = `http://localhost:${actualPort}`
    // Jobs that were running when the process stopped continue (their in-flight batch is resent).
    await runner.recover()
    // Approvals decided while the app was down are found at once, then every APPROVAL_POLL_MS.
    approvals.start()
    // Job messages recorded but not sent before a stop (or by another process that died) go out now.
    notify.start()
    // Expired sessions are swept hourly (a person's grant and jobs are kept; only the cookie ends).
    const sweep = setInterval(() => { sweepSessions().catch((e: unknown) => logger.warn('session sweep failed', { error: e })) }, 3600_000)
    sweep.unref()
    logger.info(`App on ${url}${sandbox ? ` (sandbox Feishu on ${sandbox.url})` : ''}`, { mode: config.mode, ...(metricsServer ? { metricsPort: config.metrics.port } : {}) })
    let closing: Promise<void> | null = null
    return {
      url,
      config,
      sandboxUrl: sandbox?.url ?? null,
      close() {
        closing ??= (async () => {
          phase = 'stopping'
          clearInterval(sweep)
          logger.info('shutting down: no new connections; batches in flight finish and are recorded')
          const stopped = closeServer(server)
          ;(server as Server).closeIdleConnections()
          streams.closeAll()
          approvals.stop()
          await runner.shutdown()
          await notify.shutdown()
          ;(server as Server).closeAllConnections()
          await stopped
          for (const close of opened.slice(1).reverse()) await close()
          logger.info('stopped')
        })()
        return closing
      },
    }
  } catch (e) {
    for (const close of opened.reverse()) await close().catch(() => undefined)
    throw e
  }
}

/** Answers while the sandbox starts and migrations run: alive, not ready, and nothing else yet. */
function startingApp(): Hono {
  return new Hono()
    .route('/', healthRoutes({ phase: () => 'starting', checks: {} }))
    .all('*', (c) => c.json({ error: { code: 'starting', message: 'The server is starting; try again in a few seconds.' } }, 503, { 'Retry-After': '5' }))
}

/**
 * Listens with the slow-client timeouts: a client gets HEADERS_TIMEOUT_MS for its headers and
 * REQUEST_TIMEOUT_MS for its whole request (a body trickled a byte a second is cut off), and an idle
 * kept-alive connection closes after KEEP_ALIVE_TIMEOUT_MS. Node checks the first two on an interval,
 * so it runs at a fraction of the shorter one. Responses (progress streams) are not limited by these.
 */
async function listen(config: Config, fetch: (req: Request) => Response | Promise<Response>): Promise<ServerType> {
  const { headersMs, requestMs, keepAliveMs } = config.timeouts
  const server: ServerType = await new Promise((ok, fail) => {
    const s = serve({
      fetch, port: config.port, hostname: config.host,
      serverOptions: { headersTimeout: headersMs, requestTimeout: requestMs, keepAliveTimeout: keepAliveMs, connectionsCheckingInterval: Math.max(50, Math.min(5000, Math.floor(headersMs / 4))) },
    }, () => ok(s))
    s.once('error', (e: NodeJS.ErrnoException) => fail(e.code === 'EADDRINUSE' ? portTaken(config.port, 'PORT') : e))
  })
  const http = server as Server
  http.headersTimeout = headersMs
  http.requestTimeout = requestMs
  http.keepAliveTimeout = keepAliveMs
  return server
}

async function listenMetrics(metrics: ReturnType<typeof createMetrics>, config: Config): Promise<Server> {
  try {
    return await serveMetrics(metrics, config.metrics.port!, config.host)
  } catch (e) {
    throw (e as NodeJS.ErrnoException).code === 'EADDRINUSE' ? portTaken(config.metrics.port!, 'METRICS_PORT') : e
  }
}

function portTaken(port: number, variable: string): ConfigError {
  return new ConfigError(`Port ${port} is already in use. Set ${variable} to a free port (for example ${variable}=${port + 10}), or stop what is listening on ${port}.`)
}

/** In sandbox mode a taken SANDBOX_PORT is no reason to fail: any free port does, and the app uses it. */
async function startLocalFeishu(port: number, redirectUris: string[] | undefined, knobs: KnobsPatch, logger: Logger): Promise<RunningSandbox> {
  try {
    return await startSandbox({ port, redirectUris, knobs })
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw e
    const sandbox = await startSandbox({ port: 0, redirectUris, knobs })
    logger.warn(`Port ${port} (SANDBOX_PORT) is in use: the sandbox Feishu listens on ${sandbox.port} instead`, { sandboxPort: sandbox.port })
    return sandbox
  }
}

function closeServer(server: ServerType | Server): Promise<void> {
  return new Promise((ok) => { server.close(() => ok()) })
}
