// Approval v4 (审批): instance create / get / cancel and the definition's event subscription, with the
// app's tenant token; plus the sandbox-only approver side (a page and an endpoint that stand for the
// Feishu client's approval center) and event inspection. See ../README.md "Approval".
import { z } from 'zod'
import { PAYROLL_FORM, type ApprovalDefinition } from '../approval/definitions'
import type { Instance } from '../approval/instances'
import { APIS } from '../platform/apis'
import { FeishuError, ok } from '../platform/envelope'
import { mountApi, registerRoute, type ApiContext, type SandboxApp, type SandboxContext } from '../platform/pipeline'
import { str } from '../platform/params'
import { idOfType, userIdTypeOf } from '../platform/user-ids'
import { esc, hiddenInputs, page } from '../pages/html'
import type { SandboxState } from '../state'

const PARAM = (detail: string) => new FeishuError(400, 1390001, `param is invalid: ${detail}`)
// UNCONFIRMED numbers: 1390002 "approval code not found" and 1390003 "instance code not found" are
// what the approval error table lists for these cases as far as we could read it; 1390007
// "subscription existed" for a second subscribe (the app treats it as success).
const NO_DEFINITION = () => new FeishuError(400, 1390002, 'approval code not found')
const NO_INSTANCE = () => new FeishuError(400, 1390003, 'instance code not found')

function definition(state: SandboxState, code: unknown): ApprovalDefinition {
  if (typeof code !== 'string' || !code) throw PARAM('approval_code is required')
  const def = state.approval.definitions.get(code)
  if (!def) throw NO_DEFINITION()
  return def
}

/** The person named by user_id or open_id (user_id wins, as documented). */
function person(state: SandboxState, body: Record<string, unknown>, idType = 'open_id') {
  const userId = str(body.user_id)
  const openId = str(body.open_id)
  const e = userId ? (idType === 'open_id' ? state.byOpenId.get(userId) : state.byUserId.get(userId)) ?? state.byUserId.get(userId) : openId ? state.byOpenId.get(openId) : undefined
  if (!userId && !openId) throw PARAM('one of user_id and open_id is required')
  if (!e) throw PARAM('initiator not found')
  return e
}

/** `form` is a JSON *string* of `[{ id, type, value }]`; every id must be a widget of the definition. */
function checkForm(def: ApprovalDefinition, form: unknown): string {
  if (typeof form !== 'string') throw PARAM('form must be a JSON string')
  let parsed: unknown
  try { parsed = JSON.parse(form) } catch { throw PARAM('form is not valid JSON') }
  if (!Array.isArray(parsed)) throw PARAM('form must be an array of widgets')
  for (const w of parsed as Array<Record<string, unknown>>) {
    const widget = def.form.find((f) => f.id === w?.id)
    if (!widget) throw PARAM(`form widget ${String(w?.id)} is not in the definition`)
    if (w.type !== widget.type) throw PARAM(`form widget ${widget.id} has type ${widget.type}`)
    if (typeof w.value !== 'string') throw PARAM(`form widget ${widget.id} needs a string value`)
  }
  return form
}

function instanceView(state: SandboxState, inst: Instance, def: ApprovalDefinition | undefined, locale: string) {
  const openId = (u: string) => state.byUserId.get(u)?.open_id ?? ''
  const name = def ? (locale.startsWith('en') ? def.name['en-US'] : def.name['zh-CN']) : ''
  return {
    approval_code: inst.approval_code, approval_name: name, instance_code: inst.instance_code,
    start_time: String(inst.start_time), end_time: String(inst.end_time),
    user_id: inst.user_id, open_id: openId(inst.user_id), department_id: state.byUserId.get(inst.user_id)?.department ?? '',
    serial_number: inst.serial_number, status: inst.status, uuid: inst.uuid ?? '', form: inst.form, reverted: false,
    task_list: inst.tasks.map((t) => ({ id: t.id, user_id: t.user_id, open_id: openId(t.user_id), status: t.status, node_name: locale.startsWith('en') ? 'Approval' : '审批', type: 'OR', start_time: String(t.start_time), end_time: String(t.end_time) })),
    comment_list: inst.timeline.filter((e) => e.comment).map((e, i) => ({ id: String(i + 1), user_id: e.user_id, open_id: openId(e.user_id), comment: e.comment, create_time: String(e.create_time) })),
    timeline: inst.timeline.map((e) => ({ type: e.type, create_time: String(e.create_time), user_id: e.user_id, open_id: openId(e.user_id), ext: '{}', ...(e.comment ? { comment: e.comment } : {}) })),
  }
}

function appOf(ctx: ApiContext): string {
  if (!ctx.principal) throw new Error('approval APIs are mounted with token auth')
  return ctx.principal.appId
}

const decideSchema = z.strictObject({ instance_code: z.string().min(1), user_id: z.string().min(1), action: z.enum(['approve', 'reject']), comment: z.string().max(2000).optional() })
const deleteSchema = z.strictObject({ approval_code: z.string().min(1) })

