import { describe, expect, it } from 'vitest'
import { beforeAhead } from '../../server/targets/payroll/before-ahead'

/** Batches of the given sizes, as the planner lays them out (consecutive row ranges). */
function batches(...sizes: number[]) {
  let from = 0
  return sizes.map((n, seq) => {
    const b = { seq, idx_from: from, idx_to: from + n }
    from += n
    return b
  })
}
type Batch = ReturnType<typeof batches>[number]

/** A read that records which batches it covered and finishes when told to. */
function reads() {
  const log: number[][] = []
  const pending: Array<() => void> = []
  return {
    log,
    read: (group: Batch[]) => { log.push(group.map((b) => b.seq)); return new Promise<void>((ok) => pending.push(ok)) },
    finishAll: () => { while (pending.length) pending.shift()!() },
  }
}

const tick = () => new Promise<void>((ok) => setTimeout(ok, 0))

describe('before-values read ahead of payroll saves', () => {
  it('reads two 50-record batches with one query (≤ 100 employment ids) and never reads a group twice', async () => {
    const r = reads()
    const all = batches(50, 50, 50, 50, 20)
    const ahead = beforeAhead(all, r.read, { ahead: 10, sleep: tick, onError: () => { throw new Error('no error expected') } })
    // The batches reach their turn while the look-ahead is reading: they wait for the same reads.
    const waits = all.map((b) => ahead.ready(b))
    for (let i = 0; i < 5; i++) { r.finishAll(); await tick() }
    await Promise.all(waits)
    await ahead.stop()
    expect(r.log).toEqual([[0, 1], [2, 3], [4]])
  })

  it('keeps a group whole only while it fits in one query', () => {
    const r = reads()
    const ahead = beforeAhead(batches(50, 30, 30, 50), r.read, { ahead: 0, sleep: tick, onError: () => undefined })
    void ahead.ready(batches(50, 30, 30, 50)[3]!)
    void ahead.stop()
    // 50 + 30 fit, a third batch would make 110: [0,1], [2,3] — the last batch's group is read for it.
    expect(r.log).toEqual([[0, 1], [2, 3]])
  })

  it('goes no further than `ahead` batches past the last one saved', async () => {
    const r = reads()
    const ahead = beforeAhead(batches(50, 50, 50, 50, 50, 50, 50, 50), r.read, { ahead: 2, sleep: tick, onError: () => undefined })
    for (let i = 0; i < 10; i++) { r.finishAll(); await tick() }
    // Groups start at batches 0, 2, 4, 6: with nothing saved only those starting at ≤ 2 are read.
    expect(r.log).toEqual([[0, 1], [2, 3]])
    ahead.saved()
    ahead.saved()
    for (let i = 0; i < 10; i++) { r.finishAll(); await tick() }
    expect(r.log).toEqual([[0, 1], [2, 3], [4, 5]])
    await ahead.stop()
  })

  it('stops reading ahead after a failed read, and the batch waiting on it goes on to read for itself', async () => {
    const errors: unknown[] = []
    const all = batches(50, 50, 50, 50)
    let calls = 0
    const ahead = beforeAhead(all, async () => { calls++; throw new Error('Feishu refused') }, { ahead: 10, sleep: tick, onError: (e) => errors.push(e) })
    await expect(ahead.ready(all[0]!)).resolves.toBeUndefined()
    await ahead.stop()
    expect(errors).toHaveLength(1)
    expect(calls).toBe(1)
  })
})
