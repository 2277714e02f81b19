import { EventEmitter } from 'node:events'
import type { Redis } from 'ioredis'
import type { JobProgress } from '../../src/domain/jobs'
import type { ProgressBus } from '../jobs/progress'

/** Progress published through Redis, so a person's stream on any process sees any process's job. */
export function redisProgressBus(pub: Redis, sub: Redis, prefix: string): ProgressBus & { close(): Promise<void> } {
  const local = new EventEmitter()
  local.setMaxListeners(0)
  const pattern = `${prefix}:progress:*`
  // ioredis subscribes again by itself after a reconnect (autoResubscribe).
  void sub.psubscribe(pattern).catch(() => undefined)
  sub.on('pmessage', (_p: string, channel: string, message: string) => {
    try {
      const progress = JSON.parse(message) as JobProgress
      local.emit(channel.slice(`${prefix}:progress:`.length), progress)
    } catch { /* not ours */ }
  })
  return {
    publish(p) {
      pub.publish(`${prefix}:progress:${p.id}`, JSON.stringify(p)).catch(() => undefined)
    },
    subscribe(jobId, listener) {
      local.on(jobId, listener)
      return () => { local.off(jobId, listener) }
    },
    async close() {
      await sub.punsubscribe(pattern).catch(() => undefined)
    },
  }
}
