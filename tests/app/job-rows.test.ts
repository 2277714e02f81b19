import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { defineComponent } from 'vue'
import * as jobsApi from '../../src/api/jobs'
import { useJobRows, type JobRowsOptions } from '../../src/components/jobs/useJobRows'
import type { JobRowResult, RowStatus } from '../../src/domain/jobs'
import { jobCounts, jobSummary } from './fixtures'
import { expectNoUnexpectedCalls, JOB_CALLS, resetLoud } from './loud-fakes'

vi.mock('../../src/api/jobs', async (importOriginal) => { const f = await import('./loud-fakes'); return f.loudModule(await importOriginal<object>(), f.JOB_CALLS) })

const finished = jobSummary({ id: 'job-1', status: 'finished_with_errors', counts: jobCounts({ succeeded: 3, failed: 2, partial: 1 }) })

function row(n: number, status: RowStatus): JobRowResult {
  return { row: n, status, feishu_code: null, message: null, field_errors: [], input: { row: n, employment_id: `e${n}`, values: {} } }
}

/** Mounts a component that reads job `id` through the composable, and hands back what it returned. */
function mountRows(id: string, options?: JobRowsOptions) {
  let rows!: ReturnType<typeof useJobRows>
  const wrapper = mount(defineComponent({ setup() { rows = useJobRows(id, options); return () => null } }))
  return { wrapper, rows: () => rows }
}

beforeEach(() => {
  setActivePinia(createPinia())
  resetLoud(jobsApi, JOB_CALLS)
})
afterEach(() => expectNoUnexpectedCalls())

describe('reading a job’s row results through useJobRows', () => {
  it('opens the job with its first rows page, bound for the row list', async () => {
    vi.mocked(jobsApi.getJob).mockResolvedValue({ job: finished, rows: [row(4, 'failed')], next_cursor: 'c2' })
    const { rows } = mountRows('job-1')
    await flushPromises()
    expect(rows().job.value).toEqual(finished)
    expect(rows().page.value).toMatchObject({ rows: [row(4, 'failed')], filter: 'all', page: 1, hasNext: true, loading: false, error: null, counts: finished.counts })
    expect(rows().all.value.data).toBeNull() // not asked for
    expect(jobsApi.getJob).toHaveBeenCalledTimes(1)
  })

  it('once the job is final reads every page of the asked statuses, in row order', async () => {
    vi.mocked(jobsApi.getJob).mockImplementation(async (_id, params = {}) => {
      if (params.status === undefined || params.limit === 50) return { job: finished, rows: [], next_cursor: null }
      if (params.status === 'failed') return params.cursor === null ? { job: finished, rows: [row(9, 'failed')], next_cursor: 0 } : { job: finished, rows: [row(2, 'failed')], next_cursor: null }
      if (params.status === 'partial') return { job: finished, rows: [row(5, 'partial')], next_cursor: null }
      throw new Error(`unexpected query ${JSON.stringify(params)}`)
    })
    const { rows } = mountRows('job-1', { all: ['failed', 'partial'] })
    await flushPromises()
    expect(rows().all.value.data?.map((r) => r.row)).toEqual([2, 5, 9])
    const allReads = vi.mocked(jobsApi.getJob).mock.calls.filter(([, p]) => p?.limit === 500).map(([, p]) => [p?.status, p?.cursor])
    expect(allReads).toEqual([['failed', null], ['failed', 0], ['partial', null]])
  })

  it('never shows the rows read for another job', async () => {
    vi.mocked(jobsApi.getJob).mockImplementation(async (id) => ({ job: { ...finished, id }, rows: [row(1, 'failed')], next_cursor: null }))
    const first = mountRows('job-1', { all: true })
    await flushPromises()
    expect(first.rows().all.value.data).toHaveLength(1)
    first.wrapper.unmount()

    const second = mountRows('job-2')
    await flushPromises()
    expect(second.rows().job.value?.id).toBe('job-2')
    expect(second.rows().all.value.data).toBeNull()
  })
})
