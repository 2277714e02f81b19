// The three ids a person has on the open platform, and the `user_id_type` query that picks one
// (open_id by default, as Feishu's APIs document it).
import type { Employee } from '../seed/employees'
import type { SandboxState } from '../state'
import { FeishuError } from './envelope'
import type { ApiContext } from './pipeline'

export const USER_ID_TYPES = ['open_id', 'union_id', 'user_id'] as const
export type UserIdType = (typeof USER_ID_TYPES)[number]

/** The call's `user_id_type`; another value answers the API's own "param invalid". */
export function userIdTypeOf(ctx: ApiContext): UserIdType {
  const raw = ctx.c.req.query('user_id_type') ?? 'open_id'
  if (!(USER_ID_TYPES as readonly string[]).includes(raw)) throw new FeishuError(400, ctx.spec.paramInvalid.code, `user_id_type must be one of ${USER_ID_TYPES.join(', ')}`)
  return raw as UserIdType
}

/** The person an id of that kind names. */
export function employeeById(state: SandboxState, type: UserIdType, id: string): Employee | undefined {
  return type === 'user_id' ? state.byUserId.get(id) : type === 'union_id' ? state.byUnionId.get(id) : state.byOpenId.get(id)
}

/** The person's id of that kind. */
export function idOfType(e: Employee, type: UserIdType): string {
  return type === 'user_id' ? e.user_id : type === 'union_id' ? e.union_id : e.open_id
}
