import { request, Agent } from 'node:http'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { api, draftJob, metric, payrollDraft, signIn, startReal, type RealServer } from './real-server'

const METRICS_TOKEN = 'metrics-token-for-tests-0123456789'
let server: RealServer
beforeAll(async () => {
  server = await startReal({ STREAMS_PER_PERSON: '10', STREAMS_TOTAL: '15', STREAM_HEARTBEAT_MS: '50', METRICS_TOKEN })
})
afterAll(async () => { await server?.close() })

interface OpenStream { status: number; body: string; ended: Promise<string>; close(): void }

/** Opens `GET /api/jobs/:id/events` on its own socket and keeps reading until the server ends it. */
function openStream(path: string, cookie: string, agent?: Agent): Promise<OpenStream> {
  return new Promise((ok, fail) => {
    const req = request(`${server.url}${path}`, { headers: { Cookie: cookie, Accept: 'text/event-stream' }, agent: agent ?? false }, (res) => {
      let body = ''
      res.setEncoding('utf8')
      let settle: (text: string) => void = () => {}
      const ended = new Promise<string>((done) => { settle = done })
      res.on('data', (chunk: string) => { body += chunk; stream.body = body })
      res.on('end', () => settle(body))
      res.on('close', () => settle(body))
      const stream: OpenStream = { status: res.statusCode ?? 0, body, ended, close: () => req.destroy() }
      ok(stream)
    })
    req.on('error', (e) => (e.message === 'socket hang up' ? undefined : fail(e)))
    req.end()
  })
}

const until = async (check: () => boolean | Promise<boolean>) => { while (!(await check())) await new Promise((r) => setTimeout(r, 20)) }

describe('progress streams under load', () => {
  it('10,000 attempts: each person keeps at most their share, the server at most its total, the rest get a clear 429; the server keeps serving with bounded memory', async () => {
    const admin = await signIn(server, 'zhangwei')
    const jobs = [await draftJob(server, admin, 'stream-cap-0001'), await draftJob(server, admin, 'stream-cap-0002')]
    const heapBefore = process.memoryUsage().heapUsed
    const agent = new Agent({ keepAlive: true, maxSockets: 64 })
    const open: OpenStream[] = []
    try {
      const refused: Array<{ status: number; code: string; scope: string }> = []
      let next = 0
      // One signed-in attacker, 10,000 stream attempts, 64 at a time.
      await Promise.all(Array.from({ length: 64 }, async () => {
        while (next < 10_000) {
          const i = next++
          const s = await openStream(`/api/jobs/${jobs[i % 2]}/events`, admin, agent)
          if (s.status === 200) { open.push(s); continue }
          const json = JSON.parse(await s.ended) as { error: { code: string; details: { scope: string } } }
          refused.push({ status: s.status, code: json.error.code, scope: json.error.details.scope })
        }
      }))
      expect(open).toHaveLength(10)
      expect(refused).toHaveLength(9_990)
      expect(new Set(refused.map((r) => `${r.status} ${r.code} ${r.scope}`))).toEqual(new Set(['429 too_many_streams person']))
      expect(await metric(server, METRICS_TOKEN, 'hr_progress_streams_open')).toBe(10)

      // Someone else still gets in, up to the server's total (15); then the server says it is full.
      const payroll = await signIn(server, 'wangfang')
      expect((await api(server, 'GET', `/api/jobs/${jobs[0]}/events`, payroll)).status).toBe(404) // not theirs: no stream, no slot
      const theirJob = await payrollDraft(server, payroll, 'stream-cap-0003')
      for (let i = 0; i < 5; i++) {
        const s = await openStream(`/api/jobs/${theirJob}/events`, payroll)
        expect(s.status).toBe(200)
        open.push(s)
      }
      const full = await api(server, 'GET', `/api/jobs/${theirJob}/events`, payroll)
      expect(full.status).toBe(429)
      expect(full.json.error).toMatchObject({ code: 'too_many_streams', details: { scope: 'server', limit: 15 } })
      expect(full.headers.get('retry-after')).toBe('60')
      // Meanwhile everything else answers as usual.
      expect((await api(server, 'GET', '/api/me', payroll)).status).toBe(200)
      expect((await fetch(`${server.url}/readyz`)).status).toBe(200)
      const memoryGrowthMb = (process.memoryUsage().heapUsed - heapBefore) / 1024 / 1024
      expect(memoryGrowthMb).toBeLessThan(100)
    } finally {
      // Also when an assertion failed, so the next tests start with every slot free.
      for (const s of open) s.close()
      agent.destroy()
    }
    await until(async () => (await metric(server, METRICS_TOKEN, 'hr_progress_streams_open')) === 0)
    // The slots came back.
    const again = await openStream(`/api/jobs/${jobs[0]}/events`, admin)
    expect(again.status).toBe(200)
    again.close()
  }, 120_000) // 10,000 requests on a shared 2-core machine: a generous bound, never a timing assertion
})

describe('one progress stream', () => {
  it('sends heartbeats while the job waits, then the job\'s last state and `end` when it ends, and closes', async () => {
    const admin = await signIn(server, 'zhangwei')
    const job = await draftJob(server, admin, 'stream-life-0001')
    const s = await openStream(`/api/jobs/${job}/events`, admin)
    expect(s.status).toBe(200)
    await until(() => (s.body.match(/: keep-alive/g) ?? []).length >= 2)
    expect((await api(server, 'POST', `/api/jobs/${job}/cancel`, admin)).status).toBe(200)
    const body = await s.ended
    expect(body).toMatch(/event: progress\ndata: \{[^\n]*"status":"cancelled"/)
    expect(body.trimEnd().endsWith(`event: end\ndata: {"id":"${job}"}`)).toBe(true)
  })

  it('closes without `end` when the session ends, so the app checks the session and signs in again', async () => {
    const admin = await signIn(server, 'zhangwei')
    const job = await draftJob(server, admin, 'stream-life-0002')
    const s = await openStream(`/api/jobs/${job}/events`, admin)
    expect(s.status).toBe(200)
    expect((await api(server, 'DELETE', '/api/session', admin)).status).toBeLessThan(300)
    const body = await s.ended
    expect(body).toContain('event: progress')
    expect(body).not.toContain('event: end')
    // The job is untouched: only the stream ended.
    const again = await signIn(server, 'zhangwei')
    expect((await api(server, 'GET', `/api/jobs/${job}`, again)).json.job).toMatchObject({ status: 'draft' })
  })
})
