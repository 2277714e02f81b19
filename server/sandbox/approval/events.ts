// Event delivery to the app's request URL (开发者后台 → 事件与回调), as Feishu's event subscription
// documents it for the v1 `approval_instance` event:
// - body `{ ts, uuid, token, type: 'event_callback', event: {...} }`; with an Encrypt Key the body sent
//   is `{ "encrypt": base64(iv ‖ AES-256-CBC(sha256(key), iv, json, PKCS#7)) }`;
// - headers X-Lark-Request-Timestamp, X-Lark-Request-Nonce and
//   X-Lark-Signature = hex(sha256(timestamp + nonce + encrypt_key + raw body));
// - the console's "verify" sends `{ challenge, token, type: 'url_verification' }` the same way and
//   expects `{ challenge }` back within 1 s.
// Feishu retries a failed delivery later (15 s, 5 min, 1 h, 6 h); the sandbox does not retry — the
// `drop` knob stands for a lost event, and the app's polling must cover it.
import { createCipheriv, createHash, randomBytes } from 'node:crypto'

export function encryptEvent(encryptKey: string, plaintext: string): string {
  const key = createHash('sha256').update(encryptKey, 'utf8').digest()
  const iv = randomBytes(16)
  const cipher = createCipheriv('aes-256-cbc', key, iv)
  return Buffer.concat([iv, cipher.update(plaintext, 'utf8'), cipher.final()]).toString('base64')
}

export function signEvent(timestamp: string, nonce: string, encryptKey: string, body: string): string {
  return createHash('sha256').update(timestamp + nonce + encryptKey + body, 'utf8').digest('hex')
}

export interface EventSettings { requestUrl: string | null; encryptKey: string | null; verificationToken: string }

export interface Delivery {
  seq: number
  uuid: string
  type: string
  instance_code: string | null
  status: string | null
  /** delivered: HTTP 200; failed: other status or no answer; dropped: the `drop` knob. */
  outcome: 'delivered' | 'failed' | 'dropped' | 'pending'
  httpStatus: number | null
  atMs: number
}

/** The wire form of one request: body text and headers, encrypted and signed when a key is set. */
export function wireRequest(settings: EventSettings, payload: object, nowMs: number): { body: string; headers: Record<string, string> } {
  const plain = JSON.stringify(payload)
  const body = settings.encryptKey ? JSON.stringify({ encrypt: encryptEvent(settings.encryptKey, plain) }) : plain
  const timestamp = String(Math.floor(nowMs / 1000))
  const nonce = randomBytes(8).toString('hex')
  const headers: Record<string, string> = { 'content-type': 'application/json; charset=utf-8', 'x-lark-request-timestamp': timestamp, 'x-lark-request-nonce': nonce }
  if (settings.encryptKey) headers['x-lark-signature'] = signEvent(timestamp, nonce, settings.encryptKey, body)
  return { body, headers }
}

export async function post(url: string, req: { body: string; headers: Record<string, string> }): Promise<{ status: number | null; text: string }> {
  try {
    const res = await fetch(url, { method: 'POST', headers: req.headers, body: req.body, signal: AbortSignal.timeout(3000) })
    return { status: res.status, text: await res.text() }
  } catch {
    return { status: null, text: '' }
  }
}
