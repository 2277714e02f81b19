import { Hono } from 'hono'
import { decryptEvent, signatureValid } from '../approval/event-crypto'
import type { ApprovalService } from '../approval/service'
import type { Clock } from '../clock'
import type { Logger } from '../logger'
import type { ApprovalsRepo } from '../store/approvals-repo'

/**
 * The event request URL (开发者后台 → 事件与回调 → 请求地址): `POST /api/feishu/events`. Outside the
 * session and CSRF checks — Feishu's servers call it — so every request must prove itself:
 * - an event must carry a valid X-Lark-Signature and be encrypted with the Encrypt Key: anything
 *   else answers 401 and changes nothing;
 * - the console's url_verification is answered when it decrypts with our key (and carries our
 *   Verification Token): only Feishu knows the key, and answering leaks nothing but the challenge.
 *   Its signature is checked when present (the docs do not promise one on the challenge).
 * An event seen before (same uuid / event_id) is answered 200 and not handled again. The event is
 * only a hint: the instance is read back from Feishu before anything is decided, so a replayed or
 * out-of-order event can never move a job to a state Feishu does not hold.
 */
export function feishuEventRoutes(deps: { events: { encryptKey: string; verificationToken: string | null } | null; appId: string; approvals: ApprovalService; repo: ApprovalsRepo; clock: Clock; logger: Logger }) {
  const { logger } = deps
  return new Hono().post('/', async (c) => {
    const cfg = deps.events
    if (!cfg) return c.json({ error: { code: 'not_found', message: 'Event subscription is not configured.' } }, 404)
    const raw = await c.req.text()
    const refuse = (why: string) => {
      logger.warn('feishu event refused', { why, requestId: c.get('requestId') })
      return c.json({ error: { code: 'unauthorized', message: 'The event is not signed by Feishu.' } }, 401)
    }
    const headers = { timestamp: c.req.header('x-lark-request-timestamp'), nonce: c.req.header('x-lark-request-nonce'), signature: c.req.header('x-lark-signature') }
    let outer: { encrypt?: unknown }
    try { outer = JSON.parse(raw) as { encrypt?: unknown } } catch { return refuse('body is not JSON') }
    if (typeof outer?.encrypt !== 'string') return refuse('body is not encrypted')
    let payload: Record<string, unknown>
    try { payload = JSON.parse(decryptEvent(cfg.encryptKey, outer.encrypt)) as Record<string, unknown> } catch { return refuse('body does not decrypt with the Encrypt Key') }
    const header = (payload.header ?? {}) as Record<string, unknown>
    const token = payload.token ?? header.token
    if (cfg.verificationToken !== null && token !== cfg.verificationToken) return refuse('verification token mismatch')

    if (payload.type === 'url_verification') {
      if (headers.signature && !signatureValid(headers, cfg.encryptKey, raw)) return refuse('bad signature on url_verification')
      return c.json({ challenge: payload.challenge })
    }
    if (!signatureValid(headers, cfg.encryptKey, raw)) return refuse('missing or bad X-Lark-Signature')

    // v1 envelope (`uuid`, `event.type`) as the approval_instance event documents; v2 (`header.event_id`) too.
    const event = (payload.event ?? {}) as Record<string, unknown>
    const eventId = typeof payload.uuid === 'string' ? payload.uuid : typeof header.event_id === 'string' ? header.event_id : null
    const type = event.type ?? header.event_type
    if (!eventId) return refuse('event without an id')
    if ((event.app_id ?? header.app_id) !== deps.appId) {
      logger.info('feishu event for another app ignored', { eventId })
      return c.json({})
    }
    if (!(await deps.repo.firstSighting(eventId, deps.clock.now()))) {
      logger.debug('feishu event seen before; ignored', { eventId })
      return c.json({})
    }
    if (type === 'approval_instance' && typeof event.instance_code === 'string') {
      const code = event.instance_code
      // Feishu wants an answer within 3 s; the decision (a read-back, maybe a drift check) runs after it.
      void deps.approvals.refresh(code).then(
        (r) => { if (r === 'unknown') logger.info('approval event for an unknown instance; ignored', { eventId, instanceCode: code }) },
        (e: unknown) => logger.warn('approval event could not be handled; polling retries', { eventId, instanceCode: code, error: e }),
      )
    } else {
      logger.info('feishu event of another type ignored', { eventId, type: String(type) })
    }
    return c.json({})
  })
}
