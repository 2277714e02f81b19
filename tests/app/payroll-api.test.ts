import { afterEach, describe, expect, it } from 'vitest'
import { ApiError, http } from '../../src/api'
import { listDatasources, periodRecords, planRevert, resolveEmployees, revertJob } from '../../src/api/payroll'
import type { JobSummary } from '../../src/domain/jobs'
import { fakeServer } from './fake-server'
import { bonus } from './payroll-fixtures'

const originalAdapter = http.defaults.adapter
afterEach(() => { http.defaults.adapter = originalAdapter })

function serve(routes: Parameters<typeof fakeServer>[0]) {
  const server = fakeServer(routes)
  http.defaults.adapter = server.adapter
  return server
}

const revert = { id: 'job-9', kind: 'payroll_revert', status: 'queued' } as JobSummary

describe('the payroll API client', () => {
  it('lists datasources and turns a 403 no_role into an ApiError with its details', async () => {
    serve({ 'GET /api/payroll/datasources': [{ status: 200, body: { datasources: [bonus] } }, { status: 403, body: { error: { code: 'no_role', message: 'no role', details: { role: 'payroll' } } } }] })
    expect(await listDatasources()).toEqual([bonus])
    const err = await listDatasources().catch((e: unknown) => e)
    expect(err).toBeInstanceOf(ApiError)
    expect(err).toMatchObject({ status: 403, code: 'no_role', details: { role: 'payroll' } })
  })

  it('posts the identifiers to resolve and the period to read (with the part to go on from), with room for paced calls', async () => {
    const server = serve({
      'POST /api/payroll/resolve': (req) => {
        expect(JSON.parse(req.data as string)).toEqual({ by: 'work_email', values: ['a@corp.example.com'] })
        expect(req.timeout).toBeGreaterThan(30_000)
        return { status: 200, body: { results: { 'a@corp.example.com': { status: 'found', employment_id: '701' } } } }
      },
      'POST /api/payroll/period-records': (req) => {
        expect(JSON.parse(req.data as string)).toEqual({ source_code: 'bonus__c', payroll_period: '2025-06', cursor: '0.abc' })
        expect(req.timeout).toBeGreaterThan(30_000)
        return { status: 200, body: { key: { payroll_period: '2025-06' }, previous_key: { payroll_period: '2025-05' }, current: { 701: { active_status: 1, values: { amount__c: '1.00' } } }, previous: {}, cursor: null } }
      },
    })
    expect(await resolveEmployees('work_email', ['a@corp.example.com'])).toEqual({ 'a@corp.example.com': { status: 'found', employment_id: '701' } })
    expect((await periodRecords({ source_code: 'bonus__c', payroll_period: '2025-06', cursor: '0.abc' })).current).toEqual({ 701: { active_status: 1, values: { amount__c: '1.00' } } })
    expect(server.unexpected).toEqual([])
  })

  it('asks for a dry run before reverting, and reverts with an empty body', async () => {
    const bodies: unknown[] = []
    serve({
      'POST /api/jobs/job%2F7/revert': (req) => {
        const body = JSON.parse(req.data as string) as { dry_run?: boolean }
        bodies.push(body)
        return body.dry_run ? { status: 200, body: { plan: { restore: 3, stop: 1, cannot_clear: 0 } } } : { status: 201, body: { job: revert } }
      },
    })
    expect(await planRevert('job/7')).toEqual({ restore: 3, stop: 1, cannot_clear: 0 })
    expect(await revertJob('job/7')).toEqual(revert)
    expect(bodies).toEqual([{ dry_run: true }, {}])
  })
})
