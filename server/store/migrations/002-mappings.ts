import type { Kysely, Migration } from 'kysely'

/** Saved column mappings: one per person (tenant + open_id) and import target. */
export const m002Mappings: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('mappings')
      .addColumn('tenant_key', 'text', (c) => c.notNull())
      .addColumn('open_id', 'text', (c) => c.notNull())
      .addColumn('target_kind', 'text', (c) => c.notNull())
      .addColumn('target_id', 'text', (c) => c.notNull())
      .addColumn('entries_json', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('mappings_pk', ['tenant_key', 'open_id', 'target_kind', 'target_id'])
      .execute()
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropTable('mappings').execute()
  },
}
