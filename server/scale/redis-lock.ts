import { randomUUID } from 'node:crypto'
import type { Redis } from 'ioredis'
import { inProcessSerialiser, type KeyedSerialiser } from '../jobs/pacer'
import { guarded } from './redis'

const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) else return 0 end`
const RENEW = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) else return 0 end`

/**
 * One holder at a time per key across every process (Feishu's one save at a time per datasource,
 * §4.2; one refresh at a time per person). The lock carries its owner's token, expires if the
 * owner dies, is renewed while the task runs, and is released only by its owner.
 */
export function redisSerialiser(redis: Redis, prefix: string, opts: { ttlMs?: number; pollMs?: number } = {}): KeyedSerialiser {
  // Short, renewed while held: a dead holder blocks the datasource for seconds, not minutes.
  const ttl = opts.ttlMs ?? 6_000
  const poll = opts.pollMs ?? 15
  // This process's holders of a key queue here first and only the head waits on Redis: when it lets
  // go, the next one here takes the lock at once instead of finding it on its next poll (~15–30 ms
  // later, which sat between every two saves of a datasource).
  const local = inProcessSerialiser()
  return {
    run(key, task) {
      return local.run(key, () => holding(key, task))
    },
  }

  async function holding<T>(key: string, task: () => Promise<T>): Promise<T> {
    const lockKey = `${prefix}:lock:${key}`
    const token = randomUUID()
    for (;;) {
      const got = await guarded(() => redis.set(lockKey, token, 'PX', ttl, 'NX'))
      if (got === 'OK') break
      await new Promise((ok) => setTimeout(ok, poll + Math.random() * poll))
    }
    const renew = setInterval(() => { redis.eval(RENEW, 1, lockKey, token, ttl).catch(() => undefined) }, ttl / 3)
    try {
      return await task()
    } finally {
      clearInterval(renew)
      await redis.eval(RELEASE, 1, lockKey, token).catch(() => undefined)
    }
  }
}
