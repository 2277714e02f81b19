// Request bodies as Feishu's gateway accepts them: JSON with or without `charset` (or no content type),
// no body at all, or — only where `allowForm` (the OAuth endpoints, RFC 6749) — a form.
// A GET's body is ignored: the node SDK sends `"{}"` with its GETs (§7.3).
import type { Context } from 'hono'
import type { ErrorSpec } from './apis'
import { FeishuError } from './envelope'

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

export async function readBody(c: Context, invalid: ErrorSpec, allowForm = false): Promise<Record<string, unknown>> {
  const method = c.req.method
  if (method === 'GET' || method === 'HEAD') return {}
  const text = await c.req.text()
  if (text.trim() === '') return {}
  const type = c.req.header('content-type') ?? ''
  if (allowForm && type.includes('application/x-www-form-urlencoded')) return Object.fromEntries(new URLSearchParams(text))
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch {
    throw new FeishuError(invalid.status, invalid.code, `${invalid.msg}: request body is not valid JSON`)
  }
  if (!isRecord(parsed)) throw new FeishuError(invalid.status, invalid.code, `${invalid.msg}: request body must be a JSON object`)
  return parsed
}
