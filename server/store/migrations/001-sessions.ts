import type { Kysely, Migration } from 'kysely'

/** Sessions (who is signed in) and user grants (their Feishu tokens, one set per person, encrypted). */
export const m001Sessions: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('user_grants')
      .addColumn('tenant_key', 'text', (c) => c.notNull())
      .addColumn('open_id', 'text', (c) => c.notNull())
      .addColumn('user_id', 'text')
      .addColumn('token_kind', 'text', (c) => c.notNull().defaultTo('v2'))
      .addColumn('scope', 'text', (c) => c.notNull())
      .addColumn('access_token_enc', 'text', (c) => c.notNull())
      .addColumn('access_expires_at', 'bigint', (c) => c.notNull())
      .addColumn('refresh_token_enc', 'text')
      .addColumn('refresh_expires_at', 'bigint')
      .addColumn('refresh_disabled', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('token_version', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('user_grants_pk', ['tenant_key', 'open_id'])
      .execute()
    await db.schema
      .createTable('sessions')
      .addColumn('id_hash', 'text', (c) => c.primaryKey())
      .addColumn('tenant_key', 'text', (c) => c.notNull())
      .addColumn('open_id', 'text', (c) => c.notNull())
      .addColumn('user_id', 'text')
      .addColumn('union_id', 'text')
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('en_name', 'text')
      .addColumn('avatar_url', 'text')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('last_seen_at', 'bigint', (c) => c.notNull())
      .addColumn('expires_at', 'bigint', (c) => c.notNull())
      .execute()
    await db.schema.createIndex('sessions_by_user').on('sessions').columns(['tenant_key', 'open_id']).execute()
    await db.schema.createIndex('sessions_by_expiry').on('sessions').column('expires_at').execute()
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropTable('sessions').execute()
    await db.schema.dropTable('user_grants').execute()
  },
}
