import { Hono } from 'hono'
import { z } from 'zod'
import type { SessionService } from '../auth/sessions'
import type { Clock } from '../clock'
import { AppError } from '../errors'
import { requireSession, type CookieOptions } from '../middleware/session'
import { bodyOf, validateJson } from '../middleware/validate'
import type { MappingsRepo } from '../store/mappings-repo'

const targetKind = z.enum(['payroll', 'attendance'])
/** Datasource codes and archive rule ids: short, no slashes or spaces. */
const targetId = z.string().min(1).max(128).regex(/^[A-Za-z0-9_.:-]+$/)

export const saveMappingBody = z.object({
  entries: z.array(z.object({
    header: z.string().min(1).max(200),
    field: z.string().min(1).max(128).nullable(),
  })).max(1000),
})

/**
 * A person's saved column mapping per import target, offered the next time they import.
 * The owner is the signed-in person (tenant + open_id), never anything in the request.
 */
export function mappingRoutes(deps: { repo: MappingsRepo; sessions: SessionService; cookie: CookieOptions; clock: Clock }) {
  const auth = requireSession(deps.sessions, deps.cookie)
  const target = (kind: string, id: string) => {
    const k = targetKind.safeParse(kind)
    const i = targetId.safeParse(id)
    if (!k.success || !i.success) throw new AppError(400, 'invalid_request', 'Unknown import target.', [{ path: k.success ? 'targetId' : 'targetKind', message: 'invalid' }])
    return { kind: k.data, id: i.data }
  }
  return new Hono()
    .get('/:targetKind/:targetId', auth, async (c) => {
      const t = target(c.req.param('targetKind'), c.req.param('targetId'))
      const { tenantKey, openId } = c.get('session').user
      const saved = await deps.repo.get({ tenantKey, openId }, t)
      return c.json({ mapping: saved ? { entries: saved.entries, updated_at: saved.updatedAt } : null })
    })
    .put('/:targetKind/:targetId', auth, validateJson(saveMappingBody), async (c) => {
      const t = target(c.req.param('targetKind'), c.req.param('targetId'))
      const { tenantKey, openId } = c.get('session').user
      const body = bodyOf(c, saveMappingBody)
      // Later entries for the same header win; a header appears once.
      const entries = [...new Map(body.entries.map((e) => [e.header, e])).values()]
      await deps.repo.put({ tenantKey, openId }, t, entries, deps.clock.now())
      return c.json({ mapping: { entries, updated_at: deps.clock.now() } })
    })
}
