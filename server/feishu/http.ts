import { Agent as HttpAgent } from 'node:http'
import { Agent as HttpsAgent } from 'node:https'
import axios, { type AxiosInstance } from 'axios'
import { reportSends } from './send-clock'
import { bodyCode, bodyMessage, classify, type FeishuAnswer, type FeishuFailure } from './classify'

/** A Feishu call that did not succeed, already classified. Never carries a token. */
export class FeishuError extends Error {
  constructor(
    readonly failure: FeishuFailure,
    readonly httpStatus: number,
    readonly code: number | null,
    readonly feishuMessage: string,
    readonly logId: string | null,
  ) {
    super(`Feishu ${failure.kind} (HTTP ${httpStatus}, code ${code ?? '-'}): ${feishuMessage}`)
    this.name = 'FeishuError'
  }
}

export interface FeishuRequest {
  method: 'GET' | 'POST'
  path: string
  token?: string
  /** A list is sent as the key repeated (user_ids=a&user_ids=b), as Feishu's list parameters are. */
  query?: Record<string, string | number | readonly string[] | undefined>
  body?: unknown
  timeoutMs?: number
}

export interface FeishuHttp {
  /** Resolves with the parsed body on success; rejects with a FeishuError otherwise. */
  call<T>(req: FeishuRequest): Promise<{ data: T; logId: string | null }>
  /**
   * As `call`, but resolves with the answer's bytes, neither decoded nor parsed: for large answers
   * passed on as they are (a sheet's values). A failure is parsed and classified as for `call`.
   */
  callBytes(req: FeishuRequest): Promise<{ bytes: Uint8Array; logId: string | null }>
}

/** A successful answer as Feishu writes it starts so; anything else is parsed and classified. */
const PLAIN_SUCCESS = new TextEncoder().encode('{"code":0,')

/**
 * The one place that talks HTTP to Feishu (or the sandbox: only the base URL differs). It never
 * throws on an HTTP status — every answer goes through `classify` — and it never logs tokens.
 */
export function feishuHttp(baseUrl: string, instance?: AxiosInstance): FeishuHttp {
  const http = instance ?? axios.create({
    baseURL: baseUrl, timeout: 30_000, validateStatus: () => true, maxRedirects: 0, proxy: false,
    paramsSerializer: { indexes: null },
    // Kept-alive connections; each request tells its pacer when it really went out (send-clock.ts).
    httpAgent: reportSends(new HttpAgent({ keepAlive: true })), httpsAgent: reportSends(new HttpsAgent({ keepAlive: true })),
  })
  async function send(req: FeishuRequest, raw: boolean): Promise<{ status: number; headers: Record<string, string | undefined>; data: unknown }> {
    try {
      const res = await http.request({
        method: req.method,
        url: req.path,
        params: req.query,
        data: req.body,
        timeout: req.timeoutMs ?? 30_000,
        headers: {
          'Content-Type': 'application/json; charset=utf-8',
          ...(req.token ? { Authorization: `Bearer ${req.token}` } : {}),
        },
        ...(raw ? { responseType: 'arraybuffer' as const, transformResponse: [(d: unknown) => d] } : {}),
      })
      return { status: res.status, headers: lowerHeaders(res.headers as Record<string, unknown>), data: res.data }
    } catch (e) {
      const cause = axios.isAxiosError(e) ? (e.code ?? e.message) : String(e)
      throw new FeishuError({ kind: 'network', cause }, 0, null, cause, null)
    }
  }

  function check(answer: FeishuAnswer): string | null {
    const logId = answer.headers['x-tt-logid'] ?? null
    const failure = classify(answer)
    if (failure) throw new FeishuError(failure, answer.status, bodyCode(answer.body), bodyMessage(answer.body), logId)
    return logId
  }

  return {
    async call<T>(req: FeishuRequest) {
      const res = await send(req, false)
      const answer: FeishuAnswer = { status: res.status, headers: res.headers, body: res.data }
      return { data: answer.body as T, logId: check(answer) }
    },
    async callBytes(req: FeishuRequest) {
      const res = await send(req, true)
      const data = res.data
      const bytes = data instanceof Uint8Array ? data : data instanceof ArrayBuffer ? new Uint8Array(data) : new TextEncoder().encode(String(data ?? ''))
      if (res.status === 200 && PLAIN_SUCCESS.every((b, i) => bytes[i] === b)) return { bytes, logId: res.headers['x-tt-logid'] ?? null }
      // Anything else (an error, or a success written another way) is parsed and judged as `call` does.
      const text = new TextDecoder().decode(bytes)
      let body: unknown = text
      try { body = JSON.parse(text) } catch { /* not JSON: classify says what it is */ }
      return { bytes, logId: check({ status: res.status, headers: res.headers, body }) }
    },
  }
}

function lowerHeaders(h: Record<string, unknown>): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {}
  for (const [k, v] of Object.entries(h)) out[k.toLowerCase()] = v == null ? undefined : String(v)
  return out
}
