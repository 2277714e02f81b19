import { PAYROLL_QUERY_MAX_EMPLOYMENT_IDS } from '../../../src/domain/feishu-limits'
import type { PayrollKey } from '../../../src/domain/jobs'
import { allPages } from '../../../src/domain/paging'
import { PAYROLL_SYSTEM_FIELDS } from '../../../src/domain/payroll'
import type { FeishuClient, RecordQuery } from '../../feishu/client'
import type { RecordState } from '../../jobs/job-context'
import type { Pacer } from '../../jobs/pacer'
import { withRetries } from './datasources'

/**
 * The time filter that finds exactly the records of this key (§4.3): payroll_period IsAnyOf [p];
 * occur_day InDateRange [d, d]; custom_start InDateRange [s, s] and custom_end InDateRange [e, e].
 */
export function timeFilter(key: PayrollKey): Pick<RecordQuery, 'periods' | 'occurDay' | 'customStart' | 'customEnd'> {
  if (key.custom_start !== undefined && key.custom_end !== undefined) return { customStart: [key.custom_start, key.custom_start], customEnd: [key.custom_end, key.custom_end] }
  if (key.occur_day !== undefined) return { occurDay: [key.occur_day, key.occur_day] }
  if (key.payroll_period !== undefined) return { periods: [key.payroll_period] }
  throw new Error('a payroll key needs payroll_period, occur_day or custom_start + custom_end')
}

/** The current records of ≤ 100 employments under one key (§4.3: ≤ 100 ids a query), all pages. */
export async function currentRecords(feishu: FeishuClient, token: string, sourceCode: string, key: PayrollKey, employmentIds: string[]): Promise<Map<string, RecordState>> {
  const filter = timeFilter(key)
  const items = await allPages('payroll.record.query', ({ pageToken }) => feishu.queryRecords(token, { sourceCode, ...filter, employmentIds, pageToken }))
  const out = new Map<string, RecordState>()
  for (const r of items) {
    const values: Record<string, string> = {}
    for (const f of r.field_values) values[f.field_code] = f.value
    const id = values.employment_id
    if (id) {
      for (const code of PAYROLL_SYSTEM_FIELDS) delete values[code]
      out.set(id, { active_status: r.active_status, values })
    }
  }
  return out
}

/**
 * What Feishu holds now for the employments of a file (for the diff before writing): queries of
 * ≤ 100 employment ids (§4.3), paced with the jobs' own reads.
 */
export async function readCurrentRecords(
  feishu: FeishuClient, pacer: Pacer, token: string, sourceCode: string, key: PayrollKey, employmentIds: string[],
): Promise<Record<string, RecordState>> {
  const records: Record<string, RecordState> = {}
  const ids = [...new Set(employmentIds)]
  for (let i = 0; i < ids.length; i += PAYROLL_QUERY_MAX_EMPLOYMENT_IDS) {
    const chunk = ids.slice(i, i + PAYROLL_QUERY_MAX_EMPLOYMENT_IDS)
    // A passing rate limit (another instance, or an app beside this one, reading the same API) is waited out.
    const found = await withRetries(() => pacer.schedule('payroll.record.query', () => currentRecords(feishu, token, sourceCode, key, chunk)))
    for (const [id, r] of found) records[id] = r
  }
  return records
}

/**
 * Every record of a key the person may see (no employment filter, §4.3), each page paced with the
 * jobs' reads: the previous period for the variance check (people missing now are found too).
 */
export async function allRecordsOf(feishu: FeishuClient, pacer: Pacer, token: string, sourceCode: string, key: PayrollKey): Promise<Record<string, RecordState>> {
  const filter = timeFilter(key)
  const items = await allPages('payroll.record.query', ({ pageToken }) => pacer.schedule('payroll.record.query', () => feishu.queryRecords(token, { sourceCode, ...filter, employmentIds: [], pageToken })))
  const out: Record<string, RecordState> = {}
  for (const r of items) {
    const values: Record<string, string> = {}
    for (const f of r.field_values) values[f.field_code] = f.value
    const id = values.employment_id
    if (!id) continue
    for (const code of PAYROLL_SYSTEM_FIELDS) delete values[code]
    out[id] = { active_status: r.active_status, values }
  }
  return out
}
