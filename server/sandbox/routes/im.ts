// IM 发送消息 `POST /open-apis/im/v1/messages?receive_id_type=…` (server-side API reference
// im-v1/message/create), as far as the app uses it: one message from the app's bot to one person.
//   - tenant_access_token only here (the bot speaks; see apis.ts), scope im:message or im:message:send_as_bot;
//   - 1000/min and 50/s per app (gateway: HTTP 429 + 99991400), and 5 QPS to the same person → 230020;
//   - 230006 bot ability not activated (knob `imBotEnabled`), 230013 the person is outside the bot's
//     availability (knob `imUnavailableUsers`) — a person who has left the company answers 230013 too
//     (UNCONFIRMED which code Feishu picks for a resigned person; 230013 is the one a sender cannot fix);
//   - `content` is a JSON string; an interactive card is at most 30 KB (230025 beyond);
//   - `uuid` (≤ 50 chars): requests with the same uuid send at most one message within 1 hour; a repeat
//     answers the first message (UNCONFIRMED whether Feishu answers success or an error; success is what
//     makes a client's retry after a lost answer safe, so the sandbox takes the stricter dedup only).
import { APIS } from '../platform/apis'
import { FeishuError, ok } from '../platform/envelope'
import { mountApi, registerRoute, type ApiContext, type SandboxApp } from '../platform/pipeline'
import { employeeById, USER_ID_TYPES, type UserIdType } from '../platform/user-ids'
import { messagesPage, resolveLink } from '../pages/messages'
import type { Employee } from '../seed/employees'
import type { SandboxState, SentMessage } from '../state'

const RECEIVE_ID_TYPES = ['open_id', 'user_id', 'union_id', 'email', 'chat_id'] as const
const MSG_TYPES = ['text', 'post', 'image', 'file', 'audio', 'media', 'sticker', 'interactive', 'share_chat', 'share_user', 'system'] as const
export const CARD_MAX_BYTES = 30 * 1024
const TEXT_MAX_BYTES = 150 * 1024
export const PER_USER_QPS = 5
const UUID_TTL_MS = 3_600_000

const invalid = (ext: string) => new FeishuError(400, 230001, `Your request contains an invalid request parameter, ext=${ext}.`)

function recipient(state: SandboxState, type: string, id: string): Employee | undefined {
  if (type === 'email') return state.employees.find((e) => e.email === id)
  return (USER_ID_TYPES as readonly string[]).includes(type) ? employeeById(state, type as UserIdType, id) : undefined
}

/** Sliding 1 s window of sends per recipient. */
function underUserLimit(state: SandboxState, userId: string): boolean {
  if (!state.knobs.rateLimitEnabled) return true
  const m = state.imSendTimes
  const now = state.now()
  const recent = (m.get(userId) ?? []).filter((t) => now - t < 1000)
  if (recent.length >= PER_USER_QPS) { m.set(userId, recent); return false }
  recent.push(now)
  m.set(userId, recent)
  return true
}

function reply(state: SandboxState, m: SentMessage) {
  return ok({
    message_id: m.message_id,
    msg_type: m.msg_type,
    create_time: String(m.create_time),
    update_time: String(m.create_time),
    deleted: false,
    updated: false,
    chat_id: `oc_p2p_${m.open_id.slice(3)}`,
    sender: { id: m.app_id, id_type: 'app_id', sender_type: 'app', tenant_key: state.tenantKey },
    body: { content: m.content },
    mentions: [],
  })
}

