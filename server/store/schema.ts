import type { ColumnType } from 'kysely'

/** Row types of the app's database (SQLite by default; PostgreSQL for scale-out). */

/** bigint columns: numbers in, numbers or strings out (PostgreSQL answers int8 as string). */
type Millis = ColumnType<number, number, number>

export interface UserGrantsTable {
  tenant_key: string
  open_id: string
  user_id: string | null
  /** 'v2' tokens refresh at /authen/v2/oauth/token; 'v1' (gadget code2session) at the v1 OIDC refresh. */
  token_kind: 'v2' | 'v1'
  scope: string
  /** AES-256-GCM ciphertexts; see server/auth/crypto.ts. */
  access_token_enc: string
  access_expires_at: Millis
  refresh_token_enc: string | null
  refresh_expires_at: Millis | null
  /** 1 once Feishu said this app may not refresh (20074): use the access token until it ends. */
  refresh_disabled: number
  /** Increments on every token change; a refresh writes only if nobody changed the row meanwhile. */
  token_version: number
  updated_at: Millis
}

export interface SessionsTable {
  /** sha-256 of the cookie value, so a copy of the database cannot be replayed as cookies. */
  id_hash: string
  tenant_key: string
  open_id: string
  user_id: string | null
  union_id: string | null
  name: string
  en_name: string | null
  avatar_url: string | null
  created_at: Millis
  last_seen_at: Millis
  expires_at: Millis
}

export interface JobsTable {
  id: string
  tenant_key: string
  owner_open_id: string
  owner_user_id: string | null
  owner_employee_no: string | null
  idempotency_key: string
  kind: string
  target_json: string
  /** Attendance: the sorted union of field codes, chunked 200 per call. Payroll: the codes written. */
  fields_json: string
  source_json: string | null
  status: string
  pause_reason: string | null
  error_json: string | null
  affect_count: number
  calls: number
  row_count: number
  /** Scale-out: which process runs the job, and until when its claim holds. */
  lease_owner: string | null
  lease_until: Millis | null
  created_at: Millis
  updated_at: Millis
  started_at: Millis | null
  finished_at: Millis | null
  /** The job's approval as its page shows it (src/domain/approval.ts JobApproval), or null. */
  approval_json: string | null
  /** A submission for approval under way (migration 008; server/approval/service.ts Submission), or null. */
  submission_json: string | null
}

export interface JobRowsTable {
  job_id: string
  /** Position in the job, 0-based; batches cover ranges of it. */
  idx: number
  /** The row number in the person's file, for messages and the result workbook. */
  row: number
  key: string | null
  input_json: string
  status: string
  feishu_code: number | null
  message: string | null
  field_errors_json: string | null
  /** Payroll: the record right before this job wrote it, captured before the save ('null' = none). */
  before_json: string | null
  /** What a check after the call found (migration 004): read-back or a revert's kept fields; null = none. */
  check_state: string | null
  check_json: string | null
}

export interface JobBatchesTable {
  job_id: string
  seq: number
  idx_from: number
  idx_to: number
  field_from: number
  field_to: number
  /** planned → in_flight (committed before the call) → done (committed with the results). */
  state: 'planned' | 'in_flight' | 'done'
  attempts: number
  last_error: string | null
  updated_at: Millis
}

export interface MappingsTable {
  tenant_key: string
  open_id: string
  target_kind: string
  target_id: string
  /** SavedMapping.entries as JSON: [{ header, field }] */
  entries_json: string
  updated_at: Millis
}

export interface ApprovalInstancesTable {
  instance_code: string
  job_id: string
  tenant_key: string
  approval_code: string
  state: string
  created_at: Millis
  decided_at: Millis | null
}

export interface ApprovalEventsTable {
  event_id: string
  received_at: Millis
}

export interface Database {
  approval_instances: ApprovalInstancesTable
  approval_events: ApprovalEventsTable
  mappings: MappingsTable
  user_grants: UserGrantsTable
  sessions: SessionsTable
  jobs: JobsTable
  job_rows: JobRowsTable
  job_batches: JobBatchesTable
}
