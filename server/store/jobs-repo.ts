import { ROWS_PER_SLICE, yieldToLoop } from '../yield'
import type { Kysely, Selectable, Transaction } from 'kysely'
import type { FieldError, JobCounts, RowCheckState, RowStatus } from '../../src/domain/jobs'
import type { Database, JobBatchesTable, JobRowsTable, JobsTable } from './schema'

export type JobRow = Selectable<JobsTable>
export type JobRowRow = Selectable<JobRowsTable>
export type BatchRow = Selectable<JobBatchesTable>
export interface Owner { tenantKey: string; openId: string }

export interface RowUpdate {
  idx: number
  status: RowStatus
  feishu_code?: number | null
  message?: string | null
  field_errors?: FieldError[] | null
  /** A check's finding about the row (read-back, a revert's kept fields) and its values. */
  check?: { state: RowCheckState; detail: unknown } | null
}

/** The only code that reads and writes the job tables. */
export interface JobsRepo {
  /** Inserts the job, its rows and its planned batches in one transaction. */
  insert(job: JobRow, rows: Array<{ row: number; key: string | null; input: unknown }>, batches: Array<Pick<BatchRow, 'idx_from' | 'idx_to' | 'field_from' | 'field_to'>>): Promise<void>
  /** A draft job (rows sent in parts): appends rows at `offset` and records the new count and fields. */
  appendRows(jobId: string, offset: number, rows: Array<{ row: number; key: string | null; input: unknown }>, fields: string[], now: number): Promise<void>
  /** Keys that appear on more than one row of the job, with those rows' file row numbers. */
  duplicateKeys(jobId: string, limit: number): Promise<Array<{ key: string; row: number }>>
  /** Plans a draft job's batches and queues it (or leaves it awaiting approval), in one transaction. */
  startDraft(jobId: string, batches: Array<Pick<BatchRow, 'idx_from' | 'idx_to' | 'field_from' | 'field_to'>>, now: number, status?: 'queued' | 'submitting'): Promise<boolean>
  byIdempotencyKey(owner: Owner, key: string): Promise<JobRow | undefined>
  get(id: string): Promise<JobRow | undefined>
  listOwned(owner: Owner, before: { createdAt: number; id: string } | null, limit: number): Promise<JobRow[]>
  counts(jobId: string): Promise<JobCounts>
  /** Rows per check state (read-back, a revert's kept fields); states no row has are left out. */
  checkCounts(jobId: string): Promise<Partial<Record<RowCheckState, number>>>
  /** Records what a check found about rows, after their call (never changes their status). */
  setChecks(jobId: string, checks: Array<{ idx: number; state: RowCheckState; detail: unknown }>): Promise<void>
  listRows(jobId: string, status: RowStatus | null, afterIdx: number, limit: number): Promise<JobRowRow[]>
  rowsInRange(jobId: string, from: number, to: number): Promise<JobRowRow[]>
  /** Batches still to run, oldest first: in_flight ones (a crash interrupted them) and planned ones. */
  openBatches(jobId: string): Promise<BatchRow[]>
  /**
   * Done batches holding a row the call wrote (succeeded, not "unchanged") with no check recorded,
   * oldest first: saved, but the process ended before their read-back.
   */
  uncheckedBatches(jobId: string): Promise<BatchRow[]>
  /** Committed before the Feishu call. */
  markInFlight(jobId: string, seq: number, now: number): Promise<void>
  /** Stores the before-values of rows, committed before the save that changes them. */
  setBefore(jobId: string, rows: Array<{ idx: number; before: unknown }>): Promise<void>
  /** Record-level outcomes that are final on their own (e.g. a row Feishu rejected by index). */
  updateRows(jobId: string, updates: RowUpdate[]): Promise<void>
  /** Committed after the call: row outcomes, the batch done, the job's affect count and calls. */
  completeBatch(jobId: string, seq: number, updates: RowUpdate[], delta: { affect: number; calls: number }, now: number): Promise<void>
  addCalls(jobId: string, calls: number): Promise<void>
  noteBatchError(jobId: string, seq: number, error: string, now: number): Promise<void>
  openBatchCountForRange(jobId: string, idxFrom: number): Promise<number>
  setStatus(jobId: string, patch: Partial<Pick<JobRow, 'status' | 'pause_reason' | 'error_json' | 'started_at' | 'finished_at'>>, now: number, onlyIf?: string[]): Promise<boolean>
  cancelPendingRows(jobId: string): Promise<void>
  withStatus(statuses: string[]): Promise<JobRow[]>
  /**
   * Takes the job for this process until `until`, if nobody holds a live lease on it (or `force`:
   * a single process on start). Returns false when another process holds it.
   */
  claim(jobId: string, processId: string, now: number, until: number, force: boolean): Promise<boolean>
  /** Extends this process's lease; false when the lease was lost to another process. */
  renew(jobId: string, processId: string, until: number): Promise<boolean>
  release(jobId: string, processId: string): Promise<void>
  /** Jobs that should be running but whose lease has run out (their process died). */
  orphaned(now: number): Promise<JobRow[]>
  pausedWith(reason: string): Promise<JobRow[]>
  ownedWithStatus(owner: Owner, statuses: string[]): Promise<JobRow[]>
  /** The job's approval as its pages show it (JSON of src/domain/approval.ts JobApproval). */
  setApproval(jobId: string, approvalJson: string, now: number): Promise<void>
  /** Replaces the before-values of rows: a new approval is asked for the records as they are now. */
  replaceBefore(jobId: string, rows: Array<{ idx: number; before: unknown }>): Promise<void>
  /**
   * The submission under way (JSON, or null once done). `move`: the job moves to `status` only from
   * one of `onlyIf` (a conditional UPDATE), and its lease is let go in the same statement.
   */
  setSubmission(jobId: string, submissionJson: string | null, now: number, move?: { status: string; onlyIf: string[] }): Promise<boolean>
  /** Forgets a job that was never submitted (its approval could not be asked for): rows, batches and all. */
  remove(jobId: string): Promise<void>
}