export function mountApprovalRoutes(app: SandboxApp, state: SandboxState): void {
  const store = state.approval

  mountApi(app, state, APIS['approval.instance.create'], (ctx) => {
    const def = definition(state, ctx.body.approval_code)
    const initiator = person(state, ctx.body, 'user_id')
    const form = checkForm(def, ctx.body.form)
    const uuid = str(ctx.body.uuid) ?? null
    if (uuid !== null) {
      // UNCONFIRMED: the docs call uuid an idempotency key within the tenant; the same request again
      // answers the instance it created, a different one with the same uuid is refused.
      const same = [...store.instances.values()].find((i) => i.uuid === uuid)
      if (same) {
        if (same.approval_code !== def.approval_code || same.user_id !== initiator.user_id || same.form !== form) throw PARAM('uuid already used for another instance')
        return ok({ instance_code: same.instance_code })
      }
    }
    return ok({ instance_code: store.create(appOf(ctx), def, initiator.user_id, form, uuid).instance_code })
  })

  mountApi(app, state, APIS['approval.instance.get'], (ctx) => {
    const inst = store.instances.get(ctx.c.req.param('instance_id') ?? '')
    if (!inst) throw NO_INSTANCE()
    return ok(instanceView(state, inst, store.definitions.get(inst.approval_code), ctx.c.req.query('locale') ?? 'zh-CN'))
  })

  mountApi(app, state, APIS['approval.instance.cancel'], (ctx) => {
    const def = definition(state, ctx.body.approval_code)
    const inst = store.instances.get(str(ctx.body.instance_code) ?? '')
    if (!inst || inst.approval_code !== def.approval_code) throw NO_INSTANCE()
    const who = person(state, ctx.body, ctx.c.req.query('user_id_type') ?? 'open_id')
    // Only the initiator withdraws, and only while it is pending (UNCONFIRMED code: 1390001).
    if (who.user_id !== inst.user_id) throw PARAM('only the initiator can cancel')
    if (inst.status !== 'PENDING') throw PARAM(`instance is ${inst.status}`)
    store.cancel(inst, who.user_id)
    return ok({})
  })

  mountApi(app, state, APIS['approval.subscribe'], (ctx) => {
    const def = definition(state, ctx.c.req.param('approval_code'))
    const key = `${appOf(ctx)}|${def.approval_code}`
    if (store.subscriptions.has(key)) throw new FeishuError(400, 1390007, 'subscription existed')
    store.subscriptions.add(key)
    return ok({})
  })

  // 查看指定审批定义: name, status, the form's widgets (a JSON string), its nodes (one approval node
  // with who approves) and who may see the definition; an unknown code answers 1390002.
  mountApi(app, state, APIS['approval.definition.get'], (ctx) => {
    const code = ctx.c.req.param('approval_code') ?? ''
    const def = store.definitions.get(code)
    if (!def) throw NO_DEFINITION()
    const en = (ctx.c.req.query('locale') ?? 'zh-CN').startsWith('en')
    const idType = userIdTypeOf(ctx)
    const idOf = (userId: string) => { const e = state.byUserId.get(userId); return e ? idOfType(e, idType) : '' }
    const initiatorApproves = def.approvers.includes('initiator')
    return ok({
      approval_name: en ? def.name['en-US'] : def.name['zh-CN'],
      status: 'ACTIVE',
      form: JSON.stringify(def.form.map((w) => ({ id: w.id, name: en ? w.name['en-US'] : w.name['zh-CN'], type: w.type, required: true }))),
      node_list: [
        { name: en ? 'Start' : '提交', need_approver: false, node_id: 'b078ffd28db767c502ac367053f6e0ac', custom_node_id: 'START', node_type: 'AND', approver_chosen_multi: false },
        {
          name: en ? 'Approval' : '审批', need_approver: initiatorApproves, node_id: 'e0b3d2a9c8f7a6b5c4d3e2f1a0b9c8d7', custom_node_id: 'PAYROLL_APPROVE', node_type: 'OR', approver_chosen_multi: false,
          ...(initiatorApproves ? {} : { approver_chosen_range: [{ approver_range_type: 2, approver_range_ids: def.approvers.map(idOf) }] }),
        },
        { name: en ? 'End' : '结束', need_approver: false, node_id: 'b1a326c06d88bf042f73d70f50197905', custom_node_id: 'END', node_type: 'AND', approver_chosen_multi: false },
      ],
      viewers: [{ type: 'TENANT' }],
    })
  })

  // ---- sandbox-only: the approver's side and inspection ----
  const json = (body: unknown, status = 200) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json; charset=utf-8' } })
  const problem = (status: number, code: string, message: string) => json({ error: { code, message } }, status)
  const route = (method: 'GET' | 'POST', path: string, handler: (c: SandboxContext) => Promise<Response> | Response) => {
    registerRoute(app, method, path)
    app.on(method, path, handler)
  }
  const decide = (input: z.infer<typeof decideSchema>): Response | null => {
    const inst = store.instances.get(input.instance_code)
    if (!inst) return problem(404, 'not_found', `no instance ${input.instance_code}`)
    if (inst.status !== 'PENDING' || !inst.tasks.some((t) => t.user_id === input.user_id && t.status === 'PENDING')) {
      return problem(409, 'no_pending_task', `${input.user_id} has no pending task on this instance (it is ${inst.status})`)
    }
    store.decide(inst, input.user_id, input.action, input.comment ?? '')
    return null
  }

  route('GET', '/sandbox/approval/instances', (c) => {
    const userId = c.req.query('user_id')
    const list = [...store.instances.values()].filter((i) => !userId || i.user_id === userId || i.tasks.some((t) => t.user_id === userId))
    return json({ instances: list.map((i) => instanceView(state, i, store.definitions.get(i.approval_code), 'zh-CN')) })
  })

  route('POST', '/sandbox/approval/decide', async (c) => {
    const parsed = decideSchema.safeParse(await c.req.json().catch(() => undefined))
    if (!parsed.success) return problem(400, 'invalid_body', 'expected { instance_code, user_id, action: approve|reject, comment? }')
    const refused = decide(parsed.data)
    if (refused) return refused
    return json({ status: store.instances.get(parsed.data.instance_code)!.status })
  })

  /** The administrator deletes a definition: its pending instances become DELETED. */
  route('POST', '/sandbox/approval/delete-definition', async (c) => {
    const parsed = deleteSchema.safeParse(await c.req.json().catch(() => undefined))
    if (!parsed.success) return problem(400, 'invalid_body', 'expected { approval_code }')
    if (!store.definitions.has(parsed.data.approval_code)) return problem(404, 'not_found', 'no such definition')
    const n = store.deleteDefinition(parsed.data.approval_code)
    return json({ deleted_instances: n })
  })

  route('POST', '/sandbox/approval/verify-url', async () => json(await store.verifyUrl()))
  route('GET', '/sandbox/inspect/events', async (c) => {
    if (c.req.query('settle') === '1') await store.settled()
    return json({ deliveries: store.deliveries })
  })

  // The approval center of the Feishu client, reduced to one page per approver.
  route('GET', '/sandbox/approval', (c) => {
    const userId = c.req.query('user_id') ?? 'sunli'
    const me = state.byUserId.get(userId)
    if (!me) return problem(404, 'not_found', `no user ${userId}`)
    const mine = [...store.instances.values()].filter((i) => i.tasks.some((t) => t.user_id === userId)).reverse()
    const cards = mine.map((i) => {
      const def = store.definitions.get(i.approval_code)
      const widgets = (JSON.parse(i.form) as Array<{ id: string; value: string }>).map((w) => {
        const label = def?.form.find((f) => f.id === w.id)?.name ?? PAYROLL_FORM.find((f) => f.id === w.id)?.name
        const value = /^https?:\/\//.test(w.value) ? `<a data-testid="sandbox-approval-link" href="${esc(w.value)}">${esc(w.value)}</a>` : esc(w.value).replace(/\n/g, '<br>')
        return `<div><b>${esc(label?.['zh-CN'] ?? w.id)}</b><div style="overflow-wrap:anywhere;word-break:break-all">${value}</div></div>`
      }).join('')
      const initiator = state.byUserId.get(i.user_id)
      const pending = i.status === 'PENDING' && i.tasks.some((t) => t.user_id === userId && t.status === 'PENDING')
      const actions = pending
        ? `<form method="post" action="/sandbox/approval/page-decide">${hiddenInputs({ instance_code: i.instance_code, user_id: userId })}
             <textarea name="comment" data-testid="sandbox-comment-${esc(i.instance_code)}" placeholder="意见 Comment" style="width:100%;margin-top:8px"></textarea>
             <div class="actions"><button name="action" value="reject" data-testid="sandbox-reject">拒绝 Reject</button><button class="primary" name="action" value="approve" data-testid="sandbox-approve">同意 Approve</button></div></form>`
        : `<p data-testid="sandbox-approval-status">${esc(i.status)}</p>`
      return `<div class="card" data-testid="sandbox-approval-${esc(i.instance_code)}"><div class="sub">${esc(def?.name['zh-CN'] ?? i.approval_code)} · ${esc(initiator?.name ?? i.user_id)} · #${esc(i.serial_number)}</div>${widgets}${actions}</div>`
    }).join('')
    return c.html(page('审批 Approval', `<span class="badge">SANDBOX</span><h1>审批中心 · ${esc(me.name)}</h1><p class="sub">Approval center of ${esc(me.en_name ?? me.name)}</p>${cards || '<p data-testid="sandbox-approval-empty">没有审批 No approvals</p>'}`))
  })

  route('POST', '/sandbox/approval/page-decide', async (c) => {
    const form = await c.req.parseBody()
    const parsed = decideSchema.safeParse({ instance_code: form.instance_code, user_id: form.user_id, action: form.action, ...(typeof form.comment === 'string' && form.comment ? { comment: form.comment } : {}) })
    if (!parsed.success) return problem(400, 'invalid_body', 'incomplete form')
    const refused = decide(parsed.data)
    if (refused) return refused
    return c.redirect(`/sandbox/approval?user_id=${encodeURIComponent(parsed.data.user_id)}`, 303)
  })
}
