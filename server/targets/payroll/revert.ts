import type { PayrollRowInput } from '../../../src/domain/jobs'
import type { LoadedRow } from '../../jobs/job-context'

export interface RevertPlan { restore: number; stop: number; cannot_clear: number }

/**
 * Taking a payroll save back (Feishu has no delete, §4.2): a record that existed before gets the
 * values it had back, for the fields the job wrote; a record the job created is stopped
 * (active_status 2). A field the job filled that was empty before cannot be emptied again (a value
 * is never an empty string), so it keeps the job's value — counted as `cannot_clear`. Each row
 * carries what the job left (`expect`): the revert re-reads the records right before it writes and
 * keeps whatever someone changed since (save.ts, respectLaterEdits).
 */
export function planRevert(rows: LoadedRow<PayrollRowInput>[]): { plan: RevertPlan; rows: PayrollRowInput[] } {
  const plan: RevertPlan = { restore: 0, stop: 0, cannot_clear: 0 }
  const out: PayrollRowInput[] = []
  for (const r of rows) {
    if ((r.status !== 'succeeded' && r.status !== 'partial') || r.before === undefined) continue
    const written = Object.entries(r.input.values).filter((e): e is [string, string] => e[1] !== null && e[1] !== '')
    // What the job left in Feishu: the revert keeps any field that no longer holds it (respectLaterEdits).
    const expect = { active_status: r.input.active_status ?? 1, values: Object.fromEntries(written) }
    if (r.before === null) {
      plan.stop++
      out.push({ row: r.row, employment_id: r.input.employment_id, active_status: 2, values: {}, expect })
      continue
    }
    const values: Record<string, string | null> = {}
    let changes = 0
    for (const [code, v] of written) {
      const old = r.before.values[code]
      if (old === undefined || old === '') plan.cannot_clear++
      else if (old !== v) { values[code] = old; changes++ }
    }
    const status = r.before.active_status === 2 ? 2 : 1
    if (changes === 0 && status === (r.input.active_status ?? 1)) continue
    plan.restore++
    out.push({ row: r.row, employment_id: r.input.employment_id, active_status: status, values, expect })
  }
  return { plan, rows: out }
}
