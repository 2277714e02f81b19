import { PAYROLL_QUERY_MAX_EMPLOYMENT_IDS } from '../../../src/domain/feishu-limits'
import type { PayrollKey } from '../../../src/domain/jobs'
import { allPages } from '../../../src/domain/paging'
import { PAYROLL_SYSTEM_FIELDS } from '../../../src/domain/payroll'
import type { FeishuClient, QueriedRecord, RecordQuery } from '../../feishu/client'
import type { RecordState } from '../../jobs/job-context'
import type { Pacer } from '../../jobs/pacer'
import { AppError } from '../../errors'
import { withRetries } from '../../feishu/retry'

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
    const read = readRecord(r)
    if (read) out.set(read.id, read.state)
  }
  return out
}

/** A queried record as the app keeps it: its employment, its key fields apart, its values without them. */
function readRecord(r: QueriedRecord): { id: string; key: Record<string, string>; state: RecordState } | null {
  const values: Record<string, string> = {}
  for (const f of r.field_values) values[f.field_code] = f.value
  const id = values.employment_id
  if (!id) return null
  const key: Record<string, string> = {}
  for (const code of PAYROLL_SYSTEM_FIELDS) {
    if (values[code] !== undefined) key[code] = values[code]
    delete values[code]
  }
  return { id, key, state: { active_status: r.active_status, values } }
}

/**
 * Every record of a key the person may see (no employment filter, §4.3), each page paced with the
 * jobs' reads and a passing rate limit waited out; stops past `max` records (the caller says why).
 */
export async function recordsOfKey(feishu: FeishuClient, pacer: Pacer, token: string, sourceCode: string, key: PayrollKey, max: number): Promise<Map<string, RecordState>> {
  const filter = timeFilter(key)
  const out = new Map<string, RecordState>()
  let pageToken: string | undefined
  for (;;) {
    const res = await withRetries(() => pacer.schedule('payroll.record.query', () => feishu.queryRecords(token, { sourceCode, ...filter, employmentIds: [], pageToken })))
    for (const r of res.items) {
      const read = readRecord(r)
      if (read) out.set(read.id, read.state)
    }
    if (out.size > max || !res.has_more || !res.page_token) return out
    pageToken = res.page_token
  }
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

/** A custom-period pair is read in one query while each InDateRange window stays under 90 days (§4.3). */
const PAIR_WINDOW_MAX_DAYS = 89
const DAY_MS = 86_400_000
const dayMs = (d: string) => Date.parse(`${d}T00:00:00Z`)

type TimeFilter = Pick<RecordQuery, 'periods' | 'occurDay' | 'customStart' | 'customEnd'>

/**
 * The time filters that read a key and the period just before it: ONE filter where §4.3's limits
 * allow both in a query (payroll_period IsAnyOf ≤ 2 months; occur_day a two-day range; a custom
 * period whose ranges stay within 90 days — UNCONFIRMED whether "≤ 90 days" counts the days or their
 * difference, so one day is kept in hand), otherwise the two keys' own filters, read one after the other.
 */
export function pairFilters(key: PayrollKey, previous: PayrollKey): TimeFilter[] {
  if (key.payroll_period !== undefined && previous.payroll_period !== undefined) return [{ periods: [previous.payroll_period, key.payroll_period] }]
  if (key.occur_day !== undefined && previous.occur_day !== undefined) return [{ occurDay: [previous.occur_day, key.occur_day] }]
  const [s, e, ps, pe] = [key.custom_start, key.custom_end, previous.custom_start, previous.custom_end]
  if (s !== undefined && e !== undefined && ps !== undefined && pe !== undefined && (dayMs(s) - dayMs(ps)) / DAY_MS <= PAIR_WINDOW_MAX_DAYS && (dayMs(e) - dayMs(pe)) / DAY_MS <= PAIR_WINDOW_MAX_DAYS) {
    return [{ customStart: [ps, s], customEnd: [pe, e] }]
  }
  return [timeFilter(key), timeFilter(previous)]
}

const sameKey = (values: Record<string, string>, key: PayrollKey) =>
  (key.payroll_period === undefined || values.payroll_period === key.payroll_period)
  && (key.occur_day === undefined || values.occur_day === key.occur_day)
  && (key.custom_start === undefined || values.custom_start === key.custom_start)
  && (key.custom_end === undefined || values.custom_end === key.custom_end)

export interface PeriodPairPart {
  current: Record<string, RecordState>
  previous: Record<string, RecordState>
  /** Where the next part starts; null after the last. Opaque to the app (a filter index and Feishu's page token). */
  cursor: string | null
}

/** Feishu pages read per part: ≤ 2,000 records, ~2 s at 10 calls/s, so the app can show progress and stop. */
export const PAIR_PAGES_PER_PART = 20

/**
 * One part of every record the person may see of a key and of the period before it (variance and
 * diff in one read, no employment filter so people missing now are found too), each page paced and
 * a passing rate limit waited out. A record of neither key (a custom period straddling both) is left out.
 */
export async function readPeriodPair(
  feishu: FeishuClient, pacer: Pacer, token: string, sourceCode: string, key: PayrollKey, previous: PayrollKey, cursor: string | null,
): Promise<PeriodPairPart> {
  const filters = pairFilters(key, previous)
  const at = cursor === null ? { index: 0, pageToken: undefined as string | undefined } : parseCursor(cursor, filters.length)
  const out: PeriodPairPart = { current: {}, previous: {}, cursor: null }
  let { index, pageToken } = at
  for (let page = 0; page < PAIR_PAGES_PER_PART; page++) {
    const filter = filters[index]!
    const res = await withRetries(() => pacer.schedule('payroll.record.query', () => feishu.queryRecords(token, { sourceCode, ...filter, employmentIds: [], pageToken })))
    for (const r of res.items) {
      const read = readRecord(r)
      if (!read) continue
      const into = sameKey(read.key, key) ? out.current : sameKey(read.key, previous) ? out.previous : null
      if (into) into[read.id] = read.state
    }
    if (res.has_more && res.page_token) pageToken = res.page_token
    else if (index + 1 < filters.length) { index++; pageToken = undefined }
    else return out
  }
  out.cursor = `${index}.${pageToken ?? ''}`
  return out
}

/** A cursor this server handed out: `<filter index>.<Feishu page token>`; anything else is refused. */
function parseCursor(cursor: string, filters: number): { index: number; pageToken: string | undefined } {
  const m = /^(\d)\.([\w=+/-]{0,200})$/.exec(cursor)
  if (!m || Number(m[1]) >= filters) throw new AppError(400, 'invalid_request', 'The cursor is not one this server handed out; start the read again.', { field: 'cursor' })
  return { index: Number(m[1]), pageToken: m[2] || undefined }
}
