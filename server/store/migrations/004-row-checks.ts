import type { Kysely, Migration } from 'kysely'

/**
 * What a check found about a row after its call (issue 16): `check_state` — a payroll save's
 * read-back (`confirmed` / `differs`), a revert's respect for later edits (`kept` / `partly_kept`) —
 * and `check_json`, the values behind it (sent vs stored, written vs now). Both null = not checked.
 */
export const m004RowChecks: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable('job_rows').addColumn('check_state', 'text').execute()
    await db.schema.alterTable('job_rows').addColumn('check_json', 'text').execute()
  },
  async down(db: Kysely<unknown>) {
    await db.schema.alterTable('job_rows').dropColumn('check_json').execute()
    await db.schema.alterTable('job_rows').dropColumn('check_state').execute()
  },
}
