import type { Kysely, Migration } from 'kysely'

/**
 * Submitting a job for approval runs in the background (issue 15): `jobs.submission_json` holds the
 * submission under way — the frozen form and the `uuid` Feishu's instance create takes as its
 * idempotency key — written before the call, so a process that dies mid-call resumes with the same
 * uuid and never makes a second instance. Cleared once the instance is recorded.
 */
export const m007ApprovalSubmission: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable('jobs').addColumn('submission_json', 'text').execute()
  },
  async down(db: Kysely<unknown>) {
    await db.schema.alterTable('jobs').dropColumn('submission_json').execute()
  },
}
