import { PAYROLL_QUERY_MAX_EMPLOYMENT_IDS } from '../../src/domain/feishu-limits'
import type { FeishuClient } from '../feishu/client'
import { currentRecords } from '../jobs/execute-payroll'
import type { RecordState } from '../jobs/job-context'
import type { Pacer } from '../jobs/pacer'

/**
 * What Feishu holds now for the employments of a file (for the diff before writing): queries of
 * ≤ 100 employment ids (§4.3), paced with the jobs' own reads.
 */
export async function readCurrentRecords(
  feishu: FeishuClient, pacer: Pacer, token: string, sourceCode: string,
  key: Parameters<typeof currentRecords>[3], employmentIds: string[],
): Promise<Record<string, RecordState>> {
  const records: Record<string, RecordState> = {}
  const ids = [...new Set(employmentIds)]
  for (let i = 0; i < ids.length; i += PAYROLL_QUERY_MAX_EMPLOYMENT_IDS) {
    const chunk = ids.slice(i, i + PAYROLL_QUERY_MAX_EMPLOYMENT_IDS)
    const found = await pacer.schedule('payroll.record.query', () => currentRecords(feishu, token, sourceCode, key, chunk))
    for (const [id, r] of found) records[id] = r
  }
  return records
}
