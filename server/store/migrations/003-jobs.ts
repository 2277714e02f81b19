import type { Kysely, Migration } from 'kysely'

/**
 * Write jobs, their rows and their batches. A batch row is committed `in_flight` before its Feishu
 * call and `done` after, so after a crash the runner knows exactly which calls may need resending.
 */
export const m003Jobs: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('jobs')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('tenant_key', 'text', (c) => c.notNull())
      .addColumn('owner_open_id', 'text', (c) => c.notNull())
      .addColumn('owner_user_id', 'text')
      .addColumn('owner_employee_no', 'text')
      .addColumn('idempotency_key', 'text', (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('target_json', 'text', (c) => c.notNull())
      .addColumn('fields_json', 'text', (c) => c.notNull())
      .addColumn('source_json', 'text')
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('pause_reason', 'text')
      .addColumn('error_json', 'text')
      .addColumn('affect_count', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('calls', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('row_count', 'integer', (c) => c.notNull())
      .addColumn('lease_owner', 'text')
      .addColumn('lease_until', 'bigint')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .addColumn('started_at', 'bigint')
      .addColumn('finished_at', 'bigint')
      .addUniqueConstraint('jobs_idempotency', ['tenant_key', 'owner_open_id', 'idempotency_key'])
      .execute()
    await db.schema.createIndex('jobs_by_owner').on('jobs').columns(['tenant_key', 'owner_open_id', 'created_at']).execute()
    await db.schema.createIndex('jobs_by_status').on('jobs').column('status').execute()

    await db.schema
      .createTable('job_rows')
      .addColumn('job_id', 'text', (c) => c.notNull().references('jobs.id').onDelete('cascade'))
      .addColumn('idx', 'integer', (c) => c.notNull())
      .addColumn('row', 'integer', (c) => c.notNull())
      // The row's key in the target (employment_id / member_id): duplicates across a job's chunks.
      .addColumn('key', 'text')
      .addColumn('input_json', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('feishu_code', 'integer')
      .addColumn('message', 'text')
      .addColumn('field_errors_json', 'text')
      // Payroll: the record as Feishu had it right before this job wrote it (JSON; 'null' = no record).
      .addColumn('before_json', 'text')
      .addPrimaryKeyConstraint('job_rows_pk', ['job_id', 'idx'])
      .execute()
    await db.schema.createIndex('job_rows_by_status').on('job_rows').columns(['job_id', 'status', 'idx']).execute()
    await db.schema.createIndex('job_rows_by_key').on('job_rows').columns(['job_id', 'key']).execute()

    await db.schema
      .createTable('job_batches')
      .addColumn('job_id', 'text', (c) => c.notNull().references('jobs.id').onDelete('cascade'))
      .addColumn('seq', 'integer', (c) => c.notNull())
      .addColumn('idx_from', 'integer', (c) => c.notNull())
      .addColumn('idx_to', 'integer', (c) => c.notNull())
      .addColumn('field_from', 'integer', (c) => c.notNull())
      .addColumn('field_to', 'integer', (c) => c.notNull())
      .addColumn('state', 'text', (c) => c.notNull())
      .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('last_error', 'text')
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('job_batches_pk', ['job_id', 'seq'])
      .execute()
    await db.schema.createIndex('job_batches_by_state').on('job_batches').columns(['job_id', 'state', 'seq']).execute()
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropTable('job_batches').execute()
    await db.schema.dropTable('job_rows').execute()
    await db.schema.dropTable('jobs').execute()
  },
}
