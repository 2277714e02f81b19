// Contact v3 (通讯录): one user by id (to name an approver) and users in batches (to write a Base
// person field as an employee number). Field presence follows the app's enabled field scopes, as the
// docs' 字段权限要求 say; every tenant member is in a persona's contact range (UNCONFIRMED: Feishu limits
// a user token to the person's range — users outside it are simply not in `items`, the sandbox's pick).
import { APIS } from '../platform/apis'
import { FeishuError, ok } from '../platform/envelope'
import { mountApi, type SandboxApp } from '../platform/pipeline'
import { employeeById, userIdTypeOf } from '../platform/user-ids'
import type { Employee } from '../seed/employees'
import type { SandboxState } from '../state'

/** 批量获取用户信息: at most 50 ids a call (its docs). */
const CONTACT_BATCH_MAX = 50

/** A user as the contact v3 user object gives it, each sensitive field only with its scope. */
function userJson(state: SandboxState, e: Employee) {
  const has = (s: string) => state.knobs.appScopes.includes(s)
  return {
    open_id: e.open_id, union_id: e.union_id,
    ...(has('contact:user.employee_id:readonly') ? { user_id: e.user_id } : {}),
    ...(has('contact:user.base:readonly') ? { name: e.name, en_name: e.en_name } : {}),
    ...(has('contact:user.email:readonly') ? { email: e.email } : {}),
    ...(has('contact:user.employee_number:read') ? { employee_no: e.employee_no } : {}),
    status: { is_frozen: false, is_resigned: e.status === 'terminated', is_activated: e.status !== 'terminated', is_exited: false, is_unjoin: false },
  }
}

export function mountContactRoutes(app: SandboxApp, state: SandboxState): void {
  // Mounted before the single-user route: `/users/batch` is not a user id.
  mountApi(app, state, APIS['contact.user.batch'], (ctx) => {
    const type = userIdTypeOf(ctx)
    // Repeated `user_ids=…` (the docs' form); `user_ids[]=…` as some clients write arrays.
    const ids = [...(ctx.c.req.queries('user_ids') ?? []), ...(ctx.c.req.queries('user_ids[]') ?? [])].filter((id) => id !== '')
    if (ids.length === 0 || ids.length > CONTACT_BATCH_MAX) throw new FeishuError(400, ctx.spec.paramInvalid.code, `user_ids: 1 to ${CONTACT_BATCH_MAX} ids`)
    // Ids that name nobody (or nobody the caller may see) are left out of `items`.
    const items = ids.map((id) => employeeById(state, type, id)).filter((e): e is Employee => e !== undefined).map((e) => userJson(state, e))
    return ok({ items })
  })

  // Contact v3 user get (as far as the app needs it: name, en_name, ids). Unknown → 41050 "no user
  // authority" would be Feishu's answer for users outside the app's contact range; the sandbox
  // answers 40010 "user not found" (UNCONFIRMED) for an id it does not know.
  mountApi(app, state, APIS['contact.user.get'], (ctx) => {
    const e = employeeById(state, userIdTypeOf(ctx), ctx.c.req.param('user_id') ?? '')
    if (!e) throw new FeishuError(400, 40010, 'user not found')
    return ok({ user: { name: e.name, en_name: e.en_name, open_id: e.open_id, union_id: e.union_id, ...(state.knobs.appScopes.includes('contact:user.employee_id:readonly') ? { user_id: e.user_id } : {}) } })
  })
}
