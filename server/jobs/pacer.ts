import { FEISHU_RATE_LIMITS, type FeishuApi } from '../../src/domain/feishu-limits'
import { StallWatch } from './stall-watch'

/**
 * One limiter per Feishu API, shared by every job and user of the process: Feishu counts calls per
 * app and tenant (reference §1.4), not per person. A sliding log of call starts, checked against the
 * windows below at the moment a call starts — the same algorithm as the Redis pacer of scale-out.
 */
export interface Pacer {
  schedule<T>(api: FeishuApi, call: () => Promise<T>): Promise<T>
}

/**
 * Two windows, both must allow a call: the documented limit over the whole window stretched by 3 %
 * (arrival jitter at Feishu can bring calls sent a full window apart closer together; 3 % leaves
 * ~30 ms of slack per second while keeping ~97 % of the ceiling), and a tenth of the limit per
 * tenth of the window, so calls flow evenly (50/s → 5 per 100 ms) instead of in bursts.
 */
export const WINDOW_MARGIN = 1.03
export const SLICES = 10

export function pacingWindows(limit: number, windowMs: number): Array<[limit: number, windowMs: number]> {
  const whole: [number, number] = [limit, Math.ceil(windowMs * WINDOW_MARGIN)]
  return limit % SLICES === 0 ? [whole, [limit / SLICES, windowMs / SLICES]] : [whole]
}

/**
 * `watchStalls` (default: when pacing by the real clock): calls let through just before the event
 * loop was blocked are re-dated to the end of the block (see StallWatch).
 */
export function inProcessPacer(
  limits: Partial<Record<FeishuApi, { limit: number; windowMs: number }>> = {},
  clock?: () => number,
  opts: { watchStalls?: boolean } = {},
): Pacer {
  const now = clock ?? (() => Date.now())
  const logs = new Map<FeishuApi, { starts: number[]; tail: Promise<void> }>()
  const watch = (opts.watchStalls ?? clock === undefined)
    ? new StallWatch((from, to) => {
      for (const l of logs.values()) {
        // The log is in time order: re-date its tail, which stays in order.
        for (let i = l.starts.length - 1; i >= 0 && watch!.heldBack(l.starts[i]!, from); i--) l.starts[i] = to
      }
    }, { now })
    : null
  return {
    schedule(api, call) {
      let log = logs.get(api)
      if (!log) { log = { starts: [], tail: Promise.resolve() }; logs.set(api, log) }
      const { limit, windowMs } = limits[api] ?? FEISHU_RATE_LIMITS[api]
      const windows = pacingWindows(limit, windowMs)
      const l = log
      // First come, first served: each call waits for the one before it to be let through.
      const turn = l.tail.then(async () => {
        for (;;) {
          const t = now()
          const longest = Math.max(...windows.map(([, w]) => w))
          while (l.starts.length && l.starts[0]! <= t - longest) l.starts.shift()
          let wait = 0
          for (const [cap, w] of windows) {
            const inside = l.starts.filter((x) => x > t - w)
            if (inside.length >= cap) wait = Math.max(wait, inside[inside.length - cap]! + w - t + 1)
          }
          if (wait <= 0) { l.starts.push(t); watch?.touch(); return }
          await new Promise((ok) => setTimeout(ok, wait))
        }
      })
      l.tail = turn
      return turn.then(call)
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
