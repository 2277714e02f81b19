import { Hono } from 'hono'
import { openEvent, type EventConfig } from '../approval/event-envelope'
import type { ApprovalService } from '../approval/service'
import type { Clock } from '../clock'
import type { Logger } from '../logger'
import type { ApprovalsRepo } from '../store/approvals-repo'

/**
 * The event request URL (开发者后台 → 事件与回调 → 请求地址): `POST /api/feishu/events`. Outside the
 * session and CSRF checks — Feishu's servers call it — so every request must prove itself
 * (server/approval/event-envelope.ts); anything else answers 401 and changes nothing. An event seen
 * before (same uuid / event_id) is answered 200 and not handled again. The event is only a hint: the instance is read back from Feishu before anything is decided, so a replayed or
 * out-of-order event can never move a job to a state Feishu does not hold.
 */
export function feishuEventRoutes(deps: { events: EventConfig | null; appId: string; approvals: ApprovalService; repo: ApprovalsRepo; clock: Clock; logger: Logger }) {
  const { logger } = deps
  return new Hono().post('/', async (c) => {
    const cfg = deps.events
    if (!cfg) return c.json({ error: { code: 'not_found', message: 'Event subscription is not configured.' } }, 404)
    const opened = openEvent(await c.req.text(), {
      timestamp: c.req.header('x-lark-request-timestamp'), nonce: c.req.header('x-lark-request-nonce'), signature: c.req.header('x-lark-signature'),
    }, cfg)
    if (opened.kind === 'refused') {
      logger.warn('feishu event refused', { why: opened.why, requestId: c.get('requestId') })
      return c.json({ error: { code: 'unauthorized', message: 'The event is not signed by Feishu.' } }, 401)
    }
    if (opened.kind === 'challenge') return c.json({ challenge: opened.challenge })
    const { id: eventId, type, event } = opened
    if (opened.appId !== deps.appId) {
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
