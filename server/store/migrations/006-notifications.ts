import type { Kysely, Migration } from 'kysely'

/**
 * Messages to a job's owner in Feishu (server/notify). One row per (job, event): the unique key makes
 * "one card per event" hold across restarts and processes; `state` says whether it was sent, is
 * waiting for a retry, was given up or skipped (the person turned messages off). And each person's
 * choice whether to get them at all.
 */
export const m006Notifications: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('notifications')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('tenant_key', 'text', (c) => c.notNull())
      .addColumn('open_id', 'text', (c) => c.notNull())
      .addColumn('job_id', 'text', (c) => c.notNull())
      // Which event: e.g. 'succeeded', or 'needs_signin@<ms>' for one that may happen more than once.
      .addColumn('event', 'text', (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull())
      // 'pending' | 'sending' | 'sent' | 'skipped' | 'given_up'
      .addColumn('state', 'text', (c) => c.notNull())
      .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('next_attempt_at', 'bigint', (c) => c.notNull())
      // A process sending it holds it until then (another process takes it over afterwards).
      .addColumn('lease_until', 'bigint')
      .addColumn('last_error', 'text')
      .addColumn('message_id', 'text')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('sent_at', 'bigint')
      .addUniqueConstraint('notifications_once', ['job_id', 'event'])
      .execute()
    await db.schema.createIndex('notifications_due').on('notifications').columns(['state', 'next_attempt_at']).execute()

    await db.schema
      .createTable('notify_settings')
      .addColumn('tenant_key', 'text', (c) => c.notNull())
      .addColumn('open_id', 'text', (c) => c.notNull())
      .addColumn('enabled', 'integer', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('notify_settings_pk', ['tenant_key', 'open_id'])
      .execute()
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropTable('notify_settings').execute()
    await db.schema.dropTable('notifications').execute()
  },
}
