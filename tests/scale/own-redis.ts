import { randomUUID } from 'node:crypto'
import type { Redis } from 'ioredis'
import { afterAll, beforeAll } from 'vitest'
import { connectRedis } from '../../server/scale/redis'
import { REDIS_URL } from './cluster'

/**
 * The machine's Redis for one test file, under a key prefix of its own; its keys are removed and
 * the connection closed after the file's tests. `redis` is set once the file's tests start.
 */
export function ownRedis(name: string): { readonly redis: Redis; readonly prefix: string } {
  let redis: Redis | undefined
  const prefix = `test-${name}-${randomUUID()}`
  beforeAll(async () => { redis = await connectRedis(REDIS_URL) })
  afterAll(async () => {
    if (!redis) return
    const keys = await redis.keys(`${prefix}:*`)
    if (keys.length) await redis.del(...keys)
    redis.disconnect()
  })
  return {
    get redis() {
      if (!redis) throw new Error('Redis is connected before the tests start')
      return redis
    },
    prefix,
  }
}
