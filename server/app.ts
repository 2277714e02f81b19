import { Hono } from 'hono'
import { sql, type Kysely } from 'kysely'
import type { Clock } from './clock'
import type { Config } from './config'
import { tokenCipher } from './auth/crypto'
import { sessionService, type SessionService } from './auth/sessions'
import { userTokens, type UserTokens } from './auth/user-tokens'
import { feishuClient, type FeishuClient } from './feishu/client'
import { feishuHttp } from './feishu/http'
import { observedFeishuHttp } from './feishu/observed-http'
import type { Logger } from './logger'
import { accessLog } from './middleware/access-log'
import { csrfGuard } from './middleware/csrf'
import { apiNotFound, errorEdge } from './middleware/error-edge'
import { compressJson } from './middleware/compress-json'
import { maxBody } from './middleware/limits'
import { requestId } from './middleware/request-id'
import { securityHeaders } from './middleware/security-headers'
import { configRoutes, type SandboxUser } from './routes/config'
import { mappingRoutes } from './routes/mappings'
import { sessionRoutes } from './routes/session'
import { jobRoutes } from './routes/jobs'
import { payrollRoutes } from './routes/payroll'
import { attendanceRoutes } from './routes/attendance'
import { sourceRoutes } from './routes/sources'
import { jobRunner, type JobRunner } from './jobs/runner'
import { inProcessPacer, inProcessSerialiser, type KeyedSerialiser, type Pacer } from './jobs/pacer'
import { inProcessProgressBus, type ProgressBus } from './jobs/progress'
import { progressStreams, type ProgressStreams } from './jobs/progress-stream'
import { observedJobsRepo } from './jobs/job-events'
import { notifier, type Notifier } from './notify/notifier'
import { notifyingJobsRepo } from './notify/jobs-hook'
import { notifyRepo } from './notify/repo'
import { notifyRoutes } from './notify/routes'
import { observedPacer } from './jobs/observed-pacer'
import type { Metrics } from './metrics'
import { healthRoutes, type Phase } from './routes/health'
import { metricsRoutes } from './routes/metrics'
import { readSessionCookie } from './middleware/session'
import type { RetryPolicy } from './jobs/call'
import { jobsRepo } from './store/jobs-repo'
import { serveApp } from './static'
import { approvalService, type ApprovalService } from './approval/service'
import { feishuEventRoutes } from './routes/feishu-events'
import { approvalRoutes } from './routes/approvals'
import { approvalsRepo } from './store/approvals-repo'
import type { Database } from './store/schema'
import { mappingsRepo } from './store/mappings-repo'
import { sessionsRepo } from './store/sessions-repo'

export interface AppDeps {
  config: Config
  db: Kysely<Database>
  clock: Clock
  logger: Logger
  distDir: string
  feishu?: FeishuClient
  sandboxUsers?: () => Promise<SandboxUser[]>
  /** Shared pacing, datasource serialisation and progress (scale-out passes Redis-backed ones). */
  pacer?: Pacer
  serialiser?: KeyedSerialiser
  bus?: ProgressBus
  retry?: RetryPolicy
  sleep?: (ms: number) => Promise<void>
  /** Several processes share the store: job leases are respected and orphaned jobs taken over. */
  shared?: boolean
  processId?: string
  leaseMs?: number
  autoResumeAfterMs?: number
  /** Prometheus instruments (start.ts passes them; tests may leave them out). */
  metrics?: Metrics
  /** Starting (migrations), serving or stopping: /readyz answers from it. Serving by default. */
  phase?: () => Phase
  /** Extra readiness checks (Redis in scale-out); the database is always checked. */
  readyChecks?: Record<string, () => Promise<unknown>>
  /** Job messages: retry limits and backoff (tests shorten them). */
  notify?: { maxAttempts?: number; backoffMs?: (failed: number) => number; scanEveryMs?: number }
}

export interface BuiltApp { app: Hono; sessions: SessionService; tokens: UserTokens; feishu: FeishuClient; runner: JobRunner; streams: ProgressStreams; approvals: ApprovalService; notify: Notifier; sweepSessions(): Promise<number> }

const bodyLimit = maxBody(1024 * 1024)
/**
 * A job's rows come in parts of ~512 KB (rowsPerPart); 8 MB leaves room for API clients sending
 * one larger body, and keeps any one request well inside the server's heap (160 MB, `npm start`).
 */
const jobBodyLimit = maxBody(8 * 1024 * 1024, 'Send the rows in parts: create the job with draft: true, then POST /api/jobs/:id/rows.')

