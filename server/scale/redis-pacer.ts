import { randomUUID } from 'node:crypto'
import type { Redis } from 'ioredis'
import { FEISHU_RATE_LIMITS, type FeishuApi } from '../../src/domain/feishu-limits'
import { pacingWindows, TOLERATED_LAG_MS, type Pacer } from '../jobs/pacer'
import { guarded } from './redis'
import { sendClock } from '../feishu/send-clock'

/**
 * A sliding log per API in one sorted set, checked and written by one Lua script with Redis's own
 * clock, so every process of the app shares Feishu's per-app limit (reference §1.4). Two windows are
 * checked, the same as the in-process pacer's (`pacingWindows`). Answers 0 (go) or ms to wait.
 */
const SCRIPT = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local n = tonumber(ARGV[2])
local longest = 0
for i = 1, n do
  local w = tonumber(ARGV[2 + 2 * i])
  if w > longest then longest = w end
end
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - longest)
local wait = 0
for i = 1, n do
  local limit = tonumber(ARGV[1 + 2 * i])
  local w = tonumber(ARGV[2 + 2 * i])
  local inside = redis.call('ZRANGEBYSCORE', KEYS[1], '(' .. (now - w), '+inf', 'WITHSCORES')
  local count = #inside / 2
  if count >= limit then
    local oldest = tonumber(inside[2 * (count - limit) + 2])
    local until_free = oldest + w - now + 1
    if until_free > wait then wait = until_free end
  end
end
if wait > 0 then return wait end
redis.call('ZADD', KEYS[1], now, ARGV[1])
redis.call('PEXPIRE', KEYS[1], longest + 1000)
return 0
`


/** Re-dates a grant to Redis's now less the tolerated lag: its request was written late (send-clock.ts). */
const REDATE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000) - tonumber(ARGV[1])
for i = 2, #ARGV do
  local score = redis.call('ZSCORE', KEYS[1], ARGV[i])
  if score and tonumber(score) < now then redis.call('ZADD', KEYS[1], 'XX', now, ARGV[i]) end
end
return 0
`

export function redisPacer(redis: Redis, prefix: string, sleep = (ms: number) => new Promise<void>((ok) => setTimeout(ok, ms))): Pacer {
  /**
   * This process's callers of an API queue here and only the first asks Redis: a hundred workers
   * waiting for the same window would otherwise all wake and ask at once, each time a call may go.
   */
  const tails = new Map<string, Promise<unknown>>()
  return {
    async schedule(api: FeishuApi, call, by?: string) {
      const { limit, windowMs } = FEISHU_RATE_LIMITS[api]
      const windows = pacingWindows(limit, windowMs)
      const key = by === undefined ? `${prefix}:rate:${api}` : `${prefix}:rate:${api}:${by}`
      const member = randomUUID()
      // When the call was let through, on this process's clock: the moment the script that let it
      // through was sent (Redis logged it between then and its answer). Taken before the answer is
      // awaited, so a stall of this process between Redis's answer and the request being written
      // counts as lag too, and re-dates the call (send-clock.ts).
      let granted = 0
      const turn = (tails.get(key) ?? Promise.resolve()).catch(() => undefined).then(async () => {
        for (;;) {
          granted = Date.now()
          const wait = Number(await guarded(() => redis.eval(SCRIPT, 1, key, member, windows.length, ...windows.flat())))
          if (wait <= 0) return
          await sleep(Math.min(wait, 1000))
        }
      })
      tails.set(key, turn)
      void turn.finally(() => { if (tails.get(key) === turn) tails.delete(key) }).catch(() => undefined)
      await turn
      // Written much later than let through (a blocked event loop): counted from then (send-clock.ts).
      // Best effort: if Redis is away, the next calls wait for it anyway.
      const sent = (at: number) => { if (at - granted > TOLERATED_LAG_MS) void redis.eval(REDATE, 1, key, TOLERATED_LAG_MS, member).catch(() => undefined) }
      return sendClock.run({ sent }, call)
    },
  }
}
