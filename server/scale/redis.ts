import { Redis } from 'ioredis'

/** The app's own shared services failed (Redis down): the job pauses and continues when they are back. */
export class ServiceUnavailable extends Error {
  constructor(cause: unknown) {
    super(`shared service unavailable: ${cause instanceof Error ? cause.message : String(cause)}`)
    this.name = 'ServiceUnavailable'
  }
}

/**
 * A Redis connection that fails fast instead of queueing commands forever during an outage, so a
 * job pauses (nothing lost) rather than hanging.
 */
export async function connectRedis(url: string, timeoutMs = 10_000): Promise<Redis> {
  const redis = new Redis(url, { maxRetriesPerRequest: 1, enableOfflineQueue: false, retryStrategy: (times) => Math.min(times * 200, 2000) })
  // Errors are reported through the commands that fail (and pause jobs); do not crash on them.
  redis.on('error', () => undefined)
  if (redis.status !== 'ready') {
    await new Promise<void>((ok, fail) => {
      const timer = setTimeout(() => fail(new Error(`Redis at ${url.replace(/\/\/[^@]*@/, '//')} did not answer within ${timeoutMs} ms`)), timeoutMs)
      redis.once('ready', () => { clearTimeout(timer); ok() })
    })
  }
  return redis
}

export async function guarded<T>(op: () => Promise<T>): Promise<T> {
  try {
    return await op()
  } catch (e) {
    throw new ServiceUnavailable(e)
  }
}
