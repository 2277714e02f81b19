import type { Kysely, Migration } from 'kysely'

/**
 * Approval in Feishu of write jobs (issue 15): the job's current approval as the pages show it
 * (`jobs.approval_json`), every approval instance the app created for a job, and the ids of the
 * events already handled (Feishu may deliver one event more than once).
 */
export const m005Approvals: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable('jobs').addColumn('approval_json', 'text').execute()
    await db.schema
      .createTable('approval_instances')
      .addColumn('instance_code', 'text', (c) => c.primaryKey())
      .addColumn('job_id', 'text', (c) => c.notNull().references('jobs.id').onDelete('cascade'))
      .addColumn('tenant_key', 'text', (c) => c.notNull())
      .addColumn('approval_code', 'text', (c) => c.notNull())
      // pending → decided (approved / rejected / canceled / deleted / self_approved / stale)
      .addColumn('state', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('decided_at', 'bigint')
      .execute()
    await db.schema.createIndex('approval_instances_by_job').on('approval_instances').columns(['job_id', 'created_at']).execute()
    await db.schema.createIndex('approval_instances_by_state').on('approval_instances').column('state').execute()
    await db.schema
      .createTable('approval_events')
      .addColumn('event_id', 'text', (c) => c.primaryKey())
      .addColumn('received_at', 'bigint', (c) => c.notNull())
      .execute()
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropTable('approval_events').execute()
    await db.schema.dropTable('approval_instances').execute()
    await db.schema.alterTable('jobs').dropColumn('approval_json').execute()
  },
}
