import type { Logger } from '../logger'
import type { Metrics } from '../metrics'
import { FeishuError, type FeishuHttp, type FeishuRequest } from './http'

/** `/open-apis/payroll/v1/datasource_records/save` → `payroll/v1/datasource_records/save`; ids never become labels. */
export function apiLabel(path: string): string {
  const segs = path.replace(/^\/open-apis\//, '').split('/')
  // A document's token, table id or value range follows these words (however short it is).
  return segs.map((s, i) => (/\d{4,}|^[A-Za-z0-9_-]{24,}$/.test(s) || ID_AFTER.has(segs[i - 1] ?? '') ? ':id' : s)).join('/')
}

const ID_AFTER = new Set(['spreadsheets', 'values', 'apps', 'tables'])

/**
 * Counts every Feishu call by API and outcome and logs each failure once, with Feishu's code and
 * log id (what Feishu support asks for). Wraps the HTTP layer, so executors and routes stay as they
 * are. The request (token, body) is never logged; only the classified answer is.
 */
export function observedFeishuHttp(http: FeishuHttp, deps: { logger: Logger; metrics?: Metrics }): FeishuHttp {
  async function observed<R>(req: FeishuRequest, send: () => Promise<R>): Promise<R> {
    const api = apiLabel(req.path)
    try {
      const answer = await send()
      deps.metrics?.feishuCalls.inc({ api, outcome: 'ok' })
      return answer
    } catch (e) {
      if (e instanceof FeishuError) {
        deps.metrics?.feishuCalls.inc({ api, outcome: e.failure.kind })
        if (e.failure.kind === 'rate_limited') deps.metrics?.feishuRateLimited.inc({ api })
        // Rate limits and lock waits are routine (paced and retried): info; the rest: warn.
        const routine = e.failure.kind === 'rate_limited' || e.failure.kind === 'lock_busy'
        deps.logger[routine ? 'info' : 'warn']('feishu call failed', { api, kind: e.failure.kind, httpStatus: e.httpStatus, code: e.code, logId: e.logId, feishuMessage: e.feishuMessage })
      }
      throw e
    }
  }
  return {
    call: (req) => observed(req, () => http.call<never>(req)),
    callBytes: (req) => observed(req, () => http.callBytes(req)),
  }
}