async function insertRows(trx: Transaction<Database>, jobId: string, offset: number, rows: Array<{ row: number; key: string | null; input: unknown }>) {
  for (let i = 0; i < rows.length; i += ROWS_PER_SLICE) {
    // SQLite runs synchronously: without this, storing thousands of rows blocks every paced call.
    if (i > 0) await yieldToLoop()
    await trx.insertInto('job_rows').values(rows.slice(i, i + ROWS_PER_SLICE).map((r, k) => ({
      job_id: jobId, idx: offset + i + k, row: r.row, key: r.key, input_json: JSON.stringify(r.input), status: 'pending', feishu_code: null, message: null, field_errors_json: null, before_json: null, check_state: null, check_json: null,
    }))).execute()
  }
}

async function insertBatches(trx: Transaction<Database>, jobId: string, batches: Array<Pick<BatchRow, 'idx_from' | 'idx_to' | 'field_from' | 'field_to'>>, now: number) {
  for (let i = 0; i < batches.length; i += 500) {
    await trx.insertInto('job_batches').values(batches.slice(i, i + 500).map((b, k) => ({
      job_id: jobId, seq: i + k, ...b, state: 'planned' as const, attempts: 0, last_error: null, updated_at: now,
    }))).execute()
  }
}

export function jobsRepo(db: Kysely<Database>): JobsRepo {
  /**
   * Rows given the same values (a batch that succeeded: all 50 alike) are updated by one statement:
   * one round trip instead of 50, which in PostgreSQL sat between two saves of a datasource.
   */
  const applyUpdates = async (trx: Transaction<Database> | Kysely<Database>, jobId: string, updates: RowUpdate[]) => {
    const groups = new Map<string, { set: Partial<JobRowsTable>; idxs: number[] }>()
    for (const u of updates) {
      const set: Partial<JobRowsTable> = {
        status: u.status,
        ...(u.feishu_code !== undefined ? { feishu_code: u.feishu_code } : {}),
        ...(u.message !== undefined ? { message: u.message } : {}),
        ...(u.field_errors !== undefined ? { field_errors_json: u.field_errors && u.field_errors.length ? JSON.stringify(u.field_errors) : null } : {}),
        ...(u.check !== undefined ? { check_state: u.check?.state ?? null, check_json: u.check ? JSON.stringify(u.check.detail) : null } : {}),
      }
      const key = JSON.stringify(set)
      const group = groups.get(key)
      if (group) group.idxs.push(u.idx)
      else groups.set(key, { set, idxs: [u.idx] })
    }
    for (const { set, idxs } of groups.values()) {
      for (let i = 0; i < idxs.length; i += 500) {
        await trx.updateTable('job_rows').set(set).where('job_id', '=', jobId).where('idx', 'in', idxs.slice(i, i + 500)).execute()
      }
    }
  }

  return {
    async insert(job, rows, batches) {
      await db.transaction().execute(async (trx) => {
        await trx.insertInto('jobs').values(job).execute()
        await insertRows(trx, job.id, 0, rows)
        await insertBatches(trx, job.id, batches, job.created_at)
      })
    },
    async appendRows(jobId, offset, rows, fields, now) {
      await db.transaction().execute(async (trx) => {
        await insertRows(trx, jobId, offset, rows)
        await trx.updateTable('jobs').set({ row_count: offset + rows.length, fields_json: JSON.stringify(fields), updated_at: now }).where('id', '=', jobId).execute()
      })
    },
    async duplicateKeys(jobId, limit) {
      const dupes = db.selectFrom('job_rows').select('key').where('job_id', '=', jobId).where('key', 'is not', null).groupBy('key').having((eb) => eb.fn.countAll(), '>', 1)
      return db.selectFrom('job_rows').select(['key', 'row']).where('job_id', '=', jobId).where('key', 'in', dupes).orderBy('idx').limit(limit).execute() as Promise<Array<{ key: string; row: number }>>
    },
    async startDraft(jobId, batches, now, status = 'queued') {
      return db.transaction().execute(async (trx) => {
        const res = await trx.updateTable('jobs').set({ status, updated_at: now }).where('id', '=', jobId).where('status', '=', 'draft').executeTakeFirst()
        if (Number(res.numUpdatedRows) !== 1) return false
        await insertBatches(trx, jobId, batches, now)
        return true
      })
    },
    async byIdempotencyKey(owner, key) {
      return db.selectFrom('jobs').selectAll().where('tenant_key', '=', owner.tenantKey).where('owner_open_id', '=', owner.openId).where('idempotency_key', '=', key).executeTakeFirst()
    },
    async get(id) {
      return db.selectFrom('jobs').selectAll().where('id', '=', id).executeTakeFirst()
    },
    async listOwned(owner, before, limit) {
      let q = db.selectFrom('jobs').selectAll().where('tenant_key', '=', owner.tenantKey).where('owner_open_id', '=', owner.openId)
      if (before) q = q.where((eb) => eb.or([eb('created_at', '<', before.createdAt), eb.and([eb('created_at', '=', before.createdAt), eb('id', '<', before.id)])]))
      return q.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit).execute()
    },
    async counts(jobId) {
      const rows = await db.selectFrom('job_rows').select(['status', (eb) => eb.fn.countAll<number>().as('n')]).where('job_id', '=', jobId).groupBy('status').execute()
      const c: JobCounts = { total: 0, pending: 0, succeeded: 0, partial: 0, failed: 0, cancelled: 0 }
      for (const r of rows) {
        const n = Number(r.n)
        if (r.status in c) c[r.status as keyof JobCounts] += n
        c.total += n
      }
      return c
    },
    async checkCounts(jobId) {
      const rows = await db.selectFrom('job_rows').select(['check_state', (eb) => eb.fn.countAll<number>().as('n')]).where('job_id', '=', jobId).where('check_state', 'is not', null).groupBy('check_state').execute()
      const out: Partial<Record<RowCheckState, number>> = {}
      for (const r of rows) out[r.check_state as RowCheckState] = Number(r.n)
      return out
    },
    async setChecks(jobId, checks) {
      if (!checks.length) return
      await db.transaction().execute(async (trx) => {
        for (const c of checks) {
          await trx.updateTable('job_rows').set({ check_state: c.state, check_json: JSON.stringify(c.detail) }).where('job_id', '=', jobId).where('idx', '=', c.idx).execute()
        }
      })
    },
    async listRows(jobId, status, afterIdx, limit) {
      let q = db.selectFrom('job_rows').selectAll().where('job_id', '=', jobId).where('idx', '>', afterIdx)
      if (status) q = q.where('status', '=', status)
      return q.orderBy('idx').limit(limit).execute()
    },
    async rowsInRange(jobId, from, to) {
      return db.selectFrom('job_rows').selectAll().where('job_id', '=', jobId).where('idx', '>=', from).where('idx', '<', to).orderBy('idx').execute()
    },
    async openBatches(jobId) {
      return db.selectFrom('job_batches').selectAll().where('job_id', '=', jobId).where('state', '!=', 'done').orderBy('seq').execute()
    },
    async uncheckedBatches(jobId) {
      return db.selectFrom('job_batches as b').selectAll('b').where('b.job_id', '=', jobId).where('b.state', '=', 'done')
        .where(({ exists, selectFrom }) => exists(selectFrom('job_rows as r').select('r.idx')
          .whereRef('r.job_id', '=', 'b.job_id').whereRef('r.idx', '>=', 'b.idx_from').whereRef('r.idx', '<', 'b.idx_to')
          .where('r.status', '=', 'succeeded').where('r.check_state', 'is', null)
          .where((eb) => eb.or([eb('r.message', 'is', null), eb('r.message', '!=', 'unchanged')]))))
        .orderBy('b.seq').execute()
    },
    async markInFlight(jobId, seq, now) {
      await db.updateTable('job_batches').set((eb) => ({ state: 'in_flight', attempts: eb('attempts', '+', 1), updated_at: now })).where('job_id', '=', jobId).where('seq', '=', seq).execute()
    },
    async setBefore(jobId, rows) {
      if (!rows.length) return
      await db.transaction().execute(async (trx) => {
        // First capture wins: a later read could only see what the job itself wrote.
        for (const r of rows) await trx.updateTable('job_rows').set({ before_json: JSON.stringify(r.before) }).where('job_id', '=', jobId).where('idx', '=', r.idx).where('before_json', 'is', null).execute()
      })
    },
    async updateRows(jobId, updates) {
      if (!updates.length) return
      await db.transaction().execute((trx) => applyUpdates(trx, jobId, updates))
    },
    async completeBatch(jobId, seq, updates, delta, now) {
      await db.transaction().execute(async (trx) => {
        await applyUpdates(trx, jobId, updates)
        await trx.updateTable('job_batches').set({ state: 'done', last_error: null, updated_at: now }).where('job_id', '=', jobId).where('seq', '=', seq).execute()
        await trx.updateTable('jobs').set((eb) => ({ affect_count: eb('affect_count', '+', delta.affect), calls: eb('calls', '+', delta.calls), updated_at: now })).where('id', '=', jobId).execute()
      })
    },
    async addCalls(jobId, calls) {
      if (calls) await db.updateTable('jobs').set((eb) => ({ calls: eb('calls', '+', calls) })).where('id', '=', jobId).execute()
    },
    async noteBatchError(jobId, seq, error, now) {
      await db.updateTable('job_batches').set({ last_error: error.slice(0, 1000), updated_at: now }).where('job_id', '=', jobId).where('seq', '=', seq).execute()
    },
    async openBatchCountForRange(jobId, idxFrom) {
      const r = await db.selectFrom('job_batches').select((eb) => eb.fn.countAll<number>().as('n')).where('job_id', '=', jobId).where('idx_from', '=', idxFrom).where('state', '!=', 'done').executeTakeFirst()
      return Number(r?.n ?? 0)
    },
    async setStatus(jobId, patch, now, onlyIf) {
      let q = db.updateTable('jobs').set({ ...patch, updated_at: now }).where('id', '=', jobId)
      if (onlyIf) q = q.where('status', 'in', onlyIf)
      const res = await q.executeTakeFirst()
      return Number(res.numUpdatedRows) === 1
    },
    async cancelPendingRows(jobId) {
      await db.updateTable('job_rows').set({ status: 'cancelled' }).where('job_id', '=', jobId).where('status', '=', 'pending').execute()
    },
    async claim(jobId, processId, now, until, force) {
      let q = db.updateTable('jobs').set({ lease_owner: processId, lease_until: until }).where('id', '=', jobId)
      if (!force) q = q.where((eb) => eb.or([eb('lease_owner', 'is', null), eb('lease_owner', '=', processId), eb('lease_until', '<', now)]))
      const res = await q.executeTakeFirst()
      return Number(res.numUpdatedRows) === 1
    },
    async renew(jobId, processId, until) {
      const res = await db.updateTable('jobs').set({ lease_until: until }).where('id', '=', jobId).where('lease_owner', '=', processId).executeTakeFirst()
      return Number(res.numUpdatedRows) === 1
    },
    async release(jobId, processId) {
      await db.updateTable('jobs').set({ lease_owner: null, lease_until: null }).where('id', '=', jobId).where('lease_owner', '=', processId).execute()
    },
    async orphaned(now) {
      return db.selectFrom('jobs').selectAll().where('status', 'in', ['running', 'queued'])
        .where((eb) => eb.or([eb('lease_owner', 'is', null), eb('lease_until', '<', now)])).orderBy('created_at').limit(100).execute()
    },
    async pausedWith(reason) {
      return db.selectFrom('jobs').selectAll().where('status', '=', 'paused').where('pause_reason', '=', reason).limit(100).execute()
    },
    async withStatus(statuses) {
      return db.selectFrom('jobs').selectAll().where('status', 'in', statuses).orderBy('created_at').execute()
    },
    async setSubmission(jobId, submissionJson, now, move) {
      // A move also lets go of the submission's lease in the same UPDATE: the runner may claim the job at once.
      let q = db.updateTable('jobs').set({ submission_json: submissionJson, updated_at: now, ...(move ? { status: move.status, lease_owner: null, lease_until: null } : {}) }).where('id', '=', jobId)
      if (move) q = q.where('status', 'in', move.onlyIf)
      const res = await q.executeTakeFirst()
      return Number(res.numUpdatedRows) === 1
    },
    async setApproval(jobId, approvalJson, now) {
      await db.updateTable('jobs').set({ approval_json: approvalJson, updated_at: now }).where('id', '=', jobId).execute()
    },
    async replaceBefore(jobId, rows) {
      if (!rows.length) return
      await db.transaction().execute(async (trx) => {
        for (const r of rows) await trx.updateTable('job_rows').set({ before_json: JSON.stringify(r.before) }).where('job_id', '=', jobId).where('idx', '=', r.idx).execute()
      })
    },
    async remove(jobId) {
      await db.transaction().execute(async (trx) => {
        await trx.deleteFrom('job_batches').where('job_id', '=', jobId).execute()
        await trx.deleteFrom('job_rows').where('job_id', '=', jobId).execute()
        await trx.deleteFrom('jobs').where('id', '=', jobId).execute()
      })
    },
    async ownedWithStatus(owner, statuses) {
      return db.selectFrom('jobs').selectAll().where('tenant_key', '=', owner.tenantKey).where('owner_open_id', '=', owner.openId).where('status', 'in', statuses).execute()
    },
  }
}
