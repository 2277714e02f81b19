import { describe, expect, it } from 'vitest'
import { redisSerialiser } from '../../server/scale/redis-lock'
import { ownRedis } from './own-redis'

// The machine's Redis, under a key prefix of this test file's own.
const own = ownRedis('lock')

const sleep = (ms: number) => new Promise((ok) => setTimeout(ok, ms))

describe('the shared (Redis) per-datasource lock', () => {
  it('never lets two holders of one key overlap, across processes and within one', async () => {
    const a = redisSerialiser(own.redis, own.prefix, { pollMs: 5 })
    const b = redisSerialiser(own.redis, own.prefix, { pollMs: 5 })
    let inside = 0
    let most = 0
    const task = async () => {
      inside++
      most = Math.max(most, inside)
      await sleep(15)
      inside--
    }
    await Promise.all(Array.from({ length: 12 }, (_, i) => (i % 2 ? a : b).run('ds-1', task)))
    expect(most).toBe(1)
  })

  it('hands the lock to the next holder in the same process at once, without waiting for a poll', async () => {
    // A poll interval far longer than the test's time-out: only direct hand-overs let it finish.
    const s = redisSerialiser(own.redis, own.prefix, { pollMs: 60_000 })
    let done = 0
    await Promise.all(Array.from({ length: 5 }, () => s.run('ds-2', async () => { await sleep(20); done++ })))
    expect(done).toBe(5)
    expect(await own.redis.exists(`${own.prefix}:lock:ds-2`)).toBe(0)
  })

  it('keeps a key held by another process until it is released', async () => {
    const other = redisSerialiser(own.redis, own.prefix, { pollMs: 5 })
    const mine = redisSerialiser(own.redis, own.prefix, { pollMs: 5 })
    const order: string[] = []
    const held = other.run('ds-3', async () => { order.push('other starts'); await sleep(80); order.push('other ends') })
    await sleep(10)
    await mine.run('ds-3', async () => { order.push('mine') })
    await held
    expect(order).toEqual(['other starts', 'other ends', 'mine'])
  })
})
