import type { JobKind, TargetKind } from '../../src/domain/jobs'
import { jobKindSpec } from '../../src/domain/write-targets'
import { attendanceModule } from './attendance'
import { payrollModule } from './payroll'
import type { JobKindModule, TargetModule } from './types'

/**
 * The server's registry of write targets (the pure half: src/domain/write-targets.ts). A new target
 * adds its module folder here and its job kinds there; nothing else names it.
 */
export const TARGETS: Record<TargetKind, TargetModule> = {
  payroll: payrollModule,
  attendance: attendanceModule,
}

export function targetModule(kind: TargetKind): TargetModule {
  return TARGETS[kind]
}

/** A job kind's module: its target's entry for it. */
export function jobModule(kind: JobKind): JobKindModule {
  const m = TARGETS[jobKindSpec(kind).target as TargetKind].jobs[kind]
  if (!m) throw new Error(`no module for job kind ${kind}`)
  return m
}

export type { JobKindModule, TargetModule } from './types'
