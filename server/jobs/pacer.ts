import { FEISHU_RATE_LIMITS, type FeishuApi } from '../../src/domain/feishu-limits'
import { sendClock } from '../feishu/send-clock'

/**
 * One limiter per Feishu API, shared by every job and user of the process: Feishu counts calls per
 * app and tenant (reference §1.4), not per person. A sliding log of call starts, checked against the
 * windows below at the moment a call starts — the same algorithm as the Redis pacer of scale-out.
 */
export interface Pacer {
  /** `key`: a limit Feishu counts per something inside the app (e.g. per message recipient): one log per key. */
  schedule<T>(api: FeishuApi, call: () => Promise<T>, key?: string): Promise<T>
}

/**
 * Two windows, both must allow a call: the documented limit over the whole window stretched by 3 %
 * (arrival jitter at Feishu can bring calls sent a full window apart closer together; 3 % leaves
 * ~30 ms of slack per second while keeping ~97 % of the ceiling), and a slice of it — a tenth of
 * the limit per tenth of the window, but never fewer than 2 calls a slice — so calls flow evenly
 * (50/s → 5 per 100 ms, 10/s → 2 per 200 ms) instead of in bursts. One call a slice would leave no
 * room to catch up: every few ms a waiting call wakes late would be lost for good, which cost 10/s
 * shared by three datasources ~5 % (calls ~104 ms apart instead of ~103).
 */
export const WINDOW_MARGIN = 1.03
/**
 * How late a call may reach Feishu without harm: the margin above, in a 1 s window (~30 ms), less a
 * little. A call written later than this after it was let through (the event loop was blocked in
 * between) is re-dated, so the calls after it keep to the limit as Feishu sees them.
 */
export const TOLERATED_LAG_MS = 25
export const SLICES = 10

export function pacingWindows(limit: number, windowMs: number): Array<[limit: number, windowMs: number]> {
  const whole: [number, number] = [limit, Math.ceil(windowMs * WINDOW_MARGIN)]
  const slices = Math.min(SLICES, Math.floor(limit / 2))
  return slices >= 2 && limit % slices === 0 ? [whole, [limit / slices, windowMs / slices]] : [whole]
}

/** A call in the log: when it was let through, or later if it was written later (send-clock.ts). */
interface Start { t: number }

export function inProcessPacer(limits: Partial<Record<FeishuApi, { limit: number; windowMs: number }>> = {}, now: () => number = () => Date.now()): Pacer {
  const logs = new Map<string, { starts: Start[]; tail: Promise<Start> }>()
  /** A call written `at`: if that is later than the lag a call may have, it counts from then. */
  const redate = (starts: Start[], start: Start, at: number) => {
    if (at - TOLERATED_LAG_MS <= start.t) return
    start.t = at - TOLERATED_LAG_MS
    starts.sort((a, b) => a.t - b.t)
  }
  return {
    schedule(api, call, key) {
      const name = key === undefined ? api : `${api}:${key}`
      let log = logs.get(name)
      if (!log) { log = { starts: [], tail: Promise.resolve({ t: 0 }) }; logs.set(name, log) }
      const { limit, windowMs } = limits[api] ?? FEISHU_RATE_LIMITS[api]
      const windows = pacingWindows(limit, windowMs)
      const l = log
      // First come, first served: each call waits for the one before it to be let through.
      const turn = l.tail.then(async () => {
        for (;;) {
          const t = now()
          const longest = Math.max(...windows.map(([, w]) => w))
          while (l.starts.length && l.starts[0]!.t <= t - longest) l.starts.shift()
          let wait = 0
          for (const [cap, w] of windows) {
            const inside = l.starts.filter((x) => x.t > t - w)
            if (inside.length >= cap) wait = Math.max(wait, inside[inside.length - cap]!.t + w - t + 1)
          }
          if (wait <= 0) { const start = { t }; l.starts.push(start); return start }
          await new Promise((ok) => setTimeout(ok, wait))
        }
      })
      l.tail = turn
      return turn.then((start) => sendClock.run({ sent: (at) => redate(l.starts, start, at) }, call))
    },
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
