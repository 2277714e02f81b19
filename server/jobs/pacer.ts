import PQueue from 'p-queue'
import { FEISHU_RATE_LIMITS, type FeishuApi } from '../../src/domain/feishu-limits'

/**
 * One limiter per Feishu API, shared by every job and user of the process: Feishu counts calls per
 * app and tenant (reference §1.4), not per person. p-queue's strict mode spaces calls in a sliding
 * window so the app never bursts past the limit. Scale-out replaces this with a shared one.
 */
export interface Pacer {
  schedule<T>(api: FeishuApi, call: () => Promise<T>): Promise<T>
}

/** Arrival jitter can bring calls sent a full window apart closer together at Feishu; keep a small margin. */
const WINDOW_MARGIN = 1.03
/**
 * The window is cut into tenths (10/s → 1 call per 103 ms; 50/s → 5 per 103 ms): calls flow evenly
 * instead of in one burst per second, so a few milliseconds of jitter cannot push a burst into the
 * previous window at Feishu.
 */
const SLICES = 10

export function inProcessPacer(limits: Partial<Record<FeishuApi, { limit: number; windowMs: number }>> = {}): Pacer {
  const queues = new Map<FeishuApi, PQueue>()
  const queueOf = (api: FeishuApi) => {
    let q = queues.get(api)
    if (!q) {
      const { limit, windowMs } = limits[api] ?? FEISHU_RATE_LIMITS[api]
      const slices = limit % SLICES === 0 ? SLICES : 1
      q = new PQueue({ intervalCap: limit / slices, interval: Math.ceil((windowMs / slices) * WINDOW_MARGIN), strict: true })
      queues.set(api, q)
    }
    return q
  }
  return {
    schedule: (api, call) => queueOf(api).add(call),
  }
}

/**
 * Feishu allows one save at a time per payroll datasource (2500021 otherwise, reference §4.2).
 * In one process a per-key promise chain is enough; scale-out uses a Redis lock instead.
 */
export interface KeyedSerialiser {
  run<T>(key: string, task: () => Promise<T>): Promise<T>
}

export function inProcessSerialiser(): KeyedSerialiser {
  const tails = new Map<string, Promise<unknown>>()
  return {
    run(key, task) {
      const prev = tails.get(key) ?? Promise.resolve()
      const next = prev.then(task, task)
      const tail = next.catch(() => undefined)
      tails.set(key, tail)
      void tail.then(() => { if (tails.get(key) === tail) tails.delete(key) })
      return next
    },
  }
}
