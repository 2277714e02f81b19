import type { Migration, MigrationProvider } from 'kysely'
import { m001Sessions } from './001-sessions'
import { m002Mappings } from './002-mappings'
import { m003Jobs } from './003-jobs'
import { m004RowChecks } from './004-row-checks'
import { m005Approvals } from './005-approvals'
import { m006Notifications } from './006-notifications'
import { m007ApprovalSubmission } from './007-approval-submission'

/** Migrations in order. Names never change once shipped; add a new file for every schema change. */
const migrations: Record<string, Migration> = {
  '001-sessions': m001Sessions,
  '002-mappings': m002Mappings,
  '003-jobs': m003Jobs,
  '004-row-checks': m004RowChecks,
  '005-approvals': m005Approvals,
  '006-notifications': m006Notifications,
  '007-approval-submission': m007ApprovalSubmission,
}

export const migrationProvider: MigrationProvider = {
  getMigrations: async () => migrations,
}
