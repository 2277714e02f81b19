// A log of every Feishu API call the sandbox received, for `GET /sandbox/inspect/calls` — lets tests
// check pacing and concurrency from the outside (who called what, when, and how it ended).
import type { ApiId } from './apis'

export interface CallRecord {
  seq: number
  api: ApiId
  method: string
  path: string
  /** user_id for a user token, 'tenant' for a tenant/app token, null before/without auth. */
  user: string | null
  startMs: number
  endMs: number | null
  status: number | null
  code: number | null
  logid: string
  /** Set when the connection was cut instead of answered. */
  outcome?: 'timeout' | 'drop'
}

const MAX_CALLS = 10_000

export class CallLog {
  private seq = 0
  private readonly records: CallRecord[] = []

  start(api: ApiId, method: string, path: string, logid: string, now: number): CallRecord {
    const r: CallRecord = { seq: ++this.seq, api, method, path, user: null, startMs: now, endMs: null, status: null, code: null, logid }
    this.records.push(r)
    if (this.records.length > MAX_CALLS) this.records.splice(0, this.records.length - MAX_CALLS)
    return r
  }

  list(filter: { api?: string; user?: string; sinceSeq?: number } = {}): CallRecord[] {
    return this.records.filter((r) =>
      (filter.api === undefined || r.api === filter.api)
      && (filter.user === undefined || r.user === filter.user)
      && (filter.sinceSeq === undefined || r.seq > filter.sinceSeq))
  }

  clear(): void {
    this.records.length = 0
  }
}
