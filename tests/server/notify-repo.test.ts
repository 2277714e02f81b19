import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pg from 'pg'
import type { Kysely } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { notifyRepo } from '../../server/notify/repo'
import { openPostgres } from '../../server/store/postgres'
import { openSqlite } from '../../server/store/sqlite'
import type { Database } from '../../server/store/schema'
import { DATABASE_URL } from '../scale/cluster'

/**
 * The job-message store on both engines (migration 006): an event is recorded once whoever records
 * it, a due card is taken by exactly one sender, a sender that died gives it up when its lease ends.
 */
const SCHEMA = `notify_test_${process.pid}`
const engines: Array<{ name: string; open: () => Promise<Kysely<Database>>; cleanup?: () => Promise<void> }> = [
  { name: 'SQLite', open: () => openSqlite(join(mkdtempSync(join(tmpdir(), 'hr-notify-repo-')), 'app.db')) },
  {
    name: 'PostgreSQL',
    open: () => openPostgres(DATABASE_URL, SCHEMA),
    cleanup: async () => {
      const c = new pg.Client({ connectionString: DATABASE_URL })
      await c.connect()
      try { await c.query(`DROP SCHEMA IF EXISTS ${SCHEMA} CASCADE`) } finally { await c.end() }
    },
  },
]

for (const engine of engines) {
  describe(`job messages stored in ${engine.name}`, () => {
    let db: Kysely<Database>
    beforeAll(async () => { db = await engine.open() })
    afterAll(async () => { await db?.destroy(); await engine.cleanup?.() })
    const person = { tenantKey: 't1', openId: 'ou_a' }
    const event = (id: string, jobId: string, ev = 'succeeded') => ({ id, ...person, jobId, event: ev, kind: 'succeeded' })

    it('records an event once, whoever records it', async () => {
      const a = notifyRepo(db)
      const b = notifyRepo(db)
      const results = await Promise.all([a.add(event('n1', 'job-1'), 1000), b.add(event('n2', 'job-1'), 1000)])
      expect(results.sort()).toEqual([false, true])
      expect(await a.add(event('n3', 'job-1', 'needs_signin@5'), 1000)).toBe(true)
      expect((await a.ofJob('job-1')).map((n) => n.event).sort()).toEqual(['needs_signin@5', 'succeeded'])
    })

    it('lets exactly one of two senders take a due card, and another take it once the first one’s lease ran out', async () => {
      const a = notifyRepo(db)
      const b = notifyRepo(db)
      await a.add(event('n10', 'job-2'), 2000)
      const [x, y] = await Promise.all([a.claimDue(2000, 62_000, 10), b.claimDue(2000, 62_000, 10)])
      const taken = [...x, ...y].filter((n) => n.jobId === 'job-2')
      expect(taken).toHaveLength(1)
      expect(await b.claimDue(30_000, 90_000, 10)).toEqual([])
      // The holder died: after its lease the card is due again, with its attempts so far.
      const again = (await b.claimDue(62_001, 122_001, 10)).filter((n) => n.jobId === 'job-2')
      expect(again).toHaveLength(1)
      await b.sent('n10', 'om_1', 62_002)
      expect((await b.ofJob('job-2'))[0]).toMatchObject({ state: 'sent', messageId: 'om_1', attempts: 1 })
      expect(await a.claimDue(10_000_000, 10_060_000, 10)).toEqual(expect.not.arrayContaining([expect.objectContaining({ jobId: 'job-2' })]))
    })

    it('waits for a retry until its time, and says when the next card is due', async () => {
      const r = notifyRepo(db)
      await r.add(event('n20', 'job-3'), 3000)
      const [n] = (await r.claimDue(3000, 63_000, 10)).filter((x) => x.jobId === 'job-3')
      await r.retryAt(n!.id, 1, 8000, 'bot_not_enabled (230006)')
      expect((await r.claimDue(7999, 67_999, 10)).filter((x) => x.jobId === 'job-3')).toEqual([])
      expect(await r.nextDue()).toBeLessThanOrEqual(8000)
      expect((await r.claimDue(8000, 68_000, 10)).filter((x) => x.jobId === 'job-3')).toHaveLength(1)
    })

    it('keeps each person’s choice, on unless they turned messages off', async () => {
      const r = notifyRepo(db)
      expect(await r.enabled({ tenantKey: 't1', openId: 'ou_new' })).toBe(true)
      await r.setEnabled({ tenantKey: 't1', openId: 'ou_new' }, false, 1)
      expect(await r.enabled({ tenantKey: 't1', openId: 'ou_new' })).toBe(false)
      expect(await r.enabled({ tenantKey: 't2', openId: 'ou_new' })).toBe(true)
      await r.setEnabled({ tenantKey: 't1', openId: 'ou_new' }, true, 2)
      expect(await r.enabled({ tenantKey: 't1', openId: 'ou_new' })).toBe(true)
    })
  })
}
