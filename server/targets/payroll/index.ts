import { z } from 'zod'
import { checkPayrollRows } from '../../../src/domain/job-rows'
import type { PayrollRowInput, PayrollTarget } from '../../../src/domain/jobs'
import { payrollTarget } from '../../../src/domain/payroll'
import type { FailureKind } from '../../feishu/classify'
import type { LoadedRow } from '../../jobs/job-context'
import type { CheckContext, JobKindModule, TargetModule } from '../types'
import { payrollApproval } from './approval'
import { beforeAhead } from './before-ahead'
import { readBack } from './read-back'
import { findDatasource } from './datasources'
import { planRevert } from './revert'
import { captureBefore, runPayrollBatch } from './save'
import { keepControls } from './controls'

const id = z.string().trim().min(1).max(128)
const rowNo = z.number().int().min(0).max(10_000_000)

const payrollRow = z.strictObject({
  row: rowNo, employment_id: id, active_status: z.union([z.literal(1), z.literal(2)]).optional(),
  values: z.record(z.string().min(1).max(128), z.string().max(10_000).nullable()),
})

/** A revert row also carries what the reverted job left in Feishu (respectLaterEdits). */
const payrollRevertRow = payrollRow.extend({
  expect: z.strictObject({ active_status: z.number().int(), values: z.record(z.string().min(1).max(128), z.string().max(10_000)) }).optional(),
})

/** The time fields of the datasource's dimension; checked against its data_period_type with the rows. */
const target = z.strictObject({
  type: z.literal('payroll'), source_code: id,
  payroll_period: z.string().max(7).optional(), occur_day: z.string().max(10).optional(),
  custom_start: z.string().max(10).optional(), custom_end: z.string().max(10).optional(),
})

/**
 * The datasource is gone, stopped or full, or the person or the app lacks a permission (§1.5,
 * §4.2): every record would fail the same way. A record's own refusal (2500010–2500018, 2500014)
 * fails that row alone.
 */
const ENDS_JOB: ReadonlySet<FailureKind> = new Set<FailureKind>(['target_missing', 'target_stopped', 'capacity_full', 'scope_missing', 'app_scope_missing', 'no_permission', 'app_unavailable'])

/** Rows go through the datasource's own field rules, read with the owner's token. */
async function checkRows(ctx: CheckContext, t: PayrollTarget, rows: PayrollRowInput[]) {
  const schema = payrollTarget(await findDatasource(ctx.feishu, ctx.pacer, ctx.token, t.source_code))
  const checked = checkPayrollRows(schema, t, rows)
  return { rows: checked.rows, errors: checked.errors, fields: [...new Set(checked.rows.flatMap((r) => Object.keys(r.values)))].sort() }
}

/**
 * Saves are serial per datasource (the serialiser sees to it, keyed in save.ts), but a second
 * worker gets the next batch ready — status check, rows, in-flight mark, token — while the current
 * one saves, so only the lock hand-over sits between two saves (one worker left ~30–50 ms of store
 * and Redis round trips there: 0.87 of the ceiling at 300 ms a call with three processes).
 */
const WORKERS = 2

const save: JobKindModule = {
  rowSchema: payrollRow,
  checkRows: (ctx, t, rows) => checkRows(ctx, t as PayrollTarget, rows as PayrollRowInput[]),
  workers: WORKERS,
  execute: (ctx) => runPayrollBatch(ctx, { captureBefore: true }),
  /**
   * The before-values of the next batches are read while the current one saves, ≤ 100 employments
   * a query (before-ahead.ts). A batch whose read failed reads for itself. Saved batches are read
   * back beside the saves (read-back.ts).
   */
  lookAhead: (ctx) => {
    const ahead = beforeAhead(ctx.batches, async (group) => {
      const rows = (await Promise.all(group.map((b) => ctx.pendingRows(b)))).flat() as LoadedRow<PayrollRowInput>[]
      await captureBefore({ job: ctx.job, feishu: ctx.feishu, call: ctx.call, saveBefore: ctx.saveBefore }, rows)
    }, { ahead: 3, sleep: ctx.sleep, onError: (e) => ctx.logger.debug('before-values look-ahead stopped; batches capture for themselves', { jobId: ctx.job.id, error: e }) })
    // After each save, its records are read back (read-back.ts): confirmed, or differs with both values.
    const back = readBack(ctx)
    return {
      ready: (batch) => ahead.ready(batch),
      saved: (batch) => { ahead.saved(); back.saved(batch) },
      stop: async () => { await ahead.stop(); await back.stop() },
    }
  },
  planTakeBack: (rows) => planRevert(rows as LoadedRow<PayrollRowInput>[]),
}

/**
 * A revert writes back values captured by the job it reverts, so it captures none itself; it
 * re-reads the records first and keeps whatever someone changed since.
 */
const revert: JobKindModule = {
  rowSchema: payrollRevertRow,
  checkRows: (ctx, t, rows) => checkRows(ctx, t as PayrollTarget, rows as PayrollRowInput[]),
  workers: WORKERS,
  execute: (ctx) => runPayrollBatch(ctx, { captureBefore: false, respectLaterEdits: true }),
}

export const payrollModule: TargetModule = {
  kind: 'payroll',
  targetSchema: target,
  endsJob: ENDS_JOB,
  token: 'owner',
  probe: (feishu, token) => feishu.listDatasources(token, { pageSize: 1 }),
  probeScope: 'payroll:external_datasource_configuration:read',
  keepSource: keepControls,
  jobs: { payroll_save: save, payroll_revert: revert },
  approval: payrollApproval,
}
