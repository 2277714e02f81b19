import type { Kysely } from 'kysely'
import type { Database } from './schema'

export interface MappingOwner { tenantKey: string; openId: string }
export interface MappingTarget { kind: string; id: string }
export interface MappingEntry { header: string; field: string | null }

export interface MappingsRepo {
  get(owner: MappingOwner, target: MappingTarget): Promise<{ entries: MappingEntry[]; updatedAt: number } | null>
  put(owner: MappingOwner, target: MappingTarget, entries: MappingEntry[], now: number): Promise<void>
}

/** Saved column mappings, always read and written by owner: nobody can reach another person's row. */
export function mappingsRepo(db: Kysely<Database>): MappingsRepo {
  return {
    async get(owner, target) {
      const row = await db.selectFrom('mappings')
        .select(['entries_json', 'updated_at'])
        .where('tenant_key', '=', owner.tenantKey)
        .where('open_id', '=', owner.openId)
        .where('target_kind', '=', target.kind)
        .where('target_id', '=', target.id)
        .executeTakeFirst()
      if (!row) return null
      return { entries: JSON.parse(row.entries_json) as MappingEntry[], updatedAt: Number(row.updated_at) }
    },
    async put(owner, target, entries, now) {
      const entries_json = JSON.stringify(entries)
      await db.insertInto('mappings')
        .values({ tenant_key: owner.tenantKey, open_id: owner.openId, target_kind: target.kind, target_id: target.id, entries_json, updated_at: now })
        .onConflict((oc) => oc.columns(['tenant_key', 'open_id', 'target_kind', 'target_id']).doUpdateSet({ entries_json, updated_at: now }))
        .execute()
    },
  }
}
