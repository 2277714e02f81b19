import { PAYROLL_QUERY_MAX_EMPLOYMENT_IDS } from '../../../src/domain/feishu-limits'
import type { PayrollRowInput, PayrollTarget } from '../../../src/domain/jobs'
import { readBackRow } from '../../../src/domain/payroll-checks'
import type { LoadedRow } from '../../jobs/job-context'
import type { BatchLookAhead, LookAheadContext } from '../types'
import type { BatchRow } from '../../store/jobs-repo'
import { currentRecords } from './records'

/**
 * Read-back (issue 16): after each save, the records of that batch are queried back and each row
 * the save sent is marked `confirmed` (Feishu holds what was sent) or `differs` (with both
 * values). Reads have their own 10/s limit, apart from the saves', and run beside them: saved
 * batches are grouped up to ≤ 100 employments a query (§4.3), so read-back costs one query per two
 * saves and never holds up a save. `stop` waits for the last read-back. Batches an earlier run of
 * the job saved without reading back (the process ended in between) are read back first.
 */
export function readBack(ctx: Pick<LookAheadContext, 'job' | 'feishu' | 'call' | 'batchRows' | 'setChecks' | 'sleep' | 'logger' | 'uncheckedBatches'>): Pick<BatchLookAhead, 'saved' | 'stop'> {
  const target = ctx.job.target as PayrollTarget
  const waiting: BatchRow[] = []
  let stopping = false
  let wake: (() => void) | null = null
  const size = (bs: BatchRow[]) => bs.reduce((n, b) => n + (b.idx_to - b.idx_from), 0)

  async function check(group: BatchRow[]): Promise<void> {
    const rows = (await Promise.all(group.map((b) => ctx.batchRows(b)))).flat() as LoadedRow<PayrollRowInput>[]
    // Only what a save sent: not unchanged rows (never sent) nor failed ones.
    const sent = rows.filter((r) => r.status === 'succeeded' && r.message !== 'unchanged')
    if (!sent.length) return
    const now = await ctx.call('payroll.record.query', (token) => currentRecords(ctx.feishu, token, target.source_code, target, [...new Set(sent.map((r) => r.input.employment_id))]))
    await ctx.setChecks(sent.map((r) => {
      const found = readBackRow(r.input, now.get(r.input.employment_id) ?? null)
      return { idx: r.idx, state: found.state, detail: { fields: found.fields } }
    }))
  }

  const loop = (async () => {
    // A run after a crash or restart first reads back what the earlier run saved but never read back.
    try {
      const earlier = await ctx.uncheckedBatches()
      // A batch of this run saved meanwhile may be listed too: it is read back once.
      const queued = new Set(waiting.map((b) => b.seq))
      waiting.unshift(...earlier.filter((b) => !queued.has(b.seq)))
    } catch (e) {
      ctx.logger.debug('read-back could not list earlier saved batches', { jobId: ctx.job.id, error: e })
    }
    for (;;) {
      // A query takes ≤ 100 employments: two saved batches of 50, or whatever is left at the end.
      while (!stopping && size(waiting) < PAYROLL_QUERY_MAX_EMPLOYMENT_IDS) {
        await new Promise<void>((ok) => { wake = ok })
      }
      if (!waiting.length) { if (stopping) return; continue }
      const group: BatchRow[] = []
      while (waiting.length && size(group) + (waiting[0]!.idx_to - waiting[0]!.idx_from) <= PAYROLL_QUERY_MAX_EMPLOYMENT_IDS) group.push(waiting.shift()!)
      if (!group.length) group.push(waiting.shift()!)
      try {
        await check(group)
      } catch (e) {
        // A read-back that cannot be made leaves its rows unconfirmed (accepted only); the job goes on.
        ctx.logger.debug('read-back skipped a group', { jobId: ctx.job.id, error: e })
      }
    }
  })()

  return {
    saved(batch) {
      waiting.push(batch)
      wake?.()
    },
    async stop() {
      stopping = true
      wake?.()
      await loop
    },
  }
}
