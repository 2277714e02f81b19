import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client'

/**
 * The Prometheus instruments of one process (prom-client), in its own registry so tests and several
 * apps in one process never share counters. Node's defaults come along: event-loop lag
 * (`nodejs_eventloop_lag_seconds`), heap, GC, handles. Served at /metrics on METRICS_PORT, or on the
 * app port behind METRICS_TOKEN (server/routes/metrics.ts).
 */
export interface Metrics {
  registry: Registry
  feishuCalls: Counter<'api' | 'outcome'>
  feishuRateLimited: Counter<'api'>
  pacerWait: Histogram<'api'>
  jobRows: Counter<'outcome'>
  httpRequests: Counter<'method' | 'route' | 'status'>
  /** Read when scraped: what there is now, not a running count that a restart would lose. */
  observe(gauges: { jobsByState?: () => Promise<Array<{ state: string; count: number }>>; openStreams?: () => number }): void
}

export function createMetrics(): Metrics {
  const registry = new Registry()
  collectDefaultMetrics({ register: registry, eventLoopMonitoringPrecision: 20 })
  const registers = [registry]
  let jobsByState: (() => Promise<Array<{ state: string; count: number }>>) | undefined
  let openStreams: (() => number) | undefined
  new Gauge({
    name: 'hr_jobs', help: 'Jobs by state, from the job store (shared by all instances in scale-out).', labelNames: ['state'], registers,
    async collect() {
      this.reset()
      for (const { state, count } of (await jobsByState?.()) ?? []) this.set({ state }, count)
    },
  })
  new Gauge({
    name: 'hr_progress_streams_open', help: 'Job progress streams (SSE) open on this instance.', registers,
    collect() { this.set(openStreams?.() ?? 0) },
  })
  return {
    registry,
    feishuCalls: new Counter({ name: 'hr_feishu_calls_total', help: 'Feishu API calls by API and outcome (ok, or the failure kind).', labelNames: ['api', 'outcome'], registers }),
    feishuRateLimited: new Counter({ name: 'hr_feishu_rate_limited_total', help: 'Rate-limit answers received from Feishu (HTTP 429 or code 99991400).', labelNames: ['api'], registers }),
    pacerWait: new Histogram({
      name: 'hr_pacer_wait_seconds', help: 'How long calls waited in the pacer for their turn under Feishu\'s limit.', labelNames: ['api'], registers,
      buckets: [0.001, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    }),
    jobRows: new Counter({ name: 'hr_job_rows_total', help: 'Job rows settled by outcome: succeeded, partial (some fields refused), failed.', labelNames: ['outcome'], registers }),
    httpRequests: new Counter({ name: 'hr_http_requests_total', help: 'HTTP requests answered, by method, route pattern and status.', labelNames: ['method', 'route', 'status'], registers }),
    observe(g) {
      if (g.jobsByState) jobsByState = g.jobsByState
      if (g.openStreams) openStreams = g.openStreams
    },
  }
}
