import { Hono, type Context } from 'hono'
import { z } from 'zod'
import { TARGET_KIND_NAMES } from '../../src/domain/write-targets'
import type { SessionService } from '../auth/sessions'
import type { Clock } from '../clock'
import { requireSession, type CookieOptions } from '../middleware/session'
import { bodyOf, paramsOf, validateJson, validateParams } from '../middleware/validate'
import type { MappingsRepo } from '../store/mappings-repo'

/** A target of the registry, and its id: datasource codes and archive rule ids are short, no slashes or spaces. */
const targetParams = z.object({ targetKind: z.enum(TARGET_KIND_NAMES), targetId: z.string().min(1).max(128).regex(/^[A-Za-z0-9_.:-]+$/) })

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
  const target = (c: Context) => {
    const p = paramsOf(c, targetParams)
    return { kind: p.targetKind, id: p.targetId }
  }
  return new Hono()
    .get('/:targetKind/:targetId', auth, validateParams(targetParams), async (c) => {
      const t = target(c)
      const { tenantKey, openId } = c.get('session').user
      const saved = await deps.repo.get({ tenantKey, openId }, t)
      return c.json({ mapping: saved ? { entries: saved.entries, updated_at: saved.updatedAt } : null })
    })
    .put('/:targetKind/:targetId', auth, validateParams(targetParams), validateJson(saveMappingBody), async (c) => {
      const t = target(c)
      const { tenantKey, openId } = c.get('session').user
      const body = bodyOf(c, saveMappingBody)
      // Later entries for the same header win; a header appears once.
      const entries = [...new Map(body.entries.map((e) => [e.header, e])).values()]
      await deps.repo.put({ tenantKey, openId }, t, entries, deps.clock.now())
      return c.json({ mapping: { entries, updated_at: deps.clock.now() } })
    })
}