async function send(ctx: ApiContext) {
  const { c, state, body, principal } = ctx
  const type = c.req.query('receive_id_type')
  if (!type) throw invalid('receive_id_type is required')
  if (!(RECEIVE_ID_TYPES as readonly string[]).includes(type)) throw invalid('invalid receive_id_type')
  const { receive_id: receiveId, msg_type: msgType, content, uuid } = body
  if (typeof receiveId !== 'string' || !receiveId) throw invalid('receive_id is required')
  if (typeof msgType !== 'string' || !(MSG_TYPES as readonly string[]).includes(msgType)) throw invalid('invalid msg_type')
  if (typeof content !== 'string' || !content) throw invalid('content is required')
  if (uuid !== undefined && (typeof uuid !== 'string' || uuid.length > 50)) throw invalid('uuid must be a string of at most 50 characters')
  if (!state.knobs.imBotEnabled) throw new FeishuError(400, 230006, 'Bot ability is not activated.')

  let parsed: unknown
  try { parsed = JSON.parse(content) } catch { throw invalid('content is not valid JSON') }
  if (typeof parsed !== 'object' || parsed === null) throw invalid('content is not valid JSON')
  const bytes = Buffer.byteLength(content, 'utf8')
  if (msgType === 'interactive' && bytes > CARD_MAX_BYTES) throw new FeishuError(400, 230025, 'The length of the message content reaches its limit.')
  if (bytes > TEXT_MAX_BYTES) throw new FeishuError(400, 230025, 'The length of the message content reaches its limit.')
  // The app only ever messages people; a chat would need the bot in the group (230002).
  if (type === 'chat_id') throw new FeishuError(400, 230002, 'The bot can not be outside the group.')

  const to = recipient(state, type, receiveId)
  if (!to) throw invalid('invalid receive_id')
  if (to.status !== 'hired' || state.knobs.imUnavailableUsers.includes(to.user_id)) {
    throw new FeishuError(400, 230013, 'Bot has NO availability to this user.')
  }

  const now = state.now()
  if (typeof uuid === 'string') {
    const earlier = state.imUuids.get(uuid)
    if (earlier && now - earlier.create_time < UUID_TTL_MS && earlier.user_id === to.user_id) return reply(state, earlier)
  }
  if (!underUserLimit(state, to.user_id)) throw new FeishuError(400, 230020, 'This operation triggers the frequency limit.')

  ctx.setCallUser(to.user_id)
  await ctx.latency()
  const m: SentMessage = {
    message_id: `om_${state.messages.length.toString(16).padStart(8, '0')}${Math.random().toString(16).slice(2, 14)}`,
    user_id: to.user_id, open_id: to.open_id, msg_type: msgType, content,
    uuid: typeof uuid === 'string' ? uuid : null, create_time: now, app_id: principal?.appId ?? state.appId,
  }
  state.messages.push(m)
  if (m.uuid) state.imUuids.set(m.uuid, m)
  return reply(state, m)
}

export function mountImRoutes(app: SandboxApp, state: SandboxState): void {
  mountApi(app, state, APIS['im.message.create'], send, { selfLatency: true })

  // Sandbox-only: what each person received. `user` = user_id (default: every message).
  registerRoute(app, 'GET', '/sandbox/inspect/messages')
  app.get('/sandbox/inspect/messages', (c) => {
    const user = c.req.query('user')
    const messages = state.messages.filter((m) => !user || m.user_id === user).map((m) => {
      let card: unknown = null
      try { card = JSON.parse(m.content) } catch { /* shown as null */ }
      const links = m.msg_type === 'interactive' ? cardLinks(card).map((url) => ({ url, opens: resolveLink(state, url) })) : []
      return { message_id: m.message_id, user_id: m.user_id, open_id: m.open_id, msg_type: m.msg_type, uuid: m.uuid, create_time: m.create_time, card, links }
    })
    return c.json({ messages })
  })
  registerRoute(app, 'GET', '/sandbox/messages')
  app.get('/sandbox/messages', (c) => {
    const lang = c.req.query('lang') === 'en-US' ? 'en-US' : 'zh-CN'
    const asked = c.req.query('user')
    const user = asked && state.byUserId.has(asked) ? asked : (state.messages.at(-1)?.user_id ?? 'wangfang')
    return c.html(messagesPage(state, user, lang))
  })
}

/** Every button URL of a card (all languages). */
export function cardLinks(card: unknown): string[] {
  const out: string[] = []
  const walk = (v: unknown) => {
    if (Array.isArray(v)) { v.forEach(walk); return }
    if (!v || typeof v !== 'object') return
    const o = v as Record<string, unknown>
    if (o.tag === 'button') {
      const multi = o.multi_url as { url?: unknown } | undefined
      const url = typeof multi?.url === 'string' ? multi.url : o.url
      if (typeof url === 'string' && !out.includes(url)) out.push(url)
    }
    Object.values(o).forEach(walk)
  }
  walk(card)
  return out
}
