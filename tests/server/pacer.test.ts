import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { feishuHttp } from '../../server/feishu/http'
import { inProcessPacer, inProcessSerialiser } from '../../server/jobs/pacer'
import { okServer } from './harness'

// Clock-driven: fake timers move time; nothing here sleeps.
beforeEach(() => { vi.useFakeTimers({ now: 1_000_000 }) })
afterEach(() => { vi.useRealTimers() })

async function burst(api: Parameters<ReturnType<typeof inProcessPacer>['schedule']>[0], n: number, runMs: number) {
  const pacer = inProcessPacer()
  const starts: number[] = []
  const all = Promise.all(Array.from({ length: n }, () => pacer.schedule(api, async () => { starts.push(Date.now()) })))
  await vi.advanceTimersByTimeAsync(runMs)
  await all
  return starts.map((t) => t - 1_000_000)
}

function maxInWindow(starts: number[], windowMs: number): number {
  let max = 0
  for (let i = 0; i < starts.length; i++) max = Math.max(max, starts.filter((t) => t >= starts[i]! && t < starts[i]! + windowMs).length)
  return max
}

describe('the per-API pacer under a burst of arrivals', () => {
  it('lets 100 payroll saves that arrive at once through at 10 per window, evenly, never more', async () => {
    const starts = await burst('payroll.record.save', 100, 20_000)
    expect(starts).toHaveLength(100)
    expect(maxInWindow(starts, 1000)).toBeLessThanOrEqual(10)
    // Evenly: never more than 2 in any fifth of a second.
    expect(maxInWindow(starts, 200)).toBeLessThanOrEqual(2)
    // Close to the ceiling: 100 calls take about 10.3 s (a 3 % margin against arrival jitter).
    expect(starts.at(-1)!).toBeGreaterThanOrEqual(9 * 1030)
    expect(starts.at(-1)!).toBeLessThan(11_000)
  })

  it('lets 500 archive report uploads through at 50 per window and 5 per tenth of it', async () => {
    const starts = await burst('attendance.archive_rule.upload', 500, 20_000)
    expect(maxInWindow(starts, 1000)).toBeLessThanOrEqual(50)
    expect(maxInWindow(starts, 100)).toBeLessThanOrEqual(5)
    expect(starts.at(-1)!).toBeLessThan(11_000)
  })

  it('keeps one limiter per API: uploads do not wait behind saves', async () => {
    const pacer = inProcessPacer()
    const order: string[] = []
    const saves = Array.from({ length: 30 }, () => pacer.schedule('payroll.record.save', async () => { order.push('save') }))
    const upload = pacer.schedule('attendance.archive_rule.upload', async () => { order.push('upload') })
    await vi.advanceTimersByTimeAsync(50)
    await upload
    expect(order.indexOf('upload')).toBeLessThan(5)
    await vi.advanceTimersByTimeAsync(5000)
    await Promise.all(saves)
  })
})

describe('the per-datasource serialiser', () => {
  it('never runs two tasks of one key at once, while another key proceeds', async () => {
    const s = inProcessSerialiser()
    let running = 0
    let maxRunning = 0
    const log: string[] = []
    const task = (key: string, ms: number) => s.run(key, async () => {
      running++
      maxRunning = Math.max(maxRunning, running)
      log.push(`start ${key}`)
      await new Promise((ok) => setTimeout(ok, ms))
      running--
    })
    const a = [task('ds-a', 100), task('ds-a', 100), task('ds-a', 100)]
    const b = task('ds-b', 50)
    await vi.advanceTimersByTimeAsync(60)
    expect(log).toEqual(['start ds-a', 'start ds-b'])
    await vi.advanceTimersByTimeAsync(400)
    await Promise.all([...a, b])
    expect(log.filter((l) => l === 'start ds-a')).toHaveLength(3)
    expect(maxRunning).toBe(2)
  })

  it('keeps going after a task fails', async () => {
    const s = inProcessSerialiser()
    await expect(s.run('k', async () => { throw new Error('boom') })).rejects.toThrow('boom')
    await expect(s.run('k', async () => 'next')).resolves.toBe('next')
  })
})

describe('calls held back by a blocked event loop', () => {
  // Real time, real HTTP: the event loop is really blocked between letting a call through and
  // writing its request, as a long synchronous piece of work (or a garbage collection) blocks it.
  beforeEach(() => { vi.useRealTimers() })

  it('count from when their request was written, so the calls after them keep to the limit as Feishu sees it', async () => {
    const feishu = await okServer()
    try {
      const http = feishuHttp(feishu.url)
      const pacer = inProcessPacer({ 'payroll.record.save': { limit: 2, windowMs: 1000 } })
      const starts: number[] = []
      const send = (block: boolean) => pacer.schedule('payroll.record.save', () => {
        starts.push(Date.now())
        // Let through, then the loop is blocked before the request is written: it goes ~400 ms late.
        if (block) { const until = Date.now() + 400; while (Date.now() < until) { /* blocked */ } }
        return http.call({ method: 'POST', path: '/x', body: {} })
      })
      await send(true)
      await Promise.all([send(false), send(false)])
      // The third waits a full window (1,030 ms) from when the first was written (less the 25 ms
      // any call may lag), not from when it was let through (that would be ~1,030 ms).
      expect(starts[2]! - starts[0]!).toBeGreaterThanOrEqual(400 + 1030 - 40)
    } finally {
      await feishu.close()
    }
  })
})