/** Composes middleware and routes; nothing else. */
export function buildApp(deps: AppDeps): BuiltApp {
  const { config, db, clock, logger, metrics } = deps
  const http = observedFeishuHttp(feishuHttp(config.feishu.baseUrl), { logger, metrics })
  const feishu = deps.feishu ?? feishuClient(http, config.feishu, clock)
  const repo = sessionsRepo(db)
  const sessions = sessionService({ repo, clock })
  const serialiser = deps.serialiser ?? inProcessSerialiser()
  const tokens = userTokens({ repo, cipher: tokenCipher(config.sessionSecret), feishu, clock, logger, lock: serialiser })
  const cookie = { secure: config.secureCookies }
  // The owner's Feishu messages about their jobs (server/notify) see every stored status change.
  const notifications = notifyRepo(db)
  const pacer = metrics ? observedPacer(deps.pacer ?? inProcessPacer(), metrics) : (deps.pacer ?? inProcessPacer())
  const notify = notifier({ repo: notifications, jobs: jobsRepo(db), feishu, pacer, clock, logger, app: { appId: config.feishu.appId, feishuBaseUrl: config.feishu.baseUrl }, ...deps.notify })
  const jobs = notifyingJobsRepo(observedJobsRepo(jobsRepo(db), { logger, metrics }), notify)
  const bus = deps.bus ?? inProcessProgressBus()
  const runner = jobRunner({
    repo: jobs, tokens, feishu, bus, clock, logger,
    pacer, serialiser,
    shared: deps.shared ?? false, scanEveryMs: deps.shared ? 3000 : 15_000,
    ...(deps.processId ? { processId: deps.processId } : {}), ...(deps.leaseMs ? { leaseMs: deps.leaseMs } : {}),
    ...(deps.autoResumeAfterMs ? { autoResumeAfterMs: deps.autoResumeAfterMs } : {}),
    ...(deps.retry ? { retry: deps.retry } : {}), ...(deps.sleep ? { sleep: deps.sleep } : {}),
  })
  const streams = progressStreams({
    bus, progress: (id) => runner.progress(id), limits: config.streams,
    stillSignedIn: (c) => sessions.resolve(readSessionCookie(c, cookie)).then(() => true, () => false),
  })
  metrics?.observe({ jobsByState: () => jobStates(db), openStreams: () => streams.openCount })
  // Approval in Feishu (issue 15): gated job kinds are submitted instead of queued.
  const approvalStore = approvalsRepo(db)
  const approvals = approvalService({
    codes: config.approval.codes, pollMs: config.approval.pollMs, link: { mode: config.mode, appId: config.feishu.appId, publicUrl: config.publicUrl, feishuBaseUrl: config.feishu.baseUrl },
    repo: jobs, approvals: approvalStore, feishu, tokens, pacer, clock, logger,
    onApproved: (id) => runner.kick(id),
    onChanged: async (id) => { const p = await runner.progress(id); if (p) bus.publish(p) },
    notify: (id, notice, at) => notify.approvalChanged(id, notice, at),
    shared: deps.shared ?? false, ...(deps.processId ? { processId: deps.processId } : {}), ...(deps.leaseMs ? { leaseMs: deps.leaseMs } : {}),
  })
  const sandboxOrigin = config.mode === 'sandbox' ? [new URL(config.feishu.baseUrl).origin] : []

  const api = new Hono()
    // A job carries a whole file's rows; everything else is small.
    .use((c, next) => (c.req.method === 'POST' && /^\/api\/jobs(\/[^/]+\/rows)?$/.test(c.req.path) ? jobBodyLimit(c, next) : bodyLimit(c, next)))
    .use(csrfGuard({ allowedOrigins: [new URL(config.publicUrl).origin] }))
    .route('/', configRoutes({ config, sandboxUsers: deps.sandboxUsers }))
    .route('/', sessionRoutes({ sessions, tokens, feishu, cookie, redirectUris: [`${config.publicUrl}/auth/callback`], onSignedIn: async (owner) => { await runner.resumeAfterSignIn(owner); await approvals.resumeAfterSignIn(owner) } }))
    .route('/mappings', mappingRoutes({ repo: mappingsRepo(db), sessions, cookie, clock }))
    .route('/payroll', payrollRoutes({ sessions, cookie, tokens, feishu, pacer, clock, jobs }))
    .route('/attendance', attendanceRoutes({ sessions, cookie, tokens, feishu, pacer }))
    .route('/sources', sourceRoutes({ sessions, cookie, tokens, http, pacer, logger }))
    .route('/notify', notifyRoutes({ repo: notifications, sessions, cookie, clock }))
    .route('/jobs', jobRoutes({ repo: jobs, feishu, tokens, clock, pacer, sessions, cookie, runner, streams, approvals }))
    .route('/approvals', approvalRoutes({ repo: jobs, approvals, sessions, cookie, feishu, tokens, pacer }))
  api.notFound(apiNotFound)

  const app = new Hono()
  app.onError(errorEdge(logger))
  app.use(requestId())
  app.use(accessLog(logger, metrics))
  app.route('/', healthRoutes({ phase: deps.phase ?? (() => 'serving'), checks: { database: () => sql`select 1`.execute(db), ...deps.readyChecks } }))
  if (metrics && config.metrics.token) app.route('/', metricsRoutes(metrics, config.metrics.token))
  app.use(securityHeaders({ extraImgOrigins: sandboxOrigin }))
  // Feishu's servers post events here: no session or CSRF check, but a signature (routes/feishu-events.ts).
  app.use('/api/feishu/events', maxBody(64 * 1024))
  app.route('/api/feishu/events', feishuEventRoutes({ events: config.approval.events, appId: config.feishu.appId, approvals, repo: approvalStore, clock, logger }))
  // JSON over ~1 KB leaves gzip-compressed (hono/compress; progress streams are never compressed).
  app.use('/api/*', compressJson())
  app.route('/api', api)
  app.all('/api/*', apiNotFound)
  app.route('/', serveApp(deps.distDir))
  app.notFound((c) => c.json({ error: { code: 'not_found', message: 'Not found' } }, 404))
  return { app, sessions, tokens, feishu, runner, streams, approvals, notify, sweepSessions: () => repo.deleteExpiredSessions(clock.now()) }
}

/** Jobs by state for the metrics (read at scrape time, from the store every instance shares). */
async function jobStates(db: Kysely<Database>): Promise<Array<{ state: string; count: number }>> {
  const rows = await db.selectFrom('jobs').select(['status', (eb) => eb.fn.countAll<string>().as('n')]).groupBy('status').execute()
  return rows.map((r) => ({ state: r.status, count: Number(r.n) }))
}
