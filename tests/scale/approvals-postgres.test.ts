import pg from 'pg'
import type { Kysely } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { approvalsRepo } from '../../server/store/approvals-repo'
import { jobsRepo, type JobRow } from '../../server/store/jobs-repo'
import { openPostgres } from '../../server/store/postgres'
import type { Database } from '../../server/store/schema'
import { DATABASE_URL } from './cluster'

// Migration 004 and the approval queries on PostgreSQL (scale-out), in a schema of their own.
const SCHEMA = `approvals_${process.pid}_${Date.now().toString(36)}`
let db: Kysely<Database>

beforeAll(async () => { db = await openPostgres(DATABASE_URL, SCHEMA) })
afterAll(async () => {
  await db.destroy()
  const c = new pg.Client({ connectionString: DATABASE_URL })
  await c.connect()
  await c.query(`DROP SCHEMA IF EXISTS ${SCHEMA} CASCADE`)
  await c.end()
})

const job = (id: string): JobRow => ({
  id, tenant_key: 't', owner_open_id: 'ou_w', owner_user_id: 'wangfang', owner_employee_no: null, idempotency_key: `k-${id}`, kind: 'k', target_json: '{}', fields_json: '[]',
  source_json: null, status: 'awaiting_approval', pause_reason: null, error_json: null, affect_count: 0, calls: 0, row_count: 1, lease_owner: null, lease_until: null,
  created_at: 1, updated_at: 1, started_at: null, finished_at: null, approval_json: null, submission_json: null,
})

describe('approvals on PostgreSQL', () => {
  it('stores a job\'s approval, decides an instance once and sees an event id once', async () => {
    const jobs = jobsRepo(db)
    const approvals = approvalsRepo(db)
    await jobs.insert(job('j1'), [{ row: 2, key: 'e1', input: { row: 2 } }], [])
    await jobs.setApproval('j1', '{"state":"pending"}', 5)
    expect((await jobs.get('j1'))!.approval_json).toBe('{"state":"pending"}')
    await approvals.insert({ instance_code: 'I-1', job_id: 'j1', tenant_key: 't', approval_code: 'A', state: 'pending', created_at: 10, decided_at: null })
    expect(await approvals.pending(10)).toHaveLength(1)
    expect(await approvals.decide('I-1', 'approved', 20)).toBe(true)
    expect(await approvals.decide('I-1', 'rejected', 21)).toBe(false)
    expect(await approvals.byInstance('I-1')).toMatchObject({ state: 'approved', decided_at: 20 })
    expect(await approvals.firstSighting('ev-1', 1)).toBe(true)
    expect(await approvals.firstSighting('ev-1', 2)).toBe(false)
    await jobs.replaceBefore('j1', [{ idx: 0, before: { active_status: 1, values: {} } }])
    expect((await jobs.rowsInRange('j1', 0, 1))[0]!.before_json).toBe('{"active_status":1,"values":{}}')
    await jobs.remove('j1')
    expect(await jobs.get('j1')).toBeUndefined()
  })
})
