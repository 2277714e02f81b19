// What an event request to POST /api/feishu/events holds, once proven to come from Feishu: the
// envelope rules (encryption, Verification Token, signature, v1 and v2 shapes) apart from the route.
import { decryptEvent, signatureValid } from './event-crypto'

export interface EventConfig { encryptKey: string; verificationToken: string | null }
export interface EventHeaders { timestamp?: string; nonce?: string; signature?: string }

export type OpenedEvent =
  /** Not from Feishu (or not for us to read): answer 401 and change nothing. */
  | { kind: 'refused'; why: string }
  /** The console's url_verification: answer the challenge. */
  | { kind: 'challenge'; challenge: unknown }
  /** An event: `id` is its uuid (v1) or event_id (v2). */
  | { kind: 'event'; id: string; type: unknown; appId: unknown; event: Record<string, unknown> }

/**
 * - an event must carry a valid X-Lark-Signature and be encrypted with the Encrypt Key;
 * - the console's url_verification is answered when it decrypts with our key (and carries our
 *   Verification Token): only Feishu knows the key, and answering leaks nothing but the challenge.
 *   Its signature is checked when present (the docs do not promise one on the challenge).
 */
export function openEvent(raw: string, headers: EventHeaders, cfg: EventConfig): OpenedEvent {
  let outer: { encrypt?: unknown }
  try { outer = JSON.parse(raw) as { encrypt?: unknown } } catch { return { kind: 'refused', why: 'body is not JSON' } }
  if (typeof outer?.encrypt !== 'string') return { kind: 'refused', why: 'body is not encrypted' }
  let payload: Record<string, unknown>
  try { payload = JSON.parse(decryptEvent(cfg.encryptKey, outer.encrypt)) as Record<string, unknown> } catch { return { kind: 'refused', why: 'body does not decrypt with the Encrypt Key' } }
  const header = (payload.header ?? {}) as Record<string, unknown>
  const token = payload.token ?? header.token
  if (cfg.verificationToken !== null && token !== cfg.verificationToken) return { kind: 'refused', why: 'verification token mismatch' }

  if (payload.type === 'url_verification') {
    if (headers.signature && !signatureValid(headers, cfg.encryptKey, raw)) return { kind: 'refused', why: 'bad signature on url_verification' }
    return { kind: 'challenge', challenge: payload.challenge }
  }
  if (!signatureValid(headers, cfg.encryptKey, raw)) return { kind: 'refused', why: 'missing or bad X-Lark-Signature' }

  // v1 envelope (`uuid`, `event.type`) as the approval_instance event documents; v2 (`header.event_id`) too.
  const event = (payload.event ?? {}) as Record<string, unknown>
  const id = typeof payload.uuid === 'string' ? payload.uuid : typeof header.event_id === 'string' ? header.event_id : null
  if (!id) return { kind: 'refused', why: 'event without an id' }
  return { kind: 'event', id, type: event.type ?? header.event_type, appId: event.app_id ?? header.app_id, event }
}
