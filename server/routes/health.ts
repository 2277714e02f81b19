import { Hono } from 'hono'

export type Phase = 'starting' | 'serving' | 'stopping'

export interface HealthDeps {
  phase(): Phase
  /** Each dependency's reachability (database, and Redis when configured); a throw counts as down. */
  checks: Record<string, () => Promise<unknown>>
}

/**
 * For load balancers and orchestrators, outside /api and without a session.
 * `/healthz`: the process answers (restart it if not). `/readyz`: send it traffic — the store (and
 * Redis) answer, migrations are done and it is not shutting down; 503 with the reason otherwise.
 */
export function healthRoutes(deps: HealthDeps) {
  return new Hono()
    .get('/healthz', (c) => c.json({ status: 'ok' }))
    .get('/readyz', async (c) => {
      const phase = deps.phase()
      if (phase !== 'serving') return c.json({ status: 'not_ready', reason: phase === 'starting' ? 'migrating' : 'shutting_down' }, 503)
      const results = await Promise.all(Object.entries(deps.checks).map(async ([name, check]) => {
        // A dependency that hangs is as bad as one that is down; the probe must answer in time.
        const ok = await Promise.race([check().then(() => true, () => false), new Promise<boolean>((done) => setTimeout(done, 2000, false).unref())])
        return [name, ok ? 'ok' : 'down'] as const
      }))
      const checks = Object.fromEntries(results)
      const ready = results.every(([, r]) => r === 'ok')
      return c.json({ status: ready ? 'ready' : 'not_ready', ...(ready ? {} : { reason: 'dependency_down' }), checks }, ready ? 200 : 503)
    })
}
