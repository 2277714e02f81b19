import { AsyncLocalStorage } from 'node:async_hooks'
import type { Agent as HttpAgent, ClientRequest } from 'node:http'

/**
 * When a paced call really left this process. The pacers record a call when they let it through;
 * if the event loop is then blocked (a long synchronous piece of work, a garbage collection) the
 * request is only written when the block ends, and reaches Feishu later than recorded — bunched
 * with the calls let through after it, and over Feishu's limit (measured: 100–250 ms blocks while
 * jobs were created gave 429s). The pacer runs each call inside `sendClock.run(grant, …)`; the
 * Feishu HTTP agents tell the grant when its request was handed to the operating system.
 */
export interface Grant {
  /** Called once, with Date.now() when the request was written. */
  sent(at: number): void
}

export const sendClock = new AsyncLocalStorage<Grant>()

/** Makes an agent report, for requests made inside sendClock.run, when each was written. */
export function reportSends<A extends HttpAgent>(agent: A): A {
  const add = (agent as unknown as { addRequest: (req: ClientRequest, options: unknown) => void }).addRequest.bind(agent)
  ;(agent as unknown as { addRequest: (req: ClientRequest, options: unknown) => void }).addRequest = (req, options) => {
    const grant = sendClock.getStore()
    if (grant) req.once('finish', () => grant.sent(Date.now()))
    add(req, options)
  }
  return agent
}
