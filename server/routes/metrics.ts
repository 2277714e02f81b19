import { timingSafeEqual } from 'node:crypto'
import { createServer, type Server } from 'node:http'
import { Hono } from 'hono'
import type { Metrics } from '../metrics'

/**
 * `/metrics` on the app's port, behind `Authorization: Bearer METRICS_TOKEN` (the app port is public;
 * job counts and call rates are not for everyone). Without a token configured it is not there at all.
 */
export function metricsRoutes(metrics: Metrics, token: string) {
  const expected = Buffer.from(`Bearer ${token}`)
  return new Hono().get('/metrics', async (c) => {
    const given = Buffer.from(c.req.header('Authorization') ?? '')
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      return c.json({ error: { code: 'unauthorized', message: 'Send Authorization: Bearer <METRICS_TOKEN>.' } }, 401)
    }
    return c.body(await metrics.registry.metrics(), 200, { 'Content-Type': metrics.registry.contentType })
  })
}

/** `/metrics` on a port of its own (METRICS_PORT), meant to be reachable only from the monitoring network. */
export async function serveMetrics(metrics: Metrics, port: number, host: string): Promise<Server> {
  const server = createServer((req, res) => {
    if (req.method !== 'GET' || (req.url ?? '').split('?')[0] !== '/metrics') {
      res.writeHead(404, { 'Content-Type': 'text/plain' }).end('Not found: GET /metrics\n')
      return
    }
    metrics.registry.metrics().then(
      (text) => res.writeHead(200, { 'Content-Type': metrics.registry.contentType }).end(text),
      () => res.writeHead(500, { 'Content-Type': 'text/plain' }).end('metrics failed\n'),
    )
  })
  await new Promise<void>((ok, fail) => { server.once('error', fail); server.listen(port, host, () => { server.off('error', fail); ok() }) })
  return server
}
