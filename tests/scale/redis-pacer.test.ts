import { randomUUID } from 'node:crypto'
import type { Redis } from 'ioredis'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { connectRedis } from '../../server/scale/redis'
import { redisPacer } from '../../server/scale/redis-pacer'
import { REDIS_URL } from './cluster'

// The machine's Redis, under a key prefix of this test's own.
let redis: Redis
const prefix = `test-pacer-${randomUUID()}`
beforeAll(async () => { redis = await connectRedis(REDIS_URL) })
afterAll(async () => {
  const keys = await redis.keys(`${prefix}:*`)
  if (keys.length) await redis.del(...keys)
  redis.disconnect()
})

describe('the shared (Redis) pacer, with a blocked event loop', () => {
  it('re-dates a call held back by the block, so the calls after it keep to the limit as Feishu sees it', async () => {
    const pacer = redisPacer(redis, prefix)
    const starts: number[] = []
    await pacer.schedule('payroll.record.save', async () => {
      starts.push(Date.now())
      const until = Date.now() + 200
      while (Date.now() < until) { /* blocked before the request could go out */ }
    })
    await new Promise((ok) => setTimeout(ok, 30))
    // Ten more at 10 per window: the tenth needs the first out of the window, counted from when
    // it really went out (~200 ms after it was let through).
    for (let i = 0; i < 10; i++) await pacer.schedule('payroll.record.save', async () => { starts.push(Date.now()) })
    expect(starts[10]! - starts[0]!).toBeGreaterThanOrEqual(200 + 1030 - 15)
  })
})
