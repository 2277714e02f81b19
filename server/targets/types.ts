import type { z } from 'zod'
import type { ApprovalSummary, DriftItem } from '../../src/domain/approval'
import type { JobRowError } from '../../src/domain/job-rows'
import type { JobKind, JobRowInput, JobSummary, JobTarget, RowCheckState, TargetKind } from '../../src/domain/jobs'
import type { FailureKind } from '../feishu/classify'
import type { FeishuClient } from '../feishu/client'
import type { Logger } from '../logger'
import type { BatchContext, BatchOutcome, LoadedRow, ParsedJob, RecordState } from '../jobs/job-context'
import type { Pacer } from '../jobs/pacer'
import type { BatchRow } from '../store/jobs-repo'

/**
 * The server's half of a write target (the pure half is in src/domain: write-targets.ts and the
 * target's own module). The runner, job creation, routes and capabilities ask these modules; no
 * code outside server/targets names a target.
 */
export interface TargetModule {
  kind: TargetKind
  /** The `target` of `POST /api/jobs` for this target, checked at the door (a strict object with `type`). */
  targetSchema: z.ZodType<JobTarget>
  /**
   * Failures that say something about the whole job rather than one record (the target is gone,
   * stopped or full, the person or the app lacks a permission): they end the job at once.
   */
  endsJob: ReadonlySet<FailureKind>
  /**
   * The token every Feishu call of its jobs is made with: the job owner's own user_access_token,
   * so Feishu applies that person's row-level data permissions (refreshed while the job runs).
   */
  token: 'owner'
  /** The smallest read that tells whether the person may use the target (the home page's capability). */
  probe(feishu: FeishuClient, userToken: string): Promise<unknown>
  /** The scope that read needs, named when Feishu does not say which one is missing. */
  probeScope: string
  /**
   * What a job keeps about its preparation (`source` of `POST /api/jobs`): checks the target's own
   * part (payroll: control totals and their override reason) and returns what is stored; throws an
   * AppError to refuse the job. Without it, a `controls` part is dropped.
   */
  keepSource?(source: NonNullable<JobSummary['source']>): JobSummary['source']
  /** Its job kinds (the kinds of src/domain/write-targets.ts whose target this is). */
  jobs: Partial<Record<JobKind, JobKindModule>>
  /** For a target whose kinds may wait for an approval (their spec's `approval`): what the approval needs. */
  approval?: ApprovalHooks
}

/**
 * What an approval of a job needs from its target (server/approval asks; issue 15). Both read with
 * the owner's own token, so Feishu applies the preparer's data permissions.
 */
export interface ApprovalHooks {
  /** The records as Feishu holds them now (they become the rows' before-values), and the form's summary. */
  snapshot(ctx: CheckContext, target: JobTarget, fields: string[], rows: Array<{ idx: number; input: JobRowInput }>): Promise<{ before: Array<{ idx: number; before: RecordState | null }>; summary: ApprovalSummary }>
  /** What moved in Feishu since `before` was read (empty: the approved diff still holds). */
  drift(ctx: CheckContext, target: JobTarget, fields: string[], rows: Array<{ idx: number; input: JobRowInput; before: RecordState | null }>): Promise<DriftItem[]>
}

/** What checking a request's rows may use: the owner's token and the app's paced Feishu client. */
export interface CheckContext { feishu: FeishuClient; pacer: Pacer; token: string }

export interface CheckedRows { rows: JobRowInput[]; errors: JobRowError[]; fields: string[] }

/** A job's loaded rows, for taking it back. */
export interface TakeBackPlan { plan: object; rows: JobRowInput[] }

export interface JobKindModule {
  /** One job row as it arrives (each row is parsed alone, so a 100,000-row job never holds two copies). */
  rowSchema: z.ZodType<JobRowInput>
  /**
   * The rows of one request, checked with the same src/domain rules the app used; returns them
   * normalised, with any errors (which refuse the whole request) and the field codes they write.
   */
  checkRows(ctx: CheckContext, target: JobTarget, rows: JobRowInput[]): Promise<CheckedRows>
  /** At creation: the owner's employee number, when this kind's calls name the owner by it (operator_id). */
  ownerEmployeeNo?(ctx: CheckContext, target: JobTarget): Promise<string | null>
  /**
   * How many batches of one job are worked at once. The pacer still decides when each call goes,
   * so more workers never means more than Feishu's limit; they only keep the limit used.
   */
  workers: number
  /** Sends one batch and says what became of each row (see job-context.ts). */
  execute(ctx: BatchContext): Promise<BatchOutcome>
  /** Work the runner starts beside the batches (payroll saves read before-values ahead). */
  lookAhead?(ctx: LookAheadContext): BatchLookAhead
  /** For a kind that can be taken back: what taking a finished job back would write (rows of the takeBack kind). */
  planTakeBack?(rows: LoadedRow[]): TakeBackPlan
}

export interface LookAheadContext {
  job: ParsedJob
  batches: BatchRow[]
  feishu: FeishuClient
  logger: Logger
  sleep(ms: number): Promise<void>
  /** The batch's pending rows as stored now. */
  pendingRows(batch: BatchRow): Promise<LoadedRow[]>
  /** A paced, retried call with the owner's token, counted as one of the job's calls. */
  call: BatchContext['call']
  saveBefore(rows: Array<{ idx: number; before: RecordState | null }>): Promise<void>
  /** A batch's rows as stored now, whatever their status (after its save: what became of each). */
  batchRows(batch: BatchRow): Promise<LoadedRow[]>
  /** Records what a check after the call found about rows (payroll: the read-back). */
  setChecks(checks: Array<{ idx: number; state: RowCheckState; detail: unknown }>): Promise<void>
  /**
   * Batches an earlier run saved whose sent rows have no check yet: the process ended between a
   * save and its read-back (a crash, a restart). Empty on a job's first run.
   */
  uncheckedBatches(): Promise<BatchRow[]>
}

/** Runs beside a job's batches: each batch waits for it with ready() before it is sent. */
export interface BatchLookAhead {
  ready(batch: BatchRow): Promise<void>
  /** The batch was saved (its rows' outcomes are committed). */
  saved(batch: BatchRow): void
  stop(): Promise<void>
}

export type { BatchOutcome }
