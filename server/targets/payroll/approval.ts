import { sumDecimals, type ApprovalSummary, type DriftItem } from '../../../src/domain/approval'
import type { PayrollRowInput, PayrollTarget } from '../../../src/domain/jobs'
import { payrollTarget, payrollTargetParams } from '../../../src/domain/payroll'
import type { RecordState } from '../../jobs/job-context'
import type { ApprovalHooks, CheckContext } from '../types'
import { findDatasource } from './datasources'
import { readCurrentRecords } from './records'

type Row = { idx: number; input: PayrollRowInput }

async function current(ctx: CheckContext, t: PayrollTarget, rows: Row[]) {
  return readCurrentRecords(ctx.feishu, ctx.pacer, ctx.token, t.source_code, t, rows.map((r) => r.input.employment_id))
}

/** Saving the row would change nothing Feishu holds (the same rule the save uses to skip it). */
function unchanged(input: PayrollRowInput, b: RecordState | null): boolean {
  if (!b) return false
  if (b.active_status !== (input.active_status ?? 1)) return false
  return Object.entries(input.values).every(([code, v]) => v === null || v === '' || b.values[code] === v)
}

/**
 * Payroll's half of the approval (issue 15): the records as Feishu holds them when the preparer
 * submits (they become the job's before-values, so what is approved is exactly what is written and
 * what a revert writes back), the form's counts and money/number totals, and the drift check that
 * runs after the approval, before the first save.
 */
export const payrollApproval: ApprovalHooks = {
  async snapshot(ctx, target, fields, rows) {
    const t = target as PayrollTarget
    const prs = rows as Row[]
    const [ds, now] = await Promise.all([findDatasource(ctx.feishu, ctx.pacer, ctx.token, t.source_code), current(ctx, t, prs)])
    const schema = payrollTarget(ds)
    const before = prs.map((r) => ({ idx: r.idx, before: now[r.input.employment_id] ?? null }))
    const counts = { new: 0, changed: 0, unchanged: 0 }
    for (const [i, r] of prs.entries()) {
      const b = before[i]!.before
      if (!b) counts.new++
      else if (unchanged(r.input, b)) counts.unchanged++
      else counts.changed++
    }
    const numeric = schema.fields.filter((f) => (f.kind === 'money' || f.kind === 'number') && fields.includes(f.code))
    const totals: ApprovalSummary['totals'] = numeric.map((f) => ({
      field: f.code, title: f.title,
      before: sumDecimals(before.map((b) => b.before?.values[f.code])),
      after: sumDecimals(prs.map((r, i) => r.input.values[f.code] ?? before[i]!.before?.values[f.code])),
    }))
    const p = payrollTargetParams(t)
    return { before, summary: { target: `${p.source} · ${p.period}`, counts, totals } }
  },

  async drift(ctx, target, fields, rows) {
    const t = target as PayrollTarget
    const prs = rows as Array<Row & { before: RecordState | null }>
    const now = await current(ctx, t, prs)
    const moved: DriftItem[] = []
    for (const r of prs) {
      const was = r.before
      const is = now[r.input.employment_id] ?? null
      const key = r.input.employment_id
      if (!was !== !is) { moved.push({ key, field: 'record', approved: was ? 'exists' : null, now: is ? 'exists' : null }); continue }
      if (!was || !is) continue
      if (was.active_status !== is.active_status) moved.push({ key, field: 'active_status', approved: String(was.active_status), now: String(is.active_status) })
      for (const f of fields) {
        if ((was.values[f] ?? null) !== (is.values[f] ?? null)) moved.push({ key, field: f, approved: was.values[f] ?? null, now: is.values[f] ?? null })
      }
    }
    return moved
  },
}
