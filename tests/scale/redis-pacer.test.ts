import { describe, expect, it } from 'vitest'
import { redisPacer } from '../../server/scale/redis-pacer'
import { ownRedis } from './own-redis'
import { feishuHttp } from '../../server/feishu/http'
import { okServer } from '../server/harness'

// The machine's Redis, under a key prefix of this test file's own.
const own = ownRedis('pacer')

describe('the shared (Redis) pacer, with a blocked event loop', () => {
  it('counts a call from when its request was written, so the calls after it keep to the limit as Feishu sees it', async () => {
    const feishu = await okServer()
    try {
      const http = feishuHttp(feishu.url)
      const pacer = redisPacer(own.redis, own.prefix)
      const starts: number[] = []
      const send = (block: boolean) => pacer.schedule('payroll.record.save', () => {
        starts.push(Date.now())
        if (block) { const until = Date.now() + 400; while (Date.now() < until) { /* blocked before it is written */ } }
        return http.call({ method: 'POST', path: '/x', body: {} })
      })
      await send(true)
      // Ten more at 10 per window: the tenth needs the first out of the window, counted from when
      // it was written (~400 ms after it was let through), less the 25 ms any call may lag.
      for (let i = 0; i < 10; i++) await send(false)
      expect(starts[10]! - starts[0]!).toBeGreaterThanOrEqual(400 + 1030 - 40)
    } finally {
      await feishu.close()
    }
  })
})
