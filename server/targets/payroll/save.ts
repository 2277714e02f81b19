import type { PayrollKey, PayrollRowInput, PayrollTarget } from '../../../src/domain/jobs'
import { payrollKeyEntries } from '../../../src/domain/payroll'
import { respectLaterEdits } from '../../../src/domain/payroll-checks'
import type { CheckedField } from '../../../src/domain/jobs'
import type { SaveRecord } from '../../feishu/client'
import { FeishuError } from '../../feishu/http'
import type { RowUpdate } from '../../store/jobs-repo'
import type { BatchContext, BatchOutcome, LoadedRow } from '../../jobs/job-context'
import { currentRecords } from './records'

/** The record's key: employment_id and the time fields of the job's dimension (§4.2 required fields). */
function toRecord(r: LoadedRow<PayrollRowInput>, key: PayrollKey): SaveRecord {
  const field_values = [
    { field_code: 'employment_id', value: r.input.employment_id },
    ...payrollKeyEntries(key).map(([field_code, value]) => ({ field_code, value })),
  ]
  // null means "leave this field alone": it is not sent (a value is never an empty string, §4.2).
  for (const [code, value] of Object.entries(r.input.values)) if (value !== null && value !== '') field_values.push({ field_code: code, value })
  return { active_status: r.input.active_status ?? 1, field_values }
}

/** True when saving the row would change nothing Feishu holds (then it is not sent). */
function unchanged(r: LoadedRow<PayrollRowInput>): boolean {
  const b = r.before
  if (!b) return false
  if (b.active_status !== (r.input.active_status ?? 1)) return false
  return Object.entries(r.input.values).every(([code, v]) => v === null || v === '' || b.values[code] === v)
}

/**
 * Reads and commits the current records of the rows that have no before-values yet (§4.3). The
 * runner also calls this a few batches ahead of the saves, so the reads (their own 10/s limit)
 * overlap the saves instead of doubling each batch's time. The store keeps the first capture
 * only, so a late read can never replace a row's before-values with what this job wrote.
 */
export async function captureBefore(ctx: Pick<BatchContext, 'job' | 'feishu' | 'call' | 'saveBefore'>, rows: LoadedRow<PayrollRowInput>[]): Promise<void> {
  const target = ctx.job.target as PayrollTarget
  const uncaptured = rows.filter((r) => r.before === undefined)
  if (!uncaptured.length) return
  const current = await ctx.call('payroll.record.query', (token) => currentRecords(ctx.feishu, token, target.source_code, target, uncaptured.map((r) => r.input.employment_id)))
  const captured = uncaptured.map((r) => ({ idx: r.idx, before: current.get(r.input.employment_id) ?? null }))
  await ctx.saveBefore(captured)
  for (const c of captured) rows.find((r) => r.idx === c.idx)!.before = c.before
}

/**
 * Saves one batch (≤ 50 records). Feishu saves all-or-nothing, so a record-level error that names
 * its index fails that row alone and the rest is resent; an error without an index is narrowed
 * down by halving the group, so one bad row never sinks 49 good ones.
 */
export async function runPayrollBatch(ctx: BatchContext, opts: { captureBefore: boolean; respectLaterEdits?: boolean }): Promise<BatchOutcome> {
  const key = ctx.job.target as PayrollTarget
  const source = key.source_code
  const serialKey = `payroll:${ctx.job.owner.tenantKey}:${source}`
  const pending = (ctx.rows as LoadedRow<PayrollRowInput>[]).filter((r) => r.status === 'pending')
  const updates: RowUpdate[] = []
  let affect = 0
  // Before-values are read and committed before the save, once: after a crash the resent batch
  // keeps the values captured the first time, not the ones this job already wrote. A revert
  // writes back values that were captured by the job it reverts, so it captures none.
  if (opts.captureBefore) await captureBefore(ctx, pending)
  const toSend: LoadedRow<PayrollRowInput>[] = []
  const kept = new Map<number, CheckedField[]>()
  if (opts.respectLaterEdits) {
    // A revert re-reads the records right before it writes: whatever someone changed since the
    // job wrote it is kept and reported with both values (issue 16).
    const now = await ctx.call('payroll.record.query', (token) => currentRecords(ctx.feishu, token, source, key, pending.map((r) => r.input.employment_id)))
    for (const r of pending) {
      const decided = respectLaterEdits(r.input, now.get(r.input.employment_id) ?? null)
      if (decided.kept.length) kept.set(r.idx, decided.kept)
      if (decided.send) toSend.push({ ...r, input: decided.send })
      else updates.push({ idx: r.idx, status: 'succeeded', feishu_code: 0, message: decided.kept.length ? 'changed since, kept' : 'unchanged', check: decided.kept.length ? { state: 'kept', detail: { fields: decided.kept } } : null })
    }
  } else {
    for (const r of pending) {
      if (unchanged(r)) updates.push({ idx: r.idx, status: 'succeeded', feishu_code: 0, message: 'unchanged' })
      else toSend.push(r)
    }
  }
  const queue: LoadedRow<PayrollRowInput>[][] = [toSend]
  while (queue.length) {
    const group = queue.shift()!
    if (!group.length) continue
    try {
      const res = await ctx.call('payroll.record.save', (token) => ctx.feishu.saveRecords(token, source, group.map((r) => toRecord(r, key))), serialKey)
      affect += res.affectCount
      for (const r of group) {
        const k = kept.get(r.idx)
        updates.push({ idx: r.idx, status: 'succeeded', feishu_code: 0, message: k ? 'partly reverted: changed since, kept' : null, ...(k ? { check: { state: 'partly_kept' as const, detail: { fields: k } } } : {}) })
      }
    } catch (e) {
      // A failure that ends the job arrives as a JobFailure (ctx.call): only record-level ones get here.
      if (!(e instanceof FeishuError)) throw e
      const f = e.failure
      const index = f.kind === 'no_data_permission' || f.kind === 'invalid_record' ? f.recordIndex : null
      if (index !== null && index >= 0 && index < group.length) {
        const bad = group[index]!
        await ctx.failRows([{ idx: bad.idx, status: 'failed', feishu_code: e.code, message: e.feishuMessage, ...(kept.has(bad.idx) ? { check: { state: 'partly_kept' as const, detail: { fields: kept.get(bad.idx) } } } : {}) }])
        queue.unshift(group.filter((_, i) => i !== index))
      } else if (group.length > 1) {
        const half = Math.ceil(group.length / 2)
        queue.unshift(group.slice(0, half), group.slice(half))
      } else {
        await ctx.failRows([{ idx: group[0]!.idx, status: 'failed', feishu_code: e.code, message: e.feishuMessage }])
      }
    }
  }
  return { updates, affect }
}
